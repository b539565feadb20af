package cluster

import "sync"

// links is the directed link matrix: the one record of which messages the
// network delivers. Senders consult it before a message leaves, receivers when
// it arrives, and the screen draws a copy of it.
type links struct {
	mu sync.RWMutex
	up [][]bool // up[from-1][to-1]; guarded by mu
}

func newLinks(n int) *links {
	up := make([][]bool, n)
	for i := range up {
		up[i] = make([]bool, n)
		for j := range up[i] {
			up[i][j] = true
		}
	}
	return &links{up: up}
}

// delivers reports whether a message from→to is delivered now.
func (l *links) delivers(from, to int) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.up[from-1][to-1]
}

// set makes from→to delivered or lost and reports whether that changed it.
func (l *links) set(from, to int, delivered bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	changed := l.up[from-1][to-1] != delivered
	l.up[from-1][to-1] = delivered
	return changed
}

// copy returns a deep copy of the matrix.
func (l *links) copy() [][]bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([][]bool, len(l.up))
	for i, row := range l.up {
		out[i] = append([]bool(nil), row...)
	}
	return out
}
