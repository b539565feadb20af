package raft

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// goroutinesIn returns how many goroutines have the function fn, such as
// "raft.(*Node).requestVote", on their stack.
func goroutinesIn(fn string) int {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), fn+"(")
		}
		buf = make([]byte, 2*len(buf))
	}
}

const requestVoteFunc = "raft.(*Node).requestVote"

// others returns the ids from 1 to size except id.
func others(id, size int) []int {
	var ids []int
	for peer := 1; peer <= size; peer++ {
		if peer != id {
			ids = append(ids, peer)
		}
	}
	return ids
}

func TestFollowerTimesOutToCandidate(t *testing.T) {
	s := newSoloNode(t, HardState{})
	start := s.node.Status()
	if start.Timeout < testTimeoutMin || start.Timeout >= testTimeoutMax {
		t.Errorf("first timeout = %v, want it in [%v, %v)", start.Timeout, testTimeoutMin, testTimeoutMax)
	}
	if want := start.Now.Add(start.Timeout); !start.Deadline.Equal(want) {
		t.Errorf("first deadline = %v, want start plus timeout, %v", start.Deadline, want)
	}

	s.clock.Advance(testTimeoutMin - time.Nanosecond)
	if st := s.node.Status(); st.Role != Follower || st.Term != 0 {
		t.Errorf("just before the minimum timeout: %v in term %d, want follower in term 0", st.Role, st.Term)
	}
	s.clock.AdvanceTo(start.Deadline.Add(-time.Nanosecond))
	if st := s.node.Status(); st.Role != Follower || st.Term != 0 {
		t.Errorf("just before the deadline: %v in term %d, want follower in term 0", st.Role, st.Term)
	}
	if saves := s.storage.history(); len(saves) != 0 {
		t.Errorf("saves before the deadline = %+v, want none", saves)
	}

	s.clock.Advance(time.Nanosecond)
	st := s.node.Status()
	if st.Role != Candidate {
		t.Errorf("role at the deadline = %v, want candidate", st.Role)
	}
	if st.Term != 1 {
		t.Errorf("term at the deadline = %d, want 1", st.Term)
	}
	if st.VotedFor != 1 {
		t.Errorf("vote at the deadline = %s, want n1 (itself)", NodeName(st.VotedFor))
	}
	if !slices.Equal(st.Granted, []int{1}) {
		t.Errorf("granted votes = %v, want [1] (its own)", st.Granted)
	}
	if want := []HardState{{Term: 1, VotedFor: 1}}; !slices.Equal(s.storage.history(), want) {
		t.Errorf("saves = %+v, want %+v", s.storage.history(), want)
	}
	if st.ResetReason != ResetElectionStarted {
		t.Errorf("reset reason = %v, want %v", st.ResetReason, ResetElectionStarted)
	}
	if want := st.Now.Add(st.Timeout); !st.Deadline.Equal(want) {
		t.Errorf("candidate deadline = %v, want now plus a new timeout, %v", st.Deadline, want)
	}
	started := s.events.find(1, EventElectionStarted)
	if len(started) != 1 {
		t.Fatalf("ElectionStarted events = %d, want 1", len(started))
	}
	if started[0].Term != 1 || started[0].Timeout != start.Timeout {
		t.Errorf("ElectionStarted = term %d, timeout %v; want term 1, timeout %v",
			started[0].Term, started[0].Timeout, start.Timeout)
	}
}

func TestCandidateTimesOutToNextTerm(t *testing.T) {
	s := newSoloNode(t, HardState{})
	s.clock.AdvanceTo(s.node.Status().Deadline)
	first := s.node.Status()
	if first.Role != Candidate || first.Term != 1 {
		t.Fatalf("after the first deadline: %v in term %d, want candidate in term 1", first.Role, first.Term)
	}

	s.clock.AdvanceTo(first.Deadline.Add(-time.Nanosecond))
	if st := s.node.Status(); st.Term != 1 {
		t.Errorf("term just before the candidate's deadline = %d, want 1", st.Term)
	}
	s.clock.Advance(time.Nanosecond)
	st := s.node.Status()
	if st.Role != Candidate || st.Term != 2 || st.VotedFor != 1 {
		t.Errorf("after the candidate's deadline: %v in term %d voting %s, want candidate in term 2 voting n1",
			st.Role, st.Term, NodeName(st.VotedFor))
	}
	want := []HardState{{Term: 1, VotedFor: 1}, {Term: 2, VotedFor: 1}}
	if got := s.storage.history(); !slices.Equal(got, want) {
		t.Errorf("saves = %+v, want %+v", got, want)
	}
}

func TestSingleNodeElectsItself(t *testing.T) {
	clock := newFakeClock()
	storage := newMemStorage(HardState{})
	events := &eventLog{}
	node := newTestNode(t, testConfig(1, 1, clock, newScriptTransport(), storage, events))
	node.Start()

	clock.AdvanceTo(node.Status().Deadline)
	st := node.Status()
	if st.Role != Leader || st.Term != 1 || st.Leader != 1 {
		t.Errorf("one-node cluster after its timeout: %v in term %d led by %s, want leader in term 1",
			st.Role, st.Term, NodeName(st.Leader))
	}
	if won := events.find(1, EventElectionWon); len(won) != 1 || won[0].Votes != 1 {
		t.Errorf("ElectionWon events = %+v, want one with 1 vote", won)
	}

	// A leader without peers keeps leading, whatever time passes.
	clock.Advance(10 * testTimeoutMax)
	if st := node.Status(); st.Role != Leader || st.Term != 1 {
		t.Errorf("later: %v in term %d, want leader in term 1", st.Role, st.Term)
	}
}

func TestClusterElectsOneLeader(t *testing.T) {
	for _, size := range []int{3, 5} {
		t.Run(fmt.Sprintf("%d nodes", size), func(t *testing.T) {
			c := newTestCluster(t, size, nil)
			first, _ := c.firstToTimeOut()
			leader := c.elect()
			if leader != first {
				t.Errorf("leader = n%d, want n%d, the first to time out", leader, first)
			}

			// A voter may get the leader's first heartbeat before its vote
			// request, so wait for every vote.
			waitFor(t, func() bool {
				for _, node := range c.nodes {
					if node.Status().VotedFor != leader {
						return false
					}
				}
				return true
			}, "every node to vote for the leader")
			for id := 1; id <= size; id++ {
				if got, want := c.storage(id).current(), (HardState{Term: 1, VotedFor: leader}); got != want {
					t.Errorf("n%d saved %+v, want %+v", id, got, want)
				}
			}

			// Heartbeats keep the leader in place for many election timeouts.
			for range 20 {
				c.clock.Advance(testHeartbeat)
				now := c.clock.Now()
				waitFor(t, func() bool {
					for _, node := range c.nodes {
						st := node.Status()
						if st.ID != leader && !st.LastHeard.Equal(now) {
							return false
						}
					}
					return true
				}, fmt.Sprintf("every follower to hear the heartbeat of %v", now))
			}
			again, ok := c.leaderFollowedByAll()
			if !ok || again != leader {
				t.Errorf("after 20 heartbeat rounds leader = n%d (agreed %v), want n%d", again, ok, leader)
			}
			for _, node := range c.nodes {
				if st := node.Status(); st.Term != 1 {
					t.Errorf("n%d term after heartbeat rounds = %d, want 1", st.ID, st.Term)
				}
			}
			if started := c.events.find(None, EventElectionStarted); len(started) != 1 {
				t.Errorf("elections started = %d, want 1", len(started))
			}
		})
	}
}

func TestVoteRequestsSentInParallel(t *testing.T) {
	const size = 5
	c := newTestCluster(t, size, nil)
	candidate, deadline := c.firstToTimeOut()
	c.net.holdReplies(candidate)
	c.clock.AdvanceTo(deadline)

	for _, peer := range others(candidate, size) {
		waitFor(t, func() bool { return len(c.net.voteRequestsDelivered(candidate, peer)) == 1 },
			fmt.Sprintf("n%d to receive the vote request of n%d", peer, candidate))
	}
	waitFor(t, func() bool { return len(c.events.find(None, EventVoteGranted)) == size-1 },
		"every peer to grant its vote")
	if received := c.events.find(candidate, EventVoteReceived); len(received) != 0 {
		t.Errorf("candidate received %d replies while all were held back, want 0", len(received))
	}
	if requested := c.events.find(candidate, EventVoteRequested); len(requested) != size-1 {
		t.Errorf("VoteRequested events = %d, want %d", len(requested), size-1)
	}
	if st := c.node(candidate).Status(); st.Role != Candidate {
		t.Errorf("candidate role with replies held = %v, want candidate", st.Role)
	}

	c.net.releaseReplies(candidate)
	waitFor(t, func() bool {
		leader, ok := c.leaderFollowedByAll()
		return ok && leader == candidate
	}, fmt.Sprintf("n%d to lead once the replies arrive", candidate))
}

func TestVoteRequestsLeaveDuringOwnSave(t *testing.T) {
	s := newScriptedNode(t, 3, HardState{Term: 2}, nil)
	waiting, release := s.storage.holdSaves()
	campaigned := make(chan bool, 1)
	go func() { campaigned <- s.node.Campaign() }()
	<-waiting // the candidate is writing term 3 and its own vote

	waitFor(t, func() bool { return len(s.transport.voteCalls()) == 2 },
		"both vote requests to leave while the candidate's write is held")
	for _, call := range s.transport.voteCalls() {
		if call.args.Term != 3 || call.args.CandidateID != 1 {
			t.Errorf("vote request %+v, want term 3 from n1", call.args)
		}
		call.respond(RequestVoteReply{Term: 3, VoteGranted: true, Reason: ReasonGranted, VotedFor: 1})
	}
	if won := s.events.find(1, EventElectionWon); len(won) != 0 {
		t.Errorf("ElectionWon before the candidate's own vote was saved: %+v", won)
	}

	release()
	if !<-campaigned {
		t.Fatalf("Campaign() = false, want true")
	}
	waitFor(t, func() bool { return s.node.Status().Role == Leader }, "n1 to lead once its write ends")
	if got, want := s.storage.current(), (HardState{Term: 3, VotedFor: 1}); got != want {
		t.Errorf("state file = %+v, want %+v", got, want)
	}
	// Every vote was counted after the write.
	saved := -1
	for i, e := range s.events.all() {
		switch {
		case e.Kind == EventStatePersisted && e.Term == 3:
			saved = i
		case e.Kind == EventVoteReceived && (saved < 0 || i < saved):
			t.Errorf("vote counted at event %d, before the write at %d", i, saved)
		}
	}
}

func TestRepliesIgnoredAfterFailedOwnSave(t *testing.T) {
	s := newScriptedNode(t, 3, HardState{Term: 2}, nil)
	s.storage.failSaves(errors.New("disk full"))
	if s.node.Campaign() {
		t.Fatalf("Campaign() with failing saves = true, want false")
	}
	waitFor(t, func() bool { return len(s.transport.voteCalls()) == 2 }, "both vote requests to leave")
	// The voters reply in the candidate's own term, as if they had not
	// moved on. The replies belong to an election that never started.
	for _, call := range s.transport.voteCalls() {
		call.respond(RequestVoteReply{Term: 2, VoteGranted: true, Reason: ReasonGranted, VotedFor: 1})
	}
	waitFor(t, func() bool { return s.node.Status().Counts.Received == 2 }, "both replies to be handled")
	if st := s.node.Status(); st.Role != Follower || st.Term != 2 {
		t.Errorf("after a failed save: %v in term %d, want follower in term 2", st.Role, st.Term)
	}
	if received := s.events.find(1, EventVoteReceived); len(received) != 0 {
		t.Errorf("replies counted after a failed save: %+v", received)
	}
}

func TestDroppedMessagesTimeOut(t *testing.T) {
	// Only n1 times out: the others' timeouts are far longer than the test.
	c := newTestCluster(t, 3, func(cfg *Config) {
		if cfg.ID != 1 {
			cfg.ElectionTimeoutMin, cfg.ElectionTimeoutMax = time.Hour, 2*time.Hour
		}
	})
	c.net.drop(1, 2, true) // n2 never gets the request
	c.net.drop(3, 1, true) // n3 grants, but its reply is lost
	c.clock.AdvanceTo(c.node(1).Status().Deadline)
	electionStart := c.clock.Now()

	waitFor(t, func() bool { return c.node(3).Status().VotedFor == 1 }, "n3 to grant its vote to n1")
	waitFor(t, func() bool { return c.clock.Pending() == 5 },
		"two vote requests waiting on their deadlines beside three election timers")
	if got := c.net.voteRequestsDelivered(1, 2); len(got) != 0 {
		t.Errorf("requests delivered to n2 over the dropped link = %v, want none", got)
	}
	if st := c.node(2).Status(); st.Term != 0 || st.VotedFor != None {
		t.Errorf("n2 = term %d, vote %s; want term 0, no vote", st.Term, NodeName(st.VotedFor))
	}

	c.clock.AdvanceTo(electionStart.Add(testTimeoutMin - time.Nanosecond))
	if n := goroutinesIn(requestVoteFunc); n != 2 {
		t.Errorf("vote requests still waiting just before their deadline = %d, want 2", n)
	}
	c.clock.Advance(time.Nanosecond)
	waitFor(t, func() bool { return goroutinesIn(requestVoteFunc) == 0 }, "both vote requests to time out")

	st := c.node(1).Status()
	if st.Role != Candidate || st.Term != 1 {
		t.Errorf("n1 after the requests timed out: %v in term %d, want candidate in term 1", st.Role, st.Term)
	}
	if !slices.Equal(st.Granted, []int{1}) || len(st.Rejected) != 0 {
		t.Errorf("n1 votes = granted %v, rejected %v; want granted [1] only", st.Granted, st.Rejected)
	}
	if received := c.events.find(1, EventVoteReceived); len(received) != 0 {
		t.Errorf("n1 VoteReceived events = %+v, want none", received)
	}
}

func TestVoteGrantedOncePerTerm(t *testing.T) {
	s := newSoloNode(t, HardState{})
	steps := []struct {
		term        uint64
		candidate   int
		wantGranted bool
		wantReason  VoteReason
		wantVoted   int // the reply's VotedFor
	}{
		{1, 2, true, ReasonGranted, 2},
		{1, 2, true, ReasonRegranted, 2},
		{1, 3, false, ReasonAlreadyVoted, 2},
		{2, 3, true, ReasonGranted, 3},
		{2, 2, false, ReasonAlreadyVoted, 3},
		{1, 2, false, ReasonStaleTerm, 3},
	}
	for i, step := range steps {
		reply, err := s.node.HandleRequestVote(&RequestVoteArgs{Term: step.term, CandidateID: step.candidate})
		if err != nil {
			t.Fatalf("step %d: HandleRequestVote = %v, want nil", i, err)
		}
		if reply.VoteGranted != step.wantGranted || reply.Reason != step.wantReason {
			t.Errorf("step %d: request from n%d in term %d: granted %v (%v), want %v (%v)",
				i, step.candidate, step.term, reply.VoteGranted, reply.Reason, step.wantGranted, step.wantReason)
		}
		if reply.VotedFor != step.wantVoted {
			t.Errorf("step %d: reply VotedFor = %s, want %s", i, NodeName(reply.VotedFor), NodeName(step.wantVoted))
		}
	}

	var votes []HardState
	for _, hs := range s.storage.history() {
		if hs.VotedFor != None {
			votes = append(votes, hs)
		}
	}
	if want := []HardState{{Term: 1, VotedFor: 2}, {Term: 2, VotedFor: 3}}; !slices.Equal(votes, want) {
		t.Errorf("votes saved = %+v, want one per term: %+v", votes, want)
	}
}

func TestGrantedVoteSavedBeforeReply(t *testing.T) {
	s := newSoloNode(t, HardState{Term: 4})
	reply, err := s.node.HandleRequestVote(&RequestVoteArgs{Term: 4, CandidateID: 3})
	if err != nil || !reply.VoteGranted {
		t.Fatalf("HandleRequestVote = %+v, %v; want a granted vote", reply, err)
	}
	// The storage must hold the vote the moment the reply exists.
	if got, want := s.storage.current(), (HardState{Term: 4, VotedFor: 3}); got != want {
		t.Errorf("storage when the reply returned = %+v, want %+v", got, want)
	}

	events := s.events.all()
	persisted := slices.IndexFunc(events, func(e Event) bool {
		return e.Kind == EventStatePersisted && e.VotedFor == 3
	})
	granted := slices.IndexFunc(events, func(e Event) bool { return e.Kind == EventVoteGranted })
	if persisted < 0 || granted < 0 || persisted > granted {
		t.Errorf("StatePersisted at event %d, VoteGranted at %d; want the save first", persisted, granted)
	}
}

func TestFailedSaveRejectsVote(t *testing.T) {
	tests := []struct {
		name string
		term uint64 // the candidate's term, where the voter is at term 1
	}{
		{"same term", 1},
		{"newer term", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSoloNode(t, HardState{Term: 1})
			s.clock.Advance(10 * time.Millisecond)
			before := s.node.Status()
			s.storage.failSaves(errors.New("disk full"))

			reply, err := s.node.HandleRequestVote(&RequestVoteArgs{Term: tt.term, CandidateID: 2})
			if err != nil {
				t.Fatalf("HandleRequestVote = %v, want nil", err)
			}
			if reply.VoteGranted {
				t.Errorf("vote granted although it could not be saved")
			}
			if reply.Reason != ReasonPersistFailed {
				t.Errorf("reason = %v, want %v", reply.Reason, ReasonPersistFailed)
			}
			st := s.node.Status()
			if st.Term != 1 || st.VotedFor != None {
				t.Errorf("node after the failed save: term %d, vote %s; want term 1, no vote",
					st.Term, NodeName(st.VotedFor))
			}
			if !st.Deadline.Equal(before.Deadline) {
				t.Errorf("deadline moved from %v to %v by a rejected vote", before.Deadline, st.Deadline)
			}
			if got := s.storage.current(); got != (HardState{Term: 1}) {
				t.Errorf("storage = %+v, want term 1 and no vote", got)
			}
			failed := s.events.find(1, EventPersistFailed)
			if len(failed) != 1 || failed[0].Err != "disk full" {
				t.Errorf("PersistFailed events = %+v, want one with the storage error", failed)
			}

			s.storage.failSaves(nil)
			reply, err = s.node.HandleRequestVote(&RequestVoteArgs{Term: tt.term, CandidateID: 2})
			if err != nil || !reply.VoteGranted {
				t.Errorf("request once saves work again = %+v, %v; want a granted vote", reply, err)
			}
		})
	}
}

func TestStaleLeaderStepsDownOnReply(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	leader := c.elect()
	peers := others(leader, 3)
	follower, other := peers[0], peers[1]

	// The follower moves to term 5 by voting in an election the leader misses.
	reply, err := c.node(follower).HandleRequestVote(&RequestVoteArgs{Term: 5, CandidateID: other})
	if err != nil || !reply.VoteGranted {
		t.Fatalf("vote in term 5 = %+v, %v; want granted", reply, err)
	}

	c.clock.Advance(testHeartbeat) // the leader's next heartbeat gets a reply of term 5
	waitFor(t, func() bool { return c.node(leader).Status().Role != Leader }, "the stale leader to step down")

	st := c.node(leader).Status()
	if st.Role != Follower {
		t.Errorf("old leader role = %v, want follower", st.Role)
	}
	if st.Term != 5 {
		t.Errorf("old leader term = %d, want 5", st.Term)
	}
	if st.VotedFor != None || st.Leader != None {
		t.Errorf("old leader vote %s, leader %s; want none and none", NodeName(st.VotedFor), NodeName(st.Leader))
	}
	if got, want := c.storage(leader).current(), (HardState{Term: 5}); got != want {
		t.Errorf("old leader saved %+v, want %+v", got, want)
	}
	if st.ResetReason != ResetSteppedDown {
		t.Errorf("reset reason = %v, want %v", st.ResetReason, ResetSteppedDown)
	}
	if want := st.Now.Add(st.Timeout); !st.Deadline.Equal(want) {
		t.Errorf("deadline = %v, want a fresh election timeout from now, %v", st.Deadline, want)
	}
	changed := c.events.find(leader, EventTermChanged)
	if len(changed) == 0 || changed[len(changed)-1].Term != 5 || changed[len(changed)-1].Peer != follower {
		t.Errorf("TermChanged events = %+v, want the last for term 5 from n%d", changed, follower)
	}
}

func TestStaleLeaderStepsDownOnRequest(t *testing.T) {
	t.Run("heartbeat", func(t *testing.T) {
		c := newTestCluster(t, 3, nil)
		leader := c.elect()
		newLeader := others(leader, 3)[0]

		reply, err := c.node(leader).HandleAppendEntries(&AppendEntriesArgs{Term: 4, LeaderID: newLeader})
		if err != nil || !reply.Success || reply.Term != 4 {
			t.Errorf("HandleAppendEntries = %+v, %v; want success in term 4", reply, err)
		}
		st := c.node(leader).Status()
		if st.Role != Follower || st.Term != 4 || st.Leader != newLeader {
			t.Errorf("old leader = %v in term %d led by %s, want follower in term 4 led by n%d",
				st.Role, st.Term, NodeName(st.Leader), newLeader)
		}
		saves := c.storage(leader).history()
		if got, want := saves[len(saves)-1], (HardState{Term: 4}); got != want {
			t.Errorf("last save = %+v, want %+v", got, want)
		}
	})

	t.Run("vote request", func(t *testing.T) {
		c := newTestCluster(t, 3, nil)
		leader := c.elect()
		candidate := others(leader, 3)[0]

		reply, err := c.node(leader).HandleRequestVote(&RequestVoteArgs{Term: 4, CandidateID: candidate})
		if err != nil || !reply.VoteGranted {
			t.Errorf("HandleRequestVote = %+v, %v; want a granted vote", reply, err)
		}
		st := c.node(leader).Status()
		if st.Role != Follower || st.Term != 4 || st.VotedFor != candidate {
			t.Errorf("old leader = %v in term %d voting %s, want follower in term 4 voting n%d",
				st.Role, st.Term, NodeName(st.VotedFor), candidate)
		}
		// The new term and the vote reach the file in one write.
		saves := c.storage(leader).history()
		want := []HardState{{Term: 1, VotedFor: leader}, {Term: 4, VotedFor: candidate}}
		if len(saves) < 2 || !slices.Equal(saves[len(saves)-2:], want) {
			t.Errorf("saves = %+v, want them to end with %+v", saves, want)
		}
	})
}

func TestLeaderRejectsSameTermLeader(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	leader := c.elect()
	other := others(leader, 3)[0]

	reply, err := c.node(leader).HandleAppendEntries(&AppendEntriesArgs{Term: 1, LeaderID: other})
	if err != nil || reply.Success {
		t.Errorf("HandleAppendEntries from a second leader of term 1 = %+v, %v; want rejected", reply, err)
	}
	if st := c.node(leader).Status(); st.Role != Leader || st.Term != 1 {
		t.Errorf("leader after the second leader's heartbeat: %v in term %d, want leader in term 1", st.Role, st.Term)
	}
}

func TestCandidateFollowsSameTermLeader(t *testing.T) {
	s := newSoloNode(t, HardState{})
	s.clock.AdvanceTo(s.node.Status().Deadline)
	if st := s.node.Status(); st.Role != Candidate || st.Term != 1 {
		t.Fatalf("after the deadline: %v in term %d, want candidate in term 1", st.Role, st.Term)
	}
	savesBefore := len(s.storage.history())

	reply, err := s.node.HandleAppendEntries(&AppendEntriesArgs{Term: 1, LeaderID: 2})
	if err != nil || !reply.Success || reply.Term != 1 {
		t.Errorf("HandleAppendEntries = %+v, %v; want success in term 1", reply, err)
	}
	st := s.node.Status()
	if st.Role != Follower {
		t.Errorf("role = %v, want follower", st.Role)
	}
	if st.Leader != 2 {
		t.Errorf("leader = %s, want n2", NodeName(st.Leader))
	}
	if st.Term != 1 || st.VotedFor != 1 {
		t.Errorf("term %d, vote %s; want term 1 and its own vote kept", st.Term, NodeName(st.VotedFor))
	}
	if st.ResetReason != ResetHeartbeat {
		t.Errorf("reset reason = %v, want %v", st.ResetReason, ResetHeartbeat)
	}
	if saves := s.storage.history(); len(saves) != savesBefore {
		t.Errorf("saves = %+v, want nothing new: the term did not change", saves)
	}
	changed := s.events.find(1, EventRoleChanged)
	if last := changed[len(changed)-1]; last.Role != Follower || last.Peer != 2 {
		t.Errorf("last RoleChanged = %q, want n1 became follower of n2", last)
	}
}

// checkTimerKept checks that the node's election timer is the one of before:
// same deadline and reason, and the node times out exactly at that deadline.
func checkTimerKept(t *testing.T, s *soloNode, before Status) {
	t.Helper()
	st := s.node.Status()
	if !st.Deadline.Equal(before.Deadline) {
		t.Errorf("deadline moved from %v to %v", before.Deadline, st.Deadline)
	}
	if st.ResetReason != before.ResetReason {
		t.Errorf("reset reason = %v, want %v unchanged", st.ResetReason, before.ResetReason)
	}
	if !st.LastHeard.Equal(before.LastHeard) {
		t.Errorf("last heard = %v, want %v unchanged", st.LastHeard, before.LastHeard)
	}
	s.clock.AdvanceTo(before.Deadline.Add(-time.Nanosecond))
	if st := s.node.Status(); st.Role != Follower {
		t.Errorf("role just before the old deadline = %v, want follower", st.Role)
	}
	s.clock.Advance(time.Nanosecond)
	if st := s.node.Status(); st.Role != Candidate || st.Term != before.Term+1 {
		t.Errorf("at the old deadline: %v in term %d, want candidate in term %d", st.Role, st.Term, before.Term+1)
	}
}

// checkTimerReset checks that the node's election timer was just reset for
// reason, and that the node times out exactly at the new deadline.
func checkTimerReset(t *testing.T, s *soloNode, before Status, reason ResetReason) {
	t.Helper()
	st := s.node.Status()
	if st.ResetReason != reason {
		t.Errorf("reset reason = %v, want %v", st.ResetReason, reason)
	}
	if !st.LastHeard.Equal(st.Now) {
		t.Errorf("last heard = %v, want now, %v", st.LastHeard, st.Now)
	}
	if want := st.Now.Add(st.Timeout); !st.Deadline.Equal(want) {
		t.Errorf("deadline = %v, want now plus the new timeout, %v", st.Deadline, want)
	}
	if st.Deadline.Equal(before.Deadline) {
		t.Errorf("deadline still %v, want it moved", st.Deadline)
	}
	s.clock.AdvanceTo(st.Deadline.Add(-time.Nanosecond))
	if got := s.node.Status(); got.Role != Follower || got.Term != st.Term {
		t.Errorf("just before the new deadline: %v in term %d, want follower in term %d", got.Role, got.Term, st.Term)
	}
	s.clock.Advance(time.Nanosecond)
	if got := s.node.Status(); got.Role != Candidate || got.Term != st.Term+1 {
		t.Errorf("at the new deadline: %v in term %d, want candidate in term %d", got.Role, got.Term, st.Term+1)
	}
}

func TestStaleHeartbeatKeepsTimer(t *testing.T) {
	s := newSoloNode(t, HardState{Term: 3})
	s.clock.Advance(40 * time.Millisecond)
	before := s.node.Status()

	reply, err := s.node.HandleAppendEntries(&AppendEntriesArgs{Term: 2, LeaderID: 2})
	if err != nil || reply.Success || reply.Term != 3 {
		t.Errorf("HandleAppendEntries of term 2 = %+v, %v; want rejected with term 3", reply, err)
	}
	if st := s.node.Status(); st.Leader != None {
		t.Errorf("leader = %s after a stale heartbeat, want none", NodeName(st.Leader))
	}
	checkTimerKept(t, s, before)
}

func TestRejectedVoteKeepsTimer(t *testing.T) {
	tests := []struct {
		name   string
		state  HardState
		args   RequestVoteArgs
		reason VoteReason
	}{
		{"stale term", HardState{Term: 3}, RequestVoteArgs{Term: 2, CandidateID: 2}, ReasonStaleTerm},
		{"already voted", HardState{Term: 3, VotedFor: 3}, RequestVoteArgs{Term: 3, CandidateID: 2}, ReasonAlreadyVoted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSoloNode(t, tt.state)
			s.clock.Advance(40 * time.Millisecond)
			before := s.node.Status()

			reply, err := s.node.HandleRequestVote(&tt.args)
			if err != nil || reply.VoteGranted || reply.Reason != tt.reason {
				t.Errorf("HandleRequestVote = %+v, %v; want rejected for %v", reply, err, tt.reason)
			}
			checkTimerKept(t, s, before)
		})
	}
}

func TestGrantedVoteResetsTimer(t *testing.T) {
	s := newSoloNode(t, HardState{Term: 3})
	s.clock.Advance(40 * time.Millisecond)
	before := s.node.Status()

	reply, err := s.node.HandleRequestVote(&RequestVoteArgs{Term: 3, CandidateID: 2})
	if err != nil || !reply.VoteGranted {
		t.Fatalf("HandleRequestVote = %+v, %v; want granted", reply, err)
	}
	checkTimerReset(t, s, before, ResetVoteGranted)
}

func TestHeartbeatResetsTimer(t *testing.T) {
	s := newSoloNode(t, HardState{Term: 3})
	s.clock.Advance(40 * time.Millisecond)
	before := s.node.Status()

	reply, err := s.node.HandleAppendEntries(&AppendEntriesArgs{Term: 3, LeaderID: 2})
	if err != nil || !reply.Success {
		t.Fatalf("HandleAppendEntries = %+v, %v; want success", reply, err)
	}
	if st := s.node.Status(); st.Leader != 2 {
		t.Errorf("leader = %s, want n2", NodeName(st.Leader))
	}
	checkTimerReset(t, s, before, ResetHeartbeat)
}

func TestOldElectionReplyIgnored(t *testing.T) {
	clock := newFakeClock()
	transport := newScriptTransport()
	events := &eventLog{}
	node := newTestNode(t, testConfig(1, 3, clock, transport, newMemStorage(HardState{}), events))
	t.Cleanup(transport.unblockCalls)
	node.Start()

	// The term 1 requests stay inside the transport until the node is at term 2,
	// so their replies arrive while it runs its next election.
	transport.blockCalls()
	clock.AdvanceTo(node.Status().Deadline)
	clock.AdvanceTo(node.Status().Deadline)
	if st := node.Status(); st.Role != Candidate || st.Term != 2 {
		t.Fatalf("after two timeouts: %v in term %d, want candidate in term 2", st.Role, st.Term)
	}
	transport.unblockCalls()
	waitFor(t, func() bool { return len(transport.voteCalls()) == 4 }, "the vote requests of terms 1 and 2")

	for _, call := range transport.voteCalls() {
		if call.args.Term == 1 {
			call.respond(RequestVoteReply{Term: 1, VoteGranted: true, Reason: ReasonGranted, VotedFor: 1})
		}
	}
	waitFor(t, func() bool { return goroutinesIn(requestVoteFunc) == 2 },
		"the term 1 requests to handle their replies, leaving those of term 2")

	st := node.Status()
	if st.Role != Candidate || st.Term != 2 {
		t.Errorf("after term 1 replies: %v in term %d, want candidate in term 2", st.Role, st.Term)
	}
	if !slices.Equal(st.Granted, []int{1}) {
		t.Errorf("granted votes in term 2 = %v, want [1]: term 1 votes must not count", st.Granted)
	}
	if received := events.find(1, EventVoteReceived); len(received) != 0 {
		t.Errorf("VoteReceived events = %+v, want none", received)
	}

	// A reply to the current election still counts.
	for _, call := range transport.voteCalls() {
		if call.args.Term == 2 && call.to == 2 {
			call.respond(RequestVoteReply{Term: 2, VoteGranted: true, Reason: ReasonGranted, VotedFor: 1})
		}
	}
	waitFor(t, func() bool { return node.Status().Role == Leader }, "n1 to win term 2 with n2's vote")
	if won := events.find(1, EventElectionWon); len(won) != 1 || won[0].Term != 2 || won[0].Votes != 2 {
		t.Errorf("ElectionWon events = %+v, want one for term 2 with 2 votes", won)
	}
}

func TestCandidateCountsRejections(t *testing.T) {
	clock := newFakeClock()
	transport := newScriptTransport()
	events := &eventLog{}
	node := newTestNode(t, testConfig(1, 3, clock, transport, newMemStorage(HardState{}), events))
	node.Start()
	clock.AdvanceTo(node.Status().Deadline)
	waitFor(t, func() bool { return len(transport.voteCalls()) == 2 }, "two vote requests")

	for _, call := range transport.voteCalls() {
		call.respond(RequestVoteReply{Term: 1, Reason: ReasonAlreadyVoted, VotedFor: 3})
	}
	waitFor(t, func() bool { return len(events.find(1, EventVoteReceived)) == 2 }, "both rejections to be counted")

	st := node.Status()
	if !slices.Equal(st.Rejected, []int{2, 3}) || !slices.Equal(st.Granted, []int{1}) {
		t.Errorf("votes = granted %v, rejected %v; want granted [1], rejected [2 3]", st.Granted, st.Rejected)
	}
	if st.Role != Candidate {
		t.Errorf("role after losing = %v, want candidate until its timeout", st.Role)
	}
	for _, e := range events.find(1, EventVoteReceived) {
		if e.Granted || e.Reason != ReasonAlreadyVoted || e.VotedFor != 3 {
			t.Errorf("VoteReceived = %+v, want a rejection for having voted for n3", e)
		}
	}

	clock.AdvanceTo(st.Deadline)
	if st := node.Status(); st.Role != Candidate || st.Term != 2 {
		t.Errorf("after the lost election's timeout: %v in term %d, want candidate in term 2", st.Role, st.Term)
	}
}

func TestHigherTermReplyEndsCandidacy(t *testing.T) {
	clock := newFakeClock()
	transport := newScriptTransport()
	storage := newMemStorage(HardState{})
	node := newTestNode(t, testConfig(1, 3, clock, transport, storage, nil))
	node.Start()
	clock.AdvanceTo(node.Status().Deadline)
	waitFor(t, func() bool { return len(transport.voteCalls()) == 2 }, "two vote requests")

	transport.voteCalls()[0].respond(RequestVoteReply{Term: 3, Reason: ReasonAlreadyVoted, VotedFor: 3})
	waitFor(t, func() bool { return node.Status().Term == 3 }, "the candidate to adopt term 3")

	st := node.Status()
	if st.Role != Follower || st.VotedFor != None || st.Leader != None {
		t.Errorf("after a term 3 reply: %v voting %s led by %s, want follower with no vote and no leader",
			st.Role, NodeName(st.VotedFor), NodeName(st.Leader))
	}
	if got, want := storage.current(), (HardState{Term: 3}); got != want {
		t.Errorf("saved %+v, want %+v", got, want)
	}
}

// drawTimeouts returns the first count election timeouts of node id in a
// cluster of five with the given seed. Each heartbeat of the current term
// draws a new one.
func drawTimeouts(t *testing.T, seed uint64, id, count int) []time.Duration {
	t.Helper()
	clock := newFakeClock()
	cfg := testConfig(id, 5, clock, newScriptTransport(), newMemStorage(HardState{Term: 1}), nil)
	cfg.Seed = seed
	node := newTestNode(t, cfg)
	node.Start()
	leader := id%5 + 1
	timeouts := []time.Duration{node.Status().Timeout}
	for len(timeouts) < count {
		if _, err := node.HandleAppendEntries(&AppendEntriesArgs{Term: 1, LeaderID: leader}); err != nil {
			t.Fatalf("HandleAppendEntries = %v", err)
		}
		timeouts = append(timeouts, node.Status().Timeout)
	}
	return timeouts
}

func TestElectionTimeoutsInRange(t *testing.T) {
	const count = 500
	timeouts := drawTimeouts(t, testSeed, 1, count)
	distinct := make(map[time.Duration]bool)
	wholeMilliseconds := 0
	for _, d := range timeouts {
		if d < testTimeoutMin || d >= testTimeoutMax {
			t.Errorf("timeout %v outside [%v, %v)", d, testTimeoutMin, testTimeoutMax)
		}
		if d%time.Millisecond == 0 {
			wholeMilliseconds++
		}
		distinct[d] = true
	}
	if wholeMilliseconds > count/10 {
		t.Errorf("%d of %d timeouts are whole milliseconds, want the clock's full resolution", wholeMilliseconds, count)
	}
	if len(distinct) < count-1 {
		t.Errorf("%d distinct timeouts in %d draws, want nearly all different", len(distinct), count)
	}

	// The draws spread over the range rather than bunching at one end.
	var low, high int
	middle := (testTimeoutMin + testTimeoutMax) / 2
	for _, d := range timeouts {
		if d < middle {
			low++
		} else {
			high++
		}
	}
	if low < count/4 || high < count/4 {
		t.Errorf("%d timeouts below %v and %d above, want both at least %d", low, middle, high, count/4)
	}
}

func TestElectionTimeoutsDifferByNode(t *testing.T) {
	seen := make(map[time.Duration]int)
	for id := 1; id <= 5; id++ {
		d := drawTimeouts(t, testSeed, id, 1)[0]
		if other, ok := seen[d]; ok {
			t.Errorf("n%d and n%d drew the same first timeout %v with the same seed", other, id, d)
		}
		seen[d] = id
	}
}

func TestElectionTimeoutsReproducible(t *testing.T) {
	first := drawTimeouts(t, testSeed, 3, 20)
	second := drawTimeouts(t, testSeed, 3, 20)
	if !slices.Equal(first, second) {
		t.Errorf("same seed and id drew %v, then %v; want the same sequence", first, second)
	}
	otherSeed := drawTimeouts(t, testSeed+1, 3, 20)
	if slices.Equal(first, otherSeed) {
		t.Errorf("seeds %d and %d drew the same sequence %v", testSeed, testSeed+1, first)
	}
}

func TestElectionEventsThreeNodes(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	candidate, _ := c.firstToTimeOut()
	timeout := c.node(candidate).Status().Timeout
	voters := others(candidate, 3)
	leader := c.elect()
	if leader != candidate {
		t.Fatalf("leader = n%d, want n%d", leader, candidate)
	}
	waitFor(t, func() bool { return len(c.events.find(None, EventVoteGranted)) == 2 }, "both voters to grant")

	started := c.events.find(candidate, EventElectionStarted)
	if len(started) != 1 || started[0].Term != 1 || started[0].Timeout != timeout {
		t.Errorf("ElectionStarted events = %+v, want one for term 1 after %v", started, timeout)
	}
	var requested []int
	for _, e := range c.events.find(candidate, EventVoteRequested) {
		requested = append(requested, e.Peer)
		if e.Term != 1 {
			t.Errorf("VoteRequested %q, want term 1", e)
		}
	}
	slices.Sort(requested)
	if !slices.Equal(requested, voters) {
		t.Errorf("votes requested from %v, want %v", requested, voters)
	}
	for _, voter := range voters {
		granted := c.events.find(voter, EventVoteGranted)
		if len(granted) != 1 || granted[0].Peer != candidate || granted[0].Reason != ReasonGranted {
			t.Errorf("n%d VoteGranted events = %+v, want one for n%d", voter, granted, candidate)
			continue
		}
		if got, want := granted[0].String(), fmt.Sprintf("n%d voted for n%d in term 1", voter, candidate); got != want {
			t.Errorf("VoteGranted reads %q, want %q", got, want)
		}
	}
	received := c.events.find(candidate, EventVoteReceived)
	if len(received) == 0 || !received[0].Granted || received[0].Votes != 2 {
		t.Errorf("VoteReceived events = %+v, want the first granted, with 2 votes", received)
	}
	won := c.events.find(candidate, EventElectionWon)
	if len(won) != 1 {
		t.Fatalf("ElectionWon events = %+v, want 1", won)
	}
	if got, want := won[0].String(), fmt.Sprintf("n%d won the election for term 1 with 2 votes", candidate); got != want {
		t.Errorf("ElectionWon reads %q, want %q", got, want)
	}

	var roles []string
	for _, e := range c.events.find(candidate, EventRoleChanged) {
		roles = append(roles, e.String())
	}
	wantRoles := []string{
		fmt.Sprintf("n%d became candidate in term 1", candidate),
		fmt.Sprintf("n%d became leader in term 1", candidate),
	}
	if !slices.Equal(roles, wantRoles) {
		t.Errorf("candidate's RoleChanged events read %q, want %q", roles, wantRoles)
	}
	for _, voter := range voters {
		changed := c.events.find(voter, EventRoleChanged)
		want := fmt.Sprintf("n%d became follower of n%d in term 1", voter, candidate)
		if len(changed) != 1 || changed[0].String() != want {
			t.Errorf("n%d RoleChanged events = %q, want one reading %q", voter, changed, want)
		}
	}

	// At the candidate the election reads in order.
	order := []EventKind{EventElectionStarted, EventVoteRequested, EventVoteReceived, EventElectionWon}
	var kinds []EventKind
	for _, e := range c.events.all() {
		if e.Node == candidate && slices.Contains(order, e.Kind) && !slices.Contains(kinds, e.Kind) {
			kinds = append(kinds, e.Kind)
		}
	}
	if !slices.Equal(kinds, order) {
		t.Errorf("candidate's first events of each kind came in order %v, want %v", kinds, order)
	}
}

func TestRejectionEventWording(t *testing.T) {
	tests := []struct {
		name  string
		state HardState
		args  RequestVoteArgs
		want  string
	}{
		{
			"already voted", HardState{Term: 7, VotedFor: 2}, RequestVoteArgs{Term: 7, CandidateID: 3},
			"n1 rejected n3 in term 7: already voted for n2 in term 7",
		},
		{
			"stale term", HardState{Term: 6}, RequestVoteArgs{Term: 4, CandidateID: 2},
			"n1 rejected n2 in term 6: candidate's term 4 is older than mine, 6",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSoloNode(t, tt.state)
			if _, err := s.node.HandleRequestVote(&tt.args); err != nil {
				t.Fatalf("HandleRequestVote = %v", err)
			}
			rejected := s.events.find(1, EventVoteRejected)
			if len(rejected) != 1 {
				t.Fatalf("VoteRejected events = %+v, want 1", rejected)
			}
			if got := rejected[0].String(); got != tt.want {
				t.Errorf("VoteRejected reads %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStopWaitsForCalls(t *testing.T) {
	clock := newFakeClock()
	transport := newScriptTransport()
	node := newTestNode(t, testConfig(1, 3, clock, transport, newMemStorage(HardState{}), nil))
	t.Cleanup(transport.unblockCalls)
	node.Start()

	// Both vote requests stay inside the transport until it is unblocked.
	transport.blockCalls()
	clock.AdvanceTo(node.Status().Deadline)
	waitFor(t, func() bool { return goroutinesIn(requestVoteFunc) == 2 }, "two vote requests in flight")

	stopped := make(chan struct{})
	go func() {
		node.Stop()
		close(stopped)
	}()
	// Whether Stop returns too early can only be seen over some time.
	select {
	case <-stopped:
		t.Fatalf("Stop returned while two of the node's calls were still running")
	case <-time.After(50 * time.Millisecond):
	}

	transport.unblockCalls()
	waitFor(t, func() bool {
		select {
		case <-stopped:
			return true
		default:
			return false
		}
	}, "Stop to return once the calls end")
	if n := goroutinesIn(requestVoteFunc); n != 0 {
		t.Errorf("vote requests still running after Stop returned = %d, want 0", n)
	}
}

func TestStoppedNodeSavesNothing(t *testing.T) {
	s := newSoloNode(t, HardState{Term: 2})
	s.node.Stop()
	s.node.Stop() // a second Stop returns at once

	s.clock.Advance(10 * testTimeoutMax)
	if saves := s.storage.history(); len(saves) != 0 {
		t.Errorf("saves after Stop = %+v, want none", saves)
	}
	if _, err := s.node.HandleRequestVote(&RequestVoteArgs{Term: 3, CandidateID: 2}); !errors.Is(err, ErrStopped) {
		t.Errorf("HandleRequestVote after Stop = %v, want ErrStopped", err)
	}
	if _, err := s.node.HandleAppendEntries(&AppendEntriesArgs{Term: 3, LeaderID: 2}); !errors.Is(err, ErrStopped) {
		t.Errorf("HandleAppendEntries after Stop = %v, want ErrStopped", err)
	}
	if saves := s.storage.history(); len(saves) != 0 {
		t.Errorf("saves after handlers of a stopped node = %+v, want none", saves)
	}
	st := s.node.Status()
	if !st.Stopped || st.Term != 2 || st.Role != Follower {
		t.Errorf("status after Stop = stopped %v, %v in term %d; want stopped follower in term 2",
			st.Stopped, st.Role, st.Term)
	}

	s.node.Start()
	if n := s.clock.Pending(); n != 0 {
		t.Errorf("armed timers after Start on a stopped node = %d, want 0", n)
	}
}

func TestStopBeforeStart(t *testing.T) {
	clock := newFakeClock()
	node := newTestNode(t, testConfig(1, 3, clock, newScriptTransport(), newMemStorage(HardState{}), nil))
	node.Stop()
	node.Start()
	if n := clock.Pending(); n != 0 {
		t.Errorf("armed timers after Stop then Start = %d, want 0", n)
	}
	if st := node.Status(); !st.Stopped {
		t.Errorf("status after Stop = not stopped, want stopped")
	}
}

func TestNewFailsOnLoadError(t *testing.T) {
	storage := newMemStorage(HardState{})
	storage.loadErr = errors.New("disk unreadable")
	_, err := New(testConfig(2, 3, newFakeClock(), newScriptTransport(), storage, nil))
	if !errors.Is(err, storage.loadErr) {
		t.Errorf("New() = %v, want an error wrapping the load error", err)
	}
	if err != nil && !strings.Contains(err.Error(), "node 2") {
		t.Errorf("New() error %q does not name node 2", err)
	}
}

func TestNewFailsOnDamagedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n1.state")
	data := EncodeStateFile(StateFile{Format: StateFormat, Node: 1, Term: 3})
	data[5] ^= 1
	writeFile(t, path, data)

	_, err := New(testConfig(1, 3, newFakeClock(), newScriptTransport(), NewFileStorage(path, 1), nil))
	var fileErr *StateFileError
	if !errors.As(err, &fileErr) || !errors.Is(err, ErrStateCorrupt) {
		t.Errorf("New() = %v, want a *StateFileError wrapping ErrStateCorrupt", err)
	}
}

func TestRestartKeepsTermAndVote(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n1.state")
	clock := newFakeClock()
	first := newTestNode(t, testConfig(1, 3, clock, newScriptTransport(), NewFileStorage(path, 1), nil))
	first.Start()
	if reply, err := first.HandleRequestVote(&RequestVoteArgs{Term: 4, CandidateID: 3}); err != nil || !reply.VoteGranted {
		t.Fatalf("HandleRequestVote = %+v, %v; want granted", reply, err)
	}
	first.Stop()

	second := newTestNode(t, testConfig(1, 3, clock, newScriptTransport(), NewFileStorage(path, 1), nil))
	second.Start()
	st := second.Status()
	if st.Term != 4 || st.VotedFor != 3 {
		t.Errorf("restarted node = term %d, vote %s; want term 4, vote n3", st.Term, NodeName(st.VotedFor))
	}
	if st.Role != Follower || st.Leader != None {
		t.Errorf("restarted node = %v led by %s, want follower with no leader", st.Role, NodeName(st.Leader))
	}
	if reply, err := second.HandleRequestVote(&RequestVoteArgs{Term: 4, CandidateID: 2}); err != nil || reply.VoteGranted {
		t.Errorf("second vote in term 4 after restart = %+v, %v; want rejected", reply, err)
	}
}

// TestHandlersBeforeStart pins that a node created but not yet started can
// handle calls: a peer's request may reach it between New and Start.
func TestHandlersBeforeStart(t *testing.T) {
	calls := []struct {
		name string
		call func(*Node) error
	}{
		{"RequestVote", func(n *Node) error {
			_, err := n.HandleRequestVote(&RequestVoteArgs{Term: 1, CandidateID: 2})
			return err
		}},
		{"AppendEntries", func(n *Node) error {
			_, err := n.HandleAppendEntries(&AppendEntriesArgs{Term: 1, LeaderID: 2})
			return err
		}},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			node := newTestNode(t, testConfig(1, 3, clock, newScriptTransport(), newMemStorage(HardState{}), nil))
			var panicked any
			func() {
				defer func() { panicked = recover() }()
				tt.call(node)
			}()
			if panicked != nil {
				t.Fatalf("Handle%s before Start panicked: %v", tt.name, panicked)
			}
			node.Start()
			if st := node.Status(); st.Deadline.Before(st.Now) || st.Deadline.Equal(st.Now) {
				t.Errorf("deadline after Start = %v, want after now, %v", st.Deadline, st.Now)
			}
		})
	}
}

// TestMessageCountsBalance checks that every message one node counts as sent,
// request or reply, another counts as received, once no message is in flight.
func TestMessageCountsBalance(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	leader := c.elect()
	var followers []int
	for id := 1; id <= 3; id++ {
		if id != leader {
			followers = append(followers, id)
		}
	}
	c.heartbeatRound(followers)
	c.waitHeartbeatReplies()
	waitFor(t, func() bool {
		var out, in uint64
		for _, node := range c.nodes {
			counts := node.Status().Counts
			out += counts.Sent + counts.Replied
			in += counts.Received
		}
		return out == in
	}, "as many messages received as sent")
	// A follower sent no request, so everything it received was a request.
	for _, id := range followers {
		counts := c.node(id).Status().Counts
		if counts.Sent != 0 {
			t.Errorf("n%d sent %d requests, want 0", id, counts.Sent)
		}
		if counts.Replied != counts.Received {
			t.Errorf("n%d replied %d times to %d requests", id, counts.Replied, counts.Received)
		}
	}
}
