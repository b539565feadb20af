package scenario

import (
	"bufio"
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// libraryFiles holds the built-in scenarios, one file per scenario.
//
//go:embed library/*.txt
var libraryFiles embed.FS

// libraryOrder lists the built-in scenarios in teaching order: each builds on
// the ones before it.
var libraryOrder = []string{
	"first-election",
	"leader-crash",
	"restart-from-state-file",
	"split-vote",
	"quorum-loss-and-regain",
	"isolated-leader",
	"isolated-leader-checkquorum",
	"rejoin-term-inflation",
	"rejoin-prevote",
	"asymmetric-link",
	"amnesia-two-leaders",
}

// Builtin is a scenario that ships with raftplay.
type Builtin struct {
	Name        string // the argument of raftplay run, such as leader-crash
	Description string // the first comment line of its file
}

// Builtins returns the built-in scenarios in teaching order.
func Builtins() []Builtin {
	out := make([]Builtin, 0, len(libraryOrder))
	for _, name := range libraryOrder {
		source, err := BuiltinSource(name)
		if err != nil {
			panic(err) // libraryOrder and the embedded files are checked by a test
		}
		out = append(out, Builtin{Name: name, Description: firstComment(source)})
	}
	return out
}

// BuiltinSource returns the text of the built-in scenario name.
func BuiltinSource(name string) ([]byte, error) {
	var data []byte
	err := fs.ErrNotExist
	if !strings.ContainsAny(name, "/.") {
		data, err = libraryFiles.ReadFile("library/" + name + ".txt")
	}
	if err != nil {
		return nil, fmt.Errorf("%w %q; run raftplay scenarios to list the built-in ones",
			ErrUnknownScenario, name)
	}
	return data, nil
}

// firstComment returns the text of the file's first comment line.
func firstComment(source []byte) string {
	scanner := bufio.NewScanner(bytes.NewReader(source))
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if text, ok := strings.CutPrefix(line, "#"); ok {
			return strings.TrimSpace(text)
		}
	}
	return ""
}

// Open parses the scenario that target names: the file at that path if there
// is one, and otherwise the built-in scenario of that name.
func Open(target string) (*Script, error) {
	data, err := os.ReadFile(target)
	if err == nil {
		return Parse(target, bytes.NewReader(data))
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading scenario file failed: %w", err)
	}
	source, builtinErr := BuiltinSource(target)
	if builtinErr != nil {
		return nil, fmt.Errorf("%w: %q is neither a file nor a built-in scenario; "+
			"run raftplay scenarios to list the built-in ones", ErrUnknownScenario, target)
	}
	return Parse(target, bytes.NewReader(source))
}
