package cluster

import (
	"testing"

	"github.com/raftplay/raftplay/raft"
)

func TestPreVoteKeepsIsolatedTermAndLeader(t *testing.T) {
	cfg := testConfig(t, 5)
	cfg.PreVote = true
	tc := startCluster(t, cfg)
	leader, term := tc.waitStableLeader()
	loner := leader%5 + 1
	must(t, tc.Isolate(loner))

	// The loner's pre-votes fail again and again; its term must not move.
	since := tc.lastSeq()
	waitFor(t, "the isolated node to try three pre-votes", func() bool {
		n := 0
		for _, e := range tc.raftEvents(since, raft.EventElectionStarted) {
			if e.Node == loner && e.Raft.PreVote {
				n++
			}
		}
		return n >= 3
	})
	if got := tc.Snapshot().Nodes[loner-1].Status.Term; got != term {
		t.Fatalf("isolated n%d moved to term %d with PreVote, want it to stay at %d", loner, got, term)
	}

	must(t, tc.Rejoin(loner))
	waitFor(t, "the loner to follow the leader again", func() bool {
		return tc.Snapshot().Nodes[loner-1].Status.Leader == leader
	})
	if l, got := tc.Snapshot().Leader(); l != leader || got != term {
		t.Errorf("after rejoin n%d leads term %d, want n%d to keep term %d", l, got, leader, term)
	}
}

func TestWithoutPreVoteIsolatedTermRises(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	leader, term := tc.waitStableLeader()
	loner := leader%3 + 1
	must(t, tc.Isolate(loner))
	waitFor(t, "the isolated node's term to rise", func() bool {
		return tc.Snapshot().Nodes[loner-1].Status.Term > term+1
	})
}

func TestCheckQuorumIsolatedLeaderStepsDown(t *testing.T) {
	cfg := testConfig(t, 5)
	cfg.CheckQuorum = true
	tc := startCluster(t, cfg)
	leader, term := tc.waitStableLeader()
	must(t, tc.Isolate(leader))
	waitFor(t, "the isolated leader to step down", func() bool {
		return tc.Snapshot().Nodes[leader-1].Status.Role != raft.Leader
	})
	lost := tc.raftEvents(0, raft.EventQuorumLost)
	if len(lost) == 0 || lost[0].Node != leader || lost[0].Raft.Term != term {
		t.Errorf("quorum-lost events %v, want one from n%d in term %d", lost, leader, term)
	}
}

func TestCheckQuorumFollowerIgnoresRival(t *testing.T) {
	cfg := testConfig(t, 3)
	cfg.CheckQuorum = true
	tc := startCluster(t, cfg)
	leader, term := tc.waitStableLeader()
	rival := leader%3 + 1
	voter := rival%3 + 1
	since := tc.lastSeq()
	must(t, tc.Campaign(rival))
	waitFor(t, "the voter to answer the rival", func() bool { return len(tc.voteAnswers(since, voter, rival)) > 0 })
	answer := tc.voteAnswers(since, voter, rival)[0]
	if answer.Raft.Kind != raft.EventVoteRejected || answer.Raft.Reason != raft.ReasonLeaderRecent {
		t.Errorf("voter's answer %v, want a rejection because it heard from its leader", answer)
	}
	if got := tc.Snapshot().Nodes[voter-1].Status.Term; got != term {
		t.Errorf("the voter moved to term %d, want it to stay at %d", got, term)
	}
}

func TestTransferLeadership(t *testing.T) {
	cfg := testConfig(t, 5)
	cfg.PreVote, cfg.CheckQuorum = true, true
	tc := startCluster(t, cfg)
	leader, term := tc.waitStableLeader()
	target := leader%5 + 1
	must(t, tc.TransferLeadership(target))
	waitFor(t, "the target to lead", func() bool {
		l, got := stableLeader(tc.Snapshot())
		return l == target && got > term
	})
	if err := tc.TransferLeadership(target); err == nil {
		t.Error("transfer to the current leader succeeded, want an error")
	}
}

func TestOptionsSwitchLive(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	tc.waitStableLeader()
	tc.SetPreVote(true)
	tc.SetCheckQuorum(true)
	s := tc.Snapshot()
	if !s.PreVote || !s.CheckQuorum {
		t.Errorf("snapshot shows prevote %v checkquorum %v, want both on", s.PreVote, s.CheckQuorum)
	}
	leader, _ := tc.waitStableLeader()
	since := tc.lastSeq()
	must(t, tc.Crash(leader))
	waitFor(t, "a pre-vote after the crash", func() bool {
		for _, e := range tc.raftEvents(since, raft.EventElectionStarted) {
			if e.Raft.PreVote {
				return true
			}
		}
		return false
	})
	tc.waitStableLeader()
}
