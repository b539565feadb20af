package ui

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// recorded is a real cluster and every event it published.
type recorded struct {
	*cluster.Cluster
	mu     sync.Mutex
	events []cluster.Event
	done   chan struct{}
}

// startReal starts a cluster of nodes at real speed with the Raft paper's
// timing, recording its events, and stops it when the test ends.
func startReal(t *testing.T, nodes int) *recorded {
	t.Helper()
	c, err := cluster.New(cluster.Config{Nodes: nodes, Dir: t.TempDir(),
		ElectionTimeoutMin: 150 * time.Millisecond, ElectionTimeoutMax: 300 * time.Millisecond,
		Heartbeat: 30 * time.Millisecond, Slowdown: 1, Seed: 7})
	if err != nil {
		t.Fatalf("cluster.New: %v", err)
	}
	r := &recorded{Cluster: c, done: make(chan struct{})}
	events, cancel := c.Subscribe()
	go func() {
		defer close(r.done)
		for e := range events {
			r.mu.Lock()
			r.events = append(r.events, e)
			r.mu.Unlock()
		}
	}()
	if err := c.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		c.Stop()
		cancel()
		<-r.done
	})
	return r
}

func (r *recorded) all() []cluster.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]cluster.Event(nil), r.events...)
}

// find waits for the first recorded event that match accepts.
func (r *recorded) find(t *testing.T, what string, match func(cluster.Event) bool) cluster.Event {
	t.Helper()
	var found cluster.Event
	waitFor(t, 20*time.Second, what, func() bool {
		for _, e := range r.all() {
			if match(e) {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

// majorityLeader returns the leader of s when a majority follows it.
func majorityLeader(s cluster.Snapshot) int {
	leader, _ := s.Leader()
	if leader == raft.None || s.Followers(leader) < s.Majority() {
		return raft.None
	}
	return leader
}

// waitAllFollow waits until every running node follows one leader, and
// returns it.
func (r *recorded) waitAllFollow(t *testing.T) int {
	t.Helper()
	leader := raft.None
	waitFor(t, 20*time.Second, "every running node to follow one leader", func() bool {
		s := r.Snapshot()
		leader = majorityLeader(s)
		return leader != raft.None && s.Followers(leader) == s.UpCount()
	})
	return leader
}

// TestFailoverStopwatchMatchesEvents crashes the leader of a real cluster
// three times. The test measures each failover from the crash event's time to
// the first polled snapshot in which a new leader is followed by a majority.
// The model, fed the recorded events, must read the same to within one tick.
func TestFailoverStopwatchMatchesEvents(t *testing.T) {
	r := startReal(t, 5)
	r.waitAllFollow(t)
	m := New(r, nil)
	var measured []time.Duration
	for round := range 3 {
		leader := r.waitAllFollow(t)
		if err := r.Crash(leader); err != nil {
			t.Fatalf("crash n%d: %v", leader, err)
		}
		crashed := r.find(t, "the crash event", func(e cluster.Event) bool {
			return e.Kind == cluster.EventCrashed && e.Node == leader
		})
		var at time.Time
		waitFor(t, 20*time.Second, "a new leader after the crash", func() bool {
			s := r.Snapshot()
			at = s.Time
			return majorityLeader(s) != raft.None
		})
		measured = append(measured, at.Sub(crashed.Time))
		if err := r.Restart(leader); err != nil {
			t.Fatalf("round %d: restart n%d: %v", round, leader, err)
		}
	}
	r.waitAllFollow(t)

	m = update(t, m, eventsMsg{events: r.all()})
	got := m.failovers.done
	if len(got) != len(measured) {
		t.Fatalf("stopwatch timed %d failovers, want %d: %+v", len(got), len(measured), got)
	}
	for i, f := range got {
		// The poll observes the new leader within a tick of the event that made
		// it. A snapshot stamps its time before it reads the nodes, so under
		// load the event may also come a little after that stamp.
		if diff := f.took - measured[i]; diff > steadyTick || diff < -steadyTick {
			t.Errorf("failover %d: stopwatch read %v, the event stream %v", i+1, f.took, measured[i])
		}
		if f.why == "" || !strings.HasSuffix(f.why, "crashed") {
			t.Errorf("failover %d: cause %q, want a crash", i+1, f.why)
		}
	}
}

// TestHandoversKeptOutOfFailovers moves leadership in a real cluster by a
// transfer and by a requested campaign. Neither may count as a failover.
func TestHandoversKeptOutOfFailovers(t *testing.T) {
	r := startReal(t, 5)
	leader := r.waitAllFollow(t)
	m := New(r, nil)
	target := leader%5 + 1
	if err := r.TransferLeadership(target); err != nil {
		t.Fatalf("transfer to n%d: %v", target, err)
	}
	waitFor(t, 20*time.Second, "the transfer target to lead", func() bool {
		return majorityLeader(r.Snapshot()) == target
	})
	campaigner := target%5 + 1
	if err := r.Campaign(campaigner); err != nil {
		t.Fatalf("campaign n%d: %v", campaigner, err)
	}
	waitFor(t, 20*time.Second, "a leader other than the transfer target", func() bool {
		l := majorityLeader(r.Snapshot())
		return l != raft.None && l != target
	})
	r.waitAllFollow(t)

	m = update(t, m, eventsMsg{events: r.all()})
	if got := m.failovers.done; len(got) != 0 {
		t.Errorf("handovers timed as failovers: %+v", got)
	}
	if got := m.failovers.handoverCount; got != 2 {
		t.Errorf("%d handovers timed, want 2: last %+v", got, m.failovers.lastHandover)
	}
}

// TestInspectorMatchesStateFile moves a real cluster through several terms
// and a restart, then checks that the inspector of every node shows what
// raft.ReadStateFile reads from disk.
func TestInspectorMatchesStateFile(t *testing.T) {
	r := startReal(t, 3)
	for range 3 {
		leader := r.waitAllFollow(t)
		if err := r.Campaign(leader%3 + 1); err != nil {
			t.Fatalf("campaign: %v", err)
		}
		waitFor(t, 20*time.Second, "a newer leader", func() bool {
			l := majorityLeader(r.Snapshot())
			return l != raft.None && l != leader
		})
	}
	restarted := r.waitAllFollow(t)%3 + 1
	if err := r.Crash(restarted); err != nil {
		t.Fatal(err)
	}
	if err := r.Restart(restarted); err != nil {
		t.Fatal(err)
	}
	r.waitAllFollow(t)
	r.SetPaused(true)
	settle(t, r)

	m := update(t, New(r, nil), tea.WindowSizeMsg{Width: 120, Height: 35})
	m = press(t, m, "I")
	for id := 1; id <= 3; id++ {
		m = press(t, m, fmt.Sprint(id))
		cmd := m.inspectCmd()
		if cmd == nil {
			t.Fatalf("no read of n%d's state file with the inspector shown", id)
		}
		m = update(t, m, cmd())
		checkInspector(t, m, id, restarted)
	}
}

// settle waits until every node's state file holds what the node has in
// memory, so no write is under way.
func settle(t *testing.T, r *recorded) {
	t.Helper()
	waitFor(t, 20*time.Second, "the state files to match the nodes", func() bool {
		for _, n := range r.Snapshot().Nodes {
			f, err := raft.ReadStateFile(n.StatePath)
			if err != nil || f.Term != n.Status.Term || f.VotedFor != n.Status.VotedFor {
				return false
			}
		}
		return true
	})
}

func checkInspector(t *testing.T, m Model, id, restarted int) {
	t.Helper()
	n := m.snap.Nodes[id-1]
	disk, err := raft.ReadStateFile(n.StatePath)
	if err != nil {
		t.Fatalf("n%d: %v", id, err)
	}
	if got := m.inspector.read; got.node != id || got.err != nil || got.file != disk {
		t.Errorf("n%d: inspector read %+v (err %v), disk holds %+v", id, got.file, got.err, disk)
	}
	if disk.Term < 3 || disk.Writes < 3 {
		t.Errorf("n%d: disk holds term %d after %d writes, want the terms the test moved through",
			id, disk.Term, disk.Writes)
	}
	got := screen(m)
	wants := []string{
		fmt.Sprintf("inspector: n%d", id),
		fmt.Sprintf("term %d, voted %s, crc ok", disk.Term, raft.NodeName(disk.VotedFor)),
		fmt.Sprintf("%d times, last", disk.Writes),
	}
	if id == restarted {
		wants = append(wants, "incarnation 2, clean restart")
	}
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("n%d: inspector lacks %q:\n%s", id, want, got)
		}
	}
}
