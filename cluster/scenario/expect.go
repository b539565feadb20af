package scenario

import (
	"fmt"
	"strings"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// Condition is a statement about the cluster that an expect step checks once
// and a wait step polls for. A node counts as the leader only while a majority
// of the cluster's nodes, itself included, are running in its term and follow
// it: a leader cut off from the others may believe it leads, but it is not the
// cluster's leader.
type Condition interface {
	// eval reports whether the condition holds in s and describes what it
	// saw, in a few words: a failure message adds every node's state.
	// mark is the term stored by the last mark term step.
	eval(s cluster.Snapshot, mark uint64) (bool, string)
	// want describes what the condition expects, such as "n4 to lead".
	want(mark uint64) string
}

// HasLeader holds while the cluster has a leader.
type HasLeader struct{}

// LeaderIs holds while Node is the cluster's leader.
type LeaderIs struct{ Node int }

// LeaderIsNot holds while the cluster has a leader other than Node.
type LeaderIsNot struct{ Node int }

// NoLeader holds while the cluster has no leader.
type NoLeader struct{}

// TermIs compares the term of Node, or of every running node when Node is the
// zero NodeRef, with Value.
type TermIs struct {
	Op    Op
	Value TermValue
	Node  NodeRef
}

// RoleIs holds while Node believes it has Role (follower, candidate,
// pre-candidate or leader), or Role is down and Node is not running. Not
// inverts it.
type RoleIs struct {
	Node int
	Role string
	Not  bool
}

// Violation holds when the safety monitor has caught a violation whose
// description contains Text, ignoring case (Want), or has caught none (!Want).
// An empty Text matches every violation.
type Violation struct {
	Want bool
	Text string
}

// Roles lists the roles a role condition accepts.
var Roles = []string{
	raft.Follower.String(), raft.Candidate.String(), raft.PreCandidate.String(),
	raft.Leader.String(), "down",
}

// Op is a comparison operator of a term condition.
type Op string

// The comparison operators.
const (
	OpEqual   Op = "=="
	OpAtLeast Op = ">="
	OpAtMost  Op = "<="
	OpGreater Op = ">"
	OpLess    Op = "<"
)

// Ops lists every comparison operator.
var Ops = []Op{OpEqual, OpAtLeast, OpAtMost, OpGreater, OpLess}

func (op Op) compare(a, b uint64) bool {
	switch op {
	case OpEqual:
		return a == b
	case OpAtLeast:
		return a >= b
	case OpAtMost:
		return a <= b
	case OpGreater:
		return a > b
	case OpLess:
		return a < b
	}
	return false
}

// TermValue is a term in a condition: N, or mark+N when Mark is set.
type TermValue struct {
	N    uint64
	Mark bool
}

func (v TermValue) resolve(mark uint64) uint64 {
	if v.Mark {
		return mark + v.N
	}
	return v.N
}

func (v TermValue) describe(mark uint64) string {
	switch {
	case !v.Mark:
		return fmt.Sprint(v.N)
	case v.N == 0:
		return fmt.Sprintf("mark (%d)", mark)
	}
	return fmt.Sprintf("mark+%d (%d)", v.N, mark+v.N)
}

// leaderOf returns the cluster's leader and its term, or raft.None: the
// running node in the highest term that believes it leads and that a majority
// follows in its term.
func leaderOf(s cluster.Snapshot) (int, uint64) {
	leader, term := raft.None, uint64(0)
	for _, n := range s.Nodes {
		if !n.Up || n.Status.Role != raft.Leader || s.Followers(n.ID) < s.Majority() {
			continue
		}
		if leader == raft.None || n.Status.Term > term {
			leader, term = n.ID, n.Status.Term
		}
	}
	return leader, term
}

// maxTerm returns the highest term of the running nodes.
func maxTerm(s cluster.Snapshot) uint64 {
	var term uint64
	for _, n := range s.Nodes {
		if n.Up {
			term = max(term, n.Status.Term)
		}
	}
	return term
}

// describeLeader names the leader, or explains why no node counts as the leader.
func describeLeader(s cluster.Snapshot) string {
	if id, term := leaderOf(s); id != raft.None {
		return fmt.Sprintf("n%d leads term %d", id, term)
	}
	var claims []string
	for _, n := range s.Nodes {
		if n.Up && n.Status.Role == raft.Leader {
			claims = append(claims, fmt.Sprintf(
				"n%d believes it leads term %d but only %d of %d nodes follow it",
				n.ID, n.Status.Term, s.Followers(n.ID), len(s.Nodes)))
		}
	}
	if len(claims) == 0 {
		return "no leader"
	}
	return "no leader: " + strings.Join(claims, "; ")
}

// describeNodes lists what every node believes, for failure messages.
func describeNodes(s cluster.Snapshot) string {
	parts := make([]string, len(s.Nodes))
	for i, n := range s.Nodes {
		parts[i] = describeNode(n)
	}
	return strings.Join(parts, ", ")
}

func describeNode(n cluster.NodeSnapshot) string {
	if !n.Up {
		return fmt.Sprintf("n%d down", n.ID)
	}
	frozen := ""
	if n.Frozen {
		frozen = "frozen "
	}
	role := n.Status.Role.String()
	if n.Status.Role == raft.Follower && n.Status.Leader != raft.None {
		role = fmt.Sprintf("follower of n%d", n.Status.Leader)
	}
	return fmt.Sprintf("n%d %s%s in term %d", n.ID, frozen, role, n.Status.Term)
}

// withNodes appends the state of every node to seen.
func withNodes(s cluster.Snapshot, seen string) string {
	return seen + " (" + describeNodes(s) + ")"
}

// seenOnFailure returns what cond saw in s for a failure message. It adds
// every node's state, except for a safety condition, whose violations are
// description enough.
func seenOnFailure(cond Condition, s cluster.Snapshot, seen string) string {
	if _, ok := cond.(Violation); ok {
		return seen
	}
	return withNodes(s, seen)
}

func (HasLeader) eval(s cluster.Snapshot, _ uint64) (bool, string) {
	id, _ := leaderOf(s)
	return id != raft.None, describeLeader(s)
}

func (HasLeader) want(uint64) string { return "a leader" }

func (c LeaderIs) eval(s cluster.Snapshot, _ uint64) (bool, string) {
	id, _ := leaderOf(s)
	return id == c.Node, describeLeader(s)
}

func (c LeaderIs) want(uint64) string { return fmt.Sprintf("n%d to lead", c.Node) }

func (c LeaderIsNot) eval(s cluster.Snapshot, _ uint64) (bool, string) {
	id, _ := leaderOf(s)
	return id != raft.None && id != c.Node, describeLeader(s)
}

func (c LeaderIsNot) want(uint64) string { return fmt.Sprintf("a leader other than n%d", c.Node) }

func (NoLeader) eval(s cluster.Snapshot, _ uint64) (bool, string) {
	id, _ := leaderOf(s)
	return id == raft.None, describeLeader(s)
}

func (NoLeader) want(uint64) string { return "no leader" }

func (c TermIs) eval(s cluster.Snapshot, mark uint64) (bool, string) {
	nodes, missing := c.nodes(s)
	if missing != "" {
		return false, missing
	}
	want := c.Value.resolve(mark)
	for _, n := range nodes {
		if !c.Op.compare(n.Status.Term, want) {
			return false, fmt.Sprintf("n%d is in term %d", n.ID, n.Status.Term)
		}
	}
	return true, describeTerms(nodes)
}

// nodes returns the running nodes that c is about, or explains why there are none.
func (c TermIs) nodes(s cluster.Snapshot) ([]cluster.NodeSnapshot, string) {
	id := c.Node.ID
	if c.Node.Leader {
		if id, _ = leaderOf(s); id == raft.None {
			return nil, describeLeader(s)
		}
	}
	var out []cluster.NodeSnapshot
	for _, n := range s.Nodes {
		if n.Up && (id == 0 || n.ID == id) {
			out = append(out, n)
		}
	}
	switch {
	case len(out) > 0:
		return out, ""
	case id != 0:
		return nil, fmt.Sprintf("n%d is down", id)
	}
	return nil, "no node is running"
}

// describeTerms describes which terms the nodes are in: "n3 is in term 4", or
// "running nodes are in terms 3 to 5".
func describeTerms(nodes []cluster.NodeSnapshot) string {
	if len(nodes) == 1 {
		return fmt.Sprintf("n%d is in term %d", nodes[0].ID, nodes[0].Status.Term)
	}
	low, high := nodes[0].Status.Term, nodes[0].Status.Term
	for _, n := range nodes {
		low, high = min(low, n.Status.Term), max(high, n.Status.Term)
	}
	if low == high {
		return fmt.Sprintf("every running node is in term %d", low)
	}
	return fmt.Sprintf("running nodes are in terms %d to %d", low, high)
}

func (c TermIs) want(mark uint64) string {
	on := "every running node"
	switch {
	case c.Node.Leader:
		on = "the leader"
	case c.Node.ID != 0:
		on = fmt.Sprintf("n%d", c.Node.ID)
	}
	return fmt.Sprintf("term %s %s on %s", c.Op, c.Value.describe(mark), on)
}

func (c RoleIs) eval(s cluster.Snapshot, _ uint64) (bool, string) {
	if c.Node < 1 || c.Node > len(s.Nodes) {
		return false, fmt.Sprintf("n%d does not exist; the cluster has %d nodes", c.Node, len(s.Nodes))
	}
	n := s.Nodes[c.Node-1]
	role := "down"
	if n.Up {
		role = n.Status.Role.String()
	}
	return (role == c.Role) != c.Not, describeNode(n)
}

func (c RoleIs) want(uint64) string {
	if c.Not {
		return fmt.Sprintf("n%d not to be %s", c.Node, c.Role)
	}
	return fmt.Sprintf("n%d to be %s", c.Node, c.Role)
}

func (c Violation) eval(s cluster.Snapshot, _ uint64) (bool, string) {
	var matched []string
	for _, v := range s.Violations {
		if strings.Contains(strings.ToLower(v), strings.ToLower(c.Text)) {
			matched = append(matched, v)
		}
	}
	switch {
	case len(matched) > 0:
		return c.Want, "safety violation: " + strings.Join(matched, "; ")
	case len(s.Violations) > 0:
		return !c.Want, "only other safety violations: " + strings.Join(s.Violations, "; ")
	}
	return !c.Want, "no safety violation"
}

func (c Violation) want(uint64) string {
	what := "safety violation"
	if c.Text != "" {
		what = fmt.Sprintf("safety violation containing %q", c.Text)
	}
	if c.Want {
		return "a " + what
	}
	return "no " + what
}
