package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/raft"
)

// handleClick acts on a left click, hit-tested against the layout that View
// draws from. A click on a card or node line selects its node, or completes an
// awaited node number. A click on a matrix cell toggles its directed link, and
// one on a menu item chooses it.
func (m Model) handleClick(msg tea.MouseClickMsg) (tea.Model, tea.Cmd) {
	if msg.Button != tea.MouseLeft {
		return m, nil
	}
	switch m.mode {
	case modeMenu:
		return m.clickMenu(msg.Y)
	case modeNumber:
		if id := m.layout.nodeAt(msg.X, msg.Y, len(m.snap.Nodes)); id != raft.None {
			return m.finishNumber(id)
		}
		return m, nil
	}
	if id := m.layout.nodeAt(msg.X, msg.Y, len(m.snap.Nodes)); id != raft.None {
		m.selectNode(id)
		inspect := m.inspectCmdIfDue()
		return m, inspect
	}
	if from, to, ok := m.layout.linkAt(msg.X, msg.Y, len(m.snap.Nodes)); ok {
		return m.start(m.linkOp(true, from, to))
	}
	return m, nil
}

func (m Model) clickMenu(y int) (tea.Model, tea.Cmd) {
	items := len(m.menu.items())
	offset := menuOffset(m.menu.cursor, items, m.layout.menuRoom())
	if i := m.layout.menuItemAt(y, offset, items); i >= 0 {
		return m.chooseMenuItem(i)
	}
	return m, nil
}

// wheelLines is how many lines one turn of the mouse wheel scrolls the feed.
const wheelLines = 3

// handleWheel scrolls the event feed when the pointer is over it.
func (m Model) handleWheel(msg tea.MouseWheelMsg) (tea.Model, tea.Cmd) {
	if m.mode != modeIdle || !m.layout.inFeed(msg.X, msg.Y) {
		return m, nil
	}
	switch msg.Button {
	case tea.MouseWheelUp:
		m.feed.scroll.scrollBy(-wheelLines)
	case tea.MouseWheelDown:
		m.feed.scroll.scrollBy(wheelLines)
	default:
		return m, nil
	}
	m.sync()
	return m, nil
}
