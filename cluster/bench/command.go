package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/raftplay/raftplay/cluster"
)

// Exit codes of Command.
const (
	exitOK      = 0
	exitFailure = 1 // the benchmark could not run to the end
	exitUsage   = 2 // bad flags

	// exitInterrupted ends a run stopped by SIGINT or SIGTERM, 128 plus
	// SIGINT's number as shells report it.
	exitInterrupted = 130
)

// options are the settings that the command line selects.
type options struct {
	Settings
	fsync      bool
	json       bool
	idle       time.Duration
	cpuProfile string
	logPath    string
}

// Command runs "raftplay bench" with args, the arguments after "bench", and
// returns the exit code: 0 on success, 1 if the benchmark failed, 2 for bad
// flags. Results go to stdout, errors and progress to stderr.
func Command(args []string, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(stdout)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "raftplay bench: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := execute(ctx, opts, stdout, stderr); err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "raftplay bench: interrupted; no results")
			return exitInterrupted
		}
		fmt.Fprintf(stderr, "raftplay bench: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// newFlagSet returns the command's flags, which write into opts.
func newFlagSet(opts *options) *flag.FlagSet {
	fs := flag.NewFlagSet("raftplay bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // Command prints the one-line error itself
	fs.Var(&intFlag{&opts.Nodes, 1, cluster.MaxNodes}, "nodes",
		"run `N` nodes; a failover benchmark needs 3 or more")
	fs.Var(&durationFlag{&opts.ElectionMin}, "election-min", "minimum election timeout, a `duration` such as 150ms")
	fs.Var(&durationFlag{&opts.ElectionMax}, "election-max", "maximum election timeout, a `duration` such as 300ms")
	fs.Var(&durationFlag{&opts.Heartbeat}, "heartbeat", "leader's heartbeat interval, a `duration` such as 50ms")
	fs.Var(&intFlag{&opts.Crashes, 1, 1_000_000}, "crashes", "measure `N` leader crashes")
	fs.Var(&boolFlag{&opts.PreVote}, "prevote", "run with PreVote on")
	fs.Var(&boolFlag{&opts.CheckQuorum}, "checkquorum", "run with CheckQuorum on")
	fs.Var(&boolFlag{&opts.fsync}, "fsync",
		"fsync every state-file write; --fsync=false shows what fsync costs")
	fs.Var(&uintFlag{&opts.Seed}, "seed",
		"seed `N` of the election timeouts and crash moments, a whole number (default: a new random seed)")
	fs.Var(&boolFlag{&opts.json}, "json", "print the results as one JSON object")
	fs.Var(&idleFlag{&opts.idle}, "idle",
		"measure instead the CPU an idle cluster uses over this `duration`, such as 30s")
	fs.StringVar(&opts.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to `file`")
	fs.StringVar(&opts.logPath, "log", "",
		"write the cluster's log, debug messages included, to `file`")
	return fs
}

// defaultOptions returns the options before any flag is applied.
func defaultOptions() options {
	return options{
		Settings: Settings{
			Nodes: 5, ElectionMin: 150 * time.Millisecond, ElectionMax: 300 * time.Millisecond,
			Heartbeat: 50 * time.Millisecond, Crashes: 200,
		},
		fsync: true,
	}
}

// parseFlags reads args and checks the values together.
func parseFlags(args []string) (options, error) {
	opts := defaultOptions()
	fs := newFlagSet(&opts)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return opts, err
		}
		return opts, fmt.Errorf("%v; run raftplay bench --help for the flags", err)
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("unexpected argument %q; raftplay bench takes only flags, "+
			"see raftplay bench --help", fs.Arg(0))
	}
	opts.NoFsync = !opts.fsync
	if opts.Seed == 0 {
		opts.Seed = rand.Uint64() | 1
	}
	if opts.idle > 0 {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if set["crashes"] {
			return opts, errors.New("--crashes does not apply to --idle, which measures no failover; drop one of the two")
		}
		return opts, validateTiming(opts.ElectionMin, opts.ElectionMax, opts.Heartbeat)
	}
	return opts, opts.Settings.Validate()
}

// printUsage prints the help text and the flags.
func printUsage(w io.Writer) {
	fmt.Fprint(w, `raftplay bench crashes the leader of a real cluster again and again and
measures each failover: from the crash to a new leader followed by a majority.
The nodes talk over loopback TCP and write state files in a temporary folder,
removed afterwards. The results are compared with what the election timers
allow (the model), and a histogram shows the distribution.

Usage: raftplay bench [flags]

Flags:
`)
	fs := newFlagSet(new(options))
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprint(w, `
Defaults: --nodes 5 --election-min 150ms --election-max 300ms --heartbeat 50ms
--crashes 200 --fsync=true. Every duration is real time.
`)
}

// execute runs the benchmark that opts selects and prints its results.
func execute(ctx context.Context, opts options, stdout, stderr io.Writer) error {
	if opts.cpuProfile != "" {
		stopProfile, err := startProfile(opts.cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	if opts.logPath != "" {
		closeLog, err := openLog(&opts)
		if err != nil {
			return err
		}
		defer closeLog()
	}
	if opts.idle > 0 {
		return executeIdle(ctx, opts, stdout)
	}
	if warning := openFilesWarning(opts.Nodes); warning != "" {
		fmt.Fprintln(stderr, "raftplay bench: "+warning)
	}
	opts.Progress = progressPrinter(stderr, opts.Crashes)
	result, err := Run(ctx, opts.Settings)
	if err != nil {
		return err
	}
	if opts.json {
		return writeJSON(stdout, result.Report())
	}
	return writeText(stdout, result)
}

// progressPrinter returns a Settings.Progress that prints a line to w at
// every tenth of total.
func progressPrinter(w io.Writer, total int) func(int) {
	step := max(total/10, 1)
	return func(done int) {
		if done%step == 0 || done == total {
			fmt.Fprintf(w, "raftplay bench: %d of %d failovers measured\n", done, total)
		}
	}
}

// openLog sets opts.Logger to a debug-level log in the file opts.logPath and
// returns what closes the file.
func openLog(opts *options) (func(), error) {
	file, err := os.OpenFile(opts.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the log file failed: %w; choose another --log", err)
	}
	opts.Logger = slog.New(slog.NewTextHandler(file, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return func() { file.Close() }, nil
}

// startProfile starts a CPU profile written to path and returns what stops it.
func startProfile(path string) (func(), error) {
	file, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating the CPU profile failed: %w; choose another --cpuprofile", err)
	}
	if err := pprof.StartCPUProfile(file); err != nil {
		file.Close()
		return nil, fmt.Errorf("starting the CPU profile failed: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		file.Close()
	}, nil
}
