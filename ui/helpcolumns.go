package ui

import (
	"slices"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// helpColumnGap is the width of help.Model's default FullSeparator, which
// precedes every column but the first.
const helpColumnGap = 4

// packHelpColumns stacks groups of bindings into columns, keeping each group
// whole and in order, and returns the shortest stack no wider than width. When
// even one column is too wide, it returns that one column. Disabled bindings
// are dropped first, since help does not show them.
func packHelpColumns(groups [][]key.Binding, width int) [][]key.Binding {
	groups = enabledGroups(groups)
	tallest, total := 0, 0
	for _, g := range groups {
		tallest = max(tallest, len(g))
		total += len(g)
	}
	for height := tallest; height < total; height++ {
		if columns := stackGroups(groups, height); helpWidth(columns) <= width {
			return columns
		}
	}
	return stackGroups(groups, total)
}

func enabledGroups(groups [][]key.Binding) [][]key.Binding {
	var out [][]key.Binding
	for _, g := range groups {
		disabled := func(b key.Binding) bool { return !b.Enabled() }
		enabled := slices.DeleteFunc(slices.Clone(g), disabled)
		if len(enabled) > 0 {
			out = append(out, enabled)
		}
	}
	return out
}

// stackGroups fills columns of at most height bindings, starting a new column
// when the next group does not fit in the current one.
func stackGroups(groups [][]key.Binding, height int) [][]key.Binding {
	var columns [][]key.Binding
	var column []key.Binding
	for _, g := range groups {
		if len(column) > 0 && len(column)+len(g) > height {
			columns = append(columns, column)
			column = nil
		}
		column = append(column, g...)
	}
	if len(column) > 0 {
		columns = append(columns, column)
	}
	return columns
}

// helpWidth returns the width help.Model.FullHelpView draws columns in: each
// column is its widest key, a space and its widest description.
func helpWidth(columns [][]key.Binding) int {
	width := 0
	for i, column := range columns {
		keys, descs := 0, 0
		for _, b := range column {
			keys = max(keys, ansi.StringWidth(b.Help().Key))
			descs = max(descs, ansi.StringWidth(b.Help().Desc))
		}
		width += keys + 1 + descs
		if i > 0 {
			width += helpColumnGap
		}
	}
	return width
}
