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

func TestEventLogSkipsNoise(t *testing.T) {
	l := newFeed()
	l.nodes, l.quorum = 5, 3
	for _, e := range demoEvents() {
		l.add(e)
	}
	var got []string
	for _, e := range l.entries {
		got = append(got, e.text)
	}
	want := []string{
		"n1 started an election for term 3 (its 187ms timeout ran out)",
		"n4 started an election for term 3 (its 201ms timeout ran out)",
		"n2 voted for n1 in term 3 · timer reset",
		"n4 rejected n1 in term 3: already voted for n4 in term 3",
		"n5 voted for n1 in term 3 · timer reset",
		"n1 won the election for term 3 with 3 of 5 votes",
		"n4 became follower of n1 in term 3", // a candidate gave up; n3 only learned the leader
		"n4 crashed",
		"link n1↔n3 cut",
		"n3 started an election for term 4 (its 243ms timeout ran out)",
		"n3 requested votes from n2 for term 4",
	}
	if !slices.Equal(got, want) {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestEventLogShowsLeaderSteppingDown(t *testing.T) {
	l := newFeed()
	l.add(nodeEvent(10, raft.Event{Node: 1, Kind: raft.EventRoleChanged, Role: raft.Leader, Term: 3}))
	l.add(nodeEvent(5, raft.Event{Node: 1, Kind: raft.EventRoleChanged, Role: raft.Follower, Term: 5}))
	if len(l.entries) != 1 || l.entries[0].text != "n1 stopped leading in term 5 · timer reset" {
		t.Fatalf("entries = %+v, want the step-down", l.entries)
	}
	if l.entries[0].class != classElection {
		t.Errorf("step-down class = %v, want classElection", l.entries[0].class)
	}
}

func TestEventLogMergesOneOperation(t *testing.T) {
	l := newFeed()
	for _, peer := range []int{1, 2} {
		l.add(cluster.Event{Time: demoTime, Kind: cluster.EventLinkCut, Node: 3, Peer: peer})
		l.add(cluster.Event{Time: demoTime, Kind: cluster.EventLinkCut, Node: peer, Peer: 3})
	}
	l.add(cluster.Event{Time: demoTime, Kind: cluster.EventLinkCut, Node: 4, Peer: 5})
	later := demoTime.Add(time.Second)
	l.add(cluster.Event{Time: later, Kind: cluster.EventLinkCut, Node: 2, Peer: 5})
	l.add(cluster.Event{Time: later, Kind: cluster.EventLinkHealed, Node: 3, Peer: 1})

	var got []string
	for _, e := range l.entries {
		got = append(got, e.text)
	}
	want := []string{"links n3↔n1, n3↔n2, n4→n5 cut", "link n2→n5 cut", "link n3→n1 healed"}
	if !slices.Equal(got, want) {
		t.Errorf("entries = %q, want %q", got, want)
	}
}

func TestEventLogKeepsNewest(t *testing.T) {
	l := newFeed()
	for i := range maxFeedEntries + 5 {
		l.add(cluster.Event{Kind: cluster.EventCrashed, Node: i%MaxNodes + 1})
	}
	if len(l.entries) != maxFeedEntries {
		t.Errorf("%d entries kept, want %d", len(l.entries), maxFeedEntries)
	}
	l.render(plainStyles(), demoTime, 40, 4)
	view := ansi.Strip(l.view(plainStyles(), 40, 4))
	if lines := strings.Split(view, "\n"); len(lines) != 4 {
		t.Errorf("view has %d lines, want 4", len(lines))
	}
}

func TestListWhenMatrixDoesNotFit(t *testing.T) {
	s := demoSnapshot()
	setAll(&s, 5, false)
	s.Links[1][3].Cut = true
	got := ansi.Strip(linksView(plainStyles(), s, 1, listWidth, 5, false))
	for _, want := range []string{"unhealthy links", "n5 isolated", "n1↔n3 cut", "n2→n4 cut"} {
		if !strings.Contains(got, want) {
			t.Errorf("list lacks %q:\n%s", want, got)
		}
	}
	short := ansi.Strip(linksView(plainStyles(), s, 1, listWidth, 3, false))
	if !strings.Contains(short, "+2 more") {
		t.Errorf("a list too long for its room does not count the rest:\n%s", short)
	}
}

func TestMatrixMarksIsolatedNode(t *testing.T) {
	s := demoSnapshot()
	setAll(&s, 2, false)
	got := ansi.Strip(linksView(plainStyles(), s, 1, matrixWidth(5), matrixHeight(5), true))
	lines := strings.Split(got, "\n")
	if !strings.Contains(lines[3], "n2") || !strings.Contains(lines[3], "isolated") {
		t.Errorf("row of n2 is not marked isolated: %q", lines[3])
	}
	if strings.Contains(lines[2], "isolated") {
		t.Errorf("row of n1 is marked isolated: %q", lines[2])
	}
}

// Every column label of the matrix must stand apart from its neighbors and end
// in the column of the marks under it, for every supported cluster size.
func TestMatrixColumnsAlignAtEverySize(t *testing.T) {
	for nodes := 1; nodes <= MaxNodes; nodes++ {
		lines := strings.Split(ansi.Strip(linksView(plainStyles(), bigSnapshot(nodes), 1,
			matrixWidth(nodes), matrixHeight(nodes), true)), "\n")
		header := []rune(lines[matrixFirstRow-1])
		if got := len(strings.Fields(string(header))); got != nodes {
			t.Errorf("%d nodes: header %q has %d column labels, want %d", nodes, string(header),
				got, nodes)
			continue
		}
		for column := range nodes {
			first := matrixLabelWidth + column*matrixCellWidth
			last := first + matrixCellWidth - 1
			if header[first] != ' ' {
				t.Errorf("%d nodes: label of column %d in %q touches the one before it", nodes,
					column+1, string(header))
			}
			if header[last] == ' ' {
				t.Errorf("%d nodes: label of column %d in %q does not end above its marks", nodes,
					column+1, string(header))
			}
			for row := range nodes {
				if mark := []rune(lines[matrixFirstRow+row])[last]; mark == ' ' {
					t.Errorf("%d nodes: row %d has no mark under the label of column %d",
						nodes, row+1, column+1)
				}
			}
		}
	}
}

// The matrix of a large cluster is drawn on a terminal at least twice its
// width, and still fits it.
func TestLargeMatrixFitsWideScreen(t *testing.T) {
	for _, nodes := range []int{12, 25} {
		width := 2 * matrixWidth(nodes)
		m := newTestModel(t, newFakeCluster(bigSnapshot(nodes)), width, 60)
		if !m.layout.linksMatrix {
			t.Errorf("%d nodes at %dx60: the link matrix is not drawn", nodes, width)
			continue
		}
		checkScreenFits(t, m, nodes)
		if want := " 9 10 11 12"; !strings.Contains(screen(m), want) {
			t.Errorf("%d nodes: no matrix header with %q:\n%s", nodes, want, screen(m))
		}
	}
}

func TestIsIsolated(t *testing.T) {
	s := demoSnapshot()
	if isIsolated(s, 1) {
		t.Errorf("n1 with one cut link counts as isolated")
	}
	s.Links[0][1].Cut = true
	setAll(&s, 1, false)
	if !isIsolated(s, 1) {
		t.Errorf("n1 with every link cut does not count as isolated")
	}
	if single := (cluster.Snapshot{Nodes: s.Nodes[:1]}); isIsolated(single, 1) {
		t.Errorf("the node of a one-node cluster counts as isolated")
	}
}

func TestHeaderWithoutLeader(t *testing.T) {
	s := demoSnapshot()
	s.Nodes[0].Up, s.Nodes[1].Up, s.Nodes[4].Up = false, false, false
	got := ansi.Strip(headerView(plainStyles(), s, 200))
	for _, want := range []string{"no leader, highest term 4", "1/5 up, majority 3 (no majority up)"} {
		if !strings.Contains(got, want) {
			t.Errorf("header lacks %q: %q", want, got)
		}
	}
}

func TestSlowdownLabel(t *testing.T) {
	tests := map[float64]string{0: "real time", 1: "real time", 20: "time ×1/20", 2.5: "time ×1/2.5",
		0.5: "time ×2"}
	for slowdown, want := range tests {
		if got := slowdownLabel(slowdown); got != want {
			t.Errorf("slowdownLabel(%v) = %q, want %q", slowdown, got, want)
		}
	}
}

func TestCardShowsStartFailure(t *testing.T) {
	s := demoSnapshot()
	s.Nodes[3].Err = "node 4: state file /tmp/raftplay/n4.state: corrupt (bad checksum); " +
		"restore the file, or delete it"
	m := newTestModel(t, newFakeCluster(s), 120, 35)
	got := screen(m)
	if !strings.Contains(got, "failed: state file") || !strings.Contains(got, "n4.state: corrupt") {
		t.Errorf("card of n4 lacks the shortened error:\n%s", got)
	}
	if strings.Contains(got, "/tmp/raftplay") {
		t.Errorf("card shows the state file's folder:\n%s", got)
	}
}

func TestWrapLinesEndsWithEllipsis(t *testing.T) {
	got := wrapLines("one two three four five six", 9, 2)
	if len(got) != 2 {
		t.Fatalf("%d lines, want 2: %q", len(got), got)
	}
	if !strings.HasSuffix(got[1], "…") {
		t.Errorf("cut text does not end with an ellipsis: %q", got)
	}
	if got := wrapLines("short", 9, 2); !slices.Equal(got, []string{"short"}) {
		t.Errorf("wrapLines(short) = %q", got)
	}
}

func TestTimerBarShowsShareLeft(t *testing.T) {
	p := cardsPanel{inner: 10, st: plainStyles()}
	st := raft.Status{Role: raft.Follower, Now: demoTime, Deadline: demoTime.Add(50 * time.Millisecond),
		Timeout: 200 * time.Millisecond}
	if got := ansi.Strip(p.timerBar(st)); got != "███░░░░░░░" {
		t.Errorf("bar with 50ms of 200ms left = %q", got)
	}
	st.Deadline = demoTime.Add(-time.Millisecond)
	if got := ansi.Strip(p.timerBar(st)); got != "░░░░░░░░░░" {
		t.Errorf("bar of an expired timer = %q", got)
	}
}

func TestEventLogShowsControlEvents(t *testing.T) {
	tests := []struct {
		event cluster.Event
		text  string
		class eventClass
	}{
		{cluster.Event{Kind: cluster.EventPaused}, "cluster paused", classControl},
		{cluster.Event{Kind: cluster.EventResumed}, "cluster resumed", classRecover},
		{cluster.Event{Kind: cluster.EventSpeedChanged, Slowdown: 50},
			"time now runs at ×1/50", classControl},
		{cluster.Event{Kind: cluster.EventFrozen, Node: 2}, "n2 frozen", classFault},
		{cluster.Event{Kind: cluster.EventThawed, Node: 2}, "n2 thawed", classRecover},
		{cluster.Event{Kind: cluster.EventTimersRigged, Node: 2, Peer: 5},
			"n2 and n5 set to time out together · timer reset", classControl},
		{cluster.Event{Kind: cluster.EventTimersRigged},
			"followers' timers spread apart · timer reset", classControl},
		{cluster.Event{Kind: cluster.EventPartitioned, Text: "majority: {n1 n2} | {n3 n4 n5}"},
			"partition: majority: {n1 n2} | {n3 n4 n5}", classFault},
		{cluster.Event{Kind: cluster.EventRestarted, Node: 4, Incarnation: 2},
			"n4 restarted from its state file (incarnation 2)", classRecover},
		{cluster.Event{Kind: cluster.EventRestarted, Node: 4, Incarnation: 3,
			Mode: cluster.RestartStale}, "n4 restarted from a stale copy of its state file (incarnation 3)", classFault},
		{cluster.Event{Kind: cluster.EventLinkChanged, Node: 1, Peer: 2,
			Link: cluster.Link{Delay: 50 * time.Millisecond}},
			"link n1→n2 now delayed 50ms", classFault},
		{cluster.Event{Kind: cluster.EventSafetyViolation, Text: "two leaders in term 3: n1 and n4"},
			"SAFETY VIOLATED: two leaders in term 3: n1 and n4", classUnsafe},
	}
	for _, tt := range tests {
		l := newFeed()
		l.add(tt.event)
		if len(l.entries) != 1 {
			t.Errorf("%q: %d entries, want 1", tt.text, len(l.entries))
			continue
		}
		if got := l.entries[0]; got.text != tt.text || got.class != tt.class {
			t.Errorf("entry = %q of class %v, want %q of class %v",
				got.text, got.class, tt.text, tt.class)
		}
	}
}

func TestEventLogTracksRolesAboveNine(t *testing.T) {
	l := newFeed()
	l.add(nodeEvent(10, raft.Event{Node: 25, Kind: raft.EventRoleChanged, Role: raft.Leader,
		Term: 3}))
	l.add(nodeEvent(5, raft.Event{Node: 25, Kind: raft.EventRoleChanged, Role: raft.Follower,
		Term: 4}))
	if len(l.entries) != 1 || l.entries[0].text != "n25 stopped leading in term 4 · timer reset" {
		t.Errorf("entries = %+v, want n25 stepping down", l.entries)
	}
}

func TestFrozenCard(t *testing.T) {
	s := demoSnapshot()
	s.Nodes[0].Frozen = true
	s.Nodes[1].Frozen = true
	for _, size := range [][2]int{{80, 24}, {120, 35}} {
		m := press(t, newTestModel(t, newFakeCluster(s), size[0], size[1]), "5")
		got := screen(m)
		x, y := cardCell(m.layout, 1)
		card := screenText(m, x-m.layout.cardWidth/2, y, m.layout.cardWidth)
		if !strings.Contains(card, "n1 leader") {
			t.Errorf("%dx%d: frozen leader's title = %q, want it to stay leader",
				size[0], size[1], card)
		}
		top := m.layout.nodesTop
		cards := strings.Split(got, "\n")[top : top+m.layout.nodesHeight]
		if n := strings.Count(strings.Join(cards, "\n"), "FROZEN"); n != 2 {
			t.Errorf("%dx%d: FROZEN on %d cards, want 2:\n%s", size[0], size[1], n, got)
		}
		if !strings.HasPrefix(screenText(m, 0, m.layout.nodesTop, 1), "╔") {
			t.Errorf("%dx%d: an unselected frozen card lacks the double border:\n%s",
				size[0], size[1], got)
		}
		if strings.Contains(card, "sending") {
			t.Errorf("%dx%d: a frozen leader sends heartbeats: %q", size[0], size[1], card)
		}
	}
}

func TestHeaderShowsPausedAndFrozenLeader(t *testing.T) {
	s := demoSnapshot()
	s.Paused = true
	s.Nodes[0].Frozen = true
	got := ansi.Strip(headerView(plainStyles(), s, 80))
	if want := "PAUSED │ leader n1 FROZEN, term 3 │ 4/5 up │"; !strings.HasPrefix(got, want) {
		t.Errorf("header = %q, want it to start %q", got, want)
	}
	if !strings.Contains(got, "time ×1/20") {
		t.Errorf("header lacks the slowdown: %q", got)
	}
	if wide := ansi.Strip(headerView(plainStyles(), s, 200)); !strings.HasPrefix(wide,
		"raftplay │ PAUSED │ leader n1 FROZEN, term 3 │ 4/5 up, majority 3") {
		t.Errorf("wide header = %q, want the title and the majority", wide)
	}
}

func TestNodeLineStates(t *testing.T) {
	s := bigSnapshot(25)
	p := nodeLinesPanel{timerWidth: 9, st: plainStyles()}
	tests := []struct {
		id   int
		want string
	}{
		{1, " n1  leader    7    n1   n1   leading"},
		{7, " n7  candidate 8    n7   none "},
		{13, " n13 DOWN      7    n1   none crashed"},
		{20, " n20 follower  7    n1   n1   FROZEN"},
	}
	for _, tt := range tests {
		if got := ansi.Strip(p.line(s.Nodes[tt.id-1], false, false)); !strings.HasPrefix(got, tt.want) {
			t.Errorf("line of n%d = %q, want %q", tt.id, got, tt.want)
		}
	}
	if got := ansi.Strip(p.line(s.Nodes[0], false, true)); !strings.Contains(got, "stale") {
		t.Errorf("line of a leader without a majority = %q, want it marked stale", got)
	}
	if got := ansi.Strip(p.line(s.Nodes[1], true, false)); !strings.HasPrefix(got, ">n2 ") {
		t.Errorf("selected line = %q, want the > marker", got)
	}
}
