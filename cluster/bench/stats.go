package bench

import (
	"math"
	"slices"
	"time"
)

// Summary describes a sample of durations.
type Summary struct {
	Count  int
	Min    time.Duration
	Median time.Duration
	P90    time.Duration
	P99    time.Duration
	Max    time.Duration
	Mean   time.Duration
}

// Summarize returns the order statistics of samples, or a zero Summary for an
// empty sample. samples is not modified.
func Summarize(samples []time.Duration) Summary {
	if len(samples) == 0 {
		return Summary{}
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	var total time.Duration
	for _, d := range sorted {
		total += d
	}
	return Summary{
		Count:  len(sorted),
		Min:    sorted[0],
		Median: Percentile(sorted, 0.5),
		P90:    Percentile(sorted, 0.9),
		P99:    Percentile(sorted, 0.99),
		Max:    sorted[len(sorted)-1],
		Mean:   total / time.Duration(len(sorted)),
	}
}

// Percentile returns the q-quantile of sorted, an ascending non-empty sample,
// interpolating linearly between the two nearest ranks (the method R and
// NumPy use by default).
func Percentile(sorted []time.Duration, q float64) time.Duration {
	rank := q * float64(len(sorted)-1)
	below := int(math.Floor(rank))
	above := min(below+1, len(sorted)-1)
	weight := rank - float64(below)
	gap := float64(sorted[above] - sorted[below])
	return sorted[below] + time.Duration(math.Round(weight*gap))
}

// ratio returns measured/expected, or 0 when nothing was expected.
func ratio(measured, expected time.Duration) float64 {
	if expected <= 0 {
		return 0
	}
	return float64(measured) / float64(expected)
}

// milliseconds returns d in milliseconds, rounded to the microsecond.
func milliseconds(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}
