package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

// The end-to-end test runs the built program in a real terminal (a tmux pane),
// types keys into it and reads the screen back, as a person would.

// screenTimeout bounds each wait for the screen. Elections at --slow 2 take well
// under two seconds; the margin is for a busy machine running the race detector.
const screenTimeout = 60 * time.Second

// tmuxSession is a detached tmux server of the test's own, on its own socket.
type tmuxSession struct {
	t      *testing.T
	socket string
}

func startTmux(t *testing.T, width, height int, command string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("tmux is not installed: %v", err)
		}
		t.Skip("tmux is not installed")
	}
	s := &tmuxSession{t: t, socket: fmt.Sprintf("raftplay-test-%d", os.Getpid())}
	// remain-on-exit keeps the pane, and what the program printed last, after it quits.
	s.run("new-session", "-d", "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), command,
		";", "set-option", "remain-on-exit", "on")
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	return s
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.run("capture-pane", "-p") }

func (s *tmuxSession) keys(keys ...string) { s.run(append([]string{"send-keys"}, keys...)...) }

// waitScreen polls the screen until match returns true, and returns that screen.
func (s *tmuxSession) waitScreen(what string, match func(string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(screenTimeout)
	for {
		screen := s.screen()
		if match(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %s; the screen:\n%s", what, screen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// headerLeader matches the header's "leader n3, term 2".
var headerLeader = regexp.MustCompile(`leader n(\d), term (\d+)`)

func leaderOnScreen(screen string) (id int, term int, ok bool) {
	m := headerLeader.FindStringSubmatch(screen)
	if m == nil {
		return 0, 0, false
	}
	id, _ = strconv.Atoi(m[1])
	term, _ = strconv.Atoi(m[2])
	return id, term, true
}

func buildProgram(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "raftplay")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v: %s", err, out)
	}
	return bin
}

func TestTerminalCrashLeaderElectsAnother(t *testing.T) {
	bin := buildProgram(t)
	dir := t.TempDir()
	s := startTmux(t, 80, 24, fmt.Sprintf("%s --dir %s --slow 2 --seed 7", bin, dir))

	screen := s.waitScreen("five nodes and a leader", func(screen string) bool {
		_, _, ok := leaderOnScreen(screen)
		return ok && strings.Contains(screen, "n5")
	})
	old, oldTerm, _ := leaderOnScreen(screen)

	s.keys(strconv.Itoa(old), "c")
	screen = s.waitScreen("a new leader in a higher term", func(screen string) bool {
		id, term, ok := leaderOnScreen(screen)
		return ok && id != old && term > oldTerm
	})
	if !strings.Contains(screen, "DOWN") {
		t.Errorf("the crashed leader n%d is not shown as DOWN:\n%s", old, screen)
	}

	s.keys("r", "Enter") // r opens the restart menu, whose first mode, clean, enter chooses
	s.waitScreen("the old leader restarted", func(screen string) bool {
		return !strings.Contains(screen, "DOWN")
	})
	s.keys("q")
	s.waitScreen("the program to quit and name its state folder", func(screen string) bool {
		return strings.Contains(withoutSpace(screen), withoutSpace("Run raftplay --dir "+dir))
	})
}

// withoutSpace drops all white space, so that text the terminal wrapped still matches.
func withoutSpace(s string) string { return strings.Join(strings.Fields(s), "") }

func TestTerminalSIGTERMStopsCleanly(t *testing.T) {
	bin := buildProgram(t)
	dir := t.TempDir()
	// exec makes the program the pane's process, so its pid is the pane's.
	s := startTmux(t, 80, 24, fmt.Sprintf("exec %s --dir %s --slow 2 --seed 3", bin, dir))
	s.waitScreen("a leader", func(screen string) bool {
		_, _, ok := leaderOnScreen(screen)
		return ok
	})
	pid, err := strconv.Atoi(strings.TrimSpace(s.run("display-message", "-p", "#{pane_pid}")))
	if err != nil {
		t.Fatalf("reading the program's pid: %v", err)
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatalf("sending SIGTERM to %d: %v", pid, err)
	}
	s.waitScreen("the program to stop and name its state folder", func(screen string) bool {
		return strings.Contains(withoutSpace(screen), withoutSpace("Run raftplay --dir "+dir))
	})
	for id := 1; id <= 5; id++ {
		if _, err := raft.ReadStateFile(cluster.StatePath(dir, id)); err != nil {
			t.Errorf("n%d's state file after SIGTERM: %v", id, err)
		}
	}
}

// cardsOf returns the top of the screen, where the header and the cards are.
func cardsOf(screen string) string {
	lines := strings.Split(screen, "\n")
	return strings.Join(lines[:min(9, len(lines))], "\n")
}

func TestTerminalPauseFreezeAndCut(t *testing.T) {
	bin := buildProgram(t)
	s := startTmux(t, 80, 24, fmt.Sprintf("%s --dir %s --slow 2 --seed 11", bin, t.TempDir()))
	screen := s.waitScreen("a leader", func(screen string) bool {
		_, _, ok := leaderOnScreen(screen)
		return ok
	})
	old, oldTerm, _ := leaderOnScreen(screen)

	// Paused, the cards must not change at all, countdowns included.
	s.keys("Space")
	paused := cardsOf(s.waitScreen("the PAUSED marker", func(screen string) bool {
		return strings.Contains(screen, "PAUSED")
	}))
	for end := time.Now().Add(time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if now := cardsOf(s.screen()); now != paused {
			t.Fatalf("the cards changed while paused:\n%s\nthen\n%s", paused, now)
		}
	}
	s.keys("Space")
	s.waitScreen("the countdowns to move again", func(screen string) bool {
		return !strings.Contains(screen, "PAUSED") && cardsOf(screen) != paused
	})

	// A frozen leader is replaced, and steps down when thawed.
	s.keys(strconv.Itoa(old), "f")
	s.waitScreen("the frozen leader to be replaced", func(screen string) bool {
		id, term, ok := leaderOnScreen(screen)
		return ok && id != old && term > oldTerm && strings.Contains(screen, "FROZEN")
	})
	s.keys("f")
	s.waitScreen("the thawed leader to follow", func(screen string) bool {
		return strings.Contains(screen, fmt.Sprintf("n%d follower", old)) && !strings.Contains(screen, "FROZEN")
	})

	// Cutting n1↔n2 shows in the link matrix, and healing clears it.
	cutRow := regexp.MustCompile(`n1 +· +✗`)
	s.keys("1", "x", "2")
	s.waitScreen("the cut link in the matrix", cutRow.MatchString)
	s.keys("H")
	s.waitScreen("the healed matrix", func(screen string) bool {
		return regexp.MustCompile(`n1 +· +✓ +✓ +✓ +✓`).MatchString(screen)
	})
}
