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
	var l eventLog
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
		"n2 voted for n1 in term 3",
		"n4 rejected n1 in term 3: already voted for n4 in term 3",
		"n5 voted for n1 in term 3",
		"n1 won the election for term 3 with 3 votes",
		"n4 became follower of n1 in term 3", // a candidate gave up; n3 only learned the leader
		"n4 crashed",
		"link n1↔n3 cut",
		"n3 started an election for term 4 (its 243ms timeout ran out)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestEventLogShowsLeaderSteppingDown(t *testing.T) {
	var l eventLog
	l.add(nodeEvent(10, raft.Event{Node: 1, Kind: raft.EventRoleChanged, Role: raft.Leader, Term: 3}))
	l.add(nodeEvent(5, raft.Event{Node: 1, Kind: raft.EventRoleChanged, Role: raft.Follower, Term: 5}))
	if len(l.entries) != 1 || l.entries[0].text != "n1 became follower in term 5" {
		t.Fatalf("entries = %+v, want the step-down", l.entries)
	}
	if l.entries[0].class != classElection {
		t.Errorf("step-down class = %v, want classElection", l.entries[0].class)
	}
}

func TestEventLogMergesOneOperation(t *testing.T) {
	var l eventLog
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
	var l eventLog
	for i := range maxLogEntries + 5 {
		l.add(cluster.Event{Kind: cluster.EventCrashed, Node: i%maxNodes + 1})
	}
	if len(l.entries) != maxLogEntries {
		t.Errorf("%d entries kept, want %d", len(l.entries), maxLogEntries)
	}
	view := ansi.Strip(l.view(40, 4))
	if lines := strings.Split(view, "\n"); len(lines) != 4 {
		t.Errorf("view has %d lines, want 4", len(lines))
	}
}

func TestCutListWhenMatrixDoesNotFit(t *testing.T) {
	s := demoSnapshot()
	setAll(&s, 5, false)
	s.Links[1][3] = false
	got := ansi.Strip(linksView(s, 1, layout{linksWidth: listWidth, bottomHeight: 5}))
	for _, want := range []string{"cut links", "n5 isolated", "n1↔n3", "n2→n4"} {
		if !strings.Contains(got, want) {
			t.Errorf("list lacks %q:\n%s", want, got)
		}
	}
	short := ansi.Strip(linksView(s, 1, layout{linksWidth: listWidth, bottomHeight: 3}))
	if !strings.Contains(short, "+2 more") {
		t.Errorf("a list too long for its room does not count the rest:\n%s", short)
	}
}

func TestMatrixMarksIsolatedNode(t *testing.T) {
	s := demoSnapshot()
	setAll(&s, 2, false)
	got := ansi.Strip(linksView(s, 1, layout{linksMatrix: true, linksWidth: matrixWidth(5),
		bottomHeight: matrixHeight(5)}))
	lines := strings.Split(got, "\n")
	if !strings.Contains(lines[3], "n2") || !strings.Contains(lines[3], "isolated") {
		t.Errorf("row of n2 is not marked isolated: %q", lines[3])
	}
	if strings.Contains(lines[2], "isolated") {
		t.Errorf("row of n1 is marked isolated: %q", lines[2])
	}
}

func TestIsIsolated(t *testing.T) {
	s := demoSnapshot()
	if isIsolated(s, 1) {
		t.Errorf("n1 with one cut link counts as isolated")
	}
	s.Links[0][1] = false
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
	got := ansi.Strip(headerView(s, 200))
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
	p := cardsPanel{inner: 10}
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
