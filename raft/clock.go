package raft

import "time"

// Clock is the source of time for a node. The cluster hands each node one, so
// that it can run time slower than the wall clock, and tests can drive it by hand.
type Clock interface {
	// Now returns the current time on this clock.
	Now() time.Time

	// AfterFunc calls f in its own goroutine once d has passed on this clock,
	// unless the returned Timer is stopped first.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a one-shot timer created by a Clock. Its methods follow time.Timer's.
type Timer interface {
	// Stop prevents the timer from firing and reports whether it was still armed.
	Stop() bool

	// Reset re-arms the timer to fire after d and reports whether it was armed.
	Reset(d time.Duration) bool
}

// WallClock is the Clock of the operating system: time.Now and time.AfterFunc.
type WallClock struct{}

// Now returns time.Now().
func (WallClock) Now() time.Time { return time.Now() }

// AfterFunc wraps time.AfterFunc.
func (WallClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
