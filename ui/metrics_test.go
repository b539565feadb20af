package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// candidacy returns node's start of an election for term at ms, with no votes.
func candidacy(ms, node int, term uint64) cluster.Event {
	return raftAt(ms, raft.Event{Node: node, Kind: raft.EventElectionStarted, Term: term,
		Timeout: 200 * time.Millisecond})
}

// metricsScreen feeds events to a model of five nodes just started, with the
// metrics panel on screen, and returns the screen.
func metricsScreen(t *testing.T, events []cluster.Event) (Model, string) {
	t.Helper()
	m := newTestModel(t, newFakeCluster(startSnapshot()), 120, 35)
	m = update(t, m, eventsMsg{events: events})
	m = showPanel(t, m, panelMetrics)
	return m, screen(m)
}

func TestElectionCountsAddUp(t *testing.T) {
	tests := []struct {
		name   string
		events func() []cluster.Event
		want   string
	}{
		{"loser beside the winner", func() []cluster.Event {
			// Term 1 is won, term 2 split, and in term 3 n5 loses to n1.
			evs := election(200, 2, 1, []int{1, 3, 4}, 5)
			evs = append(evs, splitVote(1180)...)
			evs = append(evs, candidacy(1450, 5, 3))
			return append(evs, election(1450, 1, 3, []int{3, 4}, 5)...)
		}, "3 elections (one per term): won 2, split 1, failed 0"},
		{"failed and undecided", func() []cluster.Event {
			evs := election(200, 2, 1, []int{1, 3, 4}, 5)
			return append(evs, candidacy(1000, 4, 2), candidacy(1300, 4, 3))
		}, "3 elections (one per term): won 1, split 0, failed 1, undecided 1"},
		{"late candidate in a closed term", func() []cluster.Event {
			evs := election(200, 2, 1, []int{1, 3, 4}, 5)
			return append(evs, candidacy(1000, 4, 2), candidacy(1300, 4, 3), candidacy(1400, 5, 2))
		}, "3 elections (one per term): won 1, split 1, failed 0, undecided 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := metricsScreen(t, tt.events())
			// Wide enough to keep the counts on one line.
			got := ansi.Strip(metricsView(plainStyles(), m.failovers, m.elections, m.rates,
				m.snap.Time, 80, 12))
			if !strings.Contains(got, tt.want) {
				t.Errorf("metrics lack %q:\n%s", tt.want, got)
			}
		})
	}
}

// At the minimum width of the metrics panel, the counts wrap between two
// counts, never inside one.
func TestElectionCountsWrapBetweenCounts(t *testing.T) {
	m, _ := metricsScreen(t, splitVote(1180))
	got := ansi.Strip(metricsView(plainStyles(), m.failovers, m.elections, m.rates,
		m.snap.Time, metricsMinWidth, 12))
	lines := strings.Split(got, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	for _, want := range []string{"1 election (one per term): won 0", "split 0, failed 0, undecided 1"} {
		if !slices.Contains(lines, want) {
			t.Errorf("metrics lack the line %q:\n%s", want, got)
		}
	}
}

// handover returns a leadership change from n1, leader of term 1, to n3 in
// term 2. With transfer, n1 is asked at 1000ms to hand over to n3, and n3
// starts a transfer election at 1002ms. Otherwise n3 campaigns at 1002ms
// because the user asked it to. n3 is followed by a majority at 1013ms.
func handover(transfer bool) []cluster.Event {
	evs := election(100, 1, 1, []int{2, 3, 4, 5}, 5)
	if transfer {
		evs = append(evs, cluster.Event{Time: atMs(1000), Kind: cluster.EventTransferRequested,
			Node: 1, Peer: 3})
	}
	second := election(1002, 3, 2, []int{1, 2, 4}, 5)
	for i, e := range second {
		if e.Kind == cluster.EventRaft && e.Raft.Kind == raft.EventElectionStarted {
			second[i].Raft.Transfer, second[i].Raft.Forced = transfer, !transfer
		}
	}
	return append(evs, second...)
}

func TestHandoverIsNoFailover(t *testing.T) {
	tests := []struct {
		name     string
		transfer bool
		want     string
	}{
		{"transfer", true, "handovers 1, last 13ms (transfer to n3)"},
		{"requested campaign", false, "handovers 1, last 11ms (n3 campaigned)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, got := metricsScreen(t, handover(tt.transfer))
			if n := len(m.failovers.done); n != 0 {
				t.Errorf("the handover counts as %d failovers: %+v", n, m.failovers.done)
			}
			if !strings.Contains(got, "no failover yet") {
				t.Errorf("metrics show a failover after a handover:\n%s", got)
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("metrics lack %q:\n%s", tt.want, got)
			}
		})
	}
}

// A crash after a handover is timed as a failover again, and the histogram
// holds only that failover.
func TestFailoverAfterHandover(t *testing.T) {
	evs := handover(true)
	evs = append(evs, cluster.Event{Time: atMs(2000), Kind: cluster.EventCrashed, Node: 3,
		Incarnation: 1})
	evs = append(evs, election(2200, 2, 3, []int{1, 4}, 5)...)
	m, got := metricsScreen(t, evs)
	if n := len(m.failovers.done); n != 1 {
		t.Fatalf("%d failovers timed, want 1: %+v", n, m.failovers.done)
	}
	if f := m.failovers.done[0]; f.took != 210*time.Millisecond || f.why != "n3 crashed" {
		t.Errorf("failover took %v after %q, want 210ms after n3 crashed", f.took, f.why)
	}
	if want := "last 1: 210ms"; !strings.Contains(got, want) {
		t.Errorf("histogram lacks %q:\n%s", want, got)
	}
	if want := "handovers 1,"; !strings.Contains(got, want) {
		t.Errorf("metrics lack %q:\n%s", want, got)
	}
}

func TestRatesTextRestartedNode(t *testing.T) {
	got := ratesText(rateMeter{perSecond: []float64{40.4, -1, 0}})
	if want := "messages/s n1:40 n2:… n3:0"; got != want {
		t.Errorf("ratesText = %q, want %q", got, want)
	}
}
