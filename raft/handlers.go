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
	if !args.Transfer && n.inLease(candidate) {
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
// Called with mu held.
func (n *Node) handlePreVote(args *RequestVoteArgs) RequestVoteReply {
	granted, reason := DecidePreVote(n.hard.Term, args.Term, n.inLease(args.CandidateID))
	if !granted {
		return n.rejectVote(args, reason)
	}
	n.emit(Event{Kind: EventVoteGranted, Term: n.hard.Term, Peer: args.CandidateID, Reason: reason,
		VotedFor: n.hard.VotedFor, PeerTerm: args.Term, PreVote: true})
	return RequestVoteReply{Term: n.hard.Term, VoteGranted: true, Reason: reason, VotedFor: n.hard.VotedFor}
}

// inLease reports whether CheckQuorum makes this node stick to its leader and
// ignore candidate: it leads itself, or heard from its leader within the
// minimum election timeout. Called with mu held.
func (n *Node) inLease(candidate int) bool {
	if !n.checkQuorum || n.leader == None || n.leader == candidate {
		return false
	}
	return n.role == Leader || n.cfg.Clock.Now().Sub(n.leaderHeard) < n.cfg.ElectionTimeoutMin
}

// rejectVote reports and builds a rejection. Called with mu held.
func (n *Node) rejectVote(args *RequestVoteArgs, reason VoteReason) RequestVoteReply {
	n.emit(Event{Kind: EventVoteRejected, Term: n.hard.Term, Peer: args.CandidateID, Reason: reason,
		VotedFor: n.hard.VotedFor, PeerTerm: args.Term, PreVote: args.PreVote, Leader: n.leader})
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
	n.leaderHeard = n.lastHeard
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
