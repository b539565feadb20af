package scenario

import (
	"context"
	"strconv"
	"time"

	"github.com/raftplay/raftplay/cluster"
)

// Options are the settings in a scenario's header. Durations are in cluster time.
type Options struct {
	Nodes              int
	ElectionTimeoutMin time.Duration
	ElectionTimeoutMax time.Duration
	Heartbeat          time.Duration
	PreVote            bool
	CheckQuorum        bool
	Seed               uint64

	// Slowdown is the slow-motion factor the UI starts with. A headless run
	// ignores it and runs at the speed its --speed flag sets.
	Slowdown float64
}

// DefaultOptions returns the options of a scenario whose header sets none: the
// same values as raftplay's flags, with seed 0.
func DefaultOptions() Options {
	return Options{
		Nodes:              5,
		ElectionTimeoutMin: 150 * time.Millisecond,
		ElectionTimeoutMax: 300 * time.Millisecond,
		Heartbeat:          50 * time.Millisecond,
		Slowdown:           20,
	}
}

// Config returns the cluster configuration for these options, with its state
// files in dir and the given slow-motion factor.
func (o Options) Config(dir string, slowdown float64) cluster.Config {
	return cluster.Config{
		Nodes: o.Nodes, Dir: dir,
		ElectionTimeoutMin: o.ElectionTimeoutMin, ElectionTimeoutMax: o.ElectionTimeoutMax,
		Heartbeat: o.Heartbeat, Slowdown: slowdown,
		PreVote: o.PreVote, CheckQuorum: o.CheckQuorum, Seed: o.Seed,
	}
}

// Script is a parsed scenario.
type Script struct {
	Name    string
	Options Options // defaults, overridden by the header

	// OptionLines maps each option keyword the header sets, such as "nodes",
	// to its line number, so that a caller can tell a default from a choice.
	OptionLines map[string]int

	Steps []Step
}

// ExpectsViolation reports whether a step expects or waits for a safety
// violation. Only such a scenario may break a safety rule and still pass.
func (s *Script) ExpectsViolation() bool {
	for _, step := range s.Steps {
		if wantsViolation(step.Action) {
			return true
		}
	}
	return false
}

func wantsViolation(a Action) bool {
	var cond Condition
	switch a := a.(type) {
	case Expect:
		cond = a.Cond
	case Wait:
		cond = a.Cond
	}
	v, ok := cond.(Violation)
	return ok && v.Want
}

// Step is one line of the scenario after its header.
type Step struct {
	Line   int    // 1-based line number in the file
	Text   string // the line without its comment and surrounding blanks
	Action Action
}

// NodeRef names a node in a step: by number, or as the current leader, which
// is resolved when the step runs.
type NodeRef struct {
	ID     int  // 1 to Nodes; 0 when Leader is set
	Leader bool // the node that leads when the step runs
}

// String returns the reference as a scenario writes it: "3" or "leader".
func (n NodeRef) String() string {
	if n.Leader {
		return "leader"
	}
	return strconv.Itoa(n.ID)
}

// Action is the operation or check of a step. Each kind of line has its own
// Action type below, and each type has the fields of its line.
type Action interface {
	run(ctx context.Context, r *Runner) (string, error)
}

// Say shows Text to the audience as a caption.
type Say struct{ Text string }

// Wait polls until Cond holds, failing once Within has passed.
type Wait struct {
	Cond   Condition
	Within time.Duration
}

// WaitStable polls until the same leader has led the same term for For,
// failing once Within has passed.
type WaitStable struct{ For, Within time.Duration }

// Expect fails unless Cond holds when the step runs.
type Expect struct{ Cond Condition }

// Crash crashes a node.
type Crash struct{ Node NodeRef }

// Restart restarts a crashed node in Mode.
type Restart struct {
	Node int
	Mode cluster.RestartMode
}

// Isolate cuts every link to and from a node.
type Isolate struct{ Node NodeRef }

// Rejoin heals every link to and from a node.
type Rejoin struct{ Node NodeRef }

// Cut cuts the link From→To, and To→From too unless OneWay.
type Cut struct {
	From, To NodeRef
	OneWay   bool
}

// Heal heals the link From→To, and To→From too unless OneWay.
type Heal struct {
	From, To NodeRef
	OneWay   bool
}

// HealAll makes every link healthy.
type HealAll struct{}

// Partition splits the nodes into Groups: nodes that share a group are
// joined, all others cut apart.
type Partition struct{ Groups [][]NodeRef }

// PartitionPreset applies a named partition, such as majority.
type PartitionPreset struct{ Preset cluster.Preset }

// Delay makes messages From→To, and To→From too unless OneWay, take Delay.
type Delay struct {
	From, To NodeRef
	OneWay   bool
	Delay    time.Duration
}

// Loss makes messages From→To, and To→From too unless OneWay, get lost with
// probability Loss, from 0 to 1.
type Loss struct {
	From, To NodeRef
	OneWay   bool
	Loss     float64
}

// Campaign makes a node's election timer run out now.
type Campaign struct{ Node NodeRef }

// Elect makes Node the leader by the shortest way: it campaigns when there is
// no leader, and the leader transfers leadership to it when there is one.
type Elect struct{ Node NodeRef }

// SplitVote makes two nodes time out at the same moment.
type SplitVote struct{ A, B NodeRef }

// SpreadTimers spreads the followers' election timers evenly over the range.
type SpreadTimers struct{}

// Transfer requests that the leader hand leadership over to Node.
type Transfer struct{ Node NodeRef }

// Freeze stops a node's time and message handling; for a positive For, the
// node thaws by itself once For of cluster time has passed.
type Freeze struct {
	Node NodeRef
	For  time.Duration
}

// Thaw lets a frozen node run again.
type Thaw struct{ Node NodeRef }

// Pause stops the whole cluster's time.
type Pause struct{}

// Resume starts the cluster's time again.
type Resume struct{}

// Speed sets the slow-motion factor live.
type Speed struct{ Slowdown float64 }

// Sleep lets Duration of cluster time pass.
type Sleep struct{ Duration time.Duration }

// SetPreVote switches PreVote on or off for every node, live.
type SetPreVote struct{ On bool }

// SetCheckQuorum switches CheckQuorum on or off for every node, live.
type SetCheckQuorum struct{ On bool }

// MarkTerm stores the highest term of the running nodes as the value that
// later term conditions call mark.
type MarkTerm struct{}
