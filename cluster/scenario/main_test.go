package scenario

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/raftplay/raftplay/cluster"
)

// TestMain fails the run if any goroutine outlives the tests: every cluster,
// subscription, tracer and thaw timer must be stopped by then.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// runTimeout bounds a whole headless run in a test, in wall time.
const runTimeout = 60 * time.Second

// maxClusters bounds how many clusters the parallel tests run at once. Each
// runs at real speed with heartbeats every few tens of milliseconds. Too many
// at once, under the race detector on two cores, delay heartbeats enough to
// start elections that the scenarios do not expect.
var maxClusters = make(chan struct{}, 3)

// newCluster returns a stopped cluster for s at real speed in a fresh folder,
// stopped when the test ends. It waits while maxClusters clusters run.
func newCluster(t *testing.T, s *Script) *cluster.Cluster {
	t.Helper()
	maxClusters <- struct{}{}
	t.Cleanup(func() { <-maxClusters })
	c, err := cluster.New(s.Options.Config(t.TempDir(), 1))
	if err != nil {
		t.Fatalf("cluster.New: %v", err)
	}
	t.Cleanup(c.Stop)
	return c
}

// mustParse parses text as a scenario named test.txt.
func mustParse(t *testing.T, text string) *Script {
	t.Helper()
	s, err := Parse("test.txt", strings.NewReader(text))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

// runHeadless runs s on a fresh cluster at real speed and returns the verdict
// and what Run printed.
func runHeadless(t *testing.T, s *Script) (Verdict, string) {
	t.Helper()
	return runOn(t, s, newCluster(t, s), RunOptions{KeepSpeed: true})
}

// runOn runs s on c with opts and returns the verdict and what Run printed.
func runOn(t *testing.T, s *Script, c Cluster, opts RunOptions) (Verdict, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	r := NewRunner(s, c, opts)
	defer r.Close()
	var out bytes.Buffer
	v := r.Run(ctx, &out)
	return v, out.String()
}
