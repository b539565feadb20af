// Package ui is the terminal user interface of raftplay, built on Bubble Tea.
//
// It shows every node of a running cluster as a card (role, term, vote, leader
// and election-timer countdown, and a candidate's tally with each peer's
// reply), or as one line per node when cards do not fit. Below the nodes go
// as many panels as the terminal has room for: the directed link matrix, the
// event feed that says why each election went as it did, the inspector of the
// selected node's state file, timer and contacts, the failover metrics, and a
// timeline of terms across the whole run. Keys show and hide each panel. A red
// banner on top reports broken safety rules, such as two leaders in one term.
//
// Talk mode (Options.Talk, or the z key) draws high-contrast cards whose role
// reads from a glyph as well as a color, and passes a presenter remote's
// "next" to Options.OnAdvance. Colors follow the terminal's light or dark
// background, and the NO_COLOR environment variable turns them off.
//
// Presenter mode (Options.Script) plays a scenario for an audience, in talk
// mode unless z turns it off. Each press of space, →, . or page-down runs one
// step in a command, along with the wait, sleep, expect and mark term steps
// that follow it. A panel under the nodes shows the last caption, the outcome
// of the last step, the progress and the next step. w pauses the cluster, and
// esc stops a step that is running.
//
// Keys and the mouse drive the cluster. They pause it or change its slow-motion
// factor, crash, restart (in one of four restart modes), freeze or thaw a node,
// make nodes campaign, cut, heal, delay or drop messages on single links, and
// apply partition presets. The model redraws from a fresh cluster.Snapshot as
// often as its countdown bars need: ten times a second at real speed, less
// often in slow motion, and once a second while paused. It reads events from
// the cluster's channel as they come. Cluster operations run in commands, off the UI goroutine, and their
// errors go to the status line.
//
// Durations on screen are cluster time, the time the Raft timers run on, so a
// 150ms election timeout reads 150ms however far the cluster is slowed down.
package ui
