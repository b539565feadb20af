package cluster

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// Link is the state of one directed link between two nodes.
type Link struct {
	Cut   bool          // every message is lost
	Delay time.Duration // cluster time each message spends on the link
	Loss  float64       // probability, from 0 to 1, that a message is lost
}

// Healthy reports whether the link delivers every message at once.
func (l Link) Healthy() bool { return l == Link{} }

// String describes the link: "cut", "healthy", or its delay and loss.
func (l Link) String() string {
	switch {
	case l.Cut:
		return "cut"
	case l.Healthy():
		return "healthy"
	case l.Delay > 0 && l.Loss > 0:
		return fmt.Sprintf("delayed %v, losing %.0f%%", l.Delay, l.Loss*100)
	case l.Delay > 0:
		return fmt.Sprintf("delayed %v", l.Delay)
	}
	return fmt.Sprintf("losing %.0f%%", l.Loss*100)
}

// links is the directed link matrix: the one record of which messages the
// network delivers. Senders consult it before a message leaves, receivers when
// it arrives, and the screen draws a copy of it.
type links struct {
	mu  sync.Mutex
	m   [][]Link   // m[from-1][to-1]; guarded by mu
	rng *rand.Rand // draws losses; guarded by mu
}

func newLinks(n int, seed uint64) *links {
	m := make([][]Link, n)
	for i := range m {
		m[i] = make([]Link, n)
	}
	return &links{m: m, rng: rand.New(rand.NewPCG(seed, 0x6c696e6b))}
}

// delivers reports whether from→to is not cut.
func (l *links) delivers(from, to int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.m[from-1][to-1].Cut
}

// fate decides what happens to one message from→to: whether it is delivered,
// and after how much delay.
func (l *links) fate(from, to int) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	link := l.m[from-1][to-1]
	if link.Cut || (link.Loss > 0 && l.rng.Float64() < link.Loss) {
		return false, 0
	}
	return true, link.Delay
}

// update applies change to from→to and reports whether the link changed.
func (l *links) update(from, to int, change func(*Link)) (Link, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	link := &l.m[from-1][to-1]
	before := *link
	change(link)
	return *link, *link != before
}

// copy returns a deep copy of the matrix.
func (l *links) copy() [][]Link {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([][]Link, len(l.m))
	for i, row := range l.m {
		out[i] = append([]Link(nil), row...)
	}
	return out
}
