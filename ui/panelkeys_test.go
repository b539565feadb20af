package ui

import (
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

func preVoteOn(s *cluster.Snapshot)     { s.PreVote = true }
func checkQuorumOn(s *cluster.Snapshot) { s.CheckQuorum = true }

func TestOptionKeys(t *testing.T) {
	runKeyCases(t, []keyCase{
		{"P turns PreVote on", nil, []string{"P"}, []string{"SetPreVote(true)"}},
		{"P turns PreVote off", preVoteOn, []string{"P"}, []string{"SetPreVote(false)"}},
		{"P twice", nil, []string{"P", "P"}, []string{"SetPreVote(true)", "SetPreVote(false)"}},
		{"Q turns CheckQuorum on", nil, []string{"Q"}, []string{"SetCheckQuorum(true)"}},
		{"Q turns CheckQuorum off", checkQuorumOn, []string{"Q"},
			[]string{"SetCheckQuorum(false)"}},
	})
}

func TestOptionsInHeader(t *testing.T) {
	m := newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24)
	if got := screen(m); !strings.Contains(got, "prevote off checkquorum off") {
		t.Errorf("header lacks both options:\n%s", got)
	}
	m = press(t, m, "P", "Q")
	if got := screen(m); !strings.Contains(got, "prevote on checkquorum on") {
		t.Errorf("header does not show both options on:\n%s", got)
	}
}

func TestTransferKey(t *testing.T) {
	noLeader := func(s *cluster.Snapshot) { s.Nodes[0].Up = false }
	runKeyCases(t, []keyCase{
		{"to a follower", nil, []string{"2", "T"}, []string{"TransferLeadership(2)"}},
		{"to a candidate", nil, []string{"3", "T"}, []string{"TransferLeadership(3)"}},
		{"to the leader", nil, []string{"T"}, nil},
		{"to a down node", nil, []string{"4", "T"}, nil},
		{"to a frozen node", frozen(2), []string{"2", "T"}, nil},
		{"with no leader", noLeader, []string{"2", "T"}, nil},
	})
}

func TestTransferReportsOnStatusLine(t *testing.T) {
	m := press(t, newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24), "5", "T")
	if want := "n1 told n5 to campaign at once"; !strings.Contains(screen(m), want) {
		t.Errorf("status line lacks %q:\n%s", want, screen(m))
	}
	if leader, _ := m.snap.Leader(); leader != 5 {
		t.Errorf("after the transfer n%d leads, want n5", leader)
	}
}

func TestPanelKeysShowAndHide(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 35}} {
		for _, id := range []panelID{panelFeed, panelInspector, panelMetrics, panelTimeline} {
			m := newTestModel(t, newFakeCluster(demoSnapshot()), size[0], size[1])
			was := m.layout.onScreen(id)
			m = press(t, m, panelKeys[id])
			if m.layout.onScreen(id) == was {
				t.Errorf("%dx%d: %s on screen %v after its key, want %v",
					size[0], size[1], panelNames[id], !was, !was)
			}
			m = press(t, m, panelKeys[id])
			if m.layout.onScreen(id) != was {
				t.Errorf("%dx%d: %s not back to %v after a second press",
					size[0], size[1], panelNames[id], was)
			}
			checkScreenFits(t, m, 5)
		}
	}
}

func TestSmallScreenShowsOnePanelAskedFor(t *testing.T) {
	m := newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24)
	m = press(t, m, "I")
	if !m.layout.onScreen(panelInspector) || m.layout.onScreen(panelFeed) {
		t.Errorf("at 80x24 I shows inspector %v and feed %v, want the inspector alone",
			m.layout.onScreen(panelInspector), m.layout.onScreen(panelFeed))
	}
	m = press(t, m, "e")
	if m.layout.onScreen(panelInspector) || !m.layout.onScreen(panelFeed) {
		t.Errorf("e then shows inspector %v and feed %v, want the feed back in its place",
			m.layout.onScreen(panelInspector), m.layout.onScreen(panelFeed))
	}
}

func TestLargerScreenShowsMorePanels(t *testing.T) {
	count := func(l layout) int {
		n := len(l.sides)
		if l.timeline {
			n++
		}
		return n
	}
	small := newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24)
	large := newTestModel(t, newFakeCluster(demoSnapshot()), 160, 45)
	if count(small.layout) >= count(large.layout) {
		t.Errorf("80x24 shows %d panels and 160x45 %d, want more on the larger screen",
			count(small.layout), count(large.layout))
	}
	if count(large.layout) != int(panelCount) {
		t.Errorf("160x45 shows %d panels, want all %d", count(large.layout), panelCount)
	}
}

// feedModel is the scripted history at 80x24, where the feed is longer than
// its panel.
func feedModel(t *testing.T) Model {
	t.Helper()
	m := historyModel(t, 80, 24)
	if m.feed.scroll.vp.TotalLineCount() <= m.feed.scroll.vp.Height() {
		t.Fatalf("the feed fits its panel, so it cannot scroll")
	}
	return m
}

func TestFeedScrollingFreezesIt(t *testing.T) {
	m := press(t, feedModel(t), "k")
	if m.feed.scroll.following {
		t.Fatalf("the feed still follows after scrolling up")
	}
	before := screen(m)
	if !strings.Contains(before, "not following: 0 new, end follows") {
		t.Errorf("screen does not say the feed stopped following:\n%s", before)
	}
	crash := cluster.Event{Time: demoTime, Kind: cluster.EventCrashed, Node: 4, Incarnation: 1}
	m = update(t, m, eventsMsg{events: []cluster.Event{crash}})
	after := screen(m)
	if strings.Contains(after, "n4 crashed") {
		t.Errorf("a new event scrolled into the frozen feed:\n%s", after)
	}
	if !strings.Contains(after, "not following: 1 new") {
		t.Errorf("screen does not count the new event:\n%s", after)
	}
	if feedLines(before) != feedLines(after) {
		t.Errorf("the frozen feed moved:\n%s\nthen:\n%s", before, after)
	}
	m = press(t, m, "end")
	if !m.feed.scroll.following || !strings.Contains(screen(m), "n4 crashed") {
		t.Errorf("end does not follow the newest events again:\n%s", screen(m))
	}
}

// feedLines returns the event lines of an 80x24 screen.
func feedLines(screen string) string {
	lines := strings.Split(screen, "\n")
	var out []string
	for _, line := range lines[10:22] {
		out = append(out, ansi.Cut(line, 34, 80))
	}
	return strings.Join(out, "\n")
}

func TestFeedFollowsAgainAtBottom(t *testing.T) {
	m := press(t, feedModel(t), "k", "k", "j")
	if m.feed.scroll.following {
		t.Fatalf("one line down of two up follows already")
	}
	m = press(t, m, "j")
	if !m.feed.scroll.following {
		t.Errorf("back at the bottom, the feed does not follow")
	}
	if m.keys.Bottom.Enabled() {
		t.Errorf("end is offered while the feed follows")
	}
}

func TestFeedPageAndTopKeys(t *testing.T) {
	m := press(t, feedModel(t), "home")
	if m.feed.scroll.vp.YOffset() != 0 || m.feed.scroll.following {
		t.Errorf("home: offset %d, following %v; want the top, not following",
			m.feed.scroll.vp.YOffset(), m.feed.scroll.following)
	}
	if !strings.Contains(screen(m), "n2 started an election for term 1") {
		t.Errorf("home does not show the first event:\n%s", screen(m))
	}
	m = press(t, m, "pgdown")
	if got, want := m.feed.scroll.vp.YOffset(), m.feed.scroll.vp.Height(); got != min(want,
		m.feed.scroll.vp.TotalLineCount()-want) {
		t.Errorf("pgdown from the top: offset %d, want %d", got, want)
	}
	m = press(t, m, "pgup", "G")
	if !m.feed.scroll.following {
		t.Errorf("G does not follow the newest events")
	}
	m = press(t, m, "g")
	if m.feed.scroll.vp.YOffset() != 0 {
		t.Errorf("g does not go to the oldest event")
	}
}

func TestFeedWheelScrolls(t *testing.T) {
	m := feedModel(t)
	x, y := 50, m.layout.bottomTop+3
	m = update(t, m, tea.MouseWheelMsg{X: x, Y: y, Button: tea.MouseWheelUp})
	if m.feed.scroll.following {
		t.Errorf("the wheel over the feed does not scroll it")
	}
	m = update(t, m, tea.MouseWheelMsg{X: x, Y: y, Button: tea.MouseWheelDown})
	if !m.feed.scroll.following {
		t.Errorf("the wheel back down does not follow again")
	}
}

func TestFeedFilterKey(t *testing.T) {
	m := press(t, historyModel(t, 120, 35), "4", "/")
	if !m.filtered {
		t.Fatalf("/ did not filter the feed")
	}
	for _, e := range m.feed.entries {
		if m.feed.scroll.shows(e) && !slices.Contains(e.nodes, 4) {
			t.Errorf("filtered feed shows %q, which is not about n4", e.text)
		}
	}
	if !strings.Contains(screen(m), "events of n4") {
		t.Errorf("the feed's title does not name the filter:\n%s", screen(m))
	}
	m = press(t, m, "2")
	if m.feed.scroll.filter != 2 {
		t.Errorf("the filter is on n%d after selecting n2, want n2", m.feed.scroll.filter)
	}
	if m = press(t, m, "/"); m.filtered || strings.Contains(screen(m), "events of n2") {
		t.Errorf("a second / does not show every node's events")
	}
}

func TestHeartbeatsCountedThenListed(t *testing.T) {
	m := historyModel(t, 120, 35)
	if !strings.Contains(screen(m), "99 heartbeats") {
		t.Errorf("the feed's title does not count heartbeats:\n%s", screen(m))
	}
	m = press(t, m, "b")
	later := historySnapshot()
	later.Time = demoTime.Add(100 * time.Millisecond)
	later.Nodes[1].Status.Counts.Heartbeats += 2
	m = update(t, m, tickMsg{snap: later})
	if want := "n2 received 2 heartbeats from n3,"; !strings.Contains(screen(m), want) {
		t.Errorf("listed heartbeats lack %q:\n%s", want, screen(m))
	}
	if m = press(t, m, "b"); strings.Contains(screen(m), "received 2 heartbeats") {
		t.Errorf("b again still lists heartbeats:\n%s", screen(m))
	}
}

func TestTalkKey(t *testing.T) {
	m := press(t, newTestModel(t, newFakeCluster(demoSnapshot()), 120, 35), "z")
	if !m.talk {
		t.Fatalf("z did not turn talk mode on")
	}
	got := screen(m)
	for _, want := range []string{"★ n1 LEADER", "· n2 FOLLOWER", "? n3 CANDIDATE", "✗ n4 DOWN"} {
		if !strings.Contains(got, want) {
			t.Errorf("talk mode lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "heartbeats ·") || strings.Contains(got, " heartbeats\n") {
		t.Errorf("talk mode shows the heartbeat count:\n%s", got)
	}
	if m = press(t, m, "z"); m.talk || strings.Contains(screen(m), "LEADER") {
		t.Errorf("z again does not leave talk mode")
	}
}

func TestTalkOption(t *testing.T) {
	m := New(newFakeCluster(demoSnapshot()), nil, Options{Talk: true})
	m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if !m.talk || !strings.Contains(screen(m), "★ n1 LEADER") {
		t.Errorf("Options.Talk does not start in talk mode:\n%s", screen(m))
	}
	if m.keys.Beats.Enabled() {
		t.Errorf("heartbeats can be listed in talk mode")
	}
}

func TestAdvanceKeys(t *testing.T) {
	tests := []struct {
		name     string
		talk     bool
		keys     []string
		advances int32
		selected int
	}{
		{"dot", false, []string{"."}, 1, 1},
		{"right selects outside talk mode", false, []string{"right"}, 0, 2},
		{"pgdown scrolls outside talk mode", false, []string{"pgdown"}, 0, 1},
		{"dot in talk mode", true, []string{"."}, 1, 1},
		{"right in talk mode", true, []string{"right"}, 1, 1},
		{"pgdown in talk mode", true, []string{"pgdown"}, 1, 1},
		{"l still selects in talk mode", true, []string{"l"}, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var advances atomic.Int32
			opts := Options{Talk: tt.talk, OnAdvance: func() { advances.Add(1) }}
			m := New(newFakeCluster(demoSnapshot()), nil, opts)
			m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
			m = pressRunning(t, m, tt.keys...)
			if got := advances.Load(); got != tt.advances {
				t.Errorf("OnAdvance called %d times, want %d", got, tt.advances)
			}
			if m.selected != tt.selected {
				t.Errorf("n%d selected, want n%d", m.selected, tt.selected)
			}
		})
	}
}

// pressRunning presses keys as press does, and also runs any other command a
// key returns and feeds its message back.
func pressRunning(t *testing.T, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		next, cmd := m.Update(keyPress(k))
		m = next.(Model)
		if cmd != nil {
			m = update(t, m, cmd())
		}
	}
	return m
}

func TestAdvanceWithoutHook(t *testing.T) {
	m := press(t, newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24), ".")
	if m.status.kind == statusError {
		t.Errorf("outside talk mode, . without a hook did something: %q", m.status.text)
	}
	m = press(t, m, "z", ".")
	if !strings.Contains(screen(m), "nothing to advance") {
		t.Errorf("in talk mode, . without a hook does not say why nothing happens:\n%s", screen(m))
	}
}

func TestHelpLineOrder(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 35}, {200, 50}} {
		m := press(t, newTestModel(t, newFakeCluster(demoSnapshot()), size[0], size[1]), "2")
		help := strings.Split(screen(m), "\n")[size[1]-1]
		if !strings.HasPrefix(help, "c crash n2 • f freeze n2 • n campaign n2") {
			t.Errorf("%dx%d: help line does not start with the node's actions: %q",
				size[0], size[1], help)
		}
		if !strings.HasSuffix(strings.TrimRight(help, " "), "? all keys • q quit") {
			t.Errorf("%dx%d: help line does not end with ? and q: %q", size[0], size[1], help)
		}
	}
}

// hasColor reports whether s sets any color.
func hasColor(s string) bool {
	for _, seq := range regexp.MustCompile(`\x1b\[([0-9;]*)m`).FindAllStringSubmatch(s, -1) {
		for _, p := range strings.Split(seq[1], ";") {
			if len(p) == 2 && (p[0] == '3' || p[0] == '4' || p[0] == '9') && p != "39" && p != "49" {
				return true
			}
			if len(p) == 3 && strings.HasPrefix(p, "10") {
				return true
			}
		}
	}
	return false
}

func TestNoColorEnvironment(t *testing.T) {
	t.Setenv("NO_COLOR", "yes")
	m := historyModel(t, 120, 35, "3", "I", "z")
	if got := m.View().Content; hasColor(got) {
		t.Errorf("NO_COLOR set, yet the screen sets colors: %q", got)
	}
	if !strings.Contains(m.View().Content, "\x1b[") {
		t.Errorf("NO_COLOR dropped bold and reverse video as well")
	}
}

func TestColorWithoutNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	m := historyModel(t, 120, 35)
	if !hasColor(m.View().Content) {
		t.Errorf("without NO_COLOR the screen sets no color")
	}
}

func TestBackgroundPicksPalette(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	m := newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24)
	dark := m.View().Content
	light := update(t, m, tea.BackgroundColorMsg{Color: lightGrey{}})
	if light.dark {
		t.Fatalf("a light background was taken for dark")
	}
	if light.View().Content == dark {
		t.Errorf("the screen is the same on a light background as on a dark one")
	}
	if ansi.Strip(light.View().Content) != ansi.Strip(dark) {
		t.Errorf("the background changed the text, not only its colors")
	}
}

// lightGrey is the color of a light terminal background.
type lightGrey struct{}

func (lightGrey) RGBA() (r, g, b, a uint32) { return 0xeeee, 0xeeee, 0xeeee, 0xffff }

func TestCandidateCardShowsEachAnswer(t *testing.T) {
	s := demoSnapshot()
	s.Nodes[2].Status.Granted = []int{1, 3}
	s.Nodes[2].Status.Rejected = []int{2}
	got := screen(newTestModel(t, newFakeCluster(s), 120, 35))
	if !strings.Contains(got, "votes 2 of 3 needed") || !strings.Contains(got, "n1✓ n2✗ n4· n5·") {
		t.Errorf("candidate n3's card lacks its tally and answers:\n%s", got)
	}
	s.Nodes[2].Status.Role = raft.PreCandidate
	got = screen(newTestModel(t, newFakeCluster(s), 80, 24))
	if !strings.Contains(got, "pre-votes 2/3") || !strings.Contains(got, "n1✓n2✗n4·n5·") {
		t.Errorf("pre-candidate n3's compact card lacks its tally and answers:\n%s", got)
	}
}

func TestTalkModeKeepsArrowWithoutHook(t *testing.T) {
	m := press(t, newTestModel(t, newFakeCluster(demoSnapshot()), 120, 35), "1", "z", "right")
	if m.selected != 2 {
		t.Errorf("in talk mode without a scenario, → selected n%d, want n2", m.selected)
	}
	if strings.Contains(screen(m), "nothing to advance") {
		t.Errorf("→ was taken as advance:\n%s", screen(m))
	}
}
