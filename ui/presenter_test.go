package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/raftplay/raftplay/cluster/scenario"
)

// failoverScript is the scenario of the presenter tests. Its steps are on
// lines 5 to 16, twelve in all.
const failoverScript = `# Failover, for the presenter tests.
nodes 5
slow 20

say Five nodes elect a leader.
elect 1
wait leader 1 within 5s
mark term
` + "say n1 leads. Its heartbeats keep every follower's election timer from running out, " +
	"so no follower campaigns. Now we crash it.\n" + `crash leader
wait leader within 5s
expect term > mark on leader
say A new leader took over in a higher term.
restart 1
heal all
sleep 500ms
`

// stepTimeout bounds, in wall time, one step run by a test.
const stepTimeout = 20 * time.Second

// fakeRunner plays a parsed script without a cluster. Each step ends at once
// with its outcome from outcomes, or fails with its error from failures. When
// gate is set, each step first waits for a value from gate or for its context
// to end.
type fakeRunner struct {
	script   *scenario.Script
	outcomes map[int]string // by line number
	failures map[int]error  // by line number
	gate     chan struct{}

	mu   sync.Mutex
	next int   // index of the next step
	ran  []int // line numbers of the steps started, in order
}

func newFakeRunner(t *testing.T) *fakeRunner {
	t.Helper()
	s, err := scenario.Parse("failover", strings.NewReader(failoverScript))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return &fakeRunner{script: s, failures: map[int]error{}, outcomes: map[int]string{
		6: "n1 campaigned", 7: "n1 leads term 3, after 212ms", 8: "mark = term 3",
		10: "crashed n1", 11: "n2 leads term 4, after 301ms", 12: "n2 leads term 4",
		14: "restarted n1 from its state file", 15: "healed every link", 16: "slept 500ms",
	}}
}

func (f *fakeRunner) Script() *scenario.Script { return f.script }

func (f *fakeRunner) Next() (scenario.Step, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.next >= len(f.script.Steps) {
		return scenario.Step{}, false
	}
	return f.script.Steps[f.next], true
}

func (f *fakeRunner) Step(ctx context.Context) (scenario.Result, error) {
	f.mu.Lock()
	if f.next >= len(f.script.Steps) {
		f.mu.Unlock()
		return scenario.Result{}, scenario.ErrDone
	}
	step := f.script.Steps[f.next]
	f.next++
	f.ran = append(f.ran, step.Line)
	f.mu.Unlock()

	res := scenario.Result{Step: step, Outcome: f.outcomes[step.Line]}
	if say, ok := step.Action.(scenario.Say); ok {
		res.Caption = say.Text
	}
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return res, f.lineError(step, ctx.Err())
		}
	}
	if err := f.failures[step.Line]; err != nil {
		return res, f.lineError(step, err)
	}
	return res, nil
}

func (f *fakeRunner) lineError(step scenario.Step, err error) error {
	return &scenario.LineError{File: f.script.Name, Line: step.Line, Text: step.Text, Err: err}
}

func (f *fakeRunner) Ran() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.ran)
}

var _ ScriptRunner = (*scenario.Runner)(nil)

// newPresenterModel returns a presenter-mode model of the demo cluster that
// plays r, laid out on a width×height terminal.
func newPresenterModel(t *testing.T, r ScriptRunner, width, height int) (Model, *fakeCluster) {
	t.Helper()
	f := newFakeCluster(demoSnapshot())
	m := New(f, nil, Options{Script: r})
	return update(t, m, tea.WindowSizeMsg{Width: width, Height: height}), f
}

// advance presses k and then, as the Bubble Tea runtime would, runs each step
// command and feeds its message back, until no step is left to run.
func advance(t *testing.T, m Model, k string) Model {
	t.Helper()
	next, cmd := m.Update(keyPress(k))
	return runSteps(t, next.(Model), cmd)
}

func runSteps(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	for cmd != nil {
		done, ok := runCmd(t, cmd).(stepDoneMsg)
		if !ok {
			t.Fatalf("a step command returned %T, want stepDoneMsg", done)
		}
		var next tea.Model
		next, cmd = m.Update(done)
		m = next.(Model)
	}
	return m
}

// runCmd runs cmd and returns its message, failing the test after stepTimeout.
func runCmd(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	msgs := make(chan tea.Msg, 1)
	go func() { msgs <- cmd() }()
	select {
	case msg := <-msgs:
		return msg
	case <-time.After(stepTimeout):
		t.Fatalf("a step command still runs after %v", stepTimeout)
	}
	return nil
}

func TestPresenterSayRunsAlone(t *testing.T) {
	r := newFakeRunner(t)
	m, _ := newPresenterModel(t, r, 80, 24)
	m = advance(t, m, "space")
	if got := r.Ran(); !slices.Equal(got, []int{5}) {
		t.Errorf("one advance ran lines %v, want [5]", got)
	}
	if !strings.Contains(screen(m), "Five nodes elect a leader.") {
		t.Errorf("the caption is not shown:\n%s", screen(m))
	}
	if !strings.Contains(screen(m), "next: line 6  elect 1") {
		t.Errorf("the next step is not previewed:\n%s", screen(m))
	}
}

func TestPresenterActionChainsWaits(t *testing.T) {
	r := newFakeRunner(t)
	m, _ := newPresenterModel(t, r, 80, 24)
	m = advance(t, m, "space")
	m = advance(t, m, "space")
	if got := r.Ran(); !slices.Equal(got, []int{5, 6, 7, 8}) {
		t.Errorf("ran lines %v, want [5 6 7 8]: elect, then its wait and mark term", got)
	}
	if m.presenter.running {
		t.Errorf("the model still shows a step running")
	}
	if m.presenter.next.Line != 9 {
		t.Errorf("stopped before line %d, want line 9, the next say", m.presenter.next.Line)
	}
	if !strings.Contains(screen(m), "✓ line 8  mark term → mark = term 3") {
		t.Errorf("the last outcome is not shown:\n%s", screen(m))
	}
}

func TestPresenterOneActionPerAdvance(t *testing.T) {
	r := newFakeRunner(t)
	m, _ := newPresenterModel(t, r, 80, 24)
	for range 6 {
		m = advance(t, m, "space")
	}
	if got := r.Ran(); got[len(got)-1] != 14 {
		t.Fatalf("the sixth advance ended at line %d, want 14 (restart 1)", got[len(got)-1])
	}
	before := len(r.Ran())
	m = advance(t, m, "right")
	if got := r.Ran()[before:]; !slices.Equal(got, []int{15, 16}) {
		t.Errorf("→ ran lines %v, want [15 16]: heal all and the sleep after it", got)
	}
	if m.presenter.more {
		t.Errorf("steps are left after the last line")
	}
}

func TestPresenterIgnoresAdvanceWhileRunning(t *testing.T) {
	r := newFakeRunner(t)
	r.gate = make(chan struct{})
	m, _ := newPresenterModel(t, r, 80, 24)
	next, cmd := m.Update(keyPress("space"))
	m = next.(Model)
	if cmd == nil {
		t.Fatalf("space started no step")
	}
	msgs := make(chan tea.Msg, 1)
	go func() { msgs <- cmd() }()
	waitFor(t, stepTimeout, "the first step to start", func() bool { return len(r.Ran()) == 1 })
	if !strings.Contains(screen(m), "running… line 5") {
		t.Errorf("the panel does not show the step running:\n%s", screen(m))
	}
	for _, k := range []string{"space", ".", "right", "pgdown"} {
		next, again := m.Update(keyPress(k))
		m = next.(Model)
		if again != nil {
			t.Errorf("%s while a step runs returned a command", k)
		}
	}
	r.gate <- struct{}{}
	m = runSteps(t, m, func() tea.Msg { return <-msgs })
	if got := r.Ran(); !slices.Equal(got, []int{5}) {
		t.Errorf("ran lines %v, want [5]: advances during a step must be ignored", got)
	}
	if m.presenter.running {
		t.Errorf("the model still shows a step running")
	}
}

func TestPresenterFailedStep(t *testing.T) {
	r := newFakeRunner(t)
	r.failures[11] = errors.New("expected a leader within 5s; saw no leader (n1 down)")
	m, _ := newPresenterModel(t, r, 80, 24)
	for range 4 {
		m = advance(t, m, "space")
	}
	if got := r.Ran(); !slices.Equal(got[len(got)-2:], []int{10, 11}) {
		t.Errorf("ran lines %v, want them to end at 10 and 11: a failed wait ends the chain", got)
	}
	got := screen(m)
	want := "✗ line 11  wait leader within 5s: expected a leader within 5s; saw no leader"
	if !strings.Contains(got, want) {
		t.Errorf("the failure is not shown as %q:\n%s", want, got)
	}
	if m.status.kind != statusError || !strings.Contains(m.status.text, "line 11 failed") {
		t.Errorf("status = %+v, want an error naming line 11", m.status)
	}
	m = advance(t, m, "space")
	if got := r.Ran(); got[len(got)-1] != 12 {
		t.Errorf("the advance after a failure ran line %d, want 12", got[len(got)-1])
	}
}

func TestPresenterOutcomeColors(t *testing.T) {
	st := newStyles(newPalette(true, false, true), false)
	p := newPalette(true, false, true)
	for _, tt := range []struct {
		kind outcomeKind
		want any
	}{
		{outcomeOK, p.leader},
		{outcomeFailed, p.error},
		{outcomeStopped, p.candidate},
	} {
		if got := outcomeStyle(st, tt.kind).GetForeground(); got != tt.want {
			t.Errorf("outcome kind %d drawn in %v, want %v", tt.kind, got, tt.want)
		}
	}
}

func TestPresenterDone(t *testing.T) {
	r := newFakeRunner(t)
	m, _ := newPresenterModel(t, r, 80, 24)
	for range 7 {
		m = advance(t, m, "space")
	}
	if len(r.Ran()) != 12 || m.presenter.more {
		t.Fatalf("ran lines %v, want all 12 steps", r.Ran())
	}
	got := screen(m)
	for _, want := range []string{"done: every step has run", "step 12 of 12"} {
		if !strings.Contains(got, want) {
			t.Errorf("the done panel lacks %q:\n%s", want, got)
		}
	}
	next, cmd := m.Update(keyPress("space"))
	m = next.(Model)
	if cmd != nil {
		t.Errorf("an advance after the last step returned a command")
	}
	if !strings.Contains(m.status.text, "the scenario is over") {
		t.Errorf("status = %q, want it to say the scenario is over", m.status.text)
	}
}

func TestPresenterStopStep(t *testing.T) {
	r := newFakeRunner(t)
	r.gate = make(chan struct{})
	m, _ := newPresenterModel(t, r, 80, 24)
	next, cmd := m.Update(keyPress("space"))
	m = next.(Model)
	if !m.keys.StopStep.Enabled() {
		t.Fatalf("esc is not bound while a step runs")
	}
	msgs := make(chan tea.Msg, 1)
	go func() { msgs <- cmd() }()
	m = press(t, m, "esc")
	m = runSteps(t, m, func() tea.Msg { return <-msgs })
	if m.presenter.last.kind != outcomeStopped {
		t.Errorf("outcome kind %d, want stopped", m.presenter.last.kind)
	}
	if !strings.Contains(screen(m), "■ line 5  say Five nodes elect a leader.: stopped") {
		t.Errorf("the stopped step is not shown:\n%s", screen(m))
	}
	if m.keys.StopStep.Enabled() {
		t.Errorf("esc is still bound with no step running")
	}
}

func TestPresenterQuitStopsStep(t *testing.T) {
	r := newFakeRunner(t)
	r.gate = make(chan struct{})
	m, _ := newPresenterModel(t, r, 80, 24)
	next, cmd := m.Update(keyPress("space"))
	m = next.(Model)
	msgs := make(chan tea.Msg, 1)
	go func() { msgs <- cmd() }()
	if _, quit := m.Update(keyPress("q")); quit == nil {
		t.Fatalf("q returned no command")
	}
	done, ok := runCmd(t, func() tea.Msg { return <-msgs }).(stepDoneMsg)
	if !ok || !errors.Is(done.err, context.Canceled) {
		t.Errorf("the running step ended with %v, want context.Canceled", done.err)
	}
}

func TestPresenterKeys(t *testing.T) {
	r := newFakeRunner(t)
	m, f := newPresenterModel(t, r, 80, 24)
	if !m.talk {
		t.Errorf("presenter mode did not start in talk mode")
	}
	m = press(t, m, "w")
	if got := f.Calls(); !slices.Equal(got, []string{"SetPaused(true)"}) {
		t.Errorf("w made the calls %v, want a pause", got)
	}
	m = advance(t, m, "space")
	if got := f.Calls(); len(got) != 1 {
		t.Errorf("space made the cluster calls %v, want none after the pause", got)
	}
	m = press(t, m, "z")
	if m.talk {
		t.Fatalf("z did not turn talk mode off")
	}
	m = advance(t, m, "right")
	if got := r.Ran(); !slices.Equal(got, []int{5, 6, 7, 8}) {
		t.Errorf("→ with talk mode off ran lines %v, want [5 6 7 8]", got)
	}
	if m.selected != 1 {
		t.Errorf("→ selected n%d, want no change from n1", m.selected)
	}
	if m = press(t, m, "l"); m.selected != 2 {
		t.Errorf("l selected n%d, want n2", m.selected)
	}
}

func TestPresenterKeysDoNotClash(t *testing.T) {
	for _, talk := range []bool{true, false} {
		for _, running := range []bool{false, true} {
			m, _ := newPresenterModel(t, newFakeRunner(t), 120, 35)
			if !talk {
				m = press(t, m, "z")
			}
			m.presenter.running = running
			m.sync()
			owner := map[string]string{}
			for _, h := range m.idleHandlers() {
				if !h.binding.Enabled() {
					continue
				}
				for _, k := range h.binding.Keys() {
					if other, ok := owner[k]; ok {
						t.Errorf("talk %v, running %v: %q is bound to both %q and %q",
							talk, running, k, other, h.binding.Help().Desc)
					}
					owner[k] = h.binding.Help().Desc
				}
			}
			for _, k := range []string{"space", "right", ".", "pgdown", "w"} {
				if owner[k] == "" {
					t.Errorf("talk %v, running %v: %q is not bound", talk, running, k)
				}
			}
		}
	}
}

func TestPresenterHelpLine(t *testing.T) {
	m, _ := newPresenterModel(t, newFakeRunner(t), 80, 24)
	help := strings.Split(screen(m), "\n")[23]
	if !strings.HasPrefix(help, "space/→ next step • w pause • z talk mode off") {
		t.Errorf("help line does not start with the presenter's keys: %q", help)
	}
}

func TestPresenterEveryClusterSizeFits(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 35}, {100, 30}} {
		for nodes := 1; nodes <= MaxNodes; nodes++ {
			for _, talk := range []bool{true, false} {
				s := bigSnapshot(nodes)
				s.Violations = []string{"two leaders in term 7: n1 and n2"}
				m := New(newFakeCluster(s), nil, Options{Script: newFakeRunner(t)})
				m = update(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				if !talk {
					m = press(t, m, "z")
				}
				checkScreenFits(t, m, nodes)
				if !strings.Contains(screen(m), "failover · 12 steps") {
					t.Errorf("%d nodes at %dx%d, talk %v: the presenter panel is missing:\n%s",
						nodes, size[0], size[1], talk, screen(m))
				}
			}
		}
	}
}

// TestPresenterGolden renders presenter mode mid-script: the leader crashed
// and a new one took over, and the next advance shows the caption about it.
// Rewrite the goldens with: go test ./ui/ -run Golden -update
func TestPresenterGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 35}} {
		t.Run(sizeName(size), func(t *testing.T) {
			m, _ := newPresenterModel(t, newFakeRunner(t), size[0], size[1])
			m = update(t, m, eventsMsg{events: demoEvents()})
			for range 4 {
				m = advance(t, m, "space")
			}
			golden.RequireEqual(t, trimLineEnds(ansi.Strip(m.View().Content)))
		})
	}
}

// newPausedPresenterModel returns a presenter-mode model at 120x35 of the demo
// cluster, paused as presenter mode starts it, that plays r.
func newPausedPresenterModel(t *testing.T, r ScriptRunner) (Model, *fakeCluster) {
	t.Helper()
	s := demoSnapshot()
	s.Paused = true
	f := newFakeCluster(s)
	return update(t, New(f, nil, Options{Script: r}), tea.WindowSizeMsg{Width: 120, Height: 35}), f
}

func TestPresenterHoldsPausedClusterUntilFirstStep(t *testing.T) {
	r := newFakeRunner(t)
	m, f := newPausedPresenterModel(t, r)
	if !strings.Contains(screen(m), "The cluster waits, paused, for the first step.") {
		t.Errorf("the screen does not say that the cluster waits:\n%s", screen(m))
	}
	m = advance(t, m, "space")
	if f.Snapshot().Paused {
		t.Errorf("the first step left the cluster paused")
	}
	if got := r.Ran(); !slices.Equal(got, []int{5}) {
		t.Errorf("the first advance ran lines %v, want [5]", got)
	}
	advance(t, m, "space")
	if n := strings.Count(strings.Join(f.Calls(), " "), "SetPaused(false)"); n != 1 {
		t.Errorf("the cluster was resumed %d times, want once: %q", n, f.Calls())
	}
}

func TestPresenterLeavesRunningClusterAlone(t *testing.T) {
	r := newFakeRunner(t)
	m, f := newPresenterModel(t, r, 120, 35)
	advance(t, m, "space")
	if slices.Contains(f.Calls(), "SetPaused(false)") {
		t.Errorf("the first step resumed a cluster that was not held: %q", f.Calls())
	}
}

func TestPresenterHoldEndsWhenResumedByHand(t *testing.T) {
	m, f := newPausedPresenterModel(t, newFakeRunner(t))
	m = pressRunning(t, m, "w")
	if f.Snapshot().Paused {
		t.Fatalf("w did not resume the cluster")
	}
	m.applySnapshot(f.Snapshot())
	if strings.Contains(screen(m), "waits, paused") {
		t.Errorf("the panel still says the cluster waits after w resumed it:\n%s", screen(m))
	}
}
