package ui

import (
	"strings"
	"testing"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th",
		12: "12th", 13: "13th", 21: "21st", 22: "22nd", 23: "23rd", 51: "51st", 111: "111th"} {
		if got := ordinal(n); got != want {
			t.Errorf("ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestTallyText(t *testing.T) {
	tests := []struct {
		event raft.Event
		want  string
	}{
		{raft.Event{Node: 3, Kind: raft.EventVoteReceived, Granted: true, Votes: 2},
			" → n3's 2nd vote, 3 needed"},
		{raft.Event{Node: 3, Kind: raft.EventVoteReceived, Granted: true, Votes: 3, PreVote: true},
			" → n3's 3rd pre-vote, 3 needed"},
		{raft.Event{Node: 3, Kind: raft.EventVoteReceived, Votes: 1},
			" → n3 still has 1 vote, 3 needed"},
		{raft.Event{Node: 3, Kind: raft.EventVoteReceived, Votes: 2, PreVote: true},
			" → n3 still has 2 pre-votes, 3 needed"},
	}
	for _, tt := range tests {
		if got := tallyText(tt.event, 3); got != tt.want {
			t.Errorf("tallyText(%+v) = %q, want %q", tt.event, got, tt.want)
		}
	}
}

func TestFeedFailedCampaignSave(t *testing.T) {
	f := newFeed()
	f.nodes, f.quorum = 5, 3
	for _, e := range []raft.Event{
		{Node: 2, Kind: raft.EventElectionStarted, Term: 5},
		{Node: 2, Kind: raft.EventPersistFailed, Term: 5, VotedFor: 2, Err: "disk full"},
	} {
		f.add(cluster.Event{Kind: cluster.EventRaft, Node: e.Node, Raft: e})
	}
	got := f.entries[len(f.entries)-1].text
	if want := "n2 failed to save term 5, vote n2: disk full; it drops the election and ignores the replies" +
		timerReset; got != want {
		t.Errorf("feed line = %q, want %q", got, want)
	}

	// A voter's failed save is not a campaign of its own.
	f.add(cluster.Event{Kind: cluster.EventRaft, Node: 3,
		Raft: raft.Event{Node: 3, Kind: raft.EventPersistFailed, Term: 5, VotedFor: 2, Err: "disk full"}})
	if got := f.entries[len(f.entries)-1].text; got != "n3 failed to save term 5, vote n2: disk full" {
		t.Errorf("voter's feed line = %q", got)
	}
}

func TestFeedPreVoteRoundsKeepSeparateLines(t *testing.T) {
	f := newFeed()
	f.nodes, f.quorum = 3, 2
	for range 3 {
		for _, e := range []raft.Event{
			{Node: 2, Kind: raft.EventElectionStarted, Term: 2, PreVote: true},
			{Node: 2, Kind: raft.EventVoteRequested, Term: 2, Peer: 1, PreVote: true},
			{Node: 2, Kind: raft.EventVoteRequested, Term: 2, Peer: 3, PreVote: true},
		} {
			f.add(cluster.Event{Kind: cluster.EventRaft, Node: e.Node, Raft: e})
		}
	}
	var requests []string
	for _, entry := range f.entries {
		if strings.Contains(entry.text, "requested") {
			requests = append(requests, entry.text)
		}
	}
	if len(requests) != 3 {
		t.Fatalf("%d request lines for 3 pre-vote rounds, want 3: %q", len(requests), requests)
	}
	for _, line := range requests {
		if strings.Count(line, "n1") != 1 || strings.Count(line, "n3") != 1 {
			t.Errorf("a round's line lists peers more than once: %q", line)
		}
	}
}
