package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Heights of the presenter panel, in lines. The layout takes the full height
// when it fits and minPresenterHeight otherwise.
const (
	presenterHeight     = 5 // three lines of caption, the last outcome and the footer
	talkPresenterHeight = 6 // four lines of caption in talk mode
	minPresenterHeight  = 2 // one line of caption and the footer
	minOutcomeHeight    = 3 // the minimum height with a line for the outcome
	failedOutcomeHeight = 2 // a failure's reason may take two lines when height allows
	captionMargin       = 2 // blank cells on each side of talk mode's caption band
)

// Marks in front of a step's outcome, so it reads without color.
const (
	markOK      = "✓"
	markFailed  = "✗"
	markStopped = "■"
)

// view draws the presenter panel in width×height cells: the caption, the last
// step's outcome, and a footer with the progress and the next step. Below
// minOutcomeHeight the outcome is left out, and the status line reports failures.
func (p presenter) view(st *styles, talk bool, width, height int) string {
	outcomeHeight := 0
	switch {
	case height >= presenterHeight && p.last.exists && p.last.kind != outcomeOK:
		outcomeHeight = failedOutcomeHeight
	case height >= minOutcomeHeight:
		outcomeHeight = 1
	}
	captionHeight := height - 1 - outcomeHeight
	lines := fitLines(p.captionView(st, talk, width, captionHeight), width, captionHeight)
	lines = append(lines, fitLines(p.outcomeView(st, width, outcomeHeight), width, outcomeHeight)...)
	lines = append(lines, p.footer(st, width))
	return fitBlock(lines, width, height)
}

// captionView returns the last caption wrapped to width in bold, or in talk
// mode as a band in reverse video with a margin on each side.
func (p presenter) captionView(st *styles, talk bool, width, height int) []string {
	if p.caption == "" {
		return styleLines(st.dim.style, wrapLines(p.noCaption(), width, height))
	}
	if !talk || width <= 2*captionMargin+1 {
		return styleLines(st.caption, wrapLines(p.caption, width, height))
	}
	margin := strings.Repeat(" ", captionMargin)
	inner := width - 2*captionMargin
	lines := wrapLines(p.caption, inner, height)
	for i, line := range lines {
		pad := strings.Repeat(" ", max(inner-ansi.StringWidth(line), 0))
		lines[i] = st.captionBand.Render(margin + line + pad + margin)
	}
	return lines
}

// noCaption returns the dim text shown until the first say step.
func (p presenter) noCaption() string {
	switch {
	case p.pausedUntilStart:
		return "The cluster waits, paused, for the first step. Press space, → or . to run it."
	case p.finished == 0 && !p.running:
		return "Press space, → or . to run the first step."
	}
	return ""
}

// outcomeView returns the last outcome in height lines: a mark, the line and
// text of the step, and what it did or why it failed.
func (p presenter) outcomeView(st *styles, width, height int) []string {
	o := p.last
	if !o.exists || height <= 0 {
		return nil
	}
	text := fmt.Sprintf("%s line %d  %s", outcomeMark(o.kind), o.step.Line, o.step.Text)
	switch {
	case o.kind != outcomeOK:
		text += ": " + oneLine(o.text)
	case o.text != "":
		text += " → " + oneLine(o.text)
	}
	return styleLines(outcomeStyle(st, o.kind), wrapLines(text, width, height))
}

func outcomeMark(kind outcomeKind) string {
	switch kind {
	case outcomeFailed:
		return markFailed
	case outcomeStopped:
		return markStopped
	}
	return markOK
}

// outcomeStyle returns green for a step that held, red for a failure and the
// candidates' color for a step the presenter stopped.
func outcomeStyle(st *styles, kind outcomeKind) lipgloss.Style {
	switch kind {
	case outcomeFailed:
		return st.stepFailed
	case outcomeStopped:
		return st.stepStopped
	}
	return st.stepOK
}

// footer returns the scenario's name, the progress and the step that runs now
// or next, cut to width.
func (p presenter) footer(st *styles, width int) string {
	parts := []string{st.panelTitle.Render(p.name), st.dim.Render(p.progress())}
	switch {
	case p.running:
		parts = append(parts, st.running.Render(fmt.Sprintf("running… line %d  %s",
			p.current.Line, p.current.Text)))
	case p.more:
		parts = append(parts, fmt.Sprintf("next: line %d  %s", p.next.Line, p.next.Text))
	default:
		parts = append(parts, st.stepOK.Render("done: every step has run"))
	}
	return ansi.Truncate(strings.Join(parts, st.dim.Render(" · ")), width, "…")
}

// progress returns "step 5 of 14": the step running, or the last one finished.
func (p presenter) progress() string {
	total := len(p.lines)
	switch {
	case p.running:
		return fmt.Sprintf("step %d of %d", p.finished+1, total)
	case p.finished == 0:
		return fmt.Sprintf("%d steps", total)
	}
	return fmt.Sprintf("step %d of %d", p.finished, total)
}

// styleLines renders each line in style.
func styleLines(style lipgloss.Style, lines []string) []string {
	for i, line := range lines {
		lines[i] = style.Render(line)
	}
	return lines
}

// presenterHeightFor returns the height the layout gives the presenter panel:
// 0 outside presenter mode.
func (m Model) presenterHeightFor() int {
	switch {
	case !m.presenter.on():
		return 0
	case m.talk:
		return talkPresenterHeight
	}
	return presenterHeight
}
