package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/cluster"
)

const (
	// electionTick is the shortest time, in wall time, between two
	// snapshots while a running node follows no leader, as during an
	// election: ten redraws a second, the rate at which a countdown at real
	// speed still reads as moving.
	electionTick = 100 * time.Millisecond

	// steadyTick is the shortest time between two snapshots while every
	// running node with a countdown follows a leader. Each heartbeat restarts
	// those countdowns, so their bars show only that heartbeats arrive, and
	// five redraws a second show that as well as ten.
	steadyTick = 200 * time.Millisecond

	// idleTick is the time between two snapshots when no countdown runs, as
	// while the cluster is paused. The message rates and the state file read
	// by the inspector still move at that pace.
	idleTick = time.Second

	// maxEventBatch bounds how many queued events one message carries, so an
	// election's burst of events costs one update rather than dozens.
	maxEventBatch = 64
)

// tickMsg carries the snapshot taken by the periodic tick. chain distinguishes
// the current series of ticks from one that an operation replaced.
type tickMsg struct {
	snap  cluster.Snapshot
	chain uint64
	read  *stateRead // the inspected state file, when the tick was asked to read it
}

// eventsMsg carries events read from the cluster's channel. closed is set once
// the cluster stops and closes the channel.
type eventsMsg struct {
	events []cluster.Event
	closed bool
}

// opDoneMsg reports a finished cluster operation, with a snapshot taken right
// after it so the screen shows its effect before the next tick.
type opDoneMsg struct {
	action string // the operation, such as "crash n3", named in a failure message
	done   string // the status line on success, such as "crashed n3"
	err    error
	snap   cluster.Snapshot
}

// operation is a cluster call run off the UI goroutine, because a restart opens
// a listener and reads a file. run returns the status line on success, which
// for a partition preset contains the sides the cluster chose.
type operation struct {
	action string // as in opDoneMsg
	run    func() (string, error)
}

// inspectFile names the state file a tick reads along with its snapshot.
type inspectFile struct {
	node int
	path string
}

// tick takes a snapshot after the given wall time, and reads file too unless
// it is nil. A read that comes with a snapshot costs no update or frame of its
// own.
func tick(c Cluster, after time.Duration, chain uint64, file *inspectFile) tea.Cmd {
	return tea.Tick(after, func(time.Time) tea.Msg {
		msg := tickMsg{snap: c.Snapshot(), chain: chain}
		if file != nil {
			r := readStateFile(file.node, file.path)
			msg.read = &r
		}
		return msg
	})
}

func runOperation(c Cluster, op operation) tea.Cmd {
	return func() tea.Msg {
		done, err := op.run()
		return opDoneMsg{action: op.action, done: done, err: err, snap: c.Snapshot()}
	}
}

// readEvents waits for the next event, then takes whatever else is already
// queued, up to maxEventBatch.
func readEvents(events <-chan cluster.Event) tea.Cmd {
	return func() tea.Msg {
		e, ok := <-events
		if !ok {
			return eventsMsg{closed: true}
		}
		batch := []cluster.Event{e}
		for len(batch) < maxEventBatch {
			select {
			case e, ok := <-events:
				if !ok {
					return eventsMsg{events: batch, closed: true}
				}
				batch = append(batch, e)
			default:
				return eventsMsg{events: batch}
			}
		}
		return eventsMsg{events: batch}
	}
}

// FrameRate is how many times a second, at most, the program should write a
// changed screen to the terminal. The screen changes at most ten times a
// second between keys and events, so Bubble Tea's default of 60 only wakes
// its renderer to find nothing new.
const FrameRate = 20
