package bench

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// raftEvent returns node's raft event of kind in term; peer is the leader
// followed, the candidate or the voter, as the kind has it.
func raftEvent(node int, kind raft.EventKind, role raft.Role, term uint64, peer int) cluster.Event {
	return cluster.Event{Kind: cluster.EventRaft, Node: node,
		Raft: raft.Event{Node: node, Kind: kind, Role: role, Term: term, Peer: peer}}
}

func leads(node int, term uint64) cluster.Event {
	return raftEvent(node, raft.EventRoleChanged, raft.Leader, term, node)
}

func follows(node, leader int, term uint64) cluster.Event {
	return raftEvent(node, raft.EventRoleChanged, raft.Follower, term, leader)
}

func applyAll(t *testing.T, view *tracker, events ...cluster.Event) {
	t.Helper()
	for _, e := range events {
		if err := view.apply(e); err != nil {
			t.Fatalf("apply(%v): %v", e, err)
		}
	}
}

func TestTrackerStableWhenAllFollow(t *testing.T) {
	view := newTracker(3)
	if _, _, ok := view.stable(); ok {
		t.Fatal("a fresh cluster is stable")
	}
	applyAll(t, view, leads(2, 1), follows(1, 2, 1))
	if _, _, ok := view.stable(); ok {
		t.Fatal("stable while n3 follows nobody")
	}
	applyAll(t, view, follows(3, 2, 1))
	leader, term, ok := view.stable()
	if !ok || leader != 2 || term != 1 {
		t.Errorf("stable() = n%d, term %d, %v; want n2, term 1, true", leader, term, ok)
	}
}

func TestTrackerStableIgnoresDownNodes(t *testing.T) {
	view := newTracker(3)
	applyAll(t, view, leads(2, 1), follows(1, 2, 1), follows(3, 2, 1),
		cluster.Event{Kind: cluster.EventCrashed, Node: 3})
	if _, _, ok := view.stable(); !ok {
		t.Error("not stable with every running node following n2")
	}
	applyAll(t, view, cluster.Event{Kind: cluster.EventRestarted, Node: 3,
		Loaded: raft.HardState{Term: 1}})
	if _, _, ok := view.stable(); ok {
		t.Error("stable while restarted n3 follows nobody")
	}
}

func TestTrackerNewTermForgetsLeader(t *testing.T) {
	view := newTracker(3)
	applyAll(t, view, leads(1, 1), follows(2, 1, 1), follows(3, 1, 1),
		raftEvent(3, raft.EventTermChanged, raft.Follower, 2, 2))
	if _, _, ok := view.stable(); ok {
		t.Error("stable after n3 moved to a newer term")
	}
}

func TestTrackerMajorityLeaderAfterCrash(t *testing.T) {
	view := newTracker(5)
	applyAll(t, view, leads(1, 3), follows(2, 1, 3), follows(3, 1, 3), follows(4, 1, 3),
		follows(5, 1, 3), cluster.Event{Kind: cluster.EventCrashed, Node: 1},
		raftEvent(4, raft.EventTermChanged, raft.Follower, 4, raft.None), leads(4, 4),
		follows(2, 4, 4))
	if _, _, ok := view.majorityLeader(3); ok {
		t.Fatal("majority with 2 of 5 nodes following n4")
	}
	applyAll(t, view, follows(5, 4, 4))
	leader, term, ok := view.majorityLeader(3)
	if !ok || leader != 4 || term != 4 {
		t.Errorf("majorityLeader(3) = n%d, term %d, %v; want n4, term 4, true", leader, term, ok)
	}
	if _, _, ok := view.majorityLeader(4); ok {
		t.Error("majorityLeader(4) found a leader of term 4")
	}
}

func TestTrackerEventsOfDownNodeIgnored(t *testing.T) {
	view := newTracker(3)
	applyAll(t, view, cluster.Event{Kind: cluster.EventCrashed, Node: 1}, leads(1, 5))
	if _, _, ok := view.majorityLeader(0); ok {
		t.Error("a crashed node's event made it a leader")
	}
}

func TestTrackerStartFailureEndsTheRun(t *testing.T) {
	e := cluster.Event{Kind: cluster.EventStartFailed, Node: 2, Err: "state file damaged"}
	if err := newTracker(3).apply(e); !errors.Is(err, errStartFailed) {
		t.Errorf("apply(%v) = %v, want an error wrapping errStartFailed", e, err)
	}
}

func TestTrackerRecordsViolations(t *testing.T) {
	view := newTracker(3)
	applyAll(t, view,
		cluster.Event{Kind: cluster.EventSafetyViolation, Node: 1, Text: "two leaders in term 3"},
		cluster.Event{Kind: cluster.EventSafetyViolation, Text: "n2 sent a heartbeat too early"})
	want := []string{"two leaders in term 3", "n2 sent a heartbeat too early"}
	if !slices.Equal(view.violations, want) {
		t.Errorf("violations = %q, want %q", view.violations, want)
	}
}

func TestVoteLedgerCountsUnhandledRequests(t *testing.T) {
	ledger := newVoteLedger()
	request := func(candidate, voter int, term uint64) cluster.Event {
		return raftEvent(candidate, raft.EventVoteRequested, raft.Candidate, term, voter)
	}
	granted := raftEvent(2, raft.EventVoteGranted, raft.Follower, 4, 3)
	granted.Raft.PeerTerm = 4
	for _, e := range []cluster.Event{
		request(3, 1, 4), // to the crashed node: not counted
		request(3, 2, 4), // granted below
		request(3, 4, 4), // lost
		request(5, 4, 5), // in the winning term: not counted
		granted,
	} {
		ledger.observe(e)
	}
	if got := ledger.lost(5, 1); got != 1 {
		t.Errorf("lost(5, 1) = %d, want 1", got)
	}
}

func TestFailoverTermsAndRound(t *testing.T) {
	f := Failover{OldTerm: 7, NewTerm: 9, Duration: 300 * time.Millisecond,
		TimerWait: 280 * time.Millisecond}
	if got := f.Terms(); got != 2 {
		t.Errorf("Terms() = %d, want 2", got)
	}
	if got := f.Round(); got != 20*time.Millisecond {
		t.Errorf("Round() = %v, want 20ms", got)
	}
}
