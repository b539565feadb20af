// Package cluster runs N raft nodes in one process, each with its own net/rpc
// server on its own TCP port and its own state file, and owns the faults: crash
// a node, restart it from its state file, cut and heal directed links.
//
// Ownership: Cluster.mu guards the table of members; each running node's state is
// guarded by the node itself and read only through raft.Node.Status. Faults are
// serialized by Cluster.ops, so two faults never interleave. Goroutines: each
// incarnation of a node has its raft goroutines, one accept loop, one goroutine
// per accepted connection and one per outgoing call, all stopped by Crash; each
// Subscribe adds one delivery goroutine, stopped by its cancel function or Stop.
package cluster

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/raftplay/raftplay/raft"
)

// Errors returned by fault operations.
var (
	ErrNoSuchNode  = errors.New("no such node")
	ErrNodeDown    = errors.New("node is down")
	ErrNodeUp      = errors.New("node is running")
	ErrStopped     = errors.New("cluster stopped")
	ErrSameNode    = errors.New("a link joins two different nodes")
	ErrNotStarted  = errors.New("cluster not started")
	ErrStartFailed = errors.New("node failed to start")
	ErrLeads       = errors.New("node is the leader")
	ErrNoLeader    = errors.New("no leader")
	ErrFrozen      = errors.New("node is frozen")
)

// Cluster is a set of raft nodes in one process and the network between them.
type Cluster struct {
	cfg   Config
	clock *Clock
	links *links
	log   *slog.Logger
	hub   *hub

	// The options every node runs with, changed live for the whole cluster.
	preVote     atomic.Bool
	checkQuorum atomic.Bool

	ops sync.Mutex // serializes Start, Stop and faults
	// pausing serializes the user's pause and resume with the instant a
	// split vote holds every message, so that neither undoes the other.
	pausing sync.Mutex
	lock    *folderLock // held from Start to Stop

	// token is a random secret of this run that every request carries, so that
	// no other local process can vote or send heartbeats.
	token string

	mu      sync.Mutex
	members []*member // guarded by mu; members[i] is node i+1
	started bool      // guarded by mu
	stopped bool      // guarded by mu
}

// member is one node across its incarnations. Its fields are guarded by Cluster.mu.
type member struct {
	id          int
	addr        string
	statePath   string
	incarnation int          // number of the current or last incarnation
	running     *incarnation // nil while the node is down
	last        raft.Status  // the status it had when it went down
	persisted   raft.HardState
	err         string // the reason it failed to start, if it did
	restartMode RestartMode
	history     *history    // recent contents of the state file
	saved       *savedState // the term and vote in the state file
}

// incarnation is one run of a node, from a start to a crash.
type incarnation struct {
	node      *raft.Node
	server    *server
	transport *transport
	stop      chan struct{} // closed when the incarnation crashes
}

// New validates cfg and prepares the cluster. Nothing listens until Start.
func New(cfg Config) (*Cluster, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating state folder %s failed: %w", cfg.Dir, err)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Cluster{cfg: cfg, clock: NewClock(cfg.Slowdown), links: newLinks(cfg.Nodes, cfg.Seed), log: logger}
	c.hub = newHub(c.clock, cfg.Nodes)
	c.token = rand.Text()
	c.preVote.Store(cfg.PreVote)
	c.checkQuorum.Store(cfg.CheckQuorum)
	for id := 1; id <= cfg.Nodes; id++ {
		addr := "127.0.0.1:0"
		if len(cfg.Addrs) > 0 {
			addr = cfg.Addrs[id-1]
		}
		c.members = append(c.members, &member{id: id, addr: addr, statePath: StatePath(cfg.Dir, id),
			history: &history{}, saved: &savedState{}})
	}
	return c, nil
}

// StatePath returns the path of node id's state file in dir.
func StatePath(dir string, id int) string {
	return filepath.Join(dir, fmt.Sprintf("node%d.state", id))
}

// LastStateFile returns the highest node id with a state file in dir, or 0.
// A folder used by a larger cluster contains votes for nodes a smaller one
// does not have, which would read as damaged files.
func LastStateFile(dir string) int {
	last := 0
	for id := 1; id <= MaxNodes; id++ {
		if _, err := os.Stat(StatePath(dir, id)); err == nil {
			last = id
		}
	}
	return last
}

// Clock returns the cluster clock.
func (c *Cluster) Clock() *Clock { return c.clock }

// Start opens every node's listener, then starts every node from its state
// file. A node whose file cannot be loaded stays down, with the error in its
// snapshot and an EventStartFailed; the others run. Start fails only if the
// state folder is in use or a listener cannot be opened.
func (c *Cluster) Start() error {
	c.ops.Lock()
	defer c.ops.Unlock()
	c.mu.Lock()
	if c.started {
		c.mu.Unlock()
		return nil
	}
	c.started = true
	c.mu.Unlock()

	lock, err := lockFolder(c.cfg.Dir)
	if err != nil {
		return err
	}
	c.lock = lock

	// Every address must be known before any node sends its first message.
	listeners := make([]net.Listener, len(c.members))
	for i, m := range c.members {
		l, err := net.Listen("tcp", m.addr)
		if err != nil {
			for _, open := range listeners[:i] {
				open.Close()
			}
			c.lock.release()
			c.lock = nil
			return fmt.Errorf("node %d cannot listen on %s: %w; choose another address or free the port",
				m.id, m.addr, err)
		}
		listeners[i] = l
		c.mu.Lock()
		m.addr = l.Addr().String()
		c.mu.Unlock()
	}
	for i, m := range c.members {
		c.startMember(m, listeners[i]) // failures are recorded on the member
	}
	return nil
}

// addrs returns every node's address. The addresses are fixed once Start has run.
func (c *Cluster) addrs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, len(c.members))
	for i, m := range c.members {
		out[i] = m.addr
	}
	return out
}

// startMember starts a new incarnation of m on listener l, which it owns.
// Called with ops held.
func (c *Cluster) startMember(m *member, l net.Listener) error {
	c.mu.Lock()
	m.incarnation++
	number := m.incarnation
	c.mu.Unlock()

	t := newTransport(m.id, c.addrs(), c.links, c.clock, m.saved, c.hub.reportViolation)
	t.token = c.token
	t.idleAfter = idleConnAfter(c.cfg)
	stop := make(chan struct{})
	node, err := raft.New(raft.Config{
		ID: m.id, Nodes: c.cfg.Nodes,
		ElectionTimeoutMin: c.cfg.ElectionTimeoutMin, ElectionTimeoutMax: c.cfg.ElectionTimeoutMax,
		Heartbeat: c.cfg.Heartbeat, PreVote: c.preVote.Load(), CheckQuorum: c.checkQuorum.Load(),
		Seed:  c.cfg.Seed + uint64(number-1)<<32,
		Clock: c.clock.Node(m.id), Transport: t, Storage: recordingStorage{c.fileStorage(m), m.history, m.saved},
		Events: func(e raft.Event) {
			c.checkWin(m, e)
			c.hub.publish(Event{Kind: EventRaft, Node: m.id, Incarnation: number, Raft: e})
		},
		Logger: c.log.With("incarnation", number),
	})
	if err == nil {
		var srv *server
		service := &Service{id: m.id, node: node, links: c.links, clock: c.clock, stop: stop,
			saved: m.saved, report: c.hub.reportViolation, token: c.token}
		srv, err = newServer(l, service, c.log.With("node", m.id))
		if err == nil {
			c.run(m, &incarnation{node: node, server: srv, transport: t, stop: stop})
			return nil
		}
	}
	l.Close()
	c.log.Error("node failed to start", "node", m.id, "incarnation", number, "err", err)
	c.mu.Lock()
	m.err = err.Error()
	c.mu.Unlock()
	c.hub.publish(Event{Kind: EventStartFailed, Node: m.id, Incarnation: number, Err: err.Error()})
	return fmt.Errorf("%w: %w", ErrStartFailed, err)
}

// idleConnAfter is how long a node's connection to a peer may go unused
// before it is closed, when the node holds more than keptConns: four maximum
// election timeouts, long past the election that opened it.
func idleConnAfter(cfg Config) time.Duration { return 4 * cfg.ElectionTimeoutMax }

// checkWin reports a node that wins an election before its state file holds
// the term and its vote for itself. A candidate sends its vote requests while
// that write is under way, so a win is the first moment at which its own vote
// must be saved.
func (c *Cluster) checkWin(m *member, e raft.Event) {
	if e.Kind != raft.EventElectionWon || e.PreVote {
		return
	}
	won := raft.HardState{Term: e.Term, VotedFor: m.id}
	if v := persistViolation(m.id, "won an election", won, m.saved.get()); v != "" {
		c.hub.reportViolation(m.id, v)
	}
}

// fileStorage returns m's state file storage.
func (c *Cluster) fileStorage(m *member) *raft.FileStorage {
	s := raft.NewFileStorage(m.statePath, m.id)
	s.Nodes = c.cfg.Nodes
	s.NoSync = c.cfg.NoFsync
	return s
}

// run records inc as m's running incarnation and starts it.
func (c *Cluster) run(m *member, inc *incarnation) {
	c.mu.Lock()
	m.running = inc
	m.err = ""
	c.mu.Unlock()
	inc.node.Start()
	inc.server.start()
}

// Stop crashes every running node and ends every subscription. It may be
// called more than once.
func (c *Cluster) Stop() {
	c.ops.Lock()
	defer c.ops.Unlock()
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return
	}
	c.stopped = true
	c.mu.Unlock()
	for _, m := range c.members {
		c.halt(m)
	}
	c.hub.close()
	c.lock.release()
	c.log.Info("cluster stopped")
}
