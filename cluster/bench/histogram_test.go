package bench

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestHistogramFitsEightyColumns(t *testing.T) {
	model := paperTiming(5)
	tests := map[string][]time.Duration{
		"model sample":  simulate(model, 200, 3),
		"one sample":    {150 * time.Millisecond},
		"equal samples": {42 * time.Millisecond, 42 * time.Millisecond},
		"long tail":     append(simulate(model, 200, 4), 9*time.Second),
		"microseconds":  {time.Millisecond, time.Millisecond + 3*time.Microsecond},
		"random spread": randomDurations(500, time.Hour),
	}
	for name, samples := range tests {
		t.Run(name, func(t *testing.T) {
			for _, withModel := range []*Model{nil, &model} {
				text := renderHistogram(samples, withModel)
				for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
					if n := utf8.RuneCountInString(line); n > histogramWidth {
						t.Errorf("line of %d columns: %q", n, line)
					}
				}
			}
		})
	}
}

func randomDurations(n int, span time.Duration) []time.Duration {
	rng := rand.New(rand.NewPCG(5, 5))
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(rng.Int64N(int64(span)))
	}
	return out
}

func TestHistogramCountsEverySample(t *testing.T) {
	samples := simulate(paperTiming(5), 300, 9)
	text := renderHistogram(samples, nil)
	rows := strings.Split(strings.TrimSuffix(text, "\n"), "\n")[1:]
	total := 0
	for _, row := range rows {
		fields := strings.Fields(row)
		count, err := strconv.Atoi(fields[len(fields)-1])
		if err != nil {
			t.Fatalf("row %q does not end with a count: %v", row, err)
		}
		total += count
	}
	if total != len(samples) {
		t.Errorf("rows count %d samples, want %d:\n%s", total, len(samples), text)
	}
	if len(rows) < 5 || len(rows) > 30 {
		t.Errorf("%d rows, want 5 to 30:\n%s", len(rows), text)
	}
}

func TestHistogramEmptySample(t *testing.T) {
	if got := renderHistogram(nil, nil); got != "no samples\n" {
		t.Errorf("renderHistogram(nil) = %q", got)
	}
}
