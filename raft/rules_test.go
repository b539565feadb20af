package raft

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDecideVoteCases(t *testing.T) {
	tests := []struct {
		name          string
		state         HardState
		candidateTerm uint64
		candidate     int
		wantGranted   bool
		wantReason    VoteReason
	}{
		{"stale term, no vote", HardState{Term: 5}, 4, 2, false, ReasonStaleTerm},
		{"stale term, voted for candidate", HardState{Term: 5, VotedFor: 2}, 4, 2, false, ReasonStaleTerm},
		{"stale term, voted for another", HardState{Term: 5, VotedFor: 3}, 4, 2, false, ReasonStaleTerm},
		{"stale term zero", HardState{Term: 1}, 0, 2, false, ReasonStaleTerm},
		{"first vote in term", HardState{Term: 5}, 5, 2, true, ReasonGranted},
		{"first vote in term 0", HardState{}, 0, 1, true, ReasonGranted},
		{"re-grant to same candidate", HardState{Term: 5, VotedFor: 2}, 5, 2, true, ReasonRegranted},
		{"voted for itself", HardState{Term: 5, VotedFor: 1}, 5, 2, false, ReasonAlreadyVoted},
		{"already voted for another", HardState{Term: 5, VotedFor: 3}, 5, 2, false, ReasonAlreadyVoted},
		{"own request after own vote", HardState{Term: 5, VotedFor: 1}, 5, 1, true, ReasonRegranted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			granted, reason := DecideVote(tt.state, tt.candidateTerm, tt.candidate)
			if granted != tt.wantGranted {
				t.Errorf("DecideVote(%+v, term %d, n%d) granted = %v, want %v",
					tt.state, tt.candidateTerm, tt.candidate, granted, tt.wantGranted)
			}
			if reason != tt.wantReason {
				t.Errorf("DecideVote(%+v, term %d, n%d) reason = %v, want %v",
					tt.state, tt.candidateTerm, tt.candidate, reason, tt.wantReason)
			}
		})
	}
}

func TestShouldAdoptTermCases(t *testing.T) {
	tests := []struct {
		current, term uint64
		want          bool
	}{
		{0, 0, false},
		{0, 1, true},
		{3, 2, false},
		{3, 3, false},
		{3, 4, true},
		{3, 100, true},
		{100, 3, false},
	}
	for _, tt := range tests {
		if got := ShouldAdoptTerm(tt.current, tt.term); got != tt.want {
			t.Errorf("ShouldAdoptTerm(current %d, term %d) = %v, want %v", tt.current, tt.term, got, tt.want)
		}
	}
}

func TestLeaderLiveCases(t *testing.T) {
	const minTimeout = 150 * time.Millisecond
	tests := []struct {
		name      string
		leads     bool
		leader    int
		candidate int
		since     time.Duration
		want      bool
	}{
		{"follower, heartbeat just now", false, 2, 3, 0, true},
		{"follower, heartbeat just within the minimum", false, 2, 3, minTimeout - time.Nanosecond, true},
		{"follower, heartbeat at the minimum", false, 2, 3, minTimeout, false},
		{"follower, heartbeat long ago", false, 2, 3, 10 * minTimeout, false},
		{"no leader heard", false, None, 3, 0, false},
		{"request from the leader heard", false, 2, 2, 0, false},
		{"voter leads", true, 1, 3, 10 * minTimeout, true},
		{"voter leads, no heartbeat heard", true, None, 3, 10 * minTimeout, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LeaderLive(tt.leads, tt.leader, tt.candidate, tt.since, minTimeout)
			if got != tt.want {
				t.Errorf("LeaderLive(leads %v, leader %s, candidate n%d, since %v, min %v) = %v, want %v",
					tt.leads, NodeName(tt.leader), tt.candidate, tt.since, minTimeout, got, tt.want)
			}
		})
	}
}

func TestMajorityClusterSizes(t *testing.T) {
	want := map[int]int{1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 4, 7: 4, 9: 5}
	for n, majority := range want {
		if got := Majority(n); got != majority {
			t.Errorf("Majority(%d) = %d, want %d", n, got, majority)
		}
	}
}

func TestTallyOutcomes(t *testing.T) {
	// granted always includes the candidate's own vote, so it is at least 1.
	tests := []struct {
		n, granted, rejected int
		want                 Outcome
	}{
		{1, 1, 0, Won},

		{2, 1, 0, Pending},
		{2, 2, 0, Won},
		{2, 1, 1, Lost},

		{3, 1, 0, Pending},
		{3, 2, 0, Won},
		{3, 1, 1, Pending},
		{3, 2, 1, Won},
		{3, 1, 2, Lost},

		{4, 1, 0, Pending},
		{4, 2, 0, Pending},
		{4, 2, 1, Pending},
		{4, 3, 0, Won},
		{4, 3, 1, Won},
		{4, 2, 2, Lost},
		{4, 1, 2, Lost},

		{5, 1, 0, Pending},
		{5, 2, 2, Pending},
		{5, 3, 0, Won},
		{5, 3, 2, Won},
		{5, 2, 3, Lost},
		{5, 1, 3, Lost},

		{7, 1, 0, Pending},
		{7, 3, 3, Pending},
		{7, 4, 0, Won},
		{7, 4, 3, Won},
		{7, 3, 4, Lost},
		{7, 1, 4, Lost},
	}
	for _, tt := range tests {
		if got := Tally(tt.n, tt.granted, tt.rejected); got != tt.want {
			t.Errorf("Tally(n %d, granted %d, rejected %d) = %v, want %v",
				tt.n, tt.granted, tt.rejected, got, tt.want)
		}
	}
}

func TestStringersPlainWords(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{Follower.String(), "follower"},
		{Candidate.String(), "candidate"},
		{Leader.String(), "leader"},
		{Role(9).String(), "role(9)"},
		{Pending.String(), "pending"},
		{Won.String(), "won"},
		{Lost.String(), "lost"},
		{Outcome(9).String(), "outcome(9)"},
		{ReasonGranted.String(), "granted"},
		{ReasonAlreadyVoted.String(), "already voted"},
		{ReasonPersistFailed.String(), "state file write failed"},
		{VoteReason(99).String(), "reason(99)"},
		{ResetHeartbeat.String(), "heartbeat from leader"},
		{ResetVoteGranted.String(), "vote granted"},
		{ResetReason(99).String(), "reset(99)"},
		{NodeName(None), "none"},
		{NodeName(3), "n3"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("String() = %q, want %q", tt.got, tt.want)
		}
	}
}

func TestEventStringWording(t *testing.T) {
	tests := []struct {
		event Event
		want  string
	}{
		{
			Event{Node: 1, Kind: EventVoteRejected, Term: 7, Peer: 3, Reason: ReasonAlreadyVoted, VotedFor: 2, PeerTerm: 7},
			"n1 rejected n3 in term 7: already voted for n2 in term 7",
		},
		{
			Event{Node: 1, Kind: EventVoteRejected, Term: 6, Peer: 2, Reason: ReasonStaleTerm, PeerTerm: 4},
			"n1 rejected n2 in term 6: candidate's term 4 is older than mine, 6",
		},
		{
			Event{Node: 2, Kind: EventVoteRejected, Term: 3, Peer: 1, Reason: ReasonPersistFailed},
			"n2 rejected n1 in term 3: state file write failed",
		},
		{
			Event{Node: 2, Kind: EventVoteRejected, Term: 3, Peer: 1, Reason: ReasonLeaderRecent, PeerTerm: 3, Leader: 3},
			"n2 rejected n1 in term 3: heard from leader n3 within the minimum election timeout",
		},
		{
			Event{Node: 2, Kind: EventVoteRejected, Term: 3, Peer: 1, Reason: ReasonLeaderRecent, PeerTerm: 4,
				PreVote: true, Leader: 2},
			"n2 rejected n1's pre-vote for term 4: I lead this term",
		},
		{
			Event{Node: 2, Kind: EventVoteRejected, Term: 3, Peer: 1, Reason: ReasonLeaderRecent, PeerTerm: 3, Leader: 2},
			"n2 rejected n1 in term 3: I lead this term and CheckQuorum keeps me leading",
		},
		{
			Event{Node: 2, Kind: EventRoleChanged, Role: Follower, Term: 4, Peer: 1},
			"n2 became follower of n1 in term 4",
		},
		{
			Event{Node: 2, Kind: EventRoleChanged, Role: Candidate, Term: 4},
			"n2 became candidate in term 4",
		},
		{
			Event{Node: 2, Kind: EventTermChanged, Term: 4},
			"n2 moved to term 4",
		},
		{
			Event{Node: 2, Kind: EventTermChanged, Term: 4, Peer: 3},
			"n2 adopted term 4 from n3",
		},
		{
			Event{Node: 1, Kind: EventElectionStarted, Term: 2, Timeout: 150 * time.Millisecond},
			"n1 started an election for term 2 (its 150ms timeout ran out)",
		},
		{
			Event{Node: 1, Kind: EventVoteReceived, Term: 2, Peer: 3, Granted: true, Votes: 2},
			"n1: n3 granted its vote in term 2 (2 votes so far)",
		},
		{
			Event{Node: 1, Kind: EventVoteReceived, Term: 2, Peer: 3, Votes: 1},
			"n1: n3 rejected its vote request in term 2 (1 vote so far)",
		},
		{
			Event{Node: 1, Kind: EventStatePersisted, Term: 2},
			"n1 saved term 2, vote none",
		},
		{
			Event{Node: 1, Kind: EventPersistFailed, Term: 2, VotedFor: 1, Err: "disk full"},
			"n1 failed to save term 2, vote n1: disk full",
		},
		{
			Event{Node: 1, Kind: EventKind(99)},
			"n1: event 99",
		},
	}
	for _, tt := range tests {
		if got := tt.event.String(); got != tt.want {
			t.Errorf("Event %+v String() = %q, want %q", tt.event, got, tt.want)
		}
	}
}

func TestConfigValidateRejects(t *testing.T) {
	valid := func() Config {
		return Config{
			ID: 1, Nodes: 3,
			ElectionTimeoutMin: 150 * time.Millisecond, ElectionTimeoutMax: 300 * time.Millisecond,
			Heartbeat: 50 * time.Millisecond,
			Clock:     newFakeClock(), Transport: newScriptTransport(), Storage: newMemStorage(HardState{}),
		}
	}
	good := valid()
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate() of a valid config = %v, want nil", err)
	}

	tests := []struct {
		name     string
		change   func(*Config)
		wantText string
	}{
		{"no nodes", func(c *Config) { c.Nodes = 0 }, "cluster size 0"},
		{"id zero", func(c *Config) { c.ID = 0 }, "node id 0"},
		{"id above size", func(c *Config) { c.ID = 4 }, "node id 4"},
		{"zero minimum", func(c *Config) { c.ElectionTimeoutMin = 0 }, "minimum election timeout 0s"},
		{"max equals min", func(c *Config) { c.ElectionTimeoutMax = c.ElectionTimeoutMin }, "maximum must exceed minimum"},
		{"zero heartbeat", func(c *Config) { c.Heartbeat = 0 }, "heartbeat 0s"},
		{"heartbeat at minimum", func(c *Config) { c.Heartbeat = c.ElectionTimeoutMin }, "heartbeat 150ms"},
		{"no clock", func(c *Config) { c.Clock = nil }, "needs a clock"},
		{"no transport", func(c *Config) { c.Transport = nil }, "needs a clock"},
		{"no storage", func(c *Config) { c.Storage = nil }, "needs a clock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid()
			tt.change(&cfg)
			err := cfg.Validate()
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("Validate() = %v, want an error wrapping ErrInvalidConfig", err)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("Validate() message %q does not contain %q", err, tt.wantText)
			}
			if _, err := New(cfg); !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("New() = %v, want an error wrapping ErrInvalidConfig", err)
			}
		})
	}
}
