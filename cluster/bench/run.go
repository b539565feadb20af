package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// Failover is one measured leader crash. Times are on the cluster clock, which
// runs at wall speed in a benchmark.
type Failover struct {
	Crashed  int    // the leader that was crashed
	Leader   int    // the leader that replaced it
	OldTerm  uint64 // the crashed leader's term
	NewTerm  uint64 // the new leader's term
	Duration time.Duration

	// TimerWait is the time from the crash to the first election or pre-vote
	// that any survivor started: the part of Duration that the model's
	// election timers predict.
	TimerWait time.Duration

	// LostVoteRequests counts the requests of the failed elections (terms
	// before NewTerm) that a running voter never received.
	LostVoteRequests int
}

// Terms returns how many terms the failover took: 1 unless votes split.
func (f Failover) Terms() int { return int(f.NewTerm - f.OldTerm) }

// Round returns the time from the first campaign to a majority following the
// new leader: vote requests, state-file writes and the first heartbeats.
func (f Failover) Round() time.Duration { return f.Duration - f.TimerWait }

// Result is everything one Run measured.
type Result struct {
	Settings  Settings
	Failovers []Failover
	Writes    Summary // durable state-file writes, timed before the cluster started
	Footprint Footprint
	Elapsed   time.Duration // wall time of the whole run

	// Violations lists what the cluster's safety monitor reported during the
	// run. The run goes on after one, so that the report shows them all.
	Violations []string
}

// Run starts a cluster of s.Nodes nodes in a new temporary folder, crashes its
// leader s.Crashes times and measures each failover, then stops the cluster
// and removes the folder. Before each crash it waits until every running node
// follows the leader, then a random fraction of a heartbeat, so that crashes
// fall at random moments between heartbeats. A failover ends when a majority
// of the cluster, the new leader included, follows a leader of a newer term.
// The crashed node then restarts from its state file.
func Run(ctx context.Context, s Settings) (*Result, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	started := time.Now()
	dir, err := os.MkdirTemp("", "raftplay-bench-")
	if err != nil {
		return nil, fmt.Errorf("creating a temporary folder failed: %w", err)
	}
	defer os.RemoveAll(dir)

	result := &Result{Settings: s}
	if result.Writes, err = TimeWrites(dir, s.writeSamples(), s.NoFsync); err != nil {
		return nil, err
	}
	if err := runCrashes(ctx, s, dir, result); err != nil {
		return nil, err
	}
	result.Elapsed = time.Since(started)
	return result, nil
}

// runCrashes runs the cluster and fills in result's footprint, failovers and
// safety violations.
func runCrashes(ctx context.Context, s Settings, dir string, result *Result) error {
	before := measureFootprint()
	c, err := cluster.New(s.clusterConfig(dir))
	if err != nil {
		return err
	}
	events, cancel := c.Subscribe()
	defer c.Stop()
	defer cancel()
	if err := c.Start(); err != nil {
		return err
	}

	r := &runner{
		cluster: c, events: events, view: newTracker(s.Nodes), settings: s,
		rng:   rand.New(rand.NewPCG(s.Seed, crashSeedStream)),
		limit: phaseLimit(s),
	}
	defer func() { result.Violations = r.view.violations }()
	if _, _, err := r.waitStable(ctx); err != nil {
		return fmt.Errorf("the cluster never elected its first leader: %w", err)
	}
	result.Footprint = measureFootprint().perNode(before, s.Nodes)

	for i := range s.Crashes {
		f, err := r.failover(ctx)
		if err != nil {
			return fmt.Errorf("failover %d of %d: %w", i+1, s.Crashes, err)
		}
		result.Failovers = append(result.Failovers, f)
		if s.Progress != nil {
			s.Progress(i + 1)
		}
	}
	return nil
}

// crashSeedStream is the second PCG seed word of the crash moments, so that
// they do not repeat the election timeouts drawn from the same Settings.Seed.
const crashSeedStream = 0x6661696c6f766572

// phaseLimit bounds each wait of a run: for a stable cluster, or for a
// failover. It is far above a healthy failover, which takes a few election
// timeouts, so that only a stuck cluster reaches it.
func phaseLimit(s Settings) time.Duration {
	return 30*time.Second + 100*s.ElectionMax
}

// errPhaseTimeout is returned when a wait of a run reaches its limit.
var errPhaseTimeout = errors.New("timed out")

// runner crashes the leader of one running cluster and times the failovers.
type runner struct {
	cluster  *cluster.Cluster
	events   <-chan cluster.Event
	view     *tracker
	settings Settings
	rng      *rand.Rand
	limit    time.Duration
}

// failover waits for a stable cluster, crashes its leader at a random moment
// between two heartbeats, times the failover and restarts the crashed node.
func (r *runner) failover(ctx context.Context) (Failover, error) {
	leader, term, err := r.waitSteadyMoment(ctx)
	if err != nil {
		return Failover{}, err
	}
	f := Failover{Crashed: leader, OldTerm: term}
	crashedAt := r.cluster.Clock().Now()
	if err := r.cluster.Crash(leader); err != nil {
		return f, err
	}
	if err := r.waitNewLeader(ctx, &f, crashedAt); err != nil {
		return f, fmt.Errorf("after crashing leader n%d of term %d: %w", leader, term, err)
	}
	if err := r.cluster.Restart(leader); err != nil {
		return f, err
	}
	return f, nil
}

// waitSteadyMoment waits until every running node follows one leader, then a
// random time shorter than a heartbeat, and returns that leader and its term
// if the cluster is still stable then.
func (r *runner) waitSteadyMoment(ctx context.Context) (int, uint64, error) {
	for {
		if _, _, err := r.waitStable(ctx); err != nil {
			return raft.None, 0, err
		}
		jitter := time.Duration(r.rng.Int64N(int64(r.settings.Heartbeat)))
		never := func(cluster.Event) bool { return false }
		if err := r.wait(ctx, jitter, never); !errors.Is(err, errPhaseTimeout) {
			return raft.None, 0, err
		}
		if leader, term, ok := r.view.stable(); ok {
			return leader, term, nil
		}
	}
}

// waitStable waits until every running node follows one leader.
func (r *runner) waitStable(ctx context.Context) (int, uint64, error) {
	stable := func(cluster.Event) bool {
		_, _, ok := r.view.stable()
		return ok
	}
	if err := r.wait(ctx, r.limit, stable); err != nil {
		return raft.None, 0, fmt.Errorf("waiting for every node to follow one leader: %w", err)
	}
	leader, term, _ := r.view.stable()
	return leader, term, nil
}

// waitNewLeader waits until a majority follows a leader newer than f.OldTerm,
// and fills in the rest of f.
func (r *runner) waitNewLeader(ctx context.Context, f *Failover, crashedAt time.Time) error {
	var firstCampaign, end time.Time
	ledger := newVoteLedger()
	done := func(e cluster.Event) bool {
		ledger.observe(e)
		campaign := e.Kind == cluster.EventRaft && e.Raft.Kind == raft.EventElectionStarted
		if campaign && firstCampaign.IsZero() {
			firstCampaign = e.Time
		}
		leader, term, ok := r.view.majorityLeader(f.OldTerm)
		if ok {
			f.Leader, f.NewTerm, end = leader, term, e.Time
		}
		return ok
	}
	if err := r.wait(ctx, r.limit, done); err != nil {
		return fmt.Errorf("waiting for a new leader followed by a majority: %w", err)
	}
	f.Duration = end.Sub(crashedAt)
	f.TimerWait = firstCampaign.Sub(crashedAt)
	f.LostVoteRequests = ledger.lost(f.NewTerm, f.Crashed)
	return nil
}

// wait applies events to the view until done returns true for one, with the
// zero Event checked first. It returns errPhaseTimeout after limit.
func (r *runner) wait(ctx context.Context, limit time.Duration,
	done func(cluster.Event) bool) error {
	if done(cluster.Event{}) {
		return nil
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	for {
		select {
		case e, ok := <-r.events:
			if !ok {
				return cluster.ErrStopped
			}
			if err := r.view.apply(e); err != nil {
				return err
			}
			if done(e) {
				return nil
			}
		case <-timer.C:
			return fmt.Errorf("%w after %v", errPhaseTimeout, limit)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
