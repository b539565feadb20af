package bench

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Layout of the histogram: it fits an 80-column terminal.
const (
	histogramBars  = 40 // columns of the longest bar
	histogramRows  = 16 // bins to aim for; round bin widths give 7 to 18
	histogramWidth = 80 // no line is longer
)

// renderHistogram draws samples as plain text, one row per bin of
// milliseconds, with a bar of '#' for the measured count. When model is not
// nil, each row also shows the count the model expects in that bin.
func renderHistogram(samples []time.Duration, model *Model) string {
	if len(samples) == 0 {
		return "no samples\n"
	}
	summary := Summarize(samples)
	step := binWidth(summary.Max - summary.Min)
	first := summary.Min.Truncate(step)
	bins := int((summary.Max-first)/step) + 1
	counts := make([]int, bins)
	for _, d := range samples {
		counts[(d-first)/step]++
	}
	expected := expectedCounts(model, len(samples), first, step, bins)
	return drawBins(counts, expected, first, step)
}

// binWidth returns a round bin width (1, 2 or 5 times a power of ten, in
// milliseconds) that cuts span into about histogramRows bins.
func binWidth(span time.Duration) time.Duration {
	target := float64(span) / histogramRows
	unit := math.Pow(10, math.Floor(math.Log10(max(target, 1))))
	for _, factor := range []float64{1, 2, 5, 10} {
		if unit*factor >= target {
			return max(time.Duration(unit*factor), time.Microsecond)
		}
	}
	return time.Duration(unit * 10)
}

// expectedCounts returns how many of n samples the model puts in each bin, or
// nil without a model.
func expectedCounts(model *Model, n int, first, step time.Duration, bins int) []float64 {
	if model == nil {
		return nil
	}
	expected := make([]float64, bins)
	for i := range expected {
		lo := first + time.Duration(i)*step
		expected[i] = max(float64(n)*(model.CDF(lo+step)-model.CDF(lo)), 0)
	}
	return expected
}

// drawBins renders the rows under a header line.
func drawBins(counts []int, expected []float64, first, step time.Duration) string {
	labels := make([]string, len(counts))
	labelWidth := len("ms")
	for i := range counts {
		lo := first + time.Duration(i)*step
		labels[i] = formatMillis(lo, step) + "-" + formatMillis(lo+step, step)
		labelWidth = max(labelWidth, len(labels[i]))
	}
	peak := 1.0
	for i, count := range counts {
		peak = max(peak, float64(count))
		if expected != nil {
			peak = max(peak, expected[i])
		}
	}
	var b strings.Builder
	header := fmt.Sprintf("%-*s  %-*s %6s", labelWidth, "ms", histogramBars, "measured (#)", "count")
	if expected != nil {
		header += fmt.Sprintf(" %7s", "model")
	}
	b.WriteString(strings.TrimRight(header, " ") + "\n")
	for i, count := range counts {
		bar := strings.Repeat("#", int(math.Round(float64(count)/peak*histogramBars)))
		row := fmt.Sprintf("%*s |%-*s %6d", labelWidth, labels[i], histogramBars, bar, count)
		if expected != nil {
			row += fmt.Sprintf(" %7.1f", expected[i])
		}
		b.WriteString(row + "\n")
	}
	return b.String()
}

// formatMillis writes d in milliseconds with as many decimals as step needs.
func formatMillis(d, step time.Duration) string {
	decimals := max(0, int(math.Ceil(-math.Log10(float64(step)/float64(time.Millisecond)))))
	return fmt.Sprintf("%.*f", decimals, float64(d)/float64(time.Millisecond))
}
