package cluster

import (
	"errors"
	"log/slog"
	"net"
	"net/rpc"
	"sync"
	"time"
)

// server accepts one node incarnation's incoming connections and serves net/rpc
// on each. Closing it closes the listener and every accepted connection, so a
// crashed node stops replying at once.
type server struct {
	listener net.Listener
	rpc      *rpc.Server
	log      *slog.Logger
	wg       sync.WaitGroup

	mu     sync.Mutex
	conns  map[net.Conn]struct{} // guarded by mu
	closed bool                  // guarded by mu
}

func newServer(l net.Listener, service *Service, log *slog.Logger) (*server, error) {
	s := &server{listener: l, rpc: rpc.NewServer(), log: log, conns: make(map[net.Conn]struct{})}
	if err := s.rpc.RegisterName("Node", service); err != nil {
		return nil, err
	}
	return s, nil
}

// serve accepts connections until close. It runs in a goroutine of its own.
func (s *server) serve() {
	defer s.wg.Done()
	backoff := 5 * time.Millisecond
	for {
		conn, err := s.listener.Accept()
		if err != nil {
			if s.isClosed() || errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors, say: wait and accept again rather than
			// stop listening for good.
			s.log.Error("accept failed, retrying", "addr", s.listener.Addr(), "err", err, "wait", backoff)
			time.Sleep(backoff)
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		if !s.track(conn) {
			conn.Close()
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.rpc.ServeCodec(newServerCodec(conn))
			s.untrack(conn)
		}()
	}
}

func (s *server) start() {
	s.wg.Add(1)
	go s.serve()
}

func (s *server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *server) track(conn net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[conn] = struct{}{}
	return true
}

func (s *server) untrack(conn net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, conn)
}

// close stops accepting, closes every connection and waits for their goroutines.
func (s *server) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.listener.Close()
	for conn := range s.conns {
		conn.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}
