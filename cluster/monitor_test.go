package cluster

import (
	"strings"
	"testing"

	"github.com/raftplay/raftplay/raft"
)

func raftEvent(node int, e raft.Event) Event {
	return Event{Kind: EventRaft, Node: node, Raft: e}
}

func persisted(node int, term uint64, vote int) Event {
	return raftEvent(node, raft.Event{Kind: raft.EventStatePersisted, Term: term, VotedFor: vote})
}

func granted(voter, candidate int, term uint64) Event {
	return raftEvent(voter, raft.Event{Kind: raft.EventVoteGranted, Term: term, Peer: candidate})
}

func won(node int, term uint64) Event {
	return raftEvent(node, raft.Event{Kind: raft.EventElectionWon, Term: term})
}

func TestMonitorRules(t *testing.T) {
	cases := []struct {
		name   string
		events []Event
		want   string // part of the violation; "" for none
	}{
		{"correct election", []Event{
			persisted(1, 1, 1), persisted(2, 1, 1), granted(2, 1, 1), persisted(3, 1, 1), granted(3, 1, 1), won(1, 1),
		}, ""},
		{"two leaders in a term", []Event{
			granted(2, 1, 3), granted(3, 1, 3), won(1, 3), granted(4, 5, 3), granted(3, 5, 3), won(5, 3),
		}, "two leaders in term 3: n1 and n5"},
		{"term falls", []Event{persisted(2, 5, 0), persisted(2, 4, 0)}, "term of n2 fell from 5 to 4"},
		{"term falls at restart", []Event{
			persisted(2, 5, 1), {Kind: EventRestarted, Node: 2, Mode: RestartAmnesia},
		}, "fell from 5 to 0 (after n2's amnesia restart)"},
		{"vote cast twice", []Event{persisted(3, 2, 1), persisted(3, 2, 4)}, "n3 voted twice in term 2: for n1 and n4"},
		{"leader without majority", []Event{granted(2, 1, 4), won(1, 4)}, "n1 won term 4 with votes from n1, n2 only, 3 needed"},
		{"pre-votes do not count", []Event{
			raftEvent(2, raft.Event{Kind: raft.EventVoteGranted, Term: 4, Peer: 1, PreVote: true}),
			raftEvent(3, raft.Event{Kind: raft.EventVoteGranted, Term: 4, Peer: 1, PreVote: true}),
			won(1, 4),
		}, "n1 won term 4 with votes from n1 only"},
		{"same vote twice is fine", []Event{persisted(3, 2, 1), persisted(3, 2, 1)}, ""},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			m := newMonitor(5)
			var all []string
			for _, e := range tt.events {
				all = append(all, m.observe(e)...)
			}
			if tt.want == "" {
				if len(all) > 0 {
					t.Errorf("violations %q, want none", all)
				}
				return
			}
			if len(all) != 1 || !strings.Contains(all[0], tt.want) {
				t.Errorf("violations %q, want one containing %q", all, tt.want)
			}
		})
	}
}

func TestPersistViolation(t *testing.T) {
	saved := raft.HardState{Term: 4, VotedFor: 2}
	if v := persistViolation(2, "sent a vote request", raft.HardState{Term: 4, VotedFor: 2}, saved); v != "" {
		t.Errorf("saved term and vote reported: %q", v)
	}
	if v := persistViolation(2, "sent a heartbeat", raft.HardState{Term: 3}, saved); v != "" {
		t.Errorf("an older term reported: %q", v)
	}
	if v := persistViolation(2, "sent a heartbeat", raft.HardState{Term: 5}, saved); !strings.Contains(v, "before saving") {
		t.Errorf("an unsaved term gave %q, want a violation", v)
	}
	if v := persistViolation(2, "sent a vote reply", raft.HardState{Term: 4, VotedFor: 3}, saved); v == "" {
		t.Error("an unsaved vote was not reported")
	}
	// A request built in term 3 and sent after the node moved on to term 4.
	if v := persistViolation(2, "sent a vote request", raft.HardState{Term: 3, VotedFor: 2}, saved); v != "" {
		t.Errorf("a request of an older term reported: %q", v)
	}
}
