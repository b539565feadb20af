package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// cellTime is how long, in wall time, the fastest countdown of s takes to
// lose one cell of a bar width cells wide.
func cellTime(s cluster.Snapshot, width int) time.Duration {
	var step time.Duration
	for _, n := range s.Nodes {
		if n.Up && !n.Frozen && n.Status.Role != raft.Leader {
			if cell := n.Status.Timeout / time.Duration(width); step == 0 || cell < step {
				step = cell
			}
		}
	}
	return time.Duration(float64(step) * s.Slowdown)
}

// followLeader makes node id of s a follower of leader in the leader's term.
func followLeader(s *cluster.Snapshot, id, leader int) {
	n := &s.Nodes[id-1].Status
	n.Role, n.Term, n.VotedFor, n.Leader = raft.Follower, s.Nodes[leader-1].Status.Term, leader, leader
	n.Granted = nil
}

func TestTickDelayFollowsCountdowns(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *cluster.Snapshot)
		want   func(s cluster.Snapshot, width int) time.Duration
	}{
		{"real speed during an election redraws at the fastest rate", func(s *cluster.Snapshot) { s.Slowdown = 1 },
			func(cluster.Snapshot, int) time.Duration { return electionTick }},
		{"real speed with every node following a leader redraws at the steady rate", func(s *cluster.Snapshot) {
			s.Slowdown = 1
			followLeader(s, 3, 1)
		}, func(cluster.Snapshot, int) time.Duration { return steadyTick }},
		{"a follower that lost its leader is an election", func(s *cluster.Snapshot) {
			s.Slowdown = 1
			followLeader(s, 3, 1)
			s.Nodes[1].Status.Leader = raft.None
		}, func(cluster.Snapshot, int) time.Duration { return electionTick }},
		{"slow motion of a steady cluster still waits for one bar cell", func(s *cluster.Snapshot) {
			s.Slowdown = 20
			followLeader(s, 3, 1)
		}, cellTime},
		{"slow motion waits for one bar cell", func(s *cluster.Snapshot) { s.Slowdown = 20 },
			cellTime},
		{"a crawl is still redrawn every second", func(s *cluster.Snapshot) { s.Slowdown = 1000 },
			func(cluster.Snapshot, int) time.Duration { return idleTick }},
		{"a paused cluster has no countdown", func(s *cluster.Snapshot) { s.Paused = true },
			func(cluster.Snapshot, int) time.Duration { return idleTick }},
		{"a frozen node's countdown stands still", func(s *cluster.Snapshot) {
			s.Slowdown = 20
			s.Nodes[4].Frozen = true // n5 has the shortest timeout
		}, cellTime},
		{"a leader alone has no countdown", func(s *cluster.Snapshot) {
			for i := range s.Nodes {
				if s.Nodes[i].Status.Role != raft.Leader {
					s.Nodes[i].Up = false
				}
			}
		}, func(cluster.Snapshot, int) time.Duration { return idleTick }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := demoSnapshot()
			tt.change(&s)
			m := newTestModel(t, newFakeCluster(s), 120, 35)
			width := m.barWidth()
			if width < 5 {
				t.Fatalf("bar width = %d, want a card-sized bar at 120x35", width)
			}
			if got, want := m.tickDelay(), tt.want(s, width); got != want {
				t.Errorf("tickDelay() = %v, want %v (bar %d cells)", got, want, width)
			}
		})
	}
}

func TestTickDelaySlowMotionBetweenLimits(t *testing.T) {
	s := demoSnapshot()
	s.Slowdown = 20
	m := newTestModel(t, newFakeCluster(s), 120, 35)
	// n5's 190 ms timeout over a bar of some 20 cells is about 10 ms, or
	// 200 ms of wall time at 1/20 speed: slower than real speed's rate and
	// faster than the idle one.
	if got := m.tickDelay(); got <= electionTick || got >= idleTick {
		t.Errorf("tickDelay() at 1/20 speed = %v, want between %v and %v", got, electionTick, idleTick)
	}
}

// runTick runs a tick command at once, as if its delay had passed, and
// returns the message it produces.
func runTick(t *testing.T, cmd tea.Cmd) tickMsg {
	t.Helper()
	if cmd == nil {
		t.Fatalf("no command, want a tick")
	}
	msg, ok := cmd().(tickMsg)
	if !ok {
		t.Fatalf("command produced %T, want tickMsg", msg)
	}
	return msg
}

func TestOperationReplacesTickSeries(t *testing.T) {
	s := demoSnapshot()
	s.Paused = true
	f := newFakeCluster(s)
	m := newTestModel(t, f, 120, 35)
	if got := m.tickDelay(); got != idleTick {
		t.Fatalf("tickDelay() while paused = %v, want %v", got, idleTick)
	}
	// A tick while paused slows the series down to the idle pace.
	old := tickMsg{snap: s, chain: m.tickChain}
	m = update(t, m, old)
	if m.tickEvery != idleTick {
		t.Fatalf("pace after a tick while paused = %v, want %v", m.tickEvery, idleTick)
	}

	// Resuming starts a new series, paced for the running countdowns.
	next, cmd := m.Update(opDoneMsg{action: "resume", done: "resumed", snap: demoSnapshot()})
	m = next.(Model)
	fresh := runTick(t, cmd)
	if fresh.chain == old.chain {
		t.Fatalf("tick chain after an operation = %d, the same as before", fresh.chain)
	}
	if got := m.tickDelay(); got >= idleTick {
		t.Errorf("tickDelay() after resuming = %v, want below %v", got, idleTick)
	}

	// An operation that needs no faster pace leaves the series alone.
	if _, cmd := m.Update(opDoneMsg{action: "heal", done: "healed", snap: demoSnapshot()}); cmd != nil {
		t.Errorf("an operation at an unchanged pace replaced the tick series")
	}

	// A tick of the replaced series is shown but schedules no more ticks.
	if _, cmd := m.Update(old); cmd != nil {
		if msg, ok := cmd().(tickMsg); ok {
			t.Errorf("a tick of a replaced series scheduled another, of series %d", msg.chain)
		}
	}
	if next := runTick(t, func() tea.Cmd { _, cmd := m.Update(fresh); return cmd }()); next.chain != fresh.chain {
		t.Errorf("the current series went on as series %d, want %d", next.chain, fresh.chain)
	}
}

// inspectedModel returns a model at 160x45, where the inspector shows n1. The
// state file of n1, in a fresh folder, contains term 7 and a vote for n2.
func inspectedModel(t *testing.T) Model {
	t.Helper()
	dir := t.TempDir()
	s := demoSnapshot()
	for i := range s.Nodes {
		s.Nodes[i].StatePath = filepath.Join(dir, fmt.Sprintf("node%d.state", i+1))
	}
	if err := raft.NewFileStorage(s.Nodes[0].StatePath, 1).Save(raft.HardState{Term: 7, VotedFor: 2}); err != nil {
		t.Fatal(err)
	}
	m := newTestModel(t, newFakeCluster(s), 160, 45)
	if !m.layout.onScreen(panelInspector) || m.selected != 1 {
		t.Fatalf("at 160x45 the inspector shows %v with n%d selected, want it on n1",
			m.layout.onScreen(panelInspector), m.selected)
	}
	return m
}

func TestTickReadsTheInspectedFile(t *testing.T) {
	m := inspectedModel(t)
	// The first tick finds nothing read yet and reads at once.
	next, cmd := m.Update(tickMsg{snap: m.snap, chain: m.tickChain})
	m = next.(Model)
	if cmd == nil || !m.inspector.reading {
		t.Fatalf("a tick with the inspector shown and no read did not start one")
	}
	read := readState(1, m.snap.Nodes[0].StatePath)().(stateReadMsg)
	m = update(t, m, read)
	if !strings.Contains(screen(m), "term 7, voted n2") {
		t.Fatalf("the inspector does not show the file's term and vote:\n%s", screen(m))
	}

	// Later reads ride on ticks: one due within inspectInterval reads
	// nothing, one due after it reads, and no read of its own starts meanwhile.
	if file := m.tickRead(inspectInterval / 4); file != nil {
		t.Errorf("a tick due %v after a read reads %v again", inspectInterval/4, file)
	}
	file := m.tickRead(2 * inspectInterval)
	if file == nil || file.node != 1 || file.path != m.snap.Nodes[0].StatePath {
		t.Fatalf("a tick due %v after a read reads %+v, want n1's file", 2*inspectInterval, file)
	}
	if cmd := m.inspectCmdIfDue(); cmd != nil {
		t.Errorf("a read started although the next tick reads the file")
	}
	if err := raft.NewFileStorage(file.path, 1).Save(raft.HardState{Term: 8, VotedFor: 1}); err != nil {
		t.Fatal(err)
	}
	msg := tick(m.cluster, 0, m.tickChain, file)().(tickMsg)
	if msg.read == nil || msg.read.node != 1 || msg.read.file.Term != 8 {
		t.Fatalf("the tick's read is %+v, want n1's file at term 8", msg.read)
	}
	m = update(t, m, msg)
	if !strings.Contains(screen(m), "term 8, voted n1") {
		t.Errorf("the inspector does not show the read that came with the tick:\n%s", screen(m))
	}

	// A new selection reads its node at once, without waiting for a tick.
	if m = press(t, m, "2"); !m.inspector.reading {
		t.Errorf("selecting n2 started no read of its file")
	}
}

func TestInspectorKeepsTheNewerRead(t *testing.T) {
	now := time.Now()
	read := func(node int, started time.Time) stateRead {
		return stateRead{node: node, started: started, file: raft.StateFile{Term: uint64(node)}}
	}
	var in inspector
	in.take(read(1, now), 1)
	for _, stale := range []stateRead{read(2, now.Add(time.Second)), read(1, now.Add(-time.Second))} {
		in.take(stale, 1)
		if in.read.node != 1 || !in.read.started.Equal(now) {
			t.Errorf("a read of n%d started %v replaced the newer read of the selected n1",
				stale.node, stale.started.Sub(now))
		}
	}
	in.take(read(1, now.Add(time.Second)), 1)
	if !in.read.started.Equal(now.Add(time.Second)) {
		t.Errorf("a newer read of the selected n1 was not taken")
	}
	in.take(read(2, now), 2)
	if in.read.node != 2 {
		t.Errorf("after selecting n2, its read was not taken")
	}
}
