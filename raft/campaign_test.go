package raft

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestCampaignStartsPreVote(t *testing.T) {
	s := newSoloNodeWith(t, HardState{Term: 2, VotedFor: 3}, preVoteOn)
	s.clock.Advance(10 * time.Millisecond)

	if !s.node.Campaign() {
		t.Fatalf("Campaign() on a running follower = false, want true")
	}
	st := s.node.Status()
	if st.Role != PreCandidate {
		t.Errorf("role after Campaign = %v, want pre-candidate", st.Role)
	}
	if st.Term != 2 || st.VotedFor != 3 {
		t.Errorf("after Campaign: term %d, vote %s; want term 2, vote n3 unchanged", st.Term, NodeName(st.VotedFor))
	}
	if st.ResetReason != ResetPreVoteStarted {
		t.Errorf("reset reason = %v, want %v", st.ResetReason, ResetPreVoteStarted)
	}
	if saves := s.storage.history(); len(saves) != 0 {
		t.Errorf("saves = %+v, want none", saves)
	}

	started := s.events.find(1, EventElectionStarted)
	if len(started) != 1 {
		t.Fatalf("ElectionStarted events = %+v, want 1", started)
	}
	if !started[0].PreVote || !started[0].Forced {
		t.Errorf("ElectionStarted = %+v, want a pre-vote marked Forced", started[0])
	}
	if got, want := started[0].String(), "n1 started a pre-vote for term 3 (campaign requested)"; got != want {
		t.Errorf("ElectionStarted reads %q, want %q", got, want)
	}
	requested := s.events.find(1, EventVoteRequested)
	if len(requested) != 2 {
		t.Errorf("VoteRequested events = %d, want 2", len(requested))
	}
	for _, e := range requested {
		if !e.PreVote || e.Term != 3 {
			t.Errorf("VoteRequested = %q (pre-vote %v), want a pre-vote request for term 3", e, e.PreVote)
		}
	}

	// The pre-vote that follows a timeout is not marked as requested.
	s.clock.AdvanceTo(st.Deadline)
	started = s.events.find(1, EventElectionStarted)
	if len(started) != 2 || started[1].Forced || !started[1].PreVote {
		t.Errorf("ElectionStarted events = %+v, want a second pre-vote, not Forced", started)
	}
}

func TestCampaignRejectedWithPreVote(t *testing.T) {
	c := newTestCluster(t, 3, preVoteOn)
	leader := c.elect()
	follower := others(leader, 3)[0]

	if c.node(leader).Campaign() {
		t.Errorf("Campaign() on the leader = true, want false")
	}
	if st := c.node(leader).Status(); st.Role != Leader || st.Term != 1 {
		t.Errorf("leader after Campaign: %v in term %d, want leader in term 1", st.Role, st.Term)
	}

	c.node(follower).Stop()
	if c.node(follower).Campaign() {
		t.Errorf("Campaign() on a stopped follower = true, want false")
	}
	if st := c.node(follower).Status(); st.Role != Follower || st.Term != 1 {
		t.Errorf("stopped follower after Campaign: %v in term %d, want follower in term 1", st.Role, st.Term)
	}
	for _, e := range c.events.find(follower, EventElectionStarted) {
		t.Errorf("stopped follower started %q, want nothing", e)
	}

	c.node(leader).Stop()
	if c.node(leader).Campaign() {
		t.Errorf("Campaign() on a stopped leader = true, want false")
	}
}

// TestCampaignPreVoteKeepsLiveLeader pins that a requested campaign, alone or
// by two nodes at once as in a split vote, cannot depose a leader that the
// other nodes still hear from when PreVote is on, even without CheckQuorum.
func TestCampaignPreVoteKeepsLiveLeader(t *testing.T) {
	tests := []struct {
		name       string
		candidates int // how many followers campaign at the same moment
	}{
		{"one campaign", 1},
		{"split vote", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCluster(t, 3, preVoteOn) // CheckQuorum off
			leader := c.elect()
			peers := others(leader, 3)
			c.heartbeatRound(peers)
			candidates := peers[:tt.candidates]

			for _, id := range candidates {
				if !c.node(id).Campaign() {
					t.Fatalf("Campaign() on follower n%d = false, want true", id)
				}
			}
			for _, id := range candidates {
				preVoteReplies := func() []Event {
					var replies []Event
					for _, e := range c.events.find(id, EventVoteReceived) {
						if e.PreVote {
							replies = append(replies, e)
						}
					}
					return replies
				}
				waitFor(t, func() bool { return len(preVoteReplies()) >= 2 },
					fmt.Sprintf("both replies to n%d's pre-vote", id))
				for _, e := range preVoteReplies() {
					if e.Granted {
						t.Errorf("n%d granted n%d's pre-vote, want a rejection", e.Peer, id)
					}
					if e.Reason != ReasonLeaderRecent {
						t.Errorf("n%d rejected n%d's pre-vote for %v, want %v", e.Peer, id, e.Reason, ReasonLeaderRecent)
					}
				}
			}

			c.heartbeatRound(peers)
			got, ok := c.leaderFollowedByAll()
			if !ok || got != leader {
				t.Errorf("after the campaign, leader = n%d (followed by all %v), want n%d", got, ok, leader)
			}
			for _, node := range c.nodes {
				if st := node.Status(); st.Term != 1 {
					t.Errorf("n%d term after the campaign = %d, want 1", st.ID, st.Term)
				}
			}
			for _, e := range c.events.find(None, EventElectionStarted) {
				if !e.PreVote && e.Term > 1 {
					t.Errorf("%q, want no real election after the first", e)
				}
			}
		})
	}
}

func TestSetElectionTimeoutStartsPreVote(t *testing.T) {
	s := newSoloNodeWith(t, HardState{Term: 4}, preVoteOn)
	s.clock.Advance(10 * time.Millisecond)

	// Rigging works for a follower and again for a pre-candidate.
	for round, rigged := range []time.Duration{40 * time.Millisecond, 170 * time.Millisecond} {
		if !s.node.SetElectionTimeout(rigged) {
			t.Fatalf("round %d: SetElectionTimeout(%v) = false, want true", round, rigged)
		}
		st := s.node.Status()
		if st.ResetReason != ResetRigged {
			t.Errorf("round %d: reset reason = %v, want %v", round, st.ResetReason, ResetRigged)
		}
		if st.Timeout != rigged {
			t.Errorf("round %d: timeout = %v, want %v", round, st.Timeout, rigged)
		}
		if want := st.Now.Add(rigged); !st.Deadline.Equal(want) {
			t.Errorf("round %d: deadline = %v, want now plus %v, %v", round, st.Deadline, rigged, want)
		}

		s.clock.Advance(rigged - time.Nanosecond)
		if n := len(s.events.find(1, EventElectionStarted)); n != round {
			t.Errorf("round %d: pre-votes started just before the set deadline = %d, want %d", round, n, round)
		}
		s.clock.Advance(time.Nanosecond)
		started := s.events.find(1, EventElectionStarted)
		if len(started) != round+1 {
			t.Fatalf("round %d: pre-votes started at the set deadline = %d, want %d", round, len(started), round+1)
		}
		if e := started[round]; !e.PreVote || e.Timeout != rigged {
			t.Errorf("round %d: ElectionStarted = %q (pre-vote %v, timeout %v), want a pre-vote after %v",
				round, e, e.PreVote, e.Timeout, rigged)
		}
		if got := s.node.Status(); got.Role != PreCandidate || got.Term != 4 {
			t.Errorf("round %d: at the set deadline: %v in term %d, want pre-candidate in term 4",
				round, got.Role, got.Term)
		}
	}
	if saves := s.storage.history(); len(saves) != 0 {
		t.Errorf("saves = %+v, want none", saves)
	}
}

func TestSetPreVoteSwitchesLive(t *testing.T) {
	s := newSoloNode(t, HardState{Term: 1})

	s.node.SetPreVote(true)
	s.clock.AdvanceTo(s.node.Status().Deadline)
	if st := s.node.Status(); st.Role != PreCandidate || st.Term != 1 {
		t.Errorf("timeout after SetPreVote(true): %v in term %d, want pre-candidate in term 1", st.Role, st.Term)
	}

	s.node.SetPreVote(false)
	s.clock.AdvanceTo(s.node.Status().Deadline)
	if st := s.node.Status(); st.Role != Candidate || st.Term != 2 {
		t.Errorf("timeout after SetPreVote(false): %v in term %d, want candidate in term 2", st.Role, st.Term)
	}
	if want := []HardState{{Term: 2, VotedFor: 1}}; !slices.Equal(s.storage.history(), want) {
		t.Errorf("saves = %+v, want only the real election's %+v", s.storage.history(), want)
	}
}
