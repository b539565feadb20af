package scenario

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/raftplay/raftplay/cluster"
)

// Exit codes of Command.
const (
	ExitPassed  = 0 // every step ran and every expectation and safety check held
	ExitFailed  = 1 // a step failed, or the run could not be set up
	ExitInvalid = 2 // the scenario or the flags are invalid

	// ExitInterrupted follows the shell's convention for a process ended by
	// SIGINT: 128 plus the signal number.
	ExitInterrupted = 130
)

// runArgs holds the arguments of raftplay run.
type runArgs struct {
	target  string // a scenario file or the name of a built-in scenario
	speed   float64
	trace   string
	dir     string
	seed    uint64
	seedSet bool
	logPath string
}

// Command runs raftplay run: args are the words after "run". It runs one
// scenario headless and returns the exit code: ExitPassed, ExitFailed,
// ExitInvalid or ExitInterrupted. The steps and the verdict go to stdout; an invalid scenario or
// flag is one line on stderr. Nothing is logged to the terminal: logs go to
// --log, or nowhere.
func Command(args []string, stdout, stderr io.Writer) int {
	ra, err := parseRunArgs(args)
	if errors.Is(err, flag.ErrHelp) {
		printRunUsage(stdout)
		return ExitPassed
	}
	if err != nil {
		fmt.Fprintf(stderr, "raftplay run: %v\n", err)
		return ExitInvalid
	}
	script, err := Open(ra.target)
	if err != nil {
		fmt.Fprintf(stderr, "raftplay run: %v\n", err)
		return ExitInvalid
	}
	return ra.execute(script, stdout, stderr)
}

// parseRunArgs reads the flags, which may come before or after the scenario.
func parseRunArgs(args []string) (runArgs, error) {
	ra := runArgs{speed: 1}
	fs := flag.NewFlagSet("raftplay run", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // Command prints the one error line itself
	fs.Float64Var(&ra.speed, "speed", 1, "")
	fs.StringVar(&ra.trace, "trace", "", "")
	fs.StringVar(&ra.dir, "dir", "", "")
	fs.Uint64Var(&ra.seed, "seed", 0, "")
	fs.StringVar(&ra.logPath, "log", "", "")
	var targets []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return ra, err
			}
			return ra, fmt.Errorf("%v; run raftplay run --help for the flags", err)
		}
		if fs.NArg() == 0 {
			break
		}
		targets = append(targets, fs.Arg(0))
		args = fs.Args()[1:]
	}
	fs.Visit(func(f *flag.Flag) { ra.seedSet = ra.seedSet || f.Name == "seed" })
	return ra, ra.check(targets)
}

func (ra *runArgs) check(targets []string) error {
	switch {
	case len(targets) == 0:
		return errors.New("missing scenario; write raftplay run FILE or raftplay run NAME, " +
			"and run raftplay scenarios to list the names")
	case len(targets) > 1:
		return fmt.Errorf("unexpected argument %q; raftplay run takes one scenario", targets[1])
	case !(ra.speed >= cluster.MinSlowdown && ra.speed <= cluster.MaxSlowdown):
		return fmt.Errorf("--speed %v: use a slow-motion factor from %d (real speed) to %d",
			ra.speed, cluster.MinSlowdown, cluster.MaxSlowdown)
	}
	ra.target = targets[0]
	return nil
}

func printRunUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: raftplay run FILE|NAME [flags]

Runs a scenario headless, at real speed by default, and exits 0 when every
expectation and safety check held, 1 when one failed and 2 when the scenario
or a flag is invalid. NAME is a built-in scenario: raftplay scenarios lists them.

Flags:
  --speed F     slow-motion factor, from 1 (real speed, the default) to 1000;
                durations in the scenario are in cluster time, so waits scale with it
  --trace FILE  write every cluster event to FILE as JSON lines
  --dir DIR     state folder (default: a new temporary folder, removed afterwards)
  --seed N      seed of the random election timeouts (default: the scenario's seed)
  --log FILE    log file (default: no logs)
`)
}

// execute runs script as the flags select and returns the exit code.
func (ra runArgs) execute(script *Script, stdout, stderr io.Writer) int {
	logger, closeLog, err := openLog(ra.logPath)
	if err != nil {
		fmt.Fprintf(stderr, "raftplay run: %v\n", err)
		return ExitInvalid
	}
	defer closeLog()
	dir, removeDir, err := stateDir(ra.dir)
	if err != nil {
		fmt.Fprintf(stderr, "raftplay run: %v\n", err)
		return ExitInvalid
	}
	defer removeDir()
	if last := cluster.LastStateFile(dir); last > script.Options.Nodes {
		fmt.Fprintf(stderr, "raftplay run: --dir %s contains the state files of a cluster of at least %d nodes "+
			"(up to %s), and the scenario has %d; choose another folder with --dir, or leave --dir out\n",
			dir, last, filepath.Base(cluster.StatePath(dir, last)), script.Options.Nodes)
		return ExitInvalid
	}

	cfg := script.Options.Config(dir, ra.speed)
	if ra.seedSet {
		cfg.Seed = ra.seed
	}
	cfg.Logger = logger
	return ra.runCluster(script, cfg, stdout, stderr)
}

// runCluster creates the cluster, traces it if asked, runs the script on it
// and returns the exit code.
func (ra runArgs) runCluster(script *Script, cfg cluster.Config, stdout, stderr io.Writer) int {
	c, err := cluster.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "raftplay run: %v\n", err)
		if errors.Is(err, cluster.ErrInvalidConfig) {
			return ExitInvalid
		}
		return ExitFailed
	}
	defer c.Stop()
	stopTrace, err := startTrace(ra.trace, c)
	if err != nil {
		fmt.Fprintf(stderr, "raftplay run: %v\n", err)
		return ExitInvalid
	}
	fmt.Fprintf(stdout, "raftplay run %s: %s\n", script.Name, describeConfig(cfg))
	cfg.Logger.Info("scenario started", "scenario", script.Name, "dir", cfg.Dir, "nodes", cfg.Nodes,
		"seed", cfg.Seed, "slowdown", cfg.Slowdown)
	verdict := runScript(script, c, stdout)
	cfg.Logger.Info("scenario finished", "scenario", script.Name, "passed", verdict.Passed,
		"verdict", verdict.String())
	c.Stop()
	if err := stopTrace(); err != nil {
		fmt.Fprintf(stderr, "raftplay run: %v\n", err)
		return ExitFailed
	}
	switch {
	case verdict.Interrupted():
		return ExitInterrupted
	case !verdict.Passed:
		return ExitFailed
	}
	return ExitPassed
}

// runScript runs script on c until it ends, or until the process is
// interrupted, and writes the run's lines to out.
func runScript(script *Script, c *cluster.Cluster, out io.Writer) Verdict {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	runner := NewRunner(script, c, RunOptions{KeepSpeed: true})
	defer runner.Close()
	return runner.Run(ctx, out)
}

// describeConfig summarises the cluster a headless run starts.
func describeConfig(cfg cluster.Config) string {
	return fmt.Sprintf("%d nodes, election timeout %v to %v, heartbeat %v, prevote %s, "+
		"checkquorum %s, seed %d, slow-motion factor %g", cfg.Nodes, cfg.ElectionTimeoutMin,
		cfg.ElectionTimeoutMax, cfg.Heartbeat, onOff(cfg.PreVote), onOff(cfg.CheckQuorum), cfg.Seed,
		cfg.Slowdown)
}

// openLog returns a logger that writes to path, or discards everything for an
// empty path, and a function that closes it. The standard logger, through
// which net/rpc reports broken connections, goes to the same place until then.
func openLog(path string) (*slog.Logger, func(), error) {
	var w io.Writer = io.Discard
	var file *os.File
	if path != "" {
		var err error
		file, err = os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("--log %s: %w; choose a writable path", path, err)
		}
		w = file
	}
	previous := log.Writer()
	log.SetOutput(w)
	closeLog := func() {
		log.SetOutput(previous)
		if file != nil {
			file.Close()
		}
	}
	return slog.New(slog.NewTextHandler(w, nil)), closeLog, nil
}

// stateDir returns dir, created if missing, or a new temporary folder, and a
// function that removes the folder if stateDir created it.
func stateDir(dir string) (string, func(), error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", nil, fmt.Errorf("--dir %s: %w; choose a folder you can write", dir, err)
		}
		return dir, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "raftplay-run-")
	if err != nil {
		return "", nil, fmt.Errorf("creating a temporary state folder failed: %w; "+
			"choose a folder with --dir", err)
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// startTrace traces c's events to path, unless path is empty. The returned
// function waits for the last event once c has stopped, closes the file and
// returns the first error.
func startTrace(path string, c *cluster.Cluster) (func() error, error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	file, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--trace %s: %w; choose a writable path", path, err)
	}
	events, cancel := c.Subscribe()
	tracer := NewTracer(file)
	done := make(chan error, 1)
	go func() { done <- tracer.Consume(events) }()
	return func() error {
		cancel()
		err := <-done
		if closeErr := file.Close(); err == nil {
			err = closeErr
		}
		if err != nil {
			return fmt.Errorf("--trace %s: %w", path, err)
		}
		return nil
	}, nil
}

// ListCommand runs raftplay scenarios: it lists the built-in scenarios with
// a one-line description each, and returns the exit code. It takes no
// arguments.
func ListCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "--help" || args[0] == "-h" || args[0] == "-help") {
		args = nil // the list is the help
	}
	if len(args) > 0 {
		fmt.Fprintf(stderr, "raftplay scenarios: unexpected argument %q; it takes none, "+
			"and raftplay run NAME runs one\n", args[0])
		return ExitInvalid
	}
	builtins := Builtins()
	width := 0
	for _, b := range builtins {
		width = max(width, len(b.Name))
	}
	fmt.Fprintln(stdout, "Built-in scenarios; run one with raftplay run NAME:")
	fmt.Fprintln(stdout)
	for _, b := range builtins {
		fmt.Fprintf(stdout, "  %-*s  %s\n", width, b.Name, b.Description)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "raftplay run NAME --trace FILE writes every event of a run as JSON lines.")
	return ExitPassed
}
