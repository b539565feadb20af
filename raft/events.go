package raft

import (
	"fmt"
	"time"
)

// EventKind names what a node did.
type EventKind int

// The kinds of Event. Each one says which Event fields it sets.
const (
	EventRoleChanged     EventKind = iota + 1 // Role, Term; Peer is the leader followed, if known
	EventTermChanged                          // Term; Peer is the node whose message carried it, None for an own election
	EventElectionStarted                      // Term, Timeout (the timeout that ran out), Forced
	EventVoteRequested                        // Term, Peer (the node asked)
	EventVoteGranted                          // Term, Peer (the candidate), Reason
	EventVoteRejected                         // Term, Peer (the candidate), Reason, VotedFor
	EventVoteReceived                         // Term, Peer (the voter), Granted, Votes (granted so far), Reason
	EventElectionWon                          // Term, Votes
	EventStatePersisted                       // Term, VotedFor
	EventPersistFailed                        // Term, VotedFor (the values that failed to persist), Err
)

// Event is one thing a node did, reported as it happens.
type Event struct {
	Time     time.Time // on the node's Clock
	Node     int
	Kind     EventKind
	Term     uint64
	Role     Role
	Peer     int
	VotedFor int
	Votes    int
	Granted  bool
	Reason   VoteReason
	Timeout  time.Duration
	Err      string
	PeerTerm uint64 // the term the peer sent, where it differs from Term
	Forced   bool   // an election started by Campaign rather than by a timeout
}

// EventSink receives a node's events in the order the node produced them. The node
// calls it with its mutex held, so it must return quickly and must not call back
// into the node.
type EventSink func(Event)

// String describes the event in plain words, naming nodes n1, n2, and so on.
func (e Event) String() string {
	switch e.Kind {
	case EventRoleChanged:
		if e.Role == Follower && e.Peer != None {
			return fmt.Sprintf("n%d became follower of n%d in term %d", e.Node, e.Peer, e.Term)
		}
		return fmt.Sprintf("n%d became %s in term %d", e.Node, e.Role, e.Term)
	case EventTermChanged:
		if e.Peer == None {
			return fmt.Sprintf("n%d moved to term %d", e.Node, e.Term)
		}
		return fmt.Sprintf("n%d adopted term %d from n%d", e.Node, e.Term, e.Peer)
	case EventElectionStarted:
		if e.Forced {
			return fmt.Sprintf("n%d started an election for term %d (campaign requested)", e.Node, e.Term)
		}
		return fmt.Sprintf("n%d started an election for term %d (its %v timeout ran out)",
			e.Node, e.Term, e.Timeout.Round(time.Millisecond))
	case EventVoteRequested:
		return fmt.Sprintf("n%d requested a vote from n%d for term %d", e.Node, e.Peer, e.Term)
	case EventVoteGranted:
		return fmt.Sprintf("n%d voted for n%d in term %d", e.Node, e.Peer, e.Term)
	case EventVoteRejected:
		return fmt.Sprintf("n%d rejected n%d in term %d: %s", e.Node, e.Peer, e.Term, e.Reason.describe(e))
	case EventVoteReceived:
		verdict := "rejected"
		if e.Granted {
			verdict = "granted"
		}
		return fmt.Sprintf("n%d: n%d %s its vote in term %d (%d votes)", e.Node, e.Peer, verdict, e.Term, e.Votes)
	case EventElectionWon:
		return fmt.Sprintf("n%d won the election for term %d with %d votes", e.Node, e.Term, e.Votes)
	case EventStatePersisted:
		return fmt.Sprintf("n%d saved term %d, vote %s", e.Node, e.Term, NodeName(e.VotedFor))
	case EventPersistFailed:
		return fmt.Sprintf("n%d failed to save term %d, vote %s: %s",
			e.Node, e.Term, NodeName(e.VotedFor), e.Err)
	}
	return fmt.Sprintf("n%d: event %d", e.Node, int(e.Kind))
}

// NodeName returns "n3" for node 3 and "none" for None.
func NodeName(id int) string {
	if id == None {
		return "none"
	}
	return fmt.Sprintf("n%d", id)
}
