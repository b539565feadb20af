package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/raftplay/raftplay/raft"
)

// TimeWrites saves a state file samples times in a new folder inside dir,
// the way a node saves its term and vote, and returns the latency of those
// saves. With noSync the saves skip fsync, as cluster.Config.NoFsync does.
func TimeWrites(dir string, samples int, noSync bool) (Summary, error) {
	probeDir, err := os.MkdirTemp(dir, "write-probe-")
	if err != nil {
		return Summary{}, fmt.Errorf("creating the write probe folder failed: %w", err)
	}
	defer os.RemoveAll(probeDir)
	storage := raft.NewFileStorage(filepath.Join(probeDir, "probe.state"), 1)
	storage.NoSync = noSync
	latencies := make([]time.Duration, 0, samples)
	for i := range samples {
		start := time.Now()
		if err := storage.Save(raft.HardState{Term: uint64(i + 1), VotedFor: 1}); err != nil {
			return Summary{}, fmt.Errorf("timing state-file writes: %w", err)
		}
		latencies = append(latencies, time.Since(start))
	}
	return Summarize(latencies), nil
}
