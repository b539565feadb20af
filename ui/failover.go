package ui

import (
	"time"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// maxFailovers is how many past failovers the histogram draws.
const maxFailovers = 20

// follow is the term a node is in and the leader it follows in it, which is
// the node itself for a leader, or raft.None.
type follow struct {
	term   uint64
	leader int
}

// failover is one finished failover: from the loss of a working leader to a
// new leader followed by a majority. A handover is timed the same way, but
// from the request that started it.
type failover struct {
	took   time.Duration // in cluster time
	why    string        // the cause of the old leader's loss, or the handover's request
	leader int           // the new leader
	burned uint64        // terms from the old leader's to the new leader's
	term   uint64        // the new leader's
	target int           // for a handover: the node that the request named
}

// plannedElection is an election that a user's request started rather than an
// election timeout, such as a leadership transfer or a campaign that the n or
// s key requested.
type plannedElection struct {
	at       time.Time
	node     int
	transfer bool
}

// transferRequest is the last leadership transfer requested, to node to.
type transferRequest struct {
	at time.Time
	to int
}

// failoverClock times failovers from the event stream. It keeps its own copy
// of which nodes run, are frozen, follow whom, and which links are cut, updated
// by every event. Both ends of a failover so carry the exact cluster time of
// the event that caused them, not the time of a later snapshot.
//
// A working leader is a node that leads its term, is followed by a majority
// (itself included, as cluster.Snapshot.Followers counts), runs unfrozen, and
// reaches a majority through links that are not cut. The clock starts when the
// working leader stops being one (it crashed, froze, stepped down or was cut
// off from a majority) and stops when any node is a working leader again.
//
// A leader that steps down, or loses its followers, to a newer term whose
// election a request started hands over rather than fails. The clock times
// that as a handover, from the request, and keeps it out of the failovers.
type failoverClock struct {
	nodes     int
	up        []bool // by node id
	frozen    []bool
	following []follow
	cut       [][]bool  // cut[from][to]
	since     time.Time // the first snapshot's time: earlier events are in it already
	now       time.Time

	leader   follow // the working leader, or the zero follow before the first
	running  bool
	handover bool // set while the running clock times a handover rather than a failover
	lostAt   time.Time
	lostWhy  string
	lostTerm uint64
	target   int // for a handover: the node that the request named

	planned  map[uint64]plannedElection // by term, for the terms after the working leader's
	transfer transferRequest

	done          []failover // newest last, at most maxFailovers
	lastHandover  failover
	handoverCount int
}

// newFailoverClock starts from the state of snapshot s.
func newFailoverClock(s cluster.Snapshot) failoverClock {
	n := len(s.Nodes)
	f := failoverClock{nodes: n, up: make([]bool, n+1), frozen: make([]bool, n+1),
		following: make([]follow, n+1), cut: make([][]bool, n+1), since: s.Time, now: s.Time}
	for i := range f.cut {
		f.cut[i] = make([]bool, n+1)
	}
	for _, node := range s.Nodes {
		f.up[node.ID], f.frozen[node.ID] = node.Up, node.Frozen
		if node.Up {
			f.following[node.ID] = follow{node.Status.Term, node.Status.Leader}
		}
		for _, to := range s.Nodes {
			f.cut[node.ID][to.ID] = to.ID != node.ID && !s.Delivers(node.ID, to.ID)
		}
	}
	f.leader, _ = f.workingLeader()
	return f
}

// observe applies e, then starts or stops the clock at e's time. A node's
// event carries that node's clock, which lags the cluster's by the time the
// node spent frozen, so the clock never moves back. Events from before the
// first snapshot, which the UI reads from the queue when it starts, are
// already part of that snapshot and are skipped.
//
// NOTE: a node thawed after a freeze stamps its events early, by the time it
// spent frozen. The clock then takes the newest time seen, which may be later
// than the event by up to the time between two events.
func (f *failoverClock) observe(e cluster.Event) {
	if f.nodes == 0 || e.Time.Before(f.since) {
		return
	}
	f.apply(e)
	if e.Time.After(f.now) {
		f.now = e.Time
	}
	f.check()
}

func (f *failoverClock) valid(id int) bool { return id >= 1 && id <= f.nodes }

func (f *failoverClock) apply(e cluster.Event) {
	if !f.valid(e.Node) {
		return
	}
	switch e.Kind {
	case cluster.EventCrashed, cluster.EventStartFailed:
		f.up[e.Node], f.frozen[e.Node], f.following[e.Node] = false, false, follow{}
	case cluster.EventRestarted:
		f.up[e.Node], f.frozen[e.Node] = true, false
		f.following[e.Node] = follow{term: e.Loaded.Term}
	case cluster.EventFrozen, cluster.EventThawed:
		f.frozen[e.Node] = e.Kind == cluster.EventFrozen
	case cluster.EventLinkCut, cluster.EventLinkHealed, cluster.EventLinkChanged:
		if f.valid(e.Peer) {
			f.cut[e.Node][e.Peer] = e.Link.Cut
		}
	case cluster.EventTransferRequested:
		f.transfer = transferRequest{at: e.Time, to: e.Peer}
	case cluster.EventRaft:
		f.applyRaft(e.Raft)
	}
}

func (f *failoverClock) applyRaft(e raft.Event) {
	switch e.Kind {
	case raft.EventElectionStarted:
		if (e.Forced || e.Transfer) && !e.PreVote && e.Term > f.leader.term {
			if _, seen := f.planned[e.Term]; !seen {
				if f.planned == nil {
					f.planned = map[uint64]plannedElection{}
				}
				f.planned[e.Term] = plannedElection{at: e.Time, node: e.Node, transfer: e.Transfer}
			}
		}
	case raft.EventTermChanged:
		f.following[e.Node] = follow{term: e.Term}
	case raft.EventRoleChanged:
		switch e.Role {
		case raft.Leader:
			f.following[e.Node] = follow{e.Term, e.Node}
		case raft.Follower:
			f.following[e.Node] = follow{e.Term, e.Peer}
		default:
			f.following[e.Node] = follow{term: e.Term}
		}
	}
}

// check starts the clock when the working leader is lost, and stops it when
// there is a working leader again.
func (f *failoverClock) check() {
	if !f.running {
		if f.leader.leader == raft.None {
			f.leader, _ = f.workingLeader() // the first election is no failover
			f.forgetPlans()
			return
		}
		if why := f.lost(f.leader); why != "" {
			f.running, f.lostAt, f.lostWhy, f.lostTerm = true, f.now, why, f.leader.term
			f.handover = false
			if plan, ok := f.handedOver(f.leader); ok {
				f.startHandover(plan)
			}
		}
		return
	}
	if next, ok := f.workingLeader(); ok {
		f.finish(next)
	}
}

// handedOver returns the planned election that took leadership from lead, if
// one did. That is the case when lead still runs unfrozen and reaches a
// majority, and a request started the election of the newest term that a
// running node is in.
func (f *failoverClock) handedOver(lead follow) (plannedElection, bool) {
	id := lead.leader
	if !f.up[id] || f.frozen[id] || f.reach(id) < raft.Majority(f.nodes) {
		return plannedElection{}, false
	}
	newest := lead.term
	for node := 1; node <= f.nodes; node++ {
		if f.up[node] {
			newest = max(newest, f.following[node].term)
		}
	}
	plan, ok := f.planned[newest]
	return plan, ok && newest > lead.term
}

// startHandover times the running clock as a handover from the request that
// started plan, which is the transfer request if there was one and the
// election otherwise.
func (f *failoverClock) startHandover(plan plannedElection) {
	f.handover, f.lostAt, f.target = true, plan.at, plan.node
	f.lostWhy = raft.NodeName(plan.node) + " campaigned"
	if plan.transfer {
		f.lostWhy = "transfer to " + raft.NodeName(plan.node)
		if f.transfer.to == plan.node && f.transfer.at.Before(plan.at) {
			f.lostAt = f.transfer.at
		}
		f.transfer = transferRequest{}
	}
}

func (f *failoverClock) finish(next follow) {
	done := failover{took: f.now.Sub(f.lostAt), why: f.lostWhy, leader: next.leader,
		burned: next.term - min(f.lostTerm, next.term), term: next.term, target: f.target}
	if f.handover {
		f.lastHandover = done
		f.handoverCount++
	} else {
		f.done = append(f.done, done)
		if len(f.done) > maxFailovers {
			f.done = f.done[len(f.done)-maxFailovers:]
		}
	}
	f.leader, f.running, f.handover = next, false, false
	f.forgetPlans()
}

// forgetPlans drops the planned elections of the working leader's term and
// older, which can no longer take leadership from it.
func (f *failoverClock) forgetPlans() {
	for term := range f.planned {
		if term <= f.leader.term {
			delete(f.planned, term)
		}
	}
}

// lost returns why the leader of lead is not a working leader, or "" while it
// is one.
func (f *failoverClock) lost(lead follow) string {
	id := lead.leader
	name := raft.NodeName(id)
	switch {
	case !f.up[id]:
		return name + " crashed"
	case f.frozen[id]:
		return name + " froze"
	case f.following[id] != lead:
		return name + " stepped down"
	case f.followers(lead) < raft.Majority(f.nodes):
		return name + " lost followers"
	case f.reach(id) < raft.Majority(f.nodes):
		return name + " cut off"
	}
	return ""
}

// workingLeader returns the leader with the highest term that is working.
func (f *failoverClock) workingLeader() (follow, bool) {
	best, found := follow{}, false
	for id := 1; id <= f.nodes; id++ {
		lead := f.following[id]
		if lead.leader != id || (found && lead.term <= best.term) {
			continue
		}
		if f.lost(lead) == "" {
			best, found = lead, true
		}
	}
	return best, found
}

// followers counts the running nodes that follow lead, the leader included.
func (f *failoverClock) followers(lead follow) int {
	count := 0
	for id := 1; id <= f.nodes; id++ {
		if f.up[id] && f.following[id] == lead {
			count++
		}
	}
	return count
}

// reach counts the nodes id's heartbeats arrive at, itself included: running
// and unfrozen, on a link that is not cut. A leader that reaches fewer than a
// majority is cut off.
func (f *failoverClock) reach(id int) int {
	count := 1
	for to := 1; to <= f.nodes; to++ {
		if to != id && f.up[to] && !f.frozen[to] && !f.cut[id][to] {
			count++
		}
	}
	return count
}
