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
	inc.node.Stop()
	inc.transport.close()
	inc.server.close()

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
func (c *Cluster) Restart(id int) error {
	c.ops.Lock()
	defer c.ops.Unlock()
	m, err := c.member(id)
	if err != nil {
		return err
	}
	c.mu.Lock()
	up, addr := m.running != nil, m.addr
	c.mu.Unlock()
	if up {
		return fmt.Errorf("restart n%d: %w", id, ErrNodeUp)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("restart n%d: cannot listen on %s again: %w", id, addr, err)
	}
	if err := c.startMember(m, l); err != nil {
		return fmt.Errorf("restart n%d: %w", id, err)
	}
	c.log.Info("node restarted", "node", id, "incarnation", m.incarnation)
	c.hub.publish(Event{Kind: EventRestarted, Node: id, Incarnation: m.incarnation})
	return nil
}

// Cut loses every message from→to from now on: from's requests to to, and
// from's replies to to's requests. Messages to→from are not affected.
func (c *Cluster) Cut(from, to int) error { return c.setLink(from, to, false) }

// Heal delivers messages from→to again.
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

// HealAll heals every link.
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

// setLink changes one directed link and publishes the change, if it is one.
func (c *Cluster) setLink(from, to int, delivered bool) error {
	for _, id := range []int{from, to} {
		if id < 1 || id > c.cfg.Nodes {
			return fmt.Errorf("%w: n%d, nodes are n1 to n%d", ErrNoSuchNode, id, c.cfg.Nodes)
		}
	}
	if from == to {
		return fmt.Errorf("%w: n%d to n%d", ErrSameNode, from, to)
	}
	if !c.links.set(from, to, delivered) {
		return nil
	}
	kind := EventLinkCut
	if delivered {
		kind = EventLinkHealed
	}
	c.log.Info("link changed", "from", from, "to", to, "delivered", delivered)
	c.hub.publish(Event{Kind: kind, Node: from, Peer: to})
	return nil
}

// Snapshot returns a deep copy of every node's state and of the links.
func (c *Cluster) Snapshot() Snapshot {
	s := Snapshot{
		Time: c.clock.Now(), Links: c.links.copy(),
		ElectionTimeoutMin: c.cfg.ElectionTimeoutMin, ElectionTimeoutMax: c.cfg.ElectionTimeoutMax,
		Heartbeat: c.cfg.Heartbeat, Slowdown: c.cfg.Slowdown,
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.members {
		n := NodeSnapshot{ID: m.id, Addr: m.addr, StatePath: m.statePath, Incarnation: m.incarnation,
			Status: m.last, Persisted: m.persisted, Err: m.err}
		if m.running != nil {
			n.Up = true
			n.Status = m.running.node.Status()
			n.Persisted = raft.HardState{Term: n.Status.Term, VotedFor: n.Status.VotedFor}
		}
		if n.Status.ID == 0 {
			n.Status.ID = m.id
		}
		s.Nodes = append(s.Nodes, n)
	}
	return s
}
