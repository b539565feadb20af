package cluster

import (
	"fmt"
	"slices"
	"strings"

	"github.com/raftplay/raftplay/raft"
)

// monitor checks Raft's safety rules on the event stream as it passes, over the
// whole run and across restarts:
//
//  1. at most one leader per term;
//  2. a node's term never decreases;
//  3. a node votes at most once per term;
//  4. every leader received votes from a majority of distinct nodes in its term;
//  5. every term and vote a node replies with or leads with is in its state
//     file when the message leaves, and a candidate's own vote is saved when
//     it wins (checked by the transport, the service and checkWin, which
//     report through persistViolation). A candidate's vote requests may leave
//     before its write ends: it counts no vote until then.
//
// A correct node never breaks them. A restart that loses the state file
// (amnesia, stale) can break 2, 3 and then 1; the violation names that
// restart as the likely cause.
type monitor struct {
	nodes      int
	leaders    map[uint64]int           // term → the first node that won it
	terms      map[int]uint64           // node → highest term it saved or loaded
	votes      map[int]map[uint64]int   // node → term → the candidate it voted for
	grants     map[uint64]map[int][]int // term → candidate → voters who granted
	lossy      map[int]RestartMode      // node → the last restart that lost state
	violations []string
}

func newMonitor(nodes int) *monitor {
	return &monitor{
		nodes: nodes, leaders: make(map[uint64]int), terms: make(map[int]uint64),
		votes: make(map[int]map[uint64]int), grants: make(map[uint64]map[int][]int),
		lossy: make(map[int]RestartMode),
	}
}

// observe checks e and returns a description of each rule it breaks.
func (m *monitor) observe(e Event) []string {
	var broken []string
	switch {
	case e.Kind == EventRestarted:
		broken = m.observeRestart(e)
	case e.Kind == EventRaft && !e.Raft.PreVote:
		broken = m.observeRaft(e.Node, e.Raft)
	}
	m.violations = append(m.violations, broken...)
	return broken
}

func (m *monitor) observeRestart(e Event) []string {
	if e.Mode != RestartClean {
		m.lossy[e.Node] = e.Mode
	}
	return m.checkTerm(e.Node, e.Loaded.Term)
}

func (m *monitor) observeRaft(node int, e raft.Event) []string {
	switch e.Kind {
	case raft.EventStatePersisted:
		return append(m.checkTerm(node, e.Term), m.checkVote(node, e.Term, e.VotedFor)...)
	case raft.EventVoteGranted:
		m.recordGrant(e.Term, e.Peer, node)
	case raft.EventElectionWon:
		return append(m.checkMajority(node, e.Term), m.checkOneLeader(node, e.Term)...)
	}
	return nil
}

// checkTerm is rule 2.
func (m *monitor) checkTerm(node int, term uint64) []string {
	previous := m.terms[node]
	if term >= previous {
		m.terms[node] = term
		return nil
	}
	m.terms[node] = term
	return []string{fmt.Sprintf("term of n%d fell from %d to %d%s", node, previous, term, m.cause(node))}
}

// checkVote is rule 3.
func (m *monitor) checkVote(node int, term uint64, votedFor int) []string {
	if votedFor == raft.None {
		return nil
	}
	if m.votes[node] == nil {
		m.votes[node] = make(map[uint64]int)
	}
	first, voted := m.votes[node][term]
	if !voted {
		m.votes[node][term] = votedFor
		return nil
	}
	if first == votedFor {
		return nil
	}
	return []string{fmt.Sprintf("n%d voted twice in term %d: for n%d and n%d%s",
		node, term, first, votedFor, m.cause(node))}
}

func (m *monitor) recordGrant(term uint64, candidate, voter int) {
	if m.grants[term] == nil {
		m.grants[term] = make(map[int][]int)
	}
	if !slices.Contains(m.grants[term][candidate], voter) {
		m.grants[term][candidate] = append(m.grants[term][candidate], voter)
	}
}

// checkMajority is rule 4: the winner's own vote and the grants it received.
func (m *monitor) checkMajority(leader int, term uint64) []string {
	voters := append([]int{leader}, m.grants[term][leader]...)
	slices.Sort(voters)
	voters = slices.Compact(voters)
	if len(voters) >= raft.Majority(m.nodes) {
		return nil
	}
	names := make([]string, len(voters))
	for i, v := range voters {
		names[i] = raft.NodeName(v)
	}
	return []string{fmt.Sprintf("n%d won term %d with votes from %s only, %d needed",
		leader, term, strings.Join(names, ", "), raft.Majority(m.nodes))}
}

// checkOneLeader is rule 1.
func (m *monitor) checkOneLeader(leader int, term uint64) []string {
	first, seen := m.leaders[term]
	if !seen {
		m.leaders[term] = leader
		return nil
	}
	if first == leader {
		return nil
	}
	return []string{fmt.Sprintf("two leaders in term %d: n%d and n%d", term, first, leader)}
}

// cause names the restart that lost node's state, if there was one.
func (m *monitor) cause(node int) string {
	mode, lost := m.lossy[node]
	if !lost {
		return ""
	}
	return fmt.Sprintf(" (after n%d's %s restart)", node, mode)
}

// persistViolation is rule 5: it describes what node did (a message sent, an
// election won) with a term or vote the node has not saved, or returns "". A message of an older
// term than the file's is not checked: it was built before the node moved on,
// when its own term and vote were saved, and the file no longer shows them.
func persistViolation(node int, what string, sent, saved raft.HardState) string {
	switch {
	case sent.Term < saved.Term:
		return ""
	case sent.Term == saved.Term && (sent.VotedFor == raft.None || sent.VotedFor == saved.VotedFor):
		return ""
	}
	return fmt.Sprintf("n%d %s with term %d, vote %s before saving them (file holds term %d, vote %s)",
		node, what, sent.Term, raft.NodeName(sent.VotedFor), saved.Term, raft.NodeName(saved.VotedFor))
}
