package raft

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func preVoteOn(cfg *Config) { cfg.PreVote = true }

func TestDecidePreVoteCases(t *testing.T) {
	tests := []struct {
		name        string
		current     uint64
		proposed    uint64
		leaderLive  bool
		wantGranted bool
		wantReason  VoteReason
	}{
		{"older proposed term", 5, 4, false, false, ReasonStaleTerm},
		{"equal proposed term", 5, 5, false, false, ReasonStaleTerm},
		{"next term", 5, 6, false, true, ReasonGranted},
		{"far newer term", 5, 9, false, true, ReasonGranted},
		{"first term", 0, 1, false, true, ReasonGranted},
		{"zero proposed term", 0, 0, false, false, ReasonStaleTerm},
		{"live leader, older proposed term", 5, 4, true, false, ReasonStaleTerm},
		{"live leader, equal proposed term", 5, 5, true, false, ReasonStaleTerm},
		{"live leader, next term", 5, 6, true, false, ReasonLeaderRecent},
		{"live leader, far newer term", 5, 9, true, false, ReasonLeaderRecent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			granted, reason := DecidePreVote(tt.current, tt.proposed, tt.leaderLive)
			if granted != tt.wantGranted {
				t.Errorf("DecidePreVote(current %d, proposed %d, live leader %v) granted = %v, want %v",
					tt.current, tt.proposed, tt.leaderLive, granted, tt.wantGranted)
			}
			if reason != tt.wantReason {
				t.Errorf("DecidePreVote(current %d, proposed %d, live leader %v) reason = %v, want %v",
					tt.current, tt.proposed, tt.leaderLive, reason, tt.wantReason)
			}
		})
	}
}

func TestPreVoteIsolatedKeepsTerm(t *testing.T) {
	const rounds = 5
	s := newSoloNodeWith(t, HardState{Term: 2, VotedFor: 3}, preVoteOn)
	firstTimeout := s.node.Status().Timeout

	for round := 1; round <= rounds; round++ {
		s.clock.AdvanceTo(s.node.Status().Deadline)
		st := s.node.Status()
		if st.Role != PreCandidate {
			t.Errorf("round %d: role = %v, want pre-candidate", round, st.Role)
		}
		if st.Term != 2 {
			t.Errorf("round %d: term = %d, want 2 unchanged", round, st.Term)
		}
		if st.VotedFor != 3 {
			t.Errorf("round %d: vote = %s, want n3 unchanged", round, NodeName(st.VotedFor))
		}
		if st.Leader != None {
			t.Errorf("round %d: leader = %s, want none", round, NodeName(st.Leader))
		}
		if !slices.Equal(st.Granted, []int{1}) {
			t.Errorf("round %d: granted pre-votes = %v, want [1] (its own)", round, st.Granted)
		}
		if st.ResetReason != ResetPreVoteStarted {
			t.Errorf("round %d: reset reason = %v, want %v", round, st.ResetReason, ResetPreVoteStarted)
		}
		if want := st.Now.Add(st.Timeout); !st.Deadline.Equal(want) {
			t.Errorf("round %d: deadline = %v, want now plus a new timeout, %v", round, st.Deadline, want)
		}
	}

	if saves := s.storage.history(); len(saves) != 0 {
		t.Errorf("saves = %+v, want none: a pre-vote changes no term and no vote", saves)
	}
	if got, want := s.storage.current(), (HardState{Term: 2, VotedFor: 3}); got != want {
		t.Errorf("storage = %+v, want %+v", got, want)
	}
	if changed := s.events.find(1, EventTermChanged); len(changed) != 0 {
		t.Errorf("TermChanged events = %+v, want none", changed)
	}

	started := s.events.find(1, EventElectionStarted)
	if len(started) != rounds {
		t.Fatalf("ElectionStarted events = %d, want %d, one per timeout", len(started), rounds)
	}
	for i, e := range started {
		if !e.PreVote {
			t.Errorf("ElectionStarted %d = %q, want a pre-vote", i, e)
		}
		if e.Term != 3 {
			t.Errorf("ElectionStarted %d term = %d, want 3, the term it would move to", i, e.Term)
		}
	}
	want := fmt.Sprintf("n1 started a pre-vote for term 3 (its %v timeout ran out)", firstTimeout.Round(time.Millisecond))
	if got := started[0].String(); got != want {
		t.Errorf("first ElectionStarted reads %q, want %q", got, want)
	}

	requested := s.events.find(1, EventVoteRequested)
	if len(requested) != 2*rounds {
		t.Errorf("VoteRequested events = %d, want %d, two peers per round", len(requested), 2*rounds)
	}
	for _, e := range requested {
		if !e.PreVote || e.Term != 3 {
			t.Errorf("VoteRequested = %q (pre-vote %v), want a pre-vote request for term 3", e, e.PreVote)
		}
	}
	if len(requested) > 0 {
		if got, want := requested[0].String(), "n1 requested a pre-vote from n2 for term 3"; got != want {
			t.Errorf("first VoteRequested reads %q, want %q", got, want)
		}
	}
	changed := s.events.find(1, EventRoleChanged)
	if len(changed) == 0 {
		t.Fatalf("RoleChanged events = none, want one per round")
	}
	if got, want := changed[0].String(), "n1 became pre-candidate in term 2"; got != want {
		t.Errorf("first RoleChanged reads %q, want %q", got, want)
	}
}

func TestPreVoteGrantChangesNothing(t *testing.T) {
	s := newSoloNode(t, HardState{Term: 3, VotedFor: 2})
	s.clock.Advance(40 * time.Millisecond)
	before := s.node.Status()

	reply, err := s.node.HandleRequestVote(&RequestVoteArgs{Term: 4, CandidateID: 3, PreVote: true})
	if err != nil {
		t.Fatalf("HandleRequestVote = %v, want nil", err)
	}
	if !reply.VoteGranted {
		t.Errorf("pre-vote for term 4 at a voter in term 3 rejected (%v), want granted", reply.Reason)
	}
	if reply.Reason != ReasonGranted {
		t.Errorf("reason = %v, want %v", reply.Reason, ReasonGranted)
	}
	if reply.Term != 3 {
		t.Errorf("reply term = %d, want the voter's term 3", reply.Term)
	}
	if reply.VotedFor != 2 {
		t.Errorf("reply VotedFor = %s, want n2, the voter's real vote", NodeName(reply.VotedFor))
	}

	st := s.node.Status()
	if st.Term != 3 {
		t.Errorf("voter term = %d, want 3 unchanged", st.Term)
	}
	if st.VotedFor != 2 {
		t.Errorf("voter vote = %s, want n2 unchanged", NodeName(st.VotedFor))
	}
	if saves := s.storage.history(); len(saves) != 0 {
		t.Errorf("saves = %+v, want none", saves)
	}
	granted := s.events.find(1, EventVoteGranted)
	if len(granted) != 1 {
		t.Fatalf("VoteGranted events = %+v, want 1", granted)
	}
	if !granted[0].PreVote {
		t.Errorf("VoteGranted = %+v, want it marked as a pre-vote", granted[0])
	}
	if got, want := granted[0].String(), "n1 granted n3 a pre-vote for term 4"; got != want {
		t.Errorf("VoteGranted reads %q, want %q", got, want)
	}
	checkTimerKept(t, s, before)
}

func TestPreVoteEqualTermWording(t *testing.T) {
	s := newSoloNode(t, HardState{Term: 3})
	reply, err := s.node.HandleRequestVote(&RequestVoteArgs{Term: 3, CandidateID: 2, PreVote: true})
	if err != nil {
		t.Fatalf("HandleRequestVote = %v, want nil", err)
	}
	if reply.VoteGranted || reply.Reason != ReasonStaleTerm {
		t.Errorf("pre-vote for term 3 at a voter in term 3 = granted %v (%v), want rejected (%v)",
			reply.VoteGranted, reply.Reason, ReasonStaleTerm)
	}
	rejected := s.events.find(1, EventVoteRejected)
	if len(rejected) != 1 {
		t.Fatalf("VoteRejected events = %+v, want 1", rejected)
	}
	got := rejected[0].String()
	if !strings.HasPrefix(got, "n1 rejected n2's pre-vote for term 3: ") {
		t.Errorf("VoteRejected reads %q, want it to start with n1 rejecting n2's pre-vote for term 3", got)
	}
	if strings.Contains(got, "term 3 is older than mine, 3") {
		t.Errorf("VoteRejected reads %q, which calls term 3 older than term 3", got)
	}
}

// requestPreVote sends the solo node n3's pre-vote request for term and
// returns the reply.
func requestPreVote(t *testing.T, s *soloNode, term uint64) RequestVoteReply {
	t.Helper()
	reply, err := s.node.HandleRequestVote(&RequestVoteArgs{Term: term, CandidateID: 3, PreVote: true})
	if err != nil {
		t.Fatalf("HandleRequestVote = %v, want nil", err)
	}
	return reply
}

func TestPreVoteRejectedWhileLeaderHeard(t *testing.T) {
	s := newSoloNodeWith(t, HardState{Term: 1}, preVoteOn) // CheckQuorum off
	s.clock.Advance(10 * time.Millisecond)
	heartbeatAt := deliverHeartbeat(t, s, 2)
	savesBefore := s.storage.history()
	s.clock.AdvanceTo(heartbeatAt.Add(testTimeoutMin - time.Nanosecond))
	before := s.node.Status()

	reply := requestPreVote(t, s, 3)
	if reply.VoteGranted {
		t.Errorf("pre-vote granted within the minimum election timeout of a heartbeat, want rejected")
	}
	if reply.Reason != ReasonLeaderRecent {
		t.Errorf("reason = %v, want %v", reply.Reason, ReasonLeaderRecent)
	}
	if reply.Term != 2 {
		t.Errorf("reply term = %d, want 2, the voter's", reply.Term)
	}

	st := s.node.Status()
	if st.Term != 2 || st.VotedFor != None {
		t.Errorf("voter: term %d, vote %s; want term 2, no vote", st.Term, NodeName(st.VotedFor))
	}
	if st.Role != Follower || st.Leader != 2 {
		t.Errorf("voter = %v of %s, want follower of n2", st.Role, NodeName(st.Leader))
	}
	if saves := s.storage.history(); !slices.Equal(saves, savesBefore) {
		t.Errorf("saves = %+v, want nothing new after %+v", saves, savesBefore)
	}
	rejected := s.events.find(1, EventVoteRejected)
	if len(rejected) != 1 {
		t.Fatalf("VoteRejected events = %+v, want 1", rejected)
	}
	want := "n1 rejected n3's pre-vote for term 3: heard from leader n2 within the minimum election timeout"
	if got := rejected[0].String(); got != want {
		t.Errorf("VoteRejected reads %q, want %q", got, want)
	}
	if !st.Deadline.Equal(before.Deadline) || st.ResetReason != before.ResetReason {
		t.Errorf("timer: deadline %v (%v), want %v (%v) unchanged",
			st.Deadline, st.ResetReason, before.Deadline, before.ResetReason)
	}
}

func TestPreVoteGrantedAfterMinimumTimeout(t *testing.T) {
	s := newSoloNodeWith(t, HardState{Term: 2}, preVoteOn) // CheckQuorum off
	heartbeatAt := deliverHeartbeat(t, s, 2)

	s.clock.AdvanceTo(heartbeatAt.Add(testTimeoutMin - time.Nanosecond))
	if reply := requestPreVote(t, s, 3); reply.VoteGranted {
		t.Errorf("pre-vote 1ns before the minimum election timeout granted, want rejected")
	}

	s.clock.AdvanceTo(heartbeatAt.Add(testTimeoutMin))
	if st := s.node.Status(); st.Role != Follower || st.Leader != 2 {
		t.Fatalf("voter at the minimum election timeout = %v of %s, want follower of n2",
			st.Role, NodeName(st.Leader))
	}
	reply := requestPreVote(t, s, 3)
	if !reply.VoteGranted {
		t.Errorf("pre-vote one minimum election timeout after the heartbeat rejected (%v), want granted", reply.Reason)
	}
	if reply.Reason != ReasonGranted {
		t.Errorf("reason = %v, want %v", reply.Reason, ReasonGranted)
	}
	if got, want := s.storage.current(), (HardState{Term: 2}); got != want {
		t.Errorf("voter saved %+v, want %+v unchanged by a pre-vote", got, want)
	}
}

// TestPreVoteRejectedByRequestedCampaign pins that a node that campaigns by
// request still rejects pre-votes while it heard its leader recently, although
// it no longer follows that leader.
func TestPreVoteRejectedByRequestedCampaign(t *testing.T) {
	s := newSoloNodeWith(t, HardState{Term: 1}, preVoteOn) // CheckQuorum off
	deliverHeartbeat(t, s, 2)
	s.clock.Advance(10 * time.Millisecond)
	if !s.node.Campaign() {
		t.Fatalf("Campaign() on a follower = false, want true")
	}
	if st := s.node.Status(); st.Role != PreCandidate || st.Leader != None {
		t.Fatalf("after Campaign: %v of %s, want pre-candidate with no leader", st.Role, NodeName(st.Leader))
	}

	reply := requestPreVote(t, s, 3)
	if reply.VoteGranted {
		t.Errorf("pre-vote granted 10ms after a heartbeat, want rejected")
	}
	if reply.Reason != ReasonLeaderRecent {
		t.Errorf("reason = %v, want %v", reply.Reason, ReasonLeaderRecent)
	}
	rejected := s.events.find(1, EventVoteRejected)
	if len(rejected) != 1 {
		t.Fatalf("VoteRejected events = %+v, want 1", rejected)
	}
	want := "n1 rejected n3's pre-vote for term 3: heard from leader n2 within the minimum election timeout"
	if got := rejected[0].String(); got != want {
		t.Errorf("VoteRejected reads %q, want %q", got, want)
	}
}

func TestPreVoteRejectedByLeader(t *testing.T) {
	c := newTestCluster(t, 3, preVoteOn) // CheckQuorum off
	leader := c.elect()
	peers := others(leader, 3)
	// The leader never received a heartbeat, so only leading can make it
	// reject, and it goes on rejecting for as long as it leads.
	for range 2 * int(testTimeoutMax/testHeartbeat) {
		c.heartbeatRound(peers)
	}

	reply, err := c.node(leader).HandleRequestVote(&RequestVoteArgs{Term: 5, CandidateID: peers[0], PreVote: true})
	if err != nil {
		t.Fatalf("HandleRequestVote = %v, want nil", err)
	}
	if reply.VoteGranted {
		t.Errorf("leader granted n%d's pre-vote, want rejected", peers[0])
	}
	if reply.Reason != ReasonLeaderRecent {
		t.Errorf("leader's reason = %v, want %v", reply.Reason, ReasonLeaderRecent)
	}
	if st := c.node(leader).Status(); st.Role != Leader || st.Term != 1 {
		t.Errorf("leader after the pre-vote: %v in term %d, want leader in term 1", st.Role, st.Term)
	}
	rejected := c.events.find(leader, EventVoteRejected)
	if len(rejected) != 1 {
		t.Fatalf("leader's VoteRejected events = %+v, want 1", rejected)
	}
	want := fmt.Sprintf("n%d rejected n%d's pre-vote for term 5: I lead this term", leader, peers[0])
	if got := rejected[0].String(); got != want {
		t.Errorf("VoteRejected reads %q, want %q", got, want)
	}
}

func TestPreVoteWinStartsElection(t *testing.T) {
	c := newTestCluster(t, 3, preVoteOn)
	candidate, _ := c.firstToTimeOut()
	timeout := c.node(candidate).Status().Timeout
	voters := others(candidate, 3)
	leader := c.elect()
	if leader != candidate {
		t.Fatalf("leader = n%d, want n%d, the first to time out", leader, candidate)
	}
	waitFor(t, func() bool {
		for _, voter := range voters {
			if c.node(voter).Status().VotedFor != candidate {
				return false
			}
		}
		return true
	}, "both voters to vote for the candidate")

	if st := c.node(leader).Status(); st.Term != 1 {
		t.Errorf("leader term = %d, want 1: the pre-vote must not raise it", st.Term)
	}
	// A voter may save term 1 from the leader's first heartbeat before its
	// vote, so only the term of each save and the last save are fixed.
	for _, voter := range voters {
		saves := c.storage(voter).history()
		for _, hs := range saves {
			if hs.Term != 1 {
				t.Errorf("n%d saved %+v, want every save in term 1", voter, hs)
			}
		}
		if want := (HardState{Term: 1, VotedFor: candidate}); len(saves) == 0 || saves[len(saves)-1] != want {
			t.Errorf("n%d saves = %+v, want them to end with the vote %+v", voter, saves, want)
		}
	}

	var steps []string
	for _, e := range c.events.all() {
		if e.Node == candidate && (e.Kind == EventElectionStarted || e.Kind == EventElectionWon) {
			steps = append(steps, fmt.Sprintf("%v pre-vote=%v term=%d", e.Kind == EventElectionWon, e.PreVote, e.Term))
		}
	}
	wantSteps := []string{
		"false pre-vote=true term=1",  // pre-vote started
		"true pre-vote=true term=1",   // pre-vote won
		"false pre-vote=false term=1", // election started
		"true pre-vote=false term=1",  // election won
	}
	if !slices.Equal(steps, wantSteps) {
		t.Errorf("candidate's starts and wins (won, pre-vote, term) = %q, want %q", steps, wantSteps)
	}

	started := c.events.find(candidate, EventElectionStarted)
	if len(started) > 0 && started[0].Timeout != timeout {
		t.Errorf("pre-vote ElectionStarted timeout = %v, want %v, the timeout that ran out", started[0].Timeout, timeout)
	}
	won := c.events.find(candidate, EventElectionWon)
	if len(won) > 0 {
		if got, want := won[0].String(), fmt.Sprintf("n%d won the pre-vote for term 1 with 2 votes", candidate); got != want {
			t.Errorf("first ElectionWon reads %q, want %q", got, want)
		}
	}

	var roles []string
	for _, e := range c.events.find(candidate, EventRoleChanged) {
		roles = append(roles, e.String())
	}
	wantRoles := []string{
		fmt.Sprintf("n%d became pre-candidate in term 0", candidate),
		fmt.Sprintf("n%d became candidate in term 1", candidate),
		fmt.Sprintf("n%d became leader in term 1", candidate),
	}
	if !slices.Equal(roles, wantRoles) {
		t.Errorf("candidate's RoleChanged events read %q, want %q", roles, wantRoles)
	}

	// A voter may get the real request before the pre-vote one, so at least
	// one voter granted a pre-vote, and every pre-vote granted was for term 1.
	var preGranted []Event
	for _, e := range c.events.find(None, EventVoteGranted) {
		if e.PreVote {
			preGranted = append(preGranted, e)
		}
	}
	if len(preGranted) == 0 {
		t.Errorf("pre-votes granted = none, want at least one")
	}
	for _, e := range preGranted {
		if e.PeerTerm != 1 || e.Term != 0 || e.Peer != candidate {
			t.Errorf("pre-vote granted = %q at voter term %d, want one for n%d's term 1 at voter term 0",
				e, e.Term, candidate)
		}
	}
}

func TestPreVoteLateReplyIgnored(t *testing.T) {
	s := newScriptedNode(t, 3, HardState{Term: 2}, preVoteOn)
	s.clock.AdvanceTo(s.node.Status().Deadline)
	waitFor(t, func() bool { return len(s.transport.voteCalls()) == 2 }, "the first round's two pre-vote requests")

	// Campaign starts a second round without moving the clock, so the first
	// round's requests are still waiting for their replies.
	if !s.node.Campaign() {
		t.Fatalf("Campaign() on a pre-candidate = false, want true")
	}
	waitFor(t, func() bool { return len(s.transport.voteCalls()) == 4 }, "the second round's two pre-vote requests")
	calls := s.transport.voteCalls()
	for i, call := range calls {
		if !call.args.PreVote || call.args.Term != 3 {
			t.Fatalf("request %d = %+v, want a pre-vote for term 3", i, call.args)
		}
	}

	for _, call := range calls[:2] {
		call.respond(RequestVoteReply{Term: 2, VoteGranted: true, Reason: ReasonGranted})
	}
	waitFor(t, func() bool { return goroutinesIn(requestVoteFunc) == 2 },
		"the first round to handle its replies, leaving the second round's requests")

	st := s.node.Status()
	if st.Role != PreCandidate {
		t.Errorf("role after the first round's grants = %v, want pre-candidate", st.Role)
	}
	if st.Term != 2 {
		t.Errorf("term after the first round's grants = %d, want 2", st.Term)
	}
	if !slices.Equal(st.Granted, []int{1}) {
		t.Errorf("granted pre-votes = %v, want [1]: the first round's grants must not count", st.Granted)
	}
	if received := s.events.find(1, EventVoteReceived); len(received) != 0 {
		t.Errorf("VoteReceived events = %+v, want none", received)
	}
	if saves := s.storage.history(); len(saves) != 0 {
		t.Errorf("saves = %+v, want none", saves)
	}

	// A grant in the current round still counts, and wins the pre-vote.
	calls[2].respond(RequestVoteReply{Term: 2, VoteGranted: true, Reason: ReasonGranted})
	waitFor(t, func() bool { return s.node.Status().Role == Candidate }, "n1 to win the pre-vote and stand")
	if st := s.node.Status(); st.Term != 3 || st.VotedFor != 1 {
		t.Errorf("after the pre-vote: term %d, vote %s; want term 3, vote n1", st.Term, NodeName(st.VotedFor))
	}
	received := s.events.find(1, EventVoteReceived)
	if len(received) != 1 || !received[0].PreVote || received[0].Votes != 2 {
		t.Errorf("VoteReceived events = %+v, want one pre-vote grant making 2 votes", received)
	}
}

func TestPreVoteHigherTermAdopted(t *testing.T) {
	s := newScriptedNode(t, 3, HardState{Term: 2}, preVoteOn)
	s.clock.AdvanceTo(s.node.Status().Deadline)
	waitFor(t, func() bool { return len(s.transport.voteCalls()) == 2 }, "two pre-vote requests")
	calls := s.transport.voteCalls()

	calls[0].respond(RequestVoteReply{Term: 5, Reason: ReasonStaleTerm, VotedFor: 3})
	waitFor(t, func() bool { return s.node.Status().Term == 5 }, "the pre-candidate to adopt term 5")

	st := s.node.Status()
	if st.Role != Follower {
		t.Errorf("role = %v, want follower", st.Role)
	}
	if st.VotedFor != None {
		t.Errorf("vote = %s, want none in the adopted term", NodeName(st.VotedFor))
	}
	if st.Leader != None {
		t.Errorf("leader = %s, want none", NodeName(st.Leader))
	}
	if want := []HardState{{Term: 5}}; !slices.Equal(s.storage.history(), want) {
		t.Errorf("saves = %+v, want %+v", s.storage.history(), want)
	}
	changed := s.events.find(1, EventTermChanged)
	if len(changed) != 1 || changed[0].Term != 5 || changed[0].Peer != calls[0].to {
		t.Errorf("TermChanged events = %+v, want one for term 5 from n%d", changed, calls[0].to)
	}

	// A grant that comes after the step down changes nothing.
	calls[1].respond(RequestVoteReply{Term: 2, VoteGranted: true, Reason: ReasonGranted})
	waitFor(t, func() bool { return goroutinesIn(requestVoteFunc) == 0 }, "the second reply to be handled")
	if st := s.node.Status(); st.Role != Follower || st.Term != 5 {
		t.Errorf("after a late grant: %v in term %d, want follower in term 5", st.Role, st.Term)
	}
	for _, e := range s.events.find(1, EventElectionStarted) {
		if !e.PreVote {
			t.Errorf("ElectionStarted %q, want no real election", e)
		}
	}
}

func TestPreVoteElectionCause(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		s := newScriptedNode(t, 3, HardState{}, preVoteOn)
		expired := s.node.Status().Timeout
		s.clock.AdvanceTo(s.node.Status().Deadline)
		waitFor(t, func() bool { return len(s.transport.voteCalls()) == 2 }, "two pre-vote requests")
		s.transport.voteCalls()[0].respond(RequestVoteReply{VoteGranted: true, Reason: ReasonGranted})
		waitFor(t, func() bool { return s.node.Status().Role == Candidate }, "n1 to win the pre-vote")

		started := s.events.find(1, EventElectionStarted)
		if len(started) != 2 {
			t.Fatalf("ElectionStarted events = %+v, want a pre-vote and an election", started)
		}
		if started[0].Timeout != expired {
			t.Errorf("pre-vote ElectionStarted timeout = %v, want %v", started[0].Timeout, expired)
		}
		// The election follows from the timeout that started the pre-vote:
		// the timer drawn for the pre-vote round has not run out.
		if started[1].Timeout != expired {
			t.Errorf("election ElectionStarted timeout = %v (%q), want %v, the timeout that ran out",
				started[1].Timeout, started[1], expired)
		}
	})

	t.Run("campaign", func(t *testing.T) {
		s := newScriptedNode(t, 3, HardState{}, preVoteOn)
		if !s.node.Campaign() {
			t.Fatalf("Campaign() = false, want true")
		}
		waitFor(t, func() bool { return len(s.transport.voteCalls()) == 2 }, "two pre-vote requests")
		s.transport.voteCalls()[0].respond(RequestVoteReply{VoteGranted: true, Reason: ReasonGranted})
		waitFor(t, func() bool { return s.node.Status().Role == Candidate }, "n1 to win the pre-vote")

		started := s.events.find(1, EventElectionStarted)
		if len(started) != 2 {
			t.Fatalf("ElectionStarted events = %+v, want a pre-vote and an election", started)
		}
		if !started[0].Forced {
			t.Errorf("pre-vote ElectionStarted = %q, want it marked Forced", started[0])
		}
		if !started[1].Forced {
			t.Errorf("election ElectionStarted = %q, want it marked Forced: Campaign started it, no timeout ran out",
				started[1])
		}
	})
}

// isolateFollower elects a leader in c, cuts one of its followers off and runs
// heartbeat rounds until that follower has timed out three times. It returns
// the leader, the cut-off follower, the follower still connected, and the time
// of the last heartbeat round.
func isolateFollower(t *testing.T, c *testCluster) (leader, rejoiner, connected int, tick time.Time) {
	t.Helper()
	leader = c.elect()
	c.waitHeartbeatReplies()
	peers := others(leader, 3)
	rejoiner, connected = peers[0], peers[1]
	c.isolate(rejoiner, true)
	for range 40 {
		if len(c.events.find(rejoiner, EventElectionStarted)) >= 3 {
			break
		}
		c.heartbeatRound([]int{connected})
	}
	if n := len(c.events.find(rejoiner, EventElectionStarted)); n < 3 {
		t.Fatalf("cut-off n%d started %d elections in 40 heartbeat rounds, want at least 3", rejoiner, n)
	}
	return leader, rejoiner, connected, c.clock.Now()
}

func TestRejoinAfterHeartbeatKeepsLeader(t *testing.T) {
	eachPreVoteMode(t, func(t *testing.T, c *testCluster) {
		leader, rejoiner, connected, _ := isolateFollower(t, c)
		if st := c.node(rejoiner).Status(); st.Role != PreCandidate || st.Term != 1 {
			t.Errorf("cut-off n%d: %v in term %d, want pre-candidate in term 1", rejoiner, st.Role, st.Term)
		}

		// Heal while the next heartbeat is due before the rejoiner's timer,
		// so the heartbeat reaches it first.
		for c.node(rejoiner).Status().TimeLeft() <= testHeartbeat {
			c.heartbeatRound([]int{connected})
		}
		c.waitRequestsRouted() // so no pre-vote request sent before the heal is delivered after it
		c.isolate(rejoiner, false)
		for range 12 {
			c.heartbeatRound([]int{connected, rejoiner})
		}

		got, ok := c.leaderFollowedByAll()
		if !ok || got != leader {
			t.Errorf("after rejoining, leader = n%d (followed by all %v), want n%d", got, ok, leader)
		}
		for _, node := range c.nodes {
			if st := node.Status(); st.Term != 1 {
				t.Errorf("n%d term after rejoining = %d, want 1", st.ID, st.Term)
			}
		}
	})
}

func TestRejoinPreVoteRejectedByLiveLeader(t *testing.T) {
	eachPreVoteMode(t, func(t *testing.T, c *testCluster) {
		leader, rejoiner, connected, tick := isolateFollower(t, c)

		// Heal just before the rejoiner's timer runs out, so that its
		// pre-vote reaches the others while they still hear from the leader.
		for c.node(rejoiner).Status().TimeLeft() >= testHeartbeat {
			c.heartbeatRound([]int{connected})
			tick = c.clock.Now()
		}
		c.waitRequestsRouted() // so no heartbeat sent before the heal reaches the rejoiner after it
		c.isolate(rejoiner, false)
		c.clock.AdvanceTo(c.node(rejoiner).Status().Deadline)
		waitFor(t, func() bool { return len(c.events.find(rejoiner, EventVoteReceived)) == 2 },
			"both replies to the rejoiner's pre-vote")
		for _, e := range c.events.find(rejoiner, EventVoteReceived) {
			if e.Granted {
				t.Errorf("n%d granted the rejoiner's pre-vote, want a rejection", e.Peer)
			}
			if e.Reason != ReasonLeaderRecent {
				t.Errorf("n%d rejected the rejoiner's pre-vote for %v, want %v", e.Peer, e.Reason, ReasonLeaderRecent)
			}
			if !e.PreVote {
				t.Errorf("reply from n%d counted as a real vote, want a pre-vote", e.Peer)
			}
		}

		c.clock.AdvanceTo(tick.Add(testHeartbeat))
		now := c.clock.Now()
		waitFor(t, func() bool { return c.node(rejoiner).Status().LastHeard.Equal(now) },
			"the rejoiner to hear the leader's heartbeat")
		for range 12 {
			c.heartbeatRound([]int{connected, rejoiner})
		}
		got, ok := c.leaderFollowedByAll()
		if !ok || got != leader {
			t.Errorf("after rejoining, leader = n%d (followed by all %v), want n%d", got, ok, leader)
		}
		for _, node := range c.nodes {
			if st := node.Status(); st.Term != 1 {
				t.Errorf("n%d term after rejoining = %d, want 1", st.ID, st.Term)
			}
		}
	})
}

// TestRejoinWithoutPreVoteDisrupts shows what PreVote prevents, so that the
// rejoin tests above can tell the difference.
func TestRejoinWithoutPreVoteDisrupts(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	leader, rejoiner, connected, _ := isolateFollower(t, c)
	rejoinerTerm := c.node(rejoiner).Status().Term
	if rejoinerTerm < 2 {
		t.Fatalf("cut-off n%d term = %d, want it raised by its elections", rejoiner, rejoinerTerm)
	}

	for c.node(rejoiner).Status().TimeLeft() <= testHeartbeat {
		c.heartbeatRound([]int{connected})
	}
	c.waitRequestsRouted()
	c.isolate(rejoiner, false)
	c.clock.Advance(testHeartbeat)
	waitFor(t, func() bool { return c.node(leader).Status().Term >= rejoinerTerm },
		fmt.Sprintf("the leader to adopt the rejoiner's term %d from its heartbeat reply", rejoinerTerm))
	if st := c.node(leader).Status(); st.Role == Leader {
		t.Errorf("old leader still leads in term %d, want it to step down", st.Term)
	}
}

// eachPreVoteMode runs body on a new 3-node cluster with PreVote on, once
// without CheckQuorum and once with it.
func eachPreVoteMode(t *testing.T, body func(t *testing.T, c *testCluster)) {
	for _, checkQuorum := range []bool{false, true} {
		name := "pre-vote"
		if checkQuorum {
			name = "pre-vote and check quorum"
		}
		t.Run(name, func(t *testing.T) {
			body(t, newTestCluster(t, 3, func(cfg *Config) {
				cfg.PreVote = true
				cfg.CheckQuorum = checkQuorum
			}))
		})
	}
}
