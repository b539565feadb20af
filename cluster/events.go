package cluster

import (
	"fmt"
	"time"

	"github.com/raftplay/raftplay/raft"
)

// EventKind distinguishes a node's own event from a fault or control the cluster applied.
type EventKind int

// The kinds of cluster Event.
const (
	EventRaft              EventKind = iota + 1 // a node's event, in Raft
	EventCrashed                                // Node was crashed
	EventRestarted                              // Node was restarted from its state file
	EventStartFailed                            // Node could not start; Err contains the reason
	EventLinkCut                                // messages Node→Peer are now lost; Link is the new state
	EventLinkHealed                             // messages Node→Peer are delivered at once again
	EventLinkChanged                            // Node→Peer now has the delay or loss in Link
	EventPaused                                 // the whole cluster's time stopped
	EventResumed                                // the whole cluster's time runs again
	EventSpeedChanged                           // the slow-motion factor is now Slowdown
	EventFrozen                                 // Node's time and message handling stopped
	EventThawed                                 // Node runs again
	EventTimersRigged                           // election timers set by hand: Node and Peer together, or all spread
	EventPartitioned                            // a partition preset was applied; Text names it
	EventSafetyViolation                        // a safety rule broke; Text describes the violation
	EventOptionChanged                          // PreVote or CheckQuorum switched; Text names the option
	EventTransferRequested                      // leader Node was asked to hand over to Peer
)

// eventKindNames names each kind in traces and logs.
var eventKindNames = map[EventKind]string{
	EventRaft:              "raft",
	EventCrashed:           "crashed",
	EventRestarted:         "restarted",
	EventStartFailed:       "start-failed",
	EventLinkCut:           "link-cut",
	EventLinkHealed:        "link-healed",
	EventLinkChanged:       "link-changed",
	EventPaused:            "paused",
	EventResumed:           "resumed",
	EventSpeedChanged:      "speed-changed",
	EventFrozen:            "frozen",
	EventThawed:            "thawed",
	EventTimersRigged:      "timers-rigged",
	EventPartitioned:       "partitioned",
	EventSafetyViolation:   "safety-violation",
	EventOptionChanged:     "option-changed",
	EventTransferRequested: "transfer-requested",
}

// String returns the kind's name, such as "crashed".
func (k EventKind) String() string {
	if name, ok := eventKindNames[k]; ok {
		return name
	}
	return fmt.Sprintf("event-%d", int(k))
}

// Event is one entry in the cluster's event stream.
type Event struct {
	Seq         uint64    // 1 for the first event, one more for each
	Time        time.Time // on the cluster clock, when the cluster published it
	Kind        EventKind
	Node        int
	Incarnation int            // of Node, when it applies
	Peer        int            // the other end of a link
	Raft        raft.Event     // for EventRaft
	Link        Link           // for the link events
	Slowdown    float64        // for EventSpeedChanged
	Mode        RestartMode    // for EventRestarted
	Loaded      raft.HardState // for EventRestarted: the term and vote the node loaded
	Text        string         // for EventPartitioned, EventSafetyViolation and EventOptionChanged
	Err         string         // for EventStartFailed
}

// String describes the event in plain words.
func (e Event) String() string {
	switch e.Kind {
	case EventRaft:
		return e.Raft.String()
	case EventCrashed:
		return fmt.Sprintf("n%d crashed", e.Node)
	case EventRestarted:
		return fmt.Sprintf("n%d restarted %s (incarnation %d)", e.Node, e.Mode.describe(), e.Incarnation)
	case EventStartFailed:
		return fmt.Sprintf("n%d failed to start: %s", e.Node, e.Err)
	case EventLinkCut:
		return fmt.Sprintf("link n%d→n%d cut", e.Node, e.Peer)
	case EventLinkHealed:
		return fmt.Sprintf("link n%d→n%d healed", e.Node, e.Peer)
	case EventPaused:
		return "cluster paused"
	case EventResumed:
		return "cluster resumed"
	case EventSpeedChanged:
		return fmt.Sprintf("time now runs at ×1/%g", e.Slowdown)
	case EventFrozen:
		return fmt.Sprintf("n%d frozen", e.Node)
	case EventThawed:
		return fmt.Sprintf("n%d thawed", e.Node)
	case EventTimersRigged:
		if e.Node != 0 {
			return fmt.Sprintf("n%d and n%d set to time out together", e.Node, e.Peer)
		}
		return "followers' timers spread apart"
	case EventPartitioned:
		return "partition: " + e.Text
	case EventSafetyViolation:
		return "SAFETY VIOLATED: " + e.Text
	case EventOptionChanged:
		return e.Text
	case EventTransferRequested:
		return fmt.Sprintf("n%d asked to hand leadership over to n%d", e.Node, e.Peer)
	case EventLinkChanged:
		return fmt.Sprintf("link n%d→n%d now %s", e.Node, e.Peer, e.Link)
	}
	return fmt.Sprintf("event %d", int(e.Kind))
}

// linkEventKind returns the kind of event that reports a link's new state.
func linkEventKind(l Link) EventKind {
	switch {
	case l.Cut:
		return EventLinkCut
	case l.Healthy():
		return EventLinkHealed
	}
	return EventLinkChanged
}
