package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/raftplay/raftplay/raft"
)

// View draws the model. It reads only the model: the layout and the key
// bindings are brought up to date in Update.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "raftplay"
	return v
}

func (m Model) render() string {
	l := m.layout
	switch {
	case m.width == 0 || m.height == 0:
		return "" // the terminal size has not arrived yet
	case l.tooSmall:
		return m.tooSmallView()
	}
	var parts []string
	if l.bannerHeight > 0 {
		parts = append(parts, bannerView(m.st, m.allViolations(), l.width))
	}
	parts = append(parts, headerView(m.st, m.snap, l.width))
	if l.nodesHeight > 0 {
		parts = append(parts, m.nodesView())
	}
	if l.presenterHeight > 0 {
		parts = append(parts, m.presenter.view(m.st, m.talk, l.width, l.presenterHeight))
	}
	parts = append(parts, m.bottomView(), m.statusView(), m.helpView())
	return strings.Join(parts, "\n")
}

func (m Model) nodesView() string {
	if m.layout.lines {
		return m.nodeLines.view(m.snap, m.selected)
	}
	return m.cards.view(m.snap, m.selected)
}

// bottomView returns the open menu, or the side-by-side panels over the
// timeline.
func (m Model) bottomView() string {
	l := m.layout
	switch {
	case m.mode == modeMenu:
		return m.menu.view(m.st, l.width, l.bottomHeight)
	case l.fullHelp:
		return fitBlock(strings.Split(m.help.FullHelpView(m.keys.FullHelp()), "\n"),
			l.width, l.bottomHeight)
	}
	// Every panel returns a block of exactly its width and the side height,
	// so the blocks join line by line, with no measuring, and the row is
	// padded to the screen's width.
	rows := make([]strings.Builder, l.sideHeight)
	used := 0
	for i, p := range l.sides {
		if i > 0 {
			used += panelGap
			for r := range rows {
				rows[r].WriteString(strings.Repeat(" ", panelGap))
			}
		}
		lines := strings.Split(m.panelView(p.id, p.width, l.sideHeight), "\n")
		for r := range rows {
			if r < len(lines) {
				rows[r].WriteString(lines[r])
			} else {
				rows[r].WriteString(strings.Repeat(" ", p.width))
			}
		}
		used += p.width
	}
	lines := make([]string, len(rows))
	for r := range rows {
		lines[r] = rows[r].String() + strings.Repeat(" ", max(l.width-used, 0))
		if used > l.width { // the layout never plans this; cut rather than wrap
			lines[r] = cut(lines[r], l.width)
		}
	}
	sides := strings.Join(lines, "\n")
	if !l.timeline {
		return sides
	}
	return sides + "\n" + m.timeline.view(m.st, m.origin, m.snap.Time, l.width)
}

func (m Model) panelView(id panelID, width, height int) string {
	switch id {
	case panelLinks:
		return linksView(m.st, m.snap, m.selected, width, height, m.layout.linksMatrix)
	case panelFeed:
		return m.feed.view(m.st, width, height)
	case panelInspector:
		n, _ := m.selectedNode()
		return m.inspector.view(m.st, n, width, height)
	}
	return metricsView(m.st, m.failovers, m.elections, m.rates, m.snap.Time, width, height)
}

// tooSmallView returns the line that requests a larger terminal, under the
// safety banner when a safety rule broke and the terminal has two lines.
func (m Model) tooSmallView() string {
	line := tooSmallLine(m.layout)
	if violations := m.allViolations(); len(violations) > 0 && m.height > 1 {
		return bannerView(m.st, violations, m.width) + "\n" + line
	}
	return line
}

// tooSmallLine returns the one line shown instead of the cluster, in the
// longest wording that fits the terminal.
func tooSmallLine(l layout) string {
	need := fmt.Sprintf("%dx%d", l.needWidth, l.needHeight)
	text := firstFit(l.width,
		fmt.Sprintf("terminal too small (%dx%d): raftplay needs at least %s", l.width, l.height, need),
		"terminal too small: need "+need,
		"need "+need)
	return ansi.Truncate(text, l.width, "…")
}

func (m Model) statusView() string {
	s := m.status
	if s.text == "" {
		s = statusLine{statusInfo, raft.NodeName(m.selected) + " selected: the keys below act on it"}
	}
	text := ansi.Truncate(oneLine(s.text), m.layout.width, "…")
	switch s.kind {
	case statusPrompt:
		return m.st.statusPrompt.Render(text)
	case statusError:
		return m.st.statusError.Render(text)
	}
	return m.st.statusInfo.Render(text)
}

// helpView cuts the help line to the terminal width: help.Model.ShortHelpView
// (bubbles v2.1.1) stops cutting once its own "…" no longer fits.
func (m Model) helpView() string {
	text := m.help.ShortHelpView(m.keys.ShortHelp())
	return fitLines([]string{oneLine(text)}, m.layout.width, 1)[0]
}

// oneLine joins the lines of a message from elsewhere, such as an error, so it
// cannot push the panels below it down.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// fitLines returns exactly height lines, each cut to at most width cells.
func fitLines(lines []string, width, height int) []string {
	out := make([]string, height)
	for i := range out {
		if i < len(lines) {
			out[i] = cut(lines[i], width)
		}
	}
	return out
}

// cut returns line cut to at most width cells, ending with "…" if it was
// longer. A line that fits, as most do, is measured once and returned as is.
func cut(line string, width int) string {
	if ansi.StringWidth(line) <= width {
		return line
	}
	return ansi.Truncate(line, width, "…")
}

// fitBlock returns a block of exactly width×height cells, so panels joined side
// by side stay aligned.
func fitBlock(lines []string, width, height int) string {
	out := fitLines(lines, width, height)
	for i, line := range out {
		out[i] = line + strings.Repeat(" ", max(width-ansi.StringWidth(line), 0))
	}
	return strings.Join(out, "\n")
}

// wrapLines wraps text at width into at most maxLines lines, ending with "…"
// when text is longer.
func wrapLines(text string, width, maxLines int) []string {
	if maxLines <= 0 || width <= 1 {
		return nil
	}
	lines := strings.Split(ansi.Wrap(text, width, " /"), "\n")
	if len(lines) <= maxLines {
		return lines
	}
	lines = lines[:maxLines]
	lines[maxLines-1] = ansi.Truncate(lines[maxLines-1], width-1, "") + "…"
	return lines
}
