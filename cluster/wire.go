package cluster

import (
	"errors"
	"fmt"

	"github.com/raftplay/raftplay/raft"
)

// The messages on the wire wrap raft's arguments in an envelope naming sender and
// receiver, so that the receiving end can consult the link matrix and reject a
// call meant for another node. A reply with Lost set was lost on a cut link: the
// sender discards it as if it never came.

// VoteRequest carries a RequestVote.
type VoteRequest struct {
	Token    string // the cluster's secret, so that only its nodes are heard
	From, To int
	Args     raft.RequestVoteArgs
}

// VoteResponse carries a RequestVote reply.
type VoteResponse struct {
	Lost  bool
	Reply raft.RequestVoteReply
}

// HeartbeatRequest carries an AppendEntries.
type HeartbeatRequest struct {
	Token    string // the cluster's secret, so that only its nodes are heard
	From, To int
	Args     raft.AppendEntriesArgs
}

// HeartbeatResponse carries an AppendEntries reply.
type HeartbeatResponse struct {
	Lost  bool
	Reply raft.AppendEntriesReply
}

// ErrUnauthorized is returned to a call without this run's cluster token: it
// comes from another process, not from a node of this cluster.
var ErrUnauthorized = errors.New("cluster: call without this cluster's token")

// ErrWrongNode is returned to a call addressed to another node than the one
// listening, which happens only if addresses are misconfigured.
var ErrWrongNode = errors.New("cluster: call addressed to another node")

// Service is the net/rpc receiver of one node incarnation, registered as "Node".
type Service struct {
	id     int
	node   *raft.Node
	links  *links
	clock  *Clock
	stop   <-chan struct{} // closed when the incarnation crashes
	saved  *savedState     // the node's state file, for the monitor
	token  string          // the cluster's secret
	report func(node int, violation string)
}

// checkSaved reports a reply that carries a term or vote not yet in the node's
// state file.
func (s *Service) checkSaved(what string, sent raft.HardState) {
	if v := persistViolation(s.id, what, sent, s.saved.get()); v != "" {
		s.report(s.id, v)
	}
}

// receive runs handle for a request from→this node with token, unless the
// request is not this cluster's or the link drops it, and reports whether the
// link drops the reply. It holds the request while the cluster is paused or
// the node is frozen, and fails if the node crashes meanwhile.
func (s *Service) receive(token string, from, to int, handle func() error) (lost bool, err error) {
	switch {
	case token != s.token:
		return false, ErrUnauthorized
	case to != s.id:
		return false, fmt.Errorf("%w: for n%d, reached n%d", ErrWrongNode, to, s.id)
	case !s.clock.WaitRunning(s.id, s.stop):
		return false, raft.ErrStopped
	case !s.links.delivers(from, s.id):
		return true, nil
	}
	if err := handle(); err != nil {
		return false, err
	}
	return !s.links.delivers(s.id, from), nil
}

// RequestVote delivers a vote request to the node, unless the link drops it.
func (s *Service) RequestVote(req *VoteRequest, resp *VoteResponse) (err error) {
	resp.Lost, err = s.receive(req.Token, req.From, req.To, func() error {
		reply, err := s.node.HandleRequestVote(&req.Args)
		if err != nil {
			return err
		}
		if !req.Args.PreVote {
			s.checkSaved("sent a vote reply", raft.HardState{Term: reply.Term, VotedFor: reply.VotedFor})
		}
		resp.Reply = reply
		return nil
	})
	return err
}

// AppendEntries delivers a heartbeat to the node, unless the link drops it.
func (s *Service) AppendEntries(req *HeartbeatRequest, resp *HeartbeatResponse) (err error) {
	resp.Lost, err = s.receive(req.Token, req.From, req.To, func() error {
		reply, err := s.node.HandleAppendEntries(&req.Args)
		if err != nil {
			return err
		}
		s.checkSaved("sent a heartbeat reply", raft.HardState{Term: reply.Term})
		resp.Reply = reply
		return nil
	})
	return err
}
