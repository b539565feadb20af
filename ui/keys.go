package ui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/raft"
)

// maxNodes is the largest cluster the number keys can address.
const maxNodes = 9

// keyMap holds every key binding of the UI. It implements help.KeyMap.
type keyMap struct {
	Select  key.Binding
	Prev    key.Binding
	Next    key.Binding
	Crash   key.Binding
	Restart key.Binding
	Isolate key.Binding
	CutBoth key.Binding
	CutOne  key.Binding
	HealAll key.Binding
	Target  key.Binding // the node number that completes CutBoth or CutOne
	Cancel  key.Binding
	Help    key.Binding
	Quit    key.Binding
}

func newKeyMap() keyMap {
	digits := digitKeys(maxNodes)
	k := keyMap{
		Select:  binding("1-9", "select", digits...),
		Prev:    binding("←/h", "previous node", "left", "h", "shift+tab"),
		Next:    binding("→/l/tab", "next node", "right", "l", "tab"),
		Crash:   binding("c", "crash node", "c"),
		Restart: binding("r", "restart node", "r"),
		Isolate: binding("i", "isolate node", "i"),
		CutBoth: binding("x", "cut/heal", "x"),
		CutOne:  binding("o", "cut/heal one way", "o"),
		HealAll: binding("H", "heal all links", "H"),
		Target:  binding("1-9", "pick the other node", digits...),
		Cancel:  binding("esc", "cancel", "esc"),
		Help:    binding("?", "all keys", "?"),
		Quit:    binding("q", "quit", "q", "ctrl+c"),
	}
	// Target and Cancel apply only while a node number is awaited.
	k.Target.SetEnabled(false)
	k.Cancel.SetEnabled(false)
	return k
}

func binding(helpKey, helpDesc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKey, helpDesc))
}

// keyContext is the state that decides which bindings apply.
type keyContext struct {
	nodes    int
	selected int  // node id, or raft.None when there are no nodes
	up       bool // whether the selected node runs
	isolated bool // whether every link to and from the selected node is cut
	pending  bool // waiting for the node number after x or o
}

// update enables only the bindings that apply in ctx. A disabled binding never
// matches a key press, and help leaves it out, so the help line always lists
// what can be done to the selected node now.
func (k *keyMap) update(ctx keyContext) {
	idle := !ctx.pending
	node := idle && ctx.selected != raft.None
	name := raft.NodeName(ctx.selected)
	numbers := digitKeys(min(ctx.nodes, maxNodes))

	k.Select.SetKeys(numbers...)
	k.Select.SetHelp(digitRange(ctx.nodes), "select")
	k.Select.SetEnabled(idle && ctx.nodes > 0)
	k.Prev.SetEnabled(idle && ctx.nodes > 1)
	k.Next.SetEnabled(idle && ctx.nodes > 1)

	k.Crash.SetHelp("c", "crash "+name)
	k.Crash.SetEnabled(node && ctx.up)
	k.Restart.SetHelp("r", "restart "+name)
	k.Restart.SetEnabled(node && !ctx.up)
	k.Isolate.SetHelp("i", isolateHelp(ctx.isolated, name))
	k.Isolate.SetEnabled(node && ctx.nodes > 1)
	k.CutBoth.SetEnabled(node && ctx.nodes > 1)
	k.CutOne.SetEnabled(node && ctx.nodes > 1)
	k.HealAll.SetEnabled(idle)
	k.Help.SetEnabled(idle)

	k.Target.SetKeys(numbers...)
	k.Target.SetHelp(digitRange(ctx.nodes), "pick the other node")
	k.Target.SetEnabled(ctx.pending)
	k.Cancel.SetEnabled(ctx.pending)
}

func isolateHelp(isolated bool, name string) string {
	if isolated {
		return "rejoin " + name
	}
	return "isolate " + name
}

// ShortHelp lists the keys a newcomer needs first. The ? key shows the rest.
func (k keyMap) ShortHelp() []key.Binding {
	if k.Target.Enabled() {
		return []key.Binding{k.Target, k.Cancel, k.Quit}
	}
	return []key.Binding{k.Select, k.Crash, k.Restart, k.Isolate, k.CutBoth, k.Help, k.Quit}
}

// FullHelp groups the keys by what they act on.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Select, k.Prev, k.Next, k.Target, k.Cancel},
		{k.Crash, k.Restart, k.Isolate},
		{k.CutBoth, k.CutOne, k.HealAll},
		{k.Help, k.Quit},
	}
}

// fullHelpHeight returns how many lines the full help takes: that of its
// longest column, counting only the bindings help shows.
func (k keyMap) fullHelpHeight() int {
	height := 0
	for _, column := range k.FullHelp() {
		enabled := 0
		for _, b := range column {
			if b.Enabled() {
				enabled++
			}
		}
		height = max(height, enabled)
	}
	return height
}

// digitKeys returns the keys "1" to "n".
func digitKeys(n int) []string {
	keys := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		keys = append(keys, strconv.Itoa(i))
	}
	return keys
}

func digitRange(n int) string {
	if n <= 1 {
		return "1"
	}
	return "1-" + strconv.Itoa(min(n, maxNodes))
}

// keyNumber returns the node number a digit key stands for. Callers check first
// that msg matched a binding made of digit keys.
func keyNumber(msg tea.KeyPressMsg) int {
	n, err := strconv.Atoi(msg.String())
	if err != nil {
		return raft.None
	}
	return n
}
