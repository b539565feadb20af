package cluster

import (
	"time"

	"github.com/raftplay/raftplay/raft"
)

// Snapshot is a deep copy of the whole cluster at one moment. Nothing in it is
// shared with the running nodes.
type Snapshot struct {
	Time  time.Time      // on the cluster clock
	Nodes []NodeSnapshot // Nodes[i] is node i+1
	Links [][]bool       // Links[from-1][to-1] is true when messages from→to are delivered

	ElectionTimeoutMin time.Duration // cluster time
	ElectionTimeoutMax time.Duration // cluster time
	Heartbeat          time.Duration // cluster time
	Slowdown           float64       // wall-clock seconds per second of cluster time
}

// NodeSnapshot is one node in a Snapshot.
type NodeSnapshot struct {
	ID          int
	Addr        string // host:port of its RPC listener
	StatePath   string
	Up          bool
	Incarnation int // 1 for the first start, one more for each restart

	// Status is the node's state when Up; for a node that is down it is the last
	// state it had, with Role reset to Follower and Leader to None.
	Status raft.Status

	// Persisted is the term and vote in the state file: for a running node, what
	// it last saved; for a node that is down, what the file held when it stopped.
	Persisted raft.HardState

	// Err says why a node that is down could not start, such as a damaged state
	// file; empty for a node that is down because it was crashed.
	Err string
}

// Majority returns how many nodes make a majority of this cluster.
func (s Snapshot) Majority() int { return raft.Majority(len(s.Nodes)) }

// UpCount returns how many nodes are running.
func (s Snapshot) UpCount() int {
	up := 0
	for _, n := range s.Nodes {
		if n.Up {
			up++
		}
	}
	return up
}

// Leader returns the running leader with the highest term, and that term; or
// raft.None and the highest term of any running node if no node leads.
func (s Snapshot) Leader() (int, uint64) {
	leader, leaderTerm, maxTerm := raft.None, uint64(0), uint64(0)
	for _, n := range s.Nodes {
		if !n.Up {
			continue
		}
		maxTerm = max(maxTerm, n.Status.Term)
		if n.Status.Role == raft.Leader && n.Status.Term >= leaderTerm {
			leader, leaderTerm = n.ID, n.Status.Term
		}
	}
	if leader == raft.None {
		return raft.None, maxTerm
	}
	return leader, leaderTerm
}

// Followers returns how many running nodes, the leader included, are in leader's
// term and follow it.
func (s Snapshot) Followers(leader int) int {
	if leader < 1 || leader > len(s.Nodes) {
		return 0
	}
	term := s.Nodes[leader-1].Status.Term
	count := 0
	for _, n := range s.Nodes {
		if n.Up && n.Status.Term == term && n.Status.Leader == leader {
			count++
		}
	}
	return count
}

// Delivers reports whether messages from→to are delivered.
func (s Snapshot) Delivers(from, to int) bool {
	return s.Links[from-1][to-1]
}
