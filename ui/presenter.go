package ui

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/cluster/scenario"
)

// ScriptRunner plays a scenario one step at a time. *scenario.Runner
// implements it. New calls Script and Next. After that the UI calls Step and
// then Next in a command, off the UI goroutine, one step at a time.
type ScriptRunner interface {
	Script() *scenario.Script
	Next() (scenario.Step, bool)
	Step(ctx context.Context) (scenario.Result, error)
}

// presenter is the state of presenter mode: the scenario being played, the
// step running, and what the presenter panel shows.
type presenter struct {
	runner ScriptRunner // nil outside presenter mode
	name   string       // the scenario's name, such as leader-crash
	lines  []int        // the line number of each step, in order

	// ctx ends when the UI quits, which stops a step still running.
	ctx  context.Context
	quit context.CancelFunc

	running    bool
	stopStep   context.CancelFunc // ends the running step's context; nil when none runs
	current    scenario.Step      // the step running
	next       scenario.Step      // the step the next advance runs
	more       bool               // whether any step is left
	finished   int                // steps finished, failed ones included
	caption    string             // the text of the last say step
	last       stepOutcome        // of the last step, leaving out say steps that held
	lastFailed bool               // whether the last step run failed or was stopped

	// pausedUntilStart is set while the cluster, started paused in presenter
	// mode, waits for the first step, so that nothing happens before the
	// audience has read the first caption.
	pausedUntilStart bool
}

// stepOutcome is the result of a finished step, as the presenter panel shows it.
type stepOutcome struct {
	step   scenario.Step
	text   string // the outcome, or the reason of a failure
	kind   outcomeKind
	exists bool // false until the first step other than a say step ends
}

type outcomeKind int

const (
	outcomeOK      outcomeKind = iota
	outcomeFailed              // the step failed: an expectation, the safety check or the action
	outcomeStopped             // the presenter stopped the step, or the UI quit
)

// stepDoneMsg reports a finished step, with the step after it and a snapshot
// taken right after it so the screen shows its effect before the next tick.
type stepDoneMsg struct {
	result scenario.Result
	err    error
	next   scenario.Step
	more   bool
	snap   cluster.Snapshot
}

// newPresenter returns the presenter of runner, or the zero presenter,
// which is off, when runner is nil.
func newPresenter(runner ScriptRunner) presenter {
	if runner == nil {
		return presenter{}
	}
	s := runner.Script()
	p := presenter{runner: runner, name: s.Name}
	for _, step := range s.Steps {
		p.lines = append(p.lines, step.Line)
	}
	p.ctx, p.quit = context.WithCancel(context.Background())
	p.next, p.more = runner.Next()
	p.finished = p.position()
	return p
}

func (p presenter) on() bool { return p.runner != nil }

// position returns how many steps are finished: the index of the next step,
// or every step once none is left.
func (p presenter) position() int {
	if !p.more {
		return len(p.lines)
	}
	for i, line := range p.lines {
		if line == p.next.Line {
			return i
		}
	}
	return p.finished
}

// chained reports whether a step runs right after the one before it, without
// an advance. Steps that only wait or check are chained, so that the audience
// watches the cluster converge, and so is mark term, which changes nothing on
// screen.
func chained(a scenario.Action) bool {
	switch a.(type) {
	case scenario.Wait, scenario.WaitStable, scenario.Sleep, scenario.Expect, scenario.MarkTerm:
		return true
	}
	return false
}

// advanceScript runs the next step, unless a step runs already: a presenter
// who presses twice must not skip a step.
func (m Model) advanceScript() (tea.Model, tea.Cmd) {
	switch {
	case m.presenter.running:
		return m, nil
	case !m.presenter.more:
		m.status = statusLine{statusInfo, "the scenario is over: press q to quit"}
		return m, nil
	}
	return m.runStep()
}

// runStep runs the next step in a command that reports a stepDoneMsg.
func (m Model) runStep() (tea.Model, tea.Cmd) {
	ctx, stop := context.WithCancel(m.presenter.ctx)
	m.presenter.running, m.presenter.stopStep = true, stop
	m.presenter.current = m.presenter.next
	m.sync()
	runner, c := m.presenter.runner, m.cluster
	resume := m.presenter.pausedUntilStart
	m.presenter.pausedUntilStart = false
	return m, func() tea.Msg {
		defer stop()
		if resume {
			c.SetPaused(false)
		}
		result, err := runner.Step(ctx)
		next, more := runner.Next()
		return stepDoneMsg{result: result, err: err, next: next, more: more, snap: c.Snapshot()}
	}
}

// handleStepDone shows the finished step and runs the next one right away when
// it is chained and the step did not fail.
func (m Model) handleStepDone(msg stepDoneMsg) (tea.Model, tea.Cmd) {
	m.applySnapshot(msg.snap)
	m.presenter.running, m.presenter.stopStep = false, nil
	m.presenter.record(msg)
	if p := m.presenter; p.lastFailed {
		kind := statusError
		if p.last.kind == outcomeStopped {
			kind = statusInfo
		}
		m.status = statusLine{kind, failureStatus(p.last, p.more)}
	}
	m.sync()
	retick := m.retick()
	if msg.err == nil && msg.more && chained(msg.next.Action) {
		next, cmd := m.runStep()
		if retick == nil {
			return next, cmd
		}
		return next, tea.Batch(retick, cmd)
	}
	return m, retick
}

// record keeps the result of a finished step for the panel.
func (p *presenter) record(msg stepDoneMsg) {
	p.next, p.more = msg.next, msg.more
	p.finished = p.position()
	p.lastFailed = false
	if errors.Is(msg.err, scenario.ErrDone) {
		return
	}
	if msg.result.Caption != "" {
		p.caption = msg.result.Caption
	}
	if _, say := msg.result.Step.Action.(scenario.Say); say && msg.err == nil {
		return
	}
	p.last = outcomeOf(msg.result, msg.err)
	p.lastFailed = msg.err != nil
}

// outcomeOf describes a finished step. The reason of a failure leaves out the
// file, line and text that a *scenario.LineError adds, since the panel shows
// the line and the text itself.
func outcomeOf(result scenario.Result, err error) stepOutcome {
	o := stepOutcome{step: result.Step, text: result.Outcome, exists: true}
	switch {
	case err == nil:
		return o
	case errors.Is(err, context.Canceled):
		o.kind, o.text = outcomeStopped, "stopped before it ended"
		return o
	}
	o.kind, o.text = outcomeFailed, err.Error()
	var lineErr *scenario.LineError
	if errors.As(err, &lineErr) {
		o.text = lineErr.Err.Error()
	}
	return o
}

// failureStatus returns the status line of a failed or stopped step. more
// reports whether any step is left.
func failureStatus(o stepOutcome, more bool) string {
	summary := fmt.Sprintf("line %d failed", o.step.Line)
	if o.kind == outcomeStopped {
		summary = fmt.Sprintf("line %d stopped", o.step.Line)
	}
	if !more {
		return summary + ": that was the last step"
	}
	return summary + ": press space to go on with the next step"
}

// pressStopStep ends the running step's context, so a wait that would block
// for long ends now. The runner consumes the step, so the next advance runs
// the one after it.
func (m Model) pressStopStep(tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if p := m.presenter; p.stopStep != nil {
		p.stopStep()
		m.status = statusLine{statusInfo, fmt.Sprintf("stopping line %d…", p.current.Line)}
	}
	return m, nil
}

// stopScript ends the context of every step, so that a wait or sleep still
// running when the UI quits ends at its next poll.
func (m Model) stopScript() {
	if m.presenter.quit != nil {
		m.presenter.quit()
	}
}
