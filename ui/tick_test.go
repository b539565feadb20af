package ui

import (
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

func TestTickDelayFollowsCountdowns(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *cluster.Snapshot)
		want   func(s cluster.Snapshot, width int) time.Duration
	}{
		{"real speed redraws at the fastest rate", func(s *cluster.Snapshot) { s.Slowdown = 1 },
			func(cluster.Snapshot, int) time.Duration { return fastestTick }},
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
	if got := m.tickDelay(); got <= fastestTick || got >= idleTick {
		t.Errorf("tickDelay() at 1/20 speed = %v, want between %v and %v", got, fastestTick, idleTick)
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
