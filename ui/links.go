package ui

import (
	"fmt"
	"strings"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

const (
	matrixLabelWidth = 4 // the row label, "n1" and padding
	matrixCellWidth  = 3 // a mark or a column label, right-aligned
	matrixFirstRow   = 2 // lines above the first row: the title and the column labels
	matrixLegend     = 2 // lines of legend below the last row
	isolatedMark     = "  isolated"

	// listWidth fits "n1↔n3 delayed 50ms, losing 30%", the longest item of the
	// unhealthy-link list in a cluster of up to 9 nodes.
	listWidth = 32

	markDelivered = "✓"
	markCut       = "✗"
	markDelayed   = "~"
	markLossy     = "%"
	markDegraded  = "!" // delayed and lossy
	markSelf      = "·"
)

func matrixWidth(nodes int) int {
	return matrixLabelWidth + nodes*matrixCellWidth + len(isolatedMark)
}

// matrixHeight counts the title, the column labels, one row per node and the legend.
func matrixHeight(nodes int) int { return matrixFirstRow + nodes + matrixLegend }

// linksView shows the link matrix when the layout has room for it, and the list
// of unhealthy links under it or, when it does not fit, alone.
func linksView(st *styles, s cluster.Snapshot, selected, width, height int, matrix bool) string {
	var lines []string
	if matrix {
		lines = matrixLines(st, s, selected)
		lines = append(lines, collapseItems(st, unhealthyItems(st, s), height-len(lines))...)
	} else {
		lines = listLines(st, s, height)
	}
	return fitBlock(lines, width, height)
}

func matrixLines(st *styles, s cluster.Snapshot, selected int) []string {
	lines := []string{st.bold.Render("links") + st.dim.Render(" (row → column)")}
	header := strings.Repeat(" ", matrixLabelWidth)
	numbersOnly := false
	for _, n := range s.Nodes {
		numbersOnly = numbersOnly || len(raft.NodeName(n.ID)) >= matrixCellWidth
	}
	for _, n := range s.Nodes {
		header += columnLabel(st, n.ID, selected, numbersOnly)
	}
	lines = append(lines, header)
	for _, from := range s.Nodes {
		lines = append(lines, matrixRow(st, s, from.ID, selected))
	}
	return append(lines,
		st.delivered.Render(markDelivered)+" delivered  "+st.cut.Render(markCut)+" cut",
		st.degraded.Render(markDelayed)+" delayed  "+st.degraded.Render(markLossy)+" lossy  "+
			st.degraded.Render(markDegraded)+" both")
}

func matrixRow(st *styles, s cluster.Snapshot, from, selected int) string {
	var b strings.Builder
	b.WriteString(nodeLabel(st, from, selected, -matrixLabelWidth))
	for _, to := range s.Nodes {
		b.WriteString(strings.Repeat(" ", matrixCellWidth-1))
		b.WriteString(linkMark(st, s, from, to.ID))
	}
	if isIsolated(s, from) {
		b.WriteString(st.cut.Render(isolatedMark))
	}
	return b.String()
}

// nodeLabel pads "n3" to width (left-aligned when width is negative), in the
// selection color for the selected node.
func nodeLabel(st *styles, id, selected, width int) string {
	label := fmt.Sprintf("%*s", width, raft.NodeName(id))
	if id == selected {
		return st.selected.Render(label)
	}
	return label
}

// columnLabel right-aligns "n3" in a matrix cell, or only "3" when
// numbersOnly is set. A name of three or more characters, such as "n10",
// would fill the cell and run into its neighbors.
func columnLabel(st *styles, id, selected int, numbersOnly bool) string {
	if !numbersOnly {
		return nodeLabel(st, id, selected, matrixCellWidth)
	}
	label := fmt.Sprintf("%*d", matrixCellWidth, id)
	if id == selected {
		return st.selected.Render(label)
	}
	return label
}

func linkMark(st *styles, s cluster.Snapshot, from, to int) string {
	link := linkState(s, from, to)
	switch {
	case from == to:
		return st.self.Render(markSelf)
	case link.Cut:
		return st.cut.Render(markCut)
	case link.Delay > 0 && link.Loss > 0:
		return st.degraded.Render(markDegraded)
	case link.Delay > 0:
		return st.degraded.Render(markDelayed)
	case link.Loss > 0:
		return st.degraded.Render(markLossy)
	}
	return st.delivered.Render(markDelivered)
}

// listLines lists the unhealthy links under a title, for when the matrix does
// not fit.
func listLines(st *styles, s cluster.Snapshot, height int) []string {
	lines := []string{st.bold.Render("unhealthy links")}
	items := unhealthyItems(st, s)
	if len(items) == 0 {
		return append(lines, st.dim.Render("none: all healthy"))
	}
	return append(lines, collapseItems(st, items, height-1)...)
}

// collapseItems returns at most room items, the last of them a count of the
// ones left out when there are too many.
func collapseItems(st *styles, items []string, room int) []string {
	if room <= 0 {
		return nil
	}
	if len(items) <= room {
		return items
	}
	shown := room - 1
	more := st.dim.Render(fmt.Sprintf("+%d more", len(items)-shown))
	return append(items[:shown:shown], more)
}

// unhealthyItems lists isolated nodes, then every other link that is cut,
// delayed or lossy, with its state: "n1↔n3 cut" where both directions share
// it, "n1→n3 delayed 50ms" where only one direction has it.
func unhealthyItems(st *styles, s cluster.Snapshot) []string {
	var isolated, items []string
	cutOff := make([]bool, len(s.Nodes))
	for i, n := range s.Nodes {
		cutOff[i] = isIsolated(s, n.ID)
	}
	for i, a := range s.Nodes {
		if cutOff[i] {
			isolated = append(isolated, st.cut.Render(raft.NodeName(a.ID)+" isolated"))
			continue
		}
		for j := i + 1; j < len(s.Nodes); j++ {
			if !cutOff[j] {
				items = append(items, pairItems(st, s, a.ID, s.Nodes[j].ID)...)
			}
		}
	}
	return append(isolated, items...)
}

// pairItems describes the unhealthy links between a and b, if any.
func pairItems(st *styles, s cluster.Snapshot, a, b int) []string {
	ab, ba := linkState(s, a, b), linkState(s, b, a)
	if ab == ba {
		if ab.Healthy() {
			return nil
		}
		return []string{linkItem(st, linkName(a, b, true), ab)}
	}
	var items []string
	if !ab.Healthy() {
		items = append(items, linkItem(st, linkName(a, b, false), ab))
	}
	if !ba.Healthy() {
		items = append(items, linkItem(st, linkName(b, a, false), ba))
	}
	return items
}

func linkItem(st *styles, name string, link cluster.Link) string {
	return linkStyle(st, link).Render(name + " " + link.String())
}

func linkStyle(st *styles, link cluster.Link) ink {
	switch {
	case link.Cut:
		return st.cut
	case link.Healthy():
		return st.delivered
	}
	return st.degraded
}

// linkName returns "n1↔n3" for a link both ways and "n1→n3" for one direction.
func linkName(from, to int, bothWays bool) string {
	arrow := "→"
	if bothWays {
		arrow = "↔"
	}
	return raft.NodeName(from) + arrow + raft.NodeName(to)
}

// linkState returns the link from→to. A link outside the matrix counts as
// healthy, so a snapshot without links draws none as cut.
func linkState(s cluster.Snapshot, from, to int) cluster.Link {
	if from < 1 || to < 1 || from > len(s.Links) || to > len(s.Links[from-1]) {
		return cluster.Link{}
	}
	return s.Links[from-1][to-1]
}

// delivers reports whether messages from→to get through, that is, the link is
// not cut. A delayed or lossy link delivers.
func delivers(s cluster.Snapshot, from, to int) bool { return !linkState(s, from, to).Cut }

// isIsolated reports whether every link to and from id is cut. A single-node
// cluster has no links, so its node is never isolated.
func isIsolated(s cluster.Snapshot, id int) bool {
	if len(s.Nodes) < 2 {
		return false
	}
	for _, n := range s.Nodes {
		if n.ID != id && (delivers(s, id, n.ID) || delivers(s, n.ID, id)) {
			return false
		}
	}
	return true
}
