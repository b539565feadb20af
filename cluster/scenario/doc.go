// Package scenario reads, runs and records raftplay scenarios: text files of
// steps that drive a cluster and check what it does. One file serves both as
// a demo, played a step at a time in the terminal UI, and as a test, run
// headless by raftplay run, which exits 0 when every check held.
//
// # File format
//
// One step a line; # starts a comment that runs to the end of the line, and
// blank lines are ignored. Nodes are numbered 1 to N. Where a step takes a
// NODE, the word leader names the node that leads when the step runs, and the
// step fails if there is none. A node counts as the leader only while a
// majority of the cluster's nodes, itself included, run in its term and
// follow it.
//
// Options come first, each at most once; the first step ends them:
//
//	nodes 5                        # 1 to 255; default 5
//	election-timeout 150ms 300ms   # default 150ms 300ms
//	heartbeat 50ms                 # below the minimum election timeout; default 50ms
//	prevote off                    # on or off; default off
//	checkquorum off                # on or off; default off
//	seed 42                        # seed of the election timeouts; default 0
//	slow 20                        # the UI's slow-motion factor, 1 to 1000; default 20
//
// Steps:
//
//	say Now we crash the leader.   # a caption for the audience
//	wait COND within 5s            # poll until COND holds; fail after 5s
//	wait stable for 1s within 10s  # the same leader in the same term for 1s
//	expect COND                    # COND must hold now
//	mark term                      # remember the highest running term as mark
//	crash NODE
//	restart N                      # from the state file; also restart N amnesia,
//	                               # restart N stale and restart N torn
//	isolate NODE                   # cut every link of NODE; rejoin NODE heals them
//	cut NODE NODE                  # both ways; cut NODE -> NODE cuts one way
//	heal NODE NODE                 # also heal NODE -> NODE, heal NODE (its links), heal all
//	partition 1 2 | 3 4 5          # groups separated by |: links within a group
//	                               # heal, links between groups are cut, a node in
//	                               # no group is isolated, and a node in two groups
//	                               # (1 2 | 2 3) bridges them; or a preset by name:
//	                               # isolate-leader, majority, minority-third,
//	                               # bridge, majorities-ring
//	delay NODE -> NODE 100ms       # delay NODE NODE 100ms sets both ways
//	loss NODE -> NODE 30%          # 0% to 100%; loss NODE NODE 30% sets both ways
//	campaign NODE                  # its election timer runs out now
//	elect NODE                     # campaign if there is no leader, else transfer
//	split-vote NODE NODE           # both time out at the same moment
//	spread-timers                  # spread the followers' timers over the range
//	transfer NODE                  # the leader hands leadership over to NODE
//	freeze NODE                    # or freeze NODE for 2s, which thaws it by itself
//	thaw NODE
//	pause                          # and resume: stop and restart cluster time
//	speed 10                       # the slow-motion factor, live
//	sleep 500ms
//	prevote on                     # after the first step, prevote and
//	checkquorum on                 # checkquorum switch the running cluster
//
// Conditions of expect and wait:
//
//	leader                         # there is a leader
//	leader 4                       # node 4 leads
//	leader not 1                   # there is a leader, and it is not node 1
//	no leader
//	term >= 3                      # on every running node; operators == >= <= > <
//	term == mark+1 on 2            # on one node, or on leader; T is N, mark or mark+N
//	role 2 follower                # what node 2 believes: follower, candidate,
//	role 2 not leader              # pre-candidate, leader, or down when not running
//	safety violation               # the monitor caught a violation; words after it,
//	safety violation two leaders   # as here, must appear in its description
//	no safety violation
//
// # Time
//
// Every duration in a scenario is in cluster time, so a scenario behaves the
// same at any slow-motion factor: wait leader within 5s at factor 20 waits up
// to 100 seconds of wall time, and no time passes while the cluster is
// paused. For that reason a wait or sleep between a pause and the next resume
// is rejected. Headless runs go at real speed unless --speed says otherwise,
// ignore slow and speed, and count every expect and wait that held.
//
// # Safety
//
// The cluster's safety monitor watches every run. A violation it catches
// fails the run at the step during which it appeared, unless some expect or
// wait step of the scenario expects a safety violation; such a scenario
// passes only if its expectation holds.
//
// # Using it from main and the UI
//
// Command runs raftplay run and ListCommand runs raftplay scenarios. A Runner
// plays a Script against a Cluster one Step at a time, for the UI's presenter
// mode, or all at once with Run. A Tracer writes cluster events as JSON
// lines. A Recorder wraps a cluster, records the operations done through it
// and writes them out as a scenario.
package scenario
