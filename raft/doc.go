// Package raft implements the leader election of one Raft node: terms, votes,
// heartbeats and the election timer of the Raft paper (Ongaro and Ousterhout,
// "In Search of an Understandable Consensus Algorithm", Figure 2 and sections
// 5.1 and 5.2). There is no log yet, so every candidate's log counts as up to date
// and AppendEntries carries no entries.
//
// A Node is driven from outside through three narrow seams, so that whoever runs
// it can slow, stop or cut anything without the node knowing:
//
//   - Clock: every reading of the time and every timer. A node never calls
//     time.Now or starts a timer of its own.
//   - Transport: every outgoing call to a peer. The transport may deliver a call,
//     report that it failed, or lose it silently; the node puts its own deadline
//     on every call, so a lost message looks like a timeout.
//   - Storage: the durable current term and vote (FileStorage is the real one).
//
// Incoming calls arrive through HandleRequestVote and HandleAppendEntries, and the
// node reports what it does through an EventSink.
//
// Ownership: one mutex (Node.mu) guards all of a node's state. It is held while
// the state is read or changed and while term and vote are written to storage,
// because a vote must be durable before the reply that grants it leaves. It is
// never held across an outgoing call: the caller copies what the call needs,
// unlocks, waits for the reply, relocks and re-checks that the term and role are
// still those the call was made for before it uses the reply.
//
// Goroutines: each node has one timer, armed through the Clock, whose callback
// either starts an election (follower or candidate whose deadline has passed) or
// sends a round of heartbeats (leader). Each outgoing call runs in a goroutine of
// its own, so a candidate asks all peers for votes in parallel. Stop waits for all
// of them; after Stop returns the node writes nothing to storage and sends
// nothing.
//
// Nodes are identified by their position in the configured node list, counted
// from 1, so the ids a person sees on screen are the ids in messages and files.
package raft
