package bench

import (
	"context"
	"errors"
	"net"
	"net/rpc"
	"sync"
	"testing"
	"time"

	"github.com/raftplay/raftplay/cluster"
)

func TestIdleCPUMeasuresRunningCluster(t *testing.T) {
	cfg := cluster.Config{
		Nodes: 3, ElectionTimeoutMin: 15 * time.Millisecond, ElectionTimeoutMax: 30 * time.Millisecond,
		Heartbeat: 5 * time.Millisecond, Slowdown: 1, Seed: 3,
	}
	used, err := IdleCPU(context.Background(), cfg, 300*time.Millisecond)
	if err != nil {
		t.Fatalf("IdleCPU: %v", err)
	}
	if used <= 0 {
		t.Errorf("IdleCPU = %v, want some processor time for 300 ms of heartbeats", used)
	}
}

func TestIdleCPUStopsWhenCanceled(t *testing.T) {
	cfg := cluster.Config{
		Nodes: 3, ElectionTimeoutMin: 15 * time.Millisecond, ElectionTimeoutMax: 30 * time.Millisecond,
		Heartbeat: 5 * time.Millisecond, Slowdown: 1, Seed: 3,
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := IdleCPU(ctx, cfg, time.Hour)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("IdleCPU after cancel = %v, want %v", err, context.Canceled)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("IdleCPU still measures 30 s after its context was canceled")
	}
}

// PingArgs and PingReply have the shape of a heartbeat and its reply.
type PingArgs struct {
	Term     uint64
	LeaderID int
}

type PingReply struct {
	Term    uint64
	Success bool
}

// PingService replies to pings at once, with no other work.
type PingService struct{}

func (PingService) Ping(args *PingArgs, reply *PingReply) error {
	reply.Term, reply.Success = args.Term, true
	return nil
}

// BenchmarkLoopbackRPC measures what the messages of an idle 5-node cluster
// cost without the cluster: every 50 ms, one round of 4 concurrent net/rpc
// calls (gob over loopback TCP, one connection per peer, as the cluster's
// transport makes them) to servers in the same process. Each op is one round,
// so -benchtime 400x runs for 20 s. It reports the processor time of the
// whole process, from getrusage, as a percentage of one core.
func BenchmarkLoopbackRPC(b *testing.B) {
	const peers = 4
	clients := startPingServers(b, peers)
	ticker := time.NewTicker(50 * time.Millisecond)
	defer ticker.Stop()
	before, err := processCPU()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for range b.N {
		<-ticker.C
		pingAll(b, clients)
	}
	after, err := processCPU()
	if err != nil {
		b.Fatal(err)
	}
	used, elapsed := after-before, time.Since(start)
	b.ReportMetric(100*used.Seconds()/elapsed.Seconds(), "%core")
	b.ReportMetric(float64(used.Microseconds())/float64(peers*b.N), "cpu_us/call")
}

// pingAll sends one ping to every client at once and waits for the replies.
func pingAll(b *testing.B, clients []*rpc.Client) {
	calls := make([]*rpc.Call, len(clients))
	for i, client := range clients {
		calls[i] = client.Go("Node.Ping", &PingArgs{Term: 1, LeaderID: 1}, &PingReply{}, nil)
	}
	for _, call := range calls {
		if <-call.Done; call.Error != nil {
			b.Fatal(call.Error)
		}
	}
}

// startPingServers starts n ping servers on loopback and returns a client of
// each. Cleanup closes them and waits for their goroutines.
func startPingServers(b *testing.B, n int) []*rpc.Client {
	var wg sync.WaitGroup
	b.Cleanup(wg.Wait) // registered first, so it runs after the closes below
	var clients []*rpc.Client
	for range n {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		server := rpc.NewServer()
		if err := server.RegisterName("Node", PingService{}); err != nil {
			b.Fatal(err)
		}
		wg.Go(func() { serveConns(server, listener, &wg) })
		client, err := rpc.Dial("tcp", listener.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		clients = append(clients, client)
		b.Cleanup(func() {
			client.Close()
			listener.Close()
		})
	}
	return clients
}

// serveConns serves every connection listener accepts until it closes.
func serveConns(server *rpc.Server, listener net.Listener, wg *sync.WaitGroup) {
	for {
		conn, err := listener.Accept()
		if err != nil {
			return
		}
		wg.Go(func() { server.ServeConn(conn) })
	}
}
