package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/raft"
)

// panelNames names the panels in the status line.
var panelNames = [panelCount]string{
	panelLinks: "link view", panelFeed: "event feed", panelInspector: "inspector",
	panelMetrics: "metrics", panelTimeline: "timeline",
}

// togglePanel returns a handler that hides panel id when it is on screen and
// shows it otherwise, in place of the panel asked for longest ago when the
// screen has no room for both.
func togglePanel(id panelID) func(Model, tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	return func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
		onScreen := m.layout.onScreen(id)
		m.panels = m.panels.toggle(id, onScreen)
		m.sync()
		switch {
		case onScreen:
			m.status = statusLine{statusInfo, panelNames[id] + " hidden"}
		case m.layout.onScreen(id):
			m.status = statusLine{statusInfo, panelNames[id] + " shown"}
		default:
			m.status = statusLine{statusError, panelNames[id] +
				" does not fit: enlarge the terminal or close the full help"}
		}
		inspect := m.inspectCmdIfDue()
		return m, inspect
	}
}

func (m Model) pressFilter(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	m.filtered = !m.filtered
	m.status = statusLine{statusInfo, "events of every node"}
	if m.filtered {
		m.status = statusLine{statusInfo, "only events that involve the selected node"}
	}
	m.sync()
	return m, nil
}

func (m Model) pressBeats(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	s := &m.feed.scroll
	s.beats = !s.beats
	m.status = statusLine{statusInfo, "heartbeats counted in the feed's title"}
	if s.beats {
		m.status = statusLine{statusInfo, "heartbeats listed as they come, per node and tick"}
	}
	m.sync()
	return m, nil
}

// scrollFeed returns a handler that scrolls the feed lines down, or up when
// lines is negative.
func scrollFeed(lines int) func(Model, tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	return func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
		m.feed.scroll.scrollBy(lines)
		m.sync()
		return m, nil
	}
}

func pageFeed(pages int) func(Model, tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	return func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
		m.feed.scroll.pageBy(pages)
		m.sync()
		return m, nil
	}
}

func (m Model) pressTop(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	m.feed.scroll.toTop()
	m.sync()
	return m, nil
}

func (m Model) pressBottom(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	m.feed.scroll.toBottom()
	m.sync()
	return m, nil
}

// inspectCmd reads the selected node's state file, when the inspector is on
// screen.
func (m *Model) inspectCmd() tea.Cmd {
	n, ok := m.selectedNode()
	if !ok || n.StatePath == "" || !m.layout.onScreen(panelInspector) {
		return nil
	}
	m.inspector.reading, m.inspector.lastRead = true, time.Now()
	return readState(n.ID, n.StatePath)
}

// inspectCmdIfDue reads the selected node's state file when the inspector
// shows another node's, or its read is older than inspectInterval.
func (m *Model) inspectCmdIfDue() tea.Cmd {
	if m.selected == raft.None || !m.inspector.due(m.selected, time.Now()) {
		return nil
	}
	return m.inspectCmd()
}

func (m Model) handleStateRead(msg stateReadMsg) (tea.Model, tea.Cmd) {
	m.inspector.reading = false
	m.inspector.take(stateRead(msg), m.selected)
	inspect := m.inspectCmdIfDue() // the selection may have moved meanwhile
	return m, inspect
}
