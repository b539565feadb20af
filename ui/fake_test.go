package ui

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// fakeCluster records every operation and applies it to a hand-built snapshot,
// so the second press of a toggle acts on the result of the first.
type fakeCluster struct {
	mu    sync.Mutex
	snap  cluster.Snapshot
	calls []string
	err   error // returned by every operation when set, which then changes nothing
}

func newFakeCluster(s cluster.Snapshot) *fakeCluster { return &fakeCluster{snap: s} }

func (f *fakeCluster) Snapshot() cluster.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return copySnapshot(f.snap)
}

func (f *fakeCluster) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakeCluster) record(call string, apply func(s *cluster.Snapshot)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	if f.err != nil {
		return f.err
	}
	apply(&f.snap)
	return nil
}

func (f *fakeCluster) Crash(id int) error {
	return f.record(fmt.Sprintf("Crash(%d)", id), func(s *cluster.Snapshot) {
		s.Nodes[id-1].Up = false
	})
}

func (f *fakeCluster) Restart(id int) error {
	return f.record(fmt.Sprintf("Restart(%d)", id), func(s *cluster.Snapshot) {
		s.Nodes[id-1].Up = true
	})
}

func (f *fakeCluster) Isolate(id int) error {
	return f.record(fmt.Sprintf("Isolate(%d)", id), func(s *cluster.Snapshot) { setAll(s, id, false) })
}

func (f *fakeCluster) Rejoin(id int) error {
	return f.record(fmt.Sprintf("Rejoin(%d)", id), func(s *cluster.Snapshot) { setAll(s, id, true) })
}

func (f *fakeCluster) CutBetween(a, b int) error {
	return f.record(fmt.Sprintf("CutBetween(%d,%d)", a, b), func(s *cluster.Snapshot) {
		s.Links[a-1][b-1], s.Links[b-1][a-1] = false, false
	})
}

func (f *fakeCluster) HealBetween(a, b int) error {
	return f.record(fmt.Sprintf("HealBetween(%d,%d)", a, b), func(s *cluster.Snapshot) {
		s.Links[a-1][b-1], s.Links[b-1][a-1] = true, true
	})
}

func (f *fakeCluster) Cut(from, to int) error {
	return f.record(fmt.Sprintf("Cut(%d,%d)", from, to), func(s *cluster.Snapshot) {
		s.Links[from-1][to-1] = false
	})
}

func (f *fakeCluster) Heal(from, to int) error {
	return f.record(fmt.Sprintf("Heal(%d,%d)", from, to), func(s *cluster.Snapshot) {
		s.Links[from-1][to-1] = true
	})
}

func (f *fakeCluster) HealAll() {
	_ = f.record("HealAll()", func(s *cluster.Snapshot) { s.Links = fullLinks(len(s.Nodes)) })
}

func setAll(s *cluster.Snapshot, id int, delivered bool) {
	for other := range s.Nodes {
		if other != id-1 {
			s.Links[id-1][other], s.Links[other][id-1] = delivered, delivered
		}
	}
}

// copySnapshot copies the slices too, so the model never shares memory with the
// fake while a test goroutine changes it.
func copySnapshot(s cluster.Snapshot) cluster.Snapshot {
	s.Nodes = slices.Clone(s.Nodes)
	links := make([][]bool, len(s.Links))
	for i, row := range s.Links {
		links[i] = slices.Clone(row)
	}
	s.Links = links
	return s
}

func fullLinks(n int) [][]bool {
	links := make([][]bool, n)
	for i := range links {
		links[i] = make([]bool, n)
		for j := range links[i] {
			links[i][j] = true
		}
	}
	return links
}

// demoTime is the cluster clock in the demo snapshot. Every duration on screen
// is computed from it, so rendering does not depend on the wall clock.
var demoTime = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// demoSnapshot is a five-node cluster in term 3: n1 leads, n2 and n5 follow, n4
// is down after losing the term 3 election, and n3, cut off from n1 both ways,
// has started an election for term 4.
func demoSnapshot() cluster.Snapshot {
	links := fullLinks(5)
	links[0][2], links[2][0] = false, false
	return cluster.Snapshot{
		Time:               demoTime,
		Links:              links,
		ElectionTimeoutMin: 150 * time.Millisecond,
		ElectionTimeoutMax: 300 * time.Millisecond,
		Heartbeat:          50 * time.Millisecond,
		Slowdown:           20,
		Nodes: []cluster.NodeSnapshot{
			upNode(1, raft.Status{Role: raft.Leader, Term: 3, VotedFor: 1, Leader: 1,
				Timeout: 212 * time.Millisecond, ResetReason: raft.ResetElectionStarted}, 0),
			upNode(2, raft.Status{Role: raft.Follower, Term: 3, VotedFor: 1, Leader: 1,
				Timeout: 240 * time.Millisecond, ResetReason: raft.ResetHeartbeat}, 180*time.Millisecond),
			upNode(3, raft.Status{Role: raft.Candidate, Term: 4, VotedFor: 3,
				Timeout: 260 * time.Millisecond, ResetReason: raft.ResetElectionStarted,
				Granted: []int{3}}, 65*time.Millisecond),
			{ID: 4, Addr: "127.0.0.1:7004", StatePath: "/tmp/raftplay/n4.state", Incarnation: 1,
				Status:    raft.Status{ID: 4, Term: 3, VotedFor: 4, Leader: raft.None, Stopped: true},
				Persisted: raft.HardState{Term: 3, VotedFor: 4}},
			upNode(5, raft.Status{Role: raft.Follower, Term: 3, VotedFor: 1, Leader: 1,
				Timeout: 190 * time.Millisecond, ResetReason: raft.ResetHeartbeat}, 40*time.Millisecond),
		},
	}
}

// upNode returns running node id with status st, its election timer left
// running out in left.
func upNode(id int, st raft.Status, left time.Duration) cluster.NodeSnapshot {
	st.ID = id
	st.Now = demoTime
	st.Deadline = demoTime.Add(left)
	return cluster.NodeSnapshot{
		ID: id, Addr: fmt.Sprintf("127.0.0.1:70%02d", id),
		StatePath: fmt.Sprintf("/tmp/raftplay/n%d.state", id), Up: true, Incarnation: 1,
		Status: st, Persisted: raft.HardState{Term: st.Term, VotedFor: st.VotedFor},
	}
}

// demoEvents is a short history that leads to demoSnapshot: n1 wins term 3
// against n4, n4 crashes, the link n1↔n3 is cut and n3 starts an election.
func demoEvents() []cluster.Event {
	const ms = time.Millisecond
	return []cluster.Event{
		nodeEvent(900, raft.Event{Node: 1, Kind: raft.EventElectionStarted, Term: 3, Timeout: 187 * ms}),
		nodeEvent(900, raft.Event{Node: 1, Kind: raft.EventRoleChanged, Role: raft.Candidate, Term: 3}),
		nodeEvent(899, raft.Event{Node: 1, Kind: raft.EventStatePersisted, Term: 3, VotedFor: 1}),
		nodeEvent(899, raft.Event{Node: 4, Kind: raft.EventElectionStarted, Term: 3, Timeout: 201 * ms}),
		nodeEvent(899, raft.Event{Node: 4, Kind: raft.EventRoleChanged, Role: raft.Candidate, Term: 3}),
		nodeEvent(898, raft.Event{Node: 2, Kind: raft.EventVoteGranted, Term: 3, Peer: 1,
			Reason: raft.ReasonGranted}),
		nodeEvent(898, raft.Event{Node: 4, Kind: raft.EventVoteRejected, Term: 3, Peer: 1,
			Reason: raft.ReasonAlreadyVoted, VotedFor: 4}),
		nodeEvent(897, raft.Event{Node: 5, Kind: raft.EventVoteGranted, Term: 3, Peer: 1,
			Reason: raft.ReasonGranted}),
		nodeEvent(897, raft.Event{Node: 1, Kind: raft.EventElectionWon, Term: 3, Votes: 3}),
		nodeEvent(897, raft.Event{Node: 1, Kind: raft.EventRoleChanged, Role: raft.Leader, Term: 3,
			Peer: 1}),
		nodeEvent(890, raft.Event{Node: 4, Kind: raft.EventRoleChanged, Role: raft.Follower, Term: 3,
			Peer: 1}),
		nodeEvent(890, raft.Event{Node: 3, Kind: raft.EventRoleChanged, Role: raft.Follower, Term: 3,
			Peer: 1}),
		{Time: msBefore(600), Kind: cluster.EventCrashed, Node: 4, Incarnation: 1},
		{Time: msBefore(400), Kind: cluster.EventLinkCut, Node: 1, Peer: 3},
		{Time: msBefore(400), Kind: cluster.EventLinkCut, Node: 3, Peer: 1},
		nodeEvent(65, raft.Event{Node: 3, Kind: raft.EventElectionStarted, Term: 4, Timeout: 243 * ms}),
		nodeEvent(65, raft.Event{Node: 3, Kind: raft.EventVoteRequested, Term: 4, Peer: 2}),
	}
}

func msBefore(ms int) time.Time { return demoTime.Add(-time.Duration(ms) * time.Millisecond) }

// nodeEvent wraps a node's event as the cluster reports it, ms before demoTime.
func nodeEvent(ms int, e raft.Event) cluster.Event {
	e.Time = msBefore(ms)
	return cluster.Event{Time: e.Time, Kind: cluster.EventRaft, Node: e.Node, Raft: e}
}
