package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"syscall"
	"time"

	"github.com/raftplay/raftplay/cluster"
)

// IdleCPU starts a cluster with cfg and waits until every node follows one
// leader. It then returns the processor time, user and system from
// getrusage, that the whole process used over the next d of wall time while
// the cluster only sent heartbeats. Anything else the process runs meanwhile
// is counted too. An empty cfg.Dir means a new temporary folder, removed
// afterwards. It returns ctx's error if ctx ends first.
func IdleCPU(ctx context.Context, cfg cluster.Config, d time.Duration) (time.Duration, error) {
	if cfg.Dir == "" {
		dir, err := os.MkdirTemp("", "raftplay-idle-")
		if err != nil {
			return 0, fmt.Errorf("creating a temporary folder failed: %w", err)
		}
		defer os.RemoveAll(dir)
		cfg.Dir = dir
	}
	c, err := cluster.New(cfg)
	if err != nil {
		return 0, err
	}
	defer c.Stop()
	if err := waitIdle(ctx, c, cfg); err != nil {
		return 0, err
	}
	before, err := processCPU()
	if err != nil {
		return 0, err
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	after, err := processCPU()
	if err != nil {
		return 0, err
	}
	return after - before, nil
}

// waitIdle starts c and waits until every node follows one leader. The
// subscription ends before it returns, so that measuring delivers no events.
func waitIdle(ctx context.Context, c *cluster.Cluster, cfg cluster.Config) error {
	events, cancel := c.Subscribe()
	defer cancel()
	if err := c.Start(); err != nil {
		return err
	}
	r := &runner{
		cluster: c, events: events, view: newTracker(cfg.Nodes),
		limit: time.Duration(float64(30*time.Second+100*cfg.ElectionTimeoutMax) * cfg.Slowdown),
	}
	if _, _, err := r.waitStable(ctx); err != nil {
		return fmt.Errorf("the idle cluster never elected a leader: %w", err)
	}
	return nil
}

// processCPU returns the user and system time the process has used so far.
func processCPU() (time.Duration, error) {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0, fmt.Errorf("getrusage failed: %w", err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano()), nil
}

// IdleReport is the JSON object that "raftplay bench --idle --json" prints.
type IdleReport struct {
	Nodes            int     `json:"nodes"`
	ElectionMinMS    float64 `json:"election_min_ms"`
	ElectionMaxMS    float64 `json:"election_max_ms"`
	HeartbeatMS      float64 `json:"heartbeat_ms"`
	IdleSeconds      float64 `json:"idle_s"`
	CPUMS            float64 `json:"cpu_ms"`
	PercentOfOneCore float64 `json:"percent_of_one_core"`
	HeartbeatRounds  float64 `json:"heartbeat_rounds_per_s"` // rounds the leader sends each second
}

// executeIdle measures and prints the CPU use of an idle cluster.
func executeIdle(ctx context.Context, opts options, stdout io.Writer) error {
	s := opts.Settings
	cfg := s.clusterConfig("")
	cpu, err := IdleCPU(ctx, cfg, opts.idle)
	if err != nil {
		return err
	}
	report := IdleReport{
		Nodes: s.Nodes, ElectionMinMS: milliseconds(s.ElectionMin),
		ElectionMaxMS: milliseconds(s.ElectionMax), HeartbeatMS: milliseconds(s.Heartbeat),
		IdleSeconds: opts.idle.Seconds(), CPUMS: milliseconds(cpu),
		PercentOfOneCore: math.Round(1e5*cpu.Seconds()/opts.idle.Seconds()) / 1e3,
		HeartbeatRounds:  float64(time.Second) / float64(s.Heartbeat),
	}
	if opts.json {
		return writeJSON(stdout, report)
	}
	_, err = fmt.Fprintf(stdout, "raftplay bench --idle: %d idle nodes, heartbeat %v, for %v\n"+
		"used %.1f ms of CPU: %.2f%% of one core\n",
		s.Nodes, s.Heartbeat, opts.idle, report.CPUMS, report.PercentOfOneCore)
	return err
}
