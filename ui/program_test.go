package ui

import (
	"bytes"
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/raftplay/raftplay/cluster"
)

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	ticker := time.NewTicker(10 * time.Millisecond)
	defer ticker.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		<-ticker.C
	}
}

// TestProgramDrivenByKeys runs the model in a real Bubble Tea program, so the
// tick, the event reader and the operation commands all run as they do in
// raftplay.
func TestProgramDrivenByKeys(t *testing.T) {
	f := newFakeCluster(demoSnapshot())
	events := make(chan cluster.Event, 1)
	defer close(events)
	events <- cluster.Event{Kind: cluster.EventRestarted, Node: 4, Incarnation: 2, Time: demoTime}
	tm := teatest.NewTestModel(t, New(f, events), teatest.WithInitialTermSize(80, 24))

	// Compact cards never show "incarnation", so only the event can. The renderer
	// may skip cells that did not change, so the text searched for has no spaces.
	teatest.WaitFor(t, tm.Output(), func(out []byte) bool {
		return bytes.Contains(out, []byte("incarnation"))
	}, teatest.WithDuration(5*time.Second))

	tm.Type("5c")
	waitFor(t, 5*time.Second, "the crash of n5", func() bool {
		return slices.Equal(f.Calls(), []string{"Crash(5)"})
	})
	tm.Type("x2")
	waitFor(t, 5*time.Second, "the cut of n5↔n2", func() bool {
		return slices.Equal(f.Calls(), []string{"Crash(5)", "CutBetween(5,2)"})
	})
	// Operations run as concurrent commands, so the pause must be done before
	// the preset is chosen for the calls to come in this order.
	tm.Type(" ")
	waitFor(t, 5*time.Second, "the pause", func() bool {
		return slices.Equal(f.Calls(), []string{"Crash(5)", "CutBetween(5,2)", "SetPaused(true)"})
	})
	tm.Type("p2")
	waitFor(t, 5*time.Second, "the pause and the preset", func() bool {
		return slices.Equal(f.Calls(), []string{"Crash(5)", "CutBetween(5,2)", "SetPaused(true)",
			"ApplyPreset(majority)"})
	})
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})

	final, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if !ok {
		t.Fatalf("final model is not a Model")
	}
	if final.selected != 5 {
		t.Errorf("selected n%d, want n5", final.selected)
	}
	want := "n4 restarted from its state file (incarnation 2)"
	if got := final.feed.entries; len(got) != 1 || got[0].text != want {
		t.Errorf("event list = %+v, want %q", got, want)
	}
}
