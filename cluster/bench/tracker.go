package bench

import (
	"errors"
	"fmt"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// errStartFailed is wrapped by the error tracker.apply returns for a node that
// failed to start, which ends a benchmark.
var errStartFailed = errors.New("node failed to start")

// nodeView is one node's state as its events show it.
type nodeView struct {
	up     bool
	term   uint64
	leader int // the node it follows in term, itself if it leads, raft.None if it follows none
}

// tracker rebuilds every node's term and leader from the cluster's events, so
// that a failover ends at the timestamp of the event that completed it rather
// than whenever a poll noticed.
type tracker struct {
	nodes    []nodeView // nodes[i] is node i+1
	majority int

	// violations lists what the cluster's safety monitor reported, in order.
	violations []string
}

// newTracker returns the view of a cluster of n fresh nodes, before Start.
func newTracker(n int) *tracker {
	t := &tracker{nodes: make([]nodeView, n), majority: raft.Majority(n)}
	for i := range t.nodes {
		t.nodes[i].up = true
	}
	return t
}

// apply updates the view with e.
func (t *tracker) apply(e cluster.Event) error {
	if e.Kind == cluster.EventSafetyViolation {
		t.violations = append(t.violations, e.Text)
		return nil
	}
	if e.Node < 1 || e.Node > len(t.nodes) {
		return nil
	}
	view := &t.nodes[e.Node-1]
	switch e.Kind {
	case cluster.EventRaft:
		if view.up {
			applyRaft(view, e.Raft)
		}
	case cluster.EventCrashed:
		*view = nodeView{term: view.term}
	case cluster.EventRestarted:
		*view = nodeView{up: true, term: e.Loaded.Term}
	case cluster.EventStartFailed:
		*view = nodeView{term: view.term}
		return fmt.Errorf("%w: n%d: %s", errStartFailed, e.Node, e.Err)
	}
	return nil
}

// applyRaft updates one running node's view with one of its own events.
func applyRaft(view *nodeView, e raft.Event) {
	switch e.Kind {
	case raft.EventTermChanged:
		view.term, view.leader = e.Term, raft.None
	case raft.EventRoleChanged:
		view.term = e.Term
		switch e.Role {
		case raft.Leader:
			view.leader = e.Node
		case raft.Follower:
			view.leader = e.Peer
		default:
			view.leader = raft.None
		}
	}
}

// stable returns the leader and term that every running node follows, and
// false when the running nodes do not all follow one leader.
func (t *tracker) stable() (leader int, term uint64, ok bool) {
	for _, view := range t.nodes {
		if !view.up {
			continue
		}
		if view.leader == raft.None || (leader != raft.None && view.leader != leader) {
			return raft.None, 0, false
		}
		if leader != raft.None && view.term != term {
			return raft.None, 0, false
		}
		leader, term = view.leader, view.term
	}
	if leader == raft.None || !t.nodes[leader-1].up || t.nodes[leader-1].leader != leader {
		return raft.None, 0, false
	}
	return leader, term, true
}

// majorityLeader returns a leader of a term after term that a majority of the
// cluster, itself included, follows.
func (t *tracker) majorityLeader(after uint64) (leader int, term uint64, ok bool) {
	for i, view := range t.nodes {
		id := i + 1
		if !view.up || view.leader != id || view.term <= after {
			continue
		}
		if t.followers(id, view.term) >= t.majority {
			return id, view.term, true
		}
	}
	return raft.None, 0, false
}

// followers returns how many running nodes follow leader in term.
func (t *tracker) followers(leader int, term uint64) int {
	count := 0
	for _, view := range t.nodes {
		if view.up && view.leader == leader && view.term == term {
			count++
		}
	}
	return count
}
