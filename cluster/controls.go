package cluster

import (
	"fmt"
	"slices"
	"time"

	"github.com/raftplay/raftplay/raft"
)

// Limits of the slow-motion factor: real time, down to a thousandth of it.
const (
	MinSlowdown = 1
	MaxSlowdown = 1000
)

// SetPaused pauses or resumes the whole cluster. While paused no timer runs and
// no message is delivered: messages sent meanwhile wait in the transport and
// are delivered when the cluster resumes.
func (c *Cluster) SetPaused(paused bool) {
	c.pausing.Lock()
	defer c.pausing.Unlock()
	if c.clock.Paused() == paused {
		return
	}
	c.clock.SetPaused(paused)
	kind := EventResumed
	if paused {
		kind = EventPaused
	}
	c.log.Info("cluster paused", "paused", paused)
	c.hub.publish(Event{Kind: kind})
}

// SetSlowdown changes the slow-motion factor live: wall seconds per second of
// cluster time, from MinSlowdown to MaxSlowdown.
func (c *Cluster) SetSlowdown(slowdown float64) error {
	if !(slowdown >= MinSlowdown && slowdown <= MaxSlowdown) {
		return fmt.Errorf("%w: slowdown %v, use %d (real time) to %d",
			ErrInvalidConfig, slowdown, MinSlowdown, MaxSlowdown)
	}
	c.clock.SetSlowdown(slowdown)
	c.log.Info("slowdown changed", "slowdown", slowdown)
	c.hub.publish(Event{Kind: EventSpeedChanged, Slowdown: slowdown})
	return nil
}

// SetFrozen freezes or thaws node id, as if its process stalled: its timers stop
// and messages to it wait, and when thawed it goes on from exactly the state it
// had. A frozen leader still believes it leads until a higher term reaches it.
func (c *Cluster) SetFrozen(id int, frozen bool) error {
	c.ops.Lock()
	defer c.ops.Unlock()
	m, err := c.member(id)
	if err != nil {
		return err
	}
	if !c.isUp(m) {
		return fmt.Errorf("freeze n%d: %w", id, ErrNodeDown)
	}
	if c.clock.Frozen(id) == frozen {
		return nil
	}
	c.clock.SetFrozen(id, frozen)
	kind := EventThawed
	if frozen {
		kind = EventFrozen
	}
	c.log.Info("node frozen", "node", id, "frozen", frozen)
	c.hub.publish(Event{Kind: kind, Node: id, Incarnation: m.incarnation})
	return nil
}

// Campaign makes node id's election timer run out now.
func (c *Cluster) Campaign(id int) error {
	node, err := c.runningNode(id)
	if err != nil {
		return err
	}
	if !node.Campaign() {
		return fmt.Errorf("campaign n%d: %w", id, ErrLeads)
	}
	return nil
}

// SplitVote makes nodes a and b time out together now, so that both campaign
// in the same moment and the other nodes' votes may split between them.
func (c *Cluster) SplitVote(a, b int) error {
	if a == b {
		return fmt.Errorf("%w: n%d and n%d", ErrSameNode, a, b)
	}
	nodes := make([]*raft.Node, 0, 2)
	for _, id := range []int{a, b} {
		node, err := c.runningNode(id)
		if err != nil {
			return err
		}
		// A frozen node's timer does not run, so it cannot time out with the
		// other one. A leader is let through, because a scenario written for
		// one leader may replay under another. The leader does not campaign,
		// and the other node's election goes on alone.
		if c.clock.Frozen(id) {
			return fmt.Errorf("split vote n%d and n%d: n%d: %w; thaw it first", a, b, id, ErrFrozen)
		}
		nodes = append(nodes, node)
	}
	c.hub.publish(Event{Kind: EventTimersRigged, Node: a, Peer: b})
	// A candidate's vote requests leave at once, so b would hear a's request
	// and follow a before its own election starts. Holding every message for
	// the instant both take to start puts them in the same term.
	c.pausing.Lock()
	defer c.pausing.Unlock()
	if !c.clock.Paused() {
		c.clock.SetPaused(true)
		defer c.clock.SetPaused(false)
	}
	for _, node := range nodes {
		node.Campaign()
	}
	return nil
}

// SpreadTimers sets every running follower's election timer to a different
// point of the timeout range, evenly apart, to show how spread-out timeouts let
// one node win before the others wake.
func (c *Cluster) SpreadTimers() {
	var followers []*raft.Node
	c.mu.Lock()
	for _, m := range c.members {
		if m.running != nil && m.running.node.Status().Role != raft.Leader {
			followers = append(followers, m.running.node)
		}
	}
	c.mu.Unlock()
	span := c.cfg.ElectionTimeoutMax - c.cfg.ElectionTimeoutMin
	for i, node := range followers {
		step := span * time.Duration(i) / time.Duration(max(len(followers), 1))
		node.SetElectionTimeout(c.cfg.ElectionTimeoutMin + step)
	}
	c.hub.publish(Event{Kind: EventTimersRigged})
}

// runningNode returns node id's running raft node.
func (c *Cluster) runningNode(id int) (*raft.Node, error) {
	m, err := c.member(id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if m.running == nil {
		return nil, fmt.Errorf("n%d: %w", id, ErrNodeDown)
	}
	return m.running.node, nil
}

func (c *Cluster) isUp(m *member) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return m.running != nil
}

// SetDelay makes every message from→to spend d of cluster time on the link.
func (c *Cluster) SetDelay(from, to int, d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("%w: delay %v, must not be negative", ErrInvalidConfig, d)
	}
	return c.updateLink(from, to, func(l *Link) { l.Delay = d })
}

// SetLoss makes each message from→to lost with probability p, from 0 to 1.
func (c *Cluster) SetLoss(from, to int, p float64) error {
	if !(p >= 0 && p <= 1) {
		return fmt.Errorf("%w: loss %v, use a probability from 0 to 1", ErrInvalidConfig, p)
	}
	return c.updateLink(from, to, func(l *Link) { l.Loss = p })
}

// Partition cuts every link between two nodes that share no group, and heals
// every link between two that do. A node in no group is isolated. Groups may
// overlap: a node in two groups is a bridge between them.
func (c *Cluster) Partition(groups ...[]int) error {
	for _, g := range groups {
		for _, id := range g {
			if id < 1 || id > c.cfg.Nodes {
				return fmt.Errorf("%w: n%d, nodes are n1 to n%d", ErrNoSuchNode, id, c.cfg.Nodes)
			}
		}
	}
	together := func(a, b int) bool {
		return slices.ContainsFunc(groups, func(g []int) bool {
			return slices.Contains(g, a) && slices.Contains(g, b)
		})
	}
	c.connect(together)
	return nil
}

// connect sets every link's cut so that a and b are joined exactly when
// joined(a, b) holds. Delays and losses stay as they are.
func (c *Cluster) connect(joined func(a, b int) bool) {
	for from := 1; from <= c.cfg.Nodes; from++ {
		for to := 1; to <= c.cfg.Nodes; to++ {
			if from != to {
				cut := !joined(from, to)
				c.updateLink(from, to, func(l *Link) { l.Cut = cut })
			}
		}
	}
}

// SetPreVote switches PreVote on or off for every node, now and after restarts.
func (c *Cluster) SetPreVote(on bool) {
	c.preVote.Store(on)
	c.eachRunning(func(n *raft.Node) { n.SetPreVote(on) })
	c.log.Info("prevote changed", "on", on)
	c.hub.publish(Event{Kind: EventOptionChanged, Text: "prevote " + onOff(on)})
}

// SetCheckQuorum switches CheckQuorum on or off for every node, now and after
// restarts.
func (c *Cluster) SetCheckQuorum(on bool) {
	c.checkQuorum.Store(on)
	c.eachRunning(func(n *raft.Node) { n.SetCheckQuorum(on) })
	c.log.Info("checkquorum changed", "on", on)
	c.hub.publish(Event{Kind: EventOptionChanged, Text: "checkquorum " + onOff(on)})
}

// TransferLeadership asks the current leader to hand over to node target: the
// leader tells target to campaign at once, and target's election bypasses
// PreVote and the stickiness of CheckQuorum, as a transfer must.
func (c *Cluster) TransferLeadership(target int) error {
	if _, err := c.runningNode(target); err != nil {
		return err
	}
	leader, _ := c.Snapshot().Leader()
	if leader == raft.None {
		return fmt.Errorf("transfer to n%d: %w", target, ErrNoLeader)
	}
	if leader == target {
		return fmt.Errorf("transfer to n%d: %w", target, ErrLeads)
	}
	node, err := c.runningNode(leader)
	if err != nil {
		return err
	}
	if !node.TransferLeadership(target) {
		return fmt.Errorf("transfer to n%d: n%d no longer leads: %w", target, leader, ErrNoLeader)
	}
	c.hub.publish(Event{Kind: EventTransferRequested, Node: leader, Peer: target})
	return nil
}

// eachRunning calls f on every running node.
func (c *Cluster) eachRunning(f func(*raft.Node)) {
	c.mu.Lock()
	var nodes []*raft.Node
	for _, m := range c.members {
		if m.running != nil {
			nodes = append(nodes, m.running.node)
		}
	}
	c.mu.Unlock()
	for _, n := range nodes {
		f(n)
	}
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
