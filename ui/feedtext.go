package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// eventClass decides the color of an event line.
type eventClass int

const (
	classPlain    eventClass = iota
	classElection            // an election started, or a leader stepped down
	classLeader              // an election was won
	classFault               // a crash, a freeze, a failed start or save, a cut or degraded link
	classRecover             // a clean restart, a thaw, a resume or a healed link
	classControl             // a pause, a speed change, an option, or timers set by hand
	classUnsafe              // a broken safety rule
)

// timerReset ends the lines of the events that reset the node's election timer
// where the event alone does not say so.
const timerReset = " · timer reset"

// clusterEntry words an event the cluster applied, as opposed to one a node
// reported. Every cluster event is shown.
func clusterEntry(e cluster.Event) feedEntry {
	entry := feedEntry{text: e.String(), time: e.Time, nodes: eventNodes(e.Node, e.Peer)}
	switch e.Kind {
	case cluster.EventCrashed, cluster.EventStartFailed, cluster.EventFrozen,
		cluster.EventPartitioned, cluster.EventLinkChanged:
		entry.class = classFault
	case cluster.EventRestarted:
		entry.class = restartClass(e.Mode)
	case cluster.EventThawed, cluster.EventResumed:
		entry.class = classRecover
	case cluster.EventPaused, cluster.EventSpeedChanged, cluster.EventOptionChanged,
		cluster.EventTransferRequested:
		entry.class = classControl
	case cluster.EventTimersRigged:
		entry.class = classControl
		entry.text += timerReset
	case cluster.EventSafetyViolation:
		entry.class = classUnsafe
	}
	if e.Kind == cluster.EventOptionChanged {
		entry.text = "option changed: " + e.Text
	}
	return entry
}

// restartClass shows a restart that lost state as a fault: only a clean
// restart recovers a node as Raft expects.
func restartClass(mode cluster.RestartMode) eventClass {
	if mode == cluster.RestartClean {
		return classRecover
	}
	return classFault
}

// eventNodes returns the nodes an event names, for the feed's filter.
func eventNodes(ids ...int) []int {
	var out []int
	for _, id := range ids {
		if id != raft.None && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// requestsText words merged vote requests: "n3 requested votes from n1, n2
// for term 4".
func requestsText(candidate int, peers []int, term uint64, preVote bool) string {
	noun := "votes"
	if preVote {
		noun = "pre-votes"
	}
	return fmt.Sprintf("%s requested %s from %s for term %d",
		raft.NodeName(candidate), noun, nodeList(peers, ", "), term)
}

// nodeList returns "n1, n2" for ids 1 and 2, with sep between the names.
func nodeList(ids []int, sep string) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = raft.NodeName(id)
	}
	return strings.Join(names, sep)
}

// tallyText words how the candidate counted a reply: a granted vote's place
// in its count, as in " → n3's 2nd vote, 3 needed", or its count after a
// rejection. Replies can arrive in another order than the voters sent them, so
// the place reads as the order of counting, not as a total that went down.
func tallyText(e raft.Event, majority int) string {
	noun := "vote"
	if e.PreVote {
		noun = "pre-vote"
	}
	if e.Granted {
		return fmt.Sprintf(" → %s's %s %s, %d needed", raft.NodeName(e.Node), ordinal(e.Votes), noun, majority)
	}
	if e.Votes != 1 {
		noun += "s"
	}
	return fmt.Sprintf(" → %s still has %d %s, %d needed", raft.NodeName(e.Node), e.Votes, noun, majority)
}

// ordinal returns n as "1st", "2nd", "3rd", "4th" and so on.
func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// wonText words a won election with its voters: "n1 won the election for term 3
// with 3 of 5 votes: n1 n2 n5".
func wonText(e raft.Event, voters []int, nodes int) string {
	what := "the election"
	if e.PreVote {
		what = "the pre-vote"
	}
	text := fmt.Sprintf("%s won %s for term %d with %d of %d votes",
		raft.NodeName(e.Node), what, e.Term, e.Votes, nodes)
	if len(voters) == e.Votes {
		text += ": " + nodeList(voters, " ")
	}
	return text
}

// stepDownText explains why a leader became a follower: the node whose newer
// term reached it, or nothing more when no earlier event names it.
func stepDownText(e raft.Event, led uint64, previous raft.Event) string {
	name := raft.NodeName(e.Node)
	if previous.Kind == raft.EventTermChanged && previous.Peer != raft.None {
		return fmt.Sprintf("%s stopped leading term %d: %s sent the newer term %d",
			name, led, raft.NodeName(previous.Peer), e.Term) + timerReset
	}
	return fmt.Sprintf("%s stopped leading in term %d", name, e.Term) + timerReset
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
