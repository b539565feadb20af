package scenario

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/raftplay/raftplay/cluster"
)

// fastHeader is the header of the test scenarios: three nodes with short
// timeouts, so that runs at real speed end quickly.
const fastHeader = "nodes 3\nelection-timeout 100ms 200ms\nheartbeat 25ms\n"

func TestRunFailedExpectation(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+"elect 1\nwait leader 1 within 5s\nexpect leader 2\nsay unreached\n")
	v, out := runHeadless(t, s)
	if v.Passed {
		t.Fatalf("verdict passed, want a failure\n%s", out)
	}
	if !errors.Is(v.Err, ErrExpectation) {
		t.Errorf("error %v, want ErrExpectation", v.Err)
	}
	want := `test.txt:6: "expect leader 2": expected n2 to lead; saw n1 leads term`
	if !strings.Contains(v.Err.Error(), want) {
		t.Errorf("error = %v\nwant it to contain %q", v.Err, want)
	}
	if !strings.Contains(v.Err.Error(), "(n1 leader in term") {
		t.Errorf("error = %v, want every node's state", v.Err)
	}
	if v.Steps != 3 {
		t.Errorf("Steps = %d, want 3: the run stops at the failure", v.Steps)
	}
	if !strings.Contains(out, "FAIL  "+v.Err.Error()) {
		t.Errorf("output lacks the FAIL line:\n%s", out)
	}
}

func TestRunWaitTimesOut(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+"elect 2\nwait leader 2 within 5s\nwait no leader within 100ms\n")
	v, out := runHeadless(t, s)
	if v.Passed {
		t.Fatalf("verdict passed, want a failure\n%s", out)
	}
	want := `test.txt:6: "wait no leader within 100ms": ` +
		`expected no leader within 100ms; saw n2 leads term`
	if !strings.Contains(v.Err.Error(), want) {
		t.Errorf("error = %v\nwant it to contain %q", v.Err, want)
	}
}

func TestRunLeaderWithoutLeader(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+"pause\ncrash leader\n")
	v, _ := runHeadless(t, s)
	if !errors.Is(v.Err, ErrStepFailed) {
		t.Fatalf("error = %v, want ErrStepFailed", v.Err)
	}
	want := `test.txt:5: "crash leader": leader names the current leader, but there is no leader`
	if !strings.Contains(v.Err.Error(), want) {
		t.Errorf("error = %v\nwant it to contain %q", v.Err, want)
	}
}

func TestRunClusterErrorFails(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+"crash 2\ncrash 2\n")
	v, _ := runHeadless(t, s)
	if !errors.Is(v.Err, ErrStepFailed) || !errors.Is(v.Err, cluster.ErrNodeDown) {
		t.Fatalf("error = %v, want ErrStepFailed and cluster.ErrNodeDown", v.Err)
	}
	if !strings.Contains(v.Err.Error(), `test.txt:5: "crash 2": crash n2: node is down`) {
		t.Errorf("error = %v, want the line and the cluster's reason", v.Err)
	}
}

func TestRunEveryStepKind(t *testing.T) {
	t.Parallel()
	s := mustParse(t, `nodes 5
election-timeout 100ms 200ms
heartbeat 25ms
say Every kind of step, one after the other.
elect 1
wait leader 1 within 5s
mark term
expect term == mark on leader
expect role 1 leader
expect role 2 not leader
expect no safety violation
delay 1 -> 2 5ms
delay 2 3 5ms
loss 3 -> 4 10%
loss 4 5 0%
cut 1 -> 5
heal 1 -> 5
cut 4 5
heal 4 5
isolate 5
rejoin 5
heal 5
partition 1 2 3 | 3 4 5
partition majority
heal all
wait leader within 5s
freeze 4
thaw 4
freeze 4 for 50ms
spread-timers
pause
speed 2
resume
speed 1
prevote on
checkquorum on
checkquorum off
prevote off
wait stable for 200ms within 5s
elect 3
wait leader 3 within 5s
transfer 2
wait leader 2 within 5s
crash 1
restart 1
sleep 100ms
split-vote 4 5
wait leader within 5s
campaign 1
wait leader within 5s
expect term > mark
expect no safety violation
`)
	v, out := runHeadless(t, s)
	if !v.Passed {
		t.Fatalf("verdict: %v\noutput:\n%s", v, out)
	}
	for _, want := range []string{"n1→n2 delayed 5ms", "n2↔n3 delayed 5ms", "n3→n4 losing 10%",
		"partitioned {n1 n2 n3} | {n3 n4 n5}", "partitioned majority:", "froze n4 for 50ms",
		"ignored: this run keeps the slow-motion factor at 1", "restarted n1 from its state file"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestRunStaleRestartBreaksSafety(t *testing.T) {
	t.Parallel()
	// An isolated node that campaigns twice wrote two terms in a row, so the
	// write before its last holds a lower term.
	s := mustParse(t, fastHeader+`elect 1
wait leader 1 within 5s
isolate 2
campaign 2
campaign 2
crash 2
restart 2 stale
expect safety violation term of n2 fell
`)
	v, out := runHeadless(t, s)
	if !v.Passed {
		t.Fatalf("verdict: %v\noutput:\n%s", v, out)
	}
	if !strings.Contains(out, "restarted n2 from a stale copy of its state file") {
		t.Errorf("output lacks the stale restart:\n%s", out)
	}
}

func TestRunTornRestartStaysDown(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+
		"elect 1\nwait leader 1 within 5s\ncrash 2\nrestart 2 torn\nexpect role 2 down\n")
	v, out := runHeadless(t, s)
	if !v.Passed {
		t.Fatalf("verdict: %v\noutput:\n%s", v, out)
	}
	if !strings.Contains(out, "n2 found its torn state file and stayed down") {
		t.Errorf("output lacks the torn restart's outcome:\n%s", out)
	}
}

func TestStepPreviewAndCaptions(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+"say Hello.\nelect 1\nwait leader 1 within 5s\n")
	c := newCluster(t, s)
	if err := c.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	r := NewRunner(s, c, RunOptions{})
	defer r.Close()
	ctx := context.Background()

	next, ok := r.Next()
	if !ok || next.Text != "say Hello." {
		t.Fatalf("Next = %+v, %v; want the say step", next, ok)
	}
	res, err := r.Step(ctx)
	if err != nil || res.Caption != "Hello." {
		t.Fatalf("Step = %+v, %v; want the caption Hello.", res, err)
	}
	if next, _ = r.Next(); next.Line != 5 {
		t.Errorf("Next after one step = line %d, want 5", next.Line)
	}
	for range 2 {
		if res, err = r.Step(ctx); err != nil {
			t.Fatalf("Step: %v", err)
		}
	}
	if res.Caption != "" || !strings.HasPrefix(res.Outcome, "n1 leads term") {
		t.Errorf("last Result = %+v, want n1 leading and no caption", res)
	}
	if res.End < res.Start {
		t.Errorf("End %v before Start %v", res.End, res.Start)
	}
	if !r.Done() {
		t.Errorf("Done = false after the last step")
	}
	if _, err := r.Step(ctx); !errors.Is(err, ErrDone) {
		t.Errorf("Step after the last = %v, want ErrDone", err)
	}
}

func TestStepContinuesAfterFailure(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+"pause\nexpect leader 1\nsay next\n")
	c := newCluster(t, s)
	if err := c.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	r := NewRunner(s, c, RunOptions{})
	defer r.Close()
	ctx := context.Background()
	r.Step(ctx)
	if _, err := r.Step(ctx); !errors.Is(err, ErrExpectation) {
		t.Fatalf("Step = %v, want ErrExpectation", err)
	}
	res, err := r.Step(ctx)
	if err != nil || res.Caption != "next" {
		t.Errorf("Step after a failure = %+v, %v; want the next caption", res, err)
	}
}

func TestStepCancelledWait(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+"wait safety violation within 1h\n")
	c := newCluster(t, s)
	if err := c.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	r := NewRunner(s, c, RunOptions{})
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Step(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Step = %v, want context.Canceled", err)
	}
}

func TestFreezeForThawsByItself(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+"freeze 2 for 50ms\n")
	c := newCluster(t, s)
	if err := c.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	r := NewRunner(s, c, RunOptions{})
	defer r.Close()
	if _, err := r.Step(context.Background()); err != nil {
		t.Fatalf("Step: %v", err)
	}
	if !c.Snapshot().Nodes[1].Frozen {
		t.Errorf("n2 is not frozen right after the step")
	}
	deadline := time.Now().Add(runTimeout)
	for c.Snapshot().Nodes[1].Frozen {
		if time.Now().After(deadline) {
			t.Fatalf("n2 still frozen after %v", runTimeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSpeedStepApplied(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+"speed 2.5\n")
	c := newCluster(t, s)
	if err := c.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	r := NewRunner(s, c, RunOptions{})
	defer r.Close()
	if _, err := r.Step(context.Background()); err != nil {
		t.Fatalf("Step: %v", err)
	}
	if got := c.Snapshot().Slowdown; got != 2.5 {
		t.Errorf("Slowdown = %v, want 2.5", got)
	}
}

func TestRunPrintsLeaderChanges(t *testing.T) {
	t.Parallel()
	s := mustParse(t, fastHeader+
		"elect 1\nwait leader 1 within 5s\ncrash leader\nwait leader within 5s\n")
	v, out := runHeadless(t, s)
	if !v.Passed {
		t.Fatalf("verdict: %v\noutput:\n%s", v, out)
	}
	for _, want := range []string{
		"line 4    elect 1  → no leader, so n1 campaigns",
		"n1 won the election for term 1",
		"line 6    crash leader  → crashed n1",
		"PASS  test.txt: 4 steps",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestRunInterruptedVerdict(t *testing.T) {
	s := mustParse(t, fastHeader+"sleep 30s\n")
	c := startCluster(t, s)
	runner := NewRunner(s, c, RunOptions{KeepSpeed: true})
	defer runner.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	verdict := runner.Run(ctx, io.Discard)
	if !verdict.Interrupted() {
		t.Fatalf("verdict %q, err %v: want it interrupted", verdict, verdict.Err)
	}
	if !strings.HasPrefix(verdict.String(), "INTERRUPTED") {
		t.Errorf("verdict line %q, want it to start with INTERRUPTED", verdict)
	}
}
