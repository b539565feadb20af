package bench

import (
	"testing"
	"time"
)

func TestPercentileInterpolates(t *testing.T) {
	sorted := []time.Duration{10, 20, 30, 40, 50}
	tests := []struct {
		q    float64
		want time.Duration
	}{
		{0, 10}, {0.5, 30}, {0.9, 46}, {0.99, 50}, {1, 50}, {0.25, 20},
	}
	for _, tt := range tests {
		if got := Percentile(sorted, tt.q); got != tt.want {
			t.Errorf("Percentile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestSummarizeUnsortedSample(t *testing.T) {
	samples := []time.Duration{50, 10, 40, 20, 30}
	got := Summarize(samples)
	want := Summary{Count: 5, Min: 10, Median: 30, P90: 46, P99: 50, Max: 50, Mean: 30}
	if got != want {
		t.Errorf("Summarize = %+v, want %+v", got, want)
	}
	if samples[0] != 50 {
		t.Errorf("Summarize reordered its input: %v", samples)
	}
}

func TestSummarizeEmptySample(t *testing.T) {
	if got := Summarize(nil); got != (Summary{}) {
		t.Errorf("Summarize(nil) = %+v, want the zero Summary", got)
	}
}
