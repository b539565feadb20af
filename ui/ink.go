package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// ink is a style that only colors text: foreground, background, bold,
// reverse. It paints a line by putting the style's opening and closing escape
// codes around it, worked out once when the styles are built. Lip Gloss would
// parse, measure and align the text on every call, and the cards and node
// lines paint dozens of short pieces each frame.
type ink struct {
	style      lipgloss.Style
	open, shut string
	fast       bool // open and shut were found
}

// inkMark stands for the text while the codes around it are worked out.
const inkMark = "\x00"

func newInk(s lipgloss.Style) ink {
	painted := s.Render(inkMark)
	at := strings.Index(painted, inkMark)
	if at < 0 {
		return ink{style: s}
	}
	return ink{style: s, open: painted[:at], shut: painted[at+len(inkMark):], fast: true}
}

// Render paints text as the style would. Empty text, and text of several
// lines or with tabs, which Lip Gloss rewrites, goes through the style itself.
func (k ink) Render(text string) string {
	if !k.fast || text == "" || strings.ContainsAny(text, "\t\n\r") {
		return k.style.Render(text)
	}
	return k.open + text + k.shut
}
