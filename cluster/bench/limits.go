package bench

import (
	"fmt"
	"syscall"
)

// maxOpenFiles returns how many files a cluster of n nodes in this process
// may hold open at once. A node that campaigns dials every other node. A node
// closes its unused connections, down to 16, four maximum election timeouts
// later. If every node campaigns within that time, each pair has a TCP
// connection each way, with both ends in this process. Each node also has a
// listener.
func maxOpenFiles(n int) uint64 {
	return uint64(2*n*(n-1) + n)
}

// openFilesWarning returns a warning when n nodes may need more open files
// than the process may have, and "" otherwise. A node that runs out cannot
// accept connections or write its state file.
func openFilesWarning(n int) string {
	var limit syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &limit); err != nil {
		return ""
	}
	need := maxOpenFiles(n)
	if need <= limit.Cur {
		return ""
	}
	return fmt.Sprintf("warning: %d nodes may hold up to %d open files if many campaign at once, "+
		"above this process's limit of %d; a node that runs out stops accepting connections. "+
		"Raise the limit (ulimit -n) or use wider election timeouts, so that fewer nodes campaign",
		n, need, limit.Cur)
}
