package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/cluster"
)

const (
	// tickInterval is how often, in wall time, a fresh snapshot moves the
	// countdown bars.
	tickInterval = 100 * time.Millisecond

	// maxEventBatch bounds how many queued events one message carries, so an
	// election's burst of events costs one update rather than dozens.
	maxEventBatch = 64
)

// tickMsg carries the snapshot taken by the periodic tick.
type tickMsg struct{ snap cluster.Snapshot }

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

func tick(c Cluster) tea.Cmd {
	return tea.Tick(tickInterval, func(time.Time) tea.Msg {
		return tickMsg{snap: c.Snapshot()}
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
