package raft

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// waitTimeout bounds every wait on the wall clock. The conditions are met within
// milliseconds, so the bound only keeps a broken test from hanging.
const waitTimeout = 10 * time.Second

// waitFor polls cond until it holds, failing the test if it does not within
// waitTimeout. Nodes run their calls in goroutines, so tests wait for the
// outcome rather than sleep.
func waitFor(t *testing.T, cond func() bool, description string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", waitTimeout, description)
		}
		time.Sleep(time.Millisecond)
	}
}

// fakeClock is a Clock whose time moves only when Advance is called. Timer
// functions run in the goroutine that calls Advance, one at a time, in deadline
// order, ties broken by the order in which the timers were armed.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers map[*fakeTimer]struct{} // armed timers
	arms   uint64                  // timers armed so far, to order ties
}

type fakeTimer struct {
	clock *fakeClock
	f     func()
	// The fields below are guarded by clock.mu.
	when  time.Time
	order uint64
	armed bool
}

func newFakeClock() *fakeClock {
	return &fakeClock{
		now:    time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		timers: make(map[*fakeTimer]struct{}),
	}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	timer := &fakeTimer{clock: c, f: f}
	c.armLocked(timer, d)
	return timer
}

func (c *fakeClock) armLocked(timer *fakeTimer, d time.Duration) {
	c.arms++
	timer.when = c.now.Add(d)
	timer.order = c.arms
	timer.armed = true
	c.timers[timer] = struct{}{}
}

func (timer *fakeTimer) Stop() bool {
	c := timer.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	wasArmed := timer.armed
	timer.armed = false
	delete(c.timers, timer)
	return wasArmed
}

func (timer *fakeTimer) Reset(d time.Duration) bool {
	c := timer.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	wasArmed := timer.armed
	c.armLocked(timer, d)
	return wasArmed
}

// Advance moves the clock forward by d. Before each due timer fires, the clock
// is set to that timer's deadline. The timer's function runs without the clock's
// lock held, so it may read the clock and arm or stop timers, and a timer it arms
// that falls due within d fires in the same call.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	for {
		next := c.nextDueLocked(end)
		if next == nil {
			break
		}
		next.armed = false
		delete(c.timers, next)
		if next.when.After(c.now) {
			c.now = next.when
		}
		c.mu.Unlock()
		next.f()
		c.mu.Lock()
	}
	c.now = end
	c.mu.Unlock()
}

// AdvanceTo moves the clock forward to t, as Advance does.
func (c *fakeClock) AdvanceTo(t time.Time) {
	c.Advance(t.Sub(c.Now()))
}

// nextDueLocked returns the armed timer that fires first at or before end, or nil.
func (c *fakeClock) nextDueLocked(end time.Time) *fakeTimer {
	var next *fakeTimer
	for timer := range c.timers {
		if timer.when.After(end) {
			continue
		}
		if next == nil || timer.when.Before(next.when) ||
			(timer.when.Equal(next.when) && timer.order < next.order) {
			next = timer
		}
	}
	return next
}

// Pending returns the number of armed timers.
func (c *fakeClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// memStorage is a Storage in memory that records every successful Save. Its
// saves and loads fail while an error is set.
type memStorage struct {
	mu      sync.Mutex
	state   HardState
	saves   []HardState   // every successful Save, in order
	failErr error         // returned by Save while set
	loadErr error         // returned by Load while set
	gate    chan struct{} // if set, Save waits until it is closed
	waiting chan struct{} // if set, Save sends on it before waiting at gate
}

func newMemStorage(initial HardState) *memStorage {
	return &memStorage{state: initial}
}

func (s *memStorage) Load() (HardState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loadErr != nil {
		return HardState{}, s.loadErr
	}
	return s.state, nil
}

func (s *memStorage) Save(hs HardState) error {
	s.mu.Lock()
	gate, waiting := s.gate, s.waiting
	s.mu.Unlock()
	if gate != nil {
		waiting <- struct{}{}
		<-gate
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failErr != nil {
		return s.failErr
	}
	s.state = hs
	s.saves = append(s.saves, hs)
	return nil
}

// holdSaves makes every later Save announce itself on the returned channel
// and then wait until release is called.
func (s *memStorage) holdSaves() (waiting <-chan struct{}, release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	gate, w := make(chan struct{}), make(chan struct{}, 16)
	s.gate, s.waiting = gate, w
	return w, func() {
		s.mu.Lock()
		s.gate, s.waiting = nil, nil
		s.mu.Unlock()
		close(gate)
	}
}

// failSaves makes every later Save return err, or succeed again if err is nil.
func (s *memStorage) failSaves(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failErr = err
}

func (s *memStorage) current() HardState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

func (s *memStorage) history() []HardState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.saves)
}

// eventLog collects the events of every node of a test, in the order they came.
type eventLog struct {
	mu     sync.Mutex
	events []Event
}

func (l *eventLog) record(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func (l *eventLog) all() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

// find returns the events of node of the given kind, in order. Node None means
// every node.
func (l *eventLog) find(node int, kind EventKind) []Event {
	var out []Event
	for _, e := range l.all() {
		if e.Kind == kind && (node == None || e.Node == node) {
			out = append(out, e)
		}
	}
	return out
}

// errNodeDown is returned by memNet for a call to a node that is not attached.
var errNodeDown = errors.New("node is down")

// memNet connects the nodes of a test in memory. A call runs the receiving node's
// handler in a goroutine of its own and delivers the reply on the call's result
// channel. Each directed link can drop its messages: a dropped request never
// reaches the handler and a dropped reply never reaches the caller, so in both
// cases the result channel receives nothing. Replies to a node can also be held
// back until released.
type memNet struct {
	mu       sync.Mutex
	nodes    map[int]*Node
	dropped  map[[2]int]bool       // from, to
	held     map[int]chan struct{} // replies to this node wait until the channel closes
	received map[[2]int][]uint64   // terms of the RequestVotes each link delivered
	routed   map[int]uint64        // requests from each node delivered, dropped or refused
	calls    sync.WaitGroup        // calls in flight
}

func newMemNet() *memNet {
	return &memNet{
		nodes:    make(map[int]*Node),
		dropped:  make(map[[2]int]bool),
		held:     make(map[int]chan struct{}),
		received: make(map[[2]int][]uint64),
		routed:   make(map[int]uint64),
	}
}

func (m *memNet) attach(id int, n *Node) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nodes[id] = n
}

// drop sets whether messages from one node to another are lost.
func (m *memNet) drop(from, to int, lost bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.dropped[[2]int{from, to}] = lost
}

// holdReplies makes replies to node wait until releaseReplies.
func (m *memNet) holdReplies(node int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.held[node] == nil {
		m.held[node] = make(chan struct{})
	}
}

func (m *memNet) releaseReplies(node int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if gate := m.held[node]; gate != nil {
		close(gate)
		delete(m.held, node)
	}
}

func (m *memNet) releaseAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for node, gate := range m.held {
		close(gate)
		delete(m.held, node)
	}
}

// voteRequestsDelivered returns the terms of the RequestVotes delivered from one
// node to another.
func (m *memNet) voteRequestsDelivered(from, to int) []uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.received[[2]int{from, to}])
}

// route returns the node to deliver a request to, whether the request is lost,
// and the gate its reply must wait for (nil if none).
func (m *memNet) route(from, to int) (target *Node, lost bool, gate chan struct{}) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.routed[from]++
	return m.nodes[to], m.dropped[[2]int{from, to}], m.held[from]
}

func (m *memNet) replyLost(from, to int) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.dropped[[2]int{to, from}]
}

// call runs handle for a call from one node to another, as described on memNet.
func (m *memNet) call(from, to int, handle func(*Node) error) <-chan error {
	result := make(chan error, 1)
	m.calls.Add(1)
	go func() {
		defer m.calls.Done()
		target, lost, gate := m.route(from, to)
		if lost {
			return
		}
		if target == nil {
			result <- fmt.Errorf("call from n%d to n%d: %w", from, to, errNodeDown)
			return
		}
		err := handle(target)
		if gate != nil {
			<-gate
		}
		if m.replyLost(from, to) {
			return
		}
		result <- err
	}()
	return result
}

// transport returns the Transport of node from.
func (m *memNet) transport(from int) Transport {
	return &memTransport{net: m, from: from}
}

type memTransport struct {
	net  *memNet
	from int
}

func (t *memTransport) RequestVote(to int, args *RequestVoteArgs, reply *RequestVoteReply) <-chan error {
	request := *args
	return t.net.call(t.from, to, func(target *Node) error {
		t.net.mu.Lock()
		link := [2]int{t.from, to}
		t.net.received[link] = append(t.net.received[link], request.Term)
		t.net.mu.Unlock()
		r, err := target.HandleRequestVote(&request)
		if err == nil {
			*reply = r
		}
		return err
	})
}

func (t *memTransport) AppendEntries(to int, args *AppendEntriesArgs, reply *AppendEntriesReply) <-chan error {
	request := *args
	return t.net.call(t.from, to, func(target *Node) error {
		r, err := target.HandleAppendEntries(&request)
		if err == nil {
			*reply = r
		}
		return err
	})
}

// scriptTransport is a Transport whose calls wait until the test responds to them.
type scriptTransport struct {
	mu      sync.Mutex
	votes   []*voteCall
	appends []*appendCall
	// gate, if set, blocks every call inside the Transport method until closed.
	gate chan struct{}
}

type voteCall struct {
	to     int
	args   RequestVoteArgs
	reply  *RequestVoteReply
	result chan error
}

// respond fills in the reply and reports success to the caller.
func (c *voteCall) respond(r RequestVoteReply) {
	*c.reply = r
	c.result <- nil
}

type appendCall struct {
	to     int
	args   AppendEntriesArgs
	reply  *AppendEntriesReply
	result chan error
}

func (c *appendCall) respond(r AppendEntriesReply) {
	*c.reply = r
	c.result <- nil
}

func newScriptTransport() *scriptTransport {
	return &scriptTransport{}
}

func (s *scriptTransport) RequestVote(to int, args *RequestVoteArgs, reply *RequestVoteReply) <-chan error {
	s.waitGate()
	call := &voteCall{to: to, args: *args, reply: reply, result: make(chan error, 1)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.votes = append(s.votes, call)
	return call.result
}

func (s *scriptTransport) AppendEntries(to int, args *AppendEntriesArgs, reply *AppendEntriesReply) <-chan error {
	s.waitGate()
	call := &appendCall{to: to, args: *args, reply: reply, result: make(chan error, 1)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appends = append(s.appends, call)
	return call.result
}

// blockCalls makes every later call wait inside the Transport method until
// unblockCalls.
func (s *scriptTransport) blockCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gate == nil {
		s.gate = make(chan struct{})
	}
}

func (s *scriptTransport) unblockCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gate != nil {
		close(s.gate)
		s.gate = nil
	}
}

func (s *scriptTransport) waitGate() {
	s.mu.Lock()
	gate := s.gate
	s.mu.Unlock()
	if gate != nil {
		<-gate
	}
}

func (s *scriptTransport) voteCalls() []*voteCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.votes)
}

func (s *scriptTransport) appendCalls() []*appendCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.appends)
}

// Timings of every test node, in the fake clock's time.
const (
	testTimeoutMin = 150 * time.Millisecond
	testTimeoutMax = 300 * time.Millisecond
	testHeartbeat  = 50 * time.Millisecond
	testSeed       = 42
)

// testConfig returns the configuration of node id in a cluster of n.
func testConfig(id, n int, clock Clock, transport Transport, storage Storage, events *eventLog) Config {
	cfg := Config{
		ID: id, Nodes: n,
		ElectionTimeoutMin: testTimeoutMin, ElectionTimeoutMax: testTimeoutMax,
		Heartbeat: testHeartbeat, Seed: testSeed,
		Clock: clock, Transport: transport, Storage: storage,
	}
	if events != nil {
		cfg.Events = events.record
	}
	return cfg
}

// newTestNode creates node id of a cluster of n. It is stopped when the test ends.
func newTestNode(t *testing.T, cfg Config) *Node {
	t.Helper()
	n, err := New(cfg)
	if err != nil {
		t.Fatalf("New(node %d) = %v, want no error", cfg.ID, err)
	}
	t.Cleanup(n.Stop)
	return n
}

// soloNode is one started node of a cluster of three whose peers are not
// attached: its calls fail at once, so it receives only the calls the test makes.
type soloNode struct {
	node    *Node
	clock   *fakeClock
	storage *memStorage
	events  *eventLog
}

func newSoloNode(t *testing.T, initial HardState) *soloNode {
	t.Helper()
	return newSoloNodeWith(t, initial, nil)
}

// newSoloNodeWith is newSoloNode with a configuration that tweak, if not nil,
// may change before the node is created.
func newSoloNodeWith(t *testing.T, initial HardState, tweak func(*Config)) *soloNode {
	t.Helper()
	s := &soloNode{clock: newFakeClock(), storage: newMemStorage(initial), events: &eventLog{}}
	net := newMemNet()
	t.Cleanup(net.calls.Wait)
	cfg := testConfig(1, 3, s.clock, net.transport(1), s.storage, s.events)
	if tweak != nil {
		tweak(&cfg)
	}
	s.node = newTestNode(t, cfg)
	net.attach(1, s.node)
	s.node.Start()
	return s
}

// scriptedNode is node 1 of a cluster, started, whose calls wait until the
// test responds to them.
type scriptedNode struct {
	node      *Node
	clock     *fakeClock
	transport *scriptTransport
	storage   *memStorage
	events    *eventLog
}

// newScriptedNode starts node 1 of a cluster of size. If tweak is not nil it
// may change the configuration before the node is created.
func newScriptedNode(t *testing.T, size int, initial HardState, tweak func(*Config)) *scriptedNode {
	t.Helper()
	s := &scriptedNode{
		clock: newFakeClock(), transport: newScriptTransport(),
		storage: newMemStorage(initial), events: &eventLog{},
	}
	t.Cleanup(s.transport.unblockCalls)
	cfg := testConfig(1, size, s.clock, s.transport, s.storage, s.events)
	if tweak != nil {
		tweak(&cfg)
	}
	s.node = newTestNode(t, cfg)
	s.node.Start()
	return s
}

// testCluster is a cluster of started nodes on one fake clock and one memNet.
type testCluster struct {
	t        *testing.T
	clock    *fakeClock
	net      *memNet
	nodes    []*Node // node id is at index id-1
	storages []*memStorage
	events   *eventLog
}

// newTestCluster starts a cluster of size nodes. If tweak is not nil it may
// change each node's configuration before the node is created.
func newTestCluster(t *testing.T, size int, tweak func(*Config)) *testCluster {
	t.Helper()
	c := &testCluster{t: t, clock: newFakeClock(), net: newMemNet(), events: &eventLog{}}
	// Cleanups run last-in first-out: release held replies, stop the nodes,
	// then wait for the calls still running handlers.
	t.Cleanup(c.net.calls.Wait)
	for id := 1; id <= size; id++ {
		storage := newMemStorage(HardState{})
		cfg := testConfig(id, size, c.clock, c.net.transport(id), storage, c.events)
		if tweak != nil {
			tweak(&cfg)
		}
		node := newTestNode(t, cfg)
		c.nodes = append(c.nodes, node)
		c.storages = append(c.storages, storage)
	}
	t.Cleanup(c.net.releaseAll)
	for id, node := range c.nodes {
		c.net.attach(id+1, node)
		node.Start()
	}
	return c
}

func (c *testCluster) node(id int) *Node { return c.nodes[id-1] }

func (c *testCluster) storage(id int) *memStorage { return c.storages[id-1] }

// isolate cuts every link to and from node id, or restores them if cut is false.
func (c *testCluster) isolate(id int, cut bool) {
	for peer := 1; peer <= len(c.nodes); peer++ {
		if peer != id {
			c.net.drop(id, peer, cut)
			c.net.drop(peer, id, cut)
		}
	}
}

const sendHeartbeatFunc = "raft.(*Node).sendHeartbeat"

// waitHeartbeatReplies waits until no heartbeat is waiting for its reply, so
// that a leader has recorded every reply. Call it only while no link is cut: a
// heartbeat over a cut link waits for its deadline, and the clock does not move.
func (c *testCluster) waitHeartbeatReplies() {
	c.t.Helper()
	waitFor(c.t, func() bool { return goroutinesIn(sendHeartbeatFunc) == 0 }, "every heartbeat reply to be handled")
}

// routedFrom returns how many requests from node the network has delivered,
// dropped or refused.
func (m *memNet) routedFrom(node int) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.routed[node]
}

// waitRequestsRouted waits until the network has delivered or dropped every
// request that each node has sent, so that a change to the links applies only
// to later requests. A node sends from goroutines of its own, which may not
// have reached the network yet when the clock call that started them returns.
func (c *testCluster) waitRequestsRouted() {
	c.t.Helper()
	for i, node := range c.nodes {
		id := i + 1
		waitFor(c.t, func() bool { return c.net.routedFrom(id) >= node.Status().Counts.Sent },
			fmt.Sprintf("every request from n%d to reach the network", id))
	}
}

// heartbeatRound advances the clock by one heartbeat interval and waits until
// each of followers has handled a heartbeat sent at the new time.
func (c *testCluster) heartbeatRound(followers []int) {
	c.t.Helper()
	c.clock.Advance(testHeartbeat)
	now := c.clock.Now()
	for _, id := range followers {
		waitFor(c.t, func() bool { return c.node(id).Status().LastHeard.Equal(now) },
			fmt.Sprintf("n%d to hear the heartbeat of %v", id, now))
	}
}

// firstToTimeOut returns the node whose election deadline comes first.
func (c *testCluster) firstToTimeOut() (id int, deadline time.Time) {
	for i, node := range c.nodes {
		st := node.Status()
		if id == 0 || st.Deadline.Before(deadline) {
			id, deadline = i+1, st.Deadline
		}
	}
	return id, deadline
}

// leaderFollowedByAll returns the leader if exactly one node leads and every
// other node is its follower in the same term.
func (c *testCluster) leaderFollowedByAll() (leader int, ok bool) {
	statuses := make([]Status, len(c.nodes))
	for i, node := range c.nodes {
		statuses[i] = node.Status()
	}
	for _, st := range statuses {
		if st.Role == Leader {
			if leader != None {
				return None, false
			}
			leader = st.ID
		}
	}
	if leader == None {
		return None, false
	}
	term := statuses[leader-1].Term
	for _, st := range statuses {
		if st.Term != term || st.Leader != leader {
			return None, false
		}
	}
	return leader, true
}

// elect lets the node with the earliest deadline time out and waits until it
// leads and every node follows it. It returns the leader's id.
func (c *testCluster) elect() int {
	c.t.Helper()
	_, deadline := c.firstToTimeOut()
	c.clock.AdvanceTo(deadline)
	var leader int
	waitFor(c.t, func() bool {
		var ok bool
		leader, ok = c.leaderFollowedByAll()
		return ok
	}, "one leader followed by every node")
	return leader
}
