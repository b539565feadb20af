package bench

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/raftplay/raftplay/cluster"
)

// ErrInvalidSettings is wrapped by every error Settings.Validate returns.
var ErrInvalidSettings = errors.New("invalid benchmark settings")

// MinFailoverNodes is the smallest cluster that survives its leader's crash:
// the other nodes must still be a majority.
const MinFailoverNodes = 3

// defaultWriteSamples is how many state-file writes Run times when
// Settings.WriteSamples is zero.
const defaultWriteSamples = 200

// Settings selects a failover benchmark. Durations are real time: the cluster
// runs at full speed (cluster.Config.Slowdown 1).
type Settings struct {
	Nodes       int
	ElectionMin time.Duration // minimum election timeout
	ElectionMax time.Duration // maximum election timeout, exclusive
	Heartbeat   time.Duration
	Crashes     int // leader crashes, each followed by a restart of the crashed node
	PreVote     bool
	CheckQuorum bool

	// NoFsync writes state files without fsync, to show what fsync costs.
	NoFsync bool

	Seed uint64 // seeds the election timeouts and the moments of the crashes

	// WriteSamples is how many durable state-file writes are timed before the
	// cluster starts; 0 means 200.
	WriteSamples int

	// Progress, if set, is called after each failover with the number done.
	Progress func(done int)

	Logger *slog.Logger // the cluster's log; nil means none
}

// Validate checks the settings. The error names the first invalid value by
// its command-line flag and tells how to fix it.
func (s Settings) Validate() error {
	switch {
	case s.Nodes < MinFailoverNodes || s.Nodes > cluster.MaxNodes:
		return fmt.Errorf("%w: --nodes %d; a failover needs a majority of the nodes to survive the "+
			"leader, so use %d to %d", ErrInvalidSettings, s.Nodes, MinFailoverNodes, cluster.MaxNodes)
	case s.Crashes < 1:
		return fmt.Errorf("%w: --crashes %d; use 1 or more", ErrInvalidSettings, s.Crashes)
	case s.WriteSamples < 0:
		return fmt.Errorf("%w: %d write samples; use 0 for the default or more", ErrInvalidSettings,
			s.WriteSamples)
	}
	return validateTiming(s.ElectionMin, s.ElectionMax, s.Heartbeat)
}

// validateTiming checks the election timeout range and the heartbeat.
func validateTiming(electionMin, electionMax, heartbeat time.Duration) error {
	switch {
	case electionMin < cluster.MinElectionTimeout || electionMin > cluster.MaxElectionTimeout:
		return fmt.Errorf("%w: --election-min %v; use a duration from %v to %v, such as 150ms",
			ErrInvalidSettings, electionMin, cluster.MinElectionTimeout, cluster.MaxElectionTimeout)
	case electionMax > cluster.MaxElectionTimeout:
		return fmt.Errorf("%w: --election-max %v; use a duration up to %v, such as 300ms",
			ErrInvalidSettings, electionMax, cluster.MaxElectionTimeout)
	case electionMax <= electionMin:
		return fmt.Errorf("%w: --election-max %v is not above --election-min %v; raise it, "+
			"for example to twice the minimum", ErrInvalidSettings, electionMax, electionMin)
	case heartbeat < cluster.MinHeartbeat:
		return fmt.Errorf("%w: --heartbeat %v; use a duration of at least %v, such as 50ms",
			ErrInvalidSettings, heartbeat, cluster.MinHeartbeat)
	case heartbeat >= electionMin:
		return fmt.Errorf("%w: --heartbeat %v is not below --election-min %v; use a heartbeat "+
			"well under the minimum election timeout, such as a third of it",
			ErrInvalidSettings, heartbeat, electionMin)
	}
	return nil
}

// clusterConfig returns the cluster configuration of s with its state files
// in dir.
func (s Settings) clusterConfig(dir string) cluster.Config {
	return cluster.Config{
		Nodes: s.Nodes, Dir: dir,
		ElectionTimeoutMin: s.ElectionMin, ElectionTimeoutMax: s.ElectionMax, Heartbeat: s.Heartbeat,
		Slowdown: 1, PreVote: s.PreVote, CheckQuorum: s.CheckQuorum, NoFsync: s.NoFsync, Seed: s.Seed,
		Logger: s.Logger,
	}
}

// writeSamples returns how many writes to time.
func (s Settings) writeSamples() int {
	if s.WriteSamples == 0 {
		return defaultWriteSamples
	}
	return s.WriteSamples
}
