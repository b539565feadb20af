package scenario

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// resolve returns the node that ref names now.
func (r *Runner) resolve(ref NodeRef) (int, error) {
	if !ref.Leader {
		return ref.ID, nil
	}
	s := r.cluster.Snapshot()
	if id, _ := leaderOf(s); id != raft.None {
		return id, nil
	}
	return 0, failf(ErrStepFailed, "leader names the current leader, but there is %s",
		withNodes(s, describeLeader(s)))
}

// resolvePair resolves both ends of a link.
func (r *Runner) resolvePair(a, b NodeRef) (int, int, error) {
	from, err := r.resolve(a)
	if err != nil {
		return 0, 0, err
	}
	to, err := r.resolve(b)
	return from, to, err
}

// act runs op on the node that ref names and returns done, formatted with the
// node's id, as the outcome.
func (r *Runner) act(ref NodeRef, op func(id int) error, done string) (string, error) {
	id, err := r.resolve(ref)
	if err != nil {
		return "", err
	}
	if err := op(id); err != nil {
		return "", stepFailed(err)
	}
	return fmt.Sprintf(done, id), nil
}

// stepFailed marks a cluster operation's error as ErrStepFailed.
func stepFailed(err error) error { return failf(ErrStepFailed, "%w", err) }

// arrow returns "→" for a one-way link and "↔" for both ways.
func arrow(oneWay bool) string {
	if oneWay {
		return "→"
	}
	return "↔"
}

// onLink resolves both ends of a link, runs op on them once and describes
// the result: "n1→n2 cut" for a one-way link, "n1↔n2 cut" otherwise.
func (r *Runner) onLink(a, b NodeRef, oneWay bool, op func(from, to int) error, done string) (
	string, error) {
	from, to, err := r.resolvePair(a, b)
	if err != nil {
		return "", err
	}
	if err := op(from, to); err != nil {
		return "", stepFailed(err)
	}
	return fmt.Sprintf("n%d%sn%d %s", from, arrow(oneWay), to, done), nil
}

// bothWays returns op, or an op that runs op on from→to and then to→from.
func bothWays(oneWay bool, op func(from, to int) error) func(from, to int) error {
	if oneWay {
		return op
	}
	return func(from, to int) error {
		if err := op(from, to); err != nil {
			return err
		}
		return op(to, from)
	}
}

func (a Say) run(context.Context, *Runner) (string, error) { return "", nil }

func (a Expect) run(_ context.Context, r *Runner) (string, error) {
	mark := r.markedTerm()
	snap := r.cluster.Snapshot()
	held, seen := a.Cond.eval(snap, mark)
	if !held {
		return "", failf(ErrExpectation, "expected %s; saw %s", a.Cond.want(mark),
			seenOnFailure(a.Cond, snap, seen))
	}
	r.countCheck()
	return seen, nil
}

func (a Wait) run(ctx context.Context, r *Runner) (string, error) {
	mark := r.markedTerm()
	var seen string
	res, err := r.poll(ctx, a.Within, func(s cluster.Snapshot) bool {
		var held bool
		held, seen = a.Cond.eval(s, mark)
		return held
	})
	switch {
	case err != nil:
		return "", err
	case !res.held:
		return "", failf(ErrExpectation, "expected %s within %v; saw %s",
			a.Cond.want(mark), a.Within, seenOnFailure(a.Cond, res.snap, seen))
	}
	r.countCheck()
	return fmt.Sprintf("%s, after %v", seen, res.waited.Round(time.Millisecond)), nil
}

func (a WaitStable) run(ctx context.Context, r *Runner) (string, error) {
	var leader int
	var term uint64
	var since, now time.Time // set by the first snapshot
	res, err := r.poll(ctx, a.Within, func(s cluster.Snapshot) bool {
		id, t := leaderOf(s)
		if id == raft.None || id != leader || t != term {
			leader, term, since = id, t, s.Time
		}
		now = s.Time
		return id != raft.None && now.Sub(since) >= a.For
	})
	switch {
	case err != nil:
		return "", err
	case !res.held:
		return "", failf(ErrExpectation, "expected one leader in one term for %v within %v; "+
			"the last stretch with one leader lasted %v; saw %s", a.For, a.Within,
			now.Sub(since).Round(time.Millisecond), withNodes(res.snap, describeLeader(res.snap)))
	}
	r.countCheck()
	waited := res.waited.Round(time.Millisecond)
	return fmt.Sprintf("n%d led term %d for %v, after %v", leader, term, a.For, waited), nil
}

func (a Crash) run(_ context.Context, r *Runner) (string, error) {
	return r.act(a.Node, r.cluster.Crash, "crashed n%d")
}

func (a Restart) run(_ context.Context, r *Runner) (string, error) {
	err := r.cluster.RestartWith(a.Node, a.Mode)
	switch {
	case err == nil:
		return fmt.Sprintf("restarted n%d %s", a.Node, describeMode(a.Mode)), nil
	case a.Mode == cluster.RestartTorn && errors.Is(err, cluster.ErrStartFailed):
		// A torn state file is meant to be detected: the node stays down.
		return fmt.Sprintf("n%d found its torn state file and stayed down: %v", a.Node, err), nil
	}
	return "", stepFailed(err)
}

// describeMode describes how a node restarted in mode.
func describeMode(mode cluster.RestartMode) string {
	switch mode {
	case cluster.RestartAmnesia:
		return "with amnesia: its state file was deleted"
	case cluster.RestartStale:
		return "from a stale copy of its state file"
	case cluster.RestartTorn:
		return "from a torn state file"
	}
	return "from its state file"
}

func (a Isolate) run(_ context.Context, r *Runner) (string, error) {
	return r.act(a.Node, r.cluster.Isolate, "isolated n%d")
}

func (a Rejoin) run(_ context.Context, r *Runner) (string, error) {
	return r.act(a.Node, r.cluster.Rejoin, "n%d rejoined")
}

func (a Cut) run(_ context.Context, r *Runner) (string, error) {
	op := r.cluster.CutBetween
	if a.OneWay {
		op = r.cluster.Cut
	}
	return r.onLink(a.From, a.To, a.OneWay, op, "cut")
}

func (a Heal) run(_ context.Context, r *Runner) (string, error) {
	op := r.cluster.HealBetween
	if a.OneWay {
		op = r.cluster.Heal
	}
	return r.onLink(a.From, a.To, a.OneWay, op, "healed")
}

func (HealAll) run(_ context.Context, r *Runner) (string, error) {
	r.cluster.HealAll()
	return "healed every link", nil
}

func (a Partition) run(_ context.Context, r *Runner) (string, error) {
	groups := make([][]int, len(a.Groups))
	names := make([]string, len(a.Groups))
	for i, group := range a.Groups {
		for _, ref := range group {
			id, err := r.resolve(ref)
			if err != nil {
				return "", err
			}
			groups[i] = append(groups[i], id)
			names[i] += fmt.Sprintf(" n%d", id)
		}
		names[i] = "{" + strings.TrimSpace(names[i]) + "}"
	}
	if err := r.cluster.Partition(groups...); err != nil {
		return "", stepFailed(err)
	}
	return "partitioned " + strings.Join(names, " | "), nil
}

func (a PartitionPreset) run(_ context.Context, r *Runner) (string, error) {
	desc, err := r.cluster.ApplyPreset(a.Preset)
	if err != nil {
		return "", stepFailed(err)
	}
	return "partitioned " + desc, nil
}

func (a Delay) run(_ context.Context, r *Runner) (string, error) {
	set := bothWays(a.OneWay, func(from, to int) error {
		return r.cluster.SetDelay(from, to, a.Delay)
	})
	return r.onLink(a.From, a.To, a.OneWay, set, fmt.Sprintf("delayed %v", a.Delay))
}

func (a Loss) run(_ context.Context, r *Runner) (string, error) {
	set := bothWays(a.OneWay, func(from, to int) error {
		return r.cluster.SetLoss(from, to, a.Loss)
	})
	return r.onLink(a.From, a.To, a.OneWay, set, fmt.Sprintf("losing %g%%", a.Loss*100))
}

func (a Campaign) run(_ context.Context, r *Runner) (string, error) {
	return r.act(a.Node, r.cluster.Campaign, "n%d campaigns")
}

func (a Elect) run(_ context.Context, r *Runner) (string, error) {
	id, err := r.resolve(a.Node)
	if err != nil {
		return "", err
	}
	leader, _ := leaderOf(r.cluster.Snapshot())
	switch leader {
	case id:
		return fmt.Sprintf("n%d leads already", id), nil
	case raft.None:
		return r.act(NodeRef{ID: id}, r.cluster.Campaign, "no leader, so n%d campaigns")
	}
	done := fmt.Sprintf("n%d hands leadership over to n%%d", leader)
	return r.act(NodeRef{ID: id}, r.cluster.TransferLeadership, done)
}

func (a SplitVote) run(_ context.Context, r *Runner) (string, error) {
	first, second, err := r.resolvePair(a.A, a.B)
	if err != nil {
		return "", err
	}
	if err := r.cluster.SplitVote(first, second); err != nil {
		return "", stepFailed(err)
	}
	return fmt.Sprintf("n%d and n%d campaign together", first, second), nil
}

func (SpreadTimers) run(_ context.Context, r *Runner) (string, error) {
	r.cluster.SpreadTimers()
	return "followers' election timers spread over the timeout range", nil
}

func (a Transfer) run(_ context.Context, r *Runner) (string, error) {
	return r.act(a.Node, r.cluster.TransferLeadership, "leadership transfer to n%d requested")
}

func (a Freeze) run(_ context.Context, r *Runner) (string, error) {
	id, err := r.resolve(a.Node)
	if err != nil {
		return "", err
	}
	if err := r.cluster.SetFrozen(id, true); err != nil {
		return "", stepFailed(err)
	}
	if a.For == 0 {
		return fmt.Sprintf("froze n%d", id), nil
	}
	r.addTimer(r.cluster.Clock().AfterFunc(a.For, func() {
		// A node crashed meanwhile is no longer frozen, so the error is moot.
		r.cluster.SetFrozen(id, false)
	}))
	return fmt.Sprintf("froze n%d for %v", id, a.For), nil
}

func (a Thaw) run(_ context.Context, r *Runner) (string, error) {
	thaw := func(id int) error { return r.cluster.SetFrozen(id, false) }
	return r.act(a.Node, thaw, "thawed n%d")
}

func (Pause) run(_ context.Context, r *Runner) (string, error) {
	r.cluster.SetPaused(true)
	return "cluster paused", nil
}

func (Resume) run(_ context.Context, r *Runner) (string, error) {
	r.cluster.SetPaused(false)
	return "cluster resumed", nil
}

func (a Speed) run(_ context.Context, r *Runner) (string, error) {
	if r.opts.KeepSpeed {
		return fmt.Sprintf("ignored: this run keeps the slow-motion factor at %g",
			r.cluster.Snapshot().Slowdown), nil
	}
	if err := r.cluster.SetSlowdown(a.Slowdown); err != nil {
		return "", stepFailed(err)
	}
	return fmt.Sprintf("slow-motion factor now %g", a.Slowdown), nil
}

func (a Sleep) run(ctx context.Context, r *Runner) (string, error) {
	res, err := r.poll(ctx, a.Duration, func(cluster.Snapshot) bool { return false })
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("slept %v", res.waited.Round(time.Millisecond)), nil
}

func (a SetPreVote) run(_ context.Context, r *Runner) (string, error) {
	r.cluster.SetPreVote(a.On)
	return "prevote " + onOff(a.On), nil
}

func (a SetCheckQuorum) run(_ context.Context, r *Runner) (string, error) {
	r.cluster.SetCheckQuorum(a.On)
	return "checkquorum " + onOff(a.On), nil
}

func (MarkTerm) run(_ context.Context, r *Runner) (string, error) {
	term := maxTerm(r.cluster.Snapshot())
	r.markTerm(term)
	return fmt.Sprintf("mark = term %d", term), nil
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
