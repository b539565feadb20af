package cluster

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/rpc"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
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

	client := dialNode(t, addr)
	req := &VoteRequest{Token: "guess", From: 2, To: leader, Args: raft.RequestVoteArgs{Term: term + 10, CandidateID: 2}}
	err := client.Call("Node.RequestVote", req, &VoteResponse{})
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
	huge := binary.AppendUvarint(nil, 1<<40) // a frame length far beyond any limit
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

	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	// A frame announcing 8 MiB, of which the first 64 KiB follow.
	frame := binary.AppendUvarint(nil, 8<<20)
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	conn.Write(append(frame, make([]byte, maxMessage)...))
	// The node closes the connection without reading on: the client sees the
	// end of the stream, or a reset because part of its frame went unread.
	if _, err := io.Copy(io.Discard, conn); err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("the node kept an oversized request's connection open: %v", err)
	}
	runtime.ReadMemStats(&after)
	if grown := int64(after.TotalAlloc - before.TotalAlloc); grown > 4<<20 {
		t.Errorf("allocated %d MiB for one rejected request", grown>>20)
	}
	if got := tc.Snapshot().Nodes[leader-1].Status.Term; got != term {
		t.Errorf("an oversized request moved n%d to term %d", leader, got)
	}
}

// dialNode returns a net/rpc client of the node at addr that speaks the
// nodes' codec, closed when the test ends.
func dialNode(t *testing.T, addr string) *rpc.Client {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	client := rpc.NewClientWithCodec(newClientCodec(conn))
	t.Cleanup(func() { client.Close() })
	return client
}
