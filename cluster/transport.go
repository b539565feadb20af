package cluster

import (
	"errors"
	"net"
	"net/rpc"
	"slices"
	"sync"
	"time"

	"github.com/raftplay/raftplay/raft"
)

// dialTimeout bounds connecting to a peer, in wall time. On loopback a running
// peer accepts at once and a crashed one refuses at once, so this only matters
// if the machine is badly overloaded.
const dialTimeout = time.Second

// errTransportClosed is returned for calls made by a crashed incarnation.
var errTransportClosed = errors.New("cluster: transport closed")

// transport carries one node incarnation's outgoing calls over net/rpc. It
// implements raft.Transport. A message on a cut link is not sent, and a reply on
// a cut link is discarded, so the caller sees neither: its own deadline runs out.
type transport struct {
	from   int
	addrs  []string // addrs[id-1] is node id's address; never changed after Start
	links  *links
	clock  *Clock
	saved  *savedState              // the sender's state file, for the monitor
	report func(node int, v string) // records a safety violation
	token  string                   // the cluster's secret, sent with every request
	stop   chan struct{}            // closed by close
	wg     sync.WaitGroup

	// idleAfter is the cluster time a connection may go unused before
	// sweepIdle may close it.
	idleAfter time.Duration

	mu      sync.Mutex
	clients map[int]*rpc.Client // guarded by mu
	used    map[int]time.Time   // guarded by mu: when each connection last carried a call
	sweeper raft.Timer          // guarded by mu: armed while there are too many connections
	closed  bool                // guarded by mu
}

// keptConns is the number of peer connections a node keeps however long they
// are unused. A leader uses one to every peer at each heartbeat, and a small
// cluster never has more. In a large cluster, every node that campaigned
// would otherwise keep one to every peer and use up the file descriptors.
const keptConns = 16

func newTransport(from int, addrs []string, l *links, clock *Clock, saved *savedState,
	report func(int, string)) *transport {
	return &transport{from: from, addrs: addrs, links: l, clock: clock, saved: saved, report: report,
		stop:    make(chan struct{}),
		clients: make(map[int]*rpc.Client), used: make(map[int]time.Time)}
}

// RequestVote implements raft.Transport.
func (t *transport) RequestVote(to int, args *raft.RequestVoteArgs, reply *raft.RequestVoteReply) <-chan error {
	// A vote request may leave while the candidate's own write of its term
	// and vote is still under way. The cluster checks that write when the
	// candidate wins instead (see checkWin).
	req := &VoteRequest{Token: t.token, From: t.from, To: to, Args: *args}
	resp := &VoteResponse{}
	return t.call(to, "Node.RequestVote", req, resp, func() bool {
		*reply = resp.Reply
		return resp.Lost
	})
}

// AppendEntries implements raft.Transport.
func (t *transport) AppendEntries(to int, args *raft.AppendEntriesArgs, reply *raft.AppendEntriesReply) <-chan error {
	t.checkSaved("sent a heartbeat", raft.HardState{Term: args.Term})
	req := &HeartbeatRequest{Token: t.token, From: t.from, To: to, Args: *args}
	resp := &HeartbeatResponse{}
	return t.call(to, "Node.AppendEntries", req, resp, func() bool {
		*reply = resp.Reply
		return resp.Lost
	})
}

// call sends one request in its own goroutine. deliver copies the reply out and
// reports whether the receiver marked it lost; it runs only for a call that
// came back without error.
func (t *transport) call(to int, method string, req, resp any, deliver func() (lost bool)) <-chan error {
	done := make(chan error, 1)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		done <- errTransportClosed
		return done
	}
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		t.roundTrip(to, method, req, resp, deliver, done)
	}()
	return done
}

// roundTrip carries one call through the network: the request over from→to,
// the reply over to→from, each subject to that link's cut, loss and delay, and
// each held while the cluster is paused or the sender is frozen.
func (t *transport) roundTrip(to int, method string, req, resp any, deliver func() bool, done chan<- error) {
	if !t.travel(t.from, to) {
		return
	}
	call, err := t.send(to, method, req, resp)
	var serverErr rpc.ServerError
	if err != nil && !errors.As(err, &serverErr) {
		// The connection broke, typically because the peer restarted and the
		// cached connection belonged to its old incarnation: dial again and
		// send once more. Vote requests and heartbeats are safe to repeat.
		call, err = t.send(to, method, req, resp)
	}
	if call == nil && err == nil {
		return // the transport closed
	}
	if err != nil {
		done <- err
		return
	}
	if lost := deliver(); lost || !t.travel(to, t.from) {
		return
	}
	done <- nil
}

// send makes one call over the cached connection to peer to, dialing it if
// needed, and waits for its reply. It returns a nil call and a nil error if
// the transport closes meanwhile. A connection that fails is dropped, so the
// next call dials again.
func (t *transport) send(to int, method string, req, resp any) (*rpc.Call, error) {
	client, err := t.client(to)
	if err != nil {
		return nil, err
	}
	t.markUsed(to)
	call := client.Go(method, req, resp, make(chan *rpc.Call, 1))
	select {
	case <-call.Done:
	case <-t.stop:
		return nil, nil
	}
	if call.Error != nil {
		var serverErr rpc.ServerError
		if !errors.As(call.Error, &serverErr) {
			t.dropClient(to, client)
		}
		return call, call.Error
	}
	return call, nil
}

// travel decides the fate of one message from→to and waits out its delay. It
// returns false if the message is lost or the transport closes meanwhile.
func (t *transport) travel(from, to int) bool {
	delivered, delay := t.links.fate(from, to)
	if !delivered {
		return false
	}
	if delay > 0 {
		arrived := make(chan struct{})
		timer := t.clock.AfterFunc(delay, func() { close(arrived) })
		select {
		case <-arrived:
		case <-t.stop:
			timer.Stop()
			return false
		}
	}
	// A frozen sender sends nothing, and a frozen receiver of a reply reads nothing.
	return t.clock.WaitRunning(t.from, t.stop)
}

// checkSaved reports a message that carries a term or vote not yet in the
// sender's state file.
func (t *transport) checkSaved(what string, sent raft.HardState) {
	if v := persistViolation(t.from, what, sent, t.saved.get()); v != "" {
		t.report(t.from, v)
	}
}

// client returns the connection to peer to, dialing it if there is none.
func (t *transport) client(to int) (*rpc.Client, error) {
	t.mu.Lock()
	if c, ok := t.clients[to]; ok {
		t.mu.Unlock()
		return c, nil
	}
	t.mu.Unlock()

	conn, err := net.DialTimeout("tcp", t.addrs[to-1], dialTimeout)
	if err != nil {
		return nil, err
	}
	c := rpc.NewClientWithCodec(newClientCodec(conn))

	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		c.Close()
		return nil, errTransportClosed
	}
	if existing, ok := t.clients[to]; ok {
		c.Close() // another call dialed first
		return existing, nil
	}
	t.clients[to] = c
	return c, nil
}

// markUsed records a call on the connection to peer to, and arms the sweep
// once the node holds more than keptConns connections.
func (t *transport) markUsed(to int) {
	if t.idleAfter <= 0 || len(t.addrs)-1 <= keptConns {
		return // never more connections than it keeps: no sweep, no need to time them
	}
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.used[to] = now
	if t.closed || len(t.clients) <= keptConns {
		return
	}
	if t.sweeper == nil {
		t.sweeper = t.clock.AfterFunc(t.idleAfter, t.sweepIdle)
	}
}

// sweepIdle closes the connections unused for idleAfter, oldest first, until
// keptConns are left, and comes back later while more remain. The next call
// to a closed one dials again.
func (t *transport) sweepIdle() {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	idle := make([]int, 0, len(t.clients))
	for to := range t.clients {
		if now.Sub(t.used[to]) >= t.idleAfter {
			idle = append(idle, to)
		}
	}
	slices.SortFunc(idle, func(a, b int) int { return t.used[a].Compare(t.used[b]) })
	for _, to := range idle {
		if len(t.clients) <= keptConns {
			break
		}
		t.clients[to].Close()
		delete(t.clients, to)
		delete(t.used, to)
	}
	if len(t.clients) > keptConns {
		t.sweeper.Reset(t.idleAfter)
		return
	}
	t.sweeper = nil
}

// dropClient closes and removes a broken connection, unless it was already replaced.
func (t *transport) dropClient(to int, c *rpc.Client) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.clients[to] == c {
		delete(t.clients, to)
	}
	c.Close()
}

// close ends every call in flight, closes every connection and waits for the
// call goroutines. Nothing is sent after close returns.
func (t *transport) close() {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	t.closed = true
	close(t.stop)
	if t.sweeper != nil {
		t.sweeper.Stop()
	}
	for to, c := range t.clients {
		c.Close()
		delete(t.clients, to)
	}
	t.mu.Unlock()
	t.wg.Wait()
}
