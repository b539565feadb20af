package ui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/raftplay/raftplay/cluster"
)

// newTestModel returns a model of f laid out on a width×height terminal.
func newTestModel(t *testing.T, f *fakeCluster, width, height int) Model {
	t.Helper()
	return update(t, New(f, nil), tea.WindowSizeMsg{Width: width, Height: height})
}

func update(t *testing.T, m Model, msg tea.Msg) Model {
	t.Helper()
	next, _ := m.Update(msg)
	model, ok := next.(Model)
	if !ok {
		t.Fatalf("Update returned %T, want Model", next)
	}
	return model
}

// press sends each key in turn and, as the Bubble Tea runtime would, runs the
// operation a key starts and feeds its result back.
func press(t *testing.T, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		next, cmd := m.Update(keyPress(k))
		m = next.(Model)
		if cmd == nil {
			continue
		}
		if done, ok := cmd().(opDoneMsg); ok {
			m = update(t, m, done)
		}
	}
	return m
}

// keyPress builds the message a terminal sends for k, named as in key bindings.
func keyPress(k string) tea.KeyPressMsg {
	switch k {
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	}
	if r := []rune(k)[0]; len(k) == 1 && unicode.IsUpper(r) {
		return tea.KeyPressMsg{Code: unicode.ToLower(r), ShiftedCode: r, Mod: tea.ModShift, Text: k}
	}
	return tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
}

func screen(m Model) string { return ansi.Strip(m.View().Content) }

func TestKeyPressHelperMatchesBindingNames(t *testing.T) {
	keys := []string{"left", "right", "tab", "shift+tab", "esc", "enter", "backspace", "up", "down",
		"space", "ctrl+c", "H", "L", "?", "+", "-", "3", "P", "Q", "T", "I", "G", "pgup", "pgdown",
		"home", "end", "/", ".", "z", "e", "m", "y", "b"}
	for _, k := range keys {
		if got := keyPress(k).String(); got != k {
			t.Errorf("keyPress(%q).String() = %q", k, got)
		}
	}
}

func TestKeysCallCluster(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		want string
	}{
		{"crash selected", []string{"c"}, "Crash(1)"},
		{"select by number", []string{"2", "c"}, "Crash(2)"},
		{"next with tab", []string{"tab", "c"}, "Crash(2)"},
		{"next with right", []string{"right", "c"}, "Crash(2)"},
		{"next with l", []string{"l", "c"}, "Crash(2)"},
		{"previous wraps around", []string{"left", "c"}, "Crash(5)"},
		{"previous with h", []string{"h", "c"}, "Crash(5)"},
		{"previous with shift+tab", []string{"shift+tab", "c"}, "Crash(5)"},
		{"restart down node", []string{"4", "r", "enter"}, "RestartWith(4,clean)"},
		{"isolate", []string{"2", "i"}, "Isolate(2)"},
		{"isolate partly cut node", []string{"3", "i"}, "Isolate(3)"},
		{"cut link both ways", []string{"x", "2"}, "CutBetween(1,2)"},
		{"heal link both ways", []string{"x", "3"}, "HealBetween(1,3)"},
		{"heal from the other end", []string{"3", "x", "1"}, "HealBetween(3,1)"},
		{"cut one way", []string{"o", "2"}, "Cut(1,2)"},
		{"heal one way", []string{"o", "3"}, "Heal(1,3)"},
		{"heal all", []string{"H"}, "HealAll()"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeCluster(demoSnapshot())
			press(t, newTestModel(t, f, 80, 24), tt.keys...)
			if got := f.Calls(); !slices.Equal(got, []string{tt.want}) {
				t.Errorf("calls = %v, want [%s]", got, tt.want)
			}
		})
	}
}

func TestIsolateTogglesToRejoin(t *testing.T) {
	f := newFakeCluster(demoSnapshot())
	m := press(t, newTestModel(t, f, 80, 24), "2", "i", "i")
	want := []string{"Isolate(2)", "Rejoin(2)"}
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
	if !strings.Contains(screen(m), "n2 rejoined") {
		t.Errorf("status line does not report the rejoin:\n%s", screen(m))
	}
}

func TestDisabledKeysDoNothing(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		want []string
	}{
		{"restart running node", []string{"r"}, nil},
		{"crash down node", []string{"4", "c"}, nil},
		{"select missing node", []string{"7", "c"}, []string{"Crash(1)"}}, // n1 stays selected
		{"link to missing node", []string{"x", "7"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeCluster(demoSnapshot())
			press(t, newTestModel(t, f, 80, 24), tt.keys...)
			if got := f.Calls(); !slices.Equal(got, tt.want) {
				t.Errorf("calls = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDisabledKeyReturnsNoCommand(t *testing.T) {
	m := newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24)
	if _, cmd := m.Update(keyPress("r")); cmd != nil {
		t.Errorf("restart on a running node returned a command")
	}
	m = press(t, m, "4")
	if _, cmd := m.Update(keyPress("c")); cmd != nil {
		t.Errorf("crash on a down node returned a command")
	}
}

func TestHelpShowsOnlyEnabledKeys(t *testing.T) {
	m := newTestModel(t, newFakeCluster(demoSnapshot()), 120, 35)
	if got := screen(m); !strings.Contains(got, "crash n1") || strings.Contains(got, "restart n1") {
		t.Errorf("help for running n1 should offer crash, not restart:\n%s", got)
	}
	m = press(t, m, "4")
	if got := screen(m); !strings.Contains(got, "restart n4") || strings.Contains(got, "crash n4") {
		t.Errorf("help for down n4 should offer restart, not crash:\n%s", got)
	}
}

func TestLinkKeyToggles(t *testing.T) {
	f := newFakeCluster(demoSnapshot())
	press(t, newTestModel(t, f, 80, 24), "x", "2", "x", "2", "o", "5", "o", "5")
	want := []string{"CutBetween(1,2)", "HealBetween(1,2)", "Cut(1,5)", "Heal(1,5)"}
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}

func TestLinkHalfCutHealsBothWays(t *testing.T) {
	f := newFakeCluster(demoSnapshot())
	press(t, newTestModel(t, f, 80, 24), "o", "2", "x", "2")
	want := []string{"Cut(1,2)", "HealBetween(1,2)"}
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}

func TestLinkPromptAndCancel(t *testing.T) {
	f := newFakeCluster(demoSnapshot())
	m := press(t, newTestModel(t, f, 80, 24), "x")
	if m.mode != modeNumber || m.action != actCutBoth {
		t.Fatalf("mode %v, action %v after x; want modeNumber, actCutBoth", m.mode, m.action)
	}
	if got := screen(m); !strings.Contains(got, "cut or heal n1↔?: press the other node (1-5)") {
		t.Errorf("status line does not say what to press:\n%s", got)
	}
	m = press(t, m, "c", "esc")
	if m.mode != modeIdle {
		t.Errorf("mode = %v after esc, want modeIdle", m.mode)
	}
	m = press(t, m, "2")
	if m.selected != 2 {
		t.Errorf("after esc, 2 selected n%d, want n2", m.selected)
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Errorf("calls = %v, want none", calls)
	}
}

func TestLinkToSelfKeepsWaiting(t *testing.T) {
	f := newFakeCluster(demoSnapshot())
	m := press(t, newTestModel(t, f, 80, 24), "o", "1")
	if m.mode != modeNumber || m.action != actCutOne {
		t.Errorf("mode %v, action %v after choosing the selected node; want modeNumber, actCutOne",
			m.mode, m.action)
	}
	if !strings.Contains(screen(m), "n1 has no link to itself") {
		t.Errorf("status line does not explain:\n%s", screen(m))
	}
	press(t, m, "4")
	if got := f.Calls(); !slices.Equal(got, []string{"Cut(1,4)"}) {
		t.Errorf("calls = %v, want [Cut(1,4)]", got)
	}
}

func TestOperationErrorOnStatusLine(t *testing.T) {
	f := newFakeCluster(demoSnapshot())
	f.err = errors.New("state file n4.state: corrupt")
	m := press(t, newTestModel(t, f, 120, 35), "4", "r", "enter")
	want := "restart n4 (clean) failed: state file n4.state: corrupt"
	if m.status.kind != statusError {
		t.Errorf("status kind = %v, want statusError", m.status.kind)
	}
	if !strings.Contains(screen(m), want) {
		t.Errorf("screen lacks %q:\n%s", want, screen(m))
	}
}

func TestOperationSuccessOnStatusLine(t *testing.T) {
	m := press(t, newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24), "5", "c")
	if !strings.Contains(screen(m), "crashed n5") {
		t.Errorf("status line does not report the crash:\n%s", screen(m))
	}
	if m.snap.Nodes[4].Up {
		t.Errorf("the snapshot taken after the crash still shows n5 up")
	}
}

func TestQuitKeys(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m := newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24)
		_, cmd := m.Update(keyPress(k))
		if cmd == nil {
			t.Fatalf("%s returned no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%s did not quit", k)
		}
	}
}

func TestResizeRelaysOut(t *testing.T) {
	m := newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24)
	if m.layout.perRow != 5 || m.layout.cardWidth != 16 || m.layout.cardLines != compactCardLines {
		t.Errorf("80x24: perRow %d, cardWidth %d, cardLines %d; want 5, 16, %d",
			m.layout.perRow, m.layout.cardWidth, m.layout.cardLines, compactCardLines)
	}
	m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 35})
	if m.layout.cardWidth != 24 || m.layout.cardLines != tallCardLines {
		t.Errorf("120x35: cardWidth %d, cardLines %d; want 24, %d",
			m.layout.cardWidth, m.layout.cardLines, tallCardLines)
	}
	if got := len(strings.Split(screen(m), "\n")); got != 35 {
		t.Errorf("120x35 screen has %d lines, want 35", got)
	}
	m = update(t, m, tea.WindowSizeMsg{Width: 40, Height: 10})
	if !m.layout.tooSmall {
		t.Errorf("40x10 is not marked too small")
	}
}

func TestScreenFillsTerminal(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 35}, {100, 20}, {200, 50}} {
		m := newTestModel(t, newFakeCluster(demoSnapshot()), size[0], size[1])
		lines := strings.Split(screen(m), "\n")
		if len(lines) != size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for i, line := range lines {
			if w := ansi.StringWidth(line); w > size[0] {
				t.Errorf("%dx%d: line %d is %d wide: %q", size[0], size[1], i+1, w, line)
			}
		}
	}
}

func TestNineNodesWrapIntoRows(t *testing.T) {
	s := demoSnapshot()
	for id := 6; id <= 9; id++ {
		s.Nodes = append(s.Nodes, upNode(id, s.Nodes[1].Status, 100*time.Millisecond))
	}
	s.Links = fullLinks(9)
	m := newTestModel(t, newFakeCluster(s), 80, 24)
	if m.layout.tooSmall {
		t.Fatalf("9 nodes do not fit 80x24")
	}
	if m.layout.rows != 2 || m.layout.perRow != 5 {
		t.Errorf("rows %d of %d, want 2 of 5", m.layout.rows, m.layout.perRow)
	}
	if m.layout.linksMatrix {
		t.Errorf("the 9×9 matrix cannot fit under two rows of cards at 80x24")
	}
	m = press(t, m, "9", "c")
	if m.selected != 9 {
		t.Errorf("9 selected n%d", m.selected)
	}
}

func TestFullHelpToggle(t *testing.T) {
	m := press(t, newTestModel(t, newFakeCluster(demoSnapshot()), 120, 35), "?")
	if !m.help.ShowAll {
		t.Fatalf("? did not open the full help")
	}
	if got := screen(m); !strings.Contains(got, "heal all links") {
		t.Errorf("full help lacks H:\n%s", got)
	}
	if got := len(strings.Split(screen(m), "\n")); got != 35 {
		t.Errorf("screen with full help has %d lines, want 35", got)
	}
	if m = press(t, m, "?"); m.help.ShowAll {
		t.Errorf("second ? did not close the full help")
	}
}

func TestEventsReachList(t *testing.T) {
	events := make(chan cluster.Event, len(demoEvents()))
	for _, e := range demoEvents() {
		events <- e
	}
	close(events)
	m := New(newFakeCluster(demoSnapshot()), events)
	m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 35})

	msg := readEvents(events)()
	batch, ok := msg.(eventsMsg)
	if !ok {
		t.Fatalf("readEvents returned %T", msg)
	}
	if len(batch.events) != len(demoEvents()) || !batch.closed {
		t.Errorf("batch has %d events, closed %v; want %d, true",
			len(batch.events), batch.closed, len(demoEvents()))
	}
	next, cmd := m.Update(batch)
	if cmd != nil {
		t.Errorf("the reader was re-armed on a closed channel")
	}
	got := screen(next.(Model))
	wants := []string{"n1 won the election for term 3", "link n1↔n3 cut", "cluster stopped"}
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("screen lacks %q:\n%s", want, got)
		}
	}
}

func TestEventReaderRearms(t *testing.T) {
	events := make(chan cluster.Event, 1)
	m := New(newFakeCluster(demoSnapshot()), events)
	events <- demoEvents()[0]
	_, cmd := m.Update(readEvents(events)())
	if cmd == nil {
		t.Errorf("the reader was not re-armed after an event")
	}
}

func TestStaleSnapshotIgnored(t *testing.T) {
	m := newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24)
	old := demoSnapshot()
	old.Time = demoTime.Add(-time.Millisecond)
	old.Nodes[0].Up = false
	m = update(t, m, tickMsg{snap: old})
	if !m.snap.Nodes[0].Up {
		t.Errorf("an older snapshot replaced a newer one")
	}
}

func TestOperationResultKeepsPrompt(t *testing.T) {
	f := newFakeCluster(demoSnapshot())
	m := newTestModel(t, f, 80, 24)
	next, crash := m.Update(keyPress("c"))
	m = press(t, next.(Model), "x")
	m = update(t, m, crash())
	if m.status.kind != statusPrompt {
		t.Errorf("status after the crash finished = %q, want the x prompt", m.status.text)
	}
	press(t, m, "2")
	want := []string{"Crash(1)", "CutBetween(1,2)"}
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}

func TestMultilineErrorStaysOnOneLine(t *testing.T) {
	f := newFakeCluster(demoSnapshot())
	f.err = errors.New("listen tcp 127.0.0.1:7004:\naddress already in use")
	m := press(t, newTestModel(t, f, 120, 35), "4", "r", "enter")
	if got := len(strings.Split(screen(m), "\n")); got != 35 {
		t.Errorf("screen has %d lines, want 35", got)
	}
	if !strings.Contains(screen(m), "127.0.0.1:7004: address already in use") {
		t.Errorf("status line lacks the joined error:\n%s", screen(m))
	}
}

func TestWithoutAction(t *testing.T) {
	cases := []struct{ text, action, want string }{
		{"restart n2: node failed to start: bad file", "restart n2 (clean)", "node failed to start: bad file"},
		{"restart n2: node failed to start", "restart n2", "node failed to start"},
		{"crash n3: node is down", "restart n2 (clean)", "crash n3: node is down"},
		{"restart n2 (stale): no earlier write", "restart n2 (stale)", "no earlier write"},
	}
	for _, tt := range cases {
		if got := withoutAction(tt.text, tt.action); got != tt.want {
			t.Errorf("withoutAction(%q, %q) = %q, want %q", tt.text, tt.action, got, tt.want)
		}
	}
}
