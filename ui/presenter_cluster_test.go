package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/cluster/scenario"
)

// crashScript elects a leader, crashes it and waits for the next one, on three
// nodes with short timeouts so that it runs in well under a second at real
// speed.
const crashScript = `nodes 3
election-timeout 50ms 100ms
heartbeat 20ms

say Three nodes elect their first leader.
wait leader within 10s
say Now the leader crashes.
crash leader
wait leader within 10s
say A new leader took over in a higher term.
`

// TestPresenterRealRunner plays crashScript with a *scenario.Runner on a real
// cluster, driven through Update with the advance keys as a presenter would.
func TestPresenterRealRunner(t *testing.T) {
	s, err := scenario.Parse("crash", strings.NewReader(crashScript))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	c, err := cluster.New(s.Options.Config(t.TempDir(), 1))
	if err != nil {
		t.Fatalf("cluster.New: %v", err)
	}
	t.Cleanup(c.Stop)
	if err := c.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	runner := scenario.NewRunner(s, c, scenario.RunOptions{})
	t.Cleanup(runner.Close)
	m := New(c, nil, Options{Script: runner})
	m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})

	steps := []struct{ key, caption string }{
		{"space", "Three nodes elect their first leader."},
		{".", "Now the leader crashes."},
		{"right", "Now the leader crashes."}, // crash leader, then the wait after it
		{"pgdown", "A new leader took over in a higher term."},
	}
	for i, step := range steps {
		m = advance(t, m, step.key)
		if m.presenter.lastFailed {
			t.Fatalf("advance %d (%s): line %d failed: %s", i+1, step.key,
				m.presenter.last.step.Line, m.presenter.last.text)
		}
		if got := screen(m); !strings.Contains(got, step.caption) {
			t.Errorf("advance %d (%s): the screen lacks the caption %q:\n%s",
				i+1, step.key, step.caption, got)
		}
	}
	if !runner.Done() || m.presenter.more {
		t.Errorf("steps are left after four advances; next is line %d", m.presenter.next.Line)
	}
	if got := screen(m); !strings.Contains(got, "done: every step has run") {
		t.Errorf("the panel does not say the scenario is done:\n%s", got)
	}
	if o := m.presenter.last; o.kind != outcomeOK || o.step.Line != 9 {
		t.Errorf("last outcome = line %d, kind %d (%s); want line 9 held", o.step.Line, o.kind, o.text)
	}
	if m.status.kind == statusError {
		t.Errorf("status line shows an error: %s", m.status.text)
	}
}
