package cluster

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"net"
	"net/rpc"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/raftplay/raftplay/raft"
)

func TestSecondClusterOnFolderRefused(t *testing.T) {
	cfg := testConfig(t, 3)
	startCluster(t, cfg)
	second, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = second.Start()
	if !errors.Is(err, ErrFolderInUse) {
		t.Fatalf("second Start = %v, want ErrFolderInUse", err)
	}
	if !strings.Contains(err.Error(), cfg.Dir) || !strings.Contains(err.Error(), strconv.Itoa(os.Getpid())) {
		t.Errorf("error %q does not name the folder %s and the holder %d", err, cfg.Dir, os.Getpid())
	}
	second.Stop()
}

func TestFolderFreeAfterStop(t *testing.T) {
	cfg := testConfig(t, 3)
	first := startCluster(t, cfg)
	first.stop()
	second := startCluster(t, cfg)
	second.waitStableLeader()
}

func TestForeignCallsRejected(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	leader, term := tc.waitStableLeader()
	addr := tc.Snapshot().Nodes[leader-1].Addr

	client, err := rpc.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	req := &VoteRequest{Token: "guess", From: 2, To: leader, Args: raft.RequestVoteArgs{Term: term + 10, CandidateID: 2}}
	err = client.Call("Node.RequestVote", req, &VoteResponse{})
	if err == nil || !strings.Contains(err.Error(), ErrUnauthorized.Error()) {
		t.Errorf("call without the token = %v, want %v", err, ErrUnauthorized)
	}
	err = client.Call("Node.Shutdown", req, &VoteResponse{})
	if err == nil {
		t.Error("a call to an unknown method succeeded")
	}
	if got := tc.Snapshot().Nodes[leader-1].Status.Term; got != term {
		t.Errorf("a foreign call moved n%d to term %d", leader, got)
	}
}

func TestGarbageDoesNotStallNodes(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	leader, _ := tc.waitStableLeader()
	addr := tc.Snapshot().Nodes[leader-1].Addr

	send := func(data []byte) {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetWriteDeadline(time.Now().Add(time.Second))
		conn.Write(data)
	}
	send([]byte("GET / HTTP/1.0\r\n\r\n\x00\xff\xfe garbage"))
	huge := binary.AppendUvarint(nil, 1<<40) // a gob message length far beyond any limit
	send(append(huge, 1, 2, 3))
	silent, err := net.Dial("tcp", addr) // a connection that never sends anything
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()

	// The cluster goes on: a crash of the leader is still followed by a new one.
	must(t, tc.Crash(leader))
	tc.waitStableLeader()
	must(t, tc.Restart(leader))
	tc.waitStableLeader()
}

func TestPortTakenNamesAddress(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	freeAddr := free.Addr().String()
	free.Close()

	cfg := testConfig(t, 2)
	cfg.Addrs = []string{freeAddr, taken.Addr().String()}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	err = c.Start()
	if err == nil || !strings.Contains(err.Error(), taken.Addr().String()) ||
		!strings.Contains(err.Error(), "free the port") {
		t.Errorf("Start = %v, want an error naming %s and the fix", err, taken.Addr())
	}
}

func TestOversizedRequestRejectedEarly(t *testing.T) {
	tc := startCluster(t, testConfig(t, 3))
	leader, term := tc.waitStableLeader()
	addr := tc.Snapshot().Nodes[leader-1].Addr

	client, err := rpc.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	big := strings.Repeat("x", 8<<20)
	req := &VoteRequest{Token: big, From: 2, To: leader, Args: raft.RequestVoteArgs{Term: term + 1, CandidateID: 2}}
	if err := client.Call("Node.RequestVote", req, &VoteResponse{}); err == nil {
		t.Error("an 8 MiB request was accepted")
	}
	runtime.ReadMemStats(&after)
	// The client's own copy of the request is about 8 MiB; a server that read
	// it too would add as much again, twice over in gob's buffers.
	if grown := int64(after.TotalAlloc - before.TotalAlloc); grown > 24<<20 {
		t.Errorf("allocated %d MiB for one rejected request", grown>>20)
	}
	if got := tc.Snapshot().Nodes[leader-1].Status.Term; got != term {
		t.Errorf("an oversized request moved n%d to term %d", leader, got)
	}
}

func TestFrameLimiterPassesSmallMessages(t *testing.T) {
	var stream bytes.Buffer
	enc := gob.NewEncoder(&stream)
	for i := range 3 {
		if err := enc.Encode(VoteRequest{Token: "t", From: i, To: 2}); err != nil {
			t.Fatal(err)
		}
	}
	dec := gob.NewDecoder(&frameLimiter{r: &stream})
	for i := range 3 {
		var got VoteRequest
		if err := dec.Decode(&got); err != nil || got.From != i {
			t.Fatalf("message %d: %+v, %v", i, got, err)
		}
	}
}
