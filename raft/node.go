package raft

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// ErrStopped is returned by a stopped node's handlers, and by calls it abandons
// because it is stopping.
var ErrStopped = errors.New("raft: node stopped")

// errTimeout is the error of a call whose reply did not arrive before its deadline.
var errTimeout = errors.New("raft: call timed out")

// Node is one Raft node's election state machine. Create it with New, run it
// with Start, end it with Stop. A stopped node cannot be started again: a
// restart is a new Node that loads the same Storage.
type Node struct {
	cfg    Config // read-only after New
	log    *slog.Logger
	stopCh chan struct{} // closed by Stop
	wg     sync.WaitGroup

	mu sync.Mutex
	// The fields below are guarded by mu.
	hard        HardState // current term and vote; always equal to what Storage holds
	role        Role
	leader      int       // leader of hard.Term as last heard by this node, or None
	lastHeard   time.Time // last heartbeat from the leader of the current term, or vote granted
	deadline    time.Time // when the election timer runs out, unless reset
	timeout     time.Duration
	resetReason ResetReason
	votes       map[int]bool // voters who replied in the current election: true if granted
	rng         *rand.Rand
	timer       Timer  // the node's one timer: election deadline, or heartbeat interval when leader
	forced      bool   // the next election was requested by Campaign, not by a timeout
	round       uint64 // counts rounds of voting, so a late reply is not counted in a later round
	transfer    bool   // the next election is a leadership transfer, which bypasses PreVote and stickiness
	preVote     bool
	checkQuorum bool
	leaderHeard time.Time         // last heartbeat accepted from a leader, in this term or an older one
	heardFrom   int               // the leader that sent the heartbeat at leaderHeard, or None
	peerHeard   map[int]time.Time // leader only: last reply from each peer in this term
	leaderSince time.Time         // leader only: when it won, so CheckQuorum waits a full window
	expired     time.Duration     // the timeout that ran out and started the current campaign
	contacts    []contact         // the last message from each peer, indexed by id-1
	counts      MessageCounts
	started     bool
	stopped     bool
}

// ResetReason is the cause of the last election timer reset.
type ResetReason int

// The causes of an election timer reset.
const (
	ResetStart           ResetReason = iota // the node started
	ResetHeartbeat                          // a heartbeat came from the current term's leader
	ResetVoteGranted                        // the node granted its vote
	ResetElectionStarted                    // the node started an election
	ResetSteppedDown                        // the node stopped leading, so it needs a timer again
	ResetPersistFailed                      // starting an election failed to save the new term
	ResetRigged                             // the timeout was set by hand, not drawn
	ResetPreVoteStarted                     // the node started asking for pre-votes
)

// String returns the reason in a few words.
func (r ResetReason) String() string {
	switch r {
	case ResetStart:
		return "node started"
	case ResetHeartbeat:
		return "heartbeat from leader"
	case ResetVoteGranted:
		return "vote granted"
	case ResetElectionStarted:
		return "election started"
	case ResetSteppedDown:
		return "stepped down as leader"
	case ResetPersistFailed:
		return "state file write failed"
	case ResetRigged:
		return "set by hand"
	case ResetPreVoteStarted:
		return "pre-vote started"
	}
	return fmt.Sprintf("reset(%d)", int(r))
}

// New returns a node loaded from cfg.Storage. A storage that fails to load
// (a damaged state file, say) is returned as the error: the node does not run.
func New(cfg Config) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	hard, err := cfg.Storage.Load()
	if err != nil {
		return nil, fmt.Errorf("node %d: %w", cfg.ID, err)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	n := &Node{
		cfg:    cfg,
		log:    logger.With("node", cfg.ID),
		stopCh: make(chan struct{}),
		hard:   hard,
		rng:    rand.New(rand.NewPCG(cfg.Seed, uint64(cfg.ID))),

		preVote:     cfg.PreVote,
		checkQuorum: cfg.CheckQuorum,
	}
	return n, nil
}

// Start arms the election timer. The node starts as a follower with no known
// leader, whatever it was before a restart.
func (n *Node) Start() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.started || n.stopped {
		return
	}
	n.started = true
	now := n.cfg.Clock.Now()
	if n.deadline.IsZero() {
		// No handler has reset the timer yet, so this is its first arming.
		n.timeout = n.drawTimeout()
		n.deadline = now.Add(n.timeout)
		n.resetReason = ResetStart
	}
	n.timer = n.cfg.Clock.AfterFunc(max(n.deadline.Sub(now), 0), n.onTimer)
	n.log.Info("started", "term", n.hard.Term, "voted_for", n.hard.VotedFor, "timeout", n.timeout)
}

// Stop ends the node: its timer stops, calls in flight are abandoned, and Stop
// waits for the goroutines the node started. A timer callback that the Clock
// had already begun to run finds the node stopped and returns. After Stop the
// node saves nothing and sends nothing. Stop may be called more than once.
func (n *Node) Stop() {
	n.mu.Lock()
	if n.stopped {
		n.mu.Unlock()
		return
	}
	n.stopped = true
	if n.timer != nil {
		n.timer.Stop()
	}
	close(n.stopCh)
	n.mu.Unlock()

	n.wg.Wait()
	n.log.Info("stopped")
}

// Status is a copy of a node's state at one moment.
type Status struct {
	ID          int
	Role        Role
	Term        uint64
	VotedFor    int
	Leader      int
	Now         time.Time     // the Clock's time when the copy was taken
	LastHeard   time.Time     // zero if never
	Deadline    time.Time     // when the election timer runs out (meaningless for a leader)
	Timeout     time.Duration // the timeout drawn at the last reset
	ResetReason ResetReason
	Granted     []int // voters who granted their vote in the current election, ascending
	Rejected    []int // voters who rejected it, ascending
	Stopped     bool

	Contacts []Contact     // the last message from each peer, in id order
	Counts   MessageCounts // messages since the node started
}

// TimeLeft returns how long the election timer has left, never less than zero.
func (s Status) TimeLeft() time.Duration {
	return max(s.Deadline.Sub(s.Now), 0)
}

// Status returns a copy of the node's state.
func (n *Node) Status() Status {
	n.mu.Lock()
	defer n.mu.Unlock()
	s := Status{
		ID: n.cfg.ID, Role: n.role, Term: n.hard.Term, VotedFor: n.hard.VotedFor,
		Leader: n.leader, Now: n.cfg.Clock.Now(), LastHeard: n.lastHeard, Deadline: n.deadline,
		Timeout: n.timeout, ResetReason: n.resetReason, Stopped: n.stopped,
		Contacts: n.contactsCopy(), Counts: n.counts,
	}
	if n.role == Candidate || n.role == PreCandidate {
		for id := 1; id <= n.cfg.Nodes; id++ {
			granted, answered := n.votes[id]
			switch {
			case answered && granted:
				s.Granted = append(s.Granted, id)
			case answered:
				s.Rejected = append(s.Rejected, id)
			}
		}
	}
	return s
}

// drawTimeout returns a fresh election timeout in [min, max), at the clock's full
// resolution: timeouts rounded to a shared tick would let nodes expire together.
// Called with mu held.
func (n *Node) drawTimeout() time.Duration {
	span := int64(n.cfg.ElectionTimeoutMax - n.cfg.ElectionTimeoutMin)
	return n.cfg.ElectionTimeoutMin + time.Duration(n.rng.Int64N(span))
}

// save writes hs to storage and, only if that succeeded, makes it the node's
// state. Called with mu held: what a node sends after save returns is durable.
func (n *Node) save(hs HardState) error {
	if n.stopped {
		return ErrStopped
	}
	if err := n.cfg.Storage.Save(hs); err != nil {
		n.log.Error("saving state failed", "term", hs.Term, "voted_for", hs.VotedFor, "err", err)
		n.emit(Event{Kind: EventPersistFailed, Term: hs.Term, VotedFor: hs.VotedFor, Err: err.Error()})
		return err
	}
	n.hard = hs
	n.emit(Event{Kind: EventStatePersisted, Term: hs.Term, VotedFor: hs.VotedFor})
	return nil
}

// emit stamps e and hands it to the event sink. Called with mu held.
func (n *Node) emit(e Event) {
	if n.cfg.Events == nil {
		return
	}
	e.Node = n.cfg.ID
	e.Time = n.cfg.Clock.Now()
	e.Role = n.role
	n.cfg.Events(e)
}

// spawn runs f in a goroutine that Stop waits for. Called with mu held, which
// orders it against Stop: once stopped, nothing new starts.
func (n *Node) spawn(f func()) {
	if n.stopped {
		return
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		f()
	}()
}

// await waits for a call's result channel, for at most timeout on the node's
// clock. A lost call returns errTimeout; a stopping node returns ErrStopped.
func (n *Node) await(result <-chan error, timeout time.Duration) error {
	expired := make(chan struct{})
	timer := n.cfg.Clock.AfterFunc(timeout, func() { close(expired) })
	defer timer.Stop()
	select {
	case err := <-result:
		return err
	case <-expired:
		return errTimeout
	case <-n.stopCh:
		return ErrStopped
	}
}

// peers returns the ids of every other node.
func (n *Node) peers() []int {
	ids := make([]int, 0, n.cfg.Nodes-1)
	for id := 1; id <= n.cfg.Nodes; id++ {
		if id != n.cfg.ID {
			ids = append(ids, id)
		}
	}
	return ids
}
