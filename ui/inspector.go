package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// inspectInterval is the least wall time between two reads of the selected
// node's state file while the inspector shows.
const inspectInterval = 250 * time.Millisecond

// inspectorLines are the lines of the inspector other than one per peer: the
// title, the path, the decoded file, its writes, the incarnation, the timer
// and why it was reset, the message counts, and the heading of the peers.
const inspectorLines = 9

// inspectorMinHeight returns the height at which the inspector shows all but
// the peers, and at least one line of those.
func inspectorMinHeight(nodes int) int { return inspectorLines + min(max(nodes-1, 0), 1) }

// stateRead is the result of reading a node's state file.
type stateRead struct {
	node    int
	path    string
	file    raft.StateFile
	err     error     // nil when the file verified
	missing bool      // there is no file, as before the first write
	modTime time.Time // the file's modification time, on the wall clock
	started time.Time // wall time the read began
}

// stateReadMsg carries a finished read of a state file.
type stateReadMsg stateRead

// readState reads and verifies node id's state file off the UI goroutine.
func readState(id int, path string) tea.Cmd {
	return func() tea.Msg { return stateReadMsg(readStateFile(id, path)) }
}

// readStateFile reads and verifies node id's state file.
func readStateFile(id int, path string) stateRead {
	r := stateRead{node: id, path: path, started: time.Now()}
	if info, err := os.Stat(path); err == nil {
		r.modTime = info.ModTime()
	}
	r.file, r.err = raft.ReadStateFile(path)
	if errors.Is(r.err, fs.ErrNotExist) {
		r.missing, r.err = true, nil
	}
	return r
}

// inspector shows the selected node's state file as it is on disk, next to
// what the node has in memory: its timer, its contacts and its messages.
type inspector struct {
	read     stateRead // the last read, of whichever node was selected then
	reading  bool      // a read is under way
	lastRead time.Time // wall time the last read started, or a tick will start it
}

// take shows read r, unless the inspector already shows a newer read of the
// selected node: a read that rode on a tick can finish after one that a new
// selection started.
func (in *inspector) take(r stateRead, selected int) {
	if in.read.node == selected && (r.node != selected || r.started.Before(in.read.started)) {
		return
	}
	in.read = r
}

// due reports whether the file of node id should be read again now.
func (in inspector) due(id int, now time.Time) bool {
	if in.reading {
		return false
	}
	return in.read.node != id || now.Sub(in.lastRead) >= inspectInterval
}

// view draws node n in a block of width×height.
func (in inspector) view(st *styles, n cluster.NodeSnapshot, width, height int) string {
	lines := []string{st.panelTitle.Render("inspector: "+raft.NodeName(n.ID)) +
		st.dim.Render(" (I hides)")}
	lines = append(lines, row(st, "file", middleTruncate(n.StatePath, width-labelWidth)))
	lines = append(lines, in.fileLines(st, n, width)...)
	lines = append(lines, row(st, "process", processText(n)))
	left, reset := timerText(n)
	lines = append(lines, row(st, "timer", left), row(st, "reset by", reset))
	lines = append(lines, row(st, "messages", countsText(n.Status.Counts)))
	room := height - len(lines) - 1
	heading := "last message from each peer"
	if !n.Up {
		// The times count back from the moment the node went down.
		heading = firstFit(width-labelWidth, "last message from each peer, as it went down",
			"last messages as it went down", "as it went down")
	}
	lines = append(lines, row(st, "heard", st.dim.Render(heading)))
	lines = append(lines, collapseItems(st, contactItems(n), room)...)
	return fitBlock(lines, width, height)
}

// labelWidth is the width of the labels of the inspector's rows.
const labelWidth = 10

func row(st *styles, label, text string) string {
	return st.label.Render(fmt.Sprintf("%-*s", labelWidth, label)) + text
}

// fileLines shows the read of n's file: what it decodes to and how often it
// was written, or why it did not verify.
func (in inspector) fileLines(st *styles, n cluster.NodeSnapshot, width int) []string {
	r := in.read
	switch {
	case r.node != n.ID || r.path != n.StatePath:
		return []string{row(st, "on disk", st.dim.Render("reading…")), ""}
	case r.missing:
		return []string{row(st, "on disk", "no file: term 0, no vote, as before any write"), ""}
	case r.err != nil:
		lines := wrapLines(oneLine(r.err.Error()), width-labelWidth, 2)
		for len(lines) < 2 {
			lines = append(lines, "")
		}
		return []string{row(st, "on disk", st.warning.Render(lines[0])),
			row(st, "", st.warning.Render(lines[1]))}
	}
	decoded := fmt.Sprintf("term %d, voted %s, ", r.file.Term, raft.NodeName(r.file.VotedFor))
	check := st.ok.Render("crc ok")
	if !n.Up && strings.Contains(n.Err, n.StatePath) {
		// The checksum holds but the node found the values impossible, such
		// as a vote in term 0, or the file another node's.
		check = st.warning.Render("crc ok, rejected at start")
	}
	return []string{
		row(st, "on disk", decoded+check),
		row(st, "written", firstFit(width-labelWidth,
			fmt.Sprintf("%s, last at %s wall time", plural(int(r.file.Writes), "time"), r.modTime.Format("15:04:05.000")),
			fmt.Sprintf("%s, last %s", plural(int(r.file.Writes), "time"), r.modTime.Format("15:04:05.000")))),
	}
}

// processText names the node's incarnation and how it was last restarted.
func processText(n cluster.NodeSnapshot) string {
	if n.Incarnation > 1 {
		return fmt.Sprintf("incarnation %d, %s restart", n.Incarnation, n.RestartMode)
	}
	return fmt.Sprintf("incarnation %d, first start", n.Incarnation)
}

// timerText returns how long the election timer has left and why it was last
// reset. A leader's timer sends heartbeats instead.
func timerText(n cluster.NodeSnapshot) (left, reset string) {
	st := n.Status
	switch {
	case !n.Up:
		return "none: the node is down", "-"
	case st.Role == raft.Leader:
		return "none: it sends heartbeats", "-"
	}
	return fmt.Sprintf("%s of %s left", formatDuration(st.TimeLeft()), formatDuration(st.Timeout)),
		st.ResetReason.String()
}

func countsText(c raft.MessageCounts) string {
	return fmt.Sprintf("%d out, %d in, %d heartbeats", c.Sent+c.Replied, c.Received, c.Heartbeats)
}

// contactItems lists the last message from each peer and how long before the
// node's status it came, in cluster time.
func contactItems(n cluster.NodeSnapshot) []string {
	var items []string
	for _, c := range n.Status.Contacts {
		text := "nothing yet"
		if !c.Time.IsZero() {
			text = fmt.Sprintf("%s, %s ago", c.What, formatDuration(n.Status.Now.Sub(c.Time)))
		}
		items = append(items, fmt.Sprintf("%-4s%s", raft.NodeName(c.Peer), text))
	}
	return items
}

// middleTruncate cuts the middle out of a long path, so that both the folder's
// start and the file's name show.
func middleTruncate(text string, width int) string {
	runes := []rune(text)
	if len(runes) <= width || width < 5 {
		return text
	}
	head := (width - 1) / 2
	tail := width - 1 - head
	return string(runes[:head]) + "…" + string(runes[len(runes)-tail:])
}
