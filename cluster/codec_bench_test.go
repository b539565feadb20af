package cluster

import (
	"io"
	"net"
	"net/rpc"
	"sync"
	"syscall"
	"testing"
	"time"
)

// echoService replies to heartbeats at once, with no other work.
type echoService struct{}

func (echoService) AppendEntries(req *HeartbeatRequest, resp *HeartbeatResponse) error {
	resp.Reply.Term, resp.Reply.Success = req.Args.Term, true
	return nil
}

// BenchmarkLoopbackHeartbeats measures the cost of an idle 5-node cluster's
// messages with the nodes' codec and no Raft code. Every 50 ms it makes one
// round of 4 concurrent net/rpc heartbeat calls over loopback TCP, one
// connection per peer, to servers in the same process. Each op is one round, so
// -benchtime 400x runs for 20 s. It reports the processor time of the whole
// process, from getrusage, as a percentage of one core.
func BenchmarkLoopbackHeartbeats(b *testing.B) {
	const peers = 4
	var wg sync.WaitGroup
	b.Cleanup(wg.Wait) // registered first, so it runs after the closes below
	clients := make([]*rpc.Client, 0, peers)
	for range peers {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		server := rpc.NewServer()
		if err := server.RegisterName("Node", echoService{}); err != nil {
			b.Fatal(err)
		}
		wg.Go(func() {
			for {
				conn, err := listener.Accept()
				if err != nil {
					return
				}
				wg.Go(func() { server.ServeCodec(newServerCodec(conn)) })
			}
		})
		conn, err := net.Dial("tcp", listener.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		client := rpc.NewClientWithCodec(newClientCodec(conn))
		clients = append(clients, client)
		b.Cleanup(func() {
			client.Close()
			listener.Close()
		})
	}

	measureRounds(b, peers, func() {
		calls := make([]*rpc.Call, len(clients))
		for i, client := range clients {
			req := &HeartbeatRequest{Token: "token", From: 1, To: i + 2}
			calls[i] = client.Go("Node.AppendEntries", req, &HeartbeatResponse{}, nil)
		}
		for _, call := range calls {
			if <-call.Done; call.Error != nil {
				b.Fatal(call.Error)
			}
		}
	})
}

// measureRounds runs round once every 50 ms, b.N times, and reports the
// processor time of the whole process as a percentage of one core and per
// call. Each round makes the given number of calls.
func measureRounds(b *testing.B, calls int, round func()) {
	ticker := time.NewTicker(50 * time.Millisecond)
	defer ticker.Stop()
	before := cpuTime(b)
	start := time.Now()
	for range b.N {
		<-ticker.C
		round()
	}
	used, elapsed := cpuTime(b)-before, time.Since(start)
	b.ReportMetric(100*used.Seconds()/elapsed.Seconds(), "%core")
	b.ReportMetric(float64(used.Microseconds())/float64(calls*b.N), "cpu_us/call")
}

// cpuTime returns the processor time the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		b.Fatal(err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

// BenchmarkLoopbackEcho measures the floor under BenchmarkLoopbackHeartbeats:
// the same 4 round trips every 50 ms over loopback TCP, each a 64-byte
// message echoed back by a goroutine that only reads and writes, with no
// net/rpc, codec or Raft code. Each op is one round, so -benchtime 400x runs
// for 20 s.
func BenchmarkLoopbackEcho(b *testing.B) {
	const peers, size = 4, 64
	var wg sync.WaitGroup
	b.Cleanup(wg.Wait)
	conns := make([]net.Conn, 0, peers)
	for range peers {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		wg.Go(func() {
			conn, err := listener.Accept()
			listener.Close()
			if err != nil {
				return
			}
			defer conn.Close()
			buf := make([]byte, size)
			for {
				if _, err := io.ReadFull(conn, buf); err != nil {
					return
				}
				if _, err := conn.Write(buf); err != nil {
					return
				}
			}
		})
		conn, err := net.Dial("tcp", listener.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, conn)
		b.Cleanup(func() { conn.Close() })
	}

	message := make([]byte, size)
	replies := make(chan error, peers)
	measureRounds(b, peers, func() {
		// One goroutine per round trip, as a leader sends its heartbeats.
		for _, conn := range conns {
			go func() {
				buf := make([]byte, size)
				if _, err := conn.Write(message); err != nil {
					replies <- err
					return
				}
				_, err := io.ReadFull(conn, buf)
				replies <- err
			}()
		}
		for range conns {
			if err := <-replies; err != nil {
				b.Fatal(err)
			}
		}
	})
}
