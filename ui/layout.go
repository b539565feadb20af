package ui

import (
	"slices"

	"github.com/raftplay/raftplay/raft"
)

// Sizes in terminal cells. A card's width and height include its border.
const (
	bannerHeight = 1 // the safety banner, shown only after a violation
	headerHeight = 1
	statusHeight = 1
	borderSize   = 2 // one cell on each side

	minWidth      = 48 // three cards side by side
	minCardWidth  = 16 // five cards fill 80 columns
	maxCardWidth  = 30
	tallCardWidth = 22 // narrower cards cannot fit the extra lines of a tall card

	compactCardLines = 6 // lines of text inside a card
	tallCardLines    = 8

	minRowWidth    = 36 // a node line: nodeLineFixed, a short bar and a space
	rowsHeadHeight = 1  // the column titles above the node lines

	minBottomHeight  = 4  // the event feed needs a title and a few events to be useful
	tallBottomHeight = 12 // tall cards only when this much room is left below them
	talkBottomHeight = 6  // in talk mode, tall cards leave at least this much room
	panelGap         = 2  // columns between two side-by-side panels
)

// layout is the division of the screen among the panels. The root model computes
// it in Update whenever the window size, the node count, the banner or the help
// height changes. View draws from it, and mouse clicks are hit-tested against
// it, so both read the same numbers.
type layout struct {
	width, height int
	tooSmall      bool
	needWidth     int // the size that would fit, when tooSmall
	needHeight    int

	bannerHeight int // 1 while the safety banner shows, 0 otherwise
	nodesTop     int // screen row of the first card, or of the node lines' titles
	nodesHeight  int

	// presenterHeight is the height of the presenter panel, which goes right
	// under the nodes. It is 0 outside presenter mode.
	presenterHeight int

	// Cards, unless lines is set.
	perRow, rows int // cards per row, and rows of cards
	cardWidth    int
	cardLines    int // lines of text inside a card
	cardHeight   int

	// Node lines, one per node, when cards do not fit.
	lines       bool
	columns     int // side-by-side columns of node lines
	columnWidth int
	columnRows  int // node lines in a full column

	bottomTop    int // screen row of the panels, or of a menu
	bottomHeight int
	sides        []placement // side-by-side panels, left to right
	sideHeight   int         // the height of each of them
	timeline     bool        // the timeline strip shows under them
	linksMatrix  bool        // a full matrix fits; otherwise only unhealthy links are listed
	helpHeight   int
	fullHelp     bool // the full help is shown in place of the panels
}

// screenRequest is everything the layout depends on.
type screenRequest struct {
	width, height, nodes int
	helpHeight           int
	banner, talk         bool
	presenter            int // the presenter panel's preferred height, or 0
	panels               panelSet
}

// planLayout computes the layout. The presenter panel shrinks to
// minPresenterHeight when its preferred height does not fit. The full help,
// when asked for, takes the place of the panels below the nodes, and shows
// only when it fits there: opening the help must neither hide the cluster nor
// redraw it.
func planLayout(r screenRequest, fullHelpHeight int, showFullHelp bool) layout {
	r.helpHeight = 1
	l := computeLayout(r)
	if l.tooSmall && r.presenter > minPresenterHeight {
		r.presenter = minPresenterHeight
		l = computeLayout(r)
	}
	l.fullHelp = showFullHelp && !l.tooSmall && fullHelpHeight <= l.bottomHeight
	return l
}

// computeLayout divides the screen among the nodes and the panels below them,
// with r.helpHeight lines kept for the help. Cards are used when they leave
// room for the panels, and one line per node otherwise.
func computeLayout(r screenRequest) layout {
	l := layout{width: r.width, height: r.height, helpHeight: r.helpHeight,
		presenterHeight: r.presenter}
	if r.banner {
		l.bannerHeight = bannerHeight
	}
	if r.width < minWidth {
		return l.markTooSmall(r.nodes)
	}
	room := r.height - l.fixedHeight()
	if !l.planCards(r.nodes, room, r.talk) {
		l = l.withoutCards()
		l.planLines(r.nodes)
	}
	if room-l.nodesHeight < minBottomHeight {
		return l.markTooSmall(r.nodes)
	}
	l.nodesTop = l.bannerHeight + headerHeight
	l.bottomTop = l.nodesTop + l.nodesHeight + l.presenterHeight
	l.bottomHeight = room - l.nodesHeight
	l.planBottom(r.nodes, r.panels)
	return l
}

// fixedHeight counts the lines of everything but the nodes and the bottom panels.
func (l layout) fixedHeight() int {
	return l.bannerHeight + headerHeight + l.presenterHeight + statusHeight + l.helpHeight
}

// planCards lays out cards in room lines and reports whether they leave
// minBottomHeight lines below them. Talk mode takes tall cards whenever they
// leave talkBottomHeight lines.
func (l *layout) planCards(nodes, room int, talk bool) bool {
	l.perRow, l.rows = cardGrid(l.width, nodes)
	if l.perRow < 1 {
		return false
	}
	l.cardWidth = cardWidth(l.width, l.perRow)
	l.cardLines = compactCardLines
	roomBelowTall := room - l.rows*(tallCardLines+borderSize)
	if l.cardWidth >= tallCardWidth && roomBelowTall >= tallBottomHeight ||
		talk && roomBelowTall >= talkBottomHeight {
		l.cardLines = tallCardLines
	}
	l.cardHeight = l.cardLines + borderSize
	l.nodesHeight = l.rows * l.cardHeight
	return room-l.nodesHeight >= minBottomHeight
}

func (l layout) withoutCards() layout {
	l.perRow, l.rows, l.cardWidth, l.cardLines, l.cardHeight = 0, 0, 0, 0, 0
	return l
}

// planLines lays out one line per node in balanced columns, so 25 nodes make
// columns of 13 and 12.
func (l *layout) planLines(nodes int) {
	l.lines = true
	if nodes < 1 {
		l.columns, l.columnRows, l.columnWidth, l.nodesHeight = 1, 0, l.width, 0
		return
	}
	l.columns = min(max(l.width/minRowWidth, 1), nodes)
	l.columnRows = (nodes + l.columns - 1) / l.columns
	l.columns = (nodes + l.columnRows - 1) / l.columnRows
	l.columnWidth = l.width / l.columns
	l.nodesHeight = rowsHeadHeight + l.columnRows
}

// planBottom places the panels a person asked for, the one asked for last
// first, as long as each fits whole. A side-by-side panel needs its minimum
// width next to the others. The timeline needs its strip across the bottom,
// with every side panel's minimum height left above it.
func (l *layout) planBottom(nodes int, panels panelSet) {
	var chosen []placement
	used := -panelGap
	for _, id := range panels.wanted() {
		if id == panelTimeline {
			l.timeline = l.timelineFits(chosen)
			continue
		}
		for _, need := range panelNeeds(id, nodes, l.width) {
			if used+panelGap+need.minWidth <= l.width && need.minHeight <= l.roomAbove(l.timeline) {
				chosen = append(chosen, need)
				used += panelGap + need.minWidth
				break
			}
		}
	}
	l.sideHeight = l.roomAbove(l.timeline)
	l.arrangeSides(chosen, l.width-used)
}

// roomAbove returns the height left for side panels.
func (l layout) roomAbove(timeline bool) int {
	if timeline {
		return l.bottomHeight - timelineHeight
	}
	return l.bottomHeight
}

func (l layout) timelineFits(chosen []placement) bool {
	for _, p := range chosen {
		if p.minHeight > l.bottomHeight-timelineHeight {
			return false
		}
	}
	return l.bottomHeight >= timelineHeight
}

// arrangeSides puts the chosen panels in screen order, each at its minimum
// width, and shares out the width left over.
func (l *layout) arrangeSides(chosen []placement, spare int) {
	l.sides = nil
	for _, id := range screenOrder {
		if i := slices.IndexFunc(chosen, func(p placement) bool { return p.id == id }); i >= 0 {
			p := chosen[i]
			p.width = p.minWidth
			l.linksMatrix = l.linksMatrix || p.matrix
			l.sides = append(l.sides, p)
		}
	}
	l.giveSpare(spare)
	x := 0
	for i := range l.sides {
		l.sides[i].x = x
		x += l.sides[i].width + panelGap
	}
}

// giveSpare shares the spare width evenly among the panels that take the
// rest, the leftmost getting what does not divide, or gives it all to the last
// panel when none does.
func (l *layout) giveSpare(spare int) {
	var takers []int
	for i, p := range l.sides {
		if p.takesTheRest {
			takers = append(takers, i)
		}
	}
	if len(takers) == 0 && len(l.sides) > 0 {
		takers = []int{len(l.sides) - 1}
	}
	for j, i := range takers {
		share := spare / len(takers)
		if j < spare%len(takers) {
			share++
		}
		l.sides[i].width += share
	}
}

// sideIndex returns the index in sides of panel id, or -1 when it is not shown.
func (l layout) sideIndex(id panelID) int {
	return slices.IndexFunc(l.sides, func(p placement) bool { return p.id == id })
}

// onScreen reports whether panel id is drawn.
func (l layout) onScreen(id panelID) bool {
	if id == panelTimeline {
		return l.timeline
	}
	return l.sideIndex(id) >= 0
}

// markTooSmall records the smallest size that fits: the current width if it is
// wide enough, with the height that width needs for cards or node lines,
// whichever is shorter.
func (l layout) markTooSmall(nodes int) layout {
	l.tooSmall = true
	l.needWidth = max(l.width, minWidth)
	need := layout{width: l.needWidth}
	need.planLines(nodes)
	nodesHeight := need.nodesHeight
	if _, rows := cardGrid(l.needWidth, nodes); rows > 0 {
		nodesHeight = min(nodesHeight, rows*(compactCardLines+borderSize))
	}
	l.needHeight = l.fixedHeight() + nodesHeight + minBottomHeight
	return l
}

// cardGrid returns how many cards go in a row, and how many rows there are. Rows
// are balanced, so 9 nodes make rows of 5 and 4 rather than 7 and 2.
func cardGrid(width, nodes int) (perRow, rows int) {
	perRow = min(nodes, width/minCardWidth)
	if perRow < 1 {
		return 0, 0
	}
	rows = (nodes + perRow - 1) / perRow
	perRow = (nodes + rows - 1) / rows
	return perRow, rows
}

func cardWidth(width, perRow int) int {
	if perRow < 1 {
		return minCardWidth
	}
	return min(width/perRow, maxCardWidth)
}

// nodeAt returns the node whose card or line covers the cell at column x and
// row y of the screen, or raft.None.
func (l layout) nodeAt(x, y, nodes int) int {
	if l.tooSmall || x < 0 || y < l.nodesTop || y >= l.nodesTop+l.nodesHeight {
		return raft.None
	}
	var id int
	if l.lines {
		id = l.lineNodeAt(x, y)
	} else {
		id = l.cardNodeAt(x, y)
	}
	if id < 1 || id > nodes {
		return raft.None
	}
	return id
}

func (l layout) cardNodeAt(x, y int) int {
	column := x / l.cardWidth
	if column >= l.perRow {
		return raft.None
	}
	row := (y - l.nodesTop) / l.cardHeight
	return row*l.perRow + column + 1
}

// lineNodeAt counts down each column in turn, as nodeLines draws them.
func (l layout) lineNodeAt(x, y int) int {
	column := x / l.columnWidth
	row := y - l.nodesTop - rowsHeadHeight
	if column >= l.columns || row < 0 {
		return raft.None
	}
	return column*l.columnRows + row + 1
}

// linkAt returns the directed link whose matrix cell covers the cell at column x
// and row y of the screen, and whether there is one. The diagonal has none.
// The link view, when shown, is the leftmost panel.
func (l layout) linkAt(x, y, nodes int) (from, to int, ok bool) {
	if l.tooSmall || l.fullHelp || !l.linksMatrix || l.sideIndex(panelLinks) != 0 ||
		x < matrixLabelWidth {
		return 0, 0, false
	}
	from = y - l.bottomTop - matrixFirstRow + 1
	to = (x-matrixLabelWidth)/matrixCellWidth + 1
	if from < 1 || from > nodes || to > nodes || from == to {
		return 0, 0, false
	}
	return from, to, true
}

// inFeed reports whether the cell at column x and row y of the screen is in
// the event feed.
func (l layout) inFeed(x, y int) bool {
	i := l.sideIndex(panelFeed)
	if l.tooSmall || l.fullHelp || i < 0 {
		return false
	}
	p := l.sides[i]
	return x >= p.x && x < p.x+p.width && y >= l.bottomTop && y < l.bottomTop+l.sideHeight
}

// menuItemAt returns the index of the menu item drawn on row y of the screen,
// or -1. offset is the index of the first item shown, from menuOffset.
func (l layout) menuItemAt(y, offset, items int) int {
	first, end := l.bottomTop+menuFirstItem, l.bottomTop+l.bottomHeight
	i := y - first + offset
	if l.tooSmall || y < first || y >= end || i >= items {
		return -1
	}
	return i
}

// menuRoom returns how many menu items fit below the menu's title.
func (l layout) menuRoom() int { return l.bottomHeight - menuFirstItem }
