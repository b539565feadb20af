package raft

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFolderInPlaceOfStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "node1.state")
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := NewFileStorage(path, 1).Load()
	var fileErr *StateFileError
	if !errors.As(err, &fileErr) {
		t.Fatalf("Load = %v, want a *StateFileError", err)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("error %q does not name the path and say it is a folder", err)
	}
}

func TestUnreadableStateFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode")
	}
	path := filepath.Join(t.TempDir(), "node1.state")
	if err := NewFileStorage(path, 1).Save(HardState{Term: 3}); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	_, err := NewFileStorage(path, 1).Load()
	if !errors.Is(err, os.ErrPermission) || !strings.Contains(err.Error(), path) {
		t.Errorf("Load = %v, want a permission error naming %s", err, path)
	}
}

func TestStrayTempFileRemovedOnLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "node1.state")
	if err := NewFileStorage(path, 1).Save(HardState{Term: 5, VotedFor: 1}); err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(dir, tempPrefix(path)+"12345")
	if err := os.WriteFile(stray, []byte("half a write"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := NewFileStorage(path, 1).Load()
	if err != nil || got != (HardState{Term: 5, VotedFor: 1}) {
		t.Errorf("Load = %+v, %v; want the saved state", got, err)
	}
	if _, err := os.Stat(stray); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stray temp file still there: %v", err)
	}
}

func TestImpossibleStateValues(t *testing.T) {
	cases := []struct {
		name string
		file StateFile
		want string
	}{
		{"largest term", StateFile{Format: StateFormat, Node: 1, Term: math.MaxUint64}, "largest possible"},
		{"vote beyond cluster", StateFile{Format: StateFormat, Node: 1, Term: 3, VotedFor: 99}, "vote for node 99"},
		{"negative vote", StateFile{Format: StateFormat, Node: 1, Term: 3, VotedFor: -2}, "vote for node -2"},
		{"vote in term 0", StateFile{Format: StateFormat, Node: 1, VotedFor: 3}, "vote for node 3 in term 0"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "node1.state")
			if err := os.WriteFile(path, EncodeStateFile(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			s := NewFileStorage(path, 1)
			s.Nodes = 5
			_, err := s.Load()
			if !errors.Is(err, ErrStateCorrupt) || !strings.Contains(err.Error(), tt.want) ||
				!strings.Contains(err.Error(), path) {
				t.Errorf("Load = %v, want ErrStateCorrupt saying %q and naming %s", err, tt.want, path)
			}
		})
	}
}
