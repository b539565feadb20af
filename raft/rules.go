package raft

import (
	"fmt"
	"time"
)

// The decisions of the election, as pure functions over values so that they can
// be tested by table. The Node applies them with its mutex held.

// VoteReason is the reason a voter granted or rejected a vote.
type VoteReason int

// The reasons a vote is granted or rejected.
const (
	ReasonNone          VoteReason = iota // no reason recorded (an unanswered request)
	ReasonGranted                         // first vote in this term, for this candidate
	ReasonRegranted                       // the voter had already voted for this candidate in this term
	ReasonStaleTerm                       // the candidate's term is older than the voter's
	ReasonAlreadyVoted                    // the voter already voted for another node in this term
	ReasonPersistFailed                   // the voter could not save its vote, so it may not grant it
	ReasonStopped                         // the voter is shutting down
	ReasonLeaderRecent                    // the voter leads, or heard from a live leader within the minimum election timeout
)

// String returns a short name for the reason.
func (r VoteReason) String() string {
	switch r {
	case ReasonNone:
		return "none"
	case ReasonGranted:
		return "granted"
	case ReasonRegranted:
		return "already voted for this candidate"
	case ReasonStaleTerm:
		return "stale term"
	case ReasonAlreadyVoted:
		return "already voted"
	case ReasonPersistFailed:
		return "state file write failed"
	case ReasonStopped:
		return "stopped"
	case ReasonLeaderRecent:
		return "heard from a leader recently"
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// describe words the reason for an event whose Term is the voter's term, PeerTerm
// the candidate's and VotedFor the voter's vote.
func (r VoteReason) describe(e Event) string {
	switch r {
	case ReasonStaleTerm:
		if e.PreVote {
			return fmt.Sprintf("candidate's next term %d is not newer than mine, %d", e.PeerTerm, e.Term)
		}
		return fmt.Sprintf("candidate's term %d is older than mine, %d", e.PeerTerm, e.Term)
	case ReasonAlreadyVoted:
		return fmt.Sprintf("already voted for %s in term %d", NodeName(e.VotedFor), e.Term)
	case ReasonLeaderRecent:
		if e.Leader == e.Node && e.PreVote {
			return "I lead this term"
		}
		if e.Leader == e.Node {
			return "I lead this term and CheckQuorum keeps me leading"
		}
		return fmt.Sprintf("heard from leader %s within the minimum election timeout", NodeName(e.Leader))
	}
	return r.String()
}

// HardState is what Raft requires a node to keep on stable storage: its current
// term and whom it voted for in that term (None if it has not voted).
type HardState struct {
	Term     uint64
	VotedFor int
}

// ShouldAdoptTerm reports whether a message carrying term moves a node that is at
// current to that term. Any newer term does, from any sender (Figure 2, "Rules
// for all servers").
func ShouldAdoptTerm(current, term uint64) bool {
	return term > current
}

// DecideVote decides a RequestVote for a voter whose hard state is s, after the
// voter has adopted the candidate's term if it was newer. A vote is granted at
// most once per term: to the first candidate that requests it, and again to
// that same candidate if it requests twice. With no log, every candidate's log is up to date.
func DecideVote(s HardState, candidateTerm uint64, candidate int) (bool, VoteReason) {
	switch {
	case candidateTerm < s.Term:
		return false, ReasonStaleTerm
	case s.VotedFor == candidate:
		return true, ReasonRegranted
	case s.VotedFor != None:
		return false, ReasonAlreadyVoted
	}
	return true, ReasonGranted
}

// LeaderLive reports whether a voter still has a live leader when candidate
// requests its vote or pre-vote: the voter leads (leads), or it heard a
// heartbeat from leader less than minTimeout ago (sinceHeartbeat is the time
// since that heartbeat). leader is None if the voter heard from no leader. A
// request from that leader itself does not count, because a leader that
// requests votes has stopped leading.
func LeaderLive(leads bool, leader, candidate int, sinceHeartbeat, minTimeout time.Duration) bool {
	switch {
	case leads:
		return true
	case leader == None || leader == candidate:
		return false
	}
	return sinceHeartbeat < minTimeout
}

// DecidePreVote decides a pre-vote request for the term a pre-candidate would
// move to, by a voter at term current. A pre-vote changes nothing at the
// voter. It is granted only if the proposed term is newer than the voter's and
// the voter has no live leader (see LeaderLive). When both fail, the term is
// the reason given. With no log, every candidate's log counts as up to date.
// The leader check keeps a node that lost touch with the leader from deposing
// it while a majority still hears from it (Pre-Vote, Ongaro's thesis, section
// 9.6).
func DecidePreVote(current, proposed uint64, leaderLive bool) (bool, VoteReason) {
	switch {
	case proposed <= current:
		return false, ReasonStaleTerm
	case leaderLive:
		return false, ReasonLeaderRecent
	}
	return true, ReasonGranted
}

// Outcome is the state of an election's tally.
type Outcome int

// The outcomes of a tally.
const (
	Pending Outcome = iota // neither a majority for nor a majority against yet
	Won                    // a majority of the cluster granted its vote
	Lost                   // enough nodes rejected that a majority is out of reach
)

// String returns the outcome's name.
func (o Outcome) String() string {
	switch o {
	case Pending:
		return "pending"
	case Won:
		return "won"
	case Lost:
		return "lost"
	}
	return fmt.Sprintf("outcome(%d)", int(o))
}

// Majority returns the number of votes that wins an election among n nodes.
func Majority(n int) int {
	return n/2 + 1
}

// Tally decides an election among n nodes in which granted distinct nodes (the
// candidate included) granted their votes and rejected distinct nodes refused.
func Tally(n, granted, rejected int) Outcome {
	majority := Majority(n)
	switch {
	case granted >= majority:
		return Won
	case n-rejected < majority:
		return Lost
	}
	return Pending
}
