package cluster

import (
	"fmt"
	"testing"

	"github.com/raftplay/raftplay/raft"
)

// The UI's event feed shows a rejected vote as Event.String words it, so each
// test below checks that wording for one reason, in a real cluster made to
// reject a vote for that reason.

// waitRejection waits for voter's rejection of candidate, after the event
// numbered since, for reason, and returns it.
func (tc *testCluster) waitRejection(since uint64, voter, candidate int, reason raft.VoteReason,
	preVote bool,
) Event {
	tc.t.Helper()
	var found Event
	waitFor(tc.t, fmt.Sprintf("n%d to reject n%d: %s", voter, candidate, reason), func() bool {
		for _, e := range tc.raftEvents(since, raft.EventVoteRejected) {
			r := e.Raft
			if r.Node == voter && r.Peer == candidate && r.Reason == reason && r.PreVote == preVote {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

// raiseTerm makes followers campaign until a leader of term at least min is
// followed by every node, and returns it.
func (tc *testCluster) raiseTerm(min uint64) (int, uint64) {
	tc.t.Helper()
	leader, term := tc.waitStableLeader()
	for term < min {
		must(tc.t, tc.Campaign(leader%tc.cfg.Nodes+1))
		waitFor(tc.t, "a leader in a newer term", func() bool {
			l, got := stableLeader(tc.Snapshot())
			return l != raft.None && got > term
		})
		leader, term = stableLeader(tc.Snapshot())
	}
	return leader, term
}

func TestRejectionWordingStaleTerm(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	tc.unsafe = true // an amnesia restart lowers a term, which the monitor reports
	leader, _ := tc.raiseTerm(3)
	candidate, voter := leader%3+1, (leader+1)%3+1
	// With its state file deleted the candidate restarts at term 0, and only
	// the voter can hear it, so its next term is older than the voter's.
	must(t, tc.Isolate(candidate))
	must(t, tc.Crash(candidate))
	must(t, tc.RestartWith(candidate, RestartAmnesia))
	must(t, tc.HealBetween(candidate, voter))
	since := tc.lastSeq()
	must(t, tc.Campaign(candidate))

	e := tc.waitRejection(since, voter, candidate, raft.ReasonStaleTerm, false)
	if e.Raft.PeerTerm >= e.Raft.Term {
		t.Errorf("candidate's term %d is not older than the voter's %d", e.Raft.PeerTerm, e.Raft.Term)
	}
	want := fmt.Sprintf("n%d rejected n%d in term %d: candidate's term %d is older than mine, %d",
		voter, candidate, e.Raft.Term, e.Raft.PeerTerm, e.Raft.Term)
	if got := e.String(); got != want {
		t.Errorf("rejection reads %q, want %q", got, want)
	}
}

func TestRejectionWordingAlreadyVoted(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	leader, _ := tc.waitStableLeader()
	a, b := leader%3+1, (leader+1)%3+1
	since := tc.lastSeq()
	// Both campaign in one term: the leader, asked by both, votes for the
	// first and must reject the second.
	must(t, tc.SplitVote(a, b))
	var found Event
	waitFor(t, "a rejection because the voter already voted", func() bool {
		for _, e := range tc.raftEvents(since, raft.EventVoteRejected) {
			if e.Raft.Reason == raft.ReasonAlreadyVoted {
				found = e
				return true
			}
		}
		return false
	})
	r := found.Raft
	want := fmt.Sprintf("n%d rejected n%d in term %d: already voted for n%d in term %d",
		r.Node, r.Peer, r.Term, r.VotedFor, r.Term)
	if got := found.String(); got != want {
		t.Errorf("rejection reads %q, want %q", got, want)
	}
	if r.VotedFor == r.Peer || r.VotedFor == raft.None {
		t.Errorf("voter n%d voted for n%d, want another node than the candidate n%d",
			r.Node, r.VotedFor, r.Peer)
	}
}

func TestRejectionWordingLeaderRecent(t *testing.T) {
	cfg := testConfig(t, 3)
	cfg.CheckQuorum = true
	tc := startCluster(t, cfg)
	leader, term := tc.waitStableLeader()
	rival, voter := leader%3+1, (leader+1)%3+1
	since := tc.lastSeq()
	must(t, tc.Campaign(rival))

	e := tc.waitRejection(since, voter, rival, raft.ReasonLeaderRecent, false)
	want := fmt.Sprintf("n%d rejected n%d in term %d: heard from leader n%d within the minimum "+
		"election timeout", voter, rival, term, leader)
	if got := e.String(); got != want {
		t.Errorf("rejection reads %q, want %q", got, want)
	}
}

func TestRejectionWordingPreVoteNotNewer(t *testing.T) {
	cfg := testConfig(t, 5)
	cfg.PreVote = true
	tc := startCluster(t, cfg)
	leader, term := tc.waitStableLeader()
	lagging := leader%5 + 1
	must(t, tc.Isolate(lagging))
	// The others move on a term without it, so its next term is the one
	// they are in already. A transfer moves them on at once: a campaign would
	// start a pre-vote, which the followers of the live leader reject.
	must(t, tc.TransferLeadership(lagging%5+1))
	newLeader := raft.None
	waitFor(t, "a leader in a newer term among the others", func() bool {
		s := tc.Snapshot()
		l, got := s.Leader()
		newLeader = l
		return l != raft.None && got > term && s.Followers(l) >= s.Majority()
	})
	// A follower, unlike the leader, sends the lagging node nothing that would
	// bring it up to date before it requests pre-votes.
	voter := lagging%5 + 1
	for voter == newLeader || voter == lagging {
		voter = voter%5 + 1
	}
	since := tc.lastSeq()
	must(t, tc.HealBetween(lagging, voter))

	e := tc.waitRejection(since, voter, lagging, raft.ReasonStaleTerm, true)
	want := fmt.Sprintf("n%d rejected n%d's pre-vote for term %d: candidate's next term %d is not "+
		"newer than mine, %d", voter, lagging, e.Raft.PeerTerm, e.Raft.PeerTerm, e.Raft.Term)
	if got := e.String(); got != want {
		t.Errorf("rejection reads %q, want %q", got, want)
	}
	if e.Raft.PeerTerm > e.Raft.Term {
		t.Errorf("pre-vote for term %d rejected by a voter in term %d", e.Raft.PeerTerm, e.Raft.Term)
	}
}

// slowConfig runs the cluster four times slower than real time, so that a
// reset reason that lasts one election timeout lasts at least 600ms of wall
// time, long enough for a poll to see it on a loaded machine.
func slowConfig(t *testing.T, nodes int) Config {
	cfg := testConfig(t, nodes)
	cfg.Slowdown = 4
	return cfg
}

// waitReset waits until node id's timer was last reset for reason while it
// has role.
func (tc *testCluster) waitReset(id int, role raft.Role, reason raft.ResetReason) {
	tc.t.Helper()
	waitFor(tc.t, fmt.Sprintf("n%d, %s, reset by %s", id, role, reason), func() bool {
		st := tc.Snapshot().Nodes[id-1].Status
		return st.Role == role && st.ResetReason == reason
	})
}

func TestResetReasonHeartbeat(t *testing.T) {
	tc := startCluster(t, slowConfig(t, 3))
	leader, _ := tc.waitStableLeader()
	tc.waitReset(leader%3+1, raft.Follower, raft.ResetHeartbeat)
}

func TestResetReasonVoteGranted(t *testing.T) {
	tc := startCluster(t, slowConfig(t, 5))
	leader, _ := tc.waitStableLeader()
	candidate, voter := leader%5+1, (leader+1)%5+1
	// Only the voter hears the candidate, so the candidate cannot win and no
	// heartbeat follows the vote.
	must(t, tc.Isolate(candidate))
	must(t, tc.Isolate(voter))
	must(t, tc.HealBetween(candidate, voter))
	must(t, tc.Campaign(candidate))
	tc.waitReset(voter, raft.Follower, raft.ResetVoteGranted)
}

func TestResetReasonElectionStarted(t *testing.T) {
	tc := startCluster(t, slowConfig(t, 3))
	leader, _ := tc.waitStableLeader()
	loner := leader%3 + 1
	must(t, tc.Isolate(loner))
	tc.waitReset(loner, raft.Candidate, raft.ResetElectionStarted)
}

func TestResetReasonSteppedDown(t *testing.T) {
	cfg := slowConfig(t, 3)
	cfg.CheckQuorum = true
	tc := startCluster(t, cfg)
	leader, _ := tc.waitStableLeader()
	must(t, tc.Isolate(leader))
	tc.waitReset(leader, raft.Follower, raft.ResetSteppedDown)
}

func TestResetReasonSetByHand(t *testing.T) {
	tc := startCluster(t, slowConfig(t, 3))
	leader, _ := tc.waitStableLeader()
	loner := leader%3 + 1
	// Isolated, the node hears no heartbeat that would reset its timer again.
	must(t, tc.Isolate(loner))
	tc.SpreadTimers()
	waitFor(t, fmt.Sprintf("n%d's timer set by hand", loner), func() bool {
		return tc.Snapshot().Nodes[loner-1].Status.ResetReason == raft.ResetRigged
	})
}

func TestResetReasonPreVoteStarted(t *testing.T) {
	cfg := slowConfig(t, 3)
	cfg.PreVote = true
	tc := startCluster(t, cfg)
	leader, _ := tc.waitStableLeader()
	loner := leader%3 + 1
	must(t, tc.Isolate(loner))
	tc.waitReset(loner, raft.PreCandidate, raft.ResetPreVoteStarted)
}
