package cluster

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/raftplay/raftplay/raft"
)

// The chaos test runs a random schedule of faults (a nemesis) against real
// clusters and checks, on every event, that election safety holds, and after
// every heal, that the cluster elects one leader within a bound.

var (
	chaosFaults = flag.Int("chaos.faults", 30, "faults per chaos run")
	chaosSeed   = flag.Uint64("chaos.seed", 0, "seed of the chaos schedule (default: from the clock)")
)

// chaosTiming is short so that many faults fit in a test run.
const (
	chaosTimeoutMin = 50 * time.Millisecond
	chaosTimeoutMax = 100 * time.Millisecond
	chaosHeartbeat  = 10 * time.Millisecond
	healEvery       = 10 // faults between heals
)

// livenessBound is how long a healed cluster with every node up may take to
// agree on one leader: many election timeouts, because split votes repeat
// with small probability and a busy machine running the race detector slows
// everything down.
const livenessBound = 40 * chaosTimeoutMax

// chaosStats are the totals of one run.
type chaosStats struct {
	faults, heals, elections int
	longestRecovery          time.Duration
}

func TestChaos(t *testing.T) {
	seed := *chaosSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("chaos seed %d; replay with -chaos.seed=%d", seed, seed)
	for _, nodes := range []int{3, 5, 7} {
		for _, options := range []string{"plain", "prevote", "prevote+checkquorum"} {
			name := fmt.Sprintf("%d nodes %s", nodes, options)
			t.Run(name, func(t *testing.T) {
				stats := runChaos(t, nodes, options != "plain", options == "prevote+checkquorum", seed+uint64(nodes))
				t.Logf("%s: %d faults, %d heals, %d elections, longest recovery after a heal %v",
					name, stats.faults, stats.heals, stats.elections, stats.longestRecovery)
			})
		}
	}
}

func runChaos(t *testing.T, nodes int, preVote, checkQuorum bool, seed uint64) chaosStats {
	cfg := testConfig(t, nodes)
	cfg.ElectionTimeoutMin, cfg.ElectionTimeoutMax, cfg.Heartbeat = chaosTimeoutMin, chaosTimeoutMax, chaosHeartbeat
	cfg.PreVote, cfg.CheckQuorum, cfg.Seed = preVote, checkQuorum, seed
	tc := startCluster(t, cfg)
	defer tc.stop()
	rng := rand.New(rand.NewPCG(seed, 7))

	var stats chaosStats
	for stats.faults < *chaosFaults {
		injectFault(tc, rng, nodes)
		stats.faults++
		pause := time.Duration(rng.Int64N(int64(2 * chaosTimeoutMax)))
		time.Sleep(pause) // the nemesis's own pacing, not a wait for a condition
		if stats.faults%healEvery == 0 {
			stats.longestRecovery = max(stats.longestRecovery, healAndRecover(t, tc, nodes))
			stats.heals++
		}
		if v := tc.Snapshot().Violations; len(v) > 0 {
			t.Fatalf("safety violated after %d faults (seed %d): %q", stats.faults, seed, v)
		}
	}
	stats.longestRecovery = max(stats.longestRecovery, healAndRecover(t, tc, nodes))
	stats.elections = len(tc.raftEvents(0, raft.EventElectionWon))
	return stats
}

// injectFault applies one random fault.
func injectFault(tc *testCluster, rng *rand.Rand, nodes int) {
	a := 1 + rng.IntN(nodes)
	b := 1 + (a+rng.IntN(nodes-1))%nodes // a node other than a
	switch rng.IntN(10) {
	case 0:
		tc.Crash(a)
	case 1:
		tc.Restart(a)
	case 2:
		tc.SetFrozen(a, !tc.Snapshot().Nodes[a-1].Frozen)
	case 3:
		tc.Isolate(a)
	case 4:
		tc.Cut(a, b)
	case 5:
		tc.CutBetween(a, b)
	case 6:
		tc.ApplyPreset(Presets[rng.IntN(len(Presets))])
	case 7:
		tc.SetDelay(a, b, time.Duration(rng.Int64N(int64(chaosTimeoutMin))))
	case 8:
		tc.SetLoss(a, b, rng.Float64()/2)
	case 9:
		tc.HealAll()
	}
}

// healAndRecover heals every link, thaws and restarts every node, and returns
// how long the cluster took to agree on one leader in one term.
func healAndRecover(t *testing.T, tc *testCluster, nodes int) time.Duration {
	t.Helper()
	tc.HealAll()
	for id := 1; id <= nodes; id++ {
		tc.SetFrozen(id, false)
		if !tc.Snapshot().Nodes[id-1].Up {
			must(t, tc.Restart(id))
		}
	}
	start := time.Now()
	deadline := start.Add(livenessBound)
	for {
		if leader, _ := stableLeader(tc.Snapshot()); leader != raft.None {
			return time.Since(start)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no single leader %v after healing: %s", livenessBound, describe(tc.Snapshot()))
		}
		time.Sleep(2 * time.Millisecond)
	}
}
