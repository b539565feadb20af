// Package ui is the terminal user interface of raftplay, built on Bubble Tea.
//
// It shows every node of a running cluster as a card (role, term, vote, leader
// and election-timer countdown), with the directed link matrix and the latest
// events below. Key presses inject faults: crash or restart a node, isolate it,
// or cut and heal single links. The model redraws from a fresh
// cluster.Snapshot about ten times a second, and reads events from the
// cluster's channel as they come. Cluster operations run in commands, off the
// UI goroutine, and their errors go to the status line.
//
// Durations on screen are cluster time, the time the Raft timers run on, so a
// 150ms election timeout reads 150ms however far the cluster is slowed down.
package ui
