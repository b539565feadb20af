package cluster

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"
)

// MaxNodes is the largest cluster this package runs.
const MaxNodes = 255

// Limits of the timing settings, in cluster time. Below them a node spends its
// time on timers rather than messages; above them a timeout multiplied by the
// largest slowdown no longer fits a time.Duration.
const (
	MinElectionTimeout = time.Millisecond
	MaxElectionTimeout = time.Hour
	MinHeartbeat       = 100 * time.Microsecond
)

// Config describes a cluster. Durations are in cluster time.
type Config struct {
	Nodes int // number of nodes, from 1 to MaxNodes

	// Addrs lists each node's listen address in node order; node i+1 listens on
	// Addrs[i]. Empty means every node takes a free port on 127.0.0.1.
	Addrs []string

	Dir string // folder of the state files, created 0700 if missing

	ElectionTimeoutMin time.Duration
	ElectionTimeoutMax time.Duration
	Heartbeat          time.Duration

	// Slowdown is how many seconds of wall time one second of cluster time takes:
	// 1 runs at real speed, 20 runs twenty times slower.
	Slowdown float64

	PreVote     bool // nodes ask for pre-votes before raising their term
	CheckQuorum bool // leaders step down without a majority; followers stick to a live leader

	// NoFsync skips fsync on state-file writes, to measure its cost. Never use
	// it for anything that must survive a machine crash.
	NoFsync bool

	Seed   uint64       // seeds every node's election timeouts
	Logger *slog.Logger // nil means no logs
}

// ErrInvalidConfig is wrapped by every error Config.Validate returns.
var ErrInvalidConfig = errors.New("invalid cluster configuration")

// SettingError is the error Config.Validate returns for a timing setting out
// of range. Setting is the setting's key in a configuration file, such as
// "heartbeat", so that a caller can name its own flag for it.
type SettingError struct {
	Setting string
	msg     string
}

func (e *SettingError) Error() string { return ErrInvalidConfig.Error() + ": " + e.msg }

func (e *SettingError) Unwrap() error { return ErrInvalidConfig }

func invalidSetting(setting, format string, args ...any) error {
	return &SettingError{Setting: setting, msg: fmt.Sprintf(format, args...)}
}

// Validate checks the configuration and returns an error naming the first bad
// value and how to fix it.
func (c *Config) Validate() error {
	switch {
	case c.Nodes < 1 || c.Nodes > MaxNodes:
		return fmt.Errorf("%w: %d nodes, use 1 to %d", ErrInvalidConfig, c.Nodes, MaxNodes)
	case len(c.Addrs) != 0 && len(c.Addrs) != c.Nodes:
		return fmt.Errorf("%w: %d addresses for %d nodes, list one address per node",
			ErrInvalidConfig, len(c.Addrs), c.Nodes)
	case c.Dir == "":
		return fmt.Errorf("%w: missing state folder", ErrInvalidConfig)
	case c.ElectionTimeoutMin < MinElectionTimeout || c.ElectionTimeoutMin > MaxElectionTimeout:
		return invalidSetting("election_timeout_min", "minimum election timeout %v, use %v to %v",
			c.ElectionTimeoutMin, MinElectionTimeout, MaxElectionTimeout)
	case c.ElectionTimeoutMax > MaxElectionTimeout:
		return invalidSetting("election_timeout_max", "maximum election timeout %v, use at most %v",
			c.ElectionTimeoutMax, MaxElectionTimeout)
	case c.ElectionTimeoutMax <= c.ElectionTimeoutMin:
		return invalidSetting("election_timeout_max",
			"election timeout range %v to %v, the maximum must be above the minimum",
			c.ElectionTimeoutMin, c.ElectionTimeoutMax)
	case c.Heartbeat < MinHeartbeat || c.Heartbeat >= c.ElectionTimeoutMin:
		return invalidSetting("heartbeat", "heartbeat %v, must be at least %v and below the minimum election timeout %v",
			c.Heartbeat, MinHeartbeat, c.ElectionTimeoutMin)
	case !(c.Slowdown >= 1 && c.Slowdown <= 1000):
		return invalidSetting("slowdown", "slowdown %v, use 1 (real time) to 1000", c.Slowdown)
	}
	seen := make(map[string]int)
	for i, addr := range c.Addrs {
		_, port, err := net.SplitHostPort(addr)
		if err == nil {
			if p, convErr := strconv.Atoi(port); convErr != nil || p < 0 || p > 65535 {
				err = fmt.Errorf("invalid port %q", port)
			}
		}
		if err != nil {
			return fmt.Errorf("%w: address %q of node %d: %v; write host:port, such as 127.0.0.1:7001",
				ErrInvalidConfig, addr, i+1, err)
		}
		if prev, dup := seen[addr]; dup {
			return fmt.Errorf("%w: address %q is given to nodes %d and %d, give each node its own",
				ErrInvalidConfig, addr, prev, i+1)
		}
		seen[addr] = i + 1
	}
	return nil
}
