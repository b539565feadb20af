package cluster

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/raftplay/raftplay/raft"
)

func TestPauseStopsTimersAndHoldsMessages(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	leader, term := tc.waitStableLeader()
	other := leader%3 + 1

	// Slow every message from the campaigner, so that its vote requests are
	// still on the links when the pause begins.
	for peer := 1; peer <= 3; peer++ {
		if peer != other {
			must(t, tc.SetDelay(other, peer, 100*time.Millisecond))
		}
	}
	must(t, tc.Campaign(other))
	tc.SetPaused(true)
	before := tc.Snapshot()
	if !before.Paused {
		t.Fatal("snapshot does not show the pause")
	}

	// For a second of wall time, nothing may move: no term, role or deadline.
	pausedUntil := time.Now().Add(time.Second)
	for time.Now().Before(pausedUntil) {
		if now := tc.Snapshot(); terms(now) != terms(before) || !now.Time.Equal(before.Time) {
			t.Fatalf("state changed while paused:\nbefore %s\nafter  %s", terms(before), terms(now))
		}
		time.Sleep(20 * time.Millisecond)
	}

	tc.SetPaused(false)
	waitFor(t, "the held vote requests to reach the other nodes", func() bool {
		s := tc.Snapshot()
		for _, n := range s.Nodes {
			if n.Status.Term <= term {
				return false
			}
		}
		return true
	})
}

func TestSlowdownStretchesElections(t *testing.T) {
	// Short timeouts keep the slowed-down half of the test brief.
	measure := func(slowdown float64) time.Duration {
		cfg := testConfig(t, 3)
		cfg.ElectionTimeoutMin, cfg.ElectionTimeoutMax = 50*time.Millisecond, 100*time.Millisecond
		cfg.Heartbeat = 10 * time.Millisecond
		cfg.Slowdown = slowdown
		tc := startCluster(t, cfg)
		defer tc.stop()
		tc.waitStableLeader()
		var total time.Duration
		const failovers = 6
		for range failovers {
			old, _ := tc.waitStableLeader()
			start := time.Now()
			must(t, tc.Crash(old))
			waitFor(t, "a new leader", func() bool {
				leader, _ := stableLeader(tc.Snapshot())
				return leader != raft.None && leader != old
			})
			total += time.Since(start)
			must(t, tc.Restart(old))
		}
		return total / failovers
	}
	fast, slow := measure(1), measure(10)
	ratio := float64(slow) / float64(fast)
	t.Logf("mean failover %v at real speed, %v at 1/10: ratio %.1f", fast, slow, ratio)
	// Overheads that do not scale (scheduling, the race detector) pull the
	// ratio below 10 at real speed; the margin is wide on purpose.
	if ratio < 3 || ratio > 30 {
		t.Errorf("failover at 1/10 speed took %.1f times as long as at real speed, want about 10", ratio)
	}
}

func TestClockSlowdownAndFreeze(t *testing.T) {
	clock := NewClock(10)
	start := clock.Now()
	wallStart := time.Now()
	fired := make(chan time.Duration, 1)
	clock.AfterFunc(20*time.Millisecond, func() { fired <- time.Since(wallStart) })
	select {
	case wall := <-fired:
		if wall < 200*time.Millisecond {
			t.Errorf("a 20ms timer at 1/10 speed fired after %v of wall time, want at least 200ms", wall)
		}
	case <-time.After(waitTimeout):
		t.Fatal("timer never fired")
	}
	if elapsed := clock.Now().Sub(start); elapsed < 20*time.Millisecond {
		t.Errorf("cluster time advanced %v, want at least 20ms", elapsed)
	}

	node := clock.Node(4)
	clock.SetFrozen(4, true)
	frozenAt := node.Now()
	nodeFired := make(chan struct{})
	node.AfterFunc(time.Millisecond, func() { close(nodeFired) })
	waitFor(t, "cluster time to move on", func() bool { return clock.Now().Sub(frozenAt) > 5*time.Millisecond })
	select {
	case <-nodeFired:
		t.Fatal("a frozen node's timer fired")
	default:
	}
	if !node.Now().Equal(frozenAt) {
		t.Errorf("a frozen node's time moved from %v to %v", frozenAt, node.Now())
	}
	clock.SetFrozen(4, false)
	select {
	case <-nodeFired:
	case <-time.After(waitTimeout):
		t.Fatal("a thawed node's timer never fired")
	}
}

func TestFrozenLeaderStepsDownAfterThaw(t *testing.T) {
	tc := startCluster(t, testConfig(t, 5))
	old, oldTerm := tc.waitStableLeader()
	must(t, tc.SetFrozen(old, true))

	waitFor(t, "the others to elect a new leader", func() bool {
		for _, n := range tc.Snapshot().Nodes {
			if n.ID != old && n.Status.Role == raft.Leader && n.Status.Term > oldTerm {
				return true
			}
		}
		return false
	})
	frozen := tc.Snapshot().Nodes[old-1]
	if !frozen.Frozen {
		t.Error("snapshot does not show the node frozen")
	}
	if frozen.Status.Role != raft.Leader || frozen.Status.Term != oldTerm {
		t.Errorf("frozen n%d is %s in term %d, want still leader of term %d",
			old, frozen.Status.Role, frozen.Status.Term, oldTerm)
	}

	must(t, tc.SetFrozen(old, false))
	waitFor(t, "the thawed leader to step down", func() bool {
		n := tc.Snapshot().Nodes[old-1]
		return n.Status.Role == raft.Follower && n.Status.Term > oldTerm
	})
	tc.waitStableLeader()
}

func TestOneWayCutMakesLeaderStepDown(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	leader, term := tc.waitStableLeader()
	follower := leader%3 + 1
	must(t, tc.Cut(leader, follower))
	waitFor(t, "the leader to step down on the follower's higher term", func() bool {
		n := tc.Snapshot().Nodes[leader-1]
		return n.Status.Term > term && n.Status.Role != raft.Leader
	})
	tc.HealAll()
	tc.waitStableLeader()
}

func TestLinkDelayHoldsMessages(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	leader, _ := tc.waitStableLeader()
	a := leader%3 + 1
	b := a%3 + 1
	if b == leader {
		b = b%3 + 1
	}
	const delay = 100 * time.Millisecond
	must(t, tc.SetDelay(a, b, delay))
	since := tc.lastSeq()
	must(t, tc.Campaign(a))
	waitFor(t, "n"+itoa(b)+" to handle the delayed vote request", func() bool {
		return len(tc.voteAnswers(since, b, a)) > 0
	})
	started := tc.raftEvents(since, raft.EventElectionStarted)[0].Time
	handled := tc.voteAnswers(since, b, a)[0].Time
	if gap := handled.Sub(started); gap < delay {
		t.Errorf("vote request arrived %v after it was sent, want at least the link's %v", gap, delay)
	}
	s := tc.Snapshot()
	if s.Links[a-1][b-1].Delay != delay {
		t.Errorf("snapshot shows link n%d→n%d as %v, want delayed %v", a, b, s.Links[a-1][b-1], delay)
	}
}

func TestLinkLossDrawsAtTheSetRate(t *testing.T) {
	l := newLinks(2, 1)
	l.update(1, 2, func(link *Link) { link.Loss = 0.3 })
	lost := 0
	const draws = 20000
	for range draws {
		if delivered, _ := l.fate(1, 2); !delivered {
			lost++
		}
	}
	if rate := float64(lost) / draws; rate < 0.28 || rate > 0.32 {
		t.Errorf("lost %.3f of messages, want about 0.3", rate)
	}
	if delivered, _ := l.fate(2, 1); !delivered {
		t.Error("loss on 1→2 also dropped a message 2→1")
	}
}

func TestTotalLossActsAsCut(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	old, oldTerm := tc.waitStableLeader()
	for peer := 1; peer <= 3; peer++ {
		if peer != old {
			must(t, tc.SetLoss(old, peer, 1))
		}
	}
	waitFor(t, "a new leader once every heartbeat is lost", func() bool {
		for _, n := range tc.Snapshot().Nodes {
			if n.ID != old && n.Status.Role == raft.Leader && n.Status.Term > oldTerm {
				return true
			}
		}
		return false
	})
}

func TestControlErrors(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	leader, _ := tc.waitStableLeader()
	if err := tc.Campaign(leader); err == nil || !strings.Contains(err.Error(), "leader") {
		t.Errorf("Campaign on the leader = %v, want an error saying it leads", err)
	}
	if err := tc.SetSlowdown(0.5); err == nil {
		t.Error("SetSlowdown(0.5) succeeded, want an error")
	}
	if err := tc.SetLoss(1, 2, 1.5); err == nil {
		t.Error("SetLoss(1.5) succeeded, want an error")
	}
	if err := tc.SetDelay(1, 2, -time.Second); err == nil {
		t.Error("SetDelay(-1s) succeeded, want an error")
	}
	follower, other := leader%3+1, (leader+1)%3+1
	must(t, tc.SetFrozen(other, true))
	if err := tc.SplitVote(follower, other); !errors.Is(err, ErrFrozen) {
		t.Errorf("SplitVote with a frozen node = %v, want %v", err, ErrFrozen)
	}
	must(t, tc.SetFrozen(other, false))
	if got, _ := stableLeader(tc.Snapshot()); got != leader {
		t.Errorf("after rejected split votes the leader is n%d, want n%d unchanged", got, leader)
	}
	must(t, tc.Crash(leader))
	if err := tc.SetFrozen(leader, true); err == nil {
		t.Error("freezing a crashed node succeeded, want an error")
	}
}

func (tc *testCluster) voteAnswers(since uint64, voter, candidate int) []Event {
	return tc.eventsMatching(func(e Event) bool {
		k := e.Raft.Kind
		return e.Seq > since && e.Kind == EventRaft && e.Node == voter && e.Raft.Peer == candidate &&
			(k == raft.EventVoteGranted || k == raft.EventVoteRejected)
	})
}

func itoa(n int) string { return raft.NodeName(n)[1:] }

func TestPauseDuringSplitVoteHolds(t *testing.T) {
	tc := startCluster(t, testConfig(t, 5))
	leader, _ := tc.waitStableLeader()
	a, b := leader%5+1, (leader+1)%5+1
	events, cancel := tc.Subscribe()
	defer cancel()
	paused := make(chan struct{})
	go func() {
		defer close(paused)
		for e := range events {
			if e.Kind == EventRaft && e.Node == a && e.Raft.Kind == raft.EventElectionStarted {
				tc.SetPaused(true) // the user pauses while the split vote holds the messages
				return
			}
		}
	}()
	must(t, tc.SplitVote(a, b))
	select {
	case <-paused:
	case <-time.After(waitTimeout):
		t.Fatalf("n%d started no election within %v", a, waitTimeout)
	}
	if !tc.Snapshot().Paused {
		t.Errorf("the cluster runs after a pause asked for during a split vote")
	}
	tc.SetPaused(false)
}
