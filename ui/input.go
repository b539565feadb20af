package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// keyHandler pairs a key binding with the function that handles a key press
// the binding matches.
type keyHandler struct {
	binding key.Binding
	handle  func(Model, tea.KeyPressMsg) (tea.Model, tea.Cmd)
}

// handleKey passes the key press to the first handler of the input mode whose
// binding matches it. Disabled bindings never match.
func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, m.keys.Quit) {
		m.stopScript()
		return m, tea.Quit
	}
	handlers := m.idleHandlers()
	switch m.mode {
	case modeNumber:
		handlers = m.numberHandlers()
	case modeMenu:
		handlers = m.menuHandlers()
	}
	for _, h := range handlers {
		if key.Matches(msg, h.binding) {
			return h.handle(m, msg)
		}
	}
	if m.mode == modeNumber && m.action == actSelect && m.typed != "" {
		// Selecting n1 in a cluster that also has n10: a key that is not a
		// digit ends the number, then does its own work on the node selected.
		next, cmd := m.endNumber(msg)
		if selected, ok := next.(Model); ok && selected.mode == modeIdle {
			again, more := selected.handleKey(msg)
			return again, tea.Batch(cmd, more)
		}
		return next, cmd
	}
	return m, nil
}

func (m Model) idleHandlers() []keyHandler {
	k := m.keys
	return []keyHandler{
		{k.Select, Model.pressSelect},
		{k.Prev, moveSelection(-1)},
		{k.Next, moveSelection(1)},
		{k.Pause, runOp(Model.pauseOp)},
		{k.Faster, Model.pressFaster},
		{k.Slower, Model.pressSlower},
		{k.Crash, runOp(Model.crashOp)},
		{k.Restart, Model.pressRestart},
		{k.Freeze, runOp(Model.freezeOp)},
		{k.Campaign, runOp(Model.campaignOp)},
		{k.Split, askForNode(actSplit)},
		{k.Spread, runOp(Model.spreadOp)},
		{k.Isolate, runOp(Model.isolateOp)},
		{k.CutBoth, askForNode(actCutBoth)},
		{k.CutOne, askForNode(actCutOne)},
		{k.Delay, askForNode(actDelay)},
		{k.Loss, askForNode(actLoss)},
		{k.Partition, Model.pressPartition},
		{k.HealAll, runOp(Model.healAllOp)},
		{k.Transfer, runOp(Model.transferOp)},
		{k.PreVote, runOp(Model.preVoteOp)},
		{k.CheckQuorum, runOp(Model.checkQuorumOp)},
		{k.Events, togglePanel(panelFeed)},
		{k.Inspector, togglePanel(panelInspector)},
		{k.Metrics, togglePanel(panelMetrics)},
		{k.Timeline, togglePanel(panelTimeline)},
		{k.Filter, Model.pressFilter},
		{k.Beats, Model.pressBeats},
		{k.ScrollUp, scrollFeed(-1)},
		{k.ScrollDown, scrollFeed(1)},
		{k.PageUp, pageFeed(-1)},
		{k.PageDown, pageFeed(1)},
		{k.Top, Model.pressTop},
		{k.Bottom, Model.pressBottom},
		{k.Talk, Model.pressTalk},
		{k.Advance, Model.pressAdvance},
		{k.StopStep, Model.pressStopStep},
		{k.Help, Model.pressHelp},
	}
}

func (m Model) numberHandlers() []keyHandler {
	k := m.keys
	return []keyHandler{
		{k.Cancel, Model.cancelInput},
		{k.Erase, Model.eraseDigit},
		{k.Enter, Model.endNumber},
		{k.Digit, Model.typeDigit},
	}
}

func (m Model) menuHandlers() []keyHandler {
	k := m.keys
	return []keyHandler{
		{k.Cancel, Model.cancelInput},
		{k.Up, moveMenu(-1)},
		{k.Down, moveMenu(1)},
		{k.Enter, func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
			return m.chooseMenuItem(m.menu.cursor)
		}},
		{k.Digit, func(m Model, msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
			return m.chooseMenuItem(keyNumber(msg) - 1)
		}},
	}
}

// runOp returns a handler that runs the operation build returns.
func runOp(build func(Model) operation) func(Model, tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	return func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) { return m.start(build(m)) }
}

// askForNode returns a handler that waits for the node number action needs.
func askForNode(action numberAction) func(Model, tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	return func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
		m.mode, m.action, m.typed = modeNumber, action, ""
		m.promptNumber()
		return m, nil
	}
}

// pressSelect starts typing a node number to select. In a cluster of up to 9
// nodes the one digit completes it at once.
func (m Model) pressSelect(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	m.mode, m.action, m.typed = modeNumber, actSelect, ""
	return m.typeDigit(msg)
}

// moveSelection returns a handler that selects the node step places away.
func moveSelection(step int) func(Model, tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	return func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
		m.selectNode(m.neighbour(step))
		inspect := m.inspectCmdIfDue()
		return m, inspect
	}
}

// pressFaster and pressSlower show the new factor at once, so that a quick
// second press steps on from it rather than from the factor of the last
// snapshot, which the first press's operation has not replaced yet.
func (m Model) pressFaster(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	slowdown, _ := fasterSlowdown(m.snap.Slowdown)
	m.snap.Slowdown = slowdown
	return m.start(m.slowdownOp(slowdown))
}

func (m Model) pressSlower(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	slowdown, _ := slowerSlowdown(m.snap.Slowdown)
	m.snap.Slowdown = slowdown
	return m.start(m.slowdownOp(slowdown))
}

func (m Model) pressRestart(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	return m.openMenu(menuState{kind: menuRestart, node: m.selected})
}

func (m Model) pressPartition(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	return m.openMenu(menuState{kind: menuPreset})
}

func (m Model) pressHelp(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	m.help.ShowAll = !m.help.ShowAll
	m.sync()
	return m, nil
}

// cancelInput abandons a node number being typed or an open menu.
func (m Model) cancelInput(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	m.mode, m.typed, m.menu = modeIdle, "", menuState{}
	m.status = statusLine{statusInfo, "cancelled"}
	m.sync()
	return m, nil
}

// typeDigit adds the digit pressed to the node number, and acts on the number
// as soon as no further digit could change which node it names.
func (m Model) typeDigit(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	typed := m.typed + msg.String()
	id, state := parseNodeNumber(typed, len(m.snap.Nodes))
	switch state {
	case numberComplete:
		return m.finishNumber(id)
	case numberPartial:
		m.typed = typed
		m.promptNumber()
		return m, nil
	}
	m.typed = ""
	text := fmt.Sprintf("no node n%s: nodes are n1 to n%d", typed, len(m.snap.Nodes))
	if m.action == actSelect {
		m.mode = modeIdle
	} else {
		text += ", so type another number or press esc"
	}
	m.status = statusLine{statusError, text}
	m.sync()
	return m, nil
}

// endNumber takes the digits typed so far as the whole number, such as n2 in
// a cluster that also has n20.
func (m Model) endNumber(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	id, state := parseNodeNumber(m.typed, len(m.snap.Nodes))
	if state == numberInvalid {
		return m, nil
	}
	return m.finishNumber(id)
}

func (m Model) eraseDigit(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	m.typed = m.typed[:len(m.typed)-1]
	if m.action == actSelect && m.typed == "" {
		return m.cancelInput(tea.KeyPressMsg{})
	}
	m.promptNumber()
	return m, nil
}

// finishNumber acts on node id, the number typed or the node clicked.
func (m Model) finishNumber(id int) (tea.Model, tea.Cmd) {
	action := m.action
	if action == actSelect {
		m.mode, m.typed = modeIdle, ""
		m.selectNode(id)
		inspect := m.inspectCmdIfDue()
		return m, inspect
	}
	if id == m.selected {
		m.typed = ""
		m.status = statusLine{statusError, action.selfError(raft.NodeName(id))}
		m.sync()
		return m, nil
	}
	m.mode, m.typed = modeIdle, ""
	m.sync()
	return m.start(m.targetOp(action, id))
}

func (m *Model) promptNumber() {
	text := numberPrompt(m.action, m.selected, m.typed, len(m.snap.Nodes))
	m.status = statusLine{statusPrompt, text}
	m.sync()
}

func (m Model) openMenu(menu menuState) (tea.Model, tea.Cmd) {
	m.mode, m.menu = modeMenu, menu
	m.status = statusLine{statusPrompt, menu.prompt()}
	m.sync()
	return m, nil
}

// moveMenu returns a handler that moves the highlight step items down,
// wrapping around.
func moveMenu(step int) func(Model, tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	return func(m Model, _ tea.KeyPressMsg) (tea.Model, tea.Cmd) {
		n := len(m.menu.items())
		m.menu.cursor = ((m.menu.cursor+step)%n + n) % n
		return m, nil
	}
}

// chooseMenuItem closes the menu and runs item i of it.
func (m Model) chooseMenuItem(i int) (tea.Model, tea.Cmd) {
	menu := m.menu
	m.mode, m.menu = modeIdle, menuState{}
	m.sync()
	switch {
	case menu.kind == menuRestart && i >= 0 && i < len(cluster.RestartModes):
		return m.start(m.restartOp(menu.node, cluster.RestartModes[i]))
	case menu.kind == menuPreset && i >= 0 && i < len(cluster.Presets):
		return m.start(m.presetOp(cluster.Presets[i]))
	}
	return m, nil
}

func (m *Model) selectNode(id int) {
	if id < 1 || id > len(m.snap.Nodes) {
		return
	}
	m.selected = id
	m.status = statusLine{}
	m.sync()
}

// neighbour returns the node step places from the selected one, wrapping around.
func (m Model) neighbour(step int) int {
	n := len(m.snap.Nodes)
	if n == 0 {
		return raft.None
	}
	return ((m.selected-1+step)%n+n)%n + 1
}
