package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// writeJSON prints report as one indented JSON object.
func writeJSON(w io.Writer, report any) error {
	encoder := json.NewEncoder(w)
	encoder.SetIndent("", "  ")
	return encoder.Encode(report)
}

// writeText prints result for a person: the settings, the measured and
// expected quantiles, the split votes, the cost per node and a histogram.
func writeText(w io.Writer, result *Result) error {
	r := result.Report()
	model := result.Model()
	var b strings.Builder
	writeHeader(&b, result)
	writeQuantiles(&b, r)
	writeModelNote(&b, r, result.Settings.Nodes)
	writeCounts(&b, r)
	b.WriteString("\n" + renderHistogram(result.Durations(), &model))
	_, err := io.WriteString(w, b.String())
	return err
}

// writeHeader prints the settings of the run.
func writeHeader(b *strings.Builder, result *Result) {
	s := result.Settings
	fmt.Fprintf(b, "raftplay bench: %d leader crashes on %d nodes, election timeout %v to %v,\n",
		len(result.Failovers), s.Nodes, s.ElectionMin, s.ElectionMax)
	fmt.Fprintf(b, "heartbeat %v, fsync %s, prevote %s, checkquorum %s,\n",
		s.Heartbeat, onOff(!s.NoFsync), onOff(s.PreVote), onOff(s.CheckQuorum))
	fmt.Fprintf(b, "seed %d; took %v\n\n", s.Seed, result.Elapsed.Round(100*time.Millisecond))
}

// writeQuantiles prints the measured and expected failover times side by side.
func writeQuantiles(b *strings.Builder, r Report) {
	b.WriteString("Failover, from the crash to a new leader followed by a majority (ms):\n")
	fmt.Fprintf(b, "%-9s %8s %8s %8s %8s %8s %8s\n", "", "min", "median", "p90", "p99", "max", "mean")
	fmt.Fprintf(b, "%-9s %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f\n", "measured",
		r.MinMS, r.MedianMS, r.P90MS, r.P99MS, r.MaxMS, r.MeanMS)
	fmt.Fprintf(b, "%-9s %8s %8.1f %8.1f %8.1f %8s %8.1f\n", "model",
		"", r.ExpectedMedianMS, r.ExpectedP90MS, r.ExpectedP99MS, "", r.ExpectedMeanMS)
	fmt.Fprintf(b, "%-9s %8s %8.3f %8.3f %8.3f\n\n", "ratio",
		"", r.MedianRatio, r.P90Ratio, r.P99Ratio)
}

// writeModelNote explains where the model's numbers come from.
func writeModelNote(b *strings.Builder, r Report, nodes int) {
	fmt.Fprintf(b, "model: the first of %d survivors' election timers to run out, less the\n",
		nodes-1)
	b.WriteString("time since the last heartbeat, plus the median election round measured in\n")
	fmt.Fprintf(b, "this run (first campaign to majority, one-term failovers): %.1f ms.\n",
		r.RoundMedianMS)
	fmt.Fprintf(b, "measured median from crash to first campaign: %.1f ms.\n\n",
		r.TimerWaitMedianMS)
}

// writeCounts prints the split votes, stuck failovers, write latency and cost
// per node.
func writeCounts(b *strings.Builder, r Report) {
	fmt.Fprintf(b, "split votes: %d of %d failovers (%.1f%%) took more than one term\n",
		r.SplitVotes, r.Failovers, 100*r.SplitVoteRate)
	writeLost(b, r)
	fmt.Fprintf(b, "stuck failovers, over %.1f ms (2 x max timeout + heartbeat + round): %d\n",
		r.StuckBoundMS, r.Stuck)
	kind := "fsync"
	if !r.Settings.Fsync {
		kind = "no fsync"
	}
	fmt.Fprintf(b, "state-file write (%s), %d samples: p50 %.2f ms, p99 %.2f ms\n",
		kind, r.WriteSamples, r.WriteP50MS, r.WriteP99MS)
	fmt.Fprintf(b, "per node: %.1f KiB of heap in use, %.1f goroutines\n",
		r.HeapInUsePerNodeBytes/1024, r.GoroutinesPerNode)
	fmt.Fprintf(b, "safety monitor: %d violations reported\n", r.SafetyViolationCount)
	for _, violation := range r.SafetyViolations {
		b.WriteString(wrap("- "+violation, "  ", histogramWidth))
	}
}

// wrap breaks text into lines of at most width columns at spaces, indenting
// every line after the first.
func wrap(text, indent string, width int) string {
	var b strings.Builder
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case len(line)+1+len(word) > width:
			b.WriteString(line + "\n")
			line = indent + word
		default:
			line += " " + word
		}
	}
	b.WriteString(line + "\n")
	return b.String()
}

// writeLost prints the vote requests that never reached a running voter and
// the failovers that had none.
func writeLost(b *strings.Builder, r Report) {
	fmt.Fprintf(b, "lost vote requests, which never reached a running voter: %d\n", r.LostVoteRequests)
	fmt.Fprintf(b, "  failovers with a lost vote request: %d\n", r.FailoversWithLostVotes)
	clean := r.WithoutLostVoteRequests
	if clean.Failovers == 0 || clean.Failovers == r.Failovers {
		return
	}
	fmt.Fprintf(b, "  the other %d failovers: median %.1f ms (ratio %.3f),\n",
		clean.Failovers, clean.MedianMS, clean.MedianRatio)
	fmt.Fprintf(b, "  p99 %.1f ms (ratio %.3f), %d of them took more than one term\n",
		clean.P99MS, clean.P99Ratio, clean.SplitVotes)
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
