// Package bench measures how fast a raftplay cluster replaces a crashed leader
// and compares the result with what the election timers allow.
//
// Run crashes the leader of a real cluster (loopback TCP, state files written
// with fsync) again and again, and times each failover: from the crash to the
// moment a majority of the nodes follows a new leader. Model gives the
// failover time that randomized election timeouts predict for the same
// settings. Command is the "raftplay bench" command line, and IdleCPU
// measures what an idle cluster costs in processor time.
package bench
