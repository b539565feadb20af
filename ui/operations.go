package ui

import (
	"fmt"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// The operations below capture the node ids and values when the key is
// pressed, so a selection change before the command runs cannot redirect them.

func (m Model) crashOp() operation {
	c, id := m.cluster, m.selected
	name := raft.NodeName(id)
	return operation{action: "crash " + name,
		run: func() (string, error) { return "crashed " + name, c.Crash(id) }}
}

func (m Model) restartOp(id int, mode cluster.RestartMode) operation {
	c := m.cluster
	name := raft.NodeName(id)
	done := "restarted " + name + " from its state file"
	if mode != cluster.RestartClean {
		done = fmt.Sprintf("restarted %s (%s): %s", name, mode, restartModeAbout(mode))
	}
	return operation{action: fmt.Sprintf("restart %s (%s)", name, mode),
		run: func() (string, error) { return done, c.RestartWith(id, mode) }}
}

// freezeOp thaws the selected node if it is frozen and freezes it otherwise.
func (m Model) freezeOp() operation {
	c, id := m.cluster, m.selected
	name := raft.NodeName(id)
	if n, _ := m.selectedNode(); n.Frozen {
		return operation{action: "thaw " + name, run: func() (string, error) {
			return name + " thawed: it goes on from where it stopped", c.SetFrozen(id, false)
		}}
	}
	return operation{action: "freeze " + name, run: func() (string, error) {
		return name + " frozen: its timers and message handling stopped", c.SetFrozen(id, true)
	}}
}

func (m Model) campaignOp() operation {
	c, id := m.cluster, m.selected
	name := raft.NodeName(id)
	return operation{action: "campaign " + name, run: func() (string, error) {
		return name + "'s election timer ran out: it campaigns now", c.Campaign(id)
	}}
}

func (m Model) splitVoteOp(a, b int) operation {
	c := m.cluster
	names := raft.NodeName(a) + " and " + raft.NodeName(b)
	// A leader does not campaign, so with it only the other node would.
	leader, _ := m.snap.Leader()
	if leader == a || leader == b {
		return operation{action: "split vote " + names, run: func() (string, error) {
			return "", fmt.Errorf("%s leads and would not campaign; choose two followers", raft.NodeName(leader))
		}}
	}
	return operation{action: "split vote " + names, run: func() (string, error) {
		return names + " timed out together", c.SplitVote(a, b)
	}}
}

func (m Model) spreadOp() operation {
	c := m.cluster
	done := fmt.Sprintf("election timers spread evenly across %s–%s",
		formatDuration(m.snap.ElectionTimeoutMin), formatDuration(m.snap.ElectionTimeoutMax))
	return operation{action: "spread timers",
		run: func() (string, error) { c.SpreadTimers(); return done, nil }}
}

// pauseOp resumes the cluster if it is paused and pauses it otherwise.
func (m Model) pauseOp() operation {
	c := m.cluster
	if m.snap.Paused {
		return operation{action: "resume", run: func() (string, error) {
			c.SetPaused(false)
			return "resumed", nil
		}}
	}
	return operation{action: "pause", run: func() (string, error) {
		c.SetPaused(true)
		return "paused: no timer runs and no message moves; space resumes", nil
	}}
}

func (m Model) slowdownOp(slowdown float64) operation {
	c := m.cluster
	done := "time now runs at real speed"
	if slowdown != 1 {
		done = fmt.Sprintf("time now runs at ×1/%g: a cluster second takes %g wall seconds",
			slowdown, slowdown)
	}
	return operation{action: fmt.Sprintf("set slowdown %g", slowdown),
		run: func() (string, error) { return done, c.SetSlowdown(slowdown) }}
}

// delayOp sets the delay from→to to the step after the current one.
func (m Model) delayOp(from, to int) operation {
	c := m.cluster
	delay := nextStep(delaySteps, linkState(m.snap, from, to).Delay)
	name := linkName(from, to, false)
	done := name + " now delayed " + formatDuration(delay)
	if delay == 0 {
		done = name + " no longer delayed"
	}
	return operation{action: "set the delay of " + name,
		run: func() (string, error) { return done, c.SetDelay(from, to, delay) }}
}

// lossOp sets the loss from→to to the step after the current one.
func (m Model) lossOp(from, to int) operation {
	c := m.cluster
	loss := nextStep(lossSteps, linkState(m.snap, from, to).Loss)
	name := linkName(from, to, false)
	done := fmt.Sprintf("%s now losing %.0f%% of messages", name, loss*100)
	if loss == 0 {
		done = name + " no longer loses messages"
	}
	return operation{action: "set the loss of " + name,
		run: func() (string, error) { return done, c.SetLoss(from, to, loss) }}
}

func (m Model) presetOp(p cluster.Preset) operation {
	c := m.cluster
	return operation{action: "partition " + p.String(), run: func() (string, error) {
		sides, err := c.ApplyPreset(p)
		return "partition " + sides, err
	}}
}

// isolateOp rejoins the selected node if it is fully isolated and isolates it
// otherwise, so a partly cut node is isolated first.
func (m Model) isolateOp() operation {
	c, id := m.cluster, m.selected
	name := raft.NodeName(id)
	if isIsolated(m.snap, id) {
		return operation{action: "rejoin " + name, run: func() (string, error) {
			return name + " rejoined: all its links healed", c.Rejoin(id)
		}}
	}
	return operation{action: "isolate " + name, run: func() (string, error) {
		return name + " isolated: all its links cut", c.Isolate(id)
	}}
}

func (m Model) healAllOp() operation {
	c := m.cluster
	return operation{action: "heal all links",
		run: func() (string, error) { c.HealAll(); return "healed all links", nil }}
}

// targetOp returns the operation that action starts on the selected node and
// other.
func (m Model) targetOp(action numberAction, other int) operation {
	switch action {
	case actDelay:
		return m.delayOp(m.selected, other)
	case actLoss:
		return m.lossOp(m.selected, other)
	case actSplit:
		return m.splitVoteOp(m.selected, other)
	}
	return m.linkOp(action == actCutOne, m.selected, other)
}

// linkOp toggles the link between a and b: from a to b only when oneWay is set,
// and otherwise both ways, where it heals unless both directions deliver.
func (m Model) linkOp(oneWay bool, a, b int) operation {
	if oneWay {
		return m.toggleOp(delivers(m.snap, a, b), linkName(a, b, false),
			func(c Cluster) error { return c.Cut(a, b) },
			func(c Cluster) error { return c.Heal(a, b) })
	}
	return m.toggleOp(delivers(m.snap, a, b) && delivers(m.snap, b, a), linkName(a, b, true),
		func(c Cluster) error { return c.CutBetween(a, b) },
		func(c Cluster) error { return c.HealBetween(a, b) })
}

// toggleOp cuts the link called name if it delivers, and heals it otherwise.
func (m Model) toggleOp(delivering bool, name string, cut, heal func(Cluster) error) operation {
	c := m.cluster
	if delivering {
		return operation{action: "cut " + name,
			run: func() (string, error) { return "cut " + name, cut(c) }}
	}
	return operation{action: "heal " + name,
		run: func() (string, error) { return "healed " + name, heal(c) }}
}

// transferOp asks the leader to hand over to the selected node.
func (m Model) transferOp() operation {
	c, id := m.cluster, m.selected
	name := raft.NodeName(id)
	leader, _ := m.snap.Leader()
	done := fmt.Sprintf("%s told %s to campaign at once: watch it win the next term",
		raft.NodeName(leader), name)
	return operation{action: "transfer leadership to " + name,
		run: func() (string, error) { return done, c.TransferLeadership(id) }}
}

func (m Model) preVoteOp() operation {
	c, on := m.cluster, !m.snap.PreVote
	done := "PreVote off: a node whose timer runs out raises its term at once"
	if on {
		done = "PreVote on: a node asks for pre-votes before it raises its term"
	}
	return operation{action: "turn PreVote " + onOff(on),
		run: func() (string, error) { c.SetPreVote(on); return done, nil }}
}

func (m Model) checkQuorumOp() operation {
	c, on := m.cluster, !m.snap.CheckQuorum
	done := "CheckQuorum off: leaders keep leading without a majority, and followers vote when asked"
	if on {
		done = "CheckQuorum on: a leader without a majority steps down, and followers ignore " +
			"candidates while their leader is live"
	}
	return operation{action: "turn CheckQuorum " + onOff(on),
		run: func() (string, error) { c.SetCheckQuorum(on); return done, nil }}
}
