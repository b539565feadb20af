package cluster

import (
	"fmt"
	"time"

	"github.com/raftplay/raftplay/raft"
)

// EventKind tells a node's own event from a fault the cluster applied.
type EventKind int

// The kinds of cluster Event.
const (
	EventRaft        EventKind = iota + 1 // a node's event, in Raft
	EventCrashed                          // Node was crashed
	EventRestarted                        // Node was restarted from its state file
	EventStartFailed                      // Node could not start; Err says why
	EventLinkCut                          // messages Node→Peer are now lost
	EventLinkHealed                       // messages Node→Peer are delivered again
)

// Event is one entry in the cluster's event stream.
type Event struct {
	Seq         uint64    // 1 for the first event, one more for each
	Time        time.Time // on the cluster clock
	Kind        EventKind
	Node        int
	Incarnation int        // of Node, when it applies
	Peer        int        // the other end of a link
	Raft        raft.Event // for EventRaft
	Err         string     // for EventStartFailed
}

// String describes the event in plain words.
func (e Event) String() string {
	switch e.Kind {
	case EventRaft:
		return e.Raft.String()
	case EventCrashed:
		return fmt.Sprintf("n%d crashed", e.Node)
	case EventRestarted:
		return fmt.Sprintf("n%d restarted from its state file (incarnation %d)", e.Node, e.Incarnation)
	case EventStartFailed:
		return fmt.Sprintf("n%d failed to start: %s", e.Node, e.Err)
	case EventLinkCut:
		return fmt.Sprintf("link n%d→n%d cut", e.Node, e.Peer)
	case EventLinkHealed:
		return fmt.Sprintf("link n%d→n%d healed", e.Node, e.Peer)
	}
	return fmt.Sprintf("event %d", int(e.Kind))
}
