// Command raftplay runs a whole Raft cluster's leader election in one process.
// Every node is a goroutine with its own net/rpc server on a loopback TCP port
// and its own state file. A terminal UI shows each node's term, role, vote and
// election timer, and keys crash, restart, freeze and cut off nodes.
package main

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/cluster/bench"
	"github.com/raftplay/raftplay/cluster/scenario"
	"github.com/raftplay/raftplay/ui"
)

// maxScreenNodes is the largest cluster the UI lays out.
const maxScreenNodes = ui.MaxNodes

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the program could not run
	exitUsage   = 2 // bad flags or configuration
)

// usageError is an error in what the user typed; it exits with exitUsage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the settings chosen by the command line, the configuration file
// and the scenario header.
type options struct {
	cluster.Config
	logPath    string
	tracePath  string           // every event as JSON lines, if set
	recordPath string           // the session as a replayable scenario, if set
	configPath string           // the configuration file, if one was named
	madeDir    string           // the top folder this run created for Dir, if any: Dir or a parent
	talk       bool             // start in talk mode
	script     *scenario.Script // presenter mode plays it, if set
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "help":
			if len(args) > 1 {
				return helpCommand(args[1], stdout, stderr)
			}
			args = []string{"--help"}
		case "run":
			return scenario.Command(args[1:], stdout, stderr)
		case "scenarios":
			return scenario.ListCommand(args[1:], stdout, stderr)
		case "bench":
			return bench.Command(args[1:], stdout, stderr)
		}
	}
	opts, err := parseOptions(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "raftplay: %v\n", err)
		var usageErr *usageError
		if errors.As(err, &usageErr) || errors.Is(err, cluster.ErrInvalidConfig) {
			return exitUsage
		}
		return exitFailure
	}
	if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
		opts.discardDir()
		fmt.Fprintln(stderr, "raftplay: standard input and output must be a terminal; "+
			"run it in a terminal window or inside tmux, or use raftplay run SCENARIO for a headless run")
		return exitFailure
	}
	if started, err := play(opts, stdout); err != nil {
		if !started {
			opts.discardDir()
		}
		fmt.Fprintf(stderr, "raftplay: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// helpCommand runs raftplay help COMMAND: the help of run, scenarios or bench.
func helpCommand(command string, stdout, stderr io.Writer) int {
	switch command {
	case "run":
		return scenario.Command([]string{"--help"}, stdout, stderr)
	case "scenarios":
		return scenario.ListCommand([]string{"--help"}, stdout, stderr)
	case "bench":
		return bench.Command([]string{"--help"}, stdout, stderr)
	}
	fmt.Fprintf(stderr, "raftplay help: unknown command %q; the commands are run, scenarios and bench, "+
		"and raftplay --help shows the rest\n", command)
	return exitUsage
}

// discardDir removes the state folder if this run created it. Call it only
// before the cluster starts, when the folder contains nothing the user needs.
func (o options) discardDir() {
	if o.madeDir != "" {
		os.RemoveAll(o.madeDir)
	}
}

// topMissing returns the highest folder on the way to dir that does not
// exist yet, dir itself if only it is missing, or "" if dir exists.
func topMissing(dir string) string {
	missing := ""
	for path := filepath.Clean(dir); ; path = filepath.Dir(path) {
		if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
			return missing
		}
		missing = path
		if parent := filepath.Dir(path); parent == path {
			return missing
		}
	}
}

// play runs the cluster and the UI until the user quits. It reports whether
// the cluster started.
func play(opts options, stdout io.Writer) (started bool, err error) {
	logFile, err := os.OpenFile(opts.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return false, fmt.Errorf("opening log file failed: %w; choose another with --log", err)
	}
	defer logFile.Close()
	// net/rpc reports connection errors through the standard logger, which
	// would otherwise write over the screen.
	log.SetOutput(logFile)
	opts.Logger = slog.New(slog.NewTextHandler(logFile, nil))
	opts.Logger.Info("starting", "nodes", opts.Nodes, "dir", opts.Dir, "seed", opts.Seed,
		"election_timeout_min", opts.ElectionTimeoutMin, "election_timeout_max", opts.ElectionTimeoutMax,
		"heartbeat", opts.Heartbeat, "slowdown", opts.Slowdown)

	c, err := cluster.New(opts.Config)
	if err != nil {
		return false, err
	}
	events, cancel := c.Subscribe()
	defer cancel()
	stopTrace, err := startTrace(c, opts.tracePath)
	if err != nil {
		return false, err
	}
	if opts.script != nil {
		// Presenter mode holds the cluster until the first step, so that the
		// first election does not happen while the first caption is read.
		c.SetPaused(true)
	}
	if err := c.Start(); err != nil {
		stopTrace()
		return false, err
	}

	var driven ui.Cluster = c
	var recorder *scenario.Recorder
	if opts.recordPath != "" {
		recorder = scenario.NewRecorder(c)
		driven = recorder
	}
	uiOptions := ui.Options{Talk: opts.talk}
	if opts.script != nil {
		var scripted scenario.Cluster = c
		if recorder != nil {
			scripted = recorder // the recording then includes the scripted steps
		}
		runner := scenario.NewRunner(opts.script, scripted, scenario.RunOptions{})
		defer runner.Close()
		uiOptions.Script = runner
	}
	_, err = tea.NewProgram(ui.New(driven, events, uiOptions), tea.WithFPS(ui.FrameRate)).Run()
	c.Stop()
	stopTrace()
	if errors.Is(err, tea.ErrInterrupted) || errors.Is(err, tea.ErrProgramKilled) {
		// SIGINT or SIGTERM: every state file was already written durably
		// before the node acted on it, so stopping is all a clean exit needs.
		opts.Logger.Info("stopped by signal", "err", err)
		err = nil
	}
	if recorder != nil {
		if saveErr := recorder.Save(opts.recordPath); saveErr != nil {
			err = errors.Join(err, saveErr)
		} else {
			fmt.Fprintf(stdout, "Recorded the session in %s; replay it with raftplay run %s\n",
				opts.recordPath, opts.recordPath)
		}
	}
	fmt.Fprintf(stdout, "raftplay stopped; the state files are in %s.\n", opts.Dir)
	fmt.Fprintf(stdout, "Run %s to start from them again.\n", restartCommand(opts))
	return true, err
}

// restartCommand returns the command line that starts a cluster from the
// state files this run left: the same folder, and the same configuration file
// or number of nodes.
func restartCommand(opts options) string {
	words := []string{"raftplay"}
	if opts.configPath != "" {
		words = append(words, "--config", shellQuote(opts.configPath))
	}
	words = append(words, "--dir", shellQuote(opts.Dir))
	if opts.configPath == "" {
		words = append(words, "--nodes", strconv.Itoa(opts.Nodes))
	}
	return strings.Join(words, " ")
}

// shellQuote returns s as one word of a POSIX shell command.
func shellQuote(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./_-", r))
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// startTrace writes every event of c to the file at path as JSON lines, if
// path is set. The returned function, called after the cluster stops, waits
// for the last event to be written and closes the file.
func startTrace(c *cluster.Cluster, path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening trace file failed: %w; choose another with --trace", err)
	}
	events, cancel := c.Subscribe()
	tracer := scenario.NewTracer(f)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tracer.Consume(events)
	}()
	return func() {
		cancel()
		<-done
		f.Close()
	}, nil
}

// parseOptions reads the flags and, if one is named, the configuration file.
// A flag given on the command line overrides the file.
func parseOptions(args []string, stdout io.Writer) (options, error) {
	fs := flag.NewFlagSet("raftplay", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed once, by run
	fs.Usage = func() {}
	var opts options
	var configPath, scriptTarget string
	defineFlags(fs, &opts, &configPath, &scriptTarget)

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			usage(fs, stdout)
			return opts, err
		}
		return opts, usageErrorf("%v%s; run raftplay --help for the flags", err, flagHint(fs, err))
	}
	if fs.NArg() > 0 {
		return opts, usageErrorf("unexpected argument %q; raftplay takes flags, or one of the commands "+
			"run, scenarios and bench first; see raftplay --help", fs.Arg(0))
	}

	// Files fill in only what no flag set.
	set := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if configPath != "" {
		opts.configPath = configPath
		if err := applyFile(&opts, configPath, set); err != nil {
			return opts, err
		}
	}
	if scriptTarget != "" {
		if err := applyScript(&opts, scriptTarget, set); err != nil {
			return opts, err
		}
	}
	return finishOptions(opts)
}

// flagHint returns what the flag named in a parse error expects, as in
// " (--nodes: number of nodes, 1 to 25)", or "" if err names no flag.
func flagHint(fs *flag.FlagSet, err error) string {
	_, rest, found := strings.Cut(err.Error(), " for flag -")
	if !found {
		return ""
	}
	name, _, _ := strings.Cut(rest, ":")
	f := fs.Lookup(name)
	if f == nil {
		return ""
	}
	purpose, _, _ := strings.Cut(f.Usage, "\n")
	form := "a value"
	if getter, ok := f.Value.(flag.Getter); ok {
		switch getter.Get().(type) {
		case time.Duration:
			form = "a duration such as 150ms"
		case int, uint64:
			form = "a whole number"
		case float64:
			form = "a number such as 2.5"
		}
	}
	return fmt.Sprintf(" (--%s takes %s: %s)", name, form, purpose)
}

// defineFlags declares every flag of the UI command on fs.
func defineFlags(fs *flag.FlagSet, opts *options, configPath, scriptTarget *string) {
	fs.IntVar(&opts.Nodes, "nodes", 5, fmt.Sprintf("number of nodes, 1 to %d", maxScreenNodes))
	fs.StringVar(&opts.Dir, "dir", "", "state folder; reusing one restarts the cluster from its files\n"+
		"(default: a new folder under "+os.TempDir()+")")
	fs.DurationVar(&opts.ElectionTimeoutMin, "election-min", 150*time.Millisecond,
		"minimum election timeout, in cluster time")
	fs.DurationVar(&opts.ElectionTimeoutMax, "election-max", 300*time.Millisecond,
		"maximum election timeout, in cluster time")
	fs.DurationVar(&opts.Heartbeat, "heartbeat", 50*time.Millisecond, "leader's heartbeat interval, in cluster time")
	fs.Float64Var(&opts.Slowdown, "slow", 20,
		"slow-motion factor: wall seconds per second of cluster time; 1 is real speed")
	fs.BoolVar(&opts.PreVote, "prevote", false,
		"start with PreVote on: nodes ask for pre-votes before raising their term")
	fs.BoolVar(&opts.CheckQuorum, "checkquorum", false,
		"start with CheckQuorum on: leaders without a majority step down, followers stick to a live leader")
	fs.Uint64Var(&opts.Seed, "seed", 0, "seed of the random election timeouts; 0 picks a new one")
	fs.StringVar(configPath, "config", "", "TOML file listing the nodes' addresses and timing; flags override it")
	fs.StringVar(scriptTarget, "script", "",
		"presenter mode: play this scenario file or built-in scenario a step per key press")
	fs.BoolVar(&opts.talk, "talk", false,
		"start in talk mode: high-contrast cards with role glyphs, for a projector")
	fs.StringVar(&opts.tracePath, "trace", "", "write every event to this file as JSON lines")
	fs.StringVar(&opts.recordPath, "record", "",
		"write what you do to this file as a scenario that raftplay run replays")
	fs.StringVar(&opts.logPath, "log", "", "log file (default: raftplay.log in the state folder)")
}

// applyFile takes from the configuration file every setting not given as a flag.
func applyFile(opts *options, path string, set map[string]bool) error {
	f, err := cluster.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return usageErrorf("%v; check the path given to --config", err)
	}
	if err != nil {
		return usageErrorf("%v", err)
	}
	if len(f.Nodes) > maxScreenNodes {
		return usageErrorf("%s lists %d nodes, and raftplay runs at most %d; remove %d from its nodes list",
			path, len(f.Nodes), maxScreenNodes, len(f.Nodes)-maxScreenNodes)
	}
	if len(f.Nodes) > 0 {
		if set["nodes"] && opts.Nodes != len(f.Nodes) {
			return usageErrorf("--nodes %d, but %s lists %d nodes; drop one of the two",
				opts.Nodes, path, len(f.Nodes))
		}
		opts.Nodes, opts.Addrs = len(f.Nodes), f.Nodes
	}
	fromFile := func(flagName string, apply func()) {
		if !set[flagName] {
			apply()
		}
	}
	if f.ElectionTimeoutMin.Duration != 0 {
		fromFile("election-min", func() { opts.ElectionTimeoutMin = f.ElectionTimeoutMin.Duration })
	}
	if f.ElectionTimeoutMax.Duration != 0 {
		fromFile("election-max", func() { opts.ElectionTimeoutMax = f.ElectionTimeoutMax.Duration })
	}
	if f.Heartbeat.Duration != 0 {
		fromFile("heartbeat", func() { opts.Heartbeat = f.Heartbeat.Duration })
	}
	if f.Slowdown != 0 {
		fromFile("slow", func() { opts.Slowdown = f.Slowdown })
	}
	if f.Seed != 0 {
		fromFile("seed", func() { opts.Seed = uint64(f.Seed) })
	}
	if f.PreVote != nil {
		fromFile("prevote", func() { opts.PreVote = *f.PreVote })
	}
	if f.CheckQuorum != nil {
		fromFile("checkquorum", func() { opts.CheckQuorum = *f.CheckQuorum })
	}
	if f.StateDir != "" {
		dir := f.StateDir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(filepath.Dir(path), dir) // relative to the file, not the shell
		}
		fromFile("dir", func() { opts.Dir = dir })
	}
	return nil
}

// applyScript loads the scenario that presenter mode plays and takes from its
// header every option it sets and no flag overrides.
func applyScript(opts *options, target string, set map[string]bool) error {
	script, err := scenario.Open(target)
	if err != nil {
		return usageErrorf("%v", err)
	}
	opts.script = script
	header := script.Options
	// A flag may change the scenario's speed and seed, but not what its steps
	// and captions rely on: the nodes, timing and switches it sets.
	conflicts := []struct {
		option, flag string
		differs      bool
		value        any
	}{
		{"nodes", "nodes", opts.Nodes != header.Nodes, header.Nodes},
		{"election-timeout", "election-min", opts.ElectionTimeoutMin != header.ElectionTimeoutMin,
			fmt.Sprintf("%v %v", header.ElectionTimeoutMin, header.ElectionTimeoutMax)},
		{"election-timeout", "election-max", opts.ElectionTimeoutMax != header.ElectionTimeoutMax,
			fmt.Sprintf("%v %v", header.ElectionTimeoutMin, header.ElectionTimeoutMax)},
		{"heartbeat", "heartbeat", opts.Heartbeat != header.Heartbeat, header.Heartbeat},
		{"prevote", "prevote", opts.PreVote != header.PreVote, onOff(header.PreVote)},
		{"checkquorum", "checkquorum", opts.CheckQuorum != header.CheckQuorum, onOff(header.CheckQuorum)},
	}
	for _, c := range conflicts {
		if line, inScript := script.OptionLines[c.option]; inScript && set[c.flag] && c.differs {
			return usageErrorf("--%s conflicts with the scenario %s, which sets %s %v on line %d; "+
				"drop --%s, or copy the scenario and change it", c.flag, script.Name, c.option, c.value, line, c.flag)
		}
	}
	if header.Nodes > maxScreenNodes {
		return usageErrorf("the scenario %s has %d nodes, and the UI shows at most %d; "+
			"run it headless with raftplay run %s", script.Name, header.Nodes, maxScreenNodes, target)
	}
	fromScript := func(option, flagName string, apply func()) {
		if _, given := script.OptionLines[option]; given && !set[flagName] {
			apply()
		}
	}
	fromScript("nodes", "nodes", func() { opts.Nodes, opts.Addrs = header.Nodes, nil })
	fromScript("election-timeout", "election-min", func() { opts.ElectionTimeoutMin = header.ElectionTimeoutMin })
	fromScript("election-timeout", "election-max", func() { opts.ElectionTimeoutMax = header.ElectionTimeoutMax })
	fromScript("heartbeat", "heartbeat", func() { opts.Heartbeat = header.Heartbeat })
	fromScript("prevote", "prevote", func() { opts.PreVote = header.PreVote })
	fromScript("checkquorum", "checkquorum", func() { opts.CheckQuorum = header.CheckQuorum })
	fromScript("seed", "seed", func() { opts.Seed = header.Seed })
	fromScript("slow", "slow", func() { opts.Slowdown = header.Slowdown })
	return nil
}

// settingFlags maps each timing setting's configuration-file key to its flag.
var settingFlags = map[string]string{
	"election_timeout_min": "--election-min",
	"election_timeout_max": "--election-max",
	"heartbeat":            "--heartbeat",
	"slowdown":             "--slow",
}

// finishOptions checks the options and fills in the defaults that depend on others.
func finishOptions(opts options) (options, error) {
	if opts.Nodes < 1 || opts.Nodes > maxScreenNodes {
		return opts, usageErrorf("--nodes %d, use 1 to %d", opts.Nodes, maxScreenNodes)
	}
	if opts.Seed == 0 {
		var b [8]byte
		rand.Read(b[:])
		opts.Seed = binary.LittleEndian.Uint64(b[:])
	}
	check := opts.Config
	if check.Dir == "" {
		check.Dir = os.TempDir() // the folder is created only once the rest is valid
	}
	if err := check.Validate(); err != nil {
		var bad *cluster.SettingError
		if errors.As(err, &bad) {
			where := "a config file"
			if opts.configPath != "" {
				where = opts.configPath
			}
			if bad.Setting == "election_timeout_max" && check.ElectionTimeoutMax <= check.ElectionTimeoutMin {
				// Either end of the range may be the one to change.
				return opts, fmt.Errorf("%w; set them with --election-min and --election-max, "+
					"or election_timeout_min and election_timeout_max in %s", err, where)
			}
			return opts, fmt.Errorf("%w; set it with %s or %s in %s", err, settingFlags[bad.Setting], bad.Setting, where)
		}
		return opts, err
	}
	var err error
	if opts.Dir == "" {
		opts.Dir, err = os.MkdirTemp("", "raftplay-")
		if err == nil {
			opts.madeDir = opts.Dir
		}
	} else {
		missing := topMissing(opts.Dir)
		err = os.MkdirAll(opts.Dir, 0o700)
		if err == nil {
			opts.madeDir = missing
		}
	}
	if err != nil {
		return opts, usageErrorf("creating state folder failed: %v; choose another with --dir", err)
	}
	opts, err = checkFiles(opts)
	if err != nil {
		opts.discardDir()
	}
	return opts, err
}

// checkFiles checks that the state folder suits the cluster and that the files
// named by flags can be written.
func checkFiles(opts options) (options, error) {
	if last := cluster.LastStateFile(opts.Dir); last > opts.Nodes {
		return opts, usageErrorf("state folder %s holds the state files of a cluster of at least %d nodes "+
			"(up to %s), and %d nodes were asked for; run with --nodes %d, or choose another folder with --dir",
			opts.Dir, last, filepath.Base(cluster.StatePath(opts.Dir, last)), opts.Nodes, last)
	}
	if opts.logPath == "" {
		opts.logPath = filepath.Join(opts.Dir, "raftplay.log")
	}
	// The files are written later, the recording only at the end, so check
	// now that they can be. A file made only for the check is removed again,
	// so that a run that stops early leaves nothing behind.
	for _, file := range []struct{ path, what, flag string }{
		{opts.recordPath, "the recording", "--record"},
		{opts.tracePath, "the trace", "--trace"},
		{opts.logPath, "the log", "--log"},
	} {
		if file.path == "" {
			continue
		}
		_, statErr := os.Lstat(file.path)
		f, err := os.OpenFile(file.path, os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return opts, usageErrorf("cannot write %s: %v; choose another file with %s", file.what, err, file.flag)
		}
		f.Close()
		if errors.Is(statErr, fs.ErrNotExist) {
			os.Remove(file.path)
		}
	}
	return opts, nil
}

// usage prints the flags with a short introduction.
func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprint(w, `raftplay runs a Raft cluster's leader election on loopback and shows it live.

Usage:
  raftplay [flags]               run a cluster and watch it in the terminal
  raftplay run FILE|NAME [flags] replay a scenario headless and check what it expects
  raftplay scenarios             list the built-in scenarios
  raftplay bench [flags]         measure failover times; raftplay bench --help lists its flags

In the UI, press ? for the keys: select a node with its number, crash it with
c, restart it with r, freeze it with f, isolate it with i, cut links with x,
pause with space, quit with q. The mouse selects nodes and toggles links.

Flags:
`)
	fs.PrintDefaults()
}

// onOff returns "on" or "off", as scenario files write a switch.
func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
