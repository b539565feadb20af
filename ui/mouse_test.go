package ui

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// clickAt sends a left click and, as press does for keys, runs the operation it
// starts and feeds the result back.
func clickAt(t *testing.T, m Model, x, y int) Model {
	t.Helper()
	next, cmd := m.Update(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
	m = next.(Model)
	if cmd != nil {
		if done, ok := cmd().(opDoneMsg); ok {
			m = update(t, m, done)
		}
	}
	return m
}

// cardCell returns a cell on the second line of node id's card, from the layout.
func cardCell(l layout, id int) (x, y int) {
	i := id - 1
	return (i%l.perRow)*l.cardWidth + l.cardWidth/2, l.nodesTop + (i/l.perRow)*l.cardHeight + 1
}

// lineCell returns a cell on node id's line, from the layout.
func lineCell(l layout, id int) (x, y int) {
	i := id - 1
	return (i/l.columnRows)*l.columnWidth + 2, l.nodesTop + rowsHeadHeight + i%l.columnRows
}

// matrixCell returns the cell of the mark of the link from→to, from the layout.
func matrixCell(l layout, from, to int) (x, y int) {
	return matrixLabelWidth + (to-1)*matrixCellWidth + matrixCellWidth - 1,
		l.bottomTop + matrixFirstRow + from - 1
}

// screenText returns width cells of the screen from column x of row y.
func screenText(m Model, x, y, width int) string {
	rows := strings.Split(screen(m), "\n")
	if y >= len(rows) {
		return ""
	}
	row := []rune(rows[y])
	return string(row[min(x, len(row)):min(x+width, len(row))])
}

func TestClickCardSelects(t *testing.T) {
	for _, s := range []cluster.Snapshot{demoSnapshot(), faultSnapshot()} {
		for _, size := range [][2]int{{80, 24}, {120, 35}} {
			m := newTestModel(t, newFakeCluster(s), size[0], size[1])
			for id := 1; id <= 5; id++ {
				x, y := cardCell(m.layout, id)
				left := x - m.layout.cardWidth/2
				got := screenText(m, left, y, m.layout.cardWidth)
				if !strings.Contains(got, raft.NodeName(id)+" ") {
					t.Errorf("%dx%d: row %d from column %d shows %q, not card n%d",
						size[0], size[1], y, left, got, id)
				}
				if m = clickAt(t, m, x, y); m.selected != id {
					t.Errorf("%dx%d: click on card n%d selected n%d",
						size[0], size[1], id, m.selected)
				}
			}
		}
	}
}

func TestClickNodeLineSelects(t *testing.T) {
	m := newTestModel(t, newFakeCluster(bigSnapshot(25)), 80, 24)
	if !m.layout.lines {
		t.Fatalf("25 nodes at 80x24 are not drawn as lines")
	}
	for _, id := range []int{1, 13, 14, 25} {
		x, y := lineCell(m.layout, id)
		want := raft.NodeName(id)
		got := screenText(m, x-2, y, m.layout.columnWidth)
		if !strings.HasPrefix(strings.TrimLeft(got, " >"), want+" ") {
			t.Errorf("row %d from column %d shows %q, not the line of %s", y, x-2, got, want)
		}
		if m = clickAt(t, m, x, y); m.selected != id {
			t.Errorf("click on the line of %s selected n%d", want, m.selected)
		}
	}
	belowLast := m.layout.nodesTop + rowsHeadHeight + 12 // column two holds 12 lines
	if m = clickAt(t, m, m.layout.columnWidth+2, belowLast); m.selected != 25 {
		t.Errorf("click below the last line of column two selected n%d", m.selected)
	}
}

func TestClickMatrixCellTogglesLink(t *testing.T) {
	f := newFakeCluster(demoSnapshot())
	m := newTestModel(t, f, 80, 24)
	if !m.layout.linksMatrix {
		t.Fatalf("the matrix does not fit 80x24")
	}
	x, y := matrixCell(m.layout, 1, 2)
	if got := screenText(m, x, y, 1); got != markDelivered {
		t.Errorf("cell n1→n2 at (%d,%d) shows %q, want %q", x, y, got, markDelivered)
	}
	m = clickAt(t, m, x, y)
	if got := screenText(m, x, y, 1); got != markCut {
		t.Errorf("after the click, cell n1→n2 shows %q, want %q", got, markCut)
	}
	m = clickAt(t, m, x, y)
	m = clickAt(t, m, x-1, y+2) // the first cell of n3→n2, left of its mark
	x, y = matrixCell(m.layout, 3, 1)
	m = clickAt(t, m, x, y)
	want := []string{"Cut(1,2)", "Heal(1,2)", "Cut(3,2)", "Heal(3,1)"}
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}

func TestClickOutsideCellsDoesNothing(t *testing.T) {
	f := newFakeCluster(demoSnapshot())
	m := newTestModel(t, f, 80, 24)
	x, y := matrixCell(m.layout, 2, 2)
	m = clickAt(t, m, x, y)                    // the diagonal
	m = clickAt(t, m, 1, y)                    // the row label
	m = clickAt(t, m, x, m.layout.bottomTop+1) // the column labels
	m = clickAt(t, m, matrixWidth(5)+5, y)     // the event list
	m = clickAt(t, m, 5, 0)                    // the header
	m = clickAt(t, m, 5, m.layout.height-1)    // the help line
	next, cmd := m.Update(tea.MouseClickMsg{X: x, Y: y - 1, Button: tea.MouseRight})
	if cmd != nil || next.(Model).selected != 1 {
		t.Errorf("a right click acted")
	}
	if got := f.Calls(); len(got) != 0 {
		t.Errorf("calls = %v, want none", got)
	}
	if m.selected != 1 {
		t.Errorf("selection moved to n%d", m.selected)
	}
}

func TestClickPicksTarget(t *testing.T) {
	f := newFakeCluster(demoSnapshot())
	m := press(t, newTestModel(t, f, 80, 24), "x")
	x, y := cardCell(m.layout, 4)
	m = clickAt(t, m, x, y)
	if got := f.Calls(); !slices.Equal(got, []string{"CutBetween(1,4)"}) {
		t.Errorf("calls = %v, want [CutBetween(1,4)]", got)
	}
	if m.mode != modeIdle || m.selected != 1 {
		t.Errorf("mode %v, selected n%d after the click; want modeIdle, n1", m.mode, m.selected)
	}
}

func TestClickMenuItem(t *testing.T) {
	f := newFakeCluster(demoSnapshot())
	m := press(t, newTestModel(t, f, 80, 24), "p")
	y := m.layout.bottomTop + menuFirstItem + 1
	if got := screenText(m, 0, y, 40); !strings.Contains(got, "2 majority") {
		t.Errorf("row %d shows %q, not the second preset", y, got)
	}
	m = clickAt(t, m, 10, m.layout.bottomTop) // the menu's title
	m = clickAt(t, m, 10, y)
	if got := f.Calls(); !slices.Equal(got, []string{"ApplyPreset(majority)"}) {
		t.Errorf("calls = %v, want [ApplyPreset(majority)]", got)
	}
	if m.mode != modeIdle {
		t.Errorf("mode = %v after the click, want modeIdle", m.mode)
	}
}

func TestViewEnablesMouse(t *testing.T) {
	v := newTestModel(t, newFakeCluster(demoSnapshot()), 80, 24).View()
	if v.MouseMode != tea.MouseModeCellMotion {
		t.Errorf("MouseMode = %v, want MouseModeCellMotion", v.MouseMode)
	}
}
