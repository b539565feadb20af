package cluster

import (
	"time"

	"github.com/raftplay/raftplay/raft"
)

// Snapshot is a deep copy of the whole cluster at one moment. Nothing in it is
// shared with the running nodes.
type Snapshot struct {
	Time   time.Time      // on the cluster clock
	Nodes  []NodeSnapshot // Nodes[i] is node i+1
	Links  [][]Link       // Links[from-1][to-1] is the link from→to
	Paused bool           // the cluster clock is stopped and messages wait

	ElectionTimeoutMin time.Duration // cluster time
	ElectionTimeoutMax time.Duration // cluster time
	Heartbeat          time.Duration // cluster time
	Slowdown           float64       // wall-clock seconds per second of cluster time
	PreVote            bool
	CheckQuorum        bool
	Seed               uint64 // the seed of the election timeouts

	// Violations lists every broken safety rule seen so far, such as two
	// leaders in one term; empty in a correct run.
	Violations []string
}

// NodeSnapshot is one node in a Snapshot.
type NodeSnapshot struct {
	ID          int
	Addr        string // host:port of its RPC listener
	StatePath   string
	Up          bool
	Frozen      bool        // its clock and message handling are stopped
	Incarnation int         // 1 for the first start, one more for each restart
	RestartMode RestartMode // how it was last restarted; RestartClean if never

	// Status is the node's state when Up. For a node that is down it is the
	// last state it had, with Role reset to Follower and Leader to None.
	Status raft.Status

	// Persisted is the term and vote in the state file. For a running node it is
	// what the node last saved, and for a node that is down what the file held
	// when it stopped.
	Persisted raft.HardState

	// Err is the reason a node that is down could not start, such as a damaged state
	// file. It is empty for a node that is down because it was crashed.
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

// Leader returns the running leader with the highest term, and that term. If
// no node leads, it returns raft.None and the highest term of any running node.
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

// Reach returns how many running nodes node id can send to over the current
// links, itself included.
func (s Snapshot) Reach(id int) int {
	if id < 1 || id > len(s.Nodes) {
		return 0
	}
	count := 1
	for _, n := range s.Nodes {
		if n.ID != id && n.Up && s.Delivers(id, n.ID) {
			count++
		}
	}
	return count
}

// Stale reports whether node id leads but cannot reach a majority of the
// cluster over the current links: it still believes it leads, and a majority
// elsewhere may already have a newer leader.
func (s Snapshot) Stale(id int) bool {
	if id < 1 || id > len(s.Nodes) {
		return false
	}
	n := s.Nodes[id-1]
	return n.Up && n.Status.Role == raft.Leader && s.Reach(id) < s.Majority()
}

// Delivers reports whether messages from→to are delivered, that is, the link
// is not cut. A link with loss still delivers some.
func (s Snapshot) Delivers(from, to int) bool {
	return !s.Links[from-1][to-1].Cut
}

// Snapshot returns a deep copy of every node's state and of the links.
func (c *Cluster) Snapshot() Snapshot {
	s := Snapshot{
		Time: c.clock.Now(), Links: c.links.copy(),
		ElectionTimeoutMin: c.cfg.ElectionTimeoutMin, ElectionTimeoutMax: c.cfg.ElectionTimeoutMax,
		Heartbeat: c.cfg.Heartbeat, Slowdown: c.clock.Slowdown(), Paused: c.clock.Paused(),
		Violations: c.hub.violations(), PreVote: c.preVote.Load(), CheckQuorum: c.checkQuorum.Load(),
		Seed: c.cfg.Seed,
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.members {
		n := NodeSnapshot{ID: m.id, Addr: m.addr, StatePath: m.statePath, Incarnation: m.incarnation,
			RestartMode: m.restartMode, Status: m.last, Persisted: m.persisted, Err: m.err}
		if m.running != nil {
			n.Up = true
			n.Frozen = c.clock.Frozen(m.id)
			n.Status = m.running.node.Status()
			n.Persisted = raft.HardState{Term: n.Status.Term, VotedFor: n.Status.VotedFor}
		}
		if n.Status.ID == 0 {
			n.Status.ID = m.id
		}
		s.Nodes = append(s.Nodes, n)
	}
	return s
}
