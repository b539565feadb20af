package cluster

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/raftplay/raftplay/raft"
)

// crashIsolated isolates node id and crashes it, so that after a restart
// nothing reaches it before the test reads its state.
func crashIsolated(t *testing.T, tc *testCluster, id int) {
	t.Helper()
	must(t, tc.Isolate(id))
	must(t, tc.Crash(id))
}

func TestAmnesiaRestartForgetsTermAndVote(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	tc.unsafe = true // the term falls to 0, which the monitor reports
	leader, _ := tc.waitStableLeader()
	follower := leader%3 + 1
	crashIsolated(t, tc, follower)
	must(t, tc.RestartWith(follower, RestartAmnesia))

	n := tc.Snapshot().Nodes[follower-1]
	if n.Status.Term != 0 || n.Status.VotedFor != raft.None {
		t.Errorf("after amnesia n%d has term %d vote %d, want term 0 and no vote",
			follower, n.Status.Term, n.Status.VotedFor)
	}
	if n.RestartMode != RestartAmnesia {
		t.Errorf("snapshot says restart mode %v, want amnesia", n.RestartMode)
	}
	if _, err := os.Stat(StatePath(tc.cfg.Dir, follower)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("state file after amnesia: %v, want it deleted", err)
	}
}

func TestStaleRestartGoesBackOneWrite(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	tc.unsafe = true // the term falls back, which the monitor reports
	leader, term := tc.waitStableLeader()
	follower := leader%3 + 1
	must(t, tc.Crash(leader)) // the follower writes again when it votes in a new term
	waitFor(t, "the follower to move past term "+itoa(int(term)), func() bool {
		return tc.Snapshot().Nodes[follower-1].Status.Term > term
	})
	crashIsolated(t, tc, follower)
	m := tc.members[follower-1]
	previous, ok := m.history.previous()
	if !ok {
		t.Fatal("no earlier write recorded")
	}
	want, err := raft.DecodeStateFile(previous)
	if err != nil {
		t.Fatalf("decoding the earlier write: %v", err)
	}

	must(t, tc.RestartWith(follower, RestartStale))
	onDisk, err := raft.ReadStateFile(StatePath(tc.cfg.Dir, follower))
	if err != nil {
		t.Fatalf("reading the restored file: %v", err)
	}
	if onDisk != want {
		t.Errorf("file after stale restart holds %+v, want the earlier write %+v", onDisk, want)
	}
	n := tc.Snapshot().Nodes[follower-1]
	if n.Status.Term != want.Term || n.Status.VotedFor != want.VotedFor {
		t.Errorf("stale n%d runs with term %d vote %d, want the earlier write's term %d vote %d",
			follower, n.Status.Term, n.Status.VotedFor, want.Term, want.VotedFor)
	}
}

func TestTornRestartIsReported(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	leader, _ := tc.waitStableLeader()
	follower := leader%3 + 1
	must(t, tc.Crash(follower))
	path := StatePath(tc.cfg.Dir, follower)

	err := tc.RestartWith(follower, RestartTorn)
	if !errors.Is(err, raft.ErrStateTruncated) {
		t.Fatalf("torn restart = %v, want an error wrapping ErrStateTruncated", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file %s", err, path)
	}
	n := tc.Snapshot().Nodes[follower-1]
	if n.Up {
		t.Error("a node with a torn state file is running")
	}
	if !strings.Contains(n.Err, path) {
		t.Errorf("snapshot error %q does not name the file", n.Err)
	}
	if n.RestartMode != RestartTorn {
		t.Errorf("snapshot says restart mode %v, want torn", n.RestartMode)
	}
}

func TestStaleRestartNeedsEarlierWrite(t *testing.T) {
	cfg := testConfig(t, 3)
	tc := startCluster(t, cfg)
	must(t, tc.Crash(1)) // before any write of its own
	err := tc.RestartWith(1, RestartStale)
	if err != nil && !errors.Is(err, ErrNoEarlierWrite) {
		t.Errorf("stale restart = %v, want success or ErrNoEarlierWrite", err)
	}
}

// TestAmnesiaCanElectTwoLeaders builds the schedule that makes a forgotten vote
// count twice: x wins term T+1 with z's vote, z restarts with amnesia, and y
// then wins the same term with z's vote again. The safety monitor must see it.
func TestAmnesiaCanElectTwoLeaders(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	tc.unsafe = true
	z, term := tc.waitStableLeader()
	x := z%3 + 1
	y := x%3 + 1

	must(t, tc.CutBetween(x, y))
	must(t, tc.SetFrozen(y, true)) // y stays in term T until it is told to campaign
	must(t, tc.Campaign(x))
	waitFor(t, "x to win term T+1", func() bool {
		n := tc.Snapshot().Nodes[x-1]
		return n.Status.Role == raft.Leader && n.Status.Term == term+1
	})

	must(t, tc.Crash(z))
	must(t, tc.RestartWith(z, RestartAmnesia))
	must(t, tc.SetFrozen(y, false))
	must(t, tc.Campaign(y))
	want := "two leaders in term " + itoa(int(term+1))
	waitFor(t, "the monitor to report two leaders in one term", func() bool {
		return slices.ContainsFunc(tc.Snapshot().Violations, func(v string) bool {
			return strings.Contains(v, want)
		})
	})
	violations := tc.Snapshot().Violations
	if !strings.Contains(violations[0], "fell from") || !strings.Contains(violations[0], "amnesia restart") {
		t.Errorf("first violation %q, want the term falling after the amnesia restart", violations[0])
	}
	if !slices.ContainsFunc(violations, func(v string) bool { return strings.Contains(v, "voted twice") }) {
		t.Errorf("violations %q do not include the vote cast twice", violations)
	}
	if len(tc.eventsMatching(func(e Event) bool { return e.Kind == EventSafetyViolation })) == 0 {
		t.Error("no EventSafetyViolation in the event stream")
	}
}
