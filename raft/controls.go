package raft

import "time"

// Campaign makes the node's election timer run out now, so that it starts an
// election at once, as if its timeout had expired. With PreVote on it starts a
// pre-vote, which a live leader and every node that heard from it within the
// minimum election timeout reject. It reports false if the node leads, is not
// running, or could not save the new term.
func (n *Node) Campaign() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped || !n.started || n.role == Leader {
		return false
	}
	n.log.Info("campaign requested")
	n.forced = true
	return n.campaign()
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

// SetPreVote switches PreVote on or off from the next election on.
func (n *Node) SetPreVote(on bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.preVote = on
}

// SetCheckQuorum switches CheckQuorum on or off from now on.
func (n *Node) SetCheckQuorum(on bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.checkQuorum = on
}

// TransferLeadership makes a leader hand over to target: it sends target a
// heartbeat that tells it to campaign at once, in an election that bypasses
// PreVote and CheckQuorum's stickiness. It reports false if the node does not
// lead or target is not a peer.
func (n *Node) TransferLeadership(target int) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped || n.role != Leader || target == n.cfg.ID || target < 1 || target > n.cfg.Nodes {
		return false
	}
	n.log.Info("transferring leadership", "term", n.hard.Term, "target", target)
	args := AppendEntriesArgs{Term: n.hard.Term, LeaderID: n.cfg.ID, TimeoutNow: true}
	n.spawn(func() { n.sendHeartbeat(target, args) })
	return true
}
