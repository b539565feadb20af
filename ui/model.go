package ui

import (
	"slices"
	"strings"
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

	// Raft options and leadership.
	SetPreVote(on bool)
	SetCheckQuorum(on bool)
	TransferLeadership(target int) error // the leader hands over to target
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
	opts    Options

	snap cluster.Snapshot
	// tickChain numbers the current series of ticks, and tickEvery is its
	// pace; see retick.
	tickChain uint64
	tickEvery time.Duration
	selected  int // node id, or raft.None while the cluster has no nodes
	mode      inputMode
	action    numberAction // the use of the node number typed in modeNumber
	typed     string       // the digits typed so far in modeNumber
	menu      menuState    // the menu open in modeMenu
	status    statusLine

	// violations holds the safety violations reported by events. Snapshots
	// list them too, but an event may arrive before the next snapshot.
	violations []string

	// origin is the cluster time the feed and the timeline count from: the
	// first snapshot's, or the first event's when that is earlier.
	origin    time.Time
	feed      feed
	filtered  bool // the feed shows only the selected node's events
	timeline  timeline
	failovers failoverClock
	elections electionStats
	rates     rateMeter
	inspector inspector
	panels    panelSet

	presenter presenter // presenter mode, on when Options.Script is set

	dark    bool // the terminal's background, as it last reported it
	noColor bool // the NO_COLOR environment variable is set
	talk    bool
	st      *styles

	width, height int
	layout        layout
	keys          keyMap
	help          help.Model
	cards         cardsPanel
	nodeLines     nodeLinesPanel
}

// New returns a Model that shows c, drives it with keys and the mouse, and
// lists the events read from events until that channel is closed. It takes a
// first snapshot right away, so the first frame is not empty. opts is
// optional: New(c, events) uses the defaults, and when several are given the
// last one applies.
func New(c Cluster, events <-chan cluster.Event, opts ...Options) Model {
	m := Model{cluster: c, events: events, keys: newKeyMap(), help: help.New(),
		feed: newFeed(), panels: defaultPanels(), dark: true, noColor: noColorRequested()}
	if len(opts) > 0 {
		m.opts = opts[len(opts)-1]
	}
	m.tickEvery = electionTick
	m.presenter = newPresenter(m.opts.Script)
	m.talk = m.opts.Talk || m.presenter.on()
	first := c.Snapshot()
	m.presenter.pausedUntilStart = m.presenter.on() && first.Paused
	m.origin = first.Time
	m.failovers = newFailoverClock(first)
	m.restyle()
	m.applySnapshot(first)
	return m
}

// Init starts the snapshot tick and the event reader, and asks the terminal
// for its background color.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tick(m.cluster, m.tickEvery, m.tickChain, nil), tea.RequestBackgroundColor}
	if m.events != nil {
		cmds = append(cmds, readEvents(m.events))
	}
	return tea.Batch(cmds...)
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
	case tea.MouseWheelMsg:
		return m.handleWheel(msg)
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.restyle()
		return m, nil
	case tickMsg:
		return m.handleTick(msg)
	case eventsMsg:
		return m.handleEvents(msg)
	case opDoneMsg:
		return m.handleOpDone(msg)
	case stateReadMsg:
		return m.handleStateRead(msg)
	case advancedMsg:
		return m.handleAdvanced()
	case stepDoneMsg:
		return m.handleStepDone(msg)
	}
	return m, nil
}

func (m Model) handleResize(msg tea.WindowSizeMsg) (tea.Model, tea.Cmd) {
	m.width, m.height = msg.Width, msg.Height
	m.sync()
	return m, nil
}

// handleTick shows the new snapshot, counts the heartbeats and messages in it,
// and reads the selected node's state file again when it is due.
//
// Ticks come only as often as the countdowns on screen need (see tickDelay).
// A tick of a series that an operation replaced is shown but starts no
// further tick.
func (m Model) handleTick(msg tickMsg) (tea.Model, tea.Cmd) {
	m.applySnapshot(msg.snap)
	if msg.read != nil {
		m.inspector.take(*msg.read, m.selected)
	}
	m.rates.observe(m.snap)
	if m.feed.countBeats(m.snap, m.feed.scroll.beats && !m.talk) {
		m.renderFeed()
	}
	inspect := m.inspectCmdIfDue()
	if msg.chain != m.tickChain {
		return m, inspect
	}
	m.tickEvery = m.tickDelay()
	return m, tea.Batch(tick(m.cluster, m.tickEvery, m.tickChain, m.tickRead(m.tickEvery)), inspect)
}

// retick replaces the series of ticks with a faster one when the snapshot
// just shown needs it, so that a resume, a thaw or a speed-up shows at once
// rather than at the end of a slower tick. It returns nil otherwise.
func (m *Model) retick() tea.Cmd {
	delay := m.tickDelay()
	if delay >= m.tickEvery {
		return nil
	}
	m.tickChain++
	m.tickEvery = delay
	return tick(m.cluster, delay, m.tickChain, m.tickRead(delay))
}

// tickRead returns the selected node's state file for the tick due after the
// given wall time to read, when the inspector shows it and its last read will
// be inspectInterval old by then. It returns nil otherwise.
func (m *Model) tickRead(after time.Duration) *inspectFile {
	n, ok := m.selectedNode()
	if !ok || n.StatePath == "" || !m.layout.onScreen(panelInspector) || m.inspector.reading {
		return nil
	}
	at := time.Now().Add(after)
	if m.inspector.read.node == n.ID && at.Sub(m.inspector.lastRead) < inspectInterval {
		return nil
	}
	m.inspector.lastRead = at
	return &inspectFile{node: n.ID, path: n.StatePath}
}

// tickDelay returns how long, in wall time, the countdowns on screen take to
// change by one cell of their bars: the shortest timeout of a running node
// with a timer, divided by the bar's width, times the slowdown. It is idleTick
// when no countdown runs, and never more.
//
// Countdowns faster than electionTick a cell, as at real speed, cannot be
// drawn cell by cell. Then the pace is electionTick while a running node
// follows no leader, and steadyTick while every one follows a leader.
func (m Model) tickDelay() time.Duration {
	if m.snap.Paused {
		return idleTick
	}
	width := time.Duration(max(m.barWidth(), 1))
	var step time.Duration
	steady := true
	for _, n := range m.snap.Nodes {
		if !n.Up || n.Frozen || n.Status.Role == raft.Leader || n.Status.Timeout <= 0 {
			continue
		}
		if cell := n.Status.Timeout / width; step == 0 || cell < step {
			step = cell
		}
		if n.Status.Role != raft.Follower || n.Status.Leader == raft.None {
			steady = false
		}
	}
	if step == 0 {
		return idleTick
	}
	wall := time.Duration(float64(step) * max(m.snap.Slowdown, 1))
	switch {
	case wall >= electionTick:
		return min(wall, idleTick)
	case steady:
		return steadyTick
	}
	return electionTick
}

// barWidth returns the width of the countdown bars in the current layout.
func (m Model) barWidth() int {
	if m.layout.lines {
		return m.nodeLines.timerWidth
	}
	return m.cards.inner
}

func (m Model) handleEvents(msg eventsMsg) (tea.Model, tea.Cmd) {
	for _, e := range msg.events {
		m.observe(e)
	}
	m.sync() // a violation adds the banner
	if msg.closed {
		m.status = statusLine{statusInfo, "the cluster stopped: press q to quit"}
		return m, nil
	}
	return m, readEvents(m.events)
}

// observe passes e to every panel that keeps a history.
func (m *Model) observe(e cluster.Event) {
	// A node stamps its events on its own view of the clock, which lags the
	// cluster's by the time the node spent frozen. The cluster's stamp puts
	// every node's events on one time line.
	if e.Kind == cluster.EventRaft {
		e.Raft.Time = e.Time
	}
	if m.feed.seq == 0 && len(m.timeline.marks) == 0 && e.Time.Before(m.origin) {
		m.origin = e.Time
	}
	m.feed.add(e)
	m.timeline.observe(e)
	m.failovers.observe(e)
	m.elections.observe(e)
	if e.Kind == cluster.EventSafetyViolation && !slices.Contains(m.violations, e.Text) {
		m.violations = append(m.violations, e.Text)
	}
}

// withoutAction removes from text a leading "restart n2: " or
// "restart n2 (stale): " that repeats the action it follows, such as
// "restart n2 (stale)".
func withoutAction(text, action string) string {
	head, _, _ := strings.Cut(action, " (")
	text = strings.TrimPrefix(text, action+": ")
	return strings.TrimPrefix(text, head+": ")
}

// handleOpDone reports the result of an operation. A success does not replace
// the prompt of a node number or menu opened while the operation ran, but a
// failure does.
func (m Model) handleOpDone(msg opDoneMsg) (tea.Model, tea.Cmd) {
	m.applySnapshot(msg.snap)
	switch {
	case msg.err != nil:
		m.status = statusLine{statusError, msg.action + " failed: " + withoutAction(msg.err.Error(), msg.action)}
	case m.mode == modeIdle:
		m.status = statusLine{statusInfo, msg.done}
	}
	// retick changes m, so it runs before m is returned.
	cmd := m.retick()
	return m, cmd
}

// start shows the operation as under way and runs it in a command.
func (m Model) start(op operation) (tea.Model, tea.Cmd) {
	m.status = statusLine{statusInfo, op.action + "…"}
	return m, runOperation(m.cluster, op)
}

// applySnapshot shows s, unless it is older than the snapshot shown: a tick that
// began before an operation may finish after it.
//
// The layout and the wrapped feed cost more than the rest of a tick, and most
// snapshots cannot change them. They are worked out again only when the node
// count, the banner, the selection or the full help may have changed. The key
// bindings follow every snapshot.
func (m *Model) applySnapshot(s cluster.Snapshot) {
	if s.Time.Before(m.snap.Time) {
		return
	}
	before := m.layoutInputs()
	m.snap = s
	if !s.Paused {
		m.presenter.pausedUntilStart = false // resumed by hand before the first step
	}
	switch n := len(s.Nodes); {
	case n == 0:
		m.selected = raft.None
	case m.selected < 1:
		m.selected = 1
	case m.selected > n:
		m.selected = n
	}
	if m.layoutInputs() == before && !m.help.ShowAll {
		m.keys.update(m.keyContext())
		return
	}
	m.sync()
}

// layoutInputs holds the parts of a snapshot that the layout and the feed depend on.
type layoutInputs struct {
	nodes, selected int
	banner          bool
}

func (m *Model) layoutInputs() layoutInputs {
	return layoutInputs{nodes: len(m.snap.Nodes), selected: m.selected, banner: len(m.allViolations()) > 0}
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
// banner, the help, the panels and the size. The keys of the event feed depend
// on whether the layout shows it, so a second pass settles them.
func (m *Model) sync() {
	for range 2 {
		m.keys.update(m.keyContext())
		m.layout = planLayout(screenRequest{width: m.width, height: m.height,
			nodes: len(m.snap.Nodes), banner: len(m.allViolations()) > 0, talk: m.talk,
			presenter: m.presenterHeightFor(), panels: m.panels},
			max(m.keys.fullHelpHeight(), 1), m.help.ShowAll)
	}
	m.cards.setSize(m.layout, m.st, m.talk)
	m.nodeLines.setSize(m.layout, m.st, m.talk)
	m.help.SetWidth(m.width)
	m.renderFeed()
}

// restyle rebuilds the styles for the background, NO_COLOR and talk mode.
func (m *Model) restyle() {
	m.st = newStyles(newPalette(m.dark, m.noColor, m.talk), m.noColor)
	m.help.Styles = m.st.help()
	m.feed.scroll.talk = m.talk
	m.sync()
}

// renderFeed wraps the feed to its place on screen.
func (m *Model) renderFeed() {
	width, height := feedMinWidth, feedMinHeight
	if i := m.layout.sideIndex(panelFeed); i >= 0 {
		width, height = m.layout.sides[i].width, m.layout.sideHeight
	}
	m.feed.nodes, m.feed.quorum = len(m.snap.Nodes), m.snap.Majority()
	m.feed.scroll.filter = raft.None
	if m.filtered {
		m.feed.scroll.filter = m.selected
	}
	m.feed.render(m.st, m.origin, width, height)
}

func (m Model) keyContext() keyContext {
	leader, _ := m.snap.Leader()
	ctx := keyContext{
		width: m.width, nodes: len(m.snap.Nodes), selected: m.selected, leader: leader,
		anyUp: m.snap.UpCount() > 0, paused: m.snap.Paused, slowdown: m.snap.Slowdown,
		mode: m.mode, typed: m.typed, items: len(m.menu.items()),
		preVote: m.snap.PreVote, checkQuorum: m.snap.CheckQuorum, talk: m.talk,
		advance: m.opts.OnAdvance != nil, presenter: m.presenter.on(), running: m.presenter.running,
		filtered: m.filtered, beats: m.feed.scroll.beats, following: m.feed.scroll.following,
	}
	for id := range panelCount {
		ctx.shown[id] = m.layout.onScreen(id)
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
