package raft

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleStateFile is a valid state file whose checksum contains hex letters.
var sampleStateFile = StateFile{Format: StateFormat, Node: 2, Term: 7, VotedFor: 3, Writes: 4}

func statePath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "n2.state")
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatalf("writing %s: %v", path, err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return data
}

// withChecksum returns a state file with body as its first line and a correct
// checksum line, whatever the body contains.
func withChecksum(body string) []byte {
	sum := crc32.Checksum([]byte(body), crc32.MakeTable(crc32.Castagnoli))
	return fmt.Appendf(nil, "%s\ncrc32c %08x\n", body, sum)
}

// loadDamaged writes data to path, loads it as node 2's state and returns the
// problems found. The load must fail with a *StateFileError that names path and
// wraps one of sentinels. It must load no state and leave the file as it was.
func loadDamaged(t *testing.T, path string, data []byte, sentinels ...error) []string {
	t.Helper()
	writeFile(t, path, data)
	hs, err := NewFileStorage(path, 2).Load()

	var problems []string
	if err == nil {
		problems = append(problems, fmt.Sprintf("Load() = %+v, nil; want an error", hs))
	} else {
		var fileErr *StateFileError
		if !errors.As(err, &fileErr) {
			problems = append(problems, fmt.Sprintf("Load() error %v (%T), want a *StateFileError", err, err))
		} else if fileErr.Path != path {
			problems = append(problems, fmt.Sprintf("StateFileError.Path = %q, want %q", fileErr.Path, path))
		}
		if !strings.Contains(err.Error(), path) {
			problems = append(problems, fmt.Sprintf("error message %q does not contain the path", err))
		}
		matched := false
		for _, sentinel := range sentinels {
			matched = matched || errors.Is(err, sentinel)
		}
		if !matched {
			problems = append(problems, fmt.Sprintf("error %v wraps none of %v", err, sentinels))
		}
	}
	if hs != (HardState{}) {
		problems = append(problems, fmt.Sprintf("Load() state = %+v, want the zero HardState", hs))
	}
	if after := readFile(t, path); !bytes.Equal(after, data) {
		problems = append(problems, fmt.Sprintf("file changed by the failed load: %q, was %q", after, data))
	}
	return problems
}

// reportProblems fails t with the first ten problems in all, each prefixed by
// the input that caused it. reported counts the problems across calls.
func reportProblems(t *testing.T, input string, problems []string, reported *int) {
	t.Helper()
	for _, p := range problems {
		if *reported < 10 {
			t.Errorf("%s: %s", input, p)
		}
		*reported++
	}
}

func TestFileStorageRoundTrip(t *testing.T) {
	path := statePath(t)
	if err := NewFileStorage(path, 2).Save(HardState{Term: 7, VotedFor: 3}); err != nil {
		t.Fatalf("Save() = %v, want nil", err)
	}

	got, err := NewFileStorage(path, 2).Load()
	if err != nil {
		t.Fatalf("Load() = %v, want nil", err)
	}
	if want := (HardState{Term: 7, VotedFor: 3}); got != want {
		t.Errorf("Load() = %+v, want %+v", got, want)
	}

	file, err := ReadStateFile(path)
	if err != nil {
		t.Fatalf("ReadStateFile() = %v, want nil", err)
	}
	if want := (StateFile{Format: StateFormat, Node: 2, Term: 7, VotedFor: 3, Writes: 1}); file != want {
		t.Errorf("ReadStateFile() = %+v, want %+v", file, want)
	}
}

func TestFileStorageMissingFile(t *testing.T) {
	got, err := NewFileStorage(statePath(t), 2).Load()
	if err != nil {
		t.Errorf("Load() of a missing file = %v, want nil", err)
	}
	if got != (HardState{}) {
		t.Errorf("Load() of a missing file = %+v, want term 0 and no vote", got)
	}
}

func TestFileStorageMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent", "n2.state")
	storage := NewFileStorage(path, 2)
	if got, err := storage.Load(); err != nil || got != (HardState{}) {
		t.Errorf("Load() in a missing folder = %+v, %v; want the zero HardState and nil", got, err)
	}

	err := storage.Save(HardState{Term: 1})
	var fileErr *StateFileError
	if !errors.As(err, &fileErr) {
		t.Fatalf("Save() in a missing folder = %v (%T), want a *StateFileError", err, err)
	}
	if fileErr.Path != path {
		t.Errorf("StateFileError.Path = %q, want %q", fileErr.Path, path)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Save() in a missing folder = %v, want an error wrapping fs.ErrNotExist", err)
	}
}

func TestFileStorageFileMode(t *testing.T) {
	tests := []struct {
		name     string
		existing os.FileMode // mode of a file already there, 0 for none
	}{
		{"new file", 0},
		{"replacing a readable file", 0o644},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := statePath(t)
			if tt.existing != 0 {
				writeFile(t, path, nil)
				if err := os.Chmod(path, tt.existing); err != nil {
					t.Fatal(err)
				}
			}
			if err := NewFileStorage(path, 2).Save(HardState{Term: 1}); err != nil {
				t.Fatalf("Save() = %v, want nil", err)
			}
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if mode := info.Mode().Perm(); mode != 0o600 {
				t.Errorf("state file mode = %v, want -rw-------", mode)
			}
		})
	}
}

func TestFileStorageWritesCounter(t *testing.T) {
	path := statePath(t)
	storage := NewFileStorage(path, 2)
	for want := uint64(1); want <= 3; want++ {
		if err := storage.Save(HardState{Term: want}); err != nil {
			t.Fatalf("Save() number %d = %v, want nil", want, err)
		}
		file, err := ReadStateFile(path)
		if err != nil {
			t.Fatalf("ReadStateFile() after save %d = %v", want, err)
		}
		if file.Writes != want {
			t.Errorf("writes after save %d = %d, want %d", want, file.Writes, want)
		}
	}

	// A new FileStorage carries the count on from the file it loads.
	restarted := NewFileStorage(path, 2)
	if _, err := restarted.Load(); err != nil {
		t.Fatalf("Load() = %v, want nil", err)
	}
	if err := restarted.Save(HardState{Term: 4}); err != nil {
		t.Fatalf("Save() after Load = %v, want nil", err)
	}
	file, err := ReadStateFile(path)
	if err != nil {
		t.Fatalf("ReadStateFile() = %v", err)
	}
	if file.Writes != 4 {
		t.Errorf("writes after restart and save = %d, want 4", file.Writes)
	}
}

func TestFileStorageNoTempFileLeft(t *testing.T) {
	path := statePath(t)
	storage := NewFileStorage(path, 2)
	for term := uint64(1); term <= 3; term++ {
		if err := storage.Save(HardState{Term: term, VotedFor: 2}); err != nil {
			t.Fatalf("Save() = %v, want nil", err)
		}
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != filepath.Base(path) {
		t.Errorf("folder holds %q after saves, want only %q", names, filepath.Base(path))
	}
}

func TestFileStorageWrongNode(t *testing.T) {
	path := statePath(t)
	if err := NewFileStorage(path, 3).Save(HardState{Term: 5, VotedFor: 3}); err != nil {
		t.Fatalf("Save() as node 3 = %v, want nil", err)
	}
	data := readFile(t, path)
	var reported int
	reportProblems(t, "node 3's file loaded as node 2", loadDamaged(t, path, data, ErrStateWrongNode), &reported)
}

func TestFileStorageEmptyFile(t *testing.T) {
	path := statePath(t)
	var reported int
	reportProblems(t, "empty file", loadDamaged(t, path, []byte{}, ErrStateTruncated), &reported)
}

func TestFileStorageTruncatedFile(t *testing.T) {
	path := statePath(t)
	valid := EncodeStateFile(sampleStateFile)
	var reported int
	for n := range len(valid) {
		prefix := valid[:n]
		if _, err := DecodeStateFile(prefix); err == nil {
			t.Errorf("DecodeStateFile(first %d of %d bytes) = nil error, want truncated or corrupt", n, len(valid))
		}
		input := fmt.Sprintf("first %d of %d bytes", n, len(valid))
		reportProblems(t, input, loadDamaged(t, path, prefix, ErrStateTruncated, ErrStateCorrupt), &reported)
	}
	if reported > 10 {
		t.Errorf("%d problems in all, first 10 shown", reported)
	}
}

func TestFileStorageFlippedBit(t *testing.T) {
	path := statePath(t)
	valid := EncodeStateFile(sampleStateFile)
	var reported int
	for pos := range valid {
		for bit := range 8 {
			damaged := bytes.Clone(valid)
			damaged[pos] ^= 1 << bit
			input := fmt.Sprintf("byte %d flipped from %q to %q", pos, valid[pos], damaged[pos])
			reportProblems(t, input, loadDamaged(t, path, damaged, ErrStateTruncated, ErrStateCorrupt), &reported)
		}
	}
	if reported > 10 {
		t.Errorf("%d problems in all, first 10 shown", reported)
	}
}

func TestFileStorageWrongFormat(t *testing.T) {
	for _, format := range []int{0, 2, 99, -1} {
		t.Run(fmt.Sprint(format), func(t *testing.T) {
			path := statePath(t)
			file := sampleStateFile
			file.Format = format
			data := EncodeStateFile(file)
			var reported int
			reportProblems(t, "format "+fmt.Sprint(format), loadDamaged(t, path, data, ErrStateVersion), &reported)

			_, err := DecodeStateFile(data)
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("format %d", format)) {
				t.Errorf("DecodeStateFile() error %v does not name format %d", err, format)
			}
		})
	}
}

func TestStateFileErrorMessage(t *testing.T) {
	err := &StateFileError{Path: "/var/n1.state", Err: ErrStateCorrupt, Detail: "checksum is 1, file says 2"}
	want := "state file /var/n1.state: corrupt (checksum is 1, file says 2); " +
		"restore the file, or delete it to restart the node at term 0 with no vote " +
		"(it then forgets any vote it gave, which can elect two leaders in one term)"
	if got := err.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}

	osErr := &StateFileError{Path: "/var/n1.state", Err: fs.ErrPermission}
	if got, want := osErr.Error(), "state file /var/n1.state: permission denied"; got != want {
		t.Errorf("Error() of an operating system error = %q, want %q", got, want)
	}
}

func TestDecodeStateFileRoundTrip(t *testing.T) {
	files := []StateFile{
		sampleStateFile,
		{Format: StateFormat, Node: 1},
		{Format: StateFormat, Node: 7, Term: ^uint64(0), VotedFor: 7, Writes: ^uint64(0)},
	}
	for _, want := range files {
		data := EncodeStateFile(want)
		got, err := DecodeStateFile(data)
		if err != nil {
			t.Errorf("DecodeStateFile(%q) = %v, want nil", data, err)
			continue
		}
		if got != want {
			t.Errorf("DecodeStateFile(EncodeStateFile(%+v)) = %+v", want, got)
		}
	}
}

// TestDecodeStateFileNonCanonical pins that only the bytes EncodeStateFile writes
// decode: a file that differs from them, even with a matching checksum, is
// damaged or was written by something else.
func TestDecodeStateFileNonCanonical(t *testing.T) {
	valid := string(EncodeStateFile(sampleStateFile))
	tests := []struct {
		name string
		data []byte
	}{
		{"upper-case checksum", []byte(strings.Replace(valid, "15426c29", "15426C29", 1))},
		{"checksum with leading zero", []byte(strings.Replace(valid, "15426c29", "015426c29", 1))},
		{"fields reordered", withChecksum(`{"node":2,"format":1,"term":7,"voted_for":3,"writes":4}`)},
		{"unknown field", withChecksum(`{"format":1,"node":2,"term":7,"voted_for":3,"writes":4,"leader":1}`)},
		{"duplicate field", withChecksum(`{"format":1,"node":2,"term":7,"voted_for":3,"writes":4,"term":9}`)},
		{"field name in capitals", withChecksum(`{"format":1,"node":2,"TERM":7,"voted_for":3,"writes":4}`)},
		{"spaces in body", withChecksum(`{"format": 1, "node": 2, "term": 7, "voted_for": 3, "writes": 4}`)},
	}
	if !strings.Contains(valid, "15426c29") {
		t.Fatalf("sample file %q lacks the checksum this test edits", valid)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeStateFile(tt.data)
			if !errors.Is(err, ErrStateCorrupt) {
				t.Errorf("DecodeStateFile(%q) = %+v, %v; want an error wrapping ErrStateCorrupt", tt.data, got, err)
			}
		})
	}
}

func TestReadStateFileMissing(t *testing.T) {
	_, err := ReadStateFile(statePath(t))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadStateFile() of a missing file = %v, want an error wrapping fs.ErrNotExist", err)
	}
}

func TestReadStateFileDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := ReadStateFile(dir)
	var fileErr *StateFileError
	if !errors.As(err, &fileErr) {
		t.Fatalf("ReadStateFile(folder) = %v (%T), want a *StateFileError", err, err)
	}
	if fileErr.Path != dir {
		t.Errorf("StateFileError.Path = %q, want %q", fileErr.Path, dir)
	}
}

func FuzzDecodeStateFile(f *testing.F) {
	valid := EncodeStateFile(sampleStateFile)
	f.Add(valid)
	f.Add(EncodeStateFile(StateFile{Format: StateFormat, Node: 1}))
	f.Add(EncodeStateFile(StateFile{Format: StateFormat, Node: 5, Term: ^uint64(0), VotedFor: 5, Writes: 9}))
	f.Add([]byte{})
	f.Add([]byte("\n"))
	for _, n := range []int{1, 20, len(valid) / 2, len(valid) - 17, len(valid) - 9, len(valid) - 1} {
		f.Add(valid[:n])
	}
	for _, pos := range []int{0, 10, len(valid) - 18, len(valid) - 17, len(valid) - 5, len(valid) - 1} {
		damaged := bytes.Clone(valid)
		damaged[pos] ^= 0x20
		f.Add(damaged)
	}
	f.Add(bytes.ToUpper(valid))
	f.Add(bytes.Replace(valid, []byte("crc32c "), []byte("crc32c 0"), 1))
	wrongFormat := sampleStateFile
	wrongFormat.Format = 2
	f.Add(EncodeStateFile(wrongFormat))
	f.Add(withChecksum(`null`))
	f.Add(withChecksum(`{"format":1}`))
	f.Add(withChecksum(`{"format":1,"node":2,"term":-1,"voted_for":3,"writes":4}`))

	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := DecodeStateFile(data)
		if err != nil {
			if !errors.Is(err, ErrStateTruncated) && !errors.Is(err, ErrStateCorrupt) && !errors.Is(err, ErrStateVersion) {
				t.Errorf("DecodeStateFile(%q) error %v wraps no ErrState error", data, err)
			}
			return
		}
		if again := EncodeStateFile(s); !bytes.Equal(again, data) {
			t.Errorf("DecodeStateFile(%q) accepted %+v, which encodes as %q", data, s, again)
		}
	})
}

func TestDecodeStateFileWrongType(t *testing.T) {
	data := withChecksum(`{"format":1,"node":2,"term":-1,"voted_for":3,"writes":4}`)
	_, err := DecodeStateFile(data)
	if !errors.Is(err, ErrStateCorrupt) {
		t.Fatalf("DecodeStateFile(%q) error %v, want one wrapping ErrStateCorrupt", data, err)
	}
	if want := "term is number -1, expected a whole number from 0 up"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

func TestStateFileErrorFolderInPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "node1.state")
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := ReadStateFile(path)
	if err == nil || !strings.Contains(err.Error(), "move it away and put the file back") {
		t.Errorf("ReadStateFile of a folder = %v, want advice to move the folder", err)
	}
}
