package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

func TestTraceEntryFields(t *testing.T) {
	e := cluster.Event{Seq: 9, Kind: cluster.EventRaft, Node: 2, Incarnation: 3,
		Raft: raft.Event{Node: 2, Kind: raft.EventVoteRejected, Term: 0, Role: raft.Follower, Peer: 4,
			Reason: raft.ReasonAlreadyVoted, VotedFor: 1}}
	entry := NewTraceEntry(e)
	if entry.Kind != "vote-rejected" || entry.Node != 2 || entry.Incarnation != 3 || entry.Peer != 4 {
		t.Errorf("entry = %+v, want kind vote-rejected, node 2, incarnation 3, peer 4", entry)
	}
	if entry.Term == nil || *entry.Term != 0 {
		t.Errorf("Term = %v, want 0 present", entry.Term)
	}
	if entry.Role != "follower" || entry.Reason != "already voted" {
		t.Errorf("Role, Reason = %q, %q; want follower, already voted", entry.Role, entry.Reason)
	}
	if entry.Text != e.String() {
		t.Errorf("Text = %q, want %q", entry.Text, e.String())
	}
}

func TestTraceEntryClusterEvents(t *testing.T) {
	cases := []struct {
		event  cluster.Event
		kind   string
		reason string
	}{
		{cluster.Event{Kind: cluster.EventCrashed, Node: 1}, "crashed", ""},
		{cluster.Event{Kind: cluster.EventRestarted, Node: 1, Mode: cluster.RestartAmnesia},
			"restarted", "amnesia"},
		{cluster.Event{Kind: cluster.EventLinkCut, Node: 1, Peer: 2, Link: cluster.Link{Cut: true}},
			"link-cut", "cut"},
		{cluster.Event{Kind: cluster.EventSpeedChanged, Slowdown: 20}, "speed-changed", "slowdown 20"},
		{cluster.Event{Kind: cluster.EventSafetyViolation, Text: "two leaders in term 2: n1 and n2"},
			"safety-violation", "two leaders in term 2: n1 and n2"},
		{cluster.Event{Kind: cluster.EventStartFailed, Node: 3, Err: "torn"}, "start-failed", "torn"},
	}
	for _, tc := range cases {
		entry := NewTraceEntry(tc.event)
		if entry.Kind != tc.kind || entry.Reason != tc.reason {
			t.Errorf("%v: kind, reason = %q, %q; want %q, %q", tc.event, entry.Kind, entry.Reason,
				tc.kind, tc.reason)
		}
	}
}

func TestEventKindNamesComplete(t *testing.T) {
	for kind := cluster.EventCrashed; kind <= cluster.EventTransferRequested; kind++ {
		if name := EventKindName(cluster.Event{Kind: kind}); strings.HasPrefix(name, "event-") {
			t.Errorf("cluster event kind %d has no name", kind)
		}
	}
	for kind := raft.EventRoleChanged; kind <= raft.EventQuorumLost; kind++ {
		e := cluster.Event{Kind: cluster.EventRaft, Raft: raft.Event{Kind: kind}}
		if name := EventKindName(e); strings.HasPrefix(name, "raft-event-") {
			t.Errorf("raft event kind %d has no name", kind)
		}
	}
}

func TestTracerWritesLines(t *testing.T) {
	var buf bytes.Buffer
	tracer := NewTracer(&buf)
	events := make(chan cluster.Event, 2)
	events <- cluster.Event{Seq: 1, Kind: cluster.EventPaused}
	events <- cluster.Event{Seq: 2, Kind: cluster.EventResumed}
	close(events)
	if err := tracer.Consume(events); err != nil {
		t.Fatalf("Consume: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || tracer.Count() != 2 {
		t.Fatalf("%d lines, Count %d; want 2 each:\n%s", len(lines), tracer.Count(), buf.String())
	}
	var entry TraceEntry
	if err := json.Unmarshal([]byte(lines[1]), &entry); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if entry.Kind != "resumed" || entry.Seq != 2 || entry.Text != "cluster resumed" {
		t.Errorf("entry = %+v, want the resume", entry)
	}
}

// failingWriter fails every write.
type failingWriter struct{ writes int }

func (w *failingWriter) Write([]byte) (int, error) {
	w.writes++
	return 0, errors.New("disk full")
}

func TestTracerStopsAtWriteError(t *testing.T) {
	w := &failingWriter{}
	tracer := NewTracer(w)
	events := make(chan cluster.Event, 3)
	for range 3 {
		events <- cluster.Event{Kind: cluster.EventPaused}
	}
	close(events)
	err := tracer.Consume(events)
	if err == nil || !strings.Contains(err.Error(), "writing trace failed: disk full") {
		t.Errorf("Consume = %v, want the write error", err)
	}
	if w.writes != 1 {
		t.Errorf("%d writes, want 1: nothing after the first failure", w.writes)
	}
	if len(events) != 0 {
		t.Errorf("%d events left unread, want none", len(events))
	}
}
