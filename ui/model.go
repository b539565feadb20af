package ui

import (
	"fmt"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// Cluster is the cluster the UI shows and drives. *cluster.Cluster implements
// it. The UI calls it from several goroutines at once, so it must be safe for
// concurrent use.
type Cluster interface {
	Snapshot() cluster.Snapshot
	Crash(id int) error
	Restart(id int) error
	Isolate(id int) error      // cut every link to and from id
	Rejoin(id int) error       // heal every link to and from id
	CutBetween(a, b int) error // cut a→b and b→a
	HealBetween(a, b int) error
	Cut(from, to int) error // one direction only
	Heal(from, to int) error
	HealAll()
}

// linkMode is the link change that the node number awaited after x or o makes.
type linkMode int

const (
	linkNone     linkMode = iota // no number awaited
	linkBothWays                 // toggle the link between the two nodes
	linkOneWay                   // toggle the link from the selected node to the other
)

type statusKind int

const (
	statusInfo statusKind = iota
	statusPrompt
	statusError
)

type statusLine struct {
	kind statusKind
	text string
}

// Model is the root Bubble Tea model. It owns the terminal size and the layout
// and passes each panel its share of the screen.
type Model struct {
	cluster Cluster
	events  <-chan cluster.Event

	snap     cluster.Snapshot
	selected int // node id, or raft.None while the cluster has no nodes
	pending  linkMode
	status   statusLine
	log      eventLog

	width, height int
	layout        layout
	keys          keyMap
	help          help.Model
	cards         cardsPanel
}

// New returns a Model that shows c, drives it with keys, and lists the events
// read from events until that channel is closed. It takes a first snapshot
// right away, so the first frame is not empty.
func New(c Cluster, events <-chan cluster.Event) Model {
	h := help.New()
	h.Styles = helpStyles()
	m := Model{cluster: c, events: events, keys: newKeyMap(), help: h}
	m.applySnapshot(c.Snapshot())
	return m
}

// Init starts the snapshot tick and the event reader.
func (m Model) Init() tea.Cmd {
	if m.events == nil {
		return tick(m.cluster)
	}
	return tea.Batch(tick(m.cluster), readEvents(m.events))
}

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return m.handleResize(msg)
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tickMsg:
		return m.handleTick(msg)
	case eventsMsg:
		return m.handleEvents(msg)
	case opDoneMsg:
		return m.handleOpDone(msg)
	}
	return m, nil
}

func (m Model) handleResize(msg tea.WindowSizeMsg) (tea.Model, tea.Cmd) {
	m.width, m.height = msg.Width, msg.Height
	m.sync()
	return m, nil
}

func (m Model) handleTick(msg tickMsg) (tea.Model, tea.Cmd) {
	m.applySnapshot(msg.snap)
	return m, tick(m.cluster)
}

func (m Model) handleEvents(msg eventsMsg) (tea.Model, tea.Cmd) {
	for _, e := range msg.events {
		m.log.add(e)
	}
	if msg.closed {
		m.status = statusLine{statusInfo, "the cluster stopped: press q to quit"}
		return m, nil
	}
	return m, readEvents(m.events)
}

// handleOpDone reports the result of an operation. A success does not replace
// the prompt of an x or o pressed while the operation ran, but a failure does.
func (m Model) handleOpDone(msg opDoneMsg) (tea.Model, tea.Cmd) {
	m.applySnapshot(msg.snap)
	switch {
	case msg.err != nil:
		m.status = statusLine{statusError, msg.action + " failed: " + msg.err.Error()}
	case m.pending == linkNone:
		m.status = statusLine{statusInfo, msg.done}
	}
	return m, nil
}

func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, m.keys.Quit) {
		return m, tea.Quit
	}
	if m.pending != linkNone {
		return m.handleLinkTarget(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Select):
		m.selectNode(keyNumber(msg))
	case key.Matches(msg, m.keys.Prev):
		m.selectNode(m.neighbour(-1))
	case key.Matches(msg, m.keys.Next):
		m.selectNode(m.neighbour(1))
	case key.Matches(msg, m.keys.Crash):
		return m.start(m.crashOp())
	case key.Matches(msg, m.keys.Restart):
		return m.start(m.restartOp())
	case key.Matches(msg, m.keys.Isolate):
		return m.start(m.isolateOp())
	case key.Matches(msg, m.keys.CutBoth):
		m.askForTarget(linkBothWays)
	case key.Matches(msg, m.keys.CutOne):
		m.askForTarget(linkOneWay)
	case key.Matches(msg, m.keys.HealAll):
		return m.start(m.healAllOp())
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.sync()
	}
	return m, nil
}

// handleLinkTarget takes the node number that completes x or o.
func (m Model) handleLinkTarget(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Cancel):
		m.pending = linkNone
		m.status = statusLine{statusInfo, "cancelled"}
		m.sync()
	case key.Matches(msg, m.keys.Target):
		return m.toggleLink(keyNumber(msg))
	}
	return m, nil
}

func (m Model) toggleLink(other int) (tea.Model, tea.Cmd) {
	if other == m.selected {
		m.status = statusLine{statusError, fmt.Sprintf(
			"%s has no link to itself: press another node's number, or esc to cancel",
			raft.NodeName(other))}
		return m, nil
	}
	mode := m.pending
	m.pending = linkNone
	m.sync()
	return m.start(m.linkOp(mode, m.selected, other))
}

func (m *Model) askForTarget(mode linkMode) {
	m.pending = mode
	arrow, direction := "↔", ""
	if mode == linkOneWay {
		arrow, direction = "→", " one way"
	}
	m.status = statusLine{statusPrompt, fmt.Sprintf(
		"cut or heal %s%s?%s: press the other node (%s), esc cancels",
		raft.NodeName(m.selected), arrow, direction, digitRange(len(m.snap.Nodes)))}
	m.sync()
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

// start shows the operation as under way and runs it in a command.
func (m Model) start(op operation) (tea.Model, tea.Cmd) {
	m.status = statusLine{statusInfo, op.action + "…"}
	return m, runOperation(m.cluster, op)
}

// applySnapshot shows s, unless it is older than the snapshot shown: a tick that
// began before an operation may finish after it.
func (m *Model) applySnapshot(s cluster.Snapshot) {
	if s.Time.Before(m.snap.Time) {
		return
	}
	m.snap = s
	switch n := len(s.Nodes); {
	case n == 0:
		m.selected = raft.None
	case m.selected < 1:
		m.selected = 1
	case m.selected > n:
		m.selected = n
	}
	m.sync()
}

// sync brings the key bindings and the layout up to date with the model, since
// both depend on the selected node, the node count, the help and the size.
func (m *Model) sync() {
	ctx := keyContext{nodes: len(m.snap.Nodes), selected: m.selected, pending: m.pending != linkNone}
	if n, ok := m.selectedNode(); ok {
		ctx.up = n.Up
		ctx.isolated = isIsolated(m.snap, n.ID)
	}
	m.keys.update(ctx)

	m.layout = planLayout(m.width, m.height, len(m.snap.Nodes), max(m.keys.fullHelpHeight(), 1),
		m.help.ShowAll)
	m.cards.setSize(m.layout)
	m.help.SetWidth(m.width)
}

func (m Model) selectedNode() (cluster.NodeSnapshot, bool) {
	if m.selected < 1 || m.selected > len(m.snap.Nodes) {
		return cluster.NodeSnapshot{}, false
	}
	return m.snap.Nodes[m.selected-1], true
}
