package cluster

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raftplay/raftplay/raft"
)

func TestRestartKeepsPersistedTermAndVote(t *testing.T) {
	tc := startCluster(t, testConfig(t, 5))
	leader, _ := tc.waitStableLeader()
	follower := leader%5 + 1
	if err := tc.Crash(follower); err != nil {
		t.Fatalf("Crash(%d): %v", follower, err)
	}
	file, err := raft.ReadStateFile(StatePath(tc.cfg.Dir, follower))
	if err != nil {
		t.Fatalf("reading n%d's state file: %v", follower, err)
	}
	down := tc.Snapshot().Nodes[follower-1]
	if down.Persisted.Term != file.Term || down.Persisted.VotedFor != file.VotedFor {
		t.Errorf("snapshot of crashed n%d shows term %d vote %d, file holds term %d vote %d",
			follower, down.Persisted.Term, down.Persisted.VotedFor, file.Term, file.VotedFor)
	}

	// Isolated, the restarted node hears nothing that could change its term
	// before the first look, and its first timeout is at least 150ms away.
	if err := tc.Isolate(follower); err != nil {
		t.Fatalf("Isolate(%d): %v", follower, err)
	}
	if err := tc.Restart(follower); err != nil {
		t.Fatalf("Restart(%d): %v", follower, err)
	}
	n := tc.Snapshot().Nodes[follower-1]
	if n.Status.Term != file.Term {
		t.Errorf("restarted n%d at term %d, file holds %d", follower, n.Status.Term, file.Term)
	}
	if n.Status.VotedFor != file.VotedFor {
		t.Errorf("restarted n%d voted for %d, file holds %d", follower, n.Status.VotedFor, file.VotedFor)
	}
	if n.Status.Role != raft.Follower || n.Status.Leader != raft.None {
		t.Errorf("restarted n%d is %s following n%d, want a follower that knows no leader",
			follower, n.Status.Role, n.Status.Leader)
	}
	if n.Incarnation != 2 {
		t.Errorf("restarted n%d has incarnation %d, want 2", follower, n.Incarnation)
	}
}

func TestNoLeaderWithoutMajority(t *testing.T) {
	tc := startCluster(t, testConfig(t, 5))
	leader, _ := tc.waitStableLeader()
	crashed := []int{leader, leader%5 + 1, (leader+1)%5 + 1}
	for _, id := range crashed {
		if err := tc.Crash(id); err != nil {
			t.Fatalf("Crash(%d): %v", id, err)
		}
	}
	afterCrash := len(tc.eventsMatching(func(Event) bool { return true }))

	// The two survivors keep timing out and campaigning; wait for several
	// failed elections, and check that none of them was won.
	waitFor(t, "the survivors to start four elections", func() bool {
		started := tc.eventsMatching(func(e Event) bool {
			return e.Seq > uint64(afterCrash) && e.Kind == EventRaft && e.Raft.Kind == raft.EventElectionStarted
		})
		return len(started) >= 4
	})
	won := tc.eventsMatching(func(e Event) bool {
		return e.Seq > uint64(afterCrash) && e.Kind == EventRaft && e.Raft.Kind == raft.EventElectionWon
	})
	if len(won) > 0 {
		t.Fatalf("a minority of 2 elected a leader: %v", won[0])
	}
	if l, _ := tc.Snapshot().Leader(); l != raft.None {
		t.Fatalf("n%d leads with only 2 of 5 nodes up", l)
	}

	if err := tc.Restart(crashed[1]); err != nil {
		t.Fatalf("Restart(%d): %v", crashed[1], err)
	}
	tc.waitStableLeader()
}

func TestIsolatedLeaderIsReplaced(t *testing.T) {
	tc := startCluster(t, testConfig(t, 5))
	old, oldTerm := tc.waitStableLeader()
	if tc.Snapshot().Stale(old) {
		t.Errorf("n%d is marked stale while it reaches every node", old)
	}
	if err := tc.Isolate(old); err != nil {
		t.Fatalf("Isolate(%d): %v", old, err)
	}
	if !tc.Snapshot().Stale(old) {
		t.Errorf("isolated leader n%d is not marked stale", old)
	}
	waitFor(t, "the majority to elect a new leader", func() bool {
		s := tc.Snapshot()
		for _, n := range s.Nodes {
			if n.ID != old && n.Status.Role == raft.Leader && n.Status.Term > oldTerm {
				return true
			}
		}
		return false
	})
	if s := tc.Snapshot(); s.Nodes[old-1].Status.Term != oldTerm {
		t.Errorf("isolated n%d moved to term %d, want it stuck at %d", old, s.Nodes[old-1].Status.Term, oldTerm)
	}

	if err := tc.Rejoin(old); err != nil {
		t.Fatalf("Rejoin(%d): %v", old, err)
	}
	leader, term := tc.waitStableLeader()
	if term <= oldTerm {
		t.Errorf("after healing, n%d leads term %d, want above %d", leader, term, oldTerm)
	}
	tc.checkOneLeaderPerTerm()
}

func TestOneWayCutLosesRequestsAndReplies(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	leader, term := tc.waitStableLeader()
	victim := leader%3 + 1
	if err := tc.Cut(leader, victim); err != nil {
		t.Fatalf("Cut(%d, %d): %v", leader, victim, err)
	}

	// The victim misses the leader's heartbeats, so it campaigns. Its vote
	// request reaches the leader, which handles it, but the leader's reply is lost.
	waitFor(t, "the leader to handle the victim's vote request", func() bool {
		return len(tc.eventsMatching(func(e Event) bool {
			k := e.Raft.Kind
			return e.Kind == EventRaft && e.Node == leader && e.Raft.Peer == victim &&
				e.Raft.Term > term && (k == raft.EventVoteGranted || k == raft.EventVoteRejected)
		})) > 0
	})
	received := tc.eventsMatching(func(e Event) bool {
		return e.Kind == EventRaft && e.Node == victim && e.Raft.Kind == raft.EventVoteReceived &&
			e.Raft.Peer == leader
	})
	if len(received) > 0 {
		t.Errorf("n%d received a reply from n%d over the cut link: %v", victim, leader, received[0])
	}
	if !tc.Snapshot().Delivers(victim, leader) {
		t.Errorf("cutting n%d→n%d also cut n%d→n%d", leader, victim, victim, leader)
	}

	tc.HealAll()
	tc.waitStableLeader()
}

func TestDamagedStateFileKeepsNodeDown(t *testing.T) {
	valid := raft.EncodeStateFile(raft.StateFile{Format: raft.StateFormat, Node: 3, Term: 7, VotedFor: 2, Writes: 4})
	flipped := bytes.Clone(valid)
	flipped[12] ^= 0x01
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"truncated", valid[:len(valid)-5], raft.ErrStateTruncated},
		{"flipped byte", flipped, raft.ErrStateCorrupt},
		{"wrong version", raft.EncodeStateFile(raft.StateFile{Format: 9, Node: 3, Term: 7}), raft.ErrStateVersion},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, 3)
			path := StatePath(cfg.Dir, 3)
			if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			tc := startCluster(t, cfg)

			n := tc.Snapshot().Nodes[2]
			if n.Up {
				t.Fatalf("n3 is up with a damaged state file")
			}
			if !strings.Contains(n.Err, path) {
				t.Errorf("n3's error %q does not name the file %s", n.Err, path)
			}
			err := tc.Restart(3)
			if !errors.Is(err, tt.want) {
				t.Errorf("Restart(3) = %v, want an error wrapping %v", err, tt.want)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, tt.data) {
				t.Errorf("the damaged file changed: %q, was %q", got, tt.data)
			}
			tc.waitStableLeader() // the other two still form a majority
		})
	}
}

func TestFaultErrors(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	tc.waitStableLeader()
	if err := tc.Crash(9); !errors.Is(err, ErrNoSuchNode) {
		t.Errorf("Crash(9) = %v, want ErrNoSuchNode", err)
	}
	if err := tc.Restart(1); !errors.Is(err, ErrNodeUp) {
		t.Errorf("Restart of a running node = %v, want ErrNodeUp", err)
	}
	if err := tc.Crash(2); err != nil {
		t.Fatalf("Crash(2): %v", err)
	}
	if err := tc.Crash(2); !errors.Is(err, ErrNodeDown) {
		t.Errorf("second Crash(2) = %v, want ErrNodeDown", err)
	}
	if err := tc.Cut(1, 1); !errors.Is(err, ErrSameNode) {
		t.Errorf("Cut(1, 1) = %v, want ErrSameNode", err)
	}
	if err := tc.Cut(0, 1); !errors.Is(err, ErrNoSuchNode) {
		t.Errorf("Cut(0, 1) = %v, want ErrNoSuchNode", err)
	}
}

func TestStateFilesArePrivate(t *testing.T) {
	cfg := testConfig(t, 3)
	cfg.Dir = filepath.Join(cfg.Dir, "state")
	tc := startCluster(t, cfg)
	tc.waitStableLeader()
	info, err := os.Stat(cfg.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o700 {
		t.Errorf("state folder has mode %v, want 0700", info.Mode().Perm())
	}
	for id := 1; id <= 3; id++ {
		fi, err := os.Stat(StatePath(tc.cfg.Dir, id))
		if err != nil {
			t.Fatalf("n%d's state file: %v", id, err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("n%d's state file has mode %v, want 0600", id, fi.Mode().Perm())
		}
	}
	for _, n := range tc.Snapshot().Nodes {
		if !strings.HasPrefix(n.Addr, "127.0.0.1:") {
			t.Errorf("n%d listens on %s, want 127.0.0.1", n.ID, n.Addr)
		}
	}
}

func TestRestartedPeerGetsNextRequest(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	leader, term := tc.waitStableLeader()
	restarted := leader%3 + 1
	must(t, tc.Crash(restarted))
	must(t, tc.Restart(restarted))

	// The leader's cached connection to the restarted node died with the old
	// incarnation. The transfer rides on the very next message over it, and
	// nothing else would make the restarted node campaign, so a lost message
	// would leave it a follower.
	must(t, tc.TransferLeadership(restarted))
	waitFor(t, "the restarted node to take over", func() bool {
		l, got := tc.Snapshot().Leader()
		return l == restarted && got > term
	})
}
