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

func (f *fakeCluster) SetPaused(paused bool) {
	_ = f.record(fmt.Sprintf("SetPaused(%v)", paused), func(s *cluster.Snapshot) {
		s.Paused = paused
	})
}

func (f *fakeCluster) SetSlowdown(slowdown float64) error {
	return f.record(fmt.Sprintf("SetSlowdown(%g)", slowdown), func(s *cluster.Snapshot) {
		s.Slowdown = slowdown
	})
}

func (f *fakeCluster) Crash(id int) error {
	return f.record(fmt.Sprintf("Crash(%d)", id), func(s *cluster.Snapshot) {
		s.Nodes[id-1].Up, s.Nodes[id-1].Frozen = false, false
	})
}

func (f *fakeCluster) Restart(id int) error {
	return f.record(fmt.Sprintf("Restart(%d)", id), func(s *cluster.Snapshot) {
		s.Nodes[id-1].Up = true
	})
}

func (f *fakeCluster) RestartWith(id int, mode cluster.RestartMode) error {
	return f.record(fmt.Sprintf("RestartWith(%d,%s)", id, mode), func(s *cluster.Snapshot) {
		s.Nodes[id-1].Up, s.Nodes[id-1].RestartMode = true, mode
	})
}

func (f *fakeCluster) SetFrozen(id int, frozen bool) error {
	return f.record(fmt.Sprintf("SetFrozen(%d,%v)", id, frozen), func(s *cluster.Snapshot) {
		s.Nodes[id-1].Frozen = frozen
	})
}

func (f *fakeCluster) Campaign(id int) error {
	return f.record(fmt.Sprintf("Campaign(%d)", id), func(s *cluster.Snapshot) {
		s.Nodes[id-1].Status.Role = raft.Candidate
	})
}

func (f *fakeCluster) SplitVote(a, b int) error {
	return f.record(fmt.Sprintf("SplitVote(%d,%d)", a, b), func(*cluster.Snapshot) {})
}

func (f *fakeCluster) SpreadTimers() {
	_ = f.record("SpreadTimers()", func(*cluster.Snapshot) {})
}

func (f *fakeCluster) Isolate(id int) error {
	return f.record(fmt.Sprintf("Isolate(%d)", id), func(s *cluster.Snapshot) { setAll(s, id, false) })
}

func (f *fakeCluster) Rejoin(id int) error {
	return f.record(fmt.Sprintf("Rejoin(%d)", id), func(s *cluster.Snapshot) { setAll(s, id, true) })
}

func (f *fakeCluster) CutBetween(a, b int) error {
	return f.record(fmt.Sprintf("CutBetween(%d,%d)", a, b), func(s *cluster.Snapshot) {
		s.Links[a-1][b-1].Cut, s.Links[b-1][a-1].Cut = true, true
	})
}

func (f *fakeCluster) HealBetween(a, b int) error {
	return f.record(fmt.Sprintf("HealBetween(%d,%d)", a, b), func(s *cluster.Snapshot) {
		s.Links[a-1][b-1], s.Links[b-1][a-1] = cluster.Link{}, cluster.Link{}
	})
}

func (f *fakeCluster) Cut(from, to int) error {
	return f.record(fmt.Sprintf("Cut(%d,%d)", from, to), func(s *cluster.Snapshot) {
		s.Links[from-1][to-1].Cut = true
	})
}

func (f *fakeCluster) Heal(from, to int) error {
	return f.record(fmt.Sprintf("Heal(%d,%d)", from, to), func(s *cluster.Snapshot) {
		s.Links[from-1][to-1] = cluster.Link{}
	})
}

func (f *fakeCluster) SetDelay(from, to int, d time.Duration) error {
	return f.record(fmt.Sprintf("SetDelay(%d,%d,%v)", from, to, d), func(s *cluster.Snapshot) {
		s.Links[from-1][to-1].Delay = d
	})
}

func (f *fakeCluster) SetLoss(from, to int, p float64) error {
	return f.record(fmt.Sprintf("SetLoss(%d,%d,%g)", from, to, p), func(s *cluster.Snapshot) {
		s.Links[from-1][to-1].Loss = p
	})
}

// ApplyPreset cuts nothing: the model only shows the description it returns.
func (f *fakeCluster) ApplyPreset(p cluster.Preset) (string, error) {
	err := f.record(fmt.Sprintf("ApplyPreset(%s)", p), func(*cluster.Snapshot) {})
	if err != nil {
		return "", err
	}
	return p.String() + ": {n1 n2} | {n3 n4 n5}", nil
}

func (f *fakeCluster) HealAll() {
	_ = f.record("HealAll()", func(s *cluster.Snapshot) { s.Links = fullLinks(len(s.Nodes)) })
}

func (f *fakeCluster) SetPreVote(on bool) {
	_ = f.record(fmt.Sprintf("SetPreVote(%v)", on), func(s *cluster.Snapshot) { s.PreVote = on })
}

func (f *fakeCluster) SetCheckQuorum(on bool) {
	_ = f.record(fmt.Sprintf("SetCheckQuorum(%v)", on), func(s *cluster.Snapshot) {
		s.CheckQuorum = on
	})
}

// TransferLeadership makes target lead the next term, followed by every
// running node, as a finished transfer would.
func (f *fakeCluster) TransferLeadership(target int) error {
	return f.record(fmt.Sprintf("TransferLeadership(%d)", target), func(s *cluster.Snapshot) {
		_, term := s.Leader()
		for i := range s.Nodes {
			st := &s.Nodes[i].Status
			st.Term, st.Leader, st.Role = term+1, target, raft.Follower
		}
		s.Nodes[target-1].Status.Role = raft.Leader
	})
}

// setAll cuts every link to and from id, or makes them all healthy.
func setAll(s *cluster.Snapshot, id int, healthy bool) {
	for other := range s.Nodes {
		if other != id-1 {
			link := cluster.Link{Cut: !healthy}
			s.Links[id-1][other], s.Links[other][id-1] = link, link
		}
	}
}

// copySnapshot copies the slices too, so the model never shares memory with the
// fake while a test goroutine changes it.
func copySnapshot(s cluster.Snapshot) cluster.Snapshot {
	s.Nodes = slices.Clone(s.Nodes)
	links := make([][]cluster.Link, len(s.Links))
	for i, row := range s.Links {
		links[i] = slices.Clone(row)
	}
	s.Links = links
	s.Violations = slices.Clone(s.Violations)
	return s
}

// fullLinks returns the links of n nodes, all healthy.
func fullLinks(n int) [][]cluster.Link {
	links := make([][]cluster.Link, n)
	for i := range links {
		links[i] = make([]cluster.Link, n)
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
	links[0][2].Cut, links[2][0].Cut = true, true
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

// Both the real cluster and the fake must provide every call the UI makes.
var (
	_ Cluster = (*cluster.Cluster)(nil)
	_ Cluster = (*fakeCluster)(nil)
)

// faultSnapshot is the demo cluster after the faults of a safety demo. n4 came
// back with amnesia and won term 3 while n1, the term 3 leader, is frozen. The
// cluster is paused at ×1/50, n2→n5 is delayed and lossy, n5→n2 is lossy and
// n4→n5 is delayed.
func faultSnapshot() cluster.Snapshot {
	s := demoSnapshot()
	s.Paused, s.Slowdown = true, 50
	s.Nodes[0].Frozen = true
	s.Nodes[3] = upNode(4, raft.Status{Role: raft.Leader, Term: 3, VotedFor: 4, Leader: 4,
		ResetReason: raft.ResetElectionStarted}, 0)
	s.Nodes[3].Incarnation, s.Nodes[3].RestartMode = 2, cluster.RestartAmnesia
	s.Links[1][4] = cluster.Link{Delay: 50 * time.Millisecond, Loss: 0.3}
	s.Links[4][1] = cluster.Link{Loss: 0.3}
	s.Links[3][4] = cluster.Link{Delay: 100 * time.Millisecond}
	s.Violations = []string{"two leaders in term 3: n1 and n4"}
	return s
}

// faultEvents is the history that leads from demoSnapshot to faultSnapshot.
func faultEvents() []cluster.Event {
	const ms = time.Millisecond
	return append(demoEvents(),
		cluster.Event{Time: msBefore(60), Kind: cluster.EventFrozen, Node: 1},
		cluster.Event{Time: msBefore(55), Kind: cluster.EventRestarted, Node: 4, Incarnation: 2,
			Mode: cluster.RestartAmnesia},
		cluster.Event{Time: msBefore(50), Kind: cluster.EventLinkChanged, Node: 2, Peer: 5,
			Link: cluster.Link{Delay: 50 * ms}},
		nodeEvent(20, raft.Event{Node: 4, Kind: raft.EventElectionWon, Term: 3, Votes: 3}),
		cluster.Event{Time: msBefore(20), Kind: cluster.EventSafetyViolation, Node: 4,
			Text: "two leaders in term 3: n1 and n4"},
		cluster.Event{Time: msBefore(10), Kind: cluster.EventSpeedChanged, Slowdown: 50},
		cluster.Event{Time: msBefore(0), Kind: cluster.EventPaused},
	)
}

// bigSnapshot is a cluster of n nodes in term 7: n1 leads, n7 campaigns for
// term 8, n13 is down, n20 is frozen and n9 is cut off from n1 both ways.
func bigSnapshot(n int) cluster.Snapshot {
	s := demoSnapshot()
	s.Nodes = nil
	for id := 1; id <= n; id++ {
		left := time.Duration(20+(id*37)%200) * time.Millisecond
		st := raft.Status{Role: raft.Follower, Term: 7, VotedFor: 1, Leader: 1,
			Timeout: 250 * time.Millisecond, ResetReason: raft.ResetHeartbeat}
		s.Nodes = append(s.Nodes, upNode(id, st, left))
	}
	s.Nodes[0].Status.Role = raft.Leader
	s.Links = fullLinks(n)
	if n >= 20 {
		s.Nodes[6].Status = raft.Status{ID: 7, Role: raft.Candidate, Term: 8, VotedFor: 7,
			Now: demoTime, Deadline: demoTime.Add(90 * time.Millisecond),
			Timeout: 280 * time.Millisecond, Granted: []int{7}}
		s.Nodes[12].Up = false
		s.Nodes[19].Frozen = true
		s.Links[0][8].Cut, s.Links[8][0].Cut = true, true
		s.Links[2][3].Delay = 50 * time.Millisecond
	}
	return s
}
