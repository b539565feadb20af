package ui

import (
	"image/color"
	"os"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"github.com/raftplay/raftplay/raft"
)

// palette is the set of colors every style is drawn with.
type palette struct {
	leader, candidate, follower, down, accent, error, frozen, bannerText color.Color
}

// newPalette returns the colors for a dark or light terminal background. On a
// dark background they are ANSI palette indexes, so the terminal's own theme
// picks shades that read on projectors. On a light one, ANSI yellow and cyan
// wash out, so fixed darker shades of the 256-color palette replace them. Talk
// mode takes the bright variants on a dark background for contrast. With
// noColor every color is lipgloss.NoColor, which renders no color code at all.
func newPalette(dark, noColor, talk bool) palette {
	if noColor {
		none := lipgloss.NoColor{}
		return palette{none, none, none, none, none, none, none, none}
	}
	ld := lipgloss.LightDark(dark)
	c := lipgloss.Color
	p := palette{
		leader:     ld(c("28"), c("2")),  // green
		candidate:  ld(c("130"), c("3")), // dark orange on light, yellow on dark
		follower:   ld(c("24"), c("6")),  // dark blue-cyan on light, cyan on dark
		down:       ld(c("243"), c("8")), // grey
		accent:     ld(c("90"), c("5")),  // magenta, for the selection and prompts
		error:      ld(c("124"), c("1")), // red
		frozen:     ld(c("19"), c("4")),  // blue, for frozen nodes
		bannerText: ld(c("15"), c("15")), // bright white, on the red safety banner
	}
	if talk && dark {
		p.leader, p.candidate, p.follower = c("10"), c("11"), c("14")
		p.down, p.accent, p.error, p.frozen = c("7"), c("13"), c("9"), c("12")
	}
	return p
}

// noColorRequested reports whether the NO_COLOR environment variable turns
// color off: any non-empty value does, as https://no-color.org specifies.
func noColorRequested() bool { return os.Getenv("NO_COLOR") != "" }

// styles holds every style the UI draws with. The model builds it in Update
// whenever the background, NO_COLOR or talk mode changes, and hands it to the
// panels, so View builds no styles.
type styles struct {
	noColor bool

	bold lipgloss.Style
	dim  ink

	// Header.
	title, hasLeader, noLeader, paused, banner, optionOn, optionOff lipgloss.Style
	warning                                                         ink

	// Node cards. The selected and the frozen cards differ in border shape as
	// well as color, so both stay visible on a monochrome screen. A frozen card
	// that is also selected takes the selected border and keeps its FROZEN label.
	card, cardSelected, cardFrozen        lipgloss.Style
	frozen, follower, candidate, leader   ink
	down, granted, rejected, waiting      ink
	talkLeader, talkCandidate, talkFollow lipgloss.Style // talk mode's title bars
	talkDown                              lipgloss.Style

	// Link matrix.
	delivered, cut, degraded, self, selected ink

	// Event feed, and the marks of the timeline that share its classes.
	eventElection, eventLeader, eventFault, eventRecover lipgloss.Style
	eventControl, eventUnsafe, eventPlain, eventTime     lipgloss.Style

	// Panels.
	panelTitle, label, ok, stopwatch, running, bar lipgloss.Style

	// Menus and the status line.
	menuTitle, menuChosen, statusInfo, statusPrompt, statusError lipgloss.Style

	// Presenter panel: the caption, in talk mode as a band in reverse video,
	// and the outcome of the last step.
	caption, captionBand, stepOK, stepFailed, stepStopped lipgloss.Style
}

func newStyles(p palette, noColor bool) *styles {
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	bold := lipgloss.NewStyle().Bold(true)
	s := &styles{noColor: noColor, bold: bold, dim: newInk(fg(p.down))}
	s.setHeader(p, fg)
	s.setCards(p, fg)
	s.delivered, s.cut, s.degraded = newInk(fg(p.leader)), newInk(fg(p.error).Bold(true)), newInk(fg(p.candidate).Bold(true))
	s.self, s.selected = s.dim, newInk(fg(p.accent).Bold(true))
	s.eventElection, s.eventLeader = fg(p.candidate), fg(p.leader).Bold(true)
	s.eventFault, s.eventRecover = fg(p.error), fg(p.follower)
	s.eventControl, s.eventUnsafe = fg(p.accent), fg(p.error).Bold(true)
	s.eventPlain, s.eventTime = lipgloss.NewStyle(), s.dim.style
	s.panelTitle, s.label, s.ok = bold, bold, fg(p.leader)
	s.stopwatch, s.running, s.bar = fg(p.leader).Bold(true), fg(p.candidate).Bold(true), fg(p.follower)
	s.statusInfo = s.dim.style
	s.statusPrompt, s.statusError = fg(p.accent).Bold(true), fg(p.error).Bold(true)
	s.menuTitle, s.menuChosen = s.statusPrompt, fg(p.accent).Bold(true).Reverse(true)
	s.caption, s.captionBand = bold, bold.Reverse(true)
	s.stepOK, s.stepFailed = fg(p.leader).Bold(true), fg(p.error).Bold(true)
	s.stepStopped = fg(p.candidate).Bold(true)
	return s
}

func (s *styles) setHeader(p palette, fg func(color.Color) lipgloss.Style) {
	s.title = fg(p.accent).Bold(true)
	s.hasLeader, s.noLeader = fg(p.leader).Bold(true), fg(p.candidate).Bold(true)
	s.warning = newInk(fg(p.error).Bold(true))
	s.paused = fg(p.candidate).Bold(true).Reverse(true)
	s.banner = fg(p.bannerText).Background(p.error).Bold(true)
	if s.noColor {
		s.banner = s.banner.Reverse(true) // without the red, reverse video marks it
	}
	s.optionOn, s.optionOff = fg(p.leader).Bold(true), s.dim.style
}

func (s *styles) setCards(p palette, fg func(color.Color) lipgloss.Style) {
	border := func(b lipgloss.Border, c color.Color) lipgloss.Style {
		return lipgloss.NewStyle().Border(b).BorderForeground(c)
	}
	s.card = border(lipgloss.RoundedBorder(), p.down)
	s.cardSelected = border(lipgloss.ThickBorder(), p.accent)
	s.cardFrozen = border(lipgloss.DoubleBorder(), p.frozen)
	s.frozen = newInk(fg(p.frozen).Bold(true).Reverse(true))
	s.follower, s.candidate = newInk(fg(p.follower)), newInk(fg(p.candidate).Bold(true))
	s.leader, s.down = newInk(fg(p.leader).Bold(true)), newInk(fg(p.down).Bold(true))
	s.granted, s.rejected, s.waiting = newInk(fg(p.leader).Bold(true)), newInk(fg(p.error).Bold(true)), s.dim
	// Reverse video makes talk mode's title bars solid bands that read in
	// monochrome as well as in color.
	s.talkLeader = s.leader.style.Reverse(true)
	s.talkCandidate = s.candidate.style.Reverse(true)
	s.talkFollow = s.follower.style.Bold(true).Reverse(true)
	s.talkDown = s.down.style.Reverse(true)
}

// role returns the style of a running node's role.
func (s *styles) role(r raft.Role) ink {
	switch r {
	case raft.Leader:
		return s.leader
	case raft.Candidate, raft.PreCandidate:
		return s.candidate
	}
	return s.follower
}

// talkRole returns the style of a talk-mode card's title bar.
func (s *styles) talkRole(r raft.Role, up bool) lipgloss.Style {
	switch {
	case !up:
		return s.talkDown
	case r == raft.Leader:
		return s.talkLeader
	case r == raft.Candidate, r == raft.PreCandidate:
		return s.talkCandidate
	}
	return s.talkFollow
}

// help keeps key names bold and descriptions in the terminal's default color:
// the default help colors are too faint to read on a projector.
func (s *styles) help() help.Styles {
	return help.Styles{
		Ellipsis:       s.dim.style,
		ShortKey:       s.bold,
		ShortDesc:      lipgloss.NewStyle(),
		ShortSeparator: s.dim.style,
		FullKey:        s.bold,
		FullDesc:       lipgloss.NewStyle(),
		FullSeparator:  s.dim.style,
	}
}

func (s *styles) event(c eventClass) lipgloss.Style {
	switch c {
	case classElection:
		return s.eventElection
	case classLeader:
		return s.eventLeader
	case classFault:
		return s.eventFault
	case classRecover:
		return s.eventRecover
	case classControl:
		return s.eventControl
	case classUnsafe:
		return s.eventUnsafe
	}
	return s.eventPlain
}
