package bench

import "time"

// Model returns the model of r's settings. Its Round is the median time this
// run measured from the first campaign to a majority following the new
// leader, over the failovers that took one term. That time covers the vote
// round trip, the state-file writes and the first heartbeats.
func (r *Result) Model() Model {
	return Model{
		Nodes: r.Settings.Nodes, ElectionMin: r.Settings.ElectionMin,
		ElectionMax: r.Settings.ElectionMax, Heartbeat: r.Settings.Heartbeat,
		Round: r.medianRound(),
	}
}

// medianRound returns the median Round of the one-term failovers, or of all
// failovers if none took one term.
func (r *Result) medianRound() time.Duration {
	var rounds, all []time.Duration
	for _, f := range r.Failovers {
		all = append(all, f.Round())
		if f.Terms() == 1 {
			rounds = append(rounds, f.Round())
		}
	}
	if len(rounds) == 0 {
		rounds = all
	}
	return Summarize(rounds).Median
}

// Durations returns every failover's duration, in run order.
func (r *Result) Durations() []time.Duration {
	durations := make([]time.Duration, len(r.Failovers))
	for i, f := range r.Failovers {
		durations[i] = f.Duration
	}
	return durations
}

// SplitVotes returns how many failovers took more than one term.
func (r *Result) SplitVotes() int {
	return countFunc(r.Failovers, func(f Failover) bool { return f.Terms() > 1 })
}

// StuckBound returns the longest failover that is not stuck: the maximum
// election timeout and a heartbeat for the first campaign, then one more full
// election (another maximum timeout and the measured round) after a split vote.
func (r *Result) StuckBound() time.Duration {
	s := r.Settings
	return 2*s.ElectionMax + s.Heartbeat + r.medianRound()
}

// Stuck returns how many failovers took longer than StuckBound.
func (r *Result) Stuck() int {
	bound := r.StuckBound()
	return countFunc(r.Failovers, func(f Failover) bool { return f.Duration > bound })
}

func countFunc(failovers []Failover, match func(Failover) bool) int {
	count := 0
	for _, f := range failovers {
		if match(f) {
			count++
		}
	}
	return count
}

// Report is the summary of a Result that "raftplay bench --json" prints.
// Durations are in milliseconds.
type Report struct {
	Settings  ReportSettings `json:"settings"`
	Failovers int            `json:"failovers"`

	MinMS    float64 `json:"min_ms"`
	MedianMS float64 `json:"median_ms"`
	P90MS    float64 `json:"p90_ms"`
	P99MS    float64 `json:"p99_ms"`
	MaxMS    float64 `json:"max_ms"`
	MeanMS   float64 `json:"mean_ms"`

	SplitVotes int `json:"split_votes"`
	// SplitVoteRate is the fraction of failovers that took more than one term.
	SplitVoteRate float64 `json:"split_vote_rate"`
	Stuck         int     `json:"stuck"` // failovers longer than StuckBoundMS
	StuckBoundMS  float64 `json:"stuck_bound_ms"`

	LostVoteRequests        int          `json:"lost_vote_requests"` // see Failover.LostVoteRequests
	FailoversWithLostVotes  int          `json:"failovers_with_lost_vote_requests"`
	WithoutLostVoteRequests SubsetReport `json:"without_lost_vote_requests"`

	// TimerWaitMedianMS is the median time from the crash to the first
	// campaign, and RoundMedianMS the median time from there to a majority
	// following the new leader, over the failovers that took one term.
	TimerWaitMedianMS float64 `json:"timer_wait_median_ms"`
	RoundMedianMS     float64 `json:"round_median_ms"`

	ExpectedMeanMS   float64 `json:"expected_mean_ms"`
	ExpectedMedianMS float64 `json:"expected_median_ms"`
	ExpectedP90MS    float64 `json:"expected_p90_ms"`
	ExpectedP99MS    float64 `json:"expected_p99_ms"`
	MedianRatio      float64 `json:"median_ratio"` // measured median / expected median
	P90Ratio         float64 `json:"p90_ratio"`
	P99Ratio         float64 `json:"p99_ratio"`

	WriteSamples int     `json:"write_samples"`
	WriteP50MS   float64 `json:"write_p50_ms"`
	WriteP99MS   float64 `json:"write_p99_ms"`

	// SafetyViolations lists the first maxViolations reports of the cluster's
	// safety monitor; SafetyViolationCount counts them all.
	SafetyViolations     []string `json:"safety_violations"`
	SafetyViolationCount int      `json:"safety_violation_count"`

	HeapInUsePerNodeBytes float64 `json:"heap_in_use_per_node_bytes"`
	GoroutinesPerNode     float64 `json:"goroutines_per_node"`
	ElapsedSeconds        float64 `json:"elapsed_s"`
}

// SubsetReport summarizes some of the failovers of a run.
type SubsetReport struct {
	Failovers   int     `json:"failovers"`
	SplitVotes  int     `json:"split_votes"`
	MedianMS    float64 `json:"median_ms"`
	P90MS       float64 `json:"p90_ms"`
	P99MS       float64 `json:"p99_ms"`
	MedianRatio float64 `json:"median_ratio"`
	P99Ratio    float64 `json:"p99_ratio"`
}

// ReportSettings is the part of a Report that repeats the settings.
type ReportSettings struct {
	Nodes         int     `json:"nodes"`
	ElectionMinMS float64 `json:"election_min_ms"`
	ElectionMaxMS float64 `json:"election_max_ms"`
	HeartbeatMS   float64 `json:"heartbeat_ms"`
	Crashes       int     `json:"crashes"`
	PreVote       bool    `json:"prevote"`
	CheckQuorum   bool    `json:"checkquorum"`
	Fsync         bool    `json:"fsync"`
	Seed          uint64  `json:"seed"`
}

// maxViolations is how many safety monitor reports a Report lists.
const maxViolations = 10

// Report summarizes r.
func (r *Result) Report() Report {
	measured := Summarize(r.Durations())
	expected := r.Model().Expect()
	report := Report{Settings: r.reportSettings(), Failovers: measured.Count}

	report.MinMS, report.MedianMS = milliseconds(measured.Min), milliseconds(measured.Median)
	report.P90MS, report.P99MS = milliseconds(measured.P90), milliseconds(measured.P99)
	report.MaxMS, report.MeanMS = milliseconds(measured.Max), milliseconds(measured.Mean)
	report.TimerWaitMedianMS = milliseconds(r.timerWaits().Median)
	report.RoundMedianMS = milliseconds(r.medianRound())

	report.ExpectedMeanMS = milliseconds(expected.Mean)
	report.ExpectedMedianMS = milliseconds(expected.Median)
	report.ExpectedP90MS, report.ExpectedP99MS = milliseconds(expected.P90), milliseconds(expected.P99)
	report.MedianRatio = ratio(measured.Median, expected.Median)
	report.P90Ratio = ratio(measured.P90, expected.P90)
	report.P99Ratio = ratio(measured.P99, expected.P99)

	r.reportElections(&report, expected)
	r.reportCosts(&report)
	return report
}

// reportElections fills in the split votes, lost vote requests, stuck
// failovers and safety violations.
func (r *Result) reportElections(report *Report, expected Distribution) {
	report.SplitVotes = r.SplitVotes()
	if len(r.Failovers) > 0 {
		report.SplitVoteRate = float64(report.SplitVotes) / float64(len(r.Failovers))
	}
	for _, f := range r.Failovers {
		report.LostVoteRequests += f.LostVoteRequests
		if f.LostVoteRequests > 0 {
			report.FailoversWithLostVotes++
		}
	}
	noneLost := func(f Failover) bool { return f.LostVoteRequests == 0 }
	report.WithoutLostVoteRequests = r.subset(noneLost, expected)
	report.Stuck, report.StuckBoundMS = r.Stuck(), milliseconds(r.StuckBound())
	report.SafetyViolationCount = len(r.Violations)
	listed := r.Violations[:min(len(r.Violations), maxViolations)]
	report.SafetyViolations = append([]string{}, listed...) // [] rather than null in JSON
}

// reportCosts fills in the write latency, the cost per node and the run time.
func (r *Result) reportCosts(report *Report) {
	report.WriteSamples = r.Writes.Count
	report.WriteP50MS, report.WriteP99MS = milliseconds(r.Writes.Median), milliseconds(r.Writes.P99)
	report.HeapInUsePerNodeBytes = r.Footprint.HeapInUse
	report.GoroutinesPerNode = r.Footprint.Goroutines
	report.ElapsedSeconds = r.Elapsed.Seconds()
}

// subset summarizes the failovers that match keep.
func (r *Result) subset(keep func(Failover) bool, expected Distribution) SubsetReport {
	var durations []time.Duration
	report := SubsetReport{}
	for _, f := range r.Failovers {
		if !keep(f) {
			continue
		}
		durations = append(durations, f.Duration)
		if f.Terms() > 1 {
			report.SplitVotes++
		}
	}
	measured := Summarize(durations)
	report.Failovers = measured.Count
	report.MedianMS, report.P90MS = milliseconds(measured.Median), milliseconds(measured.P90)
	report.P99MS = milliseconds(measured.P99)
	report.MedianRatio = ratio(measured.Median, expected.Median)
	report.P99Ratio = ratio(measured.P99, expected.P99)
	return report
}

// timerWaits summarizes the time from each crash to the first campaign.
func (r *Result) timerWaits() Summary {
	waits := make([]time.Duration, len(r.Failovers))
	for i, f := range r.Failovers {
		waits[i] = f.TimerWait
	}
	return Summarize(waits)
}

func (r *Result) reportSettings() ReportSettings {
	s := r.Settings
	return ReportSettings{
		Nodes: s.Nodes, ElectionMinMS: milliseconds(s.ElectionMin),
		ElectionMaxMS: milliseconds(s.ElectionMax), HeartbeatMS: milliseconds(s.Heartbeat),
		Crashes: s.Crashes, PreVote: s.PreVote, CheckQuorum: s.CheckQuorum, Fsync: !s.NoFsync,
		Seed: s.Seed,
	}
}
