package ui

import (
	"fmt"
	"slices"
	"time"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

const (
	maxFeedEntries = 1000

	// linkMergeWindow is how close in cluster time link events must be to share
	// a line. One isolate or cut emits all of its events within microseconds, and
	// no one presses two keys 10ms apart, even slowed down 20 times.
	linkMergeWindow = 10 * time.Millisecond

	// mergeLookBack is how many of the newest entries are searched for one that
	// a vote request or a tally belongs to: other nodes' events may come in
	// between.
	mergeLookBack = 32
)

// feedEntry is one line of the event feed, before it is wrapped to the width.
type feedEntry struct {
	seq   uint64 // one more for each entry, to keep the scroll position
	class eventClass
	time  time.Time
	text  string
	nodes []int // the nodes the entry is about, for the filter
	beat  bool  // a heartbeat line, shown only while heartbeats are listed

	merge  mergeKey     // the key of later events that merge into this entry
	links  []linkChange // the link events merged into this line, or nil
	healed bool         // whether links were healed rather than cut
	peers  []int        // the nodes asked, in merged vote requests
}

type linkChange struct{ from, to int }

type mergeKind int

const (
	mergeNone     mergeKind = iota
	mergeRequests           // node's vote requests for term
	mergeReply              // node's reply to candidate peer's request for term
)

type mergeKey struct {
	kind       mergeKind
	node, peer int
	term       uint64
	preVote    bool
	round      uint64 // the campaign, since a node requests pre-votes again in the same term
}

// campaign is a node's current election or pre-vote, and who voted for it.
type campaign struct {
	term    uint64
	preVote bool
	voters  []int
	round   uint64 // numbers the campaigns the feed has seen, from 1
}

// beatBase is the heartbeat count of a node at the last snapshot.
type beatBase struct {
	seen        bool
	incarnation int
	beats       uint64
}

// feed keeps what happened, in plain words, newest last. It merges the link
// events of one operation into one line, and a node's vote requests of one
// election into one line, and adds the candidate's running tally to each
// voter's reply. It counts heartbeats from the snapshots and lists them only
// when asked.
type feed struct {
	entries []feedEntry
	seq     uint64
	nodes   int // in the cluster, and the majority of them
	quorum  int

	roles     [MaxNodes + 1]raft.Role
	led       [MaxNodes + 1]uint64     // the term each node last led
	previous  [MaxNodes + 1]raft.Event // each node's last event, for why it stepped down
	campaigns [MaxNodes + 1]campaign
	rounds    uint64 // campaigns seen
	beats     uint64 // heartbeats received by every node while the UI ran
	bases     [MaxNodes + 1]beatBase

	scroll feedScroll
}

func validNode(id int) bool { return id >= 1 && id <= MaxNodes }

// add records e. It reports whether an entry was added or changed.
func (f *feed) add(e cluster.Event) bool {
	switch e.Kind {
	case cluster.EventLinkCut, cluster.EventLinkHealed:
		f.addLink(e)
	case cluster.EventRaft:
		return f.addRaft(e.Raft)
	case cluster.EventCrashed, cluster.EventRestarted:
		if validNode(e.Node) {
			f.roles[e.Node] = raft.Follower
		}
		f.push(clusterEntry(e))
	default:
		f.push(clusterEntry(e))
	}
	return true
}

func (f *feed) addRaft(e raft.Event) bool {
	if !validNode(e.Node) {
		return false
	}
	defer func() { f.previous[e.Node] = e }()
	switch e.Kind {
	case raft.EventElectionStarted:
		f.rounds++
		f.campaigns[e.Node] = campaign{term: e.Term, preVote: e.PreVote, voters: []int{e.Node}, round: f.rounds}
		f.pushRaft(e, classElection, e.String())
	case raft.EventVoteRequested:
		f.addRequest(e)
	case raft.EventVoteGranted, raft.EventVoteRejected:
		f.addReply(e)
	case raft.EventVoteReceived:
		f.addTally(e)
	case raft.EventElectionWon:
		f.pushRaft(e, classLeader, wonText(e, f.campaigns[e.Node].voters, f.nodes))
	case raft.EventTermChanged:
		return e.Peer != raft.None && f.pushRaft(e, classPlain, e.String())
	case raft.EventRoleChanged:
		return f.addRoleChange(e)
	case raft.EventPersistFailed:
		text := e.String()
		if e.VotedFor == e.Node && f.campaigns[e.Node].term == e.Term && !f.campaigns[e.Node].preVote {
			// The requests left before the write, so voters may still reply.
			text += "; it drops the election and ignores the replies" + timerReset
		}
		f.pushRaft(e, classFault, text)
	case raft.EventQuorumLost:
		f.pushRaft(e, classElection, e.String()+timerReset)
	default:
		return false // saved state shows in the inspector
	}
	return true
}

func (f *feed) pushRaft(e raft.Event, class eventClass, text string) bool {
	f.push(feedEntry{class: class, time: e.Time, text: text, nodes: eventNodes(e.Node, e.Peer)})
	return true
}

// addRequest merges a vote request into the line of the node's other requests
// for the same term.
func (f *feed) addRequest(e raft.Event) {
	key := mergeKey{kind: mergeRequests, node: e.Node, term: e.Term, preVote: e.PreVote}
	if c := f.campaigns[e.Node]; c.term == e.Term && c.preVote == e.PreVote {
		key.round = c.round
	}
	if i := f.find(key); i >= 0 {
		entry := &f.entries[i]
		entry.peers = append(slices.Clip(entry.peers), e.Peer)
		entry.nodes = eventNodes(append(slices.Clip(entry.nodes), e.Peer)...)
		entry.text = requestsText(e.Node, entry.peers, e.Term, e.PreVote)
		return
	}
	f.push(feedEntry{class: classPlain, time: e.Time, nodes: eventNodes(e.Node, e.Peer),
		merge: key, peers: []int{e.Peer}, text: requestsText(e.Node, []int{e.Peer}, e.Term, e.PreVote)})
}

// addReply shows a voter's reply with its reason, as Event.String words it.
// A real vote granted resets the voter's timer.
func (f *feed) addReply(e raft.Event) {
	text := e.String()
	if e.Kind == raft.EventVoteGranted && !e.PreVote {
		text += timerReset
	}
	key := mergeKey{kind: mergeReply, node: e.Node, peer: e.Peer, term: e.PeerTerm,
		preVote: e.PreVote}
	f.push(feedEntry{class: classPlain, time: e.Time, text: text, nodes: eventNodes(e.Node, e.Peer),
		merge: key})
}

// addTally adds the candidate's running tally to the voter's reply, or shows
// the reply as the candidate received it when the voter's line is gone.
func (f *feed) addTally(e raft.Event) {
	c := &f.campaigns[e.Node]
	if e.Granted && c.term == e.Term && c.preVote == e.PreVote && !slices.Contains(c.voters, e.Peer) {
		c.voters = append(c.voters, e.Peer)
	}
	key := mergeKey{kind: mergeReply, node: e.Peer, peer: e.Node, term: e.Term, preVote: e.PreVote}
	if i := f.find(key); i >= 0 {
		f.entries[i].text += tallyText(e, f.quorum)
		f.entries[i].merge = mergeKey{}
		return
	}
	f.pushRaft(e, classPlain, e.String())
}

// addRoleChange shows a leader stepping down, with the reason, and a candidate
// or pre-candidate giving up. Other changes have events of their own or show
// on the cards.
func (f *feed) addRoleChange(e raft.Event) bool {
	was := f.roles[e.Node]
	f.roles[e.Node] = e.Role
	if e.Role == raft.Leader {
		f.led[e.Node] = e.Term
	}
	if e.Role != raft.Follower {
		return false
	}
	switch {
	case was == raft.Leader && f.previous[e.Node].Kind == raft.EventQuorumLost:
		return false // the quorum-lost line already reports the step-down
	case was == raft.Leader:
		return f.pushRaft(e, classElection, stepDownText(e, f.led[e.Node], f.previous[e.Node]))
	case campaigning(was):
		return f.pushRaft(e, classPlain, e.String())
	}
	return false
}

// find returns the index of the newest of the last mergeLookBack entries with
// key, or -1.
func (f *feed) find(key mergeKey) int {
	for i := len(f.entries) - 1; i >= max(len(f.entries)-mergeLookBack, 0); i-- {
		if f.entries[i].merge == key {
			return i
		}
	}
	return -1
}

func (f *feed) addLink(e cluster.Event) {
	healed := e.Kind == cluster.EventLinkHealed
	change := linkChange{from: e.Node, to: e.Peer}
	if n := len(f.entries); n > 0 {
		last := &f.entries[n-1]
		if last.links != nil && last.healed == healed && e.Time.Sub(last.time) <= linkMergeWindow {
			last.links = append(slices.Clip(last.links), change)
			last.nodes = eventNodes(append(slices.Clip(last.nodes), e.Node, e.Peer)...)
			last.text = linkText(last.links, healed)
			last.time = e.Time
			return
		}
	}
	entry := feedEntry{class: classFault, time: e.Time, links: []linkChange{change}, healed: healed,
		nodes: eventNodes(e.Node, e.Peer)}
	if healed {
		entry.class = classRecover
	}
	entry.text = linkText(entry.links, healed)
	f.push(entry)
}

func (f *feed) push(entry feedEntry) {
	f.seq++
	entry.seq = f.seq
	f.entries = append(f.entries, entry)
	if len(f.entries) > maxFeedEntries {
		f.entries = slices.Delete(f.entries, 0, len(f.entries)-maxFeedEntries)
	}
	if !f.scroll.following && f.scroll.shows(entry) {
		f.scroll.unseen++
	}
}

// countBeats adds the heartbeats each node received since the last snapshot
// and, when list is set, a line per node that received any. A node seen for
// the first time sets its base only, and a restarted node counts from zero.
// It reports whether a line was added.
func (f *feed) countBeats(s cluster.Snapshot, list bool) bool {
	added := false
	for _, n := range s.Nodes {
		if !n.Up || !validNode(n.ID) {
			continue
		}
		base := &f.bases[n.ID]
		beats := n.Status.Counts.Heartbeats
		delta := uint64(0)
		switch {
		case base.seen && base.incarnation != n.Incarnation:
			delta = beats
		case base.seen && beats >= base.beats:
			delta = beats - base.beats
		}
		*base = beatBase{seen: true, incarnation: n.Incarnation, beats: beats}
		f.beats += delta
		if list && delta > 0 {
			f.push(beatEntry(n, delta, s.Time))
			added = true
		}
	}
	return added
}

// beatEntry words the heartbeats node n received from its leader, at the time
// of the last one when its contact with the leader records it.
func beatEntry(n cluster.NodeSnapshot, count uint64, now time.Time) feedEntry {
	st := n.Status
	at := now
	for _, c := range st.Contacts {
		if c.Peer == st.Leader && !c.Time.IsZero() {
			at = c.Time
		}
	}
	what := fmt.Sprintf("%d heartbeats", count)
	if count == 1 {
		what = "a heartbeat"
	}
	text := fmt.Sprintf("%s received %s from %s, term %d", raft.NodeName(n.ID), what,
		raft.NodeName(st.Leader), st.Term)
	return feedEntry{class: classPlain, time: at, text: text, beat: true,
		nodes: eventNodes(n.ID, st.Leader)}
}
