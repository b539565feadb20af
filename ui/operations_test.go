package ui

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

func TestSplitVoteWithLeaderExplains(t *testing.T) {
	f := newFakeCluster(demoSnapshot())
	m := press(t, newTestModel(t, f, 120, 35), "2", "s", "1")
	if calls := f.Calls(); len(calls) != 0 {
		t.Errorf("calls %v, want none", calls)
	}
	if want := "n1 leads and would not campaign"; !strings.Contains(m.status.text, want) {
		t.Errorf("status %q, want it to contain %q", m.status.text, want)
	}
}

func TestQuickSpeedPressesEachStep(t *testing.T) {
	f := newFakeCluster(demoSnapshot()) // at ×1/20
	m := newTestModel(t, f, 120, 35)
	var cmds []tea.Cmd
	for range 3 {
		next, cmd := m.Update(keyPress("+"))
		m = next.(Model)
		cmds = append(cmds, cmd) // the operations have not run yet
	}
	for _, cmd := range cmds {
		if done, ok := cmd().(opDoneMsg); ok {
			m = update(t, m, done)
		}
	}
	want := []string{"SetSlowdown(10)", "SetSlowdown(5)", "SetSlowdown(2)"}
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Errorf("three quick presses called %v, want %v", got, want)
	}
}
