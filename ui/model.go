package ui

import (
	"slices"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// Cluster is the cluster the UI shows and drives. *cluster.Cluster implements
// it. The UI calls it from several goroutines at once, so it must be safe for
// concurrent use.
type Cluster interface {
	Snapshot() cluster.Snapshot

	// Time.
	SetPaused(paused bool)
	SetSlowdown(slowdown float64) error // cluster.MinSlowdown to cluster.MaxSlowdown

	// Nodes.
	Crash(id int) error
	Restart(id int) error // from the state file as it is
	RestartWith(id int, mode cluster.RestartMode) error
	SetFrozen(id int, frozen bool) error
	Campaign(id int) error    // make id's election timer run out now
	SplitVote(a, b int) error // make a and b time out together
	SpreadTimers()            // spread the followers' timers across the timeout range

	// Links.
	Isolate(id int) error      // cut every link to and from id
	Rejoin(id int) error       // heal every link to and from id
	CutBetween(a, b int) error // cut a→b and b→a
	HealBetween(a, b int) error
	Cut(from, to int) error // one direction only
	Heal(from, to int) error
	SetDelay(from, to int, d time.Duration) error // d in cluster time
	SetLoss(from, to int, p float64) error        // p from 0 to 1
	ApplyPreset(p cluster.Preset) (string, error)
	HealAll()
}

// inputMode is the target of key presses: the cluster, a node number being
// typed, or a menu.
type inputMode int

const (
	modeIdle   inputMode = iota // keys act on the cluster
	modeNumber                  // keys type a node number
	modeMenu                    // keys choose from a menu
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
	mode     inputMode
	action   numberAction // the use of the node number typed in modeNumber
	typed    string       // the digits typed so far in modeNumber
	menu     menuState    // the menu open in modeMenu
	status   statusLine
	log      eventLog

	// violations holds the safety violations reported by events. Snapshots
	// list them too, but an event may arrive before the next snapshot.
	violations []string

	width, height int
	layout        layout
	keys          keyMap
	help          help.Model
	cards         cardsPanel
	nodeLines     nodeLinesPanel
}

// New returns a Model that shows c, drives it with keys and the mouse, and
// lists the events read from events until that channel is closed. It takes a
// first snapshot right away, so the first frame is not empty.
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
	case tea.MouseClickMsg:
		return m.handleClick(msg)
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
		if e.Kind == cluster.EventSafetyViolation && !slices.Contains(m.violations, e.Text) {
			m.violations = append(m.violations, e.Text)
		}
	}
	m.sync() // a violation adds the banner
	if msg.closed {
		m.status = statusLine{statusInfo, "the cluster stopped: press q to quit"}
		return m, nil
	}
	return m, readEvents(m.events)
}

// handleOpDone reports the result of an operation. A success does not replace
// the prompt of a node number or menu opened while the operation ran, but a
// failure does.
func (m Model) handleOpDone(msg opDoneMsg) (tea.Model, tea.Cmd) {
	m.applySnapshot(msg.snap)
	switch {
	case msg.err != nil:
		m.status = statusLine{statusError, msg.action + " failed: " + msg.err.Error()}
	case m.mode == modeIdle:
		m.status = statusLine{statusInfo, msg.done}
	}
	return m, nil
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

// allViolations returns the safety violations of the snapshot, then those
// reported only by events so far.
func (m Model) allViolations() []string {
	all := slices.Clone(m.snap.Violations)
	for _, v := range m.violations {
		if !slices.Contains(all, v) {
			all = append(all, v)
		}
	}
	return all
}

// sync brings the key bindings and the layout up to date with the model, since
// both depend on the selected node, the input mode, the node count, the
// banner, the help and the size.
func (m *Model) sync() {
	m.keys.update(m.keyContext())
	m.layout = planLayout(m.width, m.height, len(m.snap.Nodes), max(m.keys.fullHelpHeight(), 1),
		m.help.ShowAll, len(m.allViolations()) > 0)
	m.cards.setSize(m.layout)
	m.nodeLines.setSize(m.layout)
	m.help.SetWidth(m.width)
}

func (m Model) keyContext() keyContext {
	ctx := keyContext{
		width: m.width, nodes: len(m.snap.Nodes), selected: m.selected,
		anyUp: m.snap.UpCount() > 0, paused: m.snap.Paused, slowdown: m.snap.Slowdown,
		mode: m.mode, typed: m.typed, items: len(m.menu.items()),
	}
	if n, ok := m.selectedNode(); ok {
		ctx.node = n
		ctx.isolated = isIsolated(m.snap, n.ID)
	}
	return ctx
}

func (m Model) selectedNode() (cluster.NodeSnapshot, bool) {
	if m.selected < 1 || m.selected > len(m.snap.Nodes) {
		return cluster.NodeSnapshot{}, false
	}
	return m.snap.Nodes[m.selected-1], true
}
