package ui

import "github.com/raftplay/raftplay/raft"

// The operations below capture the node ids when the key is pressed, so a
// selection change before the command runs cannot redirect them.

func (m Model) crashOp() operation {
	c, id := m.cluster, m.selected
	name := raft.NodeName(id)
	return operation{action: "crash " + name, done: "crashed " + name,
		run: func() error { return c.Crash(id) }}
}

func (m Model) restartOp() operation {
	c, id := m.cluster, m.selected
	name := raft.NodeName(id)
	return operation{action: "restart " + name, done: "restarted " + name + " from its state file",
		run: func() error { return c.Restart(id) }}
}

// isolateOp rejoins the selected node if it is fully isolated and isolates it
// otherwise, so a partly cut node is isolated first.
func (m Model) isolateOp() operation {
	c, id := m.cluster, m.selected
	name := raft.NodeName(id)
	if isIsolated(m.snap, id) {
		return operation{action: "rejoin " + name, done: name + " rejoined: all its links healed",
			run: func() error { return c.Rejoin(id) }}
	}
	return operation{action: "isolate " + name, done: name + " isolated: all its links cut",
		run: func() error { return c.Isolate(id) }}
}

func (m Model) healAllOp() operation {
	c := m.cluster
	return operation{action: "heal all links", done: "healed all links",
		run: func() error { c.HealAll(); return nil }}
}

// linkOp toggles the link between a and b: both ways, where it heals unless both
// directions deliver, or from a to b only.
func (m Model) linkOp(mode linkMode, a, b int) operation {
	c := m.cluster
	if mode == linkOneWay {
		name := linkName(a, b, false)
		if delivers(m.snap, a, b) {
			return operation{action: "cut " + name, done: "cut " + name,
				run: func() error { return c.Cut(a, b) }}
		}
		return operation{action: "heal " + name, done: "healed " + name,
			run: func() error { return c.Heal(a, b) }}
	}
	name := linkName(a, b, true)
	if delivers(m.snap, a, b) && delivers(m.snap, b, a) {
		return operation{action: "cut " + name, done: "cut " + name,
			run: func() error { return c.CutBetween(a, b) }}
	}
	return operation{action: "heal " + name, done: "healed " + name,
		run: func() error { return c.HealBetween(a, b) }}
}
