package raft

import "fmt"

// Role is a node's role in the current term.
type Role int

// The roles of Figure 2. The zero Role is Follower, which is how every node starts.
const (
	Follower Role = iota
	Candidate
	Leader
	PreCandidate // asking for pre-votes before raising its term (PreVote)
)

// String returns the role's name in lower case.
func (r Role) String() string {
	switch r {
	case Follower:
		return "follower"
	case Candidate:
		return "candidate"
	case Leader:
		return "leader"
	case PreCandidate:
		return "pre-candidate"
	}
	return fmt.Sprintf("role(%d)", int(r))
}

// None is the node id meaning "nobody": no vote cast, no leader known.
const None = 0
