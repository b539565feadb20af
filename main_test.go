package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/raftplay/raftplay/cluster"
)

func TestBadFlagsExitWithUsage(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string // part of the message
	}{
		{"too many nodes", []string{"--nodes", "26"}, "--nodes 26, use 1 to 25"},
		{"zero nodes", []string{"--nodes", "0"}, "--nodes 0"},
		{"malformed duration", []string{"--heartbeat", "fast"}, `invalid value "fast" for flag -heartbeat`},
		{"min above max", []string{"--election-min", "400ms"}, "election timeout range 400ms to 300ms"},
		{"heartbeat too long", []string{"--heartbeat", "200ms"}, "heartbeat 200ms"},
		{"negative timeout", []string{"--election-min", "-1s"}, "minimum election timeout -1s"},
		{"tiny timeouts", []string{"--election-min", "2ns", "--election-max", "3ns", "--heartbeat", "1ns"},
			"minimum election timeout 2ns, use 1ms to 1h0m0s"},
		{"huge timeouts", []string{"--election-min", "1000000h", "--election-max", "2000000h", "--heartbeat", "1h"},
			"minimum election timeout 1000000h0m0s, use 1ms to 1h0m0s"},
		{"huge maximum", []string{"--election-max", "2000000h"}, "maximum election timeout 2000000h0m0s"},
		{"tiny heartbeat", []string{"--heartbeat", "1ns"}, "heartbeat 1ns, must be at least 100µs"},
		{"slowdown below one", []string{"--slow", "0.5"}, "slowdown 0.5, use 1 (real time) to 1000; set it with --slow"},
		{"heartbeat named", []string{"--heartbeat", "1ns"}, "; set it with --heartbeat or heartbeat in a config file"},
		{"minimum named", []string{"--election-min", "2h"}, "; set it with --election-min"},
		{"maximum named", []string{"--election-max", "2h"}, "; set it with --election-max"},
		{"range named", []string{"--election-min", "400ms"}, "; set them with --election-min and --election-max"},
		{"bad number named", []string{"--nodes", "abc"}, `parse error (--nodes takes a whole number: number of nodes, 1 to 25)`},
		{"config with too many nodes", []string{"--config", "testdata/26nodes.toml"},
			"testdata/26nodes.toml lists 26 nodes, and raftplay runs at most 25; remove 1 from its nodes list"},
		{"flag against scenario", []string{"--script", "rejoin-term-inflation", "--prevote"},
			"--prevote conflicts with the scenario rejoin-term-inflation, which sets prevote off"},
		{"nodes against scenario", []string{"--script", "leader-crash", "--nodes", "3"},
			"--nodes conflicts with the scenario leader-crash, which sets nodes 5"},
		{"timing against scenario", []string{"--script", "first-election", "--election-max", "800ms"},
			"--election-max conflicts with the scenario first-election, which sets election-timeout 150ms 300ms"},
		{"slowdown from a config file", []string{"--config", "testdata/slow.toml"},
			"; set it with --slow or slowdown in testdata/slow.toml"},
		{"scenario too large for the screen", []string{"--script", "testdata/26nodes.txt"},
			"has 26 nodes, and the UI shows at most 25; run it headless with raftplay run testdata/26nodes.txt"},
		{"stray argument", []string{"play"}, `unexpected argument "play"; raftplay takes flags, or one of the commands`},
		{"run without scenario", []string{"run"}, "missing scenario"},
		{"unknown flag", []string{"--speed", "2"}, "flag provided but not defined: -speed"},
		{"missing config file", []string{"--config", "/nonexistent/raftplay.toml"},
			"/nonexistent/raftplay.toml: no such file or directory; check the path given to --config"},
		{"unwritable recording", []string{"--record", "/nonexistent/r.txt"}, "cannot write the recording"},
		{"unwritable trace", []string{"--trace", "/nonexistent/t.json"},
			"cannot write the trace: open /nonexistent/t.json: no such file or directory; choose another file with --trace"},
		{"unwritable log", []string{"--log", "/nonexistent/l.log"}, "choose another file with --log"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("message %q does not contain %q", stderr.String(), tt.want)
			}
			if n := strings.Count(stderr.String(), "\n"); n != 1 {
				t.Errorf("message has %d lines, want 1: %q", n, stderr.String())
			}
		})
	}
}

func TestLargerClusterFolderRejected(t *testing.T) {
	dir := t.TempDir()
	for id := 1; id <= 5; id++ {
		if err := os.WriteFile(cluster.StatePath(dir, id), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"--dir", dir, "--nodes", "3"}, &stdout, &stderr)
	if code != exitUsage {
		t.Errorf("exit code %d, want %d", code, exitUsage)
	}
	want := "holds the state files of a cluster of at least 5 nodes (up to node5.state), " +
		"and 3 nodes were asked for; run with --nodes 5"
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("message %q does not contain %q", stderr.String(), want)
	}
}

func TestHelpListsEveryFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--help"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit code %d, want 0", code)
	}
	for _, flag := range []string{"-nodes", "-dir", "-election-min", "-election-max", "-heartbeat",
		"-slow", "-seed", "-config", "-log", "-prevote", "-checkquorum"} {
		if !strings.Contains(stdout.String(), flag) {
			t.Errorf("help does not mention %s", flag)
		}
	}
}

func TestConfigFileSetsNodesAndTiming(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cluster.toml")
	content := `nodes = ["127.0.0.1:7101", "127.0.0.1:7102", "127.0.0.1:7103"]
election_timeout_min = "100ms"
election_timeout_max = "200ms"
heartbeat = "20ms"
slowdown = 5
seed = 42
state_dir = "state"
prevote = true
checkquorum = true
`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	opts, err := parseOptions([]string{"--config", path, "--heartbeat", "30ms"}, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("parseOptions: %v", err)
	}
	if opts.Nodes != 3 || len(opts.Addrs) != 3 || opts.Addrs[1] != "127.0.0.1:7102" {
		t.Errorf("nodes %d at %v, want the file's three addresses", opts.Nodes, opts.Addrs)
	}
	if opts.ElectionTimeoutMin != 100*time.Millisecond || opts.ElectionTimeoutMax != 200*time.Millisecond {
		t.Errorf("election timeout %v to %v, want the file's 100ms to 200ms",
			opts.ElectionTimeoutMin, opts.ElectionTimeoutMax)
	}
	if opts.Heartbeat != 30*time.Millisecond {
		t.Errorf("heartbeat %v, want the flag's 30ms over the file's 20ms", opts.Heartbeat)
	}
	if opts.Slowdown != 5 || opts.Seed != 42 {
		t.Errorf("slowdown %v seed %d, want 5 and 42", opts.Slowdown, opts.Seed)
	}
	if !opts.PreVote || !opts.CheckQuorum {
		t.Errorf("prevote %v checkquorum %v, want both on from the file", opts.PreVote, opts.CheckQuorum)
	}
	if want := filepath.Join(dir, "state"); opts.Dir != want {
		t.Errorf("state folder %s, want %s (relative to the file)", opts.Dir, want)
	}
}

func TestConfigFileErrors(t *testing.T) {
	cases := []struct {
		name, content, want string
	}{
		{"unknown key", "heartbeats = \"20ms\"\n", `unknown key "heartbeats"`},
		{"bad duration", "heartbeat = \"soon\"\n", `invalid duration "soon"`},
		{"bad address", "nodes = [\"localhost\"]\n", `address "localhost" of node 1`},
		{"duplicate address", "nodes = [\"127.0.0.1:7001\", \"127.0.0.1:7001\"]\n", "given to nodes 1 and 2"},
		{"port out of range", "nodes = [\"127.0.0.1:99999\"]\n", `invalid port "99999"`},
		{"empty node list", "nodes = []\n", "nodes is empty"},
		{"zero slowdown", "slowdown = 0\n", "slowdown 0"},
		{"negative seed", "seed = -5\n", "seed -5"},
		{"not TOML", "nodes = [\n", "config file"},
		{"quoted number", "slowdown = \"5\"\n", "; slowdown takes a number from 1 (real time) to 1000, without quotes"},
		{"number for a switch", "prevote = 1\n", "; prevote takes true or false"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cluster.toml")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if code := run([]string{"--config", path}, &stdout, &stderr); code != exitUsage {
				t.Errorf("exit code %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("message %q does not contain %q", stderr.String(), tt.want)
			}
		})
	}
}

func TestNodesFlagConflictsWithConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cluster.toml")
	if err := os.WriteFile(path, []byte("nodes = [\"127.0.0.1:7001\", \"127.0.0.1:7002\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--config", path, "--nodes", "3"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("exit code %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), "lists 2 nodes") {
		t.Errorf("message %q does not explain the conflict", stderr.String())
	}
}

func TestUnusableStateFolder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plain-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"--dir", filepath.Join(file, "state")}, &stdout, &stderr)
	if code != exitUsage {
		t.Errorf("exit code %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), "plain-file") || !strings.Contains(stderr.String(), "--dir") {
		t.Errorf("message %q does not name the folder and the flag", stderr.String())
	}
}

func TestNotATerminal(t *testing.T) {
	if term.IsTerminal(os.Stdin.Fd()) {
		t.Skip("standard input is a terminal here")
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"--dir", t.TempDir()}, &stdout, &stderr)
	if code != exitFailure {
		t.Errorf("exit code %d, want %d", code, exitFailure)
	}
	if !strings.Contains(stderr.String(), "raftplay run") {
		t.Errorf("message %q does not point to the headless run", stderr.String())
	}
}

func TestFailedStartLeavesNoFolder(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"unwritable trace", []string{"--trace", "/nonexistent/t.json"}, exitUsage},
		{"unwritable log after a recording", []string{"--record", "REC", "--log", "/nonexistent/l.log"}, exitUsage},
		{"not a terminal", nil, exitFailure},
		{"not a terminal, new folder named", []string{"--dir", "TMP/state"}, exitFailure},
		{"not a terminal, new nested folders", []string{"--dir", "TMP/new/sub/state"}, exitFailure},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			if tt.code == exitFailure && term.IsTerminal(os.Stdin.Fd()) {
				t.Skip("standard input is a terminal here")
			}
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			args := slices.Clone(tt.args)
			for i, a := range args {
				switch a {
				case "REC":
					args[i] = filepath.Join(tmp, "session.txt")
				case "TMP/state", "TMP/new/sub/state":
					args[i] = filepath.Join(tmp, strings.TrimPrefix(a, "TMP/"))
				}
			}
			var stdout, stderr bytes.Buffer
			if code := run(args, &stdout, &stderr); code != tt.code {
				t.Fatalf("exit code %d, want %d; %s", code, tt.code, stderr.String())
			}
			entries, err := os.ReadDir(tmp)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				t.Errorf("the failed start left %s in the temporary folder", e.Name())
			}
		})
	}
}

func TestRestartCommand(t *testing.T) {
	cases := []struct {
		name string
		opts options
		want string
	}{
		{"flags", options{Config: cluster.Config{Dir: "/tmp/raftplay-1", Nodes: 3}},
			"raftplay --dir /tmp/raftplay-1 --nodes 3"},
		{"config file", options{Config: cluster.Config{Dir: "cfg/st0", Nodes: 3}, configPath: "cfg/x.toml"},
			"raftplay --config cfg/x.toml --dir cfg/st0"},
		{"spaces and quotes", options{Config: cluster.Config{Dir: "/tmp/my state's", Nodes: 5}},
			`raftplay --dir '/tmp/my state'\''s' --nodes 5`},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			if got := restartCommand(tt.opts); got != tt.want {
				t.Errorf("restartCommand = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHelpCommandPrintsUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"help"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit code %d, want 0; %s", code, stderr.String())
	}
	for _, command := range []string{"raftplay run FILE|NAME", "raftplay scenarios", "raftplay bench"} {
		if !strings.Contains(stdout.String(), command) {
			t.Errorf("help does not mention %q", command)
		}
	}
}

func TestHelpOfEachCommand(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"help", "run"}, exitOK, "Usage: raftplay run FILE|NAME"},
		{[]string{"help", "bench"}, exitOK, "Usage: raftplay bench"},
		{[]string{"help", "scenarios"}, exitOK, "Built-in scenarios"},
		{[]string{"scenarios", "--help"}, exitOK, "Built-in scenarios"},
		{[]string{"help", "bogus"}, exitUsage, `unknown command "bogus"`},
	}
	for _, tt := range cases {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
			if got := stdout.String() + stderr.String(); !strings.Contains(got, tt.want) {
				t.Errorf("output %q does not contain %q", got, tt.want)
			}
		})
	}
}
