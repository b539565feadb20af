package raft

import (
	"errors"
	"testing"
	"time"
)

func TestCampaignStartsElectionNow(t *testing.T) {
	s := newSoloNode(t, HardState{Term: 2})
	s.clock.Advance(10 * time.Millisecond)

	if ok := s.node.Campaign(); !ok {
		t.Fatalf("Campaign() on a running follower = false, want true")
	}
	st := s.node.Status()
	if st.Role != Candidate || st.Term != 3 || st.VotedFor != 1 {
		t.Errorf("after Campaign: %v in term %d voting %s, want candidate in term 3 voting n1",
			st.Role, st.Term, NodeName(st.VotedFor))
	}
	if got, want := s.storage.current(), (HardState{Term: 3, VotedFor: 1}); got != want {
		t.Errorf("saved %+v, want %+v", got, want)
	}
	started := s.events.find(1, EventElectionStarted)
	if len(started) != 1 || !started[0].Forced {
		t.Fatalf("ElectionStarted events = %+v, want one marked Forced", started)
	}
	if got, want := started[0].String(), "n1 started an election for term 3 (campaign requested)"; got != want {
		t.Errorf("ElectionStarted reads %q, want %q", got, want)
	}

	// The election that follows a timeout is not marked as requested.
	s.clock.AdvanceTo(st.Deadline)
	started = s.events.find(1, EventElectionStarted)
	if len(started) != 2 || started[1].Forced || started[1].Term != 4 {
		t.Errorf("ElectionStarted events = %+v, want a second for term 4, not Forced", started)
	}
}

func TestCampaignRejectedWhenNotRunning(t *testing.T) {
	clock := newFakeClock()
	storage := newMemStorage(HardState{})
	node := newTestNode(t, testConfig(1, 1, clock, newScriptTransport(), storage, nil))
	if node.Campaign() {
		t.Errorf("Campaign() before Start = true, want false")
	}

	node.Start()
	if !node.Campaign() {
		t.Fatalf("Campaign() on a started node = false, want true")
	}
	if st := node.Status(); st.Role != Leader {
		t.Fatalf("one-node cluster after Campaign: %v, want leader", st.Role)
	}
	if node.Campaign() {
		t.Errorf("Campaign() on a leader = true, want false")
	}

	node.Stop()
	if node.Campaign() {
		t.Errorf("Campaign() after Stop = true, want false")
	}
	if got, want := len(storage.history()), 1; got != want {
		t.Errorf("saves = %d, want %d: only the one election", got, want)
	}
}

func TestCampaignFailedSaveNotForced(t *testing.T) {
	s := newSoloNode(t, HardState{Term: 2})
	s.storage.failSaves(errors.New("disk full"))
	s.node.Campaign()
	if st := s.node.Status(); st.Role != Follower || st.Term != 2 {
		t.Errorf("after Campaign with failing saves: %v in term %d, want follower in term 2", st.Role, st.Term)
	}
	if st := s.node.Status(); st.ResetReason != ResetPersistFailed {
		t.Errorf("reset reason = %v, want %v", st.ResetReason, ResetPersistFailed)
	}

	// The next election comes from a timeout, so it must not be marked as requested.
	s.storage.failSaves(nil)
	s.clock.AdvanceTo(s.node.Status().Deadline)
	// The failed election was announced before its write failed; the second
	// one is the timeout's.
	started := s.events.find(1, EventElectionStarted)
	if len(started) != 2 || !started[0].Forced || started[1].Forced {
		t.Errorf("ElectionStarted events = %+v, want a Forced one, then one not Forced", started)
	}
	if failed := s.events.find(1, EventPersistFailed); len(failed) != 1 || failed[0].Term != 3 {
		t.Errorf("PersistFailed events = %+v, want one for term 3", failed)
	}
}

func TestSetElectionTimeoutMovesDeadline(t *testing.T) {
	s := newSoloNode(t, HardState{})
	s.clock.Advance(10 * time.Millisecond)
	const rigged = 40 * time.Millisecond // below the minimum, which the setting may be

	if !s.node.SetElectionTimeout(rigged) {
		t.Fatalf("SetElectionTimeout() on a running follower = false, want true")
	}
	st := s.node.Status()
	if st.Timeout != rigged {
		t.Errorf("timeout = %v, want %v", st.Timeout, rigged)
	}
	if want := st.Now.Add(rigged); !st.Deadline.Equal(want) {
		t.Errorf("deadline = %v, want now plus %v, %v", st.Deadline, rigged, want)
	}
	if st.ResetReason != ResetRigged {
		t.Errorf("reset reason = %v, want %v", st.ResetReason, ResetRigged)
	}

	s.clock.Advance(rigged - time.Nanosecond)
	if got := s.node.Status(); got.Role != Follower {
		t.Errorf("just before the set deadline: %v, want follower", got.Role)
	}
	s.clock.Advance(time.Nanosecond)
	got := s.node.Status()
	if got.Role != Candidate || got.Term != 1 {
		t.Errorf("at the set deadline: %v in term %d, want candidate in term 1", got.Role, got.Term)
	}
	// The next reset draws at random again.
	if got.Timeout < testTimeoutMin || got.Timeout >= testTimeoutMax {
		t.Errorf("timeout after the election started = %v, want a draw in [%v, %v)",
			got.Timeout, testTimeoutMin, testTimeoutMax)
	}
}

func TestSetElectionTimeoutRejectedWhenNotRunning(t *testing.T) {
	clock := newFakeClock()
	node := newTestNode(t, testConfig(1, 1, clock, newScriptTransport(), newMemStorage(HardState{}), nil))
	if node.SetElectionTimeout(time.Second) {
		t.Errorf("SetElectionTimeout() before Start = true, want false")
	}
	node.Start()
	clock.AdvanceTo(node.Status().Deadline)
	if st := node.Status(); st.Role != Leader {
		t.Fatalf("one-node cluster after its timeout: %v, want leader", st.Role)
	}
	if node.SetElectionTimeout(time.Second) {
		t.Errorf("SetElectionTimeout() on a leader = true, want false")
	}
	node.Stop()
	if node.SetElectionTimeout(time.Second) {
		t.Errorf("SetElectionTimeout() after Stop = true, want false")
	}
}
