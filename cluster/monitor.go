package cluster

import (
	"fmt"

	"github.com/raftplay/raftplay/raft"
)

// monitor checks Raft's election safety on the event stream as it passes: at
// most one leader per term over the whole run. Only a node that lost its state
// (an amnesia, stale or torn restart) can break it.
type monitor struct {
	leaders    map[uint64]int // term → the first node that won it
	violations []string
}

func newMonitor() *monitor {
	return &monitor{leaders: make(map[uint64]int)}
}

// observe checks e and returns a description of the rule it breaks, or "".
func (m *monitor) observe(e Event) string {
	if e.Kind != EventRaft || e.Raft.Kind != raft.EventElectionWon {
		return ""
	}
	term := e.Raft.Term
	first, seen := m.leaders[term]
	if !seen {
		m.leaders[term] = e.Node
		return ""
	}
	if first == e.Node {
		return ""
	}
	v := fmt.Sprintf("two leaders in term %d: n%d and n%d", term, first, e.Node)
	m.violations = append(m.violations, v)
	return v
}
