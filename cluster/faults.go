package cluster

import (
	"errors"
	"fmt"
	"io/fs"
	"net"

	"github.com/raftplay/raftplay/raft"
)

// member returns node id, or an error naming the valid range. Called with ops held.
func (c *Cluster) member(id int) (*member, error) {
	if id < 1 || id > len(c.members) {
		return nil, fmt.Errorf("%w: n%d, nodes are n1 to n%d", ErrNoSuchNode, id, len(c.members))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.stopped:
		return nil, ErrStopped
	case !c.started:
		return nil, ErrNotStarted
	}
	return c.members[id-1], nil
}

// Crash stops node id the way a process dies: its timer and goroutines stop, its
// listener, accepted connections and outgoing connections close. Nothing that
// incarnation does afterwards reaches the network or its state file.
func (c *Cluster) Crash(id int) error {
	c.ops.Lock()
	defer c.ops.Unlock()
	m, err := c.member(id)
	if err != nil {
		return err
	}
	if !c.halt(m) {
		return fmt.Errorf("crash n%d: %w", id, ErrNodeDown)
	}
	c.log.Info("node crashed", "node", id)
	c.hub.publish(Event{Kind: EventCrashed, Node: id, Incarnation: m.incarnation})
	return nil
}

// halt stops m's running incarnation, if any, and reports whether there was one.
// The node stops first, so that it writes nothing more; then its calls and
// connections close. Called with ops held.
func (c *Cluster) halt(m *member) bool {
	c.mu.Lock()
	inc := m.running
	c.mu.Unlock()
	if inc == nil {
		return false
	}
	close(inc.stop)
	inc.node.Stop()
	inc.transport.close()
	inc.server.close()
	c.clock.SetFrozen(m.id, false) // a crash ends a freeze

	status := inc.node.Status()
	status.Role, status.Leader, status.Granted, status.Rejected = raft.Follower, raft.None, nil, nil
	persisted, err := raft.ReadStateFile(m.statePath)
	c.mu.Lock()
	defer c.mu.Unlock()
	m.running = nil
	m.last = status
	m.persisted = raft.HardState{Term: persisted.Term, VotedFor: persisted.VotedFor}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		m.err = err.Error()
	}
	return true
}

// Restart starts a new incarnation of node id from its state file, on the same
// address, so that the other nodes reach it again without being restarted. A
// state file that cannot be loaded keeps the node down and is returned as the
// error; the file is left as it is.
func (c *Cluster) Restart(id int) error { return c.RestartWith(id, RestartClean) }

// restart starts m again on its address. Called with ops held.
func (c *Cluster) restart(m *member, mode RestartMode) error {
	c.mu.Lock()
	addr := m.addr
	c.mu.Unlock()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("restart n%d: cannot listen on %s again: %w", m.id, addr, err)
	}
	if err := c.startMember(m, l); err != nil {
		return fmt.Errorf("restart n%d: %w", m.id, err)
	}
	c.log.Info("node restarted", "node", m.id, "incarnation", m.incarnation, "mode", mode.String())
	c.hub.publish(Event{Kind: EventRestarted, Node: m.id, Incarnation: m.incarnation, Mode: mode,
		Loaded: m.saved.get()})
	return nil
}

// Cut loses every message from→to from now on: from's requests to to, and
// from's replies to to's requests. Messages to→from are not affected.
func (c *Cluster) Cut(from, to int) error { return c.setLink(from, to, false) }

// Heal makes from→to healthy again: not cut, with no delay and no loss.
func (c *Cluster) Heal(from, to int) error { return c.setLink(from, to, true) }

// CutBetween cuts the link between a and b in both directions.
func (c *Cluster) CutBetween(a, b int) error {
	if err := c.Cut(a, b); err != nil {
		return err
	}
	return c.Cut(b, a)
}

// HealBetween heals the link between a and b in both directions.
func (c *Cluster) HealBetween(a, b int) error {
	if err := c.Heal(a, b); err != nil {
		return err
	}
	return c.Heal(b, a)
}

// Isolate cuts every link to and from node id.
func (c *Cluster) Isolate(id int) error { return c.setAllLinks(id, false) }

// Rejoin heals every link to and from node id.
func (c *Cluster) Rejoin(id int) error { return c.setAllLinks(id, true) }

// HealAll makes every link healthy.
func (c *Cluster) HealAll() {
	for from := 1; from <= c.cfg.Nodes; from++ {
		for to := 1; to <= c.cfg.Nodes; to++ {
			if from != to {
				c.setLink(from, to, true)
			}
		}
	}
}

func (c *Cluster) setAllLinks(id int, delivered bool) error {
	if _, err := c.member(id); err != nil {
		return err
	}
	for peer := 1; peer <= c.cfg.Nodes; peer++ {
		if peer != id {
			c.setLink(id, peer, delivered)
			c.setLink(peer, id, delivered)
		}
	}
	return nil
}

// setLink cuts one directed link, or heals it: no cut, no delay, no loss.
func (c *Cluster) setLink(from, to int, delivered bool) error {
	return c.updateLink(from, to, func(l *Link) {
		if delivered {
			*l = Link{}
		} else {
			l.Cut = true
		}
	})
}

// updateLink applies change to from→to and publishes the result, if it changed.
func (c *Cluster) updateLink(from, to int, change func(*Link)) error {
	for _, id := range []int{from, to} {
		if id < 1 || id > c.cfg.Nodes {
			return fmt.Errorf("%w: n%d, nodes are n1 to n%d", ErrNoSuchNode, id, c.cfg.Nodes)
		}
	}
	if from == to {
		return fmt.Errorf("%w: n%d to n%d", ErrSameNode, from, to)
	}
	link, changed := c.links.update(from, to, change)
	if !changed {
		return nil
	}
	c.log.Info("link changed", "from", from, "to", to, "cut", link.Cut, "delay", link.Delay, "loss", link.Loss)
	c.hub.publish(Event{Kind: linkEventKind(link), Node: from, Peer: to, Link: link})
	return nil
}
