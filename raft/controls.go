package raft

import "time"

// Campaign makes the node's election timer run out now, so that it starts an
// election at once, as if its timeout had expired. It reports false if the node
// leads, is not running, or could not save the new term.
func (n *Node) Campaign() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped || !n.started || n.role == Leader {
		return false
	}
	n.log.Info("campaign requested")
	n.forced = true
	return n.startElection()
}

// SetElectionTimeout re-arms the election timer to run out after d instead of
// its random draw, so that a person can make two nodes time out together (a
// split vote) or spread timeouts apart. The next reset draws at random again.
// It reports false, and does nothing, if the node leads or is not running.
func (n *Node) SetElectionTimeout(d time.Duration) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped || !n.started || n.role == Leader {
		return false
	}
	n.timeout = d
	n.deadline = n.cfg.Clock.Now().Add(d)
	n.resetReason = ResetRigged
	n.timer.Reset(d)
	return true
}
