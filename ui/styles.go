package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"github.com/raftplay/raftplay/raft"
)

// Colors are ANSI palette indexes rather than RGB values, so the terminal's own
// theme picks shades that read on dark and light backgrounds and on projectors.
var (
	colorLeader     = lipgloss.Color("2")  // green
	colorCandidate  = lipgloss.Color("3")  // yellow
	colorFollower   = lipgloss.Color("6")  // cyan
	colorDown       = lipgloss.Color("8")  // bright black, which terminals show as grey
	colorAccent     = lipgloss.Color("5")  // magenta, for the selection and prompts
	colorError      = lipgloss.Color("1")  // red
	colorFrozen     = lipgloss.Color("4")  // blue, for frozen nodes
	colorBannerText = lipgloss.Color("15") // bright white, on the red safety banner
)

var (
	styleBold = lipgloss.NewStyle().Bold(true)
	styleDim  = lipgloss.NewStyle().Foreground(colorDown)

	// Header.
	styleTitle     = lipgloss.NewStyle().Bold(true).Foreground(colorAccent)
	styleHasLeader = lipgloss.NewStyle().Bold(true).Foreground(colorLeader)
	styleNoLeader  = lipgloss.NewStyle().Bold(true).Foreground(colorCandidate)
	styleWarning   = lipgloss.NewStyle().Bold(true).Foreground(colorError)
	stylePaused    = lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(colorCandidate)
	styleBanner    = lipgloss.NewStyle().Bold(true).
			Foreground(colorBannerText).Background(colorError)

	// Node cards. The selected and the frozen cards differ in border shape as
	// well as color, so both stay visible on a monochrome screen. A frozen card
	// that is also selected takes the selected border and keeps its FROZEN label.
	styleCard = lipgloss.NewStyle().
			Border(lipgloss.RoundedBorder()).BorderForeground(colorDown)
	styleCardSelected = lipgloss.NewStyle().
				Border(lipgloss.ThickBorder()).BorderForeground(colorAccent)
	styleCardFrozen = lipgloss.NewStyle().
			Border(lipgloss.DoubleBorder()).BorderForeground(colorFrozen)
	styleFrozen    = lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(colorFrozen)
	styleFollower  = lipgloss.NewStyle().Foreground(colorFollower)
	styleCandidate = lipgloss.NewStyle().Bold(true).Foreground(colorCandidate)
	styleLeader    = lipgloss.NewStyle().Bold(true).Foreground(colorLeader)
	styleDown      = lipgloss.NewStyle().Bold(true).Foreground(colorDown)

	// Link matrix.
	styleDelivered = lipgloss.NewStyle().Foreground(colorLeader)
	styleCut       = lipgloss.NewStyle().Bold(true).Foreground(colorError)
	styleDegraded  = lipgloss.NewStyle().Bold(true).Foreground(colorCandidate) // delayed or lossy
	styleSelf      = styleDim
	styleSelected  = lipgloss.NewStyle().Bold(true).Foreground(colorAccent)

	// Event list.
	styleEventElection = lipgloss.NewStyle().Foreground(colorCandidate)
	styleEventLeader   = lipgloss.NewStyle().Bold(true).Foreground(colorLeader)
	styleEventFault    = lipgloss.NewStyle().Foreground(colorError)
	styleEventRecover  = lipgloss.NewStyle().Foreground(colorFollower)
	styleEventControl  = lipgloss.NewStyle().Foreground(colorAccent)
	styleEventUnsafe   = lipgloss.NewStyle().Bold(true).Foreground(colorError)
	styleEventPlain    = lipgloss.NewStyle()

	// Menus.
	styleMenuTitle  = styleStatusPrompt
	styleMenuChosen = lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(colorAccent)

	// Status line.
	styleStatusInfo   = styleDim
	styleStatusPrompt = lipgloss.NewStyle().Bold(true).Foreground(colorAccent)
	styleStatusError  = lipgloss.NewStyle().Bold(true).Foreground(colorError)
)

// roleStyle returns the color of a running node's role.
func roleStyle(r raft.Role) lipgloss.Style {
	switch r {
	case raft.Leader:
		return styleLeader
	case raft.Candidate:
		return styleCandidate
	}
	return styleFollower
}

// helpStyles keeps key names bold and descriptions in the terminal's default
// color: the default help colors are too faint to read on a projector.
func helpStyles() help.Styles {
	return help.Styles{
		Ellipsis:       styleDim,
		ShortKey:       styleBold,
		ShortDesc:      lipgloss.NewStyle(),
		ShortSeparator: styleDim,
		FullKey:        styleBold,
		FullDesc:       lipgloss.NewStyle(),
		FullSeparator:  styleDim,
	}
}

func eventStyle(c eventClass) lipgloss.Style {
	switch c {
	case classElection:
		return styleEventElection
	case classLeader:
		return styleEventLeader
	case classFault:
		return styleEventFault
	case classRecover:
		return styleEventRecover
	case classControl:
		return styleEventControl
	case classUnsafe:
		return styleEventUnsafe
	}
	return styleEventPlain
}
