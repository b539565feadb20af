package raft

import "time"

// Contact is the last message a node received from one peer: a request the
// peer sent, or a reply to a request of this node.
type Contact struct {
	Peer int
	Time time.Time // on the node's clock; zero if nothing ever came
	What string    // such as "heartbeat, term 4" or "vote granted, term 5"
}

// MessageCounts counts a node's messages since it started: requests it sent,
// and requests and replies it received.
type MessageCounts struct {
	Sent       uint64 // vote and pre-vote requests and heartbeats sent
	Received   uint64 // requests handled and replies received
	Heartbeats uint64 // heartbeats received from a leader of the node's current term
}

// heard records a message from peer. Called with mu held.
func (n *Node) heard(peer int, what string) {
	if peer < 1 || peer > n.cfg.Nodes {
		return
	}
	if n.contacts == nil {
		n.contacts = make([]Contact, n.cfg.Nodes)
	}
	n.contacts[peer-1] = Contact{Peer: peer, Time: n.cfg.Clock.Now(), What: what}
	n.counts.Received++
}

// contactsCopy returns the last contact with every peer, in id order. Called
// with mu held.
func (n *Node) contactsCopy() []Contact {
	out := make([]Contact, 0, n.cfg.Nodes-1)
	for _, id := range n.peers() {
		c := Contact{Peer: id}
		if n.contacts != nil {
			c = n.contacts[id-1]
			c.Peer = id
		}
		out = append(out, c)
	}
	return out
}
