package cluster

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/raftplay/raftplay/raft"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// waitTimeout bounds every wait. It is generous because the suite runs under
// -race on a busy two-core machine; a healthy cluster meets each condition in
// well under a second.
const waitTimeout = 20 * time.Second

// testConfig returns the Raft paper's timing at real speed in a fresh folder.
func testConfig(t *testing.T, nodes int) Config {
	t.Helper()
	return Config{
		Nodes: nodes, Dir: t.TempDir(),
		ElectionTimeoutMin: 150 * time.Millisecond, ElectionTimeoutMax: 300 * time.Millisecond,
		Heartbeat: 30 * time.Millisecond, Slowdown: 1, Seed: 1,
	}
}

// testCluster is a running cluster with a recorder of all its events.
type testCluster struct {
	*Cluster
	t      *testing.T
	cancel func()
	done   chan struct{}

	mu     sync.Mutex
	events []Event
	won    map[uint64][]int // term → nodes that won an election in it

	unsafe bool // the test breaks election safety on purpose
}

func startCluster(t *testing.T, cfg Config) *testCluster {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	tc := &testCluster{Cluster: c, t: t, done: make(chan struct{}), won: make(map[uint64][]int)}
	var events <-chan Event
	events, tc.cancel = c.Subscribe()
	go tc.record(events)
	if err := c.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(tc.stop)
	return tc
}

func (tc *testCluster) record(events <-chan Event) {
	defer close(tc.done)
	for e := range events {
		tc.mu.Lock()
		tc.events = append(tc.events, e)
		if e.Kind == EventRaft && e.Raft.Kind == raft.EventElectionWon && !e.Raft.PreVote {
			tc.won[e.Raft.Term] = append(tc.won[e.Raft.Term], e.Node)
		}
		tc.mu.Unlock()
	}
}

// stop ends the cluster and checks that no term ever had two leaders and the
// monitor saw no violation.
func (tc *testCluster) stop() {
	if v := tc.Snapshot().Violations; !tc.unsafe && len(v) > 0 {
		tc.t.Errorf("safety violations in a correct cluster: %q", v)
	}
	tc.Stop()
	tc.cancel()
	<-tc.done
	tc.checkOneLeaderPerTerm()
}

func (tc *testCluster) checkOneLeaderPerTerm() {
	tc.t.Helper()
	if tc.unsafe {
		return
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	for term, leaders := range tc.won {
		if len(leaders) > 1 {
			tc.t.Errorf("term %d had %d leaders: %v", term, len(leaders), leaders)
		}
	}
}

// eventsMatching returns the recorded events for which keep is true.
func (tc *testCluster) eventsMatching(keep func(Event) bool) []Event {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	var out []Event
	for _, e := range tc.events {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// waitFor polls cond until it holds or waitTimeout passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", waitTimeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stableLeader reports the leader that every running node follows in one
// common term, or raft.None if there is none.
func stableLeader(s Snapshot) (int, uint64) {
	leader, term := s.Leader()
	if leader == raft.None {
		return raft.None, term
	}
	for _, n := range s.Nodes {
		if n.Up && (n.Status.Term != term || n.Status.Leader != leader) {
			return raft.None, term
		}
	}
	return leader, term
}

// waitStableLeader waits until all running nodes follow one leader in one term,
// and returns them.
func (tc *testCluster) waitStableLeader() (int, uint64) {
	tc.t.Helper()
	var leader int
	var term uint64
	waitFor(tc.t, "one leader followed by every running node", func() bool {
		leader, term = stableLeader(tc.Snapshot())
		return leader != raft.None
	})
	return leader, term
}

func describe(s Snapshot) string {
	out := ""
	for _, n := range s.Nodes {
		out += fmt.Sprintf("n%d up=%v %s term=%d vote=%d leader=%d; ", n.ID, n.Up, n.Status.Role,
			n.Status.Term, n.Status.VotedFor, n.Status.Leader)
	}
	return out
}

// raftEvents returns the node events of the given kind, after the event
// numbered since.
func (tc *testCluster) raftEvents(since uint64, kind raft.EventKind) []Event {
	return tc.eventsMatching(func(e Event) bool {
		return e.Seq > since && e.Kind == EventRaft && e.Raft.Kind == kind
	})
}

// lastSeq returns the number of the newest recorded event.
func (tc *testCluster) lastSeq() uint64 {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if len(tc.events) == 0 {
		return 0
	}
	return tc.events[len(tc.events)-1].Seq
}

// must fails the test if err is not nil.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// terms returns every node's term and role, to compare two moments.
func terms(s Snapshot) string {
	out := ""
	for _, n := range s.Nodes {
		out += fmt.Sprintf("n%d:%d:%s:%v ", n.ID, n.Status.Term, n.Status.Role, n.Status.Deadline.UnixNano())
	}
	return out
}
