package cluster

import "sync"

// hub numbers events and hands them to every subscriber in order. Publishing
// never blocks: each subscriber has an unbounded queue drained by its own
// goroutine, so a node publishing with its mutex held is never held up by a
// slow reader.
type hub struct {
	clock   *Clock
	monitor *monitor // guarded by mu

	mu     sync.Mutex
	seq    uint64                 // guarded by mu
	subs   map[*subscription]bool // guarded by mu
	closed bool                   // guarded by mu
}

type subscription struct {
	out        chan Event
	wake       chan struct{} // buffered 1: there is something in queue
	closed     chan struct{} // closed when the cluster stops: deliver what is queued, then end
	cancelled  chan struct{} // closed by the cancel function: end at once
	closeOnce  sync.Once
	cancelOnce sync.Once

	mu    sync.Mutex
	queue []Event // guarded by mu
}

func newHub(clock *Clock, nodes int) *hub {
	return &hub{clock: clock, monitor: newMonitor(nodes), subs: make(map[*subscription]bool)}
}

// publish numbers e, stamps it with the cluster time, and queues it for every
// subscriber.
func (h *hub) publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.seq++
	e.Seq = h.seq
	// Stamped here, under mu, on the cluster clock: a node's own event time is
	// on its view of the clock, which lags after a freeze.
	e.Time = h.clock.Now()
	for s := range h.subs {
		s.push(e)
	}
	for _, violation := range h.monitor.observe(e) {
		h.pushViolation(e.Node, violation)
	}
}

// reportViolation records a violation found outside the event stream.
func (h *hub) reportViolation(node int, violation string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.monitor.violations = append(h.monitor.violations, violation)
	h.pushViolation(node, violation)
}

// pushViolation publishes a violation as an event. Called with mu held.
func (h *hub) pushViolation(node int, violation string) {
	h.seq++
	broken := Event{Seq: h.seq, Time: h.clock.Now(), Kind: EventSafetyViolation, Node: node, Text: violation}
	for s := range h.subs {
		s.push(broken)
	}
}

// violations returns every safety violation seen so far.
func (h *hub) violations() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.monitor.violations...)
}

// Subscribe returns every event published from now on, in order, and a function
// that ends the subscription. The channel is closed when the subscription ends
// or the cluster stops.
func (c *Cluster) Subscribe() (<-chan Event, func()) {
	s := &subscription{out: make(chan Event), wake: make(chan struct{}, 1), closed: make(chan struct{}),
		cancelled: make(chan struct{})}
	h := c.hub
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		close(s.out)
		return s.out, func() {}
	}
	h.subs[s] = true
	h.mu.Unlock()
	go s.deliver()
	return s.out, func() { h.remove(s) }
}

func (h *hub) remove(s *subscription) {
	h.mu.Lock()
	delete(h.subs, s)
	h.mu.Unlock()
	s.cancelOnce.Do(func() { close(s.cancelled) })
}

// close ends every subscription once it has delivered what is queued.
func (h *hub) close() {
	h.mu.Lock()
	h.closed = true
	subs := h.subs
	h.subs = nil
	h.mu.Unlock()
	for s := range subs {
		s.closeOnce.Do(func() { close(s.closed) })
	}
}

func (s *subscription) push(e Event) {
	s.mu.Lock()
	s.queue = append(s.queue, e)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// deliver moves queued events to the channel until the subscription ends, then
// closes the channel. When the cluster stops it first delivers every event
// still queued; a cancelled subscription drops them.
func (s *subscription) deliver() {
	defer close(s.out)
	for {
		select {
		case <-s.wake:
		case <-s.closed:
			s.flush()
			return
		case <-s.cancelled:
			return
		}
		if !s.flush() {
			return
		}
	}
}

// flush delivers the queued events and reports false if cancelled meanwhile.
func (s *subscription) flush() bool {
	s.mu.Lock()
	batch := s.queue
	s.queue = nil
	s.mu.Unlock()
	for _, e := range batch {
		select {
		case s.out <- e:
		case <-s.cancelled:
			return false
		}
	}
	return true
}
