package bench

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// paperTiming returns the model of n nodes with 150 to 300 ms election
// timeouts and a 50 ms heartbeat.
func paperTiming(n int) Model {
	return Model{
		Nodes: n, ElectionMin: 150 * time.Millisecond, ElectionMax: 300 * time.Millisecond,
		Heartbeat: 50 * time.Millisecond,
	}
}

func TestModelSanityValues(t *testing.T) {
	const tolerance = 3 * time.Millisecond
	mean := func(d Distribution) time.Duration { return d.Mean }
	median := func(d Distribution) time.Duration { return d.Median }
	p99 := func(d Distribution) time.Duration { return d.P99 }
	tests := []struct {
		name  string
		nodes int
		stat  func(Distribution) time.Duration
		want  time.Duration
	}{
		{"5 nodes mean", 5, mean, 155 * time.Millisecond},
		{"5 nodes median", 5, median, 151 * time.Millisecond},
		{"5 nodes p99", 5, p99, 234 * time.Millisecond},
		{"3 nodes mean", 3, mean, 175 * time.Millisecond},
		{"7 nodes mean", 7, mean, 147 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.stat(paperTiming(tt.nodes).Expect())
			if diff := (got - tt.want).Abs(); diff > tolerance {
				t.Errorf("got %v, want %v within %v", got, tt.want, tolerance)
			}
		})
	}
}

func TestModelMatchesMonteCarlo(t *testing.T) {
	const tolerance = 1500 * time.Microsecond
	for _, m := range []Model{
		paperTiming(3),
		paperTiming(5),
		paperTiming(7),
		{Nodes: 5, ElectionMin: 15 * time.Millisecond, ElectionMax: 30 * time.Millisecond,
			Heartbeat: 5 * time.Millisecond, Round: 2 * time.Millisecond},
	} {
		sorted := simulate(m, 200_000, 1)
		for _, q := range []float64{0.5, 0.9, 0.99} {
			want := Percentile(sorted, q)
			if got := m.Quantile(q); (got - want).Abs() > tolerance {
				t.Errorf("%d nodes, %v-%v: quantile %v = %v, Monte Carlo gives %v",
					m.Nodes, m.ElectionMin, m.ElectionMax, q, got, want)
			}
		}
		if got, want := m.Mean(), Summarize(sorted).Mean; (got - want).Abs() > tolerance {
			t.Errorf("%d nodes: mean %v, Monte Carlo gives %v", m.Nodes, got, want)
		}
	}
}

// simulate draws samples failovers of m the way the model describes them and
// returns them sorted.
func simulate(m Model, samples int, seed uint64) []time.Duration {
	rng := rand.New(rand.NewPCG(seed, seed))
	span := int64(m.ElectionMax - m.ElectionMin)
	out := make([]time.Duration, samples)
	for i := range out {
		first := time.Duration(span)
		for range m.Nodes - 1 {
			first = min(first, time.Duration(rng.Int64N(span)))
		}
		age := time.Duration(rng.Int64N(int64(m.Heartbeat) + 1))
		out[i] = m.ElectionMin + first - age + m.Round
	}
	slices.Sort(out)
	return out
}

func TestModelRoundShiftsEverything(t *testing.T) {
	base := paperTiming(5)
	shifted := base
	shifted.Round = 7 * time.Millisecond
	b, s := base.Expect(), shifted.Expect()
	pairs := map[string][2]time.Duration{
		"mean": {b.Mean, s.Mean}, "median": {b.Median, s.Median},
		"p90": {b.P90, s.P90}, "p99": {b.P99, s.P99},
	}
	for name, pair := range pairs {
		if diff := pair[1] - pair[0]; (diff - shifted.Round).Abs() > time.Microsecond {
			t.Errorf("a round of %v moved the %s by %v", shifted.Round, name, diff)
		}
	}
}

func TestModelCDFBounds(t *testing.T) {
	m := paperTiming(5)
	if got := m.CDF(m.ElectionMin - m.Heartbeat - time.Millisecond); got != 0 {
		t.Errorf("CDF below the earliest failover = %v, want 0", got)
	}
	if got := m.CDF(m.ElectionMax); got != 1 {
		t.Errorf("CDF at the maximum timeout = %v, want 1", got)
	}
	previous := 0.0
	for d := 90 * time.Millisecond; d <= 310*time.Millisecond; d += time.Millisecond {
		got := m.CDF(d)
		if got < previous {
			t.Fatalf("CDF decreases at %v: %v after %v", d, got, previous)
		}
		previous = got
	}
}

func TestModelMoreNodesFailOverFaster(t *testing.T) {
	previous := paperTiming(3).Quantile(0.5)
	for _, n := range []int{5, 7, 101} {
		median := paperTiming(n).Quantile(0.5)
		if median >= previous {
			t.Errorf("%d nodes: median %v, not below the smaller cluster's %v", n, median, previous)
		}
		previous = median
	}
}

func TestModelCDFFiniteForLargeClusters(t *testing.T) {
	m := Model{Nodes: 255, ElectionMin: 10 * time.Second, ElectionMax: 40 * time.Second,
		Heartbeat: 3 * time.Second, Round: 50 * time.Second}
	for _, d := range []time.Duration{0, time.Second, 55 * time.Second, 70 * time.Second, time.Hour} {
		if got := m.CDF(d); math.IsNaN(got) || got < 0 || got > 1 {
			t.Errorf("CDF(%v) = %v, want a probability", d, got)
		}
	}
}
