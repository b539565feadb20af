package raft

import (
	"fmt"
	"testing"
	"time"
)

func TestTransferLeadershipTargetWins(t *testing.T) {
	tests := []struct {
		name  string
		tweak func(*Config)
	}{
		{"defaults", nil},
		{"pre-vote", preVoteOn},
		{"pre-vote and check quorum", func(cfg *Config) {
			cfg.PreVote = true
			cfg.CheckQuorum = true
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const size = 5
			c := newTestCluster(t, size, tt.tweak)
			leader := c.elect()
			c.heartbeatRound(others(leader, size))
			target := others(leader, size)[1]
			startedBefore := len(c.events.find(None, EventElectionStarted))

			if !c.node(leader).TransferLeadership(target) {
				t.Fatalf("TransferLeadership(n%d) on leader n%d = false, want true", target, leader)
			}
			// The clock does not move: the transfer needs no timeout.
			waitFor(t, func() bool {
				got, ok := c.leaderFollowedByAll()
				return ok && got == target
			}, fmt.Sprintf("n%d to lead, followed by every node", target))
			waitFor(t, func() bool {
				for _, node := range c.nodes {
					if node.Status().VotedFor != target {
						return false
					}
				}
				return true
			}, fmt.Sprintf("every node to vote for n%d", target))

			if st := c.node(target).Status(); st.Term != 2 {
				t.Errorf("new leader term = %d, want 2", st.Term)
			}
			if st := c.node(leader).Status(); st.Role != Follower || st.Leader != target {
				t.Errorf("old leader = %v of %s, want follower of n%d", st.Role, NodeName(st.Leader), target)
			}

			started := c.events.find(None, EventElectionStarted)[startedBefore:]
			if len(started) != 1 {
				t.Fatalf("elections started by the transfer = %+v, want 1", started)
			}
			e := started[0]
			if e.Node != target {
				t.Errorf("election started by n%d, want n%d", e.Node, target)
			}
			if !e.Transfer {
				t.Errorf("ElectionStarted = %q, want it marked Transfer", e)
			}
			if e.PreVote {
				t.Errorf("ElectionStarted = %q, want a real election, not a pre-vote", e)
			}
			if got, want := e.String(), fmt.Sprintf("n%d started an election for term 2 (leadership transfer)", target); got != want {
				t.Errorf("ElectionStarted reads %q, want %q", got, want)
			}
			for _, e := range c.events.find(None, EventVoteRejected) {
				if e.Peer == target {
					t.Errorf("n%d rejected the transfer target: %q", e.Node, e)
				}
			}
			if lost := c.events.find(None, EventQuorumLost); len(lost) != 0 {
				t.Errorf("QuorumLost events = %+v, want none", lost)
			}
		})
	}
}

func TestTransferLeadershipRejected(t *testing.T) {
	const size = 3
	c := newTestCluster(t, size, nil)
	leader := c.elect()
	follower := others(leader, size)[0]

	tests := []struct {
		name   string
		from   int
		target int
	}{
		{"from a follower", follower, leader},
		{"from a follower to a follower", follower, others(leader, size)[1]},
		{"to itself", leader, leader},
		{"to none", leader, None},
		{"to a negative id", leader, -1},
		{"to an id past the cluster", leader, size + 1},
	}
	for _, tt := range tests {
		if c.node(tt.from).TransferLeadership(tt.target) {
			t.Errorf("%s: n%d.TransferLeadership(%d) = true, want false", tt.name, tt.from, tt.target)
		}
	}

	// A transfer started by mistake would show within one heartbeat round.
	c.heartbeatRound(others(leader, size))
	got, ok := c.leaderFollowedByAll()
	if !ok || got != leader {
		t.Errorf("leader after rejected transfers = n%d (followed by all %v), want n%d", got, ok, leader)
	}
	for _, node := range c.nodes {
		if st := node.Status(); st.Term != 1 {
			t.Errorf("n%d term = %d, want 1", st.ID, st.Term)
		}
	}

	c.node(leader).Stop()
	if c.node(leader).TransferLeadership(follower) {
		t.Errorf("TransferLeadership(n%d) on a stopped leader = true, want false", follower)
	}
}

func TestTransferTargetSkipsPreVote(t *testing.T) {
	s := newSoloNodeWith(t, HardState{Term: 2}, func(cfg *Config) {
		cfg.PreVote = true
		cfg.CheckQuorum = true
	})
	reply, err := s.node.HandleAppendEntries(&AppendEntriesArgs{Term: 2, LeaderID: 2, TimeoutNow: true})
	if err != nil {
		t.Fatalf("HandleAppendEntries = %v, want nil", err)
	}
	if !reply.Success || reply.Term != 2 {
		t.Errorf("reply = %+v, want success in term 2, the leader's", reply)
	}

	st := s.node.Status()
	if st.Role != Candidate {
		t.Errorf("role after TimeoutNow = %v, want candidate", st.Role)
	}
	if st.Term != 3 || st.VotedFor != 1 {
		t.Errorf("after TimeoutNow: term %d, vote %s; want term 3, vote n1", st.Term, NodeName(st.VotedFor))
	}
	if got, want := s.storage.current(), (HardState{Term: 3, VotedFor: 1}); got != want {
		t.Errorf("saved %+v, want %+v", got, want)
	}
	started := s.events.find(1, EventElectionStarted)
	if len(started) != 1 {
		t.Fatalf("ElectionStarted events = %+v, want 1", started)
	}
	if started[0].PreVote || !started[0].Transfer {
		t.Errorf("ElectionStarted = %q (pre-vote %v, transfer %v), want a transfer election without a pre-vote",
			started[0], started[0].PreVote, started[0].Transfer)
	}

	// The flag lasts for one election: the next timeout starts a pre-vote.
	s.clock.AdvanceTo(st.Deadline)
	if st := s.node.Status(); st.Role != PreCandidate || st.Term != 3 {
		t.Errorf("at the next timeout: %v in term %d, want pre-candidate in term 3", st.Role, st.Term)
	}
}

func TestTransferVoteBypassesLease(t *testing.T) {
	s := newSoloNodeWith(t, HardState{Term: 2}, checkQuorumOn)
	deliverHeartbeat(t, s, 2)
	s.clock.Advance(10 * time.Millisecond)

	reply, err := s.node.HandleRequestVote(&RequestVoteArgs{Term: 3, CandidateID: 3, Transfer: true})
	if err != nil {
		t.Fatalf("HandleRequestVote = %v, want nil", err)
	}
	if !reply.VoteGranted {
		t.Errorf("transfer vote 10ms after a heartbeat rejected (%v), want granted", reply.Reason)
	}
	if got, want := s.storage.current(), (HardState{Term: 3, VotedFor: 3}); got != want {
		t.Errorf("voter saved %+v, want %+v", got, want)
	}
}
