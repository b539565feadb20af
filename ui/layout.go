package ui

// Sizes in terminal cells. A card's width and height include its border.
const (
	headerHeight = 1
	statusHeight = 1
	borderSize   = 2 // one cell on each side

	minWidth      = 48 // three cards side by side
	minCardWidth  = 16 // five cards fill 80 columns
	maxCardWidth  = 30
	tallCardWidth = 22 // narrower cards cannot fit the extra lines of a tall card

	compactCardLines = 6 // lines of text inside a card
	tallCardLines    = 8

	minBottomHeight  = 4  // the event list needs a title and a few events to be useful
	tallBottomHeight = 12 // tall cards only when this much room is left below them
	panelGap         = 2  // columns between the link view and the event list
)

// layout is the division of the screen among the panels. The root model computes
// it in Update whenever the window size, the node count or the help height
// changes, so View only reads it.
type layout struct {
	width, height int
	tooSmall      bool
	needWidth     int // the size that would fit, when tooSmall
	needHeight    int

	perRow, rows int // cards per row, and rows of cards
	cardWidth    int
	cardLines    int // lines of text inside a card
	cardHeight   int

	bottomHeight int // rows for the link view and the event list, side by side
	linksWidth   int
	linksMatrix  bool // a full matrix fits; otherwise only cut links are listed
	eventsWidth  int
	helpHeight   int
	fullHelp     bool // the full help is shown, rather than its one-line form
}

// planLayout computes the layout with the full help when it is asked for and
// fits, and with the one-line help otherwise: opening the help must not hide
// the cluster.
func planLayout(width, height, nodes, fullHelpHeight int, showFullHelp bool) layout {
	if showFullHelp {
		if l := computeLayout(width, height, nodes, fullHelpHeight); !l.tooSmall {
			l.fullHelp = true
			return l
		}
	}
	return computeLayout(width, height, nodes, 1)
}

// computeLayout divides a width×height screen among nodes cards and the panels
// below them, with helpHeight lines kept for the help.
func computeLayout(width, height, nodes, helpHeight int) layout {
	l := layout{width: width, height: height, helpHeight: helpHeight}
	if width < minWidth {
		return l.markTooSmall(nodes)
	}
	l.perRow, l.rows = cardGrid(width, nodes)
	l.cardWidth = cardWidth(width, l.perRow)
	fixed := headerHeight + statusHeight + helpHeight
	l.cardLines = compactCardLines
	roomBelowTall := height - fixed - l.rows*(tallCardLines+borderSize)
	if l.cardWidth >= tallCardWidth && roomBelowTall >= tallBottomHeight {
		l.cardLines = tallCardLines
	}
	l.cardHeight = l.cardLines + borderSize
	l.bottomHeight = height - fixed - l.rows*l.cardHeight
	if l.bottomHeight < minBottomHeight {
		return l.markTooSmall(nodes)
	}
	l.linksMatrix = matrixHeight(nodes) <= l.bottomHeight && matrixWidth(nodes) <= width/2
	l.linksWidth = listWidth
	if l.linksMatrix {
		l.linksWidth = matrixWidth(nodes)
	}
	l.eventsWidth = width - l.linksWidth - panelGap
	return l
}

// markTooSmall records the smallest size that fits: the current width if it is
// wide enough, with the height that width needs.
func (l layout) markTooSmall(nodes int) layout {
	l.tooSmall = true
	l.needWidth = max(l.width, minWidth)
	_, rows := cardGrid(l.needWidth, nodes)
	l.needHeight = headerHeight + rows*(compactCardLines+borderSize) + minBottomHeight +
		statusHeight + l.helpHeight
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
