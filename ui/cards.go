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
	frame         lipgloss.Style
	selectedFrame lipgloss.Style
	frozenFrame   lipgloss.Style
}

func (p *cardsPanel) setSize(l layout) {
	padding := 0
	if l.cardWidth >= 20 {
		padding = 1
	}
	p.perRow = l.perRow
	p.inner = l.cardWidth - borderSize - 2*padding
	p.lines = l.cardLines
	p.frame = sizeCard(styleCard, l, padding)
	p.selectedFrame = sizeCard(styleCardSelected, l, padding)
	p.frozenFrame = sizeCard(styleCardFrozen, l, padding)
}

func sizeCard(style lipgloss.Style, l layout, padding int) lipgloss.Style {
	return style.Width(l.cardWidth).Height(l.cardHeight).Padding(0, padding)
}

// view lays the cards out in rows of perRow.
func (p cardsPanel) view(s cluster.Snapshot, selected int) string {
	if p.perRow < 1 {
		return ""
	}
	var rows []string
	for start := 0; start < len(s.Nodes); start += p.perRow {
		end := min(start+p.perRow, len(s.Nodes))
		cards := make([]string, 0, end-start)
		for _, n := range s.Nodes[start:end] {
			cards = append(cards, p.card(s, n, n.ID == selected))
		}
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, cards...))
	}
	return lipgloss.JoinVertical(lipgloss.Left, rows...)
}

func (p cardsPanel) card(s cluster.Snapshot, n cluster.NodeSnapshot, selected bool) string {
	frame := p.frame
	switch {
	case selected:
		frame = p.selectedFrame
	case n.Up && n.Frozen:
		frame = p.frozenFrame
	}
	return frame.Render(strings.Join(p.body(s, n), "\n"))
}

// tall reports whether cards have room for the lines that only tall cards show.
func (p cardsPanel) tall() bool { return p.lines > compactCardLines }

// body returns exactly p.lines lines, each at most p.inner wide. A frozen
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
		lines = slices.Insert(lines, 3, styleWarning.Render(restartLabel(n.RestartMode, p.inner)))
	}
	if n.Up && n.Frozen {
		lines = slices.Insert(lines, 1, styleFrozen.Render("FROZEN"))
	}
	lines = fitLines(lines, p.inner, room)
	if p.tall() {
		lines = append(lines, styleDim.Render(fmt.Sprintf("incarnation %d", n.Incarnation)))
	}
	return lines
}

func cardTitle(n cluster.NodeSnapshot) string {
	name := raft.NodeName(n.ID) + " "
	if !n.Up {
		return name + styleDown.Render("DOWN")
	}
	return name + roleStyle(n.Status.Role).Render(n.Status.Role.String())
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
		cardTitle(n),
		styleDim.Render(termLine(n.Persisted.Term)),
		styleDim.Render(voteLine(n.Persisted.VotedFor)),
		styleDim.Render(firstFit(p.inner, "(as in state file)", "(state file)")),
		"crashed",
	}
}

func (p cardsPanel) failedLines(n cluster.NodeSnapshot, room int) []string {
	lines := []string{cardTitle(n)}
	if n.RestartMode != cluster.RestartClean {
		lines = append(lines, styleWarning.Render(restartLabel(n.RestartMode, p.inner)))
	}
	for _, line := range wrapLines("failed: "+shortError(n), p.inner, room-len(lines)) {
		lines = append(lines, styleWarning.Render(line))
	}
	return lines
}

// shortError fits a start failure into a card: the node number is already on
// the card, the state file's folder is long and the advice after "; " is in the
// event list.
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
		cardTitle(n),
		termLine(n.Status.Term),
		voteLine(n.Status.VotedFor),
		fmt.Sprintf("followed by %d", max(s.Followers(n.ID)-1, 0)),
	}
	if n.Frozen {
		return append(lines, firstFit(p.inner, "heartbeats stopped", "no heartbeats"))
	}
	const sending = "sending heartbeats"
	if p.inner >= len(sending) {
		return append(lines, sending, "every "+formatDuration(s.Heartbeat))
	}
	return append(lines, "sending", "heartbeats")
}

// timerLines draws a follower's or candidate's election timer. The seventh line,
// why the timer was last reset, shows only on tall cards.
func (p cardsPanel) timerLines(s cluster.Snapshot, n cluster.NodeSnapshot) []string {
	st := n.Status
	return []string{
		cardTitle(n),
		termLine(st.Term),
		voteLine(st.VotedFor),
		p.roleLine(s, st),
		p.timerBar(st),
		p.timeLeft(st),
		"reset: " + resetLabel(st.ResetReason),
	}
}

// roleLine returns a candidate's tally, or the leader a follower follows.
func (p cardsPanel) roleLine(s cluster.Snapshot, st raft.Status) string {
	if st.Role != raft.Candidate {
		return "leader " + raft.NodeName(st.Leader)
	}
	granted, needed := len(st.Granted), s.Majority()
	return firstFit(p.inner,
		fmt.Sprintf("votes %d of %d needed", granted, needed),
		fmt.Sprintf("votes %d/%d", granted, needed))
}

func (p cardsPanel) timerBar(st raft.Status) string { return timerBar(st, p.inner) }

// timerBar draws the time left as a share of the timeout drawn at the last
// reset, in a bar width cells wide: full right after a reset and empty when
// the election starts.
func timerBar(st raft.Status, width int) string {
	fraction := 0.0
	if st.Timeout > 0 {
		fraction = min(float64(st.TimeLeft())/float64(st.Timeout), 1)
	}
	full := int(math.Round(fraction * float64(width)))
	return roleStyle(st.Role).Render(strings.Repeat(barFull, full)) +
		styleDim.Render(strings.Repeat(barEmpty, width-full))
}

func (p cardsPanel) timeLeft(st raft.Status) string {
	left, timeout := formatDuration(st.TimeLeft()), formatDuration(st.Timeout)
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
