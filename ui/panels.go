package ui

import "slices"

// panelID names a panel below the nodes.
type panelID int

const (
	panelLinks panelID = iota
	panelFeed
	panelInspector
	panelMetrics
	panelTimeline
	panelCount
)

// screenOrder is the left-to-right order of the side-by-side panels, which
// stays the same whichever of them are shown, so that no panel jumps about.
var screenOrder = []panelID{panelLinks, panelFeed, panelInspector, panelMetrics}

// Sizes of the panels, in terminal cells.
const (
	feedMinWidth      = 40
	inspectorMinWidth = 40
	metricsMinWidth   = 38
	feedMinHeight     = 4 // a title and three lines of events
	linksMinHeight    = 3 // a title and two unhealthy links
	metricsMinHeight  = 9 // a title, the stopwatch, the histogram and the counters
	timelineHeight    = 5 // a title, the term, leader and fault rows, and the time axis
)

// panelSet is the panels a person wants to see, the one asked for last first.
// The layout shows as many of them as fit, in that order, so that a panel just
// asked for always shows, even on a small screen.
type panelSet struct {
	order  []panelID
	hidden [panelCount]bool
}

// defaultPanels lists the link view and the event feed first, then metrics,
// which all fit under five cards at 120x35, and then the inspector.
func defaultPanels() panelSet {
	return panelSet{order: []panelID{panelFeed, panelLinks, panelMetrics, panelInspector,
		panelTimeline}}
}

// wanted returns the panels not hidden, the one asked for last first.
func (s panelSet) wanted() []panelID {
	var out []panelID
	for _, id := range s.order {
		if !s.hidden[id] {
			out = append(out, id)
		}
	}
	return out
}

// toggle hides panel id when it is on screen, and otherwise requests it
// first, so that it shows at the cost of the panel requested longest ago.
func (s panelSet) toggle(id panelID, onScreen bool) panelSet {
	order := slices.DeleteFunc(slices.Clone(s.order), func(p panelID) bool { return p == id })
	if onScreen {
		s.hidden[id] = true
		s.order = append(order, id)
		return s
	}
	s.hidden[id] = false
	s.order = append([]panelID{id}, order...)
	return s
}

// placement is where one side-by-side panel goes: its column and width. All
// of them start at the bottom area's top and share its height above the
// timeline.
type placement struct {
	id           panelID
	x, width     int
	minWidth     int
	minHeight    int
	takesTheRest bool // it grows to use the width the others leave
	matrix       bool // the link view draws its matrix rather than a list
}

// panelNeeds returns the sizes panel id can be drawn in whole, the one
// preferred first: the link view as a matrix where the matrix is no wider
// than half the screen, and as a list of unhealthy links otherwise.
func panelNeeds(id panelID, nodes, width int) []placement {
	switch id {
	case panelLinks:
		list := placement{id: id, minWidth: listWidth, minHeight: linksMinHeight}
		if matrixWidth(nodes) > width/2 {
			return []placement{list}
		}
		matrix := placement{id: id, minWidth: max(matrixWidth(nodes), listWidth),
			minHeight: matrixHeight(nodes), matrix: true}
		return []placement{matrix, list}
	case panelFeed:
		return []placement{{id: id, minWidth: feedMinWidth, minHeight: feedMinHeight,
			takesTheRest: true}}
	case panelInspector:
		return []placement{{id: id, minWidth: inspectorMinWidth,
			minHeight: inspectorMinHeight(nodes), takesTheRest: true}}
	}
	return []placement{{id: id, minWidth: metricsMinWidth, minHeight: metricsMinHeight,
		takesTheRest: true}}
}
