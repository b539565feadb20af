package bench

import (
	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// voteKey identifies one vote or pre-vote request.
type voteKey struct {
	candidate int
	voter     int
	term      uint64 // the term the candidate asked for
	preVote   bool
}

// voteLedger keeps the vote requests of one failover that no voter has
// handled yet. A request that a running voter never handles was lost on the
// way: the voter would have reported granting or rejecting it.
type voteLedger struct {
	pending map[voteKey]bool
}

func newVoteLedger() *voteLedger {
	return &voteLedger{pending: make(map[voteKey]bool)}
}

// observe adds a request when a candidate sends it and removes it when the
// voter handles it.
func (l *voteLedger) observe(e cluster.Event) {
	if e.Kind != cluster.EventRaft {
		return
	}
	switch e.Raft.Kind {
	case raft.EventVoteRequested:
		l.pending[voteKey{e.Node, e.Raft.Peer, e.Raft.Term, e.Raft.PreVote}] = true
	case raft.EventVoteGranted, raft.EventVoteRejected:
		delete(l.pending, voteKey{e.Raft.Peer, e.Node, e.Raft.PeerTerm, e.Raft.PreVote})
	}
}

// lost returns how many requests for a term before term, sent to any voter
// but down, were never handled. Requests for term itself are left out
// because the failover ends while some of them are still on their way.
func (l *voteLedger) lost(term uint64, down int) int {
	count := 0
	for key := range l.pending {
		if key.term < term && key.voter != down {
			count++
		}
	}
	return count
}
