package raft

import (
	"fmt"
	"time"
)

// Contact is the last message a node received from one peer: a request the
// peer sent, or a reply to a request of this node.
type Contact struct {
	Peer int
	Time time.Time // on the node's clock; zero if nothing ever came
	What string    // such as "heartbeat, term 4" or "vote granted, term 5"
}

// MessageCounts counts a node's messages since it started: requests and
// replies it sent, and requests and replies it received.
type MessageCounts struct {
	Sent       uint64 // vote and pre-vote requests and heartbeats sent
	Replied    uint64 // replies sent, one to every request handled
	Received   uint64 // requests handled and replies received
	Heartbeats uint64 // heartbeats received from a leader of the node's current term
}

// message is the content of a Contact, kept as fields rather than text. A node
// hears from its peers dozens of times a second, and only a Status needs text.
type message struct {
	kind    messageKind
	term    uint64
	preVote bool
	granted bool // for a vote reply
}

type messageKind uint8

const (
	messageVoteRequest messageKind = iota + 1
	messageVoteReply
	messageHeartbeat
	messageHeartbeatReply
)

// String words m as a Contact's What, such as "heartbeat, term 4".
func (m message) String() string {
	noun := "vote"
	if m.preVote {
		noun = "pre-vote"
	}
	switch m.kind {
	case messageVoteRequest:
		if m.preVote {
			return fmt.Sprintf("pre-vote request for term %d", m.term)
		}
		return fmt.Sprintf("vote request, term %d", m.term)
	case messageVoteReply:
		verdict := "rejected"
		if m.granted {
			verdict = "granted"
		}
		return fmt.Sprintf("%s %s, term %d", noun, verdict, m.term)
	case messageHeartbeat:
		return fmt.Sprintf("heartbeat, term %d", m.term)
	case messageHeartbeatReply:
		return fmt.Sprintf("heartbeat reply, term %d", m.term)
	}
	return ""
}

// contact is the last message from one peer, as the node keeps it.
type contact struct {
	time time.Time
	what message
}

// heard records a message from peer. Called with mu held.
func (n *Node) heard(peer int, what message) {
	if peer < 1 || peer > n.cfg.Nodes {
		return
	}
	if n.contacts == nil {
		n.contacts = make([]contact, n.cfg.Nodes)
	}
	n.contacts[peer-1] = contact{time: n.cfg.Clock.Now(), what: what}
	n.counts.Received++
}

// contactsCopy returns the last contact with every peer, in id order. Called
// with mu held.
func (n *Node) contactsCopy() []Contact {
	out := make([]Contact, 0, n.cfg.Nodes-1)
	for _, id := range n.peers() {
		c := Contact{Peer: id}
		if n.contacts != nil && n.contacts[id-1].what.kind != 0 {
			c.Time, c.What = n.contacts[id-1].time, n.contacts[id-1].what.String()
		}
		out = append(out, c)
	}
	return out
}
