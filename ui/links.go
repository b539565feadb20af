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
	isolatedMark     = "  isolated"
	listWidth        = 22 // the cut-link list, used when the matrix does not fit

	markDelivered = "✓"
	markCut       = "✗"
	markSelf      = "·"
)

func matrixWidth(nodes int) int {
	return matrixLabelWidth + nodes*matrixCellWidth + len(isolatedMark)
}

// matrixHeight counts the title, the column header, one row per node and the legend.
func matrixHeight(nodes int) int { return nodes + 3 }

// linksView shows the link matrix when the layout has room for it, and the list
// of cut links otherwise.
func linksView(s cluster.Snapshot, selected int, l layout) string {
	var lines []string
	if l.linksMatrix {
		lines = matrixLines(s, selected)
	} else {
		lines = cutListLines(s, l.bottomHeight)
	}
	return fitBlock(lines, l.linksWidth, l.bottomHeight)
}

func matrixLines(s cluster.Snapshot, selected int) []string {
	lines := []string{styleBold.Render("links") + styleDim.Render(" (row → column)")}
	header := strings.Repeat(" ", matrixLabelWidth)
	for _, n := range s.Nodes {
		header += nodeLabel(n.ID, selected, matrixCellWidth)
	}
	lines = append(lines, header)
	for _, from := range s.Nodes {
		lines = append(lines, matrixRow(s, from.ID, selected))
	}
	legend := styleDelivered.Render(markDelivered) + " delivered  " + styleCut.Render(markCut) + " cut"
	return append(lines, legend)
}

func matrixRow(s cluster.Snapshot, from, selected int) string {
	var b strings.Builder
	b.WriteString(nodeLabel(from, selected, -matrixLabelWidth))
	for _, to := range s.Nodes {
		b.WriteString(strings.Repeat(" ", matrixCellWidth-1))
		b.WriteString(linkMark(s, from, to.ID))
	}
	if isIsolated(s, from) {
		b.WriteString(styleCut.Render(isolatedMark))
	}
	return b.String()
}

// nodeLabel pads "n3" to width (left-aligned when width is negative), in the
// selection color for the selected node.
func nodeLabel(id, selected, width int) string {
	label := fmt.Sprintf("%*s", width, raft.NodeName(id))
	if id == selected {
		return styleSelected.Render(label)
	}
	return label
}

func linkMark(s cluster.Snapshot, from, to int) string {
	switch {
	case from == to:
		return styleSelf.Render(markSelf)
	case delivers(s, from, to):
		return styleDelivered.Render(markDelivered)
	}
	return styleCut.Render(markCut)
}

// cutListLines lists isolated nodes, then the other cut links, "n1↔n3" for both
// directions and "n1→n3" for one. Items beyond height collapse into a count.
func cutListLines(s cluster.Snapshot, height int) []string {
	items := cutItems(s)
	lines := []string{styleBold.Render("cut links")}
	if len(items) == 0 {
		return append(lines, styleDim.Render("none: all delivered"))
	}
	room := height - 1
	if len(items) > room {
		shown := max(room-1, 0)
		more := styleDim.Render(fmt.Sprintf("+%d more", len(items)-shown))
		items = append(items[:shown:shown], more)
	}
	return append(lines, items...)
}

func cutItems(s cluster.Snapshot) []string {
	var isolated, cuts []string
	for i, a := range s.Nodes {
		if isIsolated(s, a.ID) {
			isolated = append(isolated, styleCut.Render(raft.NodeName(a.ID)+" isolated"))
			continue
		}
		for _, b := range s.Nodes[i+1:] {
			if !isIsolated(s, b.ID) {
				cuts = append(cuts, pairCuts(s, a.ID, b.ID)...)
			}
		}
	}
	return append(isolated, cuts...)
}

// pairCuts describes the cut links between a and b, if any.
func pairCuts(s cluster.Snapshot, a, b int) []string {
	ab, ba := delivers(s, a, b), delivers(s, b, a)
	switch {
	case !ab && !ba:
		return []string{linkName(a, b, true)}
	case !ab:
		return []string{linkName(a, b, false)}
	case !ba:
		return []string{linkName(b, a, false)}
	}
	return nil
}

// linkName returns "n1↔n3" for a link both ways and "n1→n3" for one direction.
func linkName(from, to int, bothWays bool) string {
	arrow := "→"
	if bothWays {
		arrow = "↔"
	}
	return raft.NodeName(from) + arrow + raft.NodeName(to)
}

// delivers reports whether messages from→to get through. A link outside the
// matrix counts as delivered, so a snapshot without links draws no cuts.
func delivers(s cluster.Snapshot, from, to int) bool {
	if from < 1 || to < 1 || from > len(s.Links) || to > len(s.Links[from-1]) {
		return true
	}
	return s.Delivers(from, to)
}

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
