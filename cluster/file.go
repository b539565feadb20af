package cluster

import (
	"fmt"
	"regexp"
	"time"

	"github.com/BurntSushi/toml"
)

// File is the content of a cluster configuration file, in TOML:
//
//	nodes = ["127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003"]
//	election_timeout_min = "150ms"
//	election_timeout_max = "300ms"
//	heartbeat = "50ms"
//	slowdown = 20
//	seed = 42
//	state_dir = "state"
//	prevote = true
//	checkquorum = true
//
// Node i+1 is the node at position i of nodes. Every key is optional; a missing
// key leaves the setting to the command line or its default.
type File struct {
	Nodes              []string `toml:"nodes"`
	ElectionTimeoutMin Duration `toml:"election_timeout_min"`
	ElectionTimeoutMax Duration `toml:"election_timeout_max"`
	Heartbeat          Duration `toml:"heartbeat"`
	Slowdown           float64  `toml:"slowdown"`
	Seed               int64    `toml:"seed"`
	StateDir           string   `toml:"state_dir"`
	PreVote            *bool    `toml:"prevote"`     // nil when the file does not say
	CheckQuorum        *bool    `toml:"checkquorum"` // nil when the file does not say
}

// Duration is a time.Duration written in a file as a string such as "150ms".
type Duration struct{ time.Duration }

// UnmarshalText parses a duration in time.ParseDuration's syntax.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := time.ParseDuration(string(text))
	if err != nil {
		return fmt.Errorf("invalid duration %q, write a number and a unit such as 150ms", text)
	}
	d.Duration = v
	return nil
}

// wrongType matches the TOML decoder's error for a value of the wrong type
// and captures the key.
var wrongType = regexp.MustCompile(`\(last key "([a-z_]+)"\): incompatible types`)

// keyForms describes the value each configuration key takes, for errors.
var keyForms = map[string]string{
	"nodes":                `a list of "127.0.0.1:PORT" addresses, one per node`,
	"election_timeout_min": `a duration in quotes, such as "150ms"`,
	"election_timeout_max": `a duration in quotes, such as "300ms"`,
	"heartbeat":            `a duration in quotes, such as "50ms"`,
	"slowdown":             "a number from 1 (real time) to 1000, without quotes",
	"seed":                 "a positive whole number, without quotes",
	"state_dir":            "a folder path in quotes",
	"prevote":              "true or false, without quotes",
	"checkquorum":          "true or false, without quotes",
}

// ReadFile reads and parses the configuration file at path. Unknown keys are
// errors, so that a misspelt key is not silently ignored.
func ReadFile(path string) (File, error) {
	var f File
	meta, err := toml.DecodeFile(path, &f)
	if err != nil {
		// A value of the wrong type gets an error that names the key but not
		// what the key takes.
		if match := wrongType.FindStringSubmatch(err.Error()); match != nil && keyForms[match[1]] != "" {
			return f, fmt.Errorf("config file %s: %w; %s takes %s", path, err, match[1], keyForms[match[1]])
		}
		return f, fmt.Errorf("config file %s: %w", path, err)
	}
	switch {
	case meta.IsDefined("nodes") && len(f.Nodes) == 0:
		return f, fmt.Errorf("config file %s: nodes is empty; list one address per node, or leave nodes out", path)
	case meta.IsDefined("slowdown") && f.Slowdown == 0:
		return f, fmt.Errorf("config file %s: slowdown 0, use 1 (real time) to 1000", path)
	case meta.IsDefined("seed") && f.Seed == 0:
		return f, fmt.Errorf("config file %s: seed 0, use a positive seed or leave seed out for a random one", path)
	case f.Seed < 0:
		return f, fmt.Errorf("config file %s: seed %d, use a positive seed", path, f.Seed)
	}
	if undecoded := meta.Undecoded(); len(undecoded) > 0 {
		return f, fmt.Errorf("config file %s: unknown key %q; the keys are nodes, election_timeout_min, "+
			"election_timeout_max, heartbeat, slowdown, seed, state_dir, prevote and checkquorum", path, undecoded[0].String())
	}
	return f, nil
}
