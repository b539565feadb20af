package cluster

import (
	"fmt"
	"slices"

	"github.com/raftplay/raftplay/raft"
)

// Preset is a named partition, after the partitions of the Jepsen test suite.
type Preset int

// The partition presets.
const (
	PresetIsolateLeader  Preset = iota + 1 // the current leader alone, the rest together
	PresetMajority                         // a minority holding the leader, and the majority
	PresetMinorityThird                    // fewer than a third of the nodes, the leader among them, cut off
	PresetBridge                           // two halves that share one node, the bridge
	PresetMajoritiesRing                   // every node reaches a majority, no two the same one
)

// Presets lists every preset, in the order a menu shows them.
var Presets = []Preset{PresetIsolateLeader, PresetMajority, PresetMinorityThird, PresetBridge, PresetMajoritiesRing}

// String returns the preset's name.
func (p Preset) String() string {
	switch p {
	case PresetIsolateLeader:
		return "isolate-leader"
	case PresetMajority:
		return "majority"
	case PresetMinorityThird:
		return "minority-third"
	case PresetBridge:
		return "bridge"
	case PresetMajoritiesRing:
		return "majorities-ring"
	}
	return fmt.Sprintf("preset(%d)", int(p))
}

// ParsePreset returns the preset with the given name.
func ParsePreset(name string) (Preset, error) {
	for _, p := range Presets {
		if p.String() == name {
			return p, nil
		}
	}
	return 0, fmt.Errorf("unknown partition %q; the partitions are isolate-leader, majority, "+
		"minority-third, bridge and majorities-ring", name)
}

// ApplyPreset cuts the links that make partition p, on the nodes as they are
// now, and returns a description of the sides. Presets that put the leader on a
// side fall back to node 1 when there is no leader, except isolate-leader,
// which needs one.
func (c *Cluster) ApplyPreset(p Preset) (string, error) {
	n := c.cfg.Nodes
	leader, _ := c.Snapshot().Leader()
	if p == PresetIsolateLeader && leader == raft.None {
		return "", fmt.Errorf("isolate-leader: %w", ErrNoLeader)
	}
	if leader == raft.None {
		leader = 1
	}
	order := rotate(n, leader) // the leader first, then the others in ring order
	var desc string
	switch p {
	case PresetIsolateLeader:
		desc = c.split(order[:1], order[1:])
	case PresetMajority:
		desc = c.split(order[:n-raft.Majority(n)], order[n-raft.Majority(n):])
	case PresetMinorityThird:
		third := max((n-1)/3, 1)
		desc = c.split(order[:third], order[third:])
	case PresetBridge:
		desc = c.bridge(order)
	case PresetMajoritiesRing:
		desc = c.majoritiesRing()
	default:
		return "", fmt.Errorf("unknown partition preset %d", int(p))
	}
	desc = p.String() + ": " + desc
	c.log.Info("partition applied", "preset", p.String(), "sides", desc)
	c.hub.publish(Event{Kind: EventPartitioned, Text: desc})
	return desc, nil
}

// split partitions the nodes into two sides and describes them.
func (c *Cluster) split(a, b []int) string {
	c.Partition(a, b)
	return sideName(a) + " | " + sideName(b)
}

// bridge splits the nodes into two halves that share the middle node of order.
func (c *Cluster) bridge(order []int) string {
	n := len(order)
	if n < 3 {
		return c.split(order[:1], order[1:])
	}
	// order[0] is the leader: put it in one half, so the bridge is another node.
	mid := n / 2
	a, b := order[:mid+1], order[mid:]
	c.Partition(a, b)
	return fmt.Sprintf("%s | %s, bridged by n%d", sideName(a), sideName(b), order[mid])
}

// majoritiesRing joins each node to its nearest neighbours on a ring, enough
// of them that it reaches a majority, itself included.
func (c *Cluster) majoritiesRing() string {
	n := c.cfg.Nodes
	reach := raft.Majority(n) / 2 // neighbours on each side
	if 2*reach+1 < raft.Majority(n) {
		reach++
	}
	joined := func(a, b int) bool {
		d := (a - b + n) % n
		return min(d, n-d) <= reach
	}
	c.connect(joined)
	return fmt.Sprintf("on the ring 1..%d, each node reaches the %d nearest on each side", n, reach)
}

// rotate returns 1..n starting at first and going round.
func rotate(n, first int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = (first-1+i)%n + 1
	}
	return out
}

// sideName returns "{n1 n3}" with the ids in ascending order.
func sideName(ids []int) string {
	sorted := slices.Sorted(slices.Values(ids))
	s := "{"
	for i, id := range sorted {
		if i > 0 {
			s += " "
		}
		s += raft.NodeName(id)
	}
	return s + "}"
}
