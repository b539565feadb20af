package scenario

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// Cluster is the cluster a Runner drives and a Recorder wraps.
// *cluster.Cluster implements it, and so does *Recorder.
type Cluster interface {
	Start() error
	Snapshot() cluster.Snapshot
	Subscribe() (<-chan cluster.Event, func())
	Clock() *cluster.Clock

	Crash(id int) error
	RestartWith(id int, mode cluster.RestartMode) error
	Isolate(id int) error
	Rejoin(id int) error
	Cut(from, to int) error
	Heal(from, to int) error
	CutBetween(a, b int) error
	HealBetween(a, b int) error
	HealAll()
	Partition(groups ...[]int) error
	ApplyPreset(p cluster.Preset) (string, error)
	SetDelay(from, to int, d time.Duration) error
	SetLoss(from, to int, p float64) error
	SetPaused(paused bool)
	SetSlowdown(slowdown float64) error
	SetFrozen(id int, frozen bool) error
	Campaign(id int) error
	SplitVote(a, b int) error
	SpreadTimers()
	SetPreVote(on bool)
	SetCheckQuorum(on bool)
	TransferLeadership(target int) error
}

// defaultPollInterval is the wall time between two snapshots while a step
// waits. Shorter makes waits end closer to the moment their condition starts
// to hold, at the cost of more snapshots.
const defaultPollInterval = 10 * time.Millisecond

// RunOptions adjust how a Runner runs its steps.
type RunOptions struct {
	// KeepSpeed makes speed steps leave the slow-motion factor as it is. A
	// headless run sets it, so that its --speed flag holds for the whole run.
	KeepSpeed bool

	// PollInterval is the wall time between two snapshots while a step waits;
	// 0 means 10ms.
	PollInterval time.Duration
}

// Result is the outcome of one step.
type Result struct {
	Step    Step
	Outcome string // the effect or observation, such as "crashed n3"; empty for a caption
	Caption string // the text of a say step; empty for every other step

	// Start and End are the cluster time since the runner began, when the
	// step started and when it ended.
	Start, End time.Duration
}

// Runner runs a Script against a cluster one step at a time. Durations in
// steps are in cluster time: a wait within 5s at slow-motion factor 20 waits
// up to 100 seconds of wall time, and no time passes while the cluster is
// paused. Its methods are safe for concurrent use, so that a UI can preview
// the next step while one runs.
type Runner struct {
	script           *Script
	cluster          Cluster
	opts             RunOptions
	expectsViolation bool
	onPoll           func() // set by Run before the first step, then only read

	mu       sync.Mutex
	next     int          // index of the next step; guarded by mu
	start    time.Time    // cluster time when the runner began; guarded by mu
	mark     uint64       // term stored by the last mark term step; guarded by mu
	reported int          // violations already reported as failures; guarded by mu
	checks   int          // expect and wait steps whose condition held; guarded by mu
	timers   []raft.Timer // pending thaws of freeze ... for; guarded by mu
	closed   bool         // guarded by mu
}

// NewRunner returns a runner of s on c, which should have the node count and
// options of s. Step needs c started, and Run starts it.
func NewRunner(s *Script, c Cluster, opts RunOptions) *Runner {
	if opts.PollInterval <= 0 {
		opts.PollInterval = defaultPollInterval
	}
	return &Runner{script: s, cluster: c, opts: opts, expectsViolation: s.ExpectsViolation()}
}

// Script returns the script the runner runs.
func (r *Runner) Script() *Script { return r.script }

// Next returns the step that the next call to Step runs, and false if no step
// is left. While a step runs, Next already returns the one after it.
func (r *Runner) Next() (Step, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.next >= len(r.script.Steps) {
		return Step{}, false
	}
	return r.script.Steps[r.next], true
}

// Done reports whether every step has been taken.
func (r *Runner) Done() bool {
	_, ok := r.Next()
	return !ok
}

// Elapsed returns the cluster time since the runner began: the first Step, or Run.
func (r *Runner) Elapsed() time.Duration {
	start := r.begin()
	return r.cluster.Clock().Now().Sub(start)
}

// begin sets the start of the runner's time, once, and returns it.
func (r *Runner) begin() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.start.IsZero() {
		r.start = r.cluster.Clock().Now()
	}
	return r.start
}

// Step runs the next step and returns its result. A failed step is consumed
// too, so the next call runs the step after it. The error of a failed step is
// a *LineError that matches ErrExpectation, ErrSafetyViolation or
// ErrStepFailed, or the context's error if ctx ended during a wait. Once no
// step is left, Step returns ErrDone.
func (r *Runner) Step(ctx context.Context) (Result, error) {
	step, ok := r.take()
	if !ok {
		return Result{}, ErrDone
	}
	res := Result{Step: step, Start: r.Elapsed()}
	if say, ok := step.Action.(Say); ok {
		res.Caption = say.Text
	}
	outcome, err := step.Action.run(ctx, r)
	if err == nil {
		err = r.checkSafety(r.cluster.Snapshot())
	}
	res.Outcome, res.End = outcome, r.Elapsed()
	if err != nil {
		return res, &LineError{File: r.script.Name, Line: step.Line, Text: step.Text, Err: err}
	}
	return res, nil
}

// take returns the next step and moves past it.
func (r *Runner) take() (Step, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.next >= len(r.script.Steps) {
		return Step{}, false
	}
	r.next++
	return r.script.Steps[r.next-1], true
}

// Finish checks what can only be checked once the steps are over: that the
// safety monitor caught no violation the scenario does not expect since the
// last step.
func (r *Runner) Finish() error {
	if err := r.checkSafety(r.cluster.Snapshot()); err != nil {
		return &LineError{File: r.script.Name,
			Err: failf(ErrSafetyViolation, "after the last step: %w", err)}
	}
	return nil
}

// Close stops the timers that would thaw nodes frozen with freeze ... for.
// The cluster is left running.
func (r *Runner) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	for _, t := range r.timers {
		t.Stop()
	}
	r.timers = nil
}

// checkSafety returns an ErrSafetyViolation error for violations in s not yet
// reported, unless the scenario expects violations.
func (r *Runner) checkSafety(s cluster.Snapshot) error {
	if r.expectsViolation {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(s.Violations) <= r.reported {
		return nil
	}
	fresh := s.Violations[r.reported:]
	r.reported = len(s.Violations)
	return failf(ErrSafetyViolation, "safety violation: %s", strings.Join(fresh, "; "))
}

// pollResult is the end of a poll: the last snapshot, the cluster time since
// the first one, and whether the condition held.
type pollResult struct {
	snap   cluster.Snapshot
	waited time.Duration
	held   bool
}

// poll takes snapshots until held reports true, d of cluster time has passed
// since the first snapshot, or ctx ends. An unexpected safety violation ends
// it with an error.
func (r *Runner) poll(ctx context.Context, d time.Duration, held func(cluster.Snapshot) bool) (
	pollResult, error) {
	ticker := time.NewTicker(r.opts.PollInterval)
	defer ticker.Stop()
	var start time.Time
	for {
		s := r.cluster.Snapshot()
		if start.IsZero() {
			start = s.Time
		}
		res := pollResult{snap: s, waited: s.Time.Sub(start)}
		if err := r.checkSafety(s); err != nil {
			return res, err
		}
		if res.held = held(s); res.held || res.waited >= d {
			return res, nil
		}
		if r.onPoll != nil {
			r.onPoll()
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-ticker.C:
		}
	}
}

// addTimer keeps t so that Close can stop it.
func (r *Runner) addTimer(t raft.Timer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		t.Stop()
		return
	}
	r.timers = append(r.timers, t)
}

func (r *Runner) markTerm(term uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mark = term
}

func (r *Runner) markedTerm() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.mark
}

func (r *Runner) countCheck() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checks++
}
