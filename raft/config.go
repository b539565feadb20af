package raft

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Config is everything a node needs to run. All durations are in the Clock's time.
type Config struct {
	ID    int // this node's position in the node list, from 1
	Nodes int // number of nodes in the cluster, this one included

	ElectionTimeoutMin time.Duration // lower bound of the random election timeout
	ElectionTimeoutMax time.Duration // upper bound (exclusive) of the election timeout
	Heartbeat          time.Duration // interval between a leader's heartbeat rounds

	// PreVote makes a node whose timer runs out first ask whether it could win,
	// without raising its term, and start a real election only if a majority
	// would vote for it (Ongaro's thesis, section 9.6). A node grants no
	// pre-vote while it leads or has heard from its leader within the minimum
	// election timeout, with or without CheckQuorum.
	PreVote bool

	// CheckQuorum makes a leader that has not heard from a majority within the
	// maximum election timeout step down (thesis, 6.2). It also makes a node
	// that leads, or heard from its leader within the minimum election
	// timeout, reject real vote requests from others, except in a leadership
	// transfer.
	CheckQuorum bool

	// Seed selects the random election timeouts. The node mixes in its ID, so
	// nodes given the same seed still draw different timeouts.
	Seed uint64

	Clock     Clock
	Transport Transport
	Storage   Storage
	Events    EventSink    // may be nil
	Logger    *slog.Logger // may be nil, meaning no logs
}

// ErrInvalidConfig is wrapped by every error that Config.Validate returns.
var ErrInvalidConfig = errors.New("invalid node configuration")

// Validate checks the configuration and returns an error naming the first bad value.
func (c *Config) Validate() error {
	switch {
	case c.Nodes < 1:
		return fmt.Errorf("%w: cluster size %d, need at least 1 node", ErrInvalidConfig, c.Nodes)
	case c.ID < 1 || c.ID > c.Nodes:
		return fmt.Errorf("%w: node id %d, must be from 1 to %d", ErrInvalidConfig, c.ID, c.Nodes)
	case c.ElectionTimeoutMin <= 0:
		return fmt.Errorf("%w: minimum election timeout %v, must be positive",
			ErrInvalidConfig, c.ElectionTimeoutMin)
	case c.ElectionTimeoutMax <= c.ElectionTimeoutMin:
		return fmt.Errorf("%w: election timeout range %v to %v, maximum must exceed minimum",
			ErrInvalidConfig, c.ElectionTimeoutMin, c.ElectionTimeoutMax)
	case c.Heartbeat <= 0 || c.Heartbeat >= c.ElectionTimeoutMin:
		return fmt.Errorf("%w: heartbeat %v, must be positive and below the minimum election timeout %v",
			ErrInvalidConfig, c.Heartbeat, c.ElectionTimeoutMin)
	case c.Clock == nil || c.Transport == nil || c.Storage == nil:
		return fmt.Errorf("%w: node %d needs a clock, a transport and a storage", ErrInvalidConfig, c.ID)
	}
	return nil
}
