package scenario

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeScenario writes text to a file in a fresh folder and returns its path.
func writeScenario(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.txt")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	return path
}

// runCommand runs Command and returns its exit code and outputs.
func runCommand(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := Command(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestCommandPasses(t *testing.T) {
	path := writeScenario(t, fastHeader+"elect 1\nwait leader 1 within 5s\nsay Done.\n")
	code, stdout, stderr := runCommand(path)
	if code != ExitPassed {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, ExitPassed, stdout, stderr)
	}
	if stderr != "" {
		t.Errorf("stderr = %q, want nothing", stderr)
	}
	for _, want := range []string{
		"raftplay run " + path + ": 3 nodes, election timeout 100ms to 200ms",
		"line 5    wait leader 1 within 5s  → n1 leads term",
		"» Done.",
		"PASS  " + path + ": 3 steps",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}

func TestCommandBuiltinByName(t *testing.T) {
	code, stdout, stderr := runCommand("--speed", "1", "first-election")
	if code != ExitPassed {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, ExitPassed, stdout, stderr)
	}
	if !strings.Contains(stdout, "PASS  first-election:") {
		t.Errorf("stdout lacks the PASS line:\n%s", stdout)
	}
}

func TestCommandFailedExpectation(t *testing.T) {
	path := writeScenario(t, fastHeader+"elect 1\nwait leader 1 within 5s\nexpect leader 3\n")
	code, stdout, stderr := runCommand(path)
	if code != ExitFailed {
		t.Fatalf("exit %d, want %d\nstdout:\n%s", code, ExitFailed, stdout)
	}
	want := "FAIL  " + path + `:6: "expect leader 3": expected n3 to lead; saw n1 leads term`
	if !strings.Contains(stdout, want) {
		t.Errorf("stdout lacks %q:\n%s", want, stdout)
	}
	if stderr != "" {
		t.Errorf("stderr = %q, want nothing", stderr)
	}
}

func TestCommandInvalidScenario(t *testing.T) {
	path := writeScenario(t, "nodes 3\nsay one\ncrash 4\n")
	code, stdout, stderr := runCommand(path)
	if code != ExitInvalid {
		t.Fatalf("exit %d, want %d", code, ExitInvalid)
	}
	want := "raftplay run: " + path +
		`:3: "crash 4": node 4 does not exist; this scenario has 3 nodes` + "\n"
	if stderr != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
}

func TestCommandBadArguments(t *testing.T) {
	traceDir, logDir := t.TempDir(), t.TempDir()
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no scenario", nil, "missing scenario; write raftplay run FILE or raftplay run NAME"},
		{"two scenarios", []string{"a", "b"}, `unexpected argument "b"; raftplay run takes one scenario`},
		{"unknown name", []string{"no-such-scenario"},
			`"no-such-scenario" is neither a file nor a built-in scenario; run raftplay scenarios`},
		{"speed zero", []string{"leader-crash", "--speed", "0"},
			"--speed 0: use a slow-motion factor from 1 (real speed) to 1000"},
		{"speed text", []string{"--speed", "fast", "leader-crash"},
			`invalid value "fast" for flag -speed`},
		{"unknown flag", []string{"--loud", "leader-crash"},
			"flag provided but not defined: -loud; run raftplay run --help"},
		{"trace folder", []string{"leader-crash", "--trace", traceDir}, "--trace " + traceDir},
		{"log folder", []string{"leader-crash", "--log", logDir}, "--log " + logDir},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCommand(tc.args...)
			if code != ExitInvalid {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, ExitInvalid, stdout, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tc.want)
			}
			if strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr = %q, want one line", stderr)
			}
		})
	}
}

func TestCommandHelp(t *testing.T) {
	code, stdout, _ := runCommand("--help")
	if code != ExitPassed {
		t.Fatalf("exit %d, want %d", code, ExitPassed)
	}
	if !strings.Contains(stdout, "Usage: raftplay run FILE|NAME") {
		t.Errorf("stdout lacks the usage:\n%s", stdout)
	}
}

func TestCommandRemovesTemporaryFolder(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	path := writeScenario(t, fastHeader+"elect 1\nwait leader 1 within 5s\n")
	if code, stdout, _ := runCommand(path); code != ExitPassed {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatalf("ReadDir: %v", err)
	}
	if len(entries) != 0 {
		t.Errorf("temporary folder holds %d entries after the run, want none", len(entries))
	}
}

func TestCommandKeepsGivenFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	logPath := filepath.Join(t.TempDir(), "run.log")
	path := writeScenario(t, fastHeader+"elect 1\nwait leader 1 within 5s\n")
	code, stdout, stderr := runCommand(path, "--dir", dir, "--log", logPath, "--seed", "7")
	if code != ExitPassed {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "seed 7") {
		t.Errorf("stdout does not show the seed from --seed:\n%s", stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "node1.state")); err != nil {
		t.Errorf("state file of n1 missing from --dir: %v", err)
	}
	logged, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("ReadFile: %v", err)
	}
	if !bytes.Contains(logged, []byte("scenario finished")) {
		t.Errorf("log lacks the end of the run:\n%s", logged)
	}
	if strings.Contains(stdout+stderr, "level=") {
		t.Errorf("log lines reached the terminal:\n%s%s", stdout, stderr)
	}
}

func TestCommandTrace(t *testing.T) {
	tracePath := filepath.Join(t.TempDir(), "trace.jsonl")
	path := writeScenario(t, fastHeader+
		"elect 1\nwait leader 1 within 5s\ncrash 1\nwait leader within 5s\n")
	if code, stdout, stderr := runCommand(path, "--trace", tracePath); code != ExitPassed {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	file, err := os.Open(tracePath)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer file.Close()
	kinds := make(map[string]int)
	var lastSeq uint64
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		var entry TraceEntry
		if err := json.Unmarshal(scanner.Bytes(), &entry); err != nil {
			t.Fatalf("line %q is not a trace entry: %v", scanner.Text(), err)
		}
		if entry.Seq <= lastSeq {
			t.Errorf("seq %d after %d, want increasing", entry.Seq, lastSeq)
		}
		if entry.Text == "" || entry.Time.IsZero() {
			t.Errorf("entry %+v lacks its text or time", entry)
		}
		lastSeq = entry.Seq
		kinds[entry.Kind]++
	}
	for _, kind := range []string{
		"election-started", "vote-granted", "election-won", "state-persisted", "role-changed", "crashed",
	} {
		if kinds[kind] == 0 {
			t.Errorf("trace has no %s entry; kinds: %v", kind, kinds)
		}
	}
}

func TestListCommandRejectsArguments(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := ListCommand([]string{"extra"}, &stdout, &stderr); code != ExitInvalid {
		t.Errorf("exit %d, want %d", code, ExitInvalid)
	}
	if !strings.Contains(stderr.String(), `unexpected argument "extra"`) {
		t.Errorf("message %q does not name the argument", stderr.String())
	}
}

func TestCommandRejectsLargerClusterFolder(t *testing.T) {
	dir := t.TempDir()
	for id := 1; id <= 5; id++ {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("node%d.state", id)), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	path := writeScenario(t, fastHeader+"elect 1\n")
	code, stdout, stderr := runCommand(path, "--dir", dir)
	if code != ExitInvalid {
		t.Fatalf("exit %d, want %d\n%s%s", code, ExitInvalid, stdout, stderr)
	}
	want := "contains the state files of a cluster of at least 5 nodes (up to node5.state), and the scenario has 3"
	if !strings.Contains(stderr, want) {
		t.Errorf("message %q does not contain %q", stderr, want)
	}
}

func TestListCommand(t *testing.T) {
	var out bytes.Buffer
	if code := ListCommand(nil, &out, &out); code != ExitPassed {
		t.Fatalf("exit %d, want %d", code, ExitPassed)
	}
	for _, b := range Builtins() {
		if !strings.Contains(out.String(), b.Name) || !strings.Contains(out.String(), b.Description) {
			t.Errorf("output lacks %s and its description:\n%s", b.Name, out.String())
		}
	}
	if !strings.Contains(out.String(), "raftplay run NAME") {
		t.Errorf("output does not say how to run a scenario:\n%s", out.String())
	}
}
