package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// rateWindow is the span of cluster time message rates are averaged over.
const rateWindow = time.Second

// electionStats counts elections from the event stream.
type electionStats struct {
	elections int // real elections started, pre-votes not included
	won       int
	split     int // terms in which two or more nodes campaigned and none won
	failed    int // terms in which one node campaigned and did not win
	maxTerm   uint64

	candidates map[uint64][]int // open terms: the nodes that campaigned in each
	winners    map[uint64]bool
}

func (s *electionStats) observe(e cluster.Event) {
	if e.Kind != cluster.EventRaft {
		return
	}
	r := e.Raft
	switch {
	case r.Kind == raft.EventElectionStarted && !r.PreVote:
		s.elections++
		s.newTerm(r.Term)
		if s.candidates == nil {
			s.candidates, s.winners = map[uint64][]int{}, map[uint64]bool{}
		}
		if !slices.Contains(s.candidates[r.Term], r.Node) {
			s.candidates[r.Term] = append(s.candidates[r.Term], r.Node)
		}
	case r.Kind == raft.EventElectionWon && !r.PreVote:
		s.won++
		if s.winners != nil {
			s.winners[r.Term] = true
		}
	case r.Kind == raft.EventTermChanged:
		s.newTerm(r.Term)
	}
}

// newTerm closes every open term older than term: a term that had candidates
// and no winner when a newer one began was a split vote, or a failed election
// when only one node campaigned.
func (s *electionStats) newTerm(term uint64) {
	if term <= s.maxTerm {
		return
	}
	s.maxTerm = term
	for t, nodes := range s.candidates {
		if t >= term {
			continue
		}
		switch {
		case s.winners[t]:
		case len(nodes) > 1:
			s.split++
		default:
			s.failed++
		}
		delete(s.candidates, t)
		delete(s.winners, t)
	}
}

// rateSample is every node's message count at one snapshot.
type rateSample struct {
	at           time.Time
	incarnations []int
	messages     []uint64 // sent and received, by node id - 1
}

// rateMeter computes each node's messages per second of cluster time over the
// last rateWindow, from the counts in the snapshots.
type rateMeter struct {
	samples   []rateSample
	perSecond []float64 // by node id - 1; negative while unknown, as after a restart
}

func (r *rateMeter) observe(s cluster.Snapshot) {
	sample := rateSample{at: s.Time}
	for _, n := range s.Nodes {
		c := n.Status.Counts
		sample.incarnations = append(sample.incarnations, n.Incarnation)
		sample.messages = append(sample.messages, c.Sent+c.Received)
	}
	if n := len(r.samples); n > 0 && !s.Time.After(r.samples[n-1].at) {
		r.samples[n-1] = sample // paused: time did not move
	} else {
		r.samples = append(r.samples, sample)
	}
	for len(r.samples) > 2 && !r.samples[1].at.After(s.Time.Add(-rateWindow)) {
		r.samples = r.samples[1:]
	}
	r.compute(s)
}

func (r *rateMeter) compute(s cluster.Snapshot) {
	first, last := r.samples[0], r.samples[len(r.samples)-1]
	span := last.at.Sub(first.at).Seconds()
	if span <= 0 {
		return
	}
	r.perSecond = make([]float64, len(s.Nodes))
	for i, n := range s.Nodes {
		switch {
		case !n.Up:
			r.perSecond[i] = 0
		case i >= len(first.messages) || first.incarnations[i] != last.incarnations[i]:
			r.perSecond[i] = -1
		default:
			r.perSecond[i] = float64(last.messages[i]-first.messages[i]) / span
		}
	}
}

// metricsView draws the failover stopwatch, the histogram of past failovers,
// the election counters and the message rates in a block of width×height.
func metricsView(st *styles, f failoverClock, e electionStats, r rateMeter, now time.Time,
	width, height int,
) string {
	lines := []string{stopwatchTitle(st, f, now)}
	lines = append(lines, lastFailover(st, f, width)...)
	lines = append(lines, histogramLine(st, f.done, width))
	lines = append(lines, fmt.Sprintf("elections %d, won %d, split %d, failed %d",
		e.elections, e.won, e.split, e.failed))
	lines = append(lines, burnedLine(f.done))
	rates := wrapLines(ratesText(r), width, max(height-len(lines), 1))
	lines = append(lines, rates...)
	return fitBlock(lines, width, height)
}

// stopwatchTitle names the panel and, while a failover runs, how long it has
// been running by the newest snapshot.
func stopwatchTitle(st *styles, f failoverClock, now time.Time) string {
	title := st.panelTitle.Render("failover") + st.dim.Render(" (m hides)")
	if !f.running {
		return title
	}
	return title + st.running.Render(fmt.Sprintf(" ⏱ %s since %s",
		formatDuration(max(now.Sub(f.lostAt), 0)), f.lostWhy))
}

// lastFailover draws the last failover's time in big digits, with what
// happened beside them.
func lastFailover(st *styles, f failoverClock, width int) []string {
	if len(f.done) == 0 {
		lines := wrapLines("no failover yet: crash, freeze or isolate the leader to time one",
			width, bigDigitHeight)
		return append(lines, make([]string, bigDigitHeight-len(lines))...)
	}
	last := f.done[len(f.done)-1]
	digits := bigDuration(last.took)
	about := []string{last.why, "→ " + raft.NodeName(last.leader) + " leads",
		plural(int(last.burned), "term") + " burned"}
	digitsWidth := 0
	for _, d := range digits {
		digitsWidth = max(digitsWidth, len([]rune(d)))
	}
	for i := range digits {
		pad := strings.Repeat(" ", digitsWidth-len([]rune(digits[i]))+2)
		digits[i] = st.stopwatch.Render(digits[i]) + pad + about[i]
	}
	return digits
}

// histogramLine draws how the past failovers' times spread from the fastest to
// the slowest, in as many bins as there are failovers up to 16, each a bar of
// 1/8 cell steps.
func histogramLine(st *styles, done []failover, width int) string {
	if len(done) == 0 {
		return st.dim.Render("histogram: none yet")
	}
	fastest, slowest := done[0].took, done[0].took
	for _, f := range done {
		fastest, slowest = min(fastest, f.took), max(slowest, f.took)
	}
	head := fmt.Sprintf("last %d: %s ", len(done), formatDuration(fastest))
	tail := " " + formatDuration(slowest)
	room := max(width-len([]rune(head))-len([]rune(tail)), 1)
	bins := histogram(done, fastest, slowest, min(len(done), room, 16))
	return head + st.bar.Render(bins) + tail
}

func histogram(done []failover, fastest, slowest time.Duration, bins int) string {
	counts := make([]int, bins)
	for _, f := range done {
		i := 0
		if slowest > fastest {
			i = int(int64(bins-1) * int64(f.took-fastest) / int64(slowest-fastest))
		}
		counts[i]++
	}
	peak := slices.Max(counts)
	levels := []rune(" ▁▂▃▄▅▆▇█")
	var b strings.Builder
	for _, c := range counts {
		b.WriteRune(levels[(c*(len(levels)-1)+peak-1)/peak])
	}
	return b.String()
}

// burnedLine gives the terms each failover used up: one for a clean election,
// more after split votes or failed elections.
func burnedLine(done []failover) string {
	if len(done) == 0 {
		return "terms per failover: none yet"
	}
	total := uint64(0)
	for _, f := range done {
		total += f.burned
	}
	return fmt.Sprintf("terms per failover: last %d, mean %.1f",
		done[len(done)-1].burned, float64(total)/float64(len(done)))
}

// ratesText lists every node's messages per second, sent and received.
func ratesText(r rateMeter) string {
	parts := []string{"messages/s"}
	for i, rate := range r.perSecond {
		value := "–"
		if rate >= 0 {
			value = fmt.Sprintf("%.0f", rate)
		}
		parts = append(parts, raft.NodeName(i+1)+":"+value)
	}
	if len(r.perSecond) == 0 {
		parts = append(parts, "measuring…")
	}
	return strings.Join(parts, " ")
}

// plural returns "1 term" or "2 terms".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
