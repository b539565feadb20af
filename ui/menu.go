package ui

import (
	"fmt"

	"github.com/charmbracelet/x/ansi"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// menuFirstItem is the line of the first item shown, below the menu's title.
const menuFirstItem = 1

type menuKind int

const (
	menuNone    menuKind = iota
	menuRestart          // how to restart a down node
	menuPreset           // which partition preset to apply
)

type menuItem struct{ name, about string }

// menuState is the open menu, drawn in place of the link view and the event
// list.
type menuState struct {
	kind   menuKind
	node   int // the node a restart menu restarts
	cursor int // index of the highlighted item
}

func (s menuState) items() []menuItem {
	var items []menuItem
	switch s.kind {
	case menuRestart:
		for _, mode := range cluster.RestartModes {
			items = append(items, menuItem{mode.String(), restartModeAbout(mode)})
		}
	case menuPreset:
		for _, p := range cluster.Presets {
			items = append(items, menuItem{p.String(), presetAbout(p)})
		}
	}
	return items
}

func restartModeAbout(mode cluster.RestartMode) string {
	switch mode {
	case cluster.RestartClean:
		return "from the state file as it is"
	case cluster.RestartAmnesia:
		return "state file deleted first: back at term 0 with no vote"
	case cluster.RestartStale:
		return "state file put back as it was one write earlier"
	case cluster.RestartTorn:
		return "state file cut short mid-record, so the load fails"
	}
	return ""
}

func presetAbout(p cluster.Preset) string {
	switch p {
	case cluster.PresetIsolateLeader:
		return "the leader alone, the other nodes together"
	case cluster.PresetMajority:
		return "a minority holding the leader, and the majority"
	case cluster.PresetMinorityThird:
		return "under a third of the nodes, the leader among them, cut off"
	case cluster.PresetBridge:
		return "two halves that share one node, the bridge"
	case cluster.PresetMajoritiesRing:
		return "each node reaches a majority, no two the same one"
	}
	return ""
}

func (s menuState) title() string {
	if s.kind == menuRestart {
		return "restart " + raft.NodeName(s.node) + " how?"
	}
	return "apply which partition?"
}

// prompt returns the status line while the menu is open.
func (s menuState) prompt() string {
	return fmt.Sprintf("%s ↑/↓ and enter, or %s, to choose; esc cancels",
		s.title(), digitRange(1, len(s.items())))
}

// menuOffset returns the index of the first item shown when room lines are left
// for items, so that the highlighted item stays in view.
func menuOffset(cursor, items, room int) int {
	if room <= 0 || items <= room {
		return 0
	}
	return min(max(cursor-room+1, 0), items-room)
}

// view draws the menu in a block of exactly width×height cells.
func (s menuState) view(st *styles, width, height int) string {
	items := s.items()
	lines := []string{st.menuTitle.Render(s.title())}
	nameWidth := 0
	for _, item := range items {
		nameWidth = max(nameWidth, ansi.StringWidth(item.name))
	}
	offset := menuOffset(s.cursor, len(items), height-menuFirstItem)
	for i := offset; i < len(items) && len(lines) < height; i++ {
		lines = append(lines, menuLine(st, i, items[i], nameWidth, i == s.cursor))
	}
	return fitBlock(lines, width, height)
}

// menuLine draws an item with its number, the key that chooses it. The
// highlighted item has a marker as well as a color.
func menuLine(st *styles, i int, item menuItem, nameWidth int, highlighted bool) string {
	marker := "  "
	if highlighted {
		marker = "> "
	}
	text := fmt.Sprintf("%s%d %-*s  %s", marker, i+1, nameWidth, item.name, item.about)
	if highlighted {
		return st.menuChosen.Render(text)
	}
	return text
}
