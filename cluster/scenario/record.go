package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/raftplay/raftplay/cluster"
)

// Recorder wraps a cluster and writes every operation done through it as a
// scenario line, with a sleep line for the cluster time between two
// operations. A session poked by hand can so be saved and replayed as a
// regression test. Recorder implements Cluster and the methods of the UI's
// cluster interface: each calls the wrapped cluster and records the call if
// it succeeded. It is safe for concurrent use.
type Recorder struct {
	cluster Cluster
	header  []string // option lines for the cluster as it was when recording began

	mu     sync.Mutex
	lines  []string  // the recorded steps; guarded by mu
	last   time.Time // cluster time of the last recorded step; guarded by mu
	paused bool      // the last recorded pause has not been resumed; guarded by mu
}

// NewRecorder starts recording the operations done through the returned
// Recorder on c. The options of the header come from c's snapshot.
func NewRecorder(c Cluster) *Recorder {
	s := c.Snapshot()
	header := []string{
		fmt.Sprintf("nodes %d", len(s.Nodes)),
		fmt.Sprintf("election-timeout %v %v", s.ElectionTimeoutMin, s.ElectionTimeoutMax),
		fmt.Sprintf("heartbeat %v", s.Heartbeat),
		"prevote " + onOff(s.PreVote),
		"checkquorum " + onOff(s.CheckQuorum),
		fmt.Sprintf("seed %d", s.Seed),
		"slow " + strconv.FormatFloat(s.Slowdown, 'f', -1, 64),
	}
	return &Recorder{cluster: c, header: header, last: c.Clock().Now()}
}

// record appends line, after a sleep line for the cluster time since the
// last one. No sleep is recorded while paused, because a scenario may not
// sleep then. Cluster time does not move while paused, apart from the moment
// the pause or resume itself takes.
func (r *Recorder) record(line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.cluster.Clock().Now()
	if gap := now.Sub(r.last).Round(time.Millisecond); gap > 0 && !r.paused {
		r.lines = append(r.lines, "sleep "+gap.String())
	}
	r.lines = append(r.lines, line)
	r.last = now
	switch line {
	case "pause":
		r.paused = true
	case "resume":
		r.paused = false
	}
}

// recordIf records line if err is nil, and returns err.
func (r *Recorder) recordIf(err error, format string, args ...any) error {
	if err == nil {
		r.record(fmt.Sprintf(format, args...))
	}
	return err
}

// Say records a caption.
func (r *Recorder) Say(text string) {
	r.record("say " + strings.Join(strings.Fields(text), " "))
}

// Checkpoint records expect lines that describe the cluster now: its leader
// or the lack of one, and whether the safety monitor caught a violation.
func (r *Recorder) Checkpoint() {
	s := r.cluster.Snapshot()
	if len(s.Violations) > 0 {
		r.record(expectViolation)
	}
	if id, _ := leaderOf(s); id != 0 {
		r.record(fmt.Sprintf("expect leader %d", id))
		return
	}
	r.record("expect no leader")
}

// expectViolation is the step with which a replay expects a safety violation
// instead of failing on it.
const expectViolation = "expect safety violation"

// Lines returns the steps recorded so far.
func (r *Recorder) Lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...)
}

// Script returns the recording as a scenario file: a comment, the options
// header, a caption and the recorded steps.
func (r *Recorder) Script() []byte {
	var b bytes.Buffer
	fmt.Fprintln(&b, "# A session recorded by hand in raftplay.")
	for _, line := range r.header {
		fmt.Fprintln(&b, line)
	}
	fmt.Fprintln(&b)
	// The caption ends the header, so that a recorded prevote or checkquorum
	// line is read as a live switch and not as a second option.
	fmt.Fprintln(&b, "say Replay of a session recorded by hand.")
	lines := r.Lines()
	for _, line := range lines {
		fmt.Fprintln(&b, line)
	}
	if len(r.cluster.Snapshot().Violations) > 0 && !slices.Contains(lines, expectViolation) {
		// The violation came some time after its cause, as when a node
		// restarted with amnesia votes twice in a term. A replay that
		// breaks safety again then passes.
		fmt.Fprintln(&b, "# The safety monitor caught a violation during the session.")
		fmt.Fprintln(&b, expectViolation)
	}
	return b.Bytes()
}

// WriteTo writes the recording as a scenario file to w.
func (r *Recorder) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(r.Script())
	return int64(n), err
}

// Save writes the recording as a scenario file at path.
func (r *Recorder) Save(path string) error {
	if err := os.WriteFile(path, r.Script(), 0o644); err != nil {
		return fmt.Errorf("saving the recorded scenario failed: %w", err)
	}
	return nil
}

// Start starts the wrapped cluster. It is not recorded.
func (r *Recorder) Start() error { return r.cluster.Start() }

// Snapshot returns the wrapped cluster's snapshot.
func (r *Recorder) Snapshot() cluster.Snapshot { return r.cluster.Snapshot() }

// Subscribe subscribes to the wrapped cluster's events.
func (r *Recorder) Subscribe() (<-chan cluster.Event, func()) { return r.cluster.Subscribe() }

// Clock returns the wrapped cluster's clock.
func (r *Recorder) Clock() *cluster.Clock { return r.cluster.Clock() }

// Crash crashes node id and records crash id.
func (r *Recorder) Crash(id int) error {
	return r.recordIf(r.cluster.Crash(id), "crash %d", id)
}

// Restart restarts node id from its state file and records restart id.
func (r *Recorder) Restart(id int) error { return r.RestartWith(id, cluster.RestartClean) }

// RestartWith restarts node id in mode and records it. A torn restart is
// recorded although the node stays down, since staying down is its purpose.
//
// NOTE: another restart that fails, as on a file that a torn restart left, is
// not recorded, because a replay fails on a failed restart step.
// An amnesia or stale restart that the safety monitor flags at once, because
// the node's term fell, is followed by expect safety violation.
func (r *Recorder) RestartWith(id int, mode cluster.RestartMode) error {
	before := len(r.cluster.Snapshot().Violations)
	err := r.cluster.RestartWith(id, mode)
	line := fmt.Sprintf("restart %d", id)
	if mode != cluster.RestartClean {
		line += " " + mode.String()
	}
	if err == nil || (mode == cluster.RestartTorn && errors.Is(err, cluster.ErrStartFailed)) {
		r.record(line)
		if len(r.cluster.Snapshot().Violations) > before {
			r.record(expectViolation)
		}
	}
	return err
}

// Isolate cuts every link of node id and records isolate id.
func (r *Recorder) Isolate(id int) error {
	return r.recordIf(r.cluster.Isolate(id), "isolate %d", id)
}

// Rejoin heals every link of node id and records rejoin id.
func (r *Recorder) Rejoin(id int) error {
	return r.recordIf(r.cluster.Rejoin(id), "rejoin %d", id)
}

// Cut cuts from→to and records cut from -> to.
func (r *Recorder) Cut(from, to int) error {
	return r.recordIf(r.cluster.Cut(from, to), "cut %d -> %d", from, to)
}

// Heal heals from→to and records heal from -> to.
func (r *Recorder) Heal(from, to int) error {
	return r.recordIf(r.cluster.Heal(from, to), "heal %d -> %d", from, to)
}

// CutBetween cuts both ways between a and b and records cut a b.
func (r *Recorder) CutBetween(a, b int) error {
	return r.recordIf(r.cluster.CutBetween(a, b), "cut %d %d", a, b)
}

// HealBetween heals both ways between a and b and records heal a b.
func (r *Recorder) HealBetween(a, b int) error {
	return r.recordIf(r.cluster.HealBetween(a, b), "heal %d %d", a, b)
}

// HealAll heals every link and records heal all.
func (r *Recorder) HealAll() {
	r.cluster.HealAll()
	r.record("heal all")
}

// Partition partitions the nodes into groups and records partition with the
// groups. A node in no group is written as a group of its own, which has the
// same effect.
func (r *Recorder) Partition(groups ...[]int) error {
	err := r.cluster.Partition(groups...)
	if err != nil {
		return err
	}
	nodes := len(r.cluster.Snapshot().Nodes)
	r.record("partition " + formatGroups(groups, nodes))
	return nil
}

// formatGroups writes groups as "1 2 | 3 4 5", adding each node of 1..nodes
// that is in no group as a group of its own.
func formatGroups(groups [][]int, nodes int) string {
	seen := make(map[int]bool)
	var parts []string
	for _, g := range groups {
		if len(g) == 0 {
			continue
		}
		words := make([]string, len(g))
		for i, id := range g {
			words[i], seen[id] = strconv.Itoa(id), true
		}
		parts = append(parts, strings.Join(words, " "))
	}
	for id := 1; id <= nodes; id++ {
		if !seen[id] {
			parts = append(parts, strconv.Itoa(id))
		}
	}
	return strings.Join(parts, " | ")
}

// ApplyPreset applies partition p and records partition with its name.
func (r *Recorder) ApplyPreset(p cluster.Preset) (string, error) {
	desc, err := r.cluster.ApplyPreset(p)
	return desc, r.recordIf(err, "partition %s", p)
}

// SetDelay sets the delay of from→to and records delay from -> to d.
func (r *Recorder) SetDelay(from, to int, d time.Duration) error {
	return r.recordIf(r.cluster.SetDelay(from, to, d), "delay %d -> %d %v", from, to, d)
}

// SetLoss sets the loss of from→to and records loss from -> to with the
// percentage, rounded to a millionth of a percent.
func (r *Recorder) SetLoss(from, to int, p float64) error {
	percent := math.Round(p*100*1e6) / 1e6
	return r.recordIf(r.cluster.SetLoss(from, to, p), "loss %d -> %d %s%%", from, to,
		strconv.FormatFloat(percent, 'f', -1, 64))
}

// SetPaused pauses or resumes the cluster and records pause or resume.
func (r *Recorder) SetPaused(paused bool) {
	r.cluster.SetPaused(paused)
	if paused {
		r.record("pause")
		return
	}
	r.record("resume")
}

// SetSlowdown changes the slow-motion factor and records speed.
func (r *Recorder) SetSlowdown(slowdown float64) error {
	return r.recordIf(r.cluster.SetSlowdown(slowdown), "speed %s",
		strconv.FormatFloat(slowdown, 'f', -1, 64))
}

// SetFrozen freezes or thaws node id and records freeze id or thaw id.
func (r *Recorder) SetFrozen(id int, frozen bool) error {
	verb := "thaw"
	if frozen {
		verb = "freeze"
	}
	return r.recordIf(r.cluster.SetFrozen(id, frozen), "%s %d", verb, id)
}

// Campaign makes node id campaign and records campaign id.
func (r *Recorder) Campaign(id int) error {
	return r.recordIf(r.cluster.Campaign(id), "campaign %d", id)
}

// SplitVote makes a and b campaign together and records split-vote a b.
func (r *Recorder) SplitVote(a, b int) error {
	return r.recordIf(r.cluster.SplitVote(a, b), "split-vote %d %d", a, b)
}

// SpreadTimers spreads the followers' timers and records spread-timers.
func (r *Recorder) SpreadTimers() {
	r.cluster.SpreadTimers()
	r.record("spread-timers")
}

// SetPreVote switches PreVote and records prevote on or off.
func (r *Recorder) SetPreVote(on bool) {
	r.cluster.SetPreVote(on)
	r.record("prevote " + onOff(on))
}

// SetCheckQuorum switches CheckQuorum and records checkquorum on or off.
func (r *Recorder) SetCheckQuorum(on bool) {
	r.cluster.SetCheckQuorum(on)
	r.record("checkquorum " + onOff(on))
}

// TransferLeadership requests that the leader hand over to target, and
// records transfer target.
func (r *Recorder) TransferLeadership(target int) error {
	return r.recordIf(r.cluster.TransferLeadership(target), "transfer %d", target)
}
