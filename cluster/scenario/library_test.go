package scenario

import (
	"bytes"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

func TestBuiltinsPass(t *testing.T) {
	for _, b := range Builtins() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			s, err := Open(b.Name)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			v, out := runHeadless(t, s)
			if !v.Passed {
				t.Fatalf("verdict: %v\noutput:\n%s", v, out)
			}
			t.Logf("%s", out)
		})
	}
}

func TestAmnesiaPassesByViolation(t *testing.T) {
	t.Parallel()
	s, err := Open("amnesia-two-leaders")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	v, out := runHeadless(t, s)
	if !v.Passed {
		t.Fatalf("verdict: %v\noutput:\n%s", v, out)
	}
	twoLeaders := func(text string) bool { return strings.Contains(text, "two leaders") }
	if !slices.ContainsFunc(v.Violations, twoLeaders) {
		t.Errorf("violations = %q, want one naming two leaders", v.Violations)
	}
}

func TestAmnesiaWithoutExpectationFails(t *testing.T) {
	t.Parallel()
	source, err := BuiltinSource("amnesia-two-leaders")
	if err != nil {
		t.Fatalf("BuiltinSource: %v", err)
	}
	var kept []string
	for _, line := range strings.Split(string(source), "\n") {
		if strings.Contains(line, "safety violation") {
			line = "sleep 1s"
		}
		kept = append(kept, line)
	}
	s := mustParse(t, strings.Join(kept, "\n"))
	v, out := runHeadless(t, s)
	if v.Passed {
		t.Fatalf("verdict passed, want a failure\noutput:\n%s", out)
	}
	if !errors.Is(v.Err, ErrSafetyViolation) {
		t.Errorf("error %v, want ErrSafetyViolation", v.Err)
	}
	if !strings.Contains(v.Err.Error(), "amnesia restart") {
		t.Errorf("error %q, want it to name the amnesia restart as the cause", v.Err)
	}
}

func TestLibraryListsEveryFile(t *testing.T) {
	entries, err := fs.ReadDir(libraryFiles, "library")
	if err != nil {
		t.Fatalf("ReadDir: %v", err)
	}
	var files []string
	for _, e := range entries {
		files = append(files, strings.TrimSuffix(e.Name(), ".txt"))
	}
	slices.Sort(files)
	listed := slices.Sorted(slices.Values(libraryOrder))
	if !slices.Equal(files, listed) {
		t.Errorf("embedded files %q, libraryOrder %q: list every file once", files, listed)
	}
}

func TestBuiltinsHaveDescriptions(t *testing.T) {
	for _, b := range Builtins() {
		if b.Description == "" {
			t.Errorf("%s has no description: start its file with a # comment line", b.Name)
		}
		source, _ := BuiltinSource(b.Name)
		if !bytes.Contains(source, []byte("\nsay ")) {
			t.Errorf("%s has no say caption", b.Name)
		}
	}
}

func TestOpenUnknownScenario(t *testing.T) {
	for _, target := range []string{"no-such-scenario", "../library/leader-crash", "missing.txt"} {
		if _, err := Open(target); !errors.Is(err, ErrUnknownScenario) {
			t.Errorf("Open(%q) = %v, want ErrUnknownScenario", target, err)
		}
	}
}

func TestOpenPrefersFile(t *testing.T) {
	path := writeScenario(t, "say from the file\n")
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if s.Name != path || s.Steps[0].Text != "say from the file" {
		t.Errorf("Open(%q) = %s with %q, want the file", path, s.Name, s.Steps[0].Text)
	}
}
