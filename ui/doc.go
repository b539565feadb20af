// Package ui is the terminal user interface of raftplay, built on Bubble Tea.
//
// It shows every node of a running cluster as a card (role, term, vote, leader
// and election-timer countdown), or as one line per node when cards do not
// fit, with the directed link matrix and the latest events below. A red banner
// on top reports broken safety rules, such as two leaders in one term.
//
// Keys and the mouse drive the cluster. They pause it or change its slow-motion
// factor, crash, restart (in one of four restart modes), freeze or thaw a node,
// make nodes campaign, cut, heal, delay or drop messages on single links, and
// apply partition presets. The model redraws from a fresh cluster.Snapshot
// about ten times a second, and reads events from the cluster's channel as they
// come. Cluster operations run in commands, off the UI goroutine, and their
// errors go to the status line.
//
// Durations on screen are cluster time, the time the Raft timers run on, so a
// 150ms election timeout reads 150ms however far the cluster is slowed down.
package ui
