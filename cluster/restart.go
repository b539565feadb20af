package cluster

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/raftplay/raftplay/raft"
)

// RestartMode selects what is done to a node's state file before it restarts.
type RestartMode int

// The restart modes. Only RestartClean is what a correct deployment does; the
// others show why Raft insists on keeping term and vote durably.
const (
	RestartClean   RestartMode = iota // from the state file as it is
	RestartAmnesia                    // the file is deleted first: term 0, no vote
	RestartStale                      // the file is put back as it was one write earlier
	RestartTorn                       // the file is cut short mid-record, as by a torn write
)

// RestartModes lists every mode, in the order a menu shows them.
var RestartModes = []RestartMode{RestartClean, RestartAmnesia, RestartStale, RestartTorn}

// String returns the mode's name.
func (m RestartMode) String() string {
	switch m {
	case RestartClean:
		return "clean"
	case RestartAmnesia:
		return "amnesia"
	case RestartStale:
		return "stale"
	case RestartTorn:
		return "torn"
	}
	return fmt.Sprintf("mode(%d)", int(m))
}

// describe returns how a node in this mode restarted, for the event list.
func (m RestartMode) describe() string {
	switch m {
	case RestartAmnesia:
		return "with amnesia (state file deleted)"
	case RestartStale:
		return "from a stale copy of its state file"
	case RestartTorn:
		return "from a torn state file"
	}
	return "from its state file"
}

// ParseRestartMode returns the mode with the given name.
func ParseRestartMode(name string) (RestartMode, error) {
	for _, m := range RestartModes {
		if m.String() == name {
			return m, nil
		}
	}
	return 0, fmt.Errorf("unknown restart mode %q; the modes are clean, amnesia, stale and torn", name)
}

// ErrNoEarlierWrite is returned by a stale restart of a node whose state file
// has not been written twice since the cluster started.
var ErrNoEarlierWrite = errors.New("no earlier write of the state file to go back to")

// maxHistory is how many past contents of each state file are kept for stale
// restarts.
const maxHistory = 16

// history keeps the recent contents of one state file, oldest first.
type history struct {
	mu       sync.Mutex
	versions [][]byte // guarded by mu
}

func (h *history) add(data []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if n := len(h.versions); n > 0 && string(h.versions[n-1]) == string(data) {
		return
	}
	h.versions = append(h.versions, data)
	if len(h.versions) > maxHistory {
		h.versions = h.versions[len(h.versions)-maxHistory:]
	}
}

// previous returns the version before the newest one.
func (h *history) previous() ([]byte, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.versions) < 2 {
		return nil, false
	}
	return h.versions[len(h.versions)-2], true
}

// savedState is the term and vote in a node's state file: what its storage
// last loaded or saved.
type savedState struct {
	mu sync.Mutex
	hs raft.HardState // guarded by mu
}

func (s *savedState) get() raft.HardState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hs
}

func (s *savedState) set(hs raft.HardState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hs = hs
}

// recordingStorage is a node's FileStorage that also keeps each content it
// writes, so that a stale restart can put an older one back, and the state it
// holds, so that the transport can check that a message carries nothing unsaved.
type recordingStorage struct {
	*raft.FileStorage
	history *history
	saved   *savedState
}

func (s recordingStorage) Load() (raft.HardState, error) {
	hs, err := s.FileStorage.Load()
	if err == nil {
		s.saved.set(hs)
		s.record()
	}
	return hs, err
}

func (s recordingStorage) Save(hs raft.HardState) error {
	if err := s.FileStorage.Save(hs); err != nil {
		return err
	}
	s.saved.set(hs)
	s.record()
	return nil
}

func (s recordingStorage) record() {
	if data, err := os.ReadFile(s.Path); err == nil {
		s.history.add(data)
	}
}

// RestartWith restarts node id after applying mode to its state file.
// A torn file is detected when the node loads it, so the node stays down and
// the error names the file.
func (c *Cluster) RestartWith(id int, mode RestartMode) error {
	c.ops.Lock()
	defer c.ops.Unlock()
	m, err := c.member(id)
	if err != nil {
		return err
	}
	if c.isUp(m) {
		return fmt.Errorf("restart n%d: %w", id, ErrNodeUp)
	}
	if err := c.prepareFile(m, mode); err != nil {
		return fmt.Errorf("restart n%d (%s): %w", id, mode, err)
	}
	c.mu.Lock()
	m.restartMode = mode
	c.mu.Unlock()
	return c.restart(m, mode)
}

// prepareFile does to m's state file what mode says. Called with ops held.
func (c *Cluster) prepareFile(m *member, mode RestartMode) error {
	switch mode {
	case RestartClean:
		return nil
	case RestartAmnesia:
		if err := os.Remove(m.statePath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	case RestartStale:
		data, ok := m.history.previous()
		if !ok {
			return ErrNoEarlierWrite
		}
		return raft.WriteFileAtomic(m.statePath, data)
	case RestartTorn:
		data, err := os.ReadFile(m.statePath)
		if err != nil {
			return err
		}
		// A torn write leaves a prefix of the record in place, not atomically.
		return os.WriteFile(m.statePath, data[:len(data)/2], 0o600)
	}
	return fmt.Errorf("unknown restart mode %d", int(mode))
}
