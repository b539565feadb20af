package ui

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

const (
	barFull  = "█"
	barEmpty = "░"
)

// cardsPanel draws one card per node. Its sizes and sized styles are set by
// setSize in Update, so view builds no styles.
type cardsPanel struct {
	perRow        int
	inner         int // text width inside a card
	lines         int // text lines inside a card
	st            *styles
	talk          bool
	frame         cardFrame
	selectedFrame cardFrame
	frozenFrame   cardFrame
	width         int // a card's width, borders included
}

func (p *cardsPanel) setSize(l layout, st *styles, talk bool) {
	padding := 0
	if l.cardWidth >= 20 {
		padding = 1
	}
	p.perRow = l.perRow
	p.inner = l.cardWidth - borderSize - 2*padding
	p.lines = l.cardLines
	p.st, p.talk = st, talk
	p.width = l.cardWidth
	p.frame = newCardFrame(st.card, p.inner, p.lines, padding)
	p.selectedFrame = newCardFrame(st.cardSelected, p.inner, p.lines, padding)
	p.frozenFrame = newCardFrame(st.cardFrozen, p.inner, p.lines, padding)
}

// cardFrame is a card's border and padding, drawn once per layout, so that
// framing a card is one concatenation per line. A Lip Gloss border measured
// every line several times, which took most of a 25-card frame's time.
type cardFrame struct {
	top, bottom string
	left, right string // the side borders, with the padding inside them
	inner       int    // text width
	lines       int    // text lines
}

func newCardFrame(style lipgloss.Style, inner, lines, padding int) cardFrame {
	b := style.GetBorderStyle()
	edge := lipgloss.NewStyle().Foreground(style.GetBorderTopForeground())
	pad := strings.Repeat(" ", padding)
	across := max(inner+2*padding, 0) // no cards before the first layout
	inner, lines = max(inner, 0), max(lines, 0)
	return cardFrame{
		top:    edge.Render(b.TopLeft + strings.Repeat(b.Top, across) + b.TopRight),
		bottom: edge.Render(b.BottomLeft + strings.Repeat(b.Bottom, across) + b.BottomRight),
		left:   edge.Render(b.Left) + pad,
		right:  pad + edge.Render(b.Right),
		inner:  inner, lines: lines,
	}
}

// draw frames lines, cutting each to f.inner cells and their number to
// f.lines, and padding both.
func (f cardFrame) draw(lines []string) []string {
	out := make([]string, 0, f.lines+2)
	out = append(out, f.top)
	for i := range f.lines {
		var line string
		if i < len(lines) {
			line = lines[i]
		}
		width := ansi.StringWidth(line)
		if width > f.inner {
			line = ansi.Truncate(line, f.inner, "…")
			width = ansi.StringWidth(line)
		}
		out = append(out, f.left+line+strings.Repeat(" ", max(f.inner-width, 0))+f.right)
	}
	return append(out, f.bottom)
}

// view lays the cards out in rows of perRow.
func (p cardsPanel) view(s cluster.Snapshot, selected int) string {
	if p.perRow < 1 {
		return ""
	}
	// Every card is exactly p.width wide, so a row is its cards' lines side by
	// side, and a short last row is padded to the width of a full one.
	full := min(p.perRow, len(s.Nodes)) * p.width
	var lines []string
	for start := 0; start < len(s.Nodes); start += p.perRow {
		end := min(start+p.perRow, len(s.Nodes))
		row := make([]strings.Builder, p.lines+2)
		for _, n := range s.Nodes[start:end] {
			for i, line := range p.card(s, n, n.ID == selected) {
				row[i].WriteString(line)
			}
		}
		gap := strings.Repeat(" ", full-(end-start)*p.width)
		for i := range row {
			lines = append(lines, row[i].String()+gap)
		}
	}
	return strings.Join(lines, "\n")
}

func (p cardsPanel) card(s cluster.Snapshot, n cluster.NodeSnapshot, selected bool) []string {
	frame := p.frame
	switch {
	case selected:
		frame = p.selectedFrame
	case n.Up && n.Frozen:
		frame = p.frozenFrame
	}
	return frame.draw(p.body(s, n))
}

// tall reports whether cards have room for the lines that only tall cards show.
func (p cardsPanel) tall() bool { return p.lines > compactCardLines }

// body returns exactly p.lines lines, for the frame to cut to width. A frozen
// node's card shows FROZEN under its title, and a running node restarted in a
// mode other than clean names that mode under its vote. A tall card ends with
// the node's incarnation.
func (p cardsPanel) body(s cluster.Snapshot, n cluster.NodeSnapshot) []string {
	room := p.lines
	if p.tall() {
		room--
	}
	var lines []string
	switch {
	case !n.Up:
		lines = p.downLines(n, room)
	case n.Status.Role == raft.Leader:
		lines = p.leaderLines(s, n)
	default:
		lines = p.timerLines(s, n)
	}
	if n.Up && n.RestartMode != cluster.RestartClean {
		lines = slices.Insert(lines, 3, p.st.warning.Render(restartLabel(n.RestartMode, p.inner)))
	}
	if n.Up && n.Frozen {
		lines = slices.Insert(lines, 1, p.st.frozen.Render("FROZEN"))
	}
	// Exactly room lines; the frame cuts each to the card's width as it
	// measures it.
	room = max(room, 0)
	if len(lines) > room {
		lines = lines[:room]
	}
	for len(lines) < room {
		lines = append(lines, "")
	}
	if p.tall() {
		lines = append(lines, p.st.dim.Render(fmt.Sprintf("incarnation %d", n.Incarnation)))
	}
	return lines
}

// title names the node and its role. In talk mode it is a solid bar as wide
// as the card, led by the role's glyph, so the role reads without color.
func (p cardsPanel) title(n cluster.NodeSnapshot) string {
	if p.talk {
		head := roleGlyph(n) + " " + raft.NodeName(n.ID) + " "
		role := strings.ToUpper(roleName(n))
		short := role
		if n.Up {
			short = strings.ToUpper(shortRoleName(n.Status.Role))
		}
		// Narrow cards lose the margin, then the long role name, before
		// any letter is cut.
		text := firstFit(p.inner, " "+head+role, head+role, head+short)
		text = ansi.Truncate(text, p.inner, "…")
		pad := strings.Repeat(" ", max(p.inner-ansi.StringWidth(text), 0))
		return p.st.talkRole(n.Status.Role, n.Up).Render(text + pad)
	}
	name := raft.NodeName(n.ID) + " "
	if !n.Up {
		return name + p.st.down.Render("DOWN")
	}
	role := firstFit(p.inner-len(name), roleName(n), shortRoleName(n.Status.Role))
	return name + p.st.role(n.Status.Role).Render(role)
}

// roleName returns "down" for a node that is down, and its role otherwise.
func roleName(n cluster.NodeSnapshot) string {
	if !n.Up {
		return "down"
	}
	return n.Status.Role.String()
}

// shortRoleName fits "pre-candidate" into a compact card.
func shortRoleName(r raft.Role) string {
	if r == raft.PreCandidate {
		return "pre-cand."
	}
	return r.String()
}

func termLine(term uint64) string { return fmt.Sprintf("term %d", term) }

func voteLine(votedFor int) string { return "voted " + raft.NodeName(votedFor) }

// restartLabel names a restart mode in the longest wording that fits width.
func restartLabel(mode cluster.RestartMode, width int) string {
	name := mode.String()
	return firstFit(width, "restarted: "+name, name+" restart", name)
}

// downLines shows what the state file holds, since that is all a restart will
// bring back, and that the node crashed. A node that failed to start shows the
// error first, since it names the file, then the restart mode that led to it.
func (p cardsPanel) downLines(n cluster.NodeSnapshot, room int) []string {
	if n.Err != "" {
		return p.failedLines(n, room)
	}
	return []string{
		p.title(n),
		p.st.dim.Render(termLine(n.Persisted.Term)),
		p.st.dim.Render(voteLine(n.Persisted.VotedFor)),
		p.st.dim.Render(firstFit(p.inner, "(as last saved)", "(saved)")),
		"crashed",
	}
}

func (p cardsPanel) failedLines(n cluster.NodeSnapshot, room int) []string {
	lines := []string{p.title(n)}
	if n.RestartMode != cluster.RestartClean {
		lines = append(lines, p.st.warning.Render(restartLabel(n.RestartMode, p.inner)))
	}
	for _, line := range wrapLines("failed: "+shortError(n), p.inner, room-len(lines)) {
		lines = append(lines, p.st.warning.Render(line))
	}
	return lines
}

// shortError fits a start failure into a card: the node number is already on
// the card, the state file's folder is long and the advice after "; " is in the
// event feed.
func shortError(n cluster.NodeSnapshot) string {
	msg := oneLine(n.Err)
	if n.StatePath != "" {
		msg = strings.ReplaceAll(msg, n.StatePath, filepath.Base(n.StatePath))
	}
	msg = strings.TrimPrefix(msg, fmt.Sprintf("node %d: ", n.ID))
	if i := strings.Index(msg, "; "); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

func (p cardsPanel) leaderLines(s cluster.Snapshot, n cluster.NodeSnapshot) []string {
	lines := []string{
		p.title(n),
		termLine(n.Status.Term),
		voteLine(n.Status.VotedFor),
		fmt.Sprintf("followed by %d", max(s.Followers(n.ID)-1, 0)),
	}
	if n.Frozen {
		return append(lines, firstFit(p.inner, "heartbeats stopped", "no heartbeats"))
	}
	if s.Stale(n.ID) {
		reach := fmt.Sprintf("reaches %d of %d", s.Reach(n.ID), len(s.Nodes))
		return append(lines, p.st.warning.Render("STALE LEADER"), p.st.warning.Render(firstFit(p.inner, reach, "no majority")))
	}
	const sending = "sending heartbeats"
	if p.inner >= len(sending) {
		return append(lines, sending, "every "+formatDuration(s.Heartbeat))
	}
	return append(lines, "sending", "heartbeats")
}

// timerLines draws a follower's, candidate's or pre-candidate's election timer.
// A candidate's card shows its tally and each peer's reply in place of its
// vote, which is for itself, and its leader, which it has none of. The seventh
// line, why the timer was last reset, shows only on tall cards.
func (p cardsPanel) timerLines(s cluster.Snapshot, n cluster.NodeSnapshot) []string {
	status := n.Status
	lines := []string{p.title(n), termLine(status.Term)}
	if campaigning(status.Role) {
		lines = append(lines, p.tallyLine(s, status), p.repliesLine(s, status))
	} else {
		lines = append(lines, voteLine(status.VotedFor), "leader "+raft.NodeName(status.Leader))
	}
	return append(lines,
		p.timerBar(status),
		p.timeLeft(status),
		firstFit(p.inner, "reset: "+resetLabel(status.ResetReason), resetLabel(status.ResetReason)))
}

func campaigning(r raft.Role) bool { return r == raft.Candidate || r == raft.PreCandidate }

// tallyLine counts the votes granted so far, the candidate's own included,
// against the majority.
func (p cardsPanel) tallyLine(s cluster.Snapshot, status raft.Status) string {
	noun := "votes"
	if status.Role == raft.PreCandidate {
		noun = "pre-votes"
	}
	granted, needed := len(status.Granted), s.Majority()
	return firstFit(p.inner,
		fmt.Sprintf("%s %d of %d needed", noun, granted, needed),
		fmt.Sprintf("%s %d/%d", noun, granted, needed))
}

// repliesLine marks each peer's reply: ✓ granted, ✗ rejected, · none yet.
// When the names do not fit, it counts each mark instead.
func (p cardsPanel) repliesLine(s cluster.Snapshot, status raft.Status) string {
	var marks, plain []string
	counts := map[string]int{}
	for _, peer := range s.Nodes {
		if peer.ID == status.ID {
			continue
		}
		mark, style := p.reply(status, peer.ID)
		counts[mark]++
		plain = append(plain, raft.NodeName(peer.ID)+mark)
		marks = append(marks, raft.NodeName(peer.ID)+style.Render(mark))
	}
	switch width := ansi.StringWidth(strings.Join(plain, " ")); {
	case width <= p.inner:
		return strings.Join(marks, " ")
	case width-len(plain)+1 <= p.inner:
		return strings.Join(marks, "")
	}
	return fmt.Sprintf("%s%d %s%d %s%d", p.st.granted.Render(markGranted), counts[markGranted],
		p.st.rejected.Render(markRejected), counts[markRejected],
		p.st.waiting.Render(markWaiting), counts[markWaiting])
}

// The marks of a peer's reply to a candidate.
const (
	markGranted  = "✓"
	markRejected = "✗"
	markWaiting  = "·"
)

func (p cardsPanel) reply(status raft.Status, peer int) (string, ink) {
	switch {
	case slices.Contains(status.Granted, peer):
		return markGranted, p.st.granted
	case slices.Contains(status.Rejected, peer):
		return markRejected, p.st.rejected
	}
	return markWaiting, p.st.waiting
}

func (p cardsPanel) timerBar(status raft.Status) string { return timerBar(p.st, status, p.inner) }

// timerBar draws the time left as a share of the timeout drawn at the last
// reset, in a bar width cells wide: full right after a reset and empty when
// the election starts.
func timerBar(st *styles, status raft.Status, width int) string {
	fraction := 0.0
	if status.Timeout > 0 {
		fraction = min(float64(status.TimeLeft())/float64(status.Timeout), 1)
	}
	full := int(math.Round(fraction * float64(width)))
	return st.role(status.Role).Render(strings.Repeat(barFull, full)) +
		st.dim.Render(strings.Repeat(barEmpty, width-full))
}

func (p cardsPanel) timeLeft(status raft.Status) string {
	left, timeout := formatDuration(status.TimeLeft()), formatDuration(status.Timeout)
	return firstFit(p.inner,
		left+" left of "+timeout,
		left+" of "+timeout,
		left+" left")
}

// resetLabel names why an election timer was last reset, in few enough words
// for a card.
func resetLabel(r raft.ResetReason) string {
	switch r {
	case raft.ResetStart:
		return "node start"
	case raft.ResetHeartbeat:
		return "heartbeat"
	case raft.ResetVoteGranted:
		return "vote granted"
	case raft.ResetElectionStarted:
		return "new election"
	case raft.ResetSteppedDown:
		return "stepped down"
	case raft.ResetPersistFailed:
		return "save failed"
	case raft.ResetRigged:
		return "set by hand"
	case raft.ResetPreVoteStarted:
		return "pre-vote"
	}
	return r.String()
}

// formatDuration shows cluster time in milliseconds, the unit of election
// timeouts, and switches to seconds only for long durations.
func formatDuration(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return d.Round(100 * time.Millisecond).String()
}

// firstFit returns the first text no wider than width, or the last one.
func firstFit(width int, texts ...string) string {
	for _, t := range texts {
		if ansi.StringWidth(t) <= width {
			return t
		}
	}
	return texts[len(texts)-1]
}
