package raft

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// crashEnv tells a child test process where to kill itself during a write.
const (
	crashStepEnv = "RAFTPLAY_CRASH_STEP"
	crashPathEnv = "RAFTPLAY_CRASH_PATH"
)

// TestWriteCrashChild is the child side of TestCrashDuringSave: it saves a new
// state and kills itself with SIGKILL at the named step. It does nothing in a
// normal test run.
func TestWriteCrashChild(t *testing.T) {
	step, path := os.Getenv(crashStepEnv), os.Getenv(crashPathEnv)
	if step == "" {
		t.Skip("runs only as the child of TestCrashDuringSave")
	}
	crashHook = func(at string) {
		if at == step {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
		}
	}
	s := NewFileStorage(path, 1)
	if _, err := s.Load(); err != nil {
		t.Fatal(err)
	}
	s.Save(HardState{Term: 8, VotedFor: 3})
	t.Fatalf("still alive after step %q", step)
}

func TestCrashDuringSave(t *testing.T) {
	old := HardState{Term: 7, VotedFor: 2}
	updated := HardState{Term: 8, VotedFor: 3}
	for _, step := range writeSteps {
		t.Run(step, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "node1.state")
			if err := NewFileStorage(path, 1).Save(old); err != nil {
				t.Fatal(err)
			}

			cmd := exec.Command(os.Args[0], "-test.run=^TestWriteCrashChild$")
			cmd.Env = append(os.Environ(), crashStepEnv+"="+step, crashPathEnv+"="+path)
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child ended with %v, want killed by SIGKILL at %q", err, step)
			}

			got, err := NewFileStorage(path, 1).Load()
			if err != nil {
				t.Fatalf("loading after a crash at %q: %v", step, err)
			}
			if got != old && got != updated {
				t.Errorf("after a crash at %q the file holds %+v, want %+v or %+v", step, got, old, updated)
			}
			strays, _ := filepath.Glob(filepath.Join(filepath.Dir(path), tempPrefix(path)+"*"))
			if len(strays) > 0 {
				t.Errorf("temporary files left after loading: %v", strays)
			}
		})
	}
}
