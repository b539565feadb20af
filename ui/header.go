package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// headerView returns the one-line summary of the whole cluster, in the
// longest wording that fits: the title and the timer settings go first when
// the line is short of room, and then the majority.
func headerView(st *styles, s cluster.Snapshot, width int) string {
	separator := st.dim.Render(" │ ")
	var paused []string
	if s.Paused {
		paused = []string{st.paused.Render("PAUSED")}
	}
	if len(s.Nodes) == 0 {
		parts := append([]string{st.title.Render("raftplay")}, paused...)
		line := strings.Join(append(parts, st.dim.Render("waiting for the cluster")), separator)
		return ansi.Truncate(line, width, "…")
	}
	state := []string{leaderSummary(st, s), upSummary(st, s, true), slowdownLabel(s.Slowdown),
		optionsSummary(st, s)}
	short := slices.Clone(state)
	short[1] = upSummary(st, s, false)
	title := append([]string{st.title.Render("raftplay")}, paused...)
	full := strings.Join(append(slices.Clone(title), state...), separator)
	line := firstFit(width,
		full+separator+timingSummary(st, s),
		full,
		strings.Join(append(slices.Clone(title), short...), separator),
		strings.Join(append(slices.Clone(paused), short...), separator))
	return ansi.Truncate(line, width, "…")
}

// optionsSummary shows whether PreVote and CheckQuorum are on.
func optionsSummary(st *styles, s cluster.Snapshot) string {
	option := func(name string, on bool) string {
		if on {
			return st.optionOn.Render(name + " on")
		}
		return st.optionOff.Render(name + " off")
	}
	return option("prevote", s.PreVote) + " " + option("checkquorum", s.CheckQuorum)
}

// timingSummary returns the timer settings, shown only where the header has room.
func timingSummary(st *styles, s cluster.Snapshot) string {
	if s.ElectionTimeoutMax == 0 {
		return ""
	}
	return st.dim.Render(fmt.Sprintf("election timeout %s–%s, heartbeat %s",
		formatDuration(s.ElectionTimeoutMin), formatDuration(s.ElectionTimeoutMax),
		formatDuration(s.Heartbeat)))
}

// leaderSummary names the leader and its term, or the highest term when no
// node leads.
func leaderSummary(st *styles, s cluster.Snapshot) string {
	leader, term := s.Leader()
	if leader == raft.None {
		return st.noLeader.Render("no leader") + fmt.Sprintf(", highest term %d", term)
	}
	text := st.hasLeader.Render("leader " + raft.NodeName(leader))
	if s.Nodes[leader-1].Frozen {
		text += " " + st.frozen.Render("FROZEN")
	}
	return text + fmt.Sprintf(", term %d", term)
}

// upSummary counts running nodes, against the majority when withMajority is
// set, and warns when too few run for any election to succeed.
func upSummary(st *styles, s cluster.Snapshot, withMajority bool) string {
	text := fmt.Sprintf("%d/%d up", s.UpCount(), len(s.Nodes))
	if withMajority {
		text += fmt.Sprintf(", majority %d", s.Majority())
	}
	if s.UpCount() < s.Majority() {
		text += st.warning.Render(" (no majority up)")
	}
	return text
}

// slowdownLabel shows the speed of the cluster clock: "time ×1/20" when one
// cluster second takes 20 wall seconds.
func slowdownLabel(slowdown float64) string {
	switch {
	case slowdown <= 0 || slowdown == 1:
		return "real time"
	case slowdown > 1:
		return "time ×1/" + strconv.FormatFloat(slowdown, 'f', -1, 64)
	}
	return "time ×" + strconv.FormatFloat(1/slowdown, 'g', 3, 64)
}

// bannerView returns the red line that reports broken safety rules: the first
// one, and how many more there are.
func bannerView(st *styles, violations []string, width int) string {
	text := "SAFETY VIOLATED: " + violations[0]
	if len(violations) > 1 {
		text += fmt.Sprintf(" (and %d more)", len(violations)-1)
	}
	// A broken rule stays broken, so the banner stays until the user quits.
	text = oneLine(text)
	text = ansi.Truncate(firstFit(width, text+" · the banner stays until you quit", text), width, "…")
	return st.banner.Render(text + strings.Repeat(" ", max(width-ansi.StringWidth(text), 0)))
}
