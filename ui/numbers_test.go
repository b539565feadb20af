package ui

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/raft"
)

func TestParseNodeNumber(t *testing.T) {
	tests := []struct {
		typed     string
		nodes     int
		wantID    int
		wantState numberState
	}{
		{"3", 5, 3, numberComplete},
		{"9", 9, 9, numberComplete},
		{"6", 5, raft.None, numberInvalid},
		{"1", 25, 1, numberPartial},
		{"2", 25, 2, numberPartial},
		{"3", 25, 3, numberComplete},
		{"12", 25, 12, numberComplete},
		{"25", 25, 25, numberComplete},
		{"26", 25, raft.None, numberInvalid},
		{"1", 10, 1, numberPartial},
		{"2", 10, 2, numberComplete},
		{"0", 25, raft.None, numberInvalid},
		{"", 25, raft.None, numberInvalid},
	}
	for _, tt := range tests {
		id, state := parseNodeNumber(tt.typed, tt.nodes)
		if id != tt.wantID || state != tt.wantState {
			t.Errorf("parseNodeNumber(%q, %d) = %d, %v; want %d, %v",
				tt.typed, tt.nodes, id, state, tt.wantID, tt.wantState)
		}
	}
}

func TestTwoDigitNodeNumbers(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		want []string
	}{
		{"select two digits", []string{"1", "2", "c"}, []string{"Crash(12)"}},
		{"select one digit with enter", []string{"2", "enter", "c"}, []string{"Crash(2)"}},
		{"select one digit at once", []string{"3", "c"}, []string{"Crash(3)"}},
		{"select erased", []string{"1", "backspace", "c"}, []string{"Crash(1)"}},
		{"select cancelled", []string{"2", "esc", "c"}, []string{"Crash(1)"}},
		{"select missing node", []string{"2", "7", "c"}, []string{"Crash(1)"}},
		{"select last", []string{"2", "5", "c"}, []string{"Crash(25)"}},
		{"cut to two digits", []string{"x", "2", "5"}, []string{"CutBetween(1,25)"}},
		{"cut to one digit", []string{"x", "2", "enter"}, []string{"CutBetween(1,2)"}},
		{"delay to two digits", []string{"d", "1", "7"}, []string{"SetDelay(1,17,10ms)"}},
		{"split vote to two digits", []string{"5", "s", "2", "2"}, []string{"SplitVote(5,22)"}},
		{"target erased", []string{"x", "1", "backspace", "4"}, []string{"CutBetween(1,4)"}},
		{"next and previous wrap", []string{"left", "c", "right", "right", "c"},
			[]string{"Crash(25)", "Crash(2)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeCluster(bigSnapshot(25))
			press(t, newTestModel(t, f, 80, 24), tt.keys...)
			if got := f.Calls(); !slices.Equal(got, tt.want) {
				t.Errorf("calls = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMissingTargetKeepsWaiting(t *testing.T) {
	f := newFakeCluster(bigSnapshot(25))
	m := press(t, newTestModel(t, f, 80, 24), "o", "2", "9")
	if !strings.Contains(screen(m), "no node n29: nodes are n1 to n25") {
		t.Errorf("status line does not reject n29:\n%s", screen(m))
	}
	if m.mode != modeNumber {
		t.Errorf("mode = %v after a missing node, want modeNumber", m.mode)
	}
	press(t, m, "4")
	if got := f.Calls(); !slices.Equal(got, []string{"Cut(1,4)"}) {
		t.Errorf("calls = %v, want [Cut(1,4)]", got)
	}
}

func TestTwoDigitPrompt(t *testing.T) {
	m := press(t, newTestModel(t, newFakeCluster(bigSnapshot(25)), 80, 24), "x")
	want := "cut or heal n1↔?: type the other node (1-25)"
	if !strings.Contains(screen(m), want) {
		t.Errorf("screen lacks %q:\n%s", want, screen(m))
	}
	m = press(t, m, "1")
	want = "cut or heal n1↔n1_: type a second digit, or enter for n1"
	if !strings.Contains(screen(m), want) {
		t.Errorf("screen lacks %q:\n%s", want, screen(m))
	}
	m = press(t, m, "enter")
	if !strings.Contains(screen(m), "n1 has no link to itself") {
		t.Errorf("enter on the selected node does not explain:\n%s", screen(m))
	}
}

func TestPartialNumberEndsAtNextKey(t *testing.T) {
	f := newFakeCluster(bigSnapshot(12))
	m := newTestModel(t, f, 120, 35)
	m = press(t, m, "1")
	next, cmd := m.Update(keyPress("c"))
	m = next.(Model)
	runAll(cmd)
	if !slices.Contains(f.Calls(), "Crash(1)") {
		t.Errorf("calls %v, want the c that ended the number to crash n1", f.Calls())
	}
	if m.selected != 1 {
		t.Errorf("selected n%d, want n1 once a non-digit ends the number", m.selected)
	}
	if m.mode != modeIdle {
		t.Errorf("mode %v after the number ended, want idle", m.mode)
	}
}

// runAll runs cmd and, for a batch, every command in it, dropping the messages.
func runAll(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if batch, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range batch {
			runAll(c)
		}
	}
}
