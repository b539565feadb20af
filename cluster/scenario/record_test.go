package scenario

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raftplay/raftplay/cluster"
)

// startCluster starts a cluster for s and returns it.
func startCluster(t *testing.T, s *Script) *cluster.Cluster {
	t.Helper()
	c := newCluster(t, s)
	if err := c.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return c
}

// waitForLeader polls c until it has a leader and returns it.
func waitForLeader(t *testing.T, c Cluster) int {
	t.Helper()
	deadline := time.Now().Add(runTimeout)
	for time.Now().Before(deadline) {
		if id, _ := leaderOf(c.Snapshot()); id != 0 {
			return id
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no leader within %v", runTimeout)
	return 0
}

// actions returns the recorded lines other than sleeps and captions.
func actions(lines []string) []string {
	var out []string
	for _, line := range lines {
		// A restart with amnesia may or may not break safety, depending on
		// whether the node had voted yet.
		if !strings.HasPrefix(line, "sleep ") && !strings.HasPrefix(line, "say ") && line != expectViolation {
			out = append(out, line)
		}
	}
	return out
}

// poke does a session's worth of operations by hand through rec, none of
// which depends on which node leads.
func poke(t *testing.T, rec *Recorder) {
	t.Helper()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("operation failed: %v", err)
		}
	}
	rec.Say("Poking around.")

	check(rec.CutBetween(1, 2))
	check(rec.Cut(2, 3))
	check(rec.Heal(2, 3))
	check(rec.HealBetween(1, 2))
	check(rec.SetDelay(1, 3, 5*time.Millisecond))
	check(rec.SetLoss(3, 1, 0.3))
	rec.HealAll()
	check(rec.Isolate(3))
	check(rec.Rejoin(3))
	check(rec.Partition([]int{1, 2}))
	_, err := rec.ApplyPreset(cluster.PresetMajority)
	check(err)
	rec.HealAll()
	waitForLeader(t, rec)

	check(rec.SetFrozen(2, true))
	check(rec.SetFrozen(2, false))
	rec.SetPaused(true)
	rec.SetPaused(false)
	check(rec.SetSlowdown(1))

	rec.SetPreVote(true)
	rec.SetCheckQuorum(true)
	rec.SetCheckQuorum(false)
	rec.SetPreVote(false)
	rec.SpreadTimers()
	check(rec.SplitVote(1, 2))

	check(rec.Crash(3))
	check(rec.Restart(3))
	waitForLeader(t, rec)
	check(rec.Crash(3))
	rec.RestartWith(3, cluster.RestartTorn) // fails on purpose: the node stays down
}

func TestRecorderReplays(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+"say unused\n")
	rec := NewRecorder(startCluster(t, s))
	poke(t, rec)
	recorded := rec.Script()

	replayed, err := Parse("recorded.txt", bytes.NewReader(recorded))
	if err != nil {
		t.Fatalf("Parse of the recording: %v\n%s", err, recorded)
	}
	want := s.Options
	want.Slowdown = 1 // the header records the factor the cluster ran at
	if replayed.Options != want {
		t.Errorf("replayed options %+v, want %+v", replayed.Options, want)
	}
	again := NewRecorder(newCluster(t, replayed))
	if v, out := runOn(t, replayed, again, RunOptions{}); !v.Passed {
		t.Fatalf("replay failed: %v\n%s\nscenario:\n%s", v, out, recorded)
	}
	wantLines, got := actions(rec.Lines()), actions(again.Lines())
	if !slices.Equal(got, wantLines) {
		t.Errorf("replay did\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}
	isSleep := func(line string) bool { return strings.HasPrefix(line, "sleep ") }
	if !slices.ContainsFunc(rec.Lines(), isSleep) {
		t.Errorf("recording has no sleep line:\n%s", recorded)
	}
}

func TestRecorderLines(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+"say unused\n")
	rec := NewRecorder(startCluster(t, s))
	rec.Cut(1, 2)
	if err := rec.Cut(1, 1); err == nil {
		t.Errorf("Cut(1, 1) succeeded, want an error")
	}
	rec.SetLoss(2, 3, 0.125)
	rec.SetDelay(3, 1, 1500*time.Millisecond)
	rec.Crash(2)
	if err := rec.Crash(2); err == nil {
		t.Errorf("second Crash(2) succeeded, want an error")
	}
	rec.RestartWith(2, cluster.RestartAmnesia)
	rec.Partition([]int{3})
	rec.SetPaused(true)
	rec.SetPaused(false)
	want := []string{"cut 1 -> 2", "loss 2 -> 3 12.5%", "delay 3 -> 1 1.5s", "crash 2",
		"restart 2 amnesia", "partition 3 | 1 | 2", "pause", "resume"}
	if got := actions(rec.Lines()); !slices.Equal(got, want) {
		t.Errorf("lines = %q, want %q", got, want)
	}
}

func TestRecorderScriptHeader(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+"checkquorum on\nseed 9\nslow 4\nsay unused\n")
	c, err := cluster.New(s.Options.Config(t.TempDir(), s.Options.Slowdown))
	if err != nil {
		t.Fatalf("cluster.New: %v", err)
	}
	defer c.Stop()
	script := string(NewRecorder(c).Script())
	want := "nodes 3\nelection-timeout 100ms 200ms\nheartbeat 25ms\nprevote off\ncheckquorum on\n" +
		"seed 9\nslow 4\n\nsay Replay of a session recorded by hand.\n"
	if !strings.HasSuffix(script, want) {
		t.Errorf("Script() =\n%s\nwant it to end with\n%s", script, want)
	}
}

func TestRecorderCheckpoint(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+"say unused\n")
	c := startCluster(t, s)
	rec := NewRecorder(c)
	rec.SetPaused(true)
	rec.Checkpoint()
	rec.SetPaused(false)
	if err := rec.Campaign(2); err != nil {
		t.Fatalf("Campaign: %v", err)
	}
	deadline := time.Now().Add(runTimeout)
	for id, _ := leaderOf(c.Snapshot()); id != 2; id, _ = leaderOf(c.Snapshot()) {
		if time.Now().After(deadline) {
			t.Fatalf("n2 does not lead after %v", runTimeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
	rec.Checkpoint()
	want := []string{"pause", "expect no leader", "resume", "campaign 2", "expect leader 2"}
	if got := actions(rec.Lines()); !slices.Equal(got, want) {
		t.Errorf("lines = %q, want %q", got, want)
	}
}

func TestFormatGroups(t *testing.T) {
	cases := []struct {
		groups [][]int
		want   string
	}{
		{[][]int{{1, 2}, {3, 4, 5}}, "1 2 | 3 4 5"},
		{[][]int{{2}}, "2 | 1 | 3"},
		{nil, "1 | 2 | 3"},
		{[][]int{{1, 2}, {}, {2, 3}}, "1 2 | 2 3"},
	}
	for _, tc := range cases {
		if got := formatGroups(tc.groups, 3); got != tc.want {
			t.Errorf("formatGroups(%v) = %q, want %q", tc.groups, got, tc.want)
		}
	}
}

// TestRecorderExpectsViolationOfRestart records an amnesia restart of a node
// that has a term, which the safety monitor flags at once, and replays it.
func TestRecorderExpectsViolationOfRestart(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+"say unused\n")
	rec := NewRecorder(startCluster(t, s))
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(rec.Campaign(1))
	waitForLeader(t, rec)
	check(rec.Crash(1))
	check(rec.RestartWith(1, cluster.RestartAmnesia))
	want := []string{"campaign 1", "crash 1", "restart 1 amnesia", expectViolation}
	got := slices.DeleteFunc(rec.Lines(), func(line string) bool { return strings.HasPrefix(line, "sleep ") })
	if !slices.Equal(got, want) {
		t.Fatalf("lines = %q, want %q", got, want)
	}
	recorded := rec.Script()
	replayed, err := Parse("recorded.txt", bytes.NewReader(recorded))
	if err != nil {
		t.Fatalf("Parse of the recording: %v\n%s", err, recorded)
	}
	if v, out := runOn(t, replayed, newCluster(t, replayed), RunOptions{}); !v.Passed {
		t.Fatalf("replay failed: %v\n%s\nscenario:\n%s", v, out, recorded)
	}
}

// TestRecorderScriptExpectsLaterViolation checks that a session whose
// violation came from no recorded restart ends with expect safety violation.
func TestRecorderScriptExpectsLaterViolation(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+"say unused\n")
	c := startCluster(t, s)
	rec := NewRecorder(c)
	if err := c.Campaign(1); err != nil {
		t.Fatal(err)
	}
	waitForLeader(t, c)
	if err := c.Crash(1); err != nil {
		t.Fatal(err)
	}
	if err := c.RestartWith(1, cluster.RestartAmnesia); err != nil {
		t.Fatal(err)
	}
	script := string(rec.Script())
	if !strings.HasSuffix(script, "\n"+expectViolation+"\n") {
		t.Errorf("script does not end with %q:\n%s", expectViolation, script)
	}
}
