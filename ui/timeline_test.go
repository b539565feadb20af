package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// tenMsGrid is a strip of 30 columns of 10ms each from historyStart.
func tenMsGrid() timelineGrid {
	return timelineGrid{origin: historyStart, scale: 10 * time.Millisecond, columns: 30}
}

// quickWin returns the events of candidate winning term, elected at ms after
// historyStart with no vote requests or replies: the timeline needs only the
// new term and the win.
func quickWin(ms int, candidate int, term uint64) []cluster.Event {
	return []cluster.Event{
		raftAt(ms, raft.Event{Node: candidate, Kind: raft.EventElectionStarted, Term: term}),
		raftAt(ms, raft.Event{Node: candidate, Kind: raft.EventElectionWon, Term: term}),
	}
}

func leadRow(t *testing.T, events []cluster.Event) string {
	t.Helper()
	var tl timeline
	for _, e := range events {
		tl.observe(e)
	}
	_, lead := tl.termRows(tenMsGrid(), atMs(290))
	return strings.TrimRight(string(lead), " ")
}

func TestTimelineWinLabelsNeverOverlap(t *testing.T) {
	tests := []struct {
		name   string
		events [][]cluster.Event
		want   string
	}{
		{"apart", [][]cluster.Event{quickWin(0, 5, 1), quickWin(40, 1, 2)}, "★n5 ★n1"},
		{"next star two columns on", [][]cluster.Event{quickWin(0, 5, 1), quickWin(20, 1, 2),
			quickWin(60, 3, 3)}, "★ ★n1 ★n3"},
		{"next star one column on", [][]cluster.Event{quickWin(0, 5, 1), quickWin(10, 3, 2)},
			"★★n3"},
		{"same column", [][]cluster.Event{quickWin(0, 5, 1), quickWin(5, 3, 2)}, "★n3"},
		{"two-digit name left out", [][]cluster.Event{quickWin(0, 12, 1), quickWin(30, 3, 2)},
			"★  ★n3"},
		{"newest name past the edge", [][]cluster.Event{quickWin(270, 3, 1), quickWin(275, 12, 2)},
			strings.Repeat(" ", 27) + "★"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var events []cluster.Event
			for _, win := range tt.events {
				events = append(events, win...)
			}
			got := leadRow(t, events)
			if got != tt.want {
				t.Errorf("lead row = %q, want %q", got, tt.want)
			}
		})
	}
}

// A term without a winner keeps its ÷, and the label of an earlier win stops
// short of it rather than covering it.
func TestTimelineNoWinnerMarkKeptBesideLabel(t *testing.T) {
	events := quickWin(0, 5, 1)
	events = append(events,
		raftAt(20, raft.Event{Node: 2, Kind: raft.EventElectionStarted, Term: 2}))
	events = append(events, quickWin(50, 2, 3)...)
	if got, want := leadRow(t, events), "★ ÷  ★n2"; got != want {
		t.Errorf("lead row = %q, want %q", got, want)
	}
}

// A restart that fails leaves the node down: the fault row marks it with its
// own glyph, not a second crash.
func TestTimelineFailedStartIsNoCrash(t *testing.T) {
	m := newTestModel(t, newFakeCluster(startSnapshot()), 120, 35)
	m = showPanel(t, m, panelTimeline)
	events := election(100, 1, 1, []int{2, 3}, 5)
	events = append(events,
		cluster.Event{Time: atMs(1000), Kind: cluster.EventCrashed, Node: 2, Incarnation: 1},
		cluster.Event{Time: atMs(2000), Kind: cluster.EventStartFailed, Node: 2, Incarnation: 2,
			Err: "state file: checksum mismatch"})
	m = update(t, m, eventsMsg{events: events})

	fault := ""
	for line := range strings.SplitSeq(screen(m), "\n") {
		if strings.HasPrefix(line, "fault ") {
			fault = line
		}
	}
	if fault == "" {
		t.Fatalf("no fault row on screen:\n%s", screen(m))
	}
	if got := strings.Count(fault, "↓"); got != 1 {
		t.Errorf("fault row %q has %d crash marks, want 1", fault, got)
	}
	if got := strings.Count(fault, "⊘"); got != 1 {
		t.Errorf("fault row %q has %d failed-start marks, want 1", fault, got)
	}
	if !strings.Contains(screen(m), "⊘ start failed") {
		t.Errorf("the timeline legend does not explain ⊘:\n%s", screen(m))
	}
}
