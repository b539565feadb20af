package cluster

import (
	"time"

	"github.com/raftplay/raftplay/raft"
)

// Clock is the cluster's time: the wall clock slowed down by a fixed factor, so
// that a 150ms timeout can take seconds to run out while every node, the
// snapshots and the screen still speak of 150ms. It implements raft.Clock.
type Clock struct {
	start    time.Time // wall time at creation, with its monotonic reading
	epoch    time.Time // cluster time at creation
	slowdown float64   // wall seconds per cluster second; 1 is real time
}

// NewClock returns a clock that runs slowdown times slower than the wall clock.
func NewClock(slowdown float64) *Clock {
	now := time.Now()
	return &Clock{start: now, epoch: now.Round(0), slowdown: slowdown}
}

// Now returns the cluster time.
func (c *Clock) Now() time.Time {
	return c.epoch.Add(time.Duration(float64(time.Since(c.start)) / c.slowdown))
}

// AfterFunc calls f once d of cluster time has passed.
func (c *Clock) AfterFunc(d time.Duration, f func()) raft.Timer {
	return &clockTimer{timer: time.AfterFunc(c.wall(d), f), clock: c}
}

// wall converts a duration of cluster time into wall time.
func (c *Clock) wall(d time.Duration) time.Duration {
	return time.Duration(float64(d) * c.slowdown)
}

// clockTimer is a wall-clock timer armed in cluster time.
type clockTimer struct {
	timer *time.Timer
	clock *Clock
}

func (t *clockTimer) Stop() bool { return t.timer.Stop() }

func (t *clockTimer) Reset(d time.Duration) bool { return t.timer.Reset(t.clock.wall(d)) }
