package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// rateWindow is the span of cluster time message rates are averaged over.
const rateWindow = time.Second

// keptTerms is the number of terms below the highest that electionStats keeps
// records of, to place a late candidacy or win in the term it belongs to.
//
// NOTE: an event for a term older than that counts as a new election.
const keptTerms = 1000

// termOutcome is the result of a term's election, as electionStats counts it.
type termOutcome int

const (
	termUndecided termOutcome = iota // no winner yet, and no newer term has begun
	termWon
	termSplit  // two or more nodes campaigned, none won, and a newer term began
	termFailed // one node campaigned, it did not win, and a newer term began
)

// termRecord is the state electionStats keeps of one term's election.
type termRecord struct {
	candidates []int
	won        bool
	closed     bool // a newer term has begun
}

func (r termRecord) outcome() termOutcome {
	switch {
	case r.won:
		return termWon
	case !r.closed:
		return termUndecided
	case len(r.candidates) > 1:
		return termSplit
	}
	return termFailed
}

// electionStats counts elections by term from the event stream: a term in
// which any node campaigned counts once, however many candidates it had, so
// that the counts of the outcomes add up to the number of elections. Pre-votes
// do not count.
type electionStats struct {
	elections int                 // terms with at least one candidate or a win
	outcomes  [termFailed + 1]int // by termOutcome, adding up to elections
	maxTerm   uint64

	terms map[uint64]*termRecord // records of the terms from maxTerm-keptTerms up
}

func (s *electionStats) observe(e cluster.Event) {
	if e.Kind != cluster.EventRaft {
		return
	}
	r := e.Raft
	switch {
	case r.Kind == raft.EventElectionStarted && !r.PreVote:
		s.newTerm(r.Term)
		s.update(r.Term, func(t *termRecord) {
			if !slices.Contains(t.candidates, r.Node) {
				t.candidates = append(t.candidates, r.Node)
			}
		})
	case r.Kind == raft.EventElectionWon && !r.PreVote:
		s.newTerm(r.Term)
		s.update(r.Term, func(t *termRecord) { t.won = true })
	case r.Kind == raft.EventTermChanged:
		s.newTerm(r.Term)
	}
}

// update applies change to term's record and moves the term to its new
// outcome. A term seen for the first time counts as a new election.
func (s *electionStats) update(term uint64, change func(*termRecord)) {
	if s.terms == nil {
		s.terms = map[uint64]*termRecord{}
	}
	t, ok := s.terms[term]
	if !ok {
		t = &termRecord{closed: term < s.maxTerm}
		s.terms[term] = t
		s.elections++
	} else {
		s.outcomes[t.outcome()]--
	}
	change(t)
	s.outcomes[t.outcome()]++
}

// newTerm closes every open term older than term, and deletes the records of
// the terms more than keptTerms below it.
func (s *electionStats) newTerm(term uint64) {
	if term <= s.maxTerm {
		return
	}
	s.maxTerm = term
	for number, t := range s.terms {
		switch {
		case number+keptTerms < term:
			delete(s.terms, number)
		case number < term && !t.closed:
			s.outcomes[t.outcome()]--
			t.closed = true
			s.outcomes[t.outcome()]++
		}
	}
}

// lines counts the elections and their outcomes, the undecided ones only
// while there are any, in lines of at most width that break between counts.
func (s electionStats) lines(width int) []string {
	counts := []string{
		fmt.Sprintf("%s (one per term): won %d", plural(s.elections, "election"), s.outcomes[termWon]),
		fmt.Sprintf("split %d", s.outcomes[termSplit]),
		fmt.Sprintf("failed %d", s.outcomes[termFailed]),
	}
	if undecided := s.outcomes[termUndecided]; undecided > 0 {
		counts = append(counts, fmt.Sprintf("undecided %d", undecided))
	}
	return joinLines(counts, ", ", width)
}

// joinLines joins parts with sep into lines of at most width, breaking only
// between parts. A part wider than width gets a line of its own.
func joinLines(parts []string, sep string, width int) []string {
	var lines []string
	line := ""
	for _, part := range parts {
		switch {
		case line == "":
			line = part
		case ansi.StringWidth(line+sep+part) <= width:
			line += sep + part
		default:
			lines = append(lines, line)
			line = part
		}
	}
	return append(lines, line)
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
		sample.messages = append(sample.messages, c.Sent+c.Replied+c.Received)
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
// the planned handovers, the election counters and the message rates in a
// block of width×height.
func metricsView(st *styles, f failoverClock, e electionStats, r rateMeter, now time.Time,
	width, height int,
) string {
	lines := []string{stopwatchTitle(st, f, now)}
	lines = append(lines, lastFailover(st, f, width)...)
	lines = append(lines, histogramLine(st, f.done, width))
	lines = append(lines, burnedLine(f.done))
	lines = append(lines, handoverLines(f, width)...)
	lines = append(lines, e.lines(width)...)
	rates := wrapLines(ratesText(r), width, max(height-len(lines), 1))
	lines = append(lines, rates...)
	return fitBlock(lines, width, height)
}

// stopwatchTitle names the panel and, while a failover or a handover runs, how
// long it has been running by the newest snapshot.
func stopwatchTitle(st *styles, f failoverClock, now time.Time) string {
	title := st.panelTitle.Render("failover") + st.dim.Render(" (m hides)")
	if !f.running {
		return title
	}
	kind := ""
	if f.handover {
		kind = "handover "
	}
	return title + st.running.Render(fmt.Sprintf(" ⏱ %s%s since %s", kind,
		formatDuration(max(now.Sub(f.lostAt), 0)), f.lostWhy))
}

// handoverLines counts the planned handovers, which the failover figures
// leave out, and describes the last one, in lines of at most width.
func handoverLines(f failoverClock, width int) []string {
	if f.handoverCount == 0 {
		return []string{"handovers: none yet"}
	}
	last := f.lastHandover
	took := formatDuration(last.took)
	if last.took < time.Millisecond {
		// On loopback a handover can take less than a millisecond of cluster
		// time, which would read as 0ms.
		took = "<1ms"
	}
	about := fmt.Sprintf("last %s (%s)", took, last.why)
	if last.leader != last.target {
		about += " → " + raft.NodeName(last.leader) + " leads"
	}
	return joinLines([]string{fmt.Sprintf("handovers %d", f.handoverCount), about}, ", ", width)
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
		fmt.Sprintf("term %d → %d", last.term-last.burned, last.term)}
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

// ratesText lists every node's messages per second, sent and received. A node
// restarted within the window shows "…" until a window of its new incarnation
// has passed.
func ratesText(r rateMeter) string {
	parts := []string{"messages/s"}
	for i, rate := range r.perSecond {
		value := "…"
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
