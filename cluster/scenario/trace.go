package scenario

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// TraceEntry is one line of a trace file: one cluster event, as JSON.
type TraceEntry struct {
	Time        time.Time `json:"time"` // the event's time; a node's own events carry its clock's time
	Seq         uint64    `json:"seq"`
	Kind        string    `json:"kind"` // see EventKindName
	Node        int       `json:"node,omitempty"`
	Incarnation int       `json:"incarnation,omitempty"`
	Term        *uint64   `json:"term,omitempty"` // for a node's own events and restarts
	Peer        int       `json:"peer,omitempty"`
	Role        string    `json:"role,omitempty"` // the node's role after its own event
	PreVote     bool      `json:"prevote,omitempty"`

	// Reason is the reason of a vote, the error of a failure, the restart mode,
	// the new link state or slow-motion factor, or the text of a violation,
	// partition or option change.
	Reason string `json:"reason,omitempty"`

	Text string `json:"text"` // the event in plain words, as cluster.Event.String returns it
}

// Tracer writes cluster events to a writer as JSON lines, one TraceEntry a
// line. It is safe for concurrent use.
type Tracer struct {
	mu    sync.Mutex
	enc   *json.Encoder // guarded by mu
	err   error         // the first write error; guarded by mu
	count int           // entries written; guarded by mu
}

// NewTracer returns a tracer that writes to w.
func NewTracer(w io.Writer) *Tracer {
	return &Tracer{enc: json.NewEncoder(w)}
}

// Trace writes one event. After a write fails, it writes nothing more and
// returns that first error.
func (t *Tracer) Trace(e cluster.Event) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return t.err
	}
	if err := t.enc.Encode(NewTraceEntry(e)); err != nil {
		t.err = fmt.Errorf("writing trace failed: %w", err)
		return t.err
	}
	t.count++
	return nil
}

// Consume traces every event from events until the channel is closed, as it
// is when the subscription is cancelled or the cluster stops. It keeps reading
// after a write error, so that the subscription does not back up, and returns
// the first error.
func (t *Tracer) Consume(events <-chan cluster.Event) error {
	for e := range events {
		t.Trace(e)
	}
	return t.Err()
}

// Err returns the first write error, or nil.
func (t *Tracer) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// Count returns how many entries were written.
func (t *Tracer) Count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.count
}

// NewTraceEntry converts an event into its trace line.
func NewTraceEntry(e cluster.Event) TraceEntry {
	entry := TraceEntry{Time: e.Time, Seq: e.Seq, Kind: EventKindName(e), Node: e.Node,
		Incarnation: e.Incarnation, Peer: e.Peer, Reason: eventReason(e), Text: e.String()}
	switch e.Kind {
	case cluster.EventRaft:
		term := e.Raft.Term
		entry.Term, entry.Role, entry.PreVote = &term, e.Raft.Role.String(), e.Raft.PreVote
		if entry.Peer == 0 {
			entry.Peer = e.Raft.Peer
		}
	case cluster.EventRestarted:
		term := e.Loaded.Term
		entry.Term = &term
	}
	return entry
}

// eventReason returns the detail of e that its kind carries, or "".
func eventReason(e cluster.Event) string {
	switch e.Kind {
	case cluster.EventRaft:
		return raftReason(e.Raft)
	case cluster.EventStartFailed:
		return e.Err
	case cluster.EventRestarted:
		return e.Mode.String()
	case cluster.EventLinkCut, cluster.EventLinkHealed, cluster.EventLinkChanged:
		return e.Link.String()
	case cluster.EventSpeedChanged:
		return fmt.Sprintf("slowdown %g", e.Slowdown)
	}
	return e.Text
}

func raftReason(e raft.Event) string {
	switch e.Kind {
	case raft.EventVoteGranted, raft.EventVoteRejected, raft.EventVoteReceived:
		if e.Reason != raft.ReasonNone {
			return e.Reason.String()
		}
	case raft.EventPersistFailed:
		return e.Err
	}
	return ""
}

// EventKindName returns the name of e's kind in a trace: the node event's
// kind for a node's own event, such as election-won, and the cluster event's
// kind otherwise, such as crashed.
func EventKindName(e cluster.Event) string {
	if e.Kind == cluster.EventRaft {
		return e.Raft.Kind.String()
	}
	return e.Kind.String()
}
