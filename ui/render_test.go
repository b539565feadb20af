package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// The goldens hold the screen with ANSI styling stripped, which keeps them
// readable and independent of the color profile, and shows that every role and
// mark reads without color. Rewrite them with: go test ./ui/ -run Golden -update

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name          string
		snap          func() cluster.Snapshot
		events        []cluster.Event
		width, height int
	}{
		{"80x24", demoSnapshot, demoEvents(), 80, 24},
		{"120x35", demoSnapshot, demoEvents(), 120, 35},
		{"too_small", demoSnapshot, demoEvents(), 40, 10},
		{"faults_80x24", faultSnapshot, faultEvents(), 80, 24},
		{"faults_120x35", faultSnapshot, faultEvents(), 120, 35},
		{"25_nodes_80x24", bigSnapshot25, demoEvents(), 80, 24},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden.RequireEqual(t, renderScreen(t, tt.snap(), tt.events, tt.width, tt.height))
		})
	}
}

func bigSnapshot25() cluster.Snapshot { return bigSnapshot(25) }

// plainStyles returns the styles with no color, as under NO_COLOR.
func plainStyles() *styles { return newStyles(newPalette(true, true, false), true) }

// renderScreen renders a cluster, with its event history, at a fixed size.
func renderScreen(t *testing.T, s cluster.Snapshot, events []cluster.Event,
	width, height int,
) string {
	t.Helper()
	m := newTestModel(t, newFakeCluster(s), width, height)
	m = update(t, m, eventsMsg{events: events})
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

func TestEveryClusterSizeFits(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 35}, {100, 30}} {
		for nodes := 1; nodes <= MaxNodes; nodes++ {
			for _, banner := range []bool{false, true} {
				s := bigSnapshot(nodes)
				if banner {
					s.Violations = []string{"two leaders in term 7: n1 and n2"}
				}
				checkScreenFits(t, newTestModel(t, newFakeCluster(s), size[0], size[1]), nodes)
			}
		}
	}
}

// checkScreenFits checks that the screen fills the terminal without a line too
// wide, and shows every node and, when there is one, the safety banner.
func checkScreenFits(t *testing.T, m Model, nodes int) {
	t.Helper()
	name := fmt.Sprintf("%d nodes at %dx%d", nodes, m.width, m.height)
	if m.layout.tooSmall {
		t.Errorf("%s: too small", name)
		return
	}
	got := screen(m)
	lines := strings.Split(got, "\n")
	if len(lines) != m.height {
		t.Errorf("%s: %d lines", name, len(lines))
	}
	for i, line := range lines {
		if w := ansi.StringWidth(line); w > m.width {
			t.Errorf("%s: line %d is %d wide: %q", name, i+1, w, line)
		}
	}
	for id := 1; id <= nodes; id++ {
		if !strings.Contains(got, raft.NodeName(id)+" ") {
			t.Errorf("%s: n%d is not shown:\n%s", name, id, got)
		}
	}
	if len(m.snap.Violations) > 0 && !strings.HasPrefix(got, "SAFETY VIOLATED: ") {
		t.Errorf("%s: the safety banner is not the first line:\n%s", name, got)
	}
}

func TestLayoutPrefersCards(t *testing.T) {
	tests := []struct {
		nodes, width, height int
		wantLines            bool
	}{
		{5, 80, 24, false},
		{9, 80, 24, false},
		{10, 80, 24, false},
		{11, 80, 24, true},
		{25, 80, 24, true},
		{14, 120, 35, false},
		{25, 120, 35, true},
	}
	for _, tt := range tests {
		l := computeLayout(screenRequest{width: tt.width, height: tt.height, nodes: tt.nodes,
			helpHeight: 1, panels: defaultPanels()})
		if l.tooSmall || l.lines != tt.wantLines {
			t.Errorf("%d nodes at %dx%d: tooSmall %v, lines %v; want false, %v",
				tt.nodes, tt.width, tt.height, l.tooSmall, l.lines, tt.wantLines)
		}
	}
}

func TestLinesBalanceColumns(t *testing.T) {
	l := computeLayout(screenRequest{width: 80, height: 24, nodes: 25, helpHeight: 1,
		panels: defaultPanels()})
	if l.columns != 2 || l.columnRows != 13 || l.columnWidth != 40 {
		t.Errorf("25 nodes at 80x24: %d columns of %d, %d wide; want 2 of 13, 40 wide",
			l.columns, l.columnRows, l.columnWidth)
	}
	if l.bottomHeight < minBottomHeight {
		t.Errorf("bottom height %d, want at least %d", l.bottomHeight, minBottomHeight)
	}
}

func TestSafetyBanner(t *testing.T) {
	s := demoSnapshot()
	s.Violations = []string{"two leaders in term 3: n1 and n4", "two leaders in term 5: n2 and n3"}
	for _, size := range [][2]int{{80, 24}, {120, 35}, {48, 13}} {
		m := newTestModel(t, newFakeCluster(s), size[0], size[1])
		first := strings.Split(screen(m), "\n")[0]
		want := "SAFETY VIOLATED: two leaders in term 3: n1 and n4 (and 1 more)"
		if size[0] >= 120 {
			want += " · the banner stays until you quit"
		}
		if !strings.HasPrefix(want, strings.TrimSuffix(strings.TrimRight(first, " "), "…")) {
			t.Errorf("%dx%d: first line = %q, want %q", size[0], size[1], first, want)
		}
	}
}

func TestSafetyBannerFromEvent(t *testing.T) {
	m := newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24)
	if strings.Contains(screen(m), "SAFETY") {
		t.Fatalf("banner shown before any violation:\n%s", screen(m))
	}
	violation := cluster.Event{Kind: cluster.EventSafetyViolation, Node: 4, Time: demoTime,
		Text: "two leaders in term 3: n1 and n4"}
	m = update(t, m, eventsMsg{events: []cluster.Event{violation, violation}})
	lines := strings.Split(screen(m), "\n")
	if !strings.HasPrefix(lines[0], "SAFETY VIOLATED: two leaders in term 3: n1 and n4") {
		t.Errorf("first line = %q, want the banner", lines[0])
	}
	if strings.Contains(lines[0], "more") {
		t.Errorf("a violation reported twice counts twice: %q", lines[0])
	}
	if len(lines) != 24 {
		t.Errorf("screen has %d lines with the banner, want 24", len(lines))
	}
}

func TestSafetyBannerWhenTooSmall(t *testing.T) {
	s := demoSnapshot()
	s.Violations = []string{"two leaders in term 3: n1 and n4"}
	got := screen(newTestModel(t, newFakeCluster(s), 60, 12))
	lines := strings.Split(got, "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "SAFETY VIOLATED") ||
		!strings.Contains(lines[1], "too small") {
		t.Errorf("too-small screen with a violation = %q, want the banner and the size line", got)
	}
}
