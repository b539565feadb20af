package raft

import (
	"fmt"
	"time"
)

// EventKind names what a node did.
type EventKind int

// The kinds of Event. The comment of each lists the Event fields it sets.
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
	EventQuorumLost                           // Term, Votes (nodes heard from, itself included), Timeout (the window)
)

// eventKindNames names each kind in traces and logs.
var eventKindNames = map[EventKind]string{
	EventRoleChanged:     "role-changed",
	EventTermChanged:     "term-changed",
	EventElectionStarted: "election-started",
	EventVoteRequested:   "vote-requested",
	EventVoteGranted:     "vote-granted",
	EventVoteRejected:    "vote-rejected",
	EventVoteReceived:    "vote-received",
	EventElectionWon:     "election-won",
	EventStatePersisted:  "state-persisted",
	EventPersistFailed:   "persist-failed",
	EventQuorumLost:      "quorum-lost",
}

// String returns the kind's name, such as "election-won".
func (k EventKind) String() string {
	if name, ok := eventKindNames[k]; ok {
		return name
	}
	return fmt.Sprintf("raft-event-%d", int(k))
}

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
	PreVote  bool   // the election, request or vote is a pre-vote, which changes no term
	Transfer bool   // the election is a leadership transfer
	Leader   int    // for a vote rejected because a leader was heard recently: that leader
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
		return e.describeStart()
	case EventVoteRequested:
		return fmt.Sprintf("n%d requested a %s from n%d for term %d", e.Node, e.voteNoun(), e.Peer, e.Term)
	case EventVoteGranted:
		if e.PreVote {
			return fmt.Sprintf("n%d granted n%d a pre-vote for term %d", e.Node, e.Peer, e.PeerTerm)
		}
		return fmt.Sprintf("n%d voted for n%d in term %d", e.Node, e.Peer, e.Term)
	case EventVoteRejected:
		if e.PreVote {
			return fmt.Sprintf("n%d rejected n%d's pre-vote for term %d: %s", e.Node, e.Peer, e.PeerTerm,
				e.Reason.describe(e))
		}
		return fmt.Sprintf("n%d rejected n%d in term %d: %s", e.Node, e.Peer, e.Term, e.Reason.describe(e))
	case EventVoteReceived:
		what := "rejected its " + e.voteNoun() + " request"
		if e.Granted {
			what = "granted its " + e.voteNoun()
		}
		tally := fmt.Sprintf("%d votes", e.Votes)
		if e.Votes == 1 {
			tally = "1 vote"
		}
		return fmt.Sprintf("n%d: n%d %s in term %d (%s so far)", e.Node, e.Peer, what, e.Term, tally)
	case EventElectionWon:
		if e.PreVote {
			return fmt.Sprintf("n%d won the pre-vote for term %d with %d votes", e.Node, e.Term, e.Votes)
		}
		return fmt.Sprintf("n%d won the election for term %d with %d votes", e.Node, e.Term, e.Votes)
	case EventStatePersisted:
		return fmt.Sprintf("n%d saved term %d, vote %s", e.Node, e.Term, NodeName(e.VotedFor))
	case EventPersistFailed:
		return fmt.Sprintf("n%d failed to save term %d, vote %s: %s",
			e.Node, e.Term, NodeName(e.VotedFor), e.Err)
	case EventQuorumLost:
		senders := "only itself"
		if e.Votes != 1 {
			senders = fmt.Sprintf("%d nodes, itself included,", e.Votes)
		}
		return fmt.Sprintf("n%d stepped down in term %d: heard from %s in %v, fewer than a majority",
			e.Node, e.Term, senders, e.Timeout)
	}
	return fmt.Sprintf("n%d: event %d", e.Node, int(e.Kind))
}

// describeStart words an EventElectionStarted with its cause.
func (e Event) describeStart() string {
	what := "an election"
	if e.PreVote {
		what = "a pre-vote"
	}
	cause := fmt.Sprintf("its %v timeout ran out", e.Timeout.Round(time.Millisecond))
	switch {
	case e.Transfer:
		cause = "leadership transfer"
	case e.Forced:
		cause = "campaign requested"
	}
	return fmt.Sprintf("n%d started %s for term %d (%s)", e.Node, what, e.Term, cause)
}

func (e Event) voteNoun() string {
	if e.PreVote {
		return "pre-vote"
	}
	return "vote"
}

// NodeName returns "n3" for node 3 and "none" for None.
func NodeName(id int) string {
	if id == None {
		return "none"
	}
	return fmt.Sprintf("n%d", id)
}
