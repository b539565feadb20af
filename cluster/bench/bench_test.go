package bench

import (
	"context"
	"testing"
	"time"
)

// BenchmarkFailover crashes the leader of a 5-node cluster b.N times with
// 15-30 ms election timeouts and a 5 ms heartbeat, and reports the median
// failover and its ratio to the model's median. ns/op is the wall time of one
// crash cycle: the failover, the restart and the wait for a stable cluster.
func BenchmarkFailover(b *testing.B) {
	s := Settings{
		Nodes: 5, ElectionMin: 15 * time.Millisecond, ElectionMax: 30 * time.Millisecond,
		Heartbeat: 5 * time.Millisecond, Crashes: b.N, Seed: 1, WriteSamples: 50,
	}
	result, err := Run(context.Background(), s)
	if err != nil {
		b.Fatal(err)
	}
	report := result.Report()
	b.ReportMetric(report.MedianMS, "median_ms")
	b.ReportMetric(report.P99MS, "p99_ms")
	b.ReportMetric(report.MedianRatio, "ratio")
	b.ReportMetric(report.SplitVoteRate, "split_rate")
}
