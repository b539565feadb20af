package ui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// MaxNodes is the largest cluster the UI lays out: at 80x24, 25 nodes fit as
// one line each.
const MaxNodes = 25

// maxDigitNodes is the largest cluster in which one digit names every node.
// In a larger cluster node numbers take up to two digits.
const maxDigitNodes = 9

// keyMap holds every key binding of the UI. It implements help.KeyMap.
type keyMap struct {
	// Selection, and the input of node numbers and menus.
	Select key.Binding
	Prev   key.Binding
	Next   key.Binding
	Digit  key.Binding // a digit of an awaited node number, or a menu item's number
	Enter  key.Binding // ends a node number, or chooses the highlighted menu item
	Erase  key.Binding
	Up     key.Binding // menu only
	Down   key.Binding // menu only
	Cancel key.Binding

	// Time.
	Pause  key.Binding
	Faster key.Binding
	Slower key.Binding

	// The selected node.
	Crash    key.Binding
	Restart  key.Binding
	Freeze   key.Binding
	Campaign key.Binding
	Transfer key.Binding
	Split    key.Binding
	Spread   key.Binding

	// Raft options of the whole cluster.
	PreVote     key.Binding
	CheckQuorum key.Binding

	// Links.
	Isolate   key.Binding
	CutBoth   key.Binding
	CutOne    key.Binding
	Delay     key.Binding
	Loss      key.Binding
	Partition key.Binding
	HealAll   key.Binding

	// Panels below the nodes.
	Events    key.Binding
	Inspector key.Binding
	Metrics   key.Binding
	Timeline  key.Binding

	// The event feed.
	Filter     key.Binding // only the selected node's events
	Beats      key.Binding // list heartbeats rather than only count them
	ScrollUp   key.Binding
	ScrollDown key.Binding
	PageUp     key.Binding
	PageDown   key.Binding
	Top        key.Binding
	Bottom     key.Binding // back to the newest event, following again

	// Presenting.
	Talk     key.Binding
	Advance  key.Binding // a presenter remote's "next": the next step, or Options.OnAdvance
	StopStep key.Binding // presenter mode: end the step that is running

	Help key.Binding
	Quit key.Binding

	width     int  // of the terminal, which the full help's columns must fit
	presenter bool // presenter mode, whose short help starts with its own keys
	hook      bool // an Options.OnAdvance hook takes the advance
}

func newKeyMap() keyMap {
	k := keyMap{
		Select: binding("1-9", "select", digitKeys(1, maxDigitNodes)...),
		Prev:   binding("←/h", "previous node", "left", "h", "shift+tab"),
		Next:   binding("→/l/tab", "next node", "right", "l", "tab"),
		Digit:  binding("1-9", "pick the other node", digitKeys(1, maxDigitNodes)...),
		Enter:  binding("enter", "end the number", "enter"),
		Erase:  binding("backspace", "erase a digit", "backspace"),
		Up:     binding("↑/k", "up", "up", "k"),
		Down:   binding("↓/j", "down", "down", "j"),
		Cancel: binding("esc", "cancel", "esc"),

		Pause:  binding("space", "pause", "space"),
		Faster: binding("+", "faster", "+", "="),
		Slower: binding("-", "slower", "-"),

		Crash:    binding("c", "crash node", "c"),
		Restart:  binding("r", "restart node…", "r"),
		Freeze:   binding("f", "freeze node", "f"),
		Campaign: binding("n", "campaign now", "n"),
		Transfer: binding("T", "transfer leadership", "T"),
		Split:    binding("s", "split vote with…", "s"),
		Spread:   binding("t", "spread timers", "t"),

		Isolate:   binding("i", "isolate node", "i"),
		CutBoth:   binding("x", "cut/heal", "x"),
		CutOne:    binding("o", "cut/heal one way", "o"),
		Delay:     binding("d", "delay to…", "d"),
		Loss:      binding("L", "loss to…", "L"),
		Partition: binding("p", "partitions…", "p"),
		HealAll:   binding("H", "heal all links", "H"),

		PreVote:     binding("P", "PreVote on", "P"),
		CheckQuorum: binding("Q", "CheckQuorum on", "Q"),

		Events:    binding("e", "events", "e"),
		Inspector: binding("I", "inspector", "I"),
		Metrics:   binding("m", "metrics", "m"),
		Timeline:  binding("y", "timeline", "y"),

		Filter:     binding("/", "only this node", "/"),
		Beats:      binding("b", "list heartbeats", "b"),
		ScrollUp:   binding("↑/k", "scroll events up", "up", "k"),
		ScrollDown: binding("↓/j", "scroll events down", "down", "j"),
		PageUp:     binding("pgup", "page up", "pgup"),
		PageDown:   binding("pgdn", "page down", "pgdown"),
		Top:        binding("home/g", "oldest event", "home", "g"),
		Bottom:     binding("end/G", "follow newest", "end", "G"),

		Talk:     binding("z", "talk mode", "z"),
		Advance:  binding(".", "advance", "."),
		StopStep: binding("esc", "stop the step", "esc"),

		Help: binding("?", "all keys", "?"),
		Quit: binding("q", "quit", "q", "ctrl+c"),
	}
	k.update(keyContext{})
	return k
}

func binding(helpKey, helpDesc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKey, helpDesc))
}

// keyContext is the state that decides which bindings apply.
type keyContext struct {
	width    int
	nodes    int
	selected int // node id, or raft.None when there are no nodes
	node     cluster.NodeSnapshot
	leader   int  // the running leader, or raft.None
	isolated bool // whether every link to and from the selected node is cut
	anyUp    bool
	paused   bool
	slowdown float64
	mode     inputMode
	typed    string // the digits of a node number typed so far
	items    int    // menu items, while a menu is open

	preVote, checkQuorum bool
	talk                 bool
	advance              bool // an Options.OnAdvance hook is set
	presenter            bool // Options.Script is set
	running              bool // a step of the scenario is running
	shown                [panelCount]bool
	filtered             bool // the feed shows only the selected node's events
	beats                bool // the feed lists heartbeats
	following            bool // the feed shows the newest events as they come
}

// update enables only the bindings that apply in ctx. A disabled binding never
// matches a key press, and help leaves it out, so help lists only what can be
// done now.
func (k *keyMap) update(ctx keyContext) {
	k.width, k.presenter, k.hook = ctx.width, ctx.presenter, ctx.advance
	k.updateSelection(ctx)
	k.updateInput(ctx)
	k.updateTime(ctx)
	k.updateNode(ctx)
	k.updateLinks(ctx)
	k.updateOptions(ctx)
	k.updatePanels(ctx)
	k.updateFeed(ctx)
	idle := ctx.mode == modeIdle
	k.Help.SetEnabled(idle)
}

func (k *keyMap) updateSelection(ctx keyContext) {
	idle := ctx.mode == modeIdle
	k.Select.SetKeys(digitKeys(1, min(ctx.nodes, maxDigitNodes))...)
	k.Select.SetHelp(nodeRange(ctx.nodes), "select")
	k.Select.SetEnabled(idle && ctx.nodes > 0)
	k.Prev.SetEnabled(idle && ctx.nodes > 1)
	k.Next.SetEnabled(idle && ctx.nodes > 1)
	// In presenter mode, and in talk mode with an advance hook, → is a
	// presenter remote's "next", so it advances instead.
	if remoteAdvances(ctx) {
		k.Next.SetKeys("l", "tab")
		k.Next.SetHelp("l/tab", "next node")
	} else {
		k.Next.SetKeys("right", "l", "tab")
		k.Next.SetHelp("→/l/tab", "next node")
	}
}

// updateInput sets up the keys of an awaited node number or an open menu.
func (k *keyMap) updateInput(ctx keyContext) {
	number, menu := ctx.mode == modeNumber, ctx.mode == modeMenu
	switch {
	case number:
		k.Digit.SetKeys(numberKeys(ctx.nodes, ctx.typed)...)
		k.Digit.SetHelp(nodeRange(ctx.nodes), "pick the node")
		k.Enter.SetHelp("enter", "end the number")
	case menu:
		k.Digit.SetKeys(digitKeys(1, ctx.items)...)
		k.Digit.SetHelp(digitRange(1, ctx.items), "choose")
		k.Enter.SetHelp("enter", "choose")
	}
	k.Digit.SetEnabled(number || menu)
	k.Enter.SetEnabled(menu || (number && ctx.typed != ""))
	k.Erase.SetEnabled(number && ctx.typed != "")
	k.Up.SetEnabled(menu)
	k.Down.SetEnabled(menu)
	k.Cancel.SetEnabled(number || menu)
}

func (k *keyMap) updateTime(ctx keyContext) {
	idle := ctx.mode == modeIdle && ctx.nodes > 0
	// In presenter mode space runs the next step, so w pauses.
	pause := "space"
	if ctx.presenter {
		pause = "w"
	}
	k.Pause.SetKeys(pause)
	k.Pause.SetHelp(pause, pauseHelp(ctx.paused))
	k.Pause.SetEnabled(idle)
	faster, fasterOK := fasterSlowdown(ctx.slowdown)
	k.Faster.SetHelp("+", "faster: "+slowdownLabel(faster))
	k.Faster.SetEnabled(idle && fasterOK)
	slower, slowerOK := slowerSlowdown(ctx.slowdown)
	k.Slower.SetHelp("-", "slower: "+slowdownLabel(slower))
	k.Slower.SetEnabled(idle && slowerOK)
	k.Spread.SetEnabled(idle && ctx.anyUp)
}

func pauseHelp(paused bool) string {
	if paused {
		return "resume"
	}
	return "pause"
}

// updateNode sets up the keys that act on the selected node. A frozen node
// can be crashed or thawed, but it cannot campaign: its process is stalled.
func (k *keyMap) updateNode(ctx keyContext) {
	node := ctx.mode == modeIdle && ctx.selected != raft.None
	n := ctx.node
	name := raft.NodeName(ctx.selected)
	electable := node && n.Up && !n.Frozen && n.Status.Role != raft.Leader

	k.Crash.SetHelp("c", "crash "+name)
	k.Crash.SetEnabled(node && n.Up)
	k.Restart.SetHelp("r", "restart "+name+"…")
	k.Restart.SetEnabled(node && !n.Up)
	k.Freeze.SetHelp("f", freezeHelp(n.Frozen, name))
	k.Freeze.SetEnabled(node && n.Up)
	k.Campaign.SetHelp("n", "campaign "+name)
	k.Campaign.SetEnabled(electable)
	k.Split.SetHelp("s", "split vote "+name+"+…")
	k.Split.SetEnabled(electable && ctx.nodes > 1)
	k.Transfer.SetHelp("T", "transfer to "+name)
	k.Transfer.SetEnabled(electable && ctx.leader != raft.None)
}

func freezeHelp(frozen bool, name string) string {
	if frozen {
		return "thaw " + name
	}
	return "freeze " + name
}

func (k *keyMap) updateLinks(ctx keyContext) {
	idle := ctx.mode == modeIdle
	links := idle && ctx.selected != raft.None && ctx.nodes > 1
	name := raft.NodeName(ctx.selected)

	k.Isolate.SetHelp("i", isolateHelp(ctx.isolated, name))
	k.Isolate.SetEnabled(links)
	k.CutBoth.SetEnabled(links)
	k.CutOne.SetEnabled(links)
	k.Delay.SetHelp("d", "delay "+name+"→…")
	k.Delay.SetEnabled(links)
	k.Loss.SetHelp("L", "loss "+name+"→…")
	k.Loss.SetEnabled(links)
	k.Partition.SetEnabled(idle && ctx.nodes > 1)
	k.HealAll.SetEnabled(idle)
}

func isolateHelp(isolated bool, name string) string {
	if isolated {
		return "rejoin " + name
	}
	return "isolate " + name
}

func (k *keyMap) updateOptions(ctx keyContext) {
	idle := ctx.mode == modeIdle && ctx.nodes > 0
	k.PreVote.SetHelp("P", "PreVote "+onOff(!ctx.preVote))
	k.PreVote.SetEnabled(idle)
	k.CheckQuorum.SetHelp("Q", "CheckQuorum "+onOff(!ctx.checkQuorum))
	k.CheckQuorum.SetEnabled(idle)
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// updatePanels names what each panel key does now: show the panel, or hide it
// when it is on screen.
func (k *keyMap) updatePanels(ctx keyContext) {
	idle := ctx.mode == modeIdle
	for _, p := range []struct {
		b    *key.Binding
		id   panelID
		name string
	}{
		{&k.Events, panelFeed, "events"},
		{&k.Inspector, panelInspector, "inspector"},
		{&k.Metrics, panelMetrics, "metrics"},
		{&k.Timeline, panelTimeline, "timeline"},
	} {
		verb := "show "
		if ctx.shown[p.id] {
			verb = "hide "
		}
		p.b.SetHelp(p.b.Help().Key, verb+p.name)
		p.b.SetEnabled(idle)
	}
	k.Talk.SetHelp("z", "talk mode "+onOff(!ctx.talk))
	k.Talk.SetEnabled(idle)
	k.updateAdvance(ctx)
}

// remoteAdvances reports whether a presenter remote's → and page-down keys
// advance: in presenter mode, and in talk mode when a hook takes the advance.
// Otherwise they keep their usual meaning.
func remoteAdvances(ctx keyContext) bool {
	return ctx.presenter || (ctx.talk && ctx.advance)
}

// updateAdvance sets the keys of a presenter remote's "next": in presenter
// mode space as well as the remote's . → and page-down, in talk mode with a
// hook the remote's keys, and otherwise . alone, when a hook takes it. esc
// stops a step while one runs.
func (k *keyMap) updateAdvance(ctx keyContext) {
	idle := ctx.mode == modeIdle
	k.StopStep.SetEnabled(idle && ctx.presenter && ctx.running)
	switch {
	case ctx.presenter:
		k.Advance.SetKeys("space", "right", ".", "pgdown")
		k.Advance.SetHelp("space/→", "next step")
	case remoteAdvances(ctx):
		k.Advance.SetKeys(".", "right", "pgdown")
		k.Advance.SetHelp("./→/pgdn", "advance")
	default:
		k.Advance.SetKeys(".")
		k.Advance.SetHelp(".", "advance")
	}
	// In talk mode . stays enabled without a hook, to say why it does nothing.
	k.Advance.SetEnabled(idle && (ctx.talk || ctx.advance || ctx.presenter))
}

func (k *keyMap) updateFeed(ctx keyContext) {
	feed := ctx.mode == modeIdle && ctx.shown[panelFeed]
	name := raft.NodeName(ctx.selected)
	if ctx.filtered {
		k.Filter.SetHelp("/", "events of all nodes")
	} else {
		k.Filter.SetHelp("/", "only "+name+"'s events")
	}
	k.Filter.SetEnabled(feed && ctx.selected != raft.None)
	k.Beats.SetHelp("b", "list heartbeats")
	if ctx.beats {
		k.Beats.SetHelp("b", "only count heartbeats")
	}
	k.Beats.SetEnabled(feed && !ctx.talk)
	for _, b := range []*key.Binding{&k.ScrollUp, &k.ScrollDown, &k.PageUp, &k.Top} {
		b.SetEnabled(feed)
	}
	k.PageDown.SetEnabled(feed && !remoteAdvances(ctx)) // page-down advances there
	k.Bottom.SetEnabled(feed && !ctx.following)
}

// ShortHelp lists the keys a newcomer needs first: in presenter mode the keys
// that play the scenario, then what can be done to the selected node, then the
// selection and time, and last how to see every key and quit. Only as many as
// fit the width are listed, and "? all keys • q quit" always ends the line. In
// a menu or while a number is typed it lists the keys of that input.
func (k keyMap) ShortHelp() []key.Binding {
	switch {
	case k.Up.Enabled():
		return []key.Binding{k.Up, k.Down, k.Digit, k.Enter, k.Cancel}
	case k.Cancel.Enabled():
		return []key.Binding{k.Digit, k.Enter, k.Erase, k.Cancel, k.Quit}
	}
	first := []key.Binding{k.Crash, k.Restart, k.Freeze, k.Campaign, k.Transfer, k.Isolate,
		k.CutBoth, k.Select, k.Pause}
	if k.hook {
		// Without a hook, the advance only explains why it does nothing.
		first = append(first, k.Advance)
	}
	first = append(first, k.Talk, k.Events, k.Inspector, k.Metrics, k.Timeline, k.Partition)
	if k.presenter {
		first = []key.Binding{k.Advance, k.StopStep, k.Pause, k.Talk, k.Crash, k.Restart,
			k.Freeze, k.Campaign, k.Transfer, k.Isolate, k.CutBoth, k.Select, k.Events,
			k.Inspector, k.Metrics, k.Timeline, k.Partition}
	}
	return fitShortHelp(first, []key.Binding{k.Help, k.Quit}, k.width)
}

// shortHelpSeparator is the width of help.Model's default ShortSeparator, " • ".
const shortHelpSeparator = 3

// fitShortHelp returns the enabled bindings of first, in order, that fit width
// together with last, followed by last.
func fitShortHelp(first, last []key.Binding, width int) []key.Binding {
	used := 0
	for _, b := range last {
		used += shortItemWidth(b) + shortHelpSeparator
	}
	var out []key.Binding
	for _, b := range first {
		if !b.Enabled() {
			continue
		}
		if w := shortItemWidth(b) + shortHelpSeparator; used+w <= width {
			out = append(out, b)
			used += w
		}
	}
	return append(out, last...)
}

// shortItemWidth returns the width of "key description" in the short help.
func shortItemWidth(b key.Binding) int {
	return ansi.StringWidth(b.Help().Key) + 1 + ansi.StringWidth(b.Help().Desc)
}

// helpGroups returns the bindings grouped by what they act on, the selected
// node first and help and quit last.
func (k keyMap) helpGroups() [][]key.Binding {
	return [][]key.Binding{
		{k.Crash, k.Restart, k.Freeze},
		{k.Campaign, k.Transfer, k.Split, k.Spread},
		{k.Isolate, k.CutBoth, k.CutOne, k.Delay, k.Loss, k.Partition, k.HealAll},
		{k.Select, k.Prev, k.Next, k.Digit, k.Enter, k.Erase, k.Up, k.Down, k.Cancel},
		{k.Pause, k.Faster, k.Slower, k.PreVote, k.CheckQuorum},
		{k.Events, k.Inspector, k.Metrics, k.Timeline, k.Talk, k.Advance, k.StopStep},
		{k.Filter, k.Beats, pairHelp(k.ScrollUp, k.ScrollDown, "↑↓/kj", "scroll events"),
			pairHelp(k.PageUp, k.PageDown, "pgup/dn", "page events"),
			pairHelp(k.Top, k.Bottom, "home/end", "oldest/newest")},
		{k.Help, k.Quit},
	}
}

// pairHelp returns a binding that only the full help shows, naming the keys of
// a and b in one line. It is enabled when either of them is.
func pairHelp(a, b key.Binding, keys, desc string) key.Binding {
	both := key.NewBinding(key.WithKeys(append(a.Keys(), b.Keys()...)...), key.WithHelp(keys, desc))
	both.SetEnabled(a.Enabled() || b.Enabled())
	return both
}

// FullHelp returns the groups of helpGroups stacked into as few lines as the
// terminal width allows.
func (k keyMap) FullHelp() [][]key.Binding {
	return packHelpColumns(k.helpGroups(), k.width)
}

// fullHelpHeight returns how many lines the full help takes.
func (k keyMap) fullHelpHeight() int {
	height := 0
	for _, column := range k.FullHelp() {
		height = max(height, len(column))
	}
	return height
}

// digitKeys returns the keys of the digits from first to last.
func digitKeys(first, last int) []string {
	keys := make([]string, 0, max(last-first+1, 0))
	for i := first; i <= last; i++ {
		keys = append(keys, strconv.Itoa(i))
	}
	return keys
}

// numberKeys returns the digit keys that may come next in a node number. Once
// a first digit is typed, any digit may follow: typeDigit rejects a number
// that names no node.
func numberKeys(nodes int, typed string) []string {
	switch {
	case nodes <= maxDigitNodes:
		return digitKeys(1, nodes)
	case typed == "":
		return digitKeys(1, 9)
	}
	return digitKeys(0, 9)
}

// nodeRange returns the node numbers of a cluster of n nodes, such as "1-5".
func nodeRange(n int) string { return digitRange(1, n) }

func digitRange(first, last int) string {
	if last <= first {
		return strconv.Itoa(first)
	}
	return strconv.Itoa(first) + "-" + strconv.Itoa(last)
}
