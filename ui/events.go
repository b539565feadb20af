package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

const (
	maxLogEntries = 200

	// linkMergeWindow is how close in cluster time link events must be to share
	// a line. One isolate or cut emits all of its events within microseconds, and
	// no one presses two keys 10ms apart, even slowed down 20 times.
	linkMergeWindow = 10 * time.Millisecond
)

// eventClass decides the color of an event line.
type eventClass int

const (
	classPlain    eventClass = iota
	classElection            // an election started, or a leader stepped down
	classLeader              // an election was won
	classFault               // a crash, a freeze, a failed start or save, a cut or degraded link
	classRecover             // a clean restart, a thaw, a resume or a healed link
	classControl             // a pause, a speed change, or election timers set by hand
	classUnsafe              // a broken safety rule
)

type logEntry struct {
	class  eventClass
	text   string
	time   time.Time
	links  []linkChange // the link events merged into this line, or nil
	healed bool         // whether links were healed rather than cut
}

type linkChange struct{ from, to int }

// eventLog keeps the latest events worth reading. It drops the ones the cards
// already show (saved state, term changes, vote requests and replies) and merges
// the link events of one operation into one line.
type eventLog struct {
	entries []logEntry
	// roles holds the last role each node reported, indexed by node id. It
	// distinguishes a leader or candidate falling back to follower from a
	// follower that only learned who leads.
	roles [MaxNodes + 1]raft.Role
}

func (l *eventLog) add(e cluster.Event) {
	if e.Kind == cluster.EventLinkCut || e.Kind == cluster.EventLinkHealed {
		l.addLink(e)
		return
	}
	class, show := l.classify(e)
	l.trackRole(e)
	if show {
		l.push(logEntry{class: class, text: e.String(), time: e.Time})
	}
}

func (l *eventLog) classify(e cluster.Event) (eventClass, bool) {
	switch e.Kind {
	case cluster.EventCrashed, cluster.EventStartFailed, cluster.EventFrozen,
		cluster.EventPartitioned, cluster.EventLinkChanged:
		return classFault, true
	case cluster.EventRestarted:
		return restartClass(e.Mode), true
	case cluster.EventThawed, cluster.EventResumed:
		return classRecover, true
	case cluster.EventPaused, cluster.EventSpeedChanged, cluster.EventTimersRigged:
		return classControl, true
	case cluster.EventSafetyViolation:
		return classUnsafe, true
	case cluster.EventRaft:
		return l.classifyRaft(e.Raft)
	}
	return classPlain, true
}

// restartClass shows a restart that lost state as a fault: only a clean
// restart recovers a node as Raft expects.
func restartClass(mode cluster.RestartMode) eventClass {
	if mode == cluster.RestartClean {
		return classRecover
	}
	return classFault
}

func (l *eventLog) classifyRaft(e raft.Event) (eventClass, bool) {
	switch e.Kind {
	case raft.EventElectionStarted:
		return classElection, true
	case raft.EventElectionWon:
		return classLeader, true
	case raft.EventVoteGranted, raft.EventVoteRejected:
		return classPlain, true
	case raft.EventPersistFailed:
		return classFault, true
	case raft.EventRoleChanged:
		return l.classifyRoleChange(e)
	}
	return classPlain, false
}

// classifyRoleChange keeps only the moves back to follower: becoming candidate or
// leader already has its own event.
func (l *eventLog) classifyRoleChange(e raft.Event) (eventClass, bool) {
	if e.Role != raft.Follower {
		return classPlain, false
	}
	switch l.role(e.Node) {
	case raft.Leader:
		return classElection, true
	case raft.Candidate:
		return classPlain, true
	}
	return classPlain, false
}

func (l *eventLog) role(id int) raft.Role {
	if id < 1 || id > MaxNodes {
		return raft.Follower
	}
	return l.roles[id]
}

func (l *eventLog) trackRole(e cluster.Event) {
	if e.Node < 1 || e.Node > MaxNodes {
		return
	}
	switch {
	case e.Kind == cluster.EventRaft && e.Raft.Kind == raft.EventRoleChanged:
		l.roles[e.Node] = e.Raft.Role
	case e.Kind == cluster.EventCrashed, e.Kind == cluster.EventRestarted:
		l.roles[e.Node] = raft.Follower
	}
}

func (l *eventLog) addLink(e cluster.Event) {
	healed := e.Kind == cluster.EventLinkHealed
	change := linkChange{from: e.Node, to: e.Peer}
	if n := len(l.entries); n > 0 {
		last := l.entries[n-1]
		if last.links != nil && last.healed == healed && e.Time.Sub(last.time) <= linkMergeWindow {
			last.links = append(slices.Clip(last.links), change)
			last.text = linkText(last.links, healed)
			last.time = e.Time
			l.entries[n-1] = last
			return
		}
	}
	entry := logEntry{class: classFault, time: e.Time, links: []linkChange{change}, healed: healed}
	if healed {
		entry.class = classRecover
	}
	entry.text = linkText(entry.links, healed)
	l.push(entry)
}

func (l *eventLog) push(entry logEntry) {
	l.entries = append(l.entries, entry)
	if len(l.entries) > maxLogEntries {
		l.entries = l.entries[len(l.entries)-maxLogEntries:]
	}
}

// linkText describes merged link events, "n1↔n3" where both directions changed.
func linkText(changes []linkChange, healed bool) string {
	names := linkNames(changes)
	noun, verb := "link", "cut"
	if len(names) > 1 {
		noun = "links"
	}
	if healed {
		verb = "healed"
	}
	return fmt.Sprintf("%s %s %s", noun, strings.Join(names, ", "), verb)
}

// linkNames pairs each change with its reverse, keeping first-seen order.
func linkNames(changes []linkChange) []string {
	type pair struct {
		linkChange
		bothWays bool
	}
	var pairs []pair
	for _, c := range changes {
		i := slices.IndexFunc(pairs, func(p pair) bool {
			return p.linkChange == c || p.linkChange == linkChange{c.to, c.from}
		})
		switch {
		case i < 0:
			pairs = append(pairs, pair{linkChange: c})
		case pairs[i].linkChange != c:
			pairs[i].bothWays = true
		}
	}
	names := make([]string, len(pairs))
	for i, p := range pairs {
		names[i] = linkName(p.from, p.to, p.bothWays)
	}
	return names
}

// view shows the newest entries that fit, newest last.
func (l eventLog) view(width, height int) string {
	lines := []string{styleBold.Render("events") + styleDim.Render(" (newest last)")}
	if len(l.entries) == 0 {
		lines = append(lines, styleDim.Render("none yet"))
	}
	start := max(len(l.entries)-(height-1), 0)
	for _, e := range l.entries[start:] {
		text := ansi.Truncate(oneLine(e.text), width, "…")
		lines = append(lines, eventStyle(e.class).Render(text))
	}
	return fitBlock(lines, width, height)
}
