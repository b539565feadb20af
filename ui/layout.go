package ui

import "github.com/raftplay/raftplay/raft"

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

	minBottomHeight  = 4  // the event list needs a title and a few events to be useful
	tallBottomHeight = 12 // tall cards only when this much room is left below them
	panelGap         = 2  // columns between the link view and the event list
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

	bottomTop    int // screen row of the link view and event list, or of a menu
	bottomHeight int
	linksWidth   int
	linksMatrix  bool // a full matrix fits; otherwise only unhealthy links are listed
	eventsWidth  int
	helpHeight   int
	fullHelp     bool // the full help is shown, rather than its one-line form
}

// planLayout computes the layout with the full help when it is asked for and
// fits with the nodes drawn the same way, and with the one-line help
// otherwise: opening the help must neither hide the cluster nor redraw it.
func planLayout(width, height, nodes, fullHelpHeight int, showFullHelp, banner bool) layout {
	short := computeLayout(width, height, nodes, 1, banner)
	if showFullHelp {
		l := computeLayout(width, height, nodes, fullHelpHeight, banner)
		if !l.tooSmall && l.lines == short.lines {
			l.fullHelp = true
			return l
		}
	}
	return short
}

// computeLayout divides a width×height screen among the nodes and the panels
// below them, with helpHeight lines kept for the help. Cards are used when
// they leave room for the panels, and one line per node otherwise.
func computeLayout(width, height, nodes, helpHeight int, banner bool) layout {
	l := layout{width: width, height: height, helpHeight: helpHeight}
	if banner {
		l.bannerHeight = bannerHeight
	}
	if width < minWidth {
		return l.markTooSmall(nodes)
	}
	room := height - l.fixedHeight()
	if !l.planCards(nodes, room) {
		l = l.withoutCards()
		l.planLines(nodes)
	}
	if room-l.nodesHeight < minBottomHeight {
		return l.markTooSmall(nodes)
	}
	l.nodesTop = l.bannerHeight + headerHeight
	l.bottomTop = l.nodesTop + l.nodesHeight
	l.bottomHeight = room - l.nodesHeight
	l.planBottom(nodes)
	return l
}

// fixedHeight counts the lines of everything but the nodes and the bottom panels.
func (l layout) fixedHeight() int {
	return l.bannerHeight + headerHeight + statusHeight + l.helpHeight
}

// planCards lays out cards in room lines and reports whether they leave
// minBottomHeight lines below them.
func (l *layout) planCards(nodes, room int) bool {
	l.perRow, l.rows = cardGrid(l.width, nodes)
	if l.perRow < 1 {
		return false
	}
	l.cardWidth = cardWidth(l.width, l.perRow)
	l.cardLines = compactCardLines
	roomBelowTall := room - l.rows*(tallCardLines+borderSize)
	if l.cardWidth >= tallCardWidth && roomBelowTall >= tallBottomHeight {
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

// planBottom shares the bottom panels' width between the link view and the
// event list.
func (l *layout) planBottom(nodes int) {
	l.linksMatrix = matrixHeight(nodes) <= l.bottomHeight && matrixWidth(nodes) <= l.width/2
	l.linksWidth = listWidth
	if l.linksMatrix {
		l.linksWidth = max(matrixWidth(nodes), listWidth)
	}
	l.eventsWidth = l.width - l.linksWidth - panelGap
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
func (l layout) linkAt(x, y, nodes int) (from, to int, ok bool) {
	if l.tooSmall || !l.linksMatrix || x < matrixLabelWidth {
		return 0, 0, false
	}
	from = y - l.bottomTop - matrixFirstRow + 1
	to = (x-matrixLabelWidth)/matrixCellWidth + 1
	if from < 1 || from > nodes || to > nodes || from == to {
		return 0, 0, false
	}
	return from, to, true
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
