package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// headerView returns the one-line summary of the whole cluster.
func headerView(s cluster.Snapshot, width int) string {
	separator := styleDim.Render(" │ ")
	parts := []string{styleTitle.Render("raftplay")}
	if s.Paused {
		parts = append(parts, stylePaused.Render("PAUSED"))
	}
	if len(s.Nodes) == 0 {
		parts = append(parts, styleDim.Render("waiting for the cluster"))
	} else {
		parts = append(parts, leaderSummary(s), upSummary(s), slowdownLabel(s.Slowdown))
	}
	line := strings.Join(parts, separator)
	if timing := timingSummary(s); timing != "" {
		line = firstFit(width, line+separator+timing, line)
	}
	return ansi.Truncate(line, width, "…")
}

// timingSummary returns the timer settings, shown only where the header has room.
func timingSummary(s cluster.Snapshot) string {
	if s.ElectionTimeoutMax == 0 {
		return ""
	}
	return styleDim.Render(fmt.Sprintf("election timeout %s–%s, heartbeat %s",
		formatDuration(s.ElectionTimeoutMin), formatDuration(s.ElectionTimeoutMax),
		formatDuration(s.Heartbeat)))
}

// leaderSummary names the leader and its term, or the highest term when no
// node leads.
func leaderSummary(s cluster.Snapshot) string {
	leader, term := s.Leader()
	if leader == raft.None {
		return styleNoLeader.Render("no leader") + fmt.Sprintf(", highest term %d", term)
	}
	text := styleHasLeader.Render("leader " + raft.NodeName(leader))
	if s.Nodes[leader-1].Frozen {
		text += " " + styleFrozen.Render("FROZEN")
	}
	return text + fmt.Sprintf(", term %d", term)
}

// upSummary counts running nodes against the majority, and warns when too few
// run for any election to succeed.
func upSummary(s cluster.Snapshot) string {
	text := fmt.Sprintf("%d/%d up, majority %d", s.UpCount(), len(s.Nodes), s.Majority())
	if s.UpCount() < s.Majority() {
		text += styleWarning.Render(" (no majority up)")
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
		return "time ×1/" + strconv.FormatFloat(slowdown, 'g', 3, 64)
	}
	return "time ×" + strconv.FormatFloat(1/slowdown, 'g', 3, 64)
}

// bannerView returns the red line that reports broken safety rules: the first
// one, and how many more there are.
func bannerView(violations []string, width int) string {
	text := "SAFETY VIOLATED: " + violations[0]
	if len(violations) > 1 {
		text += fmt.Sprintf(" (and %d more)", len(violations)-1)
	}
	text = ansi.Truncate(oneLine(text), width, "…")
	return styleBanner.Render(text + strings.Repeat(" ", max(width-ansi.StringWidth(text), 0)))
}
