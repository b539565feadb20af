package ui

import (
	"fmt"

	"charm.land/lipgloss/v2"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// nodeLineFixed is the width of a node line before its timer: the selection
// marker, then name, role, term, vote and leader, each padded as in
// nodeLineHead.
const nodeLineFixed = 30

// nodeLineHead titles the columns of the node lines.
var nodeLineHead = fmt.Sprintf(" %-4s%-10s%-5s%-5s%-5s%s",
	"id", "role", "term", "vote", "lead", "timer")

// nodeLinesPanel draws one line per node, for clusters too large for cards.
// Nodes count down each column in turn. Its sizes are set by setSize in Update.
type nodeLinesPanel struct {
	columns     int
	columnRows  int
	columnWidth int
	timerWidth  int
	st          *styles
	talk        bool
}

func (p *nodeLinesPanel) setSize(l layout, st *styles, talk bool) {
	p.st, p.talk = st, talk
	p.columns, p.columnRows, p.columnWidth = l.columns, l.columnRows, l.columnWidth
	p.timerWidth = max(l.columnWidth-nodeLineFixed-1, 1) // one space before the next column
}

func (p nodeLinesPanel) view(s cluster.Snapshot, selected int) string {
	columns := make([]string, 0, p.columns)
	for start := 0; start < len(s.Nodes); start += p.columnRows {
		end := min(start+p.columnRows, len(s.Nodes))
		lines := []string{p.st.dim.Render(nodeLineHead)}
		for _, n := range s.Nodes[start:end] {
			lines = append(lines, p.line(n, n.ID == selected, s.Stale(n.ID)))
		}
		columns = append(columns, fitBlock(lines, p.columnWidth, rowsHeadHeight+p.columnRows))
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, columns...)
}

// line draws a node as the columns of nodeLineHead. The selected node is
// marked with ">" as well as a color. stale marks a leader without a majority.
func (p nodeLinesPanel) line(n cluster.NodeSnapshot, selected, stale bool) string {
	marker, name := " ", fmt.Sprintf("%-4s", raft.NodeName(n.ID))
	if p.talk {
		marker = roleGlyph(n)
	}
	if selected {
		marker, name = p.st.selected.Render(">"), p.st.selected.Render(name)
	}
	if !n.Up {
		return marker + name + p.downFields(n)
	}
	status := n.Status
	role := p.st.role(status.Role).Render(fmt.Sprintf("%-10s", shortRoleName(status.Role)))
	fields := fmt.Sprintf("%-5d%-5s%-5s",
		status.Term, raft.NodeName(status.VotedFor), raft.NodeName(status.Leader))
	return marker + name + role + fields + p.timer(n, stale)
}

// downFields shows the term and vote in the state file, as a down card does.
func (p nodeLinesPanel) downFields(n cluster.NodeSnapshot) string {
	role := p.st.down.Render(fmt.Sprintf("%-10s", "DOWN"))
	fields := p.st.dim.Render(fmt.Sprintf("%-5d%-5s%-5s",
		n.Persisted.Term, raft.NodeName(n.Persisted.VotedFor), raft.NodeName(raft.None)))
	if n.Err != "" {
		return role + fields + p.st.warning.Render("failed")
	}
	return role + fields + "crashed"
}

func (p nodeLinesPanel) timer(n cluster.NodeSnapshot, stale bool) string {
	switch {
	case n.Frozen:
		return p.st.frozen.Render("FROZEN")
	case n.Status.Role == raft.Leader && stale:
		return p.st.warning.Render(firstFit(p.timerWidth, "stale: no majority", "stale"))
	case n.Status.Role == raft.Leader:
		return firstFit(p.timerWidth, "sending heartbeats", "leading")
	}
	return timerBar(p.st, n.Status, p.timerWidth)
}
