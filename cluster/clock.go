package cluster

import (
	"sync"
	"time"

	"github.com/raftplay/raftplay/raft"
)

// Clock is the cluster's time: the wall clock slowed down by a factor that can
// change at any moment, and stopped while the cluster is paused. Each node sees
// it through a view (Clock.Node) that also stops while that node is frozen, so
// a thawed node goes on with exactly the time it had left on its timers.
//
// Every timer of every node is armed through the Clock, which keeps them all so
// that it can re-arm them when the speed changes, and hold them while paused or
// frozen. Deadlines are in the time of the view that armed them.
type Clock struct {
	mu sync.Mutex
	// The fields below are guarded by mu. Cluster time is baseCluster plus the
	// wall time since baseWall divided by slowdown, while not paused.
	baseWall    time.Time
	baseCluster time.Time
	slowdown    float64
	paused      bool
	views       map[int]*viewState // by node id; 0 is the cluster's own view
	timers      map[*clockTimer]struct{}
	changed     chan struct{} // closed and replaced when a pause or freeze ends
}

// viewState is how far one node's time lags the cluster's, because of freezes.
type viewState struct {
	frozen   bool
	frozenAt time.Time     // cluster time when the current freeze began
	lag      time.Duration // total cluster time spent frozen before it
}

// NewClock returns a clock that runs slowdown times slower than the wall clock.
func NewClock(slowdown float64) *Clock {
	now := time.Now()
	return &Clock{
		baseWall: now, baseCluster: now.Round(0), slowdown: slowdown,
		views: map[int]*viewState{0: {}}, timers: make(map[*clockTimer]struct{}),
		changed: make(chan struct{}),
	}
}

// Now returns the cluster time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.clusterNow()
}

// AfterFunc calls f once d of cluster time has passed, counting no time while
// the cluster is paused.
func (c *Clock) AfterFunc(d time.Duration, f func()) raft.Timer {
	return c.Node(0).AfterFunc(d, f)
}

// Node returns node id's view of the clock: cluster time, less the time the node
// has spent frozen.
func (c *Clock) Node(id int) raft.Clock {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.views[id] == nil {
		c.views[id] = &viewState{}
	}
	return &nodeClock{clock: c, id: id}
}

// Slowdown returns the current factor: wall seconds per second of cluster time.
func (c *Clock) Slowdown() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.slowdown
}

// SetSlowdown changes the factor from now on. Armed timers keep their deadlines
// in cluster time, so they run out later or sooner in wall time.
func (c *Clock) SetSlowdown(slowdown float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rebase()
	c.slowdown = slowdown
	c.rescheduleAll()
}

// Paused reports whether the clock is paused.
func (c *Clock) Paused() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.paused
}

// SetPaused stops or restarts the clock. While paused, Now does not move and no
// timer fires.
func (c *Clock) SetPaused(paused bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused == paused {
		return
	}
	c.rebase()
	c.paused = paused
	c.rescheduleAll()
	c.notify()
}

// Frozen reports whether node id's view is frozen.
func (c *Clock) Frozen(id int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := c.views[id]
	return v != nil && v.frozen
}

// SetFrozen stops or restarts node id's view. A frozen view's time does not
// move and its timers do not fire. On thaw they go on with the time they had left.
func (c *Clock) SetFrozen(id int, frozen bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := c.views[id]
	if v == nil {
		v = &viewState{}
		c.views[id] = v
	}
	if v.frozen == frozen {
		return
	}
	now := c.clusterNow()
	if frozen {
		v.frozenAt = now
	} else {
		v.lag += now.Sub(v.frozenAt)
	}
	v.frozen = frozen
	c.rescheduleAll()
	c.notify()
}

// WaitRunning blocks while the cluster is paused or node id is frozen. It
// returns false if stop closes first. Messages to and from a node pass through
// here, so that they wait, rather than arrive, while time is stopped.
func (c *Clock) WaitRunning(id int, stop <-chan struct{}) bool {
	for {
		c.mu.Lock()
		v := c.views[id]
		if !c.paused && (v == nil || !v.frozen) {
			c.mu.Unlock()
			return true
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-stop:
			return false
		}
	}
}

// notify wakes every WaitRunning. Called with mu held.
func (c *Clock) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// clusterNow returns the cluster time. Called with mu held.
func (c *Clock) clusterNow() time.Time {
	if c.paused {
		return c.baseCluster
	}
	return c.baseCluster.Add(time.Duration(float64(time.Since(c.baseWall)) / c.slowdown))
}

// viewNow returns node id's time. Called with mu held.
func (c *Clock) viewNow(id int) time.Time {
	v := c.views[id]
	if v.frozen {
		return v.frozenAt.Add(-v.lag)
	}
	return c.clusterNow().Add(-v.lag)
}

// running reports whether node id's time moves. Called with mu held.
func (c *Clock) running(id int) bool {
	return !c.paused && !c.views[id].frozen
}

// rebase makes the current moment the base of the time formula, before a
// change of speed or pause. Called with mu held.
func (c *Clock) rebase() {
	c.baseCluster = c.clusterNow()
	c.baseWall = time.Now()
}

// rescheduleAll re-arms every armed timer's wall-clock timer. Called with mu held.
func (c *Clock) rescheduleAll() {
	for t := range c.timers {
		c.schedule(t)
	}
}

// schedule arms t's wall-clock timer for the wall time left until its deadline,
// or stops it while its view is stopped. Each clockTimer keeps one wall timer
// for its whole life and re-arms it, because a follower's election timer is
// reset at every heartbeat. Called with mu held.
func (c *Clock) schedule(t *clockTimer) {
	if !c.running(t.view) {
		if t.wall != nil {
			t.wall.Stop()
		}
		return
	}
	left := t.deadline.Sub(c.viewNow(t.view))
	wall := time.Duration(float64(max(left, 0)) * c.slowdown)
	if t.wall == nil {
		t.wall = time.AfterFunc(wall, func() { c.fire(t) })
		return
	}
	t.wall.Reset(wall)
}

// fire runs t's function if t is armed and its deadline has come. A wall
// timer can run out just as t is re-armed, paused or stopped. In that case
// fire re-arms it for the deadline now in force, or does nothing.
func (c *Clock) fire(t *clockTimer) {
	c.mu.Lock()
	if _, armed := c.timers[t]; !armed {
		c.mu.Unlock()
		return
	}
	if !c.running(t.view) || c.viewNow(t.view).Before(t.deadline) {
		c.schedule(t)
		c.mu.Unlock()
		return
	}
	delete(c.timers, t)
	c.mu.Unlock()
	t.f()
}

// nodeClock is one node's view of a Clock. It implements raft.Clock.
type nodeClock struct {
	clock *Clock
	id    int
}

func (n *nodeClock) Now() time.Time {
	n.clock.mu.Lock()
	defer n.clock.mu.Unlock()
	return n.clock.viewNow(n.id)
}

func (n *nodeClock) AfterFunc(d time.Duration, f func()) raft.Timer {
	t := &clockTimer{clock: n.clock, view: n.id, f: f}
	t.Reset(d)
	return t
}

// clockTimer is a timer armed on a Clock view. It implements raft.Timer.
type clockTimer struct {
	clock *Clock
	view  int
	f     func()
	// The fields below are guarded by clock.mu.
	deadline time.Time   // in the view's time
	wall     *time.Timer // created at the first schedule and re-armed after
}

func (t *clockTimer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	_, armed := c.timers[t]
	delete(c.timers, t)
	if t.wall != nil {
		t.wall.Stop()
	}
	return armed
}

func (t *clockTimer) Reset(d time.Duration) bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	_, armed := c.timers[t]
	c.timers[t] = struct{}{}
	t.deadline = c.viewNow(t.view).Add(d)
	c.schedule(t)
	return armed
}
