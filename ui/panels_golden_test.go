package ui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// historyModel is a model that lived through historyEvents on a width×height
// terminal, with keys pressed at the end.
func historyModel(t *testing.T, width, height int, keys ...string) Model {
	t.Helper()
	f := newFakeCluster(startSnapshot())
	m := newTestModel(t, f, width, height)
	m = update(t, m, eventsMsg{events: historyEvents()})
	m = update(t, m, tickMsg{snap: earlierSnapshot()})
	m = update(t, m, tickMsg{snap: historySnapshot()})
	f.mu.Lock()
	f.snap = historySnapshot()
	f.mu.Unlock()
	m = press(t, m, keys...)
	return update(t, m, historyRead())
}

// TestPanelGolden renders each panel after the scripted history, at both
// sizes. Rewrite the goldens with: go test ./ui/ -run Golden -update
func TestPanelGolden(t *testing.T) {
	tests := []struct {
		name  string
		keys  []string
		panel panelID // shown with its key unless the keys already show it
	}{
		{"feed", nil, panelFeed},
		{"inspector", []string{"3"}, panelInspector},
		{"timeline", nil, panelTimeline},
		{"metrics", nil, panelMetrics},
		{"talk", []string{"z"}, panelFeed},
		{"feed_filtered", []string{"4", "/"}, panelFeed},
	}
	for _, tt := range tests {
		for _, size := range [][2]int{{80, 24}, {120, 35}} {
			t.Run(tt.name+"_"+sizeName(size), func(t *testing.T) {
				m := historyModel(t, size[0], size[1], tt.keys...)
				m = showPanel(t, m, tt.panel)
				golden.RequireEqual(t, trimLineEnds(ansi.Strip(m.View().Content)))
			})
		}
	}
}

// panelKeys are the keys that show and hide each panel.
var panelKeys = map[panelID]string{panelFeed: "e", panelInspector: "I", panelMetrics: "m",
	panelTimeline: "y"}

// showPanel presses the key of panel id unless it is on screen already, and
// fails the test if it is not on screen then. The inspector gets its read.
func showPanel(t *testing.T, m Model, id panelID) Model {
	t.Helper()
	if !m.layout.onScreen(id) {
		m = update(t, press(t, m, panelKeys[id]), historyRead())
	}
	if !m.layout.onScreen(id) {
		t.Fatalf("panel %s is not on screen at %dx%d", panelNames[id], m.width, m.height)
	}
	return m
}

func sizeName(size [2]int) string { return fmt.Sprintf("%dx%d", size[0], size[1]) }
