package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// The goldens hold the screen with ANSI styling stripped, which keeps them
// readable and independent of the color profile, and shows that every role and
// mark reads without color. Rewrite them with: go test ./ui/ -run Golden -update

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name          string
		width, height int
	}{
		{"80x24", 80, 24},
		{"120x35", 120, 35},
		{"too_small", 40, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden.RequireEqual(t, demoScreen(t, tt.width, tt.height))
		})
	}
}

// demoScreen renders the demo cluster, with its event history, at a fixed size.
func demoScreen(t *testing.T, width, height int) string {
	t.Helper()
	m := newTestModel(t, newFakeCluster(demoSnapshot()), width, height)
	m = update(t, m, eventsMsg{events: demoEvents()})
	return trimLineEnds(ansi.Strip(m.View().Content))
}

// trimLineEnds drops the spaces that pad panels to their width, so that an
// editor trimming trailing spaces in a golden file does not break the test.
func trimLineEnds(s string) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		lines[i] = strings.TrimRight(line, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestRenderBeforeWindowSize(t *testing.T) {
	m := New(newFakeCluster(demoSnapshot()), nil)
	if got := m.View().Content; got != "" {
		t.Errorf("view before the first window size = %q, want empty", got)
	}
}

func TestRenderTooSmallIsOneLine(t *testing.T) {
	m := newTestModel(t, newFakeCluster(demoSnapshot()), 60, 12)
	got := screen(m)
	if strings.Contains(got, "\n") {
		t.Errorf("too-small message spans lines: %q", got)
	}
	if !strings.Contains(got, "needs at least 60x") {
		t.Errorf("too-small message lacks the minimum: %q", got)
	}
	// The size the message states must fit.
	m = update(t, m, tea.WindowSizeMsg{Width: m.layout.needWidth, Height: m.layout.needHeight})
	if m.layout.tooSmall {
		t.Errorf("the advertised minimum %dx%d is still too small",
			m.layout.needWidth, m.layout.needHeight)
	}
}
