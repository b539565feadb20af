package scenario

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// Interrupted reports whether the run was stopped, by a signal or a cancelled
// context, before it ended.
func (v Verdict) Interrupted() bool {
	return !v.Passed && errors.Is(v.Err, context.Canceled)
}

// Verdict is the outcome of a headless run.
type Verdict struct {
	Name       string        // the scenario's name
	Passed     bool          // every step ran and held, with no unexpected safety violation
	Steps      int           // steps taken, the failed one included
	Checks     int           // expect and wait steps whose condition held
	Elapsed    time.Duration // cluster time from the first step to the end
	Violations []string      // every violation the safety monitor caught
	Err        error         // the cause of a failure, usually a *LineError; nil when it passed
}

// String returns the verdict line: PASS, FAIL with the reason of a failure,
// or INTERRUPTED for a run stopped by a signal before it ended.
func (v Verdict) String() string {
	if v.Interrupted() {
		return fmt.Sprintf("INTERRUPTED  %s: stopped after %s, neither passed nor failed", v.Name,
			count(v.Steps, "step"))
	}
	if !v.Passed {
		return "FAIL  " + v.Err.Error()
	}
	safety := "no safety violation"
	if len(v.Violations) > 0 {
		safety = "the expected safety violation was caught: " + strings.Join(v.Violations, "; ")
	}
	return fmt.Sprintf("PASS  %s: %s, %s held, %s, %.3fs of cluster time",
		v.Name, count(v.Steps, "step"), count(v.Checks, "check"), safety, v.Elapsed.Seconds())
}

// count returns "1 step" or "3 steps".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Run starts the cluster if it is not running yet, then runs every step in
// order and stops at the first failure. It writes to out a line for each step
// and for each change of leader, each prefixed with the cluster time since the
// start, and ends with the verdict line. Do not call Step while Run runs.
func (r *Runner) Run(ctx context.Context, out io.Writer) Verdict {
	events, cancel := r.cluster.Subscribe()
	queue := collect(events, r.cluster.Clock())
	defer func() {
		cancel()
		<-queue.done
	}()
	p := &printer{out: out, start: r.begin(), leaders: make(map[int]uint64)}
	r.onPoll = func() { p.printEvents(queue.take()) }
	defer func() { r.onPoll = nil }()

	err := r.cluster.Start()
	if err != nil {
		err = &LineError{File: r.script.Name,
			Err: failf(ErrStepFailed, "starting the cluster failed: %w", err)}
	}
	steps := 0
	for err == nil {
		var res Result
		res, err = r.Step(ctx)
		p.printEvents(queue.take())
		if errors.Is(err, ErrDone) {
			err = r.Finish()
			break
		}
		steps++
		p.printStep(res, err)
	}
	v := r.verdict(steps, err)
	p.printEvents(queue.settle())
	p.flush(true)
	fmt.Fprintln(out, v)
	return v
}

// eventQueue reads a subscription in its own goroutine, so that events do
// not wait for the runner to read them one at a time.
type eventQueue struct {
	mu     sync.Mutex
	events []stampedEvent // guarded by mu
	done   chan struct{}  // closed once the subscription's channel is closed
}

// stampedEvent is an event with the cluster time it was read at. A node's own
// events carry the time of its clock, which lags the cluster's by the time the
// node spent frozen, so the time of reading orders them better.
type stampedEvent struct {
	cluster.Event
	read time.Time
}

func collect(events <-chan cluster.Event, clock *cluster.Clock) *eventQueue {
	q := &eventQueue{done: make(chan struct{})}
	go func() {
		defer close(q.done)
		for e := range events {
			q.mu.Lock()
			q.events = append(q.events, stampedEvent{Event: e, read: clock.Now()})
			q.mu.Unlock()
		}
	}()
	return q
}

// take returns the events read since the last take.
func (q *eventQueue) take() []stampedEvent {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.events
	q.events = nil
	return out
}

// settleQuiet is the wall time without a new event after which the end of a
// run counts the event stream as caught up. settleMax bounds the whole wait.
const (
	settleQuiet = 20 * time.Millisecond
	settleMax   = 500 * time.Millisecond
)

// settle waits until no event has arrived for settleQuiet, or settleMax has
// passed, and returns every event read meanwhile. The cluster keeps running,
// so this bounds how late the last events of a run may be printed.
func (q *eventQueue) settle() []stampedEvent {
	deadline := time.Now().Add(settleMax)
	var out []stampedEvent
	for time.Now().Before(deadline) {
		time.Sleep(settleQuiet)
		batch := q.take()
		if len(batch) == 0 {
			break
		}
		out = append(out, batch...)
	}
	return out
}

func (r *Runner) verdict(steps int, err error) Verdict {
	r.mu.Lock()
	checks := r.checks
	r.mu.Unlock()
	return Verdict{
		Name: r.script.Name, Passed: err == nil, Steps: steps, Checks: checks,
		Elapsed: r.Elapsed(), Violations: r.cluster.Snapshot().Violations, Err: err,
	}
}

// printer writes the lines of a headless run in the order of their cluster
// time. Events reach it through a subscription, a little later than the steps
// that caused them, so each line is held back for holdBack of wall time and
// lines are printed sorted by time.
type printer struct {
	out     io.Writer
	start   time.Time      // cluster time of the runner's start
	leaders map[int]uint64 // node → the term it won, while it leads
	pending []pendingLine  // sorted by at
}

// holdBack is how long a line waits, in wall time, for events with an earlier
// time to arrive.
const holdBack = 100 * time.Millisecond

type pendingLine struct {
	at    time.Duration // cluster time since the start
	added time.Time     // wall time it was added
	text  string
}

// add queues a line: the time since the start, a label and the text.
func (p *printer) add(at time.Duration, label, text string) {
	line := pendingLine{at: at, added: time.Now(),
		text: fmt.Sprintf("%9.3fs  %-9s %s", at.Seconds(), label, text)}
	i := len(p.pending)
	for i > 0 && p.pending[i-1].at > at {
		i--
	}
	p.pending = slices.Insert(p.pending, i, line)
}

// flush prints the queued lines that have waited long enough, in time order,
// or every queued line if all is set.
func (p *printer) flush(all bool) {
	cutoff := time.Now().Add(-holdBack)
	printed := 0
	for _, line := range p.pending {
		if !all && line.added.After(cutoff) {
			break
		}
		fmt.Fprintln(p.out, line.text)
		printed++
	}
	p.pending = p.pending[printed:]
}

func (p *printer) printStep(res Result, err error) {
	label := fmt.Sprintf("line %d", res.Step.Line)
	switch {
	case err != nil:
		p.add(res.End, label, res.Step.Text+"  ✗")
	case res.Caption != "":
		p.add(res.End, label, "» "+res.Caption)
	default:
		p.add(res.End, label, res.Step.Text+"  → "+res.Outcome)
	}
	p.flush(false)
}

// printEvents queues the lines of events and prints the lines that have
// waited long enough.
func (p *printer) printEvents(events []stampedEvent) {
	for _, e := range events {
		p.printEvent(e)
	}
	p.flush(false)
}

// printEvent prints the events that change who leads, and failures.
func (p *printer) printEvent(e stampedEvent) {
	text := ""
	switch e.Kind {
	case cluster.EventRaft:
		text = p.describeRaft(e.Event)
	case cluster.EventCrashed:
		delete(p.leaders, e.Node)
	case cluster.EventSafetyViolation, cluster.EventStartFailed:
		text = e.String()
	}
	if text != "" {
		p.add(e.read.Sub(p.start), "", text)
	}
}

// describeRaft returns the text of a node's event that changes who leads, or "".
func (p *printer) describeRaft(e cluster.Event) string {
	ev := e.Raft
	switch {
	case ev.Kind == raft.EventElectionWon && !ev.PreVote:
		p.leaders[e.Node] = ev.Term
		return ev.String()
	case ev.Kind == raft.EventQuorumLost:
		delete(p.leaders, e.Node)
		return ev.String()
	case ev.Kind == raft.EventRoleChanged && ev.Role != raft.Leader:
		if _, led := p.leaders[e.Node]; led {
			delete(p.leaders, e.Node)
			return "leader stepped down: " + ev.String()
		}
	}
	return ""
}
