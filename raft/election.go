package raft

import (
	"runtime"
	"time"
)

// onTimer is the callback of the node's one timer. A leader sends a round of
// heartbeats. Any other node campaigns if its deadline has passed, and
// otherwise re-arms the timer for the time left, because a reset may have
// moved the deadline since the timer was armed.
func (n *Node) onTimer() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped {
		return
	}
	if n.role == Leader {
		if n.checkQuorum && n.stepDownWithoutQuorum() {
			return
		}
		n.broadcastHeartbeats()
		n.timer.Reset(n.cfg.Heartbeat)
		return
	}
	if left := n.deadline.Sub(n.cfg.Clock.Now()); left > 0 {
		n.timer.Reset(left)
		return
	}
	n.forced = false
	n.campaign()
}

// campaign starts a pre-vote if PreVote is on, and a real election otherwise
// or for a leadership transfer. Called with mu held.
func (n *Node) campaign() bool {
	n.expired = n.timeout
	if n.preVote && !n.transfer {
		return n.startPreVote()
	}
	return n.startElection()
}

// startPreVote makes the node a pre-candidate. It sends every peer a pre-vote
// request for the next term, without changing its own term or vote.
// Called with mu held.
func (n *Node) startPreVote() bool {
	proposed := n.hard.Term + 1
	// forced and expired stay set: they are the cause of the election that a
	// won pre-vote starts.
	n.emit(Event{Kind: EventElectionStarted, Term: proposed, Timeout: n.expired, Forced: n.forced, PreVote: true})
	n.log.Info("pre-vote started", "term", proposed, "forced", n.forced)

	n.role = PreCandidate
	n.leader = None
	n.votes = map[int]bool{n.cfg.ID: true}
	n.round++
	n.emit(Event{Kind: EventRoleChanged, Term: n.hard.Term})
	n.resetElectionTimer(ResetPreVoteStarted)
	if Tally(n.cfg.Nodes, 1, 0) == Won {
		return n.startElection()
	}
	n.requestVotes(RequestVoteArgs{Term: proposed, CandidateID: n.cfg.ID, PreVote: true})
	return true
}

// requestVotes sends args to every peer in parallel. Called with mu held.
func (n *Node) requestVotes(args RequestVoteArgs) {
	round := n.round
	for _, peer := range n.peers() {
		n.emit(Event{Kind: EventVoteRequested, Term: args.Term, Peer: peer, PreVote: args.PreVote})
		n.counts.Sent++
		n.spawn(func() { n.requestVote(peer, args, round) })
	}
}

// stepDownWithoutQuorum makes a leader that has not heard from a majority,
// itself included, within the last maximum election timeout a follower again,
// and reports whether it did. It runs at every heartbeat, so the leader steps
// down at most one heartbeat interval after the window closes. Called with mu
// held.
func (n *Node) stepDownWithoutQuorum() bool {
	now := n.cfg.Clock.Now()
	window := n.cfg.ElectionTimeoutMax
	if now.Sub(n.leaderSince) < window {
		return false
	}
	since := now.Add(-window)
	active := 1
	for _, heard := range n.peerHeard {
		if heard.After(since) {
			active++
		}
	}
	if active >= Majority(n.cfg.Nodes) {
		return false
	}
	n.emit(Event{Kind: EventQuorumLost, Term: n.hard.Term, Votes: active, Timeout: window})
	n.log.Info("stepped down without quorum", "term", n.hard.Term, "heard_from", active)
	n.follow(None)
	return true
}

// resetElectionTimer draws a new timeout and moves the deadline. Called with mu held.
func (n *Node) resetElectionTimer(reason ResetReason) {
	n.timeout = n.drawTimeout()
	n.deadline = n.cfg.Clock.Now().Add(n.timeout)
	n.resetReason = reason
	if n.timer != nil { // before Start, Start arms the timer for this deadline
		n.timer.Reset(n.timeout)
	}
}

// startElection makes the node a candidate in a new term. It votes for itself
// and requests every peer's vote while it saves the new term and vote.
// Sending before the write has finished shortens the time in which another
// node's timer can run out too and split the vote. It is safe because the
// node counts no reply, its own vote included, until the write is done:
// replies wait for mu, which the write holds. A request carries nothing the
// node has promised, and a voter that adopts the term from it saves that term
// itself. Figure 2 requires the save before the node responds to an RPC,
// which still holds.
//
// It reports false if the new term could not be saved. The node then stays as
// it was, ignores the replies to the requests already sent and tries again at
// its next timeout. Called with mu held.
func (n *Node) startElection() bool {
	term := n.hard.Term + 1
	transfer, forced := n.transfer, n.forced
	n.transfer, n.forced = false, false
	n.emit(Event{Kind: EventElectionStarted, Term: term, Timeout: n.expired, Forced: forced, Transfer: transfer})
	n.log.Info("election started", "term", term, "expired_timeout", n.expired, "forced", forced,
		"transfer", transfer)

	n.round++
	n.requestVotes(RequestVoteArgs{Term: term, CandidateID: n.cfg.ID, Transfer: transfer})
	// Let the goroutines just started send their requests before the write
	// below occupies this thread.
	runtime.Gosched()
	if err := n.save(HardState{Term: term, VotedFor: n.cfg.ID}); err != nil {
		n.round++ // the replies to the requests just sent must not count
		n.resetElectionTimer(ResetPersistFailed)
		return false
	}
	n.emit(Event{Kind: EventTermChanged, Term: term, Peer: None})
	n.role = Candidate
	n.leader = None
	n.votes = map[int]bool{n.cfg.ID: true}
	n.emit(Event{Kind: EventRoleChanged, Term: term})
	n.resetElectionTimer(ResetElectionStarted)
	if Tally(n.cfg.Nodes, 1, 0) == Won {
		n.becomeLeader()
	}
	return true
}

// requestVote requests one peer's vote or pre-vote and counts the reply, if
// it still belongs to the current round of voting when it arrives.
func (n *Node) requestVote(peer int, args RequestVoteArgs, round uint64) {
	var reply RequestVoteReply
	err := n.await(n.cfg.Transport.RequestVote(peer, &args, &reply), n.cfg.ElectionTimeoutMin)
	if err != nil {
		n.log.Debug("vote request got no answer", "peer", peer, "term", args.Term, "err", err)
		return
	}

	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped {
		return
	}
	n.heard(peer, message{kind: messageVoteReply, term: reply.Term, preVote: args.PreVote, granted: reply.VoteGranted})
	if ShouldAdoptTerm(n.hard.Term, reply.Term) {
		n.becomeFollower(reply.Term, None, peer)
		return
	}
	// The node may have moved on while the call was out: only a reply to the
	// round of voting still running counts.
	if n.round != round || (n.role != Candidate && n.role != PreCandidate) {
		return
	}
	if _, counted := n.votes[peer]; counted {
		return
	}
	n.votes[peer] = reply.VoteGranted
	granted, rejected := n.countVotes()
	n.emit(Event{Kind: EventVoteReceived, Term: args.Term, Peer: peer, Granted: reply.VoteGranted,
		Votes: granted, Reason: reply.Reason, VotedFor: reply.VotedFor, PeerTerm: reply.Term,
		PreVote: args.PreVote})
	if Tally(n.cfg.Nodes, granted, rejected) != Won {
		return
	}
	if args.PreVote {
		n.emit(Event{Kind: EventElectionWon, Term: args.Term, Votes: granted, PreVote: true})
		n.startElection()
		return
	}
	n.becomeLeader()
}

// countVotes returns how many distinct nodes granted and rejected the current
// election. Called with mu held.
func (n *Node) countVotes() (granted, rejected int) {
	for _, ok := range n.votes {
		if ok {
			granted++
		} else {
			rejected++
		}
	}
	return granted, rejected
}

// becomeLeader makes a candidate that won its election the leader, and sends the
// first heartbeats at once. Called with mu held.
func (n *Node) becomeLeader() {
	granted, _ := n.countVotes()
	n.role = Leader
	n.leader = n.cfg.ID
	n.peerHeard = make(map[int]time.Time)
	n.leaderSince = n.cfg.Clock.Now()
	n.emit(Event{Kind: EventElectionWon, Term: n.hard.Term, Votes: granted})
	n.emit(Event{Kind: EventRoleChanged, Term: n.hard.Term, Peer: n.cfg.ID})
	n.log.Info("became leader", "term", n.hard.Term, "votes", granted)
	n.broadcastHeartbeats()
	n.timer.Reset(n.cfg.Heartbeat)
}

// becomeFollower moves the node to term (saving it first, with no vote, if it is
// newer) as a follower of leader, which may be None. from is the node whose
// message caused the change. Adopting a term does not reset the election
// timer; only a leader stepping down draws a new one, since it had none running.
// If the new term cannot be saved the node stays as it was and returns the error.
// Called with mu held.
func (n *Node) becomeFollower(term uint64, leader, from int) error {
	if term > n.hard.Term {
		if err := n.moveTo(HardState{Term: term, VotedFor: None}, from); err != nil {
			return err
		}
	}
	n.follow(leader)
	return nil
}

// moveTo saves hs and, if its term is newer, reports the new term and makes the
// node a follower with no known leader yet. from is the node whose message
// carried the term. Called with mu held.
func (n *Node) moveTo(hs HardState, from int) error {
	newer := hs.Term > n.hard.Term
	if err := n.save(hs); err != nil {
		return err
	}
	if newer {
		n.emit(Event{Kind: EventTermChanged, Term: hs.Term, Peer: from})
		n.log.Info("adopted term", "term", hs.Term, "from", from)
		n.follow(None)
	}
	return nil
}

// follow makes the node a follower of leader, which may be None, in its current
// term. Called with mu held.
func (n *Node) follow(leader int) {
	if n.role == Follower && n.leader == leader {
		return
	}
	wasLeader := n.role == Leader
	n.role = Follower
	n.leader = leader
	n.votes = nil
	n.emit(Event{Kind: EventRoleChanged, Term: n.hard.Term, Peer: leader})
	n.log.Info("became follower", "term", n.hard.Term, "leader", leader)
	if wasLeader {
		n.resetElectionTimer(ResetSteppedDown)
	}
}

// broadcastHeartbeats sends one empty AppendEntries to every peer, in parallel.
// Called with mu held.
func (n *Node) broadcastHeartbeats() {
	args := AppendEntriesArgs{Term: n.hard.Term, LeaderID: n.cfg.ID}
	for _, peer := range n.peers() {
		n.counts.Sent++
		n.spawn(func() { n.sendHeartbeat(peer, args) })
	}
}

// sendHeartbeat sends one heartbeat and steps down if the reply carries a newer term.
func (n *Node) sendHeartbeat(peer int, args AppendEntriesArgs) {
	var reply AppendEntriesReply
	if err := n.await(n.cfg.Transport.AppendEntries(peer, &args, &reply), n.cfg.Heartbeat); err != nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped {
		return
	}
	n.heard(peer, message{kind: messageHeartbeatReply, term: reply.Term})
	if ShouldAdoptTerm(n.hard.Term, reply.Term) {
		n.becomeFollower(reply.Term, None, peer)
		return
	}
	if n.role == Leader && n.hard.Term == args.Term {
		n.peerHeard[peer] = n.cfg.Clock.Now()
	}
}

// markHeard records that the current term's leader, or a candidate this node
// voted for, was heard from. Called with mu held.
func (n *Node) markHeard(reason ResetReason) {
	n.lastHeard = n.cfg.Clock.Now()
	n.resetElectionTimer(reason)
}
