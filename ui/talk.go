package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// Options changes how New sets up the UI. The zero value is the default.
type Options struct {
	// Talk starts the UI in talk mode, as the z key does: large high-contrast
	// cards that mark each role with a glyph as well as a color, no listed
	// heartbeats, and the keys of a presenter remote (. → and page-down)
	// bound to OnAdvance.
	Talk bool

	// OnAdvance, when set, is called each time a presenter presses the advance
	// key: . at any time, and also → and page-down in talk mode. It runs in a
	// Bubble Tea command, off the UI goroutine, so it may block, for instance
	// to run the next step of a scenario. When OnAdvance is nil the advance keys
	// work only in talk mode, where they say that nothing is attached.
	// Presenter mode does not call it.
	OnAdvance func()

	// Script, when set, turns on presenter mode, which plays a scenario for an
	// audience. A panel under the nodes shows the last caption, the outcome of
	// the last step, the next step and the progress. Space, →, . and
	// page-down each run one step, and the wait, sleep, expect and mark term
	// steps right after it run by themselves. w pauses the cluster instead of
	// space, and esc stops a step that is running. Presenter mode starts in
	// talk mode even when Talk is false, and z still turns talk mode off.
	// Quitting stops the step that is running but does not close the runner.
	Script ScriptRunner
}

// Glyphs mark each role in talk mode, so the role reads on a monochrome
// projector.
const (
	glyphLeader       = "★"
	glyphCandidate    = "?"
	glyphPreCandidate = "◌"
	glyphFollower     = "·"
	glyphDown         = "✗"
	glyphFrozen       = "❄"
)

// roleGlyph returns the glyph of a node's state: down and frozen come before
// the role, because a frozen leader leads nothing.
func roleGlyph(n cluster.NodeSnapshot) string {
	switch {
	case !n.Up:
		return glyphDown
	case n.Frozen:
		return glyphFrozen
	}
	switch n.Status.Role {
	case raft.Leader:
		return glyphLeader
	case raft.Candidate:
		return glyphCandidate
	case raft.PreCandidate:
		return glyphPreCandidate
	}
	return glyphFollower
}

// advancedMsg reports that the OnAdvance hook returned.
type advancedMsg struct{}

func (m Model) pressTalk(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	m.talk = !m.talk
	m.restyle()
	m.status = statusLine{statusInfo, "talk mode " + onOff(m.talk)}
	return m, nil
}

// pressAdvance runs the next step of the scenario in presenter mode, and
// otherwise passes a presenter's "next" to the OnAdvance hook.
func (m Model) pressAdvance(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.presenter.on() {
		return m.advanceScript()
	}
	hook := m.opts.OnAdvance
	if hook == nil {
		m.status = statusLine{statusError, "nothing to advance: no scenario is attached; start raftplay with --script to step through one"}
		return m, nil
	}
	m.status = statusLine{statusInfo, "advancing…"}
	return m, func() tea.Msg {
		hook()
		return advancedMsg{}
	}
}

func (m Model) handleAdvanced() (tea.Model, tea.Cmd) {
	if m.status.text == "advancing…" {
		m.status = statusLine{statusInfo, "advanced"}
	}
	return m, nil
}
