package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

const (
	maxTimelineMarks = 5000
	timelineLabel    = 6 // "term  ", before each row
	axisLabelEvery   = 12
)

// timelineScales are the cluster time one column may stand for. The timeline
// takes the shortest that fits the whole run, so it fills from the left and
// then compresses as the run grows.
var timelineScales = []time.Duration{
	10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 30 * time.Minute, time.Hour,
}

type markKind int

const (
	markTerm        markKind = iota // a new highest term began
	markWon                         // a node won term's election
	markCrash                       // a node crashed
	markRestart                     // a node restarted
	markStartFailed                 // a node failed to start, so it stayed down
	markLinksCut                    // links were cut, or a partition applied
	markLinksHealed                 // links were healed
	markFreeze                      // a node was frozen
)

// The glyphs of the timeline's rows.
const (
	glyphLed        = '━' // a term with a leader
	glyphLeaderless = '┄' // a term with no leader yet
	glyphWon        = '★'
	glyphNoWinner   = '÷' // a term that ended with no winner
)

var faultGlyphs = map[markKind]rune{
	markCrash: '↓', markRestart: '↑', markStartFailed: '⊘', markLinksCut: '✂', markLinksHealed: '∥',
	markFreeze: '❄',
}

type timelineMark struct {
	at   time.Time
	kind markKind
	term uint64
	node int
}

// timeline keeps the moments a whole demo can be read back from: each new
// term, each election won, and each crash, restart, failed start, cut, heal
// and freeze.
type timeline struct {
	marks   []timelineMark
	maxTerm uint64
}

func (t *timeline) observe(e cluster.Event) {
	switch e.Kind {
	case cluster.EventRaft:
		t.observeRaft(e.Raft)
	case cluster.EventCrashed:
		t.add(timelineMark{at: e.Time, kind: markCrash, node: e.Node})
	case cluster.EventStartFailed:
		t.add(timelineMark{at: e.Time, kind: markStartFailed, node: e.Node})
	case cluster.EventRestarted:
		t.add(timelineMark{at: e.Time, kind: markRestart, node: e.Node})
	case cluster.EventLinkCut, cluster.EventPartitioned:
		t.addOnce(timelineMark{at: e.Time, kind: markLinksCut})
	case cluster.EventLinkHealed:
		t.addOnce(timelineMark{at: e.Time, kind: markLinksHealed})
	case cluster.EventFrozen:
		t.add(timelineMark{at: e.Time, kind: markFreeze, node: e.Node})
	}
}

func (t *timeline) observeRaft(e raft.Event) {
	switch {
	case e.Kind == raft.EventTermChanged, e.Kind == raft.EventElectionStarted && !e.PreVote:
		if e.Term > t.maxTerm {
			t.maxTerm = e.Term
			t.add(timelineMark{at: e.Time, kind: markTerm, term: e.Term})
		}
	case e.Kind == raft.EventElectionWon && !e.PreVote:
		t.add(timelineMark{at: e.Time, kind: markWon, term: e.Term, node: e.Node})
	}
}

// addOnce adds m unless the last mark is of the same kind and within
// linkMergeWindow, as the link events of one operation are.
func (t *timeline) addOnce(m timelineMark) {
	if n := len(t.marks); n > 0 {
		last := t.marks[n-1]
		if last.kind == m.kind && m.at.Sub(last.at) <= linkMergeWindow {
			return
		}
	}
	t.add(m)
}

func (t *timeline) add(m timelineMark) {
	t.marks = append(t.marks, m)
	if len(t.marks) > maxTimelineMarks {
		t.marks = t.marks[len(t.marks)-maxTimelineMarks:]
	}
}

// timelineGrid maps cluster time to the columns of the strip.
type timelineGrid struct {
	origin  time.Time
	scale   time.Duration
	columns int
}

func newGrid(origin, now time.Time, columns int) timelineGrid {
	span := now.Sub(origin)
	scale := timelineScales[len(timelineScales)-1]
	for _, s := range timelineScales {
		if span/s < time.Duration(columns) {
			scale = s
			break
		}
	}
	return timelineGrid{origin: origin, scale: scale, columns: columns}
}

func (g timelineGrid) column(at time.Time) int {
	return min(max(int(at.Sub(g.origin)/g.scale), 0), g.columns-1)
}

// view draws the strip in timelineHeight lines of width, from origin to now.
func (t timeline) view(st *styles, origin, now time.Time, width int) string {
	g := newGrid(origin, now, max(width-timelineLabel, 1))
	terms, lead := t.termRows(g, now)
	lines := []string{
		t.title(st, g, width),
		st.label.Render("term  ") + st.eventLeader.Render(string(terms)),
		st.label.Render("lead  ") + st.eventElection.Render(string(lead)),
		st.label.Render("fault ") + st.eventFault.Render(string(t.faultRow(g))),
		strings.Repeat(" ", timelineLabel) + st.dim.Render(g.axis()),
	}
	return fitBlock(lines, width, timelineHeight)
}

func (t timeline) title(st *styles, g timelineGrid, width int) string {
	head := st.panelTitle.Render("timeline") + st.dim.Render(" (y hides)") +
		fmt.Sprintf(" · 1 column = %s", g.scale)
	legend := st.dim.Render(" · ★ won ÷ no winner ↓ crash ↑ restart ⊘ start failed ✂ cut ∥ heal ❄ freeze")
	return firstFit(width, head+legend, head)
}

// termRows draws each term as a segment from the column it began in: its
// number, then ┄ until a leader won it and ━ after. Under it, ★ marks each
// win and ÷ a term that ended with no winner. A ★ then takes the place of a ÷
// in the same column.
func (t timeline) termRows(g timelineGrid, now time.Time) (terms, lead []rune) {
	terms, lead = blankRow(g.columns), blankRow(g.columns)
	starts := t.marksOf(markTerm)
	var wins []timelineMark
	for i, m := range starts {
		from, to := g.column(m.at), g.column(now)+1
		if i+1 < len(starts) {
			to = g.column(starts[i+1].at)
		}
		won, win := t.winOf(m.term)
		for c := from; c < max(to, from+1) && c < g.columns; c++ {
			terms[c] = glyphLeaderless
			if won && c >= g.column(win.at) {
				terms[c] = glyphLed
			}
		}
		switch {
		case won:
			wins = append(wins, win)
		case i+1 < len(starts):
			lead[from] = glyphNoWinner
		}
	}
	for _, win := range wins {
		lead[g.column(win.at)] = glyphWon
	}
	labelWins(lead, g, wins)
	// Numbers go on last, so no later segment covers one, and each starts
	// only after the one before it ends.
	numbersEnd := 0
	for _, m := range starts {
		if from := g.column(m.at); from >= numbersEnd {
			numbersEnd = writeAt(terms, from, fmt.Sprint(m.term))
		}
	}
	return terms, lead
}

// labelWins writes the winner's name after each ★ of lead where the name fits
// in blank columns, so that a label never covers a mark or another label. A
// label that does not fit is left out, because a cut name such as "n1" for
// "n12" would name the wrong node. Where several wins share a column, the
// label names the newest winner.
func labelWins(lead []rune, g timelineGrid, wins []timelineMark) {
	labeled := map[int]bool{}
	for i := len(wins) - 1; i >= 0; i-- {
		at := g.column(wins[i].at)
		if labeled[at] {
			continue
		}
		labeled[at] = true
		name := []rune(raft.NodeName(wins[i].node))
		if end := at + 1 + len(name); end <= len(lead) && isBlank(lead[at+1:end]) {
			copy(lead[at+1:], name)
		}
	}
}

func isBlank(row []rune) bool {
	for _, r := range row {
		if r != ' ' {
			return false
		}
	}
	return true
}

func (t timeline) faultRow(g timelineGrid) []rune {
	row := blankRow(g.columns)
	for _, m := range t.marks {
		if glyph, ok := faultGlyphs[m.kind]; ok {
			row[g.column(m.at)] = glyph
		}
	}
	return row
}

func (t timeline) marksOf(kind markKind) []timelineMark {
	var out []timelineMark
	for _, m := range t.marks {
		if m.kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// winOf returns the first win of term.
func (t timeline) winOf(term uint64) (bool, timelineMark) {
	for _, m := range t.marks {
		if m.kind == markWon && m.term == term {
			return true, m
		}
	}
	return false, timelineMark{}
}

// axis labels the time since the origin every axisLabelEvery columns.
func (g timelineGrid) axis() string {
	row := blankRow(g.columns)
	for c := 0; c < g.columns; c += axisLabelEvery {
		label := "╵" + (time.Duration(c) * g.scale).String()
		if c+len([]rune(label)) <= g.columns {
			writeAt(row, c, label)
		}
	}
	return string(row)
}

func blankRow(n int) []rune { return []rune(strings.Repeat(" ", n)) }

// writeAt writes text into row from column at, as far as it fits, and returns
// the column after it.
func writeAt(row []rune, at int, text string) int {
	c := at
	for _, r := range text {
		if c >= len(row) {
			break
		}
		row[c] = r
		c++
	}
	return c
}
