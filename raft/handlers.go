package raft

// HandleRequestVote handles a RequestVote from a candidate. A granted vote is
// saved before this returns, so the reply can leave as soon as it is built; if
// it cannot be saved the vote is rejected.
func (n *Node) HandleRequestVote(args *RequestVoteArgs) (RequestVoteReply, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped {
		return RequestVoteReply{}, ErrStopped
	}
	candidate := args.CandidateID
	n.heard(candidate, message{kind: messageVoteRequest, term: args.Term, preVote: args.PreVote})
	n.counts.Replied++ // every return below carries a reply
	if args.PreVote {
		return n.handlePreVote(args), nil
	}
	// CheckQuorum makes a follower stick to the leader it follows for real
	// votes too, unless that leader asked for the election by a transfer.
	if n.checkQuorum && !args.Transfer && n.leaderLive(n.leader, candidate) {
		return n.rejectVote(args, ReasonLeaderRecent), nil
	}

	// Decide on the state the node will have after adopting a newer term, so
	// that the new term and the vote reach the file in one write.
	next := n.hard
	if ShouldAdoptTerm(next.Term, args.Term) {
		next = HardState{Term: args.Term, VotedFor: None}
	}
	granted, reason := DecideVote(next, args.Term, candidate)
	if granted {
		next.VotedFor = candidate
	}
	if next != n.hard {
		if err := n.moveTo(next, candidate); err != nil {
			return n.rejectVote(args, ReasonPersistFailed), nil
		}
	}
	if !granted {
		return n.rejectVote(args, reason), nil
	}

	n.markHeard(ResetVoteGranted)
	n.emit(Event{Kind: EventVoteGranted, Term: n.hard.Term, Peer: candidate, Reason: reason,
		VotedFor: candidate, PeerTerm: args.Term})
	n.log.Debug("granted vote", "term", n.hard.Term, "candidate", candidate)
	return RequestVoteReply{Term: n.hard.Term, VoteGranted: true, Reason: reason, VotedFor: candidate}, nil
}

// handlePreVote decides a pre-vote request. It changes neither term nor vote nor timer.
// The node rejects it while it leads or within the minimum election timeout of
// its last heartbeat from a leader, whether or not CheckQuorum is on. That
// holds even if the node has since adopted a newer term or started a campaign
// of its own by request, because it still heard that leader recently.
// Called with mu held.
func (n *Node) handlePreVote(args *RequestVoteArgs) RequestVoteReply {
	granted, reason := DecidePreVote(n.hard.Term, args.Term, n.leaderLive(n.heardFrom, args.CandidateID))
	if !granted {
		return n.rejectVote(args, reason)
	}
	n.emit(Event{Kind: EventVoteGranted, Term: n.hard.Term, Peer: args.CandidateID, Reason: reason,
		VotedFor: n.hard.VotedFor, PeerTerm: args.Term, PreVote: true})
	return RequestVoteReply{Term: n.hard.Term, VoteGranted: true, Reason: reason, VotedFor: n.hard.VotedFor}
}

// leaderLive reports whether this node leads, or heard a heartbeat from
// leader within the minimum election timeout and leader is not candidate.
// Real votes pass n.leader, which a change of term clears, and pre-votes pass
// n.heardFrom, which nothing clears. While n.leader is set it is n.heardFrom,
// since only a heartbeat sets it. Called with mu held.
func (n *Node) leaderLive(leader, candidate int) bool {
	since := n.cfg.Clock.Now().Sub(n.leaderHeard)
	return LeaderLive(n.role == Leader, leader, candidate, since, n.cfg.ElectionTimeoutMin)
}

// liveLeader returns the leader that leaderLive found live: this node if it
// leads, else the sender of its last heartbeat. Called with mu held.
func (n *Node) liveLeader() int {
	if n.role == Leader {
		return n.cfg.ID
	}
	return n.heardFrom
}

// rejectVote reports and builds a rejection. Called with mu held.
func (n *Node) rejectVote(args *RequestVoteArgs, reason VoteReason) RequestVoteReply {
	leader := n.leader
	if reason == ReasonLeaderRecent {
		leader = n.liveLeader()
	}
	n.emit(Event{Kind: EventVoteRejected, Term: n.hard.Term, Peer: args.CandidateID, Reason: reason,
		VotedFor: n.hard.VotedFor, PeerTerm: args.Term, PreVote: args.PreVote, Leader: leader})
	n.log.Debug("rejected vote", "term", n.hard.Term, "candidate", args.CandidateID, "reason", reason)
	return RequestVoteReply{Term: n.hard.Term, Reason: reason, VotedFor: n.hard.VotedFor}
}

// HandleAppendEntries handles a heartbeat. A heartbeat from an older term is
// rejected and changes nothing, so it does not reset the election timer. One
// from the current term's leader makes a candidate step down and resets the timer.
func (n *Node) HandleAppendEntries(args *AppendEntriesArgs) (AppendEntriesReply, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped {
		return AppendEntriesReply{}, ErrStopped
	}
	n.heard(args.LeaderID, message{kind: messageHeartbeat, term: args.Term})
	n.counts.Replied++ // every return below carries a reply
	if args.Term < n.hard.Term {
		return AppendEntriesReply{Term: n.hard.Term}, nil
	}
	if n.role == Leader && args.Term == n.hard.Term {
		// Two leaders in one term: Raft rules this out, and only a node that lost
		// its state file (restarted with amnesia) can cause it. Refuse to follow.
		n.log.Error("another leader in my term", "term", args.Term, "other_leader", args.LeaderID)
		return AppendEntriesReply{Term: n.hard.Term}, nil
	}
	if err := n.becomeFollower(args.Term, args.LeaderID, args.LeaderID); err != nil {
		return AppendEntriesReply{Term: n.hard.Term}, nil
	}
	n.markHeard(ResetHeartbeat)
	n.leaderHeard, n.heardFrom = n.lastHeard, args.LeaderID
	n.counts.Heartbeats++
	reply := AppendEntriesReply{Term: n.hard.Term, Success: true}
	if args.TimeoutNow {
		n.log.Info("leadership transfer requested", "term", n.hard.Term, "leader", args.LeaderID)
		n.transfer = true
		n.expired = n.timeout
		n.startElection()
	}
	return reply, nil
}
