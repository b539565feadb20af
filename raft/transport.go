package raft

// Transport carries one node's outgoing calls to its peers.
//
// Each method starts the call and returns at once. The returned channel, buffered
// for one value, receives nil once reply has been filled in, or an error if the
// call failed (the peer is down, say). If the network loses the request or the
// reply, the channel receives nothing: the caller must put its own deadline on
// the wait, exactly as it would over a real network.
type Transport interface {
	RequestVote(to int, args *RequestVoteArgs, reply *RequestVoteReply) <-chan error
	AppendEntries(to int, args *AppendEntriesArgs, reply *AppendEntriesReply) <-chan error
}

// RequestVoteArgs is the RequestVote request of Figure 2, without the log fields.
// Fields are exported because encoding/gob drops unexported ones.
type RequestVoteArgs struct {
	Term        uint64 // candidate's term; for a pre-vote, the term it would move to
	CandidateID int    // candidate requesting the vote
	PreVote     bool   // a pre-vote: the voter changes neither its term nor its vote
	Transfer    bool   // a leadership transfer, which a voter grants even if it has a live leader
}

// RequestVoteReply is the RequestVote response. A rejected vote carries the reason,
// so that the candidate can show why it lost.
type RequestVoteReply struct {
	Term        uint64     // voter's current term, for the candidate to update itself
	VoteGranted bool       // true means the candidate received this vote
	Reason      VoteReason // why the vote was granted or rejected
	VotedFor    int        // the voter's vote in Term after handling the request
}

// AppendEntriesArgs is the AppendEntries request of Figure 2. With no log yet it
// carries no entries and serves only as a heartbeat.
type AppendEntriesArgs struct {
	Term       uint64 // leader's term
	LeaderID   int    // so followers know whom they follow
	TimeoutNow bool   // the leader hands leadership over: campaign at once
}

// AppendEntriesReply is the AppendEntries response.
type AppendEntriesReply struct {
	Term    uint64 // follower's current term, for the leader to update itself
	Success bool   // false if the leader's term is older than the follower's
}
