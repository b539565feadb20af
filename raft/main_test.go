package raft

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any goroutine is still alive after the last test:
// every node, timer callback and in-memory call must have finished by then.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
