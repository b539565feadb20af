package bench

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fastFlags select the quick timing of the Go benchmark: 15-30 ms timeouts and
// a 5 ms heartbeat.
var fastFlags = []string{"--election-min", "15ms", "--election-max", "30ms", "--heartbeat", "5ms"}

func runCommand(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = Command(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCommandRejectsBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string // in the message
	}{
		{[]string{"--nodes", "0"}, `invalid value "0" for flag -nodes: use a whole number from 1 to 255`},
		{[]string{"--nodes", "256"}, "from 1 to 255"},
		{[]string{"--nodes", "five"}, `invalid value "five"`},
		{[]string{"--nodes", "2"}, "--nodes 2; a failover needs a majority"},
		{[]string{"--crashes", "0"}, `invalid value "0" for flag -crashes`},
		{[]string{"--election-min", "150"}, "use a duration with a unit, such as 150ms"},
		{[]string{"--election-min", "-5ms"}, `invalid value "-5ms" for flag -election-min: use a positive duration`},
		{[]string{"--election-min", "0s"}, "--election-min 0s; use a duration from 1ms to 1h0m0s"},
		{[]string{"--election-max", "2h"}, "--election-max 2h0m0s; use a duration up to 1h0m0s"},
		{[]string{"--heartbeat", "1ns"}, "--heartbeat 1ns; use a duration of at least 100µs"},
		{[]string{"--election-max", "100ms"}, "--election-max 100ms is not above --election-min 150ms"},
		{[]string{"--heartbeat", "150ms"}, "--heartbeat 150ms is not below --election-min 150ms"},
		{[]string{"--fsync=maybe"}, "use true or false, as in --fsync=false"},
		{[]string{"--seed", "-1"}, `invalid value "-1" for flag -seed`},
		{[]string{"--idle", "soon"}, `invalid value "soon" for flag -idle`},
		{[]string{"--idle", "0"}, `invalid value "0" for flag -idle: use a duration from 1s to 24h`},
		{[]string{"--idle", "2s", "--crashes", "5"}, "--crashes does not apply to --idle"},
		{[]string{"--idle", "1ns"}, `invalid value "1ns" for flag -idle`},
		{[]string{"--idle", "100000h"}, `invalid value "100000h" for flag -idle`},
		{[]string{"--idle", "1s", "--heartbeat", "0s"}, "--heartbeat 0s; use a duration of at least 100µs"},
		{[]string{"--colour"}, "flag provided but not defined: -colour; run raftplay bench --help"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCommand(tt.args...)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q does not contain %q", stderr, tt.want)
			}
			if lines := strings.Count(stderr, "\n"); lines != 1 {
				t.Errorf("stderr has %d lines, want 1: %q", lines, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
		})
	}
}

func TestCommandHelp(t *testing.T) {
	code, stdout, stderr := runCommand("--help")
	if code != exitOK {
		t.Errorf("exit code %d, want %d", code, exitOK)
	}
	for _, flag := range []string{"-nodes", "-election-min", "-crashes", "-fsync", "-json", "-idle"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("help does not mention %s:\n%s", flag, stdout)
		}
	}
	if stderr != "" {
		t.Errorf("stderr %q, want nothing", stderr)
	}
}

func TestCommandJSONShortRun(t *testing.T) {
	args := append([]string{"--crashes", "3", "--seed", "11", "--json"}, fastFlags...)
	code, stdout, stderr := runCommand(args...)
	if code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	var report map[string]any
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	for _, key := range []string{
		"median_ms", "p99_ms", "expected_median_ms", "expected_p99_ms", "median_ratio",
		"min_ms", "p90_ms", "max_ms", "split_vote_rate", "settings", "write_p50_ms",
		"write_p99_ms", "heap_in_use_per_node_bytes", "goroutines_per_node",
	} {
		if _, ok := report[key]; !ok {
			t.Errorf("JSON has no %q", key)
		}
	}
	if got := report["failovers"]; got != 3.0 {
		t.Errorf("failovers = %v, want 3", got)
	}
	median, _ := report["median_ms"].(float64)
	if median < 5 || median > 5000 {
		t.Errorf("median_ms = %v, want a failover time between 5 ms and 5 s", median)
	}
	settings, _ := report["settings"].(map[string]any)
	if settings["nodes"] != 5.0 || settings["fsync"] != true || settings["election_min_ms"] != 15.0 {
		t.Errorf("settings = %v, want 5 nodes, fsync on, 15 ms minimum timeout", settings)
	}
}

func TestCommandTextFitsEightyColumns(t *testing.T) {
	args := []string{"--crashes", "3", "--nodes", "3", "--fsync=false", "--prevote"}
	args = append(args, fastFlags...)
	code, stdout, stderr := runCommand(args...)
	if code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"measured", "model", "split votes", "fsync off", "prevote on"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output has no %q:\n%s", want, stdout)
		}
	}
	for _, line := range strings.Split(stdout, "\n") {
		if utf8.RuneCountInString(line) > 80 {
			t.Errorf("line wider than 80 columns: %q", line)
		}
	}
}

func TestCommandIdleJSON(t *testing.T) {
	args := append([]string{"--idle", "1s", "--nodes", "1", "--json"}, fastFlags...)
	code, stdout, stderr := runCommand(args...)
	if code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	var report IdleReport
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if report.Nodes != 1 || report.IdleSeconds != 1 {
		t.Errorf("report %+v, want 1 node over 0.2 s", report)
	}
	if report.PercentOfOneCore < 0 {
		t.Errorf("percent of one core %v, want 0 or more", report.PercentOfOneCore)
	}
}

func TestCommandFailureExitsOne(t *testing.T) {
	profile := filepath.Join(t.TempDir(), "missing", "cpu.prof")
	args := append([]string{"--crashes", "1", "--cpuprofile", profile}, fastFlags...)
	code, _, stderr := runCommand(args...)
	if code != exitFailure {
		t.Errorf("exit code %d, want %d", code, exitFailure)
	}
	if !strings.Contains(stderr, "creating the CPU profile failed") {
		t.Errorf("stderr %q does not say the profile failed", stderr)
	}
}

func TestTextOutputFitsEightyColumnsWithLargeValues(t *testing.T) {
	result := &Result{
		Settings: Settings{Nodes: 255, ElectionMin: 10 * time.Second, ElectionMax: 40 * time.Second,
			Heartbeat: 3 * time.Second, Crashes: 10000, Seed: 18446744073709551615},
		Writes:     Summary{Count: 100000, Median: 12 * time.Second, P99: 99 * time.Second},
		Footprint:  Footprint{HeapInUse: 1e12, Goroutines: 123456},
		Elapsed:    1000 * time.Hour,
		Violations: []string{strings.Repeat("n255 sent a vote request before saving it ", 5)},
	}
	for i := range 10000 {
		result.Failovers = append(result.Failovers, Failover{
			OldTerm: uint64(i), NewTerm: uint64(i + 1 + i%3), LostVoteRequests: i % 7,
			Duration:  time.Duration(i+1) * 100 * time.Millisecond,
			TimerWait: time.Duration(i+1) * 90 * time.Millisecond,
		})
	}
	var out bytes.Buffer
	if err := writeText(&out, result); err != nil {
		t.Fatalf("writeText: %v", err)
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if utf8.RuneCountInString(line) > 80 {
			t.Errorf("line wider than 80 columns: %q", line)
		}
	}
}
