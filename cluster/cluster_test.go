package cluster

import (
	"testing"

	"github.com/raftplay/raftplay/raft"
)

func TestElectsOneLeader(t *testing.T) {
	tc := startCluster(t, testConfig(t, 5))
	leader, term := tc.waitStableLeader()
	if term < 1 {
		t.Fatalf("leader n%d in term %d, want term at least 1", leader, term)
	}
	s := tc.Snapshot()
	for _, n := range s.Nodes {
		if n.ID != leader && n.Status.Role != raft.Follower {
			t.Errorf("n%d is %s, want follower: %s", n.ID, n.Status.Role, describe(s))
		}
	}
}

func TestLeaderCrashElectsNewLeader(t *testing.T) {
	tc := startCluster(t, testConfig(t, 5))
	old, oldTerm := tc.waitStableLeader()
	if err := tc.Crash(old); err != nil {
		t.Fatalf("Crash(%d): %v", old, err)
	}

	leader, term := tc.waitStableLeader()
	if leader == old {
		t.Fatalf("crashed n%d still leads", old)
	}
	if term <= oldTerm {
		t.Errorf("new leader's term %d, want above the old leader's %d", term, oldTerm)
	}

	if err := tc.Restart(old); err != nil {
		t.Fatalf("Restart(%d): %v", old, err)
	}
	waitFor(t, "the old leader to follow the new one", func() bool {
		n := tc.Snapshot().Nodes[old-1]
		return n.Up && n.Status.Role == raft.Follower && n.Status.Leader != raft.None &&
			n.Status.Leader != old
	})
}
