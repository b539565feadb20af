package raft

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func checkQuorumOn(cfg *Config) { cfg.CheckQuorum = true }

// electScripted makes the scripted node 1 of a cluster of three the leader of
// term 1 with one peer's vote, and returns the time it won.
func electScripted(t *testing.T, s *scriptedNode) time.Time {
	t.Helper()
	s.clock.AdvanceTo(s.node.Status().Deadline)
	waitFor(t, func() bool { return len(s.transport.voteCalls()) == 2 }, "two vote requests")
	s.transport.voteCalls()[0].respond(RequestVoteReply{Term: 1, VoteGranted: true, Reason: ReasonGranted, VotedFor: 1})
	waitFor(t, func() bool { return s.node.Status().Role == Leader }, "n1 to win term 1")
	return s.clock.Now()
}

func TestCheckQuorumLeaderStepsDown(t *testing.T) {
	s := newScriptedNode(t, 3, HardState{}, checkQuorumOn)
	elected := electScripted(t, s)

	// The test never responds to a heartbeat.
	s.clock.AdvanceTo(elected.Add(testTimeoutMax - time.Nanosecond))
	if st := s.node.Status(); st.Role != Leader {
		t.Errorf("just before one maximum election timeout: %v, want still leader", st.Role)
	}
	if lost := s.events.find(1, EventQuorumLost); len(lost) != 0 {
		t.Errorf("QuorumLost events before the window ended = %+v, want none", lost)
	}
	// Rounds at 0, 50, ..., 250ms after the election, to two peers each.
	rounds := int(testTimeoutMax / testHeartbeat)
	waitFor(t, func() bool { return len(s.transport.appendCalls()) == 2*rounds },
		fmt.Sprintf("%d heartbeat rounds to be sent", rounds))

	s.clock.Advance(time.Nanosecond)
	st := s.node.Status()
	if st.Role != Follower {
		t.Errorf("role at one maximum election timeout = %v, want follower", st.Role)
	}
	if st.Term != 1 {
		t.Errorf("term = %d, want 1: stepping down raises no term", st.Term)
	}
	if st.Leader != None {
		t.Errorf("leader = %s, want none", NodeName(st.Leader))
	}
	if st.ResetReason != ResetSteppedDown {
		t.Errorf("reset reason = %v, want %v", st.ResetReason, ResetSteppedDown)
	}
	if want := []HardState{{Term: 1, VotedFor: 1}}; !slices.Equal(s.storage.history(), want) {
		t.Errorf("saves = %+v, want only the election's %+v", s.storage.history(), want)
	}

	lost := s.events.find(1, EventQuorumLost)
	if len(lost) != 1 {
		t.Fatalf("QuorumLost events = %+v, want 1", lost)
	}
	if lost[0].Votes != 1 {
		t.Errorf("QuorumLost heard from %d nodes, want 1 (itself)", lost[0].Votes)
	}
	if lost[0].Timeout != testTimeoutMax {
		t.Errorf("QuorumLost window = %v, want %v", lost[0].Timeout, testTimeoutMax)
	}
	if lost[0].Term != 1 {
		t.Errorf("QuorumLost term = %d, want 1", lost[0].Term)
	}
	want := "n1 stepped down in term 1: heard from only itself in 300ms, fewer than a majority"
	if got := lost[0].String(); got != want {
		t.Errorf("QuorumLost reads %q, want %q", got, want)
	}
}

func TestCheckQuorumOffKeepsLeader(t *testing.T) {
	s := newScriptedNode(t, 3, HardState{}, nil)
	elected := electScripted(t, s)
	s.clock.AdvanceTo(elected.Add(5 * testTimeoutMax))
	if st := s.node.Status(); st.Role != Leader {
		t.Errorf("leader without CheckQuorum after five unanswered windows: %v, want leader", st.Role)
	}

	// Switching CheckQuorum on takes effect at the next heartbeat, since the
	// leader has had no reply for five windows.
	s.node.SetCheckQuorum(true)
	s.clock.Advance(testHeartbeat)
	if st := s.node.Status(); st.Role != Follower {
		t.Errorf("one heartbeat after SetCheckQuorum(true): %v, want follower", st.Role)
	}
	if lost := s.events.find(1, EventQuorumLost); len(lost) != 1 {
		t.Errorf("QuorumLost events = %+v, want 1", lost)
	}
}

func TestCheckQuorumMinorityCount(t *testing.T) {
	c := newTestCluster(t, 5, checkQuorumOn)
	leader := c.elect()
	c.waitHeartbeatReplies()
	peers := others(leader, 5)
	connected := peers[0]
	for _, id := range peers[1:] {
		c.isolate(id, true)
	}
	isolated := c.clock.Now()

	for range 3 * int(testTimeoutMax/testHeartbeat) {
		c.clock.Advance(testHeartbeat)
		if c.node(leader).Status().Role != Leader {
			break
		}
		now := c.clock.Now()
		waitFor(t, func() bool { return c.node(connected).Status().LastHeard.Equal(now) },
			fmt.Sprintf("n%d to hear the heartbeat of %v", connected, now))
	}

	st := c.node(leader).Status()
	if st.Role != Follower {
		t.Fatalf("leader heard by 2 of 5 after three windows: %v, want follower", st.Role)
	}
	if st.Term != 1 {
		t.Errorf("term = %d, want 1", st.Term)
	}
	lost := c.events.find(leader, EventQuorumLost)
	if len(lost) != 1 {
		t.Fatalf("QuorumLost events = %+v, want 1", lost)
	}
	if lost[0].Votes != 2 {
		t.Errorf("QuorumLost heard from %d nodes, want 2 (itself and n%d)", lost[0].Votes, connected)
	}
	if at := lost[0].Time; at.Before(isolated.Add(testTimeoutMax)) {
		t.Errorf("stepped down %v after losing the majority, want at least one window, %v",
			at.Sub(isolated), testTimeoutMax)
	}
	want := fmt.Sprintf("n%d stepped down in term 1: heard from 2 nodes, itself included, in 300ms, fewer than a majority", leader)
	if got := lost[0].String(); got != want {
		t.Errorf("QuorumLost reads %q, want %q", got, want)
	}
}

// TestCheckQuorumStepDownWithinWindow pins that a leader steps down about one
// window after its last reply from a majority, even when that reply came at
// the moment it won.
func TestCheckQuorumStepDownWithinWindow(t *testing.T) {
	c := newTestCluster(t, 3, checkQuorumOn)
	leader := c.elect()
	c.waitHeartbeatReplies() // the last replies arrive at the start of the window
	isolated := c.clock.Now()
	c.isolate(leader, true)

	c.clock.AdvanceTo(isolated.Add(testTimeoutMax - time.Nanosecond))
	if st := c.node(leader).Status(); st.Role != Leader {
		t.Errorf("%v after its last replies: %v, want still leader", testTimeoutMax-time.Nanosecond, st.Role)
	}

	limit := testTimeoutMax + testHeartbeat
	c.clock.AdvanceTo(isolated.Add(limit))
	if st := c.node(leader).Status(); st.Role == Leader {
		t.Errorf("%v after its last replies: still leader, want it stepped down by the window %v plus one heartbeat",
			limit, testTimeoutMax)
	}
}

func TestCheckQuorumMajorityKeepsLeader(t *testing.T) {
	const windows = 10
	c := newTestCluster(t, 5, checkQuorumOn)
	leader := c.elect()
	c.waitHeartbeatReplies()
	peers := others(leader, 5)
	connected := peers[:2]
	for _, id := range peers[2:] {
		c.isolate(id, true)
	}

	for range windows * int(testTimeoutMax/testHeartbeat) {
		c.heartbeatRound(connected)
	}
	st := c.node(leader).Status()
	if st.Role != Leader {
		t.Errorf("leader heard by 3 of 5 after %d windows: %v, want leader", windows, st.Role)
	}
	if st.Term != 1 {
		t.Errorf("leader term = %d, want 1", st.Term)
	}
	if lost := c.events.find(None, EventQuorumLost); len(lost) != 0 {
		t.Errorf("QuorumLost events = %+v, want none", lost)
	}
	for _, id := range connected {
		if st := c.node(id).Status(); st.Leader != leader || st.Term != 1 {
			t.Errorf("n%d follows %s in term %d, want n%d in term 1", id, NodeName(st.Leader), st.Term, leader)
		}
	}
}

// deliverHeartbeat hands the solo node a heartbeat of term from leader n2 and
// returns the time it arrived.
func deliverHeartbeat(t *testing.T, s *soloNode, term uint64) time.Time {
	t.Helper()
	reply, err := s.node.HandleAppendEntries(&AppendEntriesArgs{Term: term, LeaderID: 2})
	if err != nil || !reply.Success {
		t.Fatalf("HandleAppendEntries = %+v, %v; want success", reply, err)
	}
	return s.clock.Now()
}

func TestLeaseRejectsRival(t *testing.T) {
	tests := []struct {
		name     string
		preVote  bool
		wantText string
	}{
		{"vote", false, "n1 rejected n3 in term 2: heard from leader n2 within the minimum election timeout"},
		{"pre-vote", true, "n1 rejected n3's pre-vote for term 3: heard from leader n2 within the minimum election timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSoloNodeWith(t, HardState{Term: 1}, checkQuorumOn)
			s.clock.Advance(10 * time.Millisecond)
			heartbeatAt := deliverHeartbeat(t, s, 2)
			savesBefore := s.storage.history()
			s.clock.AdvanceTo(heartbeatAt.Add(testTimeoutMin - time.Nanosecond))
			before := s.node.Status()

			reply, err := s.node.HandleRequestVote(&RequestVoteArgs{Term: 3, CandidateID: 3, PreVote: tt.preVote})
			if err != nil {
				t.Fatalf("HandleRequestVote = %v, want nil", err)
			}
			if reply.VoteGranted {
				t.Errorf("rival granted within the minimum election timeout of a heartbeat, want rejected")
			}
			if reply.Reason != ReasonLeaderRecent {
				t.Errorf("reason = %v, want %v", reply.Reason, ReasonLeaderRecent)
			}
			if reply.Term != 2 {
				t.Errorf("reply term = %d, want 2, the voter's", reply.Term)
			}

			st := s.node.Status()
			if st.Term != 2 {
				t.Errorf("voter term = %d, want 2: it must not adopt the rival's term", st.Term)
			}
			if st.VotedFor != None {
				t.Errorf("voter vote = %s, want none", NodeName(st.VotedFor))
			}
			if st.Role != Follower || st.Leader != 2 {
				t.Errorf("voter = %v of %s, want follower of n2", st.Role, NodeName(st.Leader))
			}
			if !st.Deadline.Equal(before.Deadline) {
				t.Errorf("deadline moved from %v to %v", before.Deadline, st.Deadline)
			}
			if saves := s.storage.history(); !slices.Equal(saves, savesBefore) {
				t.Errorf("saves = %+v, want nothing new after %+v", saves, savesBefore)
			}

			rejected := s.events.find(1, EventVoteRejected)
			if len(rejected) != 1 {
				t.Fatalf("VoteRejected events = %+v, want 1", rejected)
			}
			if rejected[0].Leader != 2 {
				t.Errorf("VoteRejected leader = %s, want n2", NodeName(rejected[0].Leader))
			}
			if got := rejected[0].String(); got != tt.wantText {
				t.Errorf("VoteRejected reads %q, want %q", got, tt.wantText)
			}
		})
	}
}

func TestLeaseExpiresAtMinimumTimeout(t *testing.T) {
	tests := []struct {
		name     string
		preVote  bool
		wantHard HardState // the voter's state after granting
	}{
		{"vote", false, HardState{Term: 3, VotedFor: 3}},
		{"pre-vote", true, HardState{Term: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSoloNodeWith(t, HardState{Term: 2}, checkQuorumOn)
			heartbeatAt := deliverHeartbeat(t, s, 2)
			s.clock.AdvanceTo(heartbeatAt.Add(testTimeoutMin))
			if st := s.node.Status(); st.Role != Follower || st.Leader != 2 {
				t.Fatalf("voter at the minimum election timeout = %v of %s, want follower of n2",
					st.Role, NodeName(st.Leader))
			}

			reply, err := s.node.HandleRequestVote(&RequestVoteArgs{Term: 3, CandidateID: 3, PreVote: tt.preVote})
			if err != nil {
				t.Fatalf("HandleRequestVote = %v, want nil", err)
			}
			if !reply.VoteGranted {
				t.Errorf("rival rejected (%v) one minimum election timeout after the heartbeat, want granted",
					reply.Reason)
			}
			if reply.Reason != ReasonGranted {
				t.Errorf("reason = %v, want %v", reply.Reason, ReasonGranted)
			}
			if got := s.storage.current(); got != tt.wantHard {
				t.Errorf("voter saved %+v, want %+v", got, tt.wantHard)
			}
		})
	}
}

func TestLeaseAllowsOwnLeader(t *testing.T) {
	s := newSoloNodeWith(t, HardState{Term: 2}, checkQuorumOn)
	deliverHeartbeat(t, s, 2)
	s.clock.Advance(10 * time.Millisecond)

	reply, err := s.node.HandleRequestVote(&RequestVoteArgs{Term: 3, CandidateID: 2})
	if err != nil {
		t.Fatalf("HandleRequestVote = %v, want nil", err)
	}
	if !reply.VoteGranted {
		t.Errorf("vote request from the leader itself rejected (%v), want granted", reply.Reason)
	}
	if got, want := s.storage.current(), (HardState{Term: 3, VotedFor: 2}); got != want {
		t.Errorf("voter saved %+v, want %+v", got, want)
	}
}

// TestLeaseFollowsCheckQuorumSwitch pins that the switch decides real votes
// only: a pre-vote is rejected within the minimum election timeout of a
// heartbeat either way.
func TestLeaseFollowsCheckQuorumSwitch(t *testing.T) {
	s := newSoloNode(t, HardState{Term: 2})
	deliverHeartbeat(t, s, 2)
	s.clock.Advance(10 * time.Millisecond)
	preVote := &RequestVoteArgs{Term: 3, CandidateID: 3, PreVote: true}
	vote := &RequestVoteArgs{Term: 3, CandidateID: 3}

	steps := []struct {
		checkQuorum bool
		args        *RequestVoteArgs
		wantGranted bool
	}{
		{false, preVote, false},
		{true, preVote, false},
		{true, vote, false},
		{false, preVote, false},
		{false, vote, true}, // last, because the grant moves the voter to term 3
	}
	for i, step := range steps {
		s.node.SetCheckQuorum(step.checkQuorum)
		reply, err := s.node.HandleRequestVote(step.args)
		if err != nil {
			t.Fatalf("step %d: HandleRequestVote = %v, want nil", i, err)
		}
		if reply.VoteGranted != step.wantGranted {
			t.Errorf("step %d: CheckQuorum %v, request (pre-vote %v) 10ms after a heartbeat granted = %v (%v), want %v",
				i, step.checkQuorum, step.args.PreVote, reply.VoteGranted, reply.Reason, step.wantGranted)
		}
	}
}

func TestLeaderLeaseRejectsRival(t *testing.T) {
	c := newTestCluster(t, 3, checkQuorumOn)
	leader := c.elect()
	peers := others(leader, 3)
	rival := peers[0]
	// The leader's lease lasts while it leads, well past a follower's.
	for range 2 * int(testTimeoutMax/testHeartbeat) {
		c.heartbeatRound(peers)
	}

	for _, preVote := range []bool{false, true} {
		reply, err := c.node(leader).HandleRequestVote(&RequestVoteArgs{Term: 5, CandidateID: rival, PreVote: preVote})
		if err != nil {
			t.Fatalf("HandleRequestVote(pre-vote %v) = %v, want nil", preVote, err)
		}
		if reply.VoteGranted {
			t.Errorf("leader granted n%d's request (pre-vote %v), want rejected", rival, preVote)
		}
		if reply.Reason != ReasonLeaderRecent {
			t.Errorf("leader's reason (pre-vote %v) = %v, want %v", preVote, reply.Reason, ReasonLeaderRecent)
		}
		if reply.Term != 1 {
			t.Errorf("leader's reply term (pre-vote %v) = %d, want 1", preVote, reply.Term)
		}
	}

	st := c.node(leader).Status()
	if st.Role != Leader {
		t.Errorf("leader after rejecting a rival: %v, want leader", st.Role)
	}
	if st.Term != 1 {
		t.Errorf("leader term after rejecting a rival = %d, want 1", st.Term)
	}
	rejected := c.events.find(leader, EventVoteRejected)
	if len(rejected) != 2 {
		t.Fatalf("leader's VoteRejected events = %+v, want 2", rejected)
	}
	want := fmt.Sprintf("n%d rejected n%d in term 1: I lead this term and CheckQuorum keeps me leading",
		leader, rival)
	if got := rejected[0].String(); got != want {
		t.Errorf("VoteRejected reads %q, want %q", got, want)
	}
}
