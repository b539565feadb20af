package ui

import (
	"testing"
	"time"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// historyStart is when the scripted history begins: three seconds of cluster
// time before demoTime, where it ends.
var historyStart = demoTime.Add(-3 * time.Second)

func atMs(ms int) time.Time { return historyStart.Add(time.Duration(ms) * time.Millisecond) }

// raftAt wraps a node's event as the cluster reports it, ms after historyStart.
func raftAt(ms int, e raft.Event) cluster.Event {
	e.Time = atMs(ms)
	return cluster.Event{Time: e.Time, Kind: cluster.EventRaft, Node: e.Node, Raft: e}
}

// startSnapshot is five nodes just started: every one a follower in term 0.
func startSnapshot() cluster.Snapshot {
	s := demoSnapshot()
	s.Time = historyStart
	for i := range s.Nodes {
		s.Nodes[i] = upNode(i+1, raft.Status{Role: raft.Follower, Timeout: 200 * time.Millisecond},
			200*time.Millisecond)
		s.Nodes[i].Status.Now = historyStart
		s.Nodes[i].Status.Deadline = historyStart.Add(200 * time.Millisecond)
	}
	s.Links = fullLinks(5)
	return s
}

// election returns the events of candidate winning term, asked for by voters
// after the term started at ms. The other peers do not reply. Each voter adopts
// the term from the candidate, grants its vote, and follows the winner.
func election(ms int, candidate int, term uint64, voters []int, all int) []cluster.Event {
	evs := []cluster.Event{
		raftAt(ms, raft.Event{Node: candidate, Kind: raft.EventTermChanged, Term: term}),
		raftAt(ms, raft.Event{Node: candidate, Kind: raft.EventElectionStarted, Term: term,
			Timeout: 212 * time.Millisecond}),
		raftAt(ms, raft.Event{Node: candidate, Kind: raft.EventRoleChanged, Role: raft.Candidate,
			Term: term}),
	}
	for peer := 1; peer <= all; peer++ {
		if peer != candidate {
			evs = append(evs, raftAt(ms, raft.Event{Node: candidate, Kind: raft.EventVoteRequested,
				Term: term, Peer: peer}))
		}
	}
	for i, v := range voters {
		t := ms + 2 + i
		evs = append(evs,
			raftAt(t, raft.Event{Node: v, Kind: raft.EventTermChanged, Term: term, Peer: candidate}),
			raftAt(t, raft.Event{Node: v, Kind: raft.EventVoteGranted, Term: term, Peer: candidate,
				Reason: raft.ReasonGranted, PeerTerm: term}),
			raftAt(t+1, raft.Event{Node: candidate, Kind: raft.EventVoteReceived, Term: term, Peer: v,
				Granted: true, Votes: i + 2}))
	}
	won := ms + 3 + len(voters)
	evs = append(evs,
		raftAt(won, raft.Event{Node: candidate, Kind: raft.EventElectionWon, Term: term,
			Votes: len(voters) + 1}),
		raftAt(won, raft.Event{Node: candidate, Kind: raft.EventRoleChanged, Role: raft.Leader,
			Term: term, Peer: candidate}))
	for _, v := range voters {
		evs = append(evs, raftAt(won+5, raft.Event{Node: v, Kind: raft.EventRoleChanged,
			Role: raft.Follower, Term: term, Peer: candidate}))
	}
	return evs
}

// splitVote returns n4 and n5 both campaigning for term 2 at ms, n1 voting
// for n4, n3 for n5, and each rejecting the other.
func splitVote(ms int) []cluster.Event {
	var evs []cluster.Event
	for _, c := range []int{4, 5} {
		evs = append(evs,
			raftAt(ms, raft.Event{Node: c, Kind: raft.EventTermChanged, Term: 2}),
			raftAt(ms, raft.Event{Node: c, Kind: raft.EventElectionStarted, Term: 2,
				Timeout: 187 * time.Millisecond}),
			raftAt(ms, raft.Event{Node: c, Kind: raft.EventRoleChanged, Role: raft.Candidate, Term: 2}))
	}
	vote := func(voter, candidate, votes int) []cluster.Event {
		return []cluster.Event{
			raftAt(ms+2, raft.Event{Node: voter, Kind: raft.EventVoteGranted, Term: 2, Peer: candidate,
				Reason: raft.ReasonGranted, PeerTerm: 2}),
			raftAt(ms+3, raft.Event{Node: candidate, Kind: raft.EventVoteReceived, Term: 2,
				Peer: voter, Granted: true, Votes: votes}),
		}
	}
	reject := func(voter, candidate int) cluster.Event {
		return raftAt(ms+2, raft.Event{Node: voter, Kind: raft.EventVoteRejected, Term: 2,
			Peer: candidate, Reason: raft.ReasonAlreadyVoted, VotedFor: voter, PeerTerm: 2})
	}
	evs = append(evs, vote(1, 4, 2)...)
	evs = append(evs, vote(3, 5, 2)...)
	return append(evs, reject(5, 4), reject(4, 5))
}

// isolate returns the link events of cutting every link of id at ms.
func isolate(ms, id, all int) []cluster.Event {
	var evs []cluster.Event
	for peer := 1; peer <= all; peer++ {
		if peer != id {
			cut := cluster.Link{Cut: true}
			evs = append(evs,
				cluster.Event{Time: atMs(ms), Kind: cluster.EventLinkCut, Node: id, Peer: peer, Link: cut},
				cluster.Event{Time: atMs(ms), Kind: cluster.EventLinkCut, Node: peer, Peer: id, Link: cut})
		}
	}
	return evs
}

// historyEvents is a whole demo: n2 wins term 1, crashes, n4 and n5 split
// term 2, n1 wins term 3, n2 comes back, n1 is isolated, n3 wins term 4, and
// n5 is frozen. Two failovers: 460ms over 2 terms, then 210ms over 1.
func historyEvents() []cluster.Event {
	evs := election(200, 2, 1, []int{1, 3, 4}, 5)
	evs = append(evs, cluster.Event{Time: atMs(1000), Kind: cluster.EventCrashed, Node: 2,
		Incarnation: 1})
	evs = append(evs, splitVote(1180)...)
	evs = append(evs, election(1450, 1, 3, []int{3, 4}, 5)...)
	evs = append(evs,
		cluster.Event{Time: atMs(1800), Kind: cluster.EventRestarted, Node: 2, Incarnation: 2,
			Loaded: raft.HardState{Term: 1, VotedFor: 2}},
		raftAt(1850, raft.Event{Node: 2, Kind: raft.EventTermChanged, Term: 3, Peer: 1}),
		raftAt(1850, raft.Event{Node: 2, Kind: raft.EventRoleChanged, Role: raft.Follower, Term: 3,
			Peer: 1}),
		raftAt(1851, raft.Event{Node: 5, Kind: raft.EventRoleChanged, Role: raft.Follower, Term: 3,
			Peer: 1}))
	evs = append(evs, isolate(2200, 1, 5)...)
	evs = append(evs, election(2400, 3, 4, []int{2, 4}, 5)...)
	evs = append(evs,
		raftAt(2420, raft.Event{Node: 5, Kind: raft.EventTermChanged, Term: 4, Peer: 3}),
		raftAt(2420, raft.Event{Node: 5, Kind: raft.EventRoleChanged, Role: raft.Follower, Term: 4,
			Peer: 3}),
		cluster.Event{Time: atMs(2600), Kind: cluster.EventFrozen, Node: 5})
	return evs
}

// historySnapshot is the cluster at the end of historyEvents, at demoTime.
func historySnapshot() cluster.Snapshot {
	s := startSnapshot()
	s.Time = demoTime
	follower := func(id int, term uint64, leader int, left time.Duration) cluster.NodeSnapshot {
		n := upNode(id, raft.Status{Role: raft.Follower, Term: term, VotedFor: leader, Leader: leader,
			Timeout: 240 * time.Millisecond, ResetReason: raft.ResetHeartbeat}, left)
		n.Status.Counts = raft.MessageCounts{Sent: 4, Received: 60 + uint64(id), Heartbeats: 50}
		return n
	}
	s.Nodes[0] = upNode(1, raft.Status{Role: raft.Leader, Term: 3, VotedFor: 1, Leader: 1}, 0)
	s.Nodes[1] = follower(2, 4, 3, 180*time.Millisecond)
	s.Nodes[1].Incarnation = 2
	s.Nodes[2] = upNode(3, raft.Status{Role: raft.Leader, Term: 4, VotedFor: 3, Leader: 3,
		ResetReason: raft.ResetElectionStarted}, 0)
	s.Nodes[2].Status.Counts = raft.MessageCounts{Sent: 151, Received: 170, Heartbeats: 48}
	s.Nodes[2].Status.Contacts = []raft.Contact{
		{Peer: 1, Time: atMs(2150), What: "heartbeat, term 3"},
		{Peer: 2, Time: demoTime.Add(-20 * time.Millisecond), What: "heartbeat reply, term 4"},
		{Peer: 4, Time: demoTime.Add(-20 * time.Millisecond), What: "heartbeat reply, term 4"},
		{Peer: 5, Time: atMs(2590), What: "heartbeat reply, term 4"},
	}
	s.Nodes[3] = follower(4, 4, 3, 150*time.Millisecond)
	s.Nodes[4] = follower(5, 4, 3, 90*time.Millisecond)
	s.Nodes[4].Frozen = true
	for peer := 2; peer <= 5; peer++ {
		s.Links[0][peer-1].Cut, s.Links[peer-1][0].Cut = true, true
	}
	return s
}

// earlierSnapshot is historySnapshot a second before, with fewer messages, so
// that the two give every node a message rate.
func earlierSnapshot() cluster.Snapshot {
	s := historySnapshot()
	s.Time = demoTime.Add(-time.Second)
	for i := range s.Nodes {
		c := &s.Nodes[i].Status.Counts
		c.Sent, c.Received, c.Heartbeats = c.Sent/2, c.Received/2, c.Heartbeats/2
	}
	return s
}

// historyRead is the read of n3's state file at the end of the history.
func historyRead() stateReadMsg {
	return stateReadMsg{node: 3, path: "/tmp/raftplay/n3.state",
		file:    raft.StateFile{Format: raft.StateFormat, Node: 3, Term: 4, VotedFor: 3, Writes: 6},
		modTime: time.Date(2025, 3, 14, 9, 26, 52, 861_000_000, time.UTC)}
}

func TestFeedStampsEventsInClusterTime(t *testing.T) {
	m := newTestModel(t, newFakeCluster(demoSnapshot()), 120, 35)
	e := nodeEvent(100, raft.Event{Kind: raft.EventElectionStarted, Node: 3, Term: 5,
		Timeout: 200 * time.Millisecond})
	// n3 was frozen for 5 s, so its own clock is that far behind the cluster's.
	e.Raft.Time = e.Time.Add(-5 * time.Second)
	m = update(t, m, eventsMsg{events: []cluster.Event{e}})
	if len(m.feed.entries) == 0 {
		t.Fatalf("the feed shows no entry for the election")
	}
	if got := m.feed.entries[len(m.feed.entries)-1].time; !got.Equal(e.Time) {
		t.Errorf("feed entry at %v, want the cluster's stamp %v", got, e.Time)
	}
	if len(m.timeline.marks) == 0 {
		t.Fatalf("the timeline shows no mark for the election")
	}
	for _, mark := range m.timeline.marks {
		if mark.at.Before(e.Time.Add(-time.Second)) {
			t.Errorf("timeline mark at %v, on the node's lagging clock", mark.at)
		}
	}
}
