package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// keyCase is a sequence of keys pressed on a snapshot and the calls it must make.
type keyCase struct {
	name  string
	setup func(s *cluster.Snapshot) // changes the demo snapshot first, when set
	keys  []string
	want  []string // nil when the keys must call nothing
}

func runKeyCases(t *testing.T, cases []keyCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			s := demoSnapshot()
			if tt.setup != nil {
				tt.setup(&s)
			}
			f := newFakeCluster(s)
			press(t, newTestModel(t, f, 80, 24), tt.keys...)
			if got := f.Calls(); !slices.Equal(got, tt.want) {
				t.Errorf("calls = %v, want %v", got, tt.want)
			}
		})
	}
}

func paused(s *cluster.Snapshot) { s.Paused = true }

func slowdown(factor float64) func(s *cluster.Snapshot) {
	return func(s *cluster.Snapshot) { s.Slowdown = factor }
}

func TestTimeKeys(t *testing.T) {
	runKeyCases(t, []keyCase{
		{"space pauses", nil, []string{"space"}, []string{"SetPaused(true)"}},
		{"space resumes", paused, []string{"space"}, []string{"SetPaused(false)"}},
		{"space twice", nil, []string{"space", "space"},
			[]string{"SetPaused(true)", "SetPaused(false)"}},
		{"plus is faster", nil, []string{"+"}, []string{"SetSlowdown(10)"}},
		{"equals is faster", nil, []string{"="}, []string{"SetSlowdown(10)"}},
		{"minus is slower", nil, []string{"-"}, []string{"SetSlowdown(50)"}},
		{"steps in a row", nil, []string{"-", "-", "-"},
			[]string{"SetSlowdown(50)", "SetSlowdown(100)", "SetSlowdown(200)"}},
		{"off-step factor faster", slowdown(3), []string{"+"}, []string{"SetSlowdown(2)"}},
		{"off-step factor slower", slowdown(3), []string{"-"}, []string{"SetSlowdown(5)"}},
		{"no faster than real time", slowdown(1), []string{"+"}, nil},
		{"no slower than the maximum", slowdown(cluster.MaxSlowdown), []string{"-"}, nil},
		{"spread timers", nil, []string{"t"}, []string{"SpreadTimers()"}},
	})
}

func TestSlowdownStepsWithinClusterLimits(t *testing.T) {
	for _, step := range slowdownSteps {
		if step < cluster.MinSlowdown || step > cluster.MaxSlowdown {
			t.Errorf("step %g is outside %d..%d", step, cluster.MinSlowdown, cluster.MaxSlowdown)
		}
	}
}

func frozen(id int) func(s *cluster.Snapshot) {
	return func(s *cluster.Snapshot) { s.Nodes[id-1].Frozen = true }
}

func TestNodeKeys(t *testing.T) {
	runKeyCases(t, []keyCase{
		{"freeze leader", nil, []string{"f"}, []string{"SetFrozen(1,true)"}},
		{"thaw", frozen(1), []string{"f"}, []string{"SetFrozen(1,false)"}},
		{"freeze toggles", nil, []string{"2", "f", "f"},
			[]string{"SetFrozen(2,true)", "SetFrozen(2,false)"}},
		{"freeze down node", nil, []string{"4", "f"}, nil},
		{"crash frozen node", frozen(2), []string{"2", "c"}, []string{"Crash(2)"}},
		{"campaign follower", nil, []string{"2", "n"}, []string{"Campaign(2)"}},
		{"campaign candidate", nil, []string{"3", "n"}, []string{"Campaign(3)"}},
		{"campaign leader", nil, []string{"n"}, nil},
		{"campaign down node", nil, []string{"4", "n"}, nil},
		{"campaign frozen node", frozen(2), []string{"2", "n"}, nil},
		{"split vote", nil, []string{"2", "s", "5"}, []string{"SplitVote(2,5)"}},
		{"split vote with a leader", nil, []string{"2", "s", "1"}, nil},
		{"split vote on a leader", nil, []string{"s", "2"}, nil},
		{"split vote on a down node", nil, []string{"4", "s", "2"}, nil},
		{"split vote with itself", nil, []string{"2", "s", "2"}, nil},
		{"split vote cancelled", nil, []string{"2", "s", "esc", "5"}, nil},
	})
}

func TestLinkFaultKeys(t *testing.T) {
	delayed := func(d time.Duration) func(s *cluster.Snapshot) {
		return func(s *cluster.Snapshot) { s.Links[0][1].Delay = d }
	}
	runKeyCases(t, []keyCase{
		{"delay", nil, []string{"d", "2"}, []string{"SetDelay(1,2,10ms)"}},
		{"delay steps up", nil, []string{"d", "2", "d", "2", "d", "2"},
			[]string{"SetDelay(1,2,10ms)", "SetDelay(1,2,50ms)", "SetDelay(1,2,100ms)"}},
		{"delay wraps to zero", delayed(200 * time.Millisecond), []string{"d", "2"},
			[]string{"SetDelay(1,2,0s)"}},
		{"delay between steps", delayed(30 * time.Millisecond), []string{"d", "2"},
			[]string{"SetDelay(1,2,50ms)"}},
		{"delay from another node", nil, []string{"3", "d", "5"}, []string{"SetDelay(3,5,10ms)"}},
		{"delay to itself", nil, []string{"d", "1"}, nil},
		{"loss", nil, []string{"L", "2"}, []string{"SetLoss(1,2,0.1)"}},
		{"loss steps up", nil, []string{"L", "3", "L", "3"},
			[]string{"SetLoss(1,3,0.1)", "SetLoss(1,3,0.3)"}},
		{"loss cancelled", nil, []string{"L", "esc", "2"}, nil},
		{"heal all", nil, []string{"H"}, []string{"HealAll()"}},
		{"one-way cut of a delayed link", delayed(50 * time.Millisecond), []string{"o", "2"},
			[]string{"Cut(1,2)"}},
	})
}

func TestDelayShownOnStatusAndMatrix(t *testing.T) {
	m := press(t, newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24), "d", "2", "L", "5")
	got := screen(m)
	for _, want := range []string{"n1→n5 now losing 10% of messages", "n1→n2 delayed 10ms",
		"n1→n5 losing 10%", "~ delayed  % lossy  ! both"} {
		if !strings.Contains(got, want) {
			t.Errorf("screen lacks %q:\n%s", want, got)
		}
	}
	row := strings.Split(got, "\n")[m.layout.bottomTop+matrixFirstRow]
	if !strings.HasPrefix(row, "n1    ·  ~  ✗  ✓  %") {
		t.Errorf("row of n1 = %q, want marks · ~ ✗ ✓ %%", row)
	}
}

func TestRestartMenu(t *testing.T) {
	runKeyCases(t, []keyCase{
		{"enter restarts clean", nil, []string{"4", "r", "enter"},
			[]string{"RestartWith(4,clean)"}},
		{"number picks amnesia", nil, []string{"4", "r", "2"}, []string{"RestartWith(4,amnesia)"}},
		{"arrows pick stale", nil, []string{"4", "r", "down", "down", "enter"},
			[]string{"RestartWith(4,stale)"}},
		{"j and k move", nil, []string{"4", "r", "j", "j", "j", "k", "enter"},
			[]string{"RestartWith(4,stale)"}},
		{"up wraps to torn", nil, []string{"4", "r", "up", "enter"},
			[]string{"RestartWith(4,torn)"}},
		{"number picks torn", nil, []string{"4", "r", "4"}, []string{"RestartWith(4,torn)"}},
		{"esc closes", nil, []string{"4", "r", "esc", "enter"}, nil},
		{"running node has no menu", nil, []string{"r", "enter"}, nil},
		{"other keys wait", nil, []string{"4", "r", "c", "x", "1", "enter"},
			[]string{"RestartWith(4,clean)"}},
	})
}

func TestRestartMenuShowsModes(t *testing.T) {
	m := press(t, newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24), "4", "r")
	if m.mode != modeMenu {
		t.Fatalf("mode = %v after r on a down node, want modeMenu", m.mode)
	}
	got := screen(m)
	wants := []string{"restart n4 how?", "> 1 clean", "2 amnesia  state file deleted first",
		"3 stale", "4 torn"}
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("menu lacks %q:\n%s", want, got)
		}
	}
}

func TestRestartModeOnCard(t *testing.T) {
	f := newFakeCluster(demoSnapshot())
	m := press(t, newTestModel(t, f, 120, 35), "4", "r", "2")
	got := screen(m)
	if !strings.Contains(got, "restarted: amnesia") {
		t.Errorf("card of n4 does not name its restart mode:\n%s", got)
	}
	if !strings.Contains(got, "restarted n4 (amnesia): state file deleted first") {
		t.Errorf("status line does not report the restart:\n%s", got)
	}
	if strings.Count(got, "restarted:") != 1 {
		t.Errorf("a node restarted clean names its mode too:\n%s", got)
	}
}

func TestTornRestartFailureOnCard(t *testing.T) {
	s := demoSnapshot()
	s.Nodes[3].RestartMode = cluster.RestartTorn
	s.Nodes[3].Err = "node 4: state file /tmp/raftplay/n4.state: truncated " +
		"(21 bytes and no complete checksum line); restore the file, or delete it"
	for _, size := range [][2]int{{80, 24}, {120, 35}} {
		got := screen(newTestModel(t, newFakeCluster(s), size[0], size[1]))
		for _, want := range []string{"torn", "n4.state:", "failed: state"} {
			if !strings.Contains(got, want) {
				t.Errorf("%dx%d: card of n4 lacks %q:\n%s", size[0], size[1], want, got)
			}
		}
	}
}

func TestPresetMenu(t *testing.T) {
	runKeyCases(t, []keyCase{
		{"enter applies the first", nil, []string{"p", "enter"},
			[]string{"ApplyPreset(isolate-leader)"}},
		{"number picks majority", nil, []string{"p", "2"}, []string{"ApplyPreset(majority)"}},
		{"arrows pick bridge", nil, []string{"p", "down", "down", "down", "enter"},
			[]string{"ApplyPreset(bridge)"}},
		{"number picks the ring", nil, []string{"p", "5"},
			[]string{"ApplyPreset(majorities-ring)"}},
		{"esc closes", nil, []string{"p", "esc", "2", "c"}, []string{"Crash(2)"}},
		{"missing item", nil, []string{"p", "6", "esc"}, nil},
	})
}

func TestPresetDescriptionOnStatusLine(t *testing.T) {
	m := press(t, newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24), "p", "2")
	if want := "partition majority: {n1 n2} | {n3 n4 n5}"; !strings.Contains(screen(m), want) {
		t.Errorf("status line lacks %q:\n%s", want, screen(m))
	}
	if m.mode != modeIdle {
		t.Errorf("mode = %v after choosing, want modeIdle", m.mode)
	}
}

func TestPresetMenuShowsEveryPreset(t *testing.T) {
	m := press(t, newTestModel(t, newFakeCluster(demoSnapshot()), 120, 35), "p")
	got := screen(m)
	for i, p := range cluster.Presets {
		if !strings.Contains(got, p.String()) {
			t.Errorf("menu lacks preset %d, %s:\n%s", i+1, p, got)
		}
	}
	if !strings.Contains(got, "1-5, to choose; esc cancels") {
		t.Errorf("status line does not say how to choose:\n%s", got)
	}
}

func TestMenuScrollsWhenShort(t *testing.T) {
	// Nine nodes at 80x24 leave the bottom panels five lines: a title and four items.
	m := newTestModel(t, newFakeCluster(bigSnapshot(9)), 80, 24)
	if room := m.layout.menuRoom(); room >= len(cluster.Presets) {
		t.Fatalf("room for %d menu items, want fewer than %d", room, len(cluster.Presets))
	}
	m = press(t, m, "p", "down", "down", "down", "down")
	got := screen(m)
	if !strings.Contains(got, "> 5 majorities-ring") || strings.Contains(got, "1 isolate-leader") {
		t.Errorf("the menu does not scroll to its last item:\n%s", got)
	}
}

func TestKeyHelpFollowsSelectedNode(t *testing.T) {
	s := demoSnapshot()
	s.Nodes[1].Frozen = true
	m := press(t, newTestModel(t, newFakeCluster(s), 200, 50), "?")
	got := screen(m)
	for _, want := range []string{"freeze n1", "faster: time ×1/10", "slower: time ×1/50"} {
		if !strings.Contains(got, want) {
			t.Errorf("full help lacks %q:\n%s", want, got)
		}
	}
	for _, unwanted := range []string{"split vote n1", "campaign n1", "restart n1"} {
		if strings.Contains(got, unwanted) {
			t.Errorf("full help for leader n1 offers %q:\n%s", unwanted, got)
		}
	}
	got = screen(press(t, m, "?", "2", "?"))
	for _, want := range []string{"thaw n2", "delay n2→…", "loss n2→…"} {
		if !strings.Contains(got, want) {
			t.Errorf("full help for frozen n2 lacks %q:\n%s", want, got)
		}
	}
}

func TestFullHelpFitsWidth(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 35}} {
		m := press(t, newTestModel(t, newFakeCluster(demoSnapshot()), size[0], size[1]), "2", "?")
		if !m.layout.fullHelp {
			t.Errorf("%dx%d: the full help does not fit", size[0], size[1])
			continue
		}
		got := screen(m)
		wants := []string{"heal all links", "partitions…", "pause", "quit", "campaign"}
		for _, want := range wants {
			if !strings.Contains(got, want) {
				t.Errorf("%dx%d: full help lacks %q:\n%s", size[0], size[1], want, got)
			}
		}
		if strings.Contains(got, "…\n") || strings.HasSuffix(got, " …") {
			t.Errorf("%dx%d: full help was cut:\n%s", size[0], size[1], got)
		}
	}
}

func TestPackHelpColumnsKeepsGroups(t *testing.T) {
	k := newKeyMap()
	k.update(keyContext{width: 80, nodes: 5, selected: 1, slowdown: 20, anyUp: true,
		node: cluster.NodeSnapshot{ID: 1, Up: true, Status: raft.Status{Role: raft.Follower}}})
	columns := k.FullHelp()
	if w := helpWidth(columns); w > 80 {
		t.Errorf("full help is %d wide, more than 80", w)
	}
	var flat []string
	for _, column := range columns {
		for _, b := range column {
			flat = append(flat, b.Help().Key)
		}
	}
	var want []string
	for _, g := range enabledGroups(k.helpGroups()) {
		for _, b := range g {
			want = append(want, b.Help().Key)
		}
	}
	if !slices.Equal(flat, want) {
		t.Errorf("packed keys %v, want %v in group order", flat, want)
	}
}
