package cluster

import (
	"testing"
)

// openConns returns how many connections node id's running incarnation holds
// to its peers.
func (tc *testCluster) openConns(id int) int {
	tc.Cluster.mu.Lock()
	inc := tc.members[id-1].running
	tc.Cluster.mu.Unlock()
	if inc == nil {
		return 0
	}
	inc.transport.mu.Lock()
	defer inc.transport.mu.Unlock()
	return len(inc.transport.clients)
}

func TestIdleConnectionsClosedInLargeCluster(t *testing.T) {
	const nodes = keptConns + 4
	tc := startCluster(t, testConfig(t, nodes))
	leader, _ := tc.waitStableLeader()
	candidate := leader%nodes + 1

	// A campaign dials every peer; once idle, all but keptConns close.
	must(t, tc.Campaign(candidate))
	waitFor(t, "the candidate to lead", func() bool {
		l, _ := stableLeader(tc.Snapshot())
		return l == candidate
	})
	waitFor(t, "the old leader's unused connections to close", func() bool {
		return tc.openConns(leader) <= keptConns
	})
	// The new leader keeps one to every peer, since it uses them all.
	if got := tc.openConns(candidate); got != nodes-1 {
		t.Errorf("the leader holds %d connections, want %d", got, nodes-1)
	}

	// A closed connection is dialed again when needed.
	must(t, tc.Campaign(leader))
	waitFor(t, "the old leader to lead again", func() bool {
		l, _ := stableLeader(tc.Snapshot())
		return l == leader
	})
}
