package raft

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// Storage keeps a node's HardState durably.
type Storage interface {
	// Load returns the saved state, or the zero HardState if nothing was ever saved.
	Load() (HardState, error)

	// Save replaces the saved state. When it returns nil the state survives a crash.
	Save(HardState) error
}

// StateFormat is the version of the state file format that this package writes
// and the only one it reads.
const StateFormat = 1

// Errors wrapped by a *StateFileError, for errors.Is.
var (
	ErrStateTruncated = errors.New("truncated")
	ErrStateCorrupt   = errors.New("corrupt")
	ErrStateVersion   = errors.New("unsupported format version")
	ErrStateWrongNode = errors.New("belongs to another node")
)

// StateFileError reports a state file that could not be read or written.
type StateFileError struct {
	Path   string
	Err    error  // one of the ErrState errors, or the operating system's error
	Detail string // the exact damage, for the person reading the message
}

func (e *StateFileError) Error() string {
	msg := fmt.Sprintf("state file %s: %v", e.Path, e.Err)
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	if errors.Is(e.Err, ErrStateTruncated) || errors.Is(e.Err, ErrStateCorrupt) ||
		errors.Is(e.Err, ErrStateVersion) || errors.Is(e.Err, ErrStateWrongNode) {
		msg += "; restore the file, or delete it to restart the node at term 0 with no vote " +
			"(it then forgets any vote it gave, which can elect two leaders in one term)"
	}
	if errors.Is(e.Err, syscall.EISDIR) {
		msg += "; a folder is where the state file belongs: move it away and put the file back"
	}
	return msg
}

func (e *StateFileError) Unwrap() error { return e.Err }

// StateFile is the decoded content of a state file.
type StateFile struct {
	Format   int    `json:"format"`
	Node     int    `json:"node"`
	Term     uint64 `json:"term"`
	VotedFor int    `json:"voted_for"`
	Writes   uint64 `json:"writes"` // how many times this file has been written, this write included
}

// The file is one line of JSON followed by a line holding the CRC-32C of that
// first line, in hex. A file without the second line was cut short.
const checksumPrefix = "crc32c "

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// EncodeStateFile returns the bytes of a state file holding s.
func EncodeStateFile(s StateFile) []byte {
	body, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("raft: encoding a StateFile cannot fail: %v", err))
	}
	sum := crc32.Checksum(body, castagnoli)
	return fmt.Appendf(nil, "%s\n%s%08x\n", body, checksumPrefix, sum)
}

// DecodeStateFile checks and decodes the bytes of a state file. Errors wrap
// ErrStateTruncated, ErrStateCorrupt or ErrStateVersion, with a detail.
func DecodeStateFile(data []byte) (StateFile, error) {
	var s StateFile
	body, trailer, found := strings.Cut(string(data), "\n")
	if len(data) == 0 {
		return s, detailed(ErrStateTruncated, "the file is empty")
	}
	if !found || !strings.HasSuffix(trailer, "\n") || !strings.HasPrefix(trailer, checksumPrefix) {
		return s, detailed(ErrStateTruncated, fmt.Sprintf("%d bytes and no complete checksum line", len(data)))
	}
	want, err := strconv.ParseUint(strings.TrimSuffix(trailer[len(checksumPrefix):], "\n"), 16, 32)
	if err != nil || len(trailer) != len(checksumPrefix)+9 {
		return s, detailed(ErrStateCorrupt, fmt.Sprintf("unreadable checksum line %q", trailer))
	}
	if got := crc32.Checksum([]byte(body), castagnoli); uint64(got) != want {
		return s, detailed(ErrStateCorrupt, fmt.Sprintf("checksum is %08x, file says %08x", got, want))
	}
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			want := "a whole number"
			if typeErr.Type.Kind() >= reflect.Uint && typeErr.Type.Kind() <= reflect.Uint64 {
				want = "a whole number from 0 up"
			}
			return StateFile{}, detailed(ErrStateCorrupt, fmt.Sprintf("%s is %s, expected %s",
				typeErr.Field, typeErr.Value, want))
		}
		return StateFile{}, detailed(ErrStateCorrupt, err.Error())
	}
	if s.Format != StateFormat {
		return StateFile{}, detailed(ErrStateVersion,
			fmt.Sprintf("format %d, this build reads format %d", s.Format, StateFormat))
	}
	// Only bytes this package could have written are valid: a body with a field
	// missing, renamed or reordered was not written by EncodeStateFile.
	if canonical := EncodeStateFile(s); !bytes.Equal(canonical, data) {
		return StateFile{}, detailed(ErrStateCorrupt, "the fields are not those this build writes")
	}
	return s, nil
}

// detailedError carries a sentinel and a detail until FileStorage adds the path.
type detailedError struct {
	err    error
	detail string
}

func (e *detailedError) Error() string { return e.err.Error() + ": " + e.detail }
func (e *detailedError) Unwrap() error { return e.err }

func detailed(err error, detail string) error { return &detailedError{err, detail} }

// ReadStateFile reads and decodes the state file at path. A missing file is an
// error wrapping fs.ErrNotExist; any other failure is a *StateFileError.
func ReadStateFile(path string) (StateFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return StateFile{}, err
		}
		return StateFile{}, &StateFileError{Path: path, Err: err}
	}
	s, err := DecodeStateFile(data)
	if err != nil {
		var d *detailedError
		if errors.As(err, &d) {
			return s, &StateFileError{Path: path, Err: d.err, Detail: d.detail}
		}
		return s, &StateFileError{Path: path, Err: err}
	}
	return s, nil
}

// FileStorage keeps one node's HardState in a file, replaced atomically on every
// save: the new content goes to a temporary file in the same folder, which is
// synced, renamed over the old file, and then the folder is synced too.
type FileStorage struct {
	Path string
	Node int // the node the file belongs to; a file of another node fails to load

	// Nodes is the size of the cluster, if known: a file whose vote names a node
	// beyond it fails to load. Zero skips that check.
	Nodes int

	// NoSync skips both fsyncs of a save. A crash of the machine (not of the
	// process) may then lose a vote, so it exists only to measure what the
	// fsyncs cost.
	NoSync bool

	mu     sync.Mutex // guards writes, so concurrent saves never share a temp file
	writes uint64     // writes so far, carried over from the file on Load
}

// NewFileStorage returns the storage of node in the file at path.
func NewFileStorage(path string, node int) *FileStorage {
	return &FileStorage{Path: path, Node: node}
}

// Load reads the file. A missing file means a new node: term 0, no vote.
// Temporary files left beside it by a crash during a save are removed.
func (s *FileStorage) Load() (HardState, error) {
	removeStrayTemps(s.Path)
	file, err := ReadStateFile(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return HardState{}, nil
	}
	if err != nil {
		return HardState{}, err
	}
	if file.Node != s.Node {
		return HardState{}, &StateFileError{Path: s.Path, Err: ErrStateWrongNode,
			Detail: fmt.Sprintf("it is node %d's, this is node %d", file.Node, s.Node)}
	}
	if detail := s.impossible(file); detail != "" {
		return HardState{}, &StateFileError{Path: s.Path, Err: ErrStateCorrupt, Detail: detail}
	}
	s.mu.Lock()
	s.writes = file.Writes
	s.mu.Unlock()
	return HardState{Term: file.Term, VotedFor: file.VotedFor}, nil
}

// impossible describes a value that no node of this cluster could have saved,
// or returns "". The largest term cannot be, because no election could follow it,
// and no vote is cast in term 0, because every election raises the term first.
func (s *FileStorage) impossible(file StateFile) string {
	switch {
	case file.Term == math.MaxUint64:
		return fmt.Sprintf("term %d is the largest possible, so no election could follow it", file.Term)
	case file.VotedFor < 0 || (s.Nodes > 0 && file.VotedFor > s.Nodes):
		return fmt.Sprintf("vote for node %d, outside this %d-node cluster", file.VotedFor, s.Nodes)
	case file.Term == 0 && file.VotedFor != None:
		return fmt.Sprintf("vote for node %d in term 0, where no election is held", file.VotedFor)
	}
	return ""
}

// Save writes hs durably, replacing the file atomically.
func (s *FileStorage) Save(hs HardState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	data := EncodeStateFile(StateFile{
		Format: StateFormat, Node: s.Node, Term: hs.Term, VotedFor: hs.VotedFor, Writes: s.writes + 1,
	})
	write := WriteFileAtomic
	if s.NoSync {
		write = writeFileNoSync
	}
	if err := write(s.Path, data); err != nil {
		return &StateFileError{Path: s.Path, Err: err}
	}
	s.writes++
	return nil
}

// WriteFileAtomic replaces path with data so that a crash at any moment leaves
// either the old content or the new, never a mix. The file is created 0600.
func WriteFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPrefix(path)+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	afterStep("create")
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	afterStep("write")
	if err = tmp.Sync(); err != nil {
		return err
	}
	afterStep("sync")
	if err = tmp.Close(); err != nil {
		return err
	}
	afterStep("close")
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	afterStep("rename")
	err = syncDir(dir)
	afterStep("sync folder")
	return err
}

// writeFileNoSync replaces path with data by a rename, without fsync: atomic
// against a process crash, not against a machine crash.
func writeFileNoSync(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), tempPrefix(path)+"*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// writeSteps names the points between the system calls of WriteFileAtomic.
var writeSteps = []string{"create", "write", "sync", "close", "rename", "sync folder"}

// crashHook, when a test sets it, is called at each of writeSteps, so that the
// test can kill the process there and check what a crash leaves on disk.
var crashHook func(step string)

func afterStep(step string) {
	if crashHook != nil {
		crashHook(step)
	}
}

// tempPrefix returns the name prefix of path's temporary files.
func tempPrefix(path string) string {
	return "." + filepath.Base(path) + ".tmp-"
}

// removeStrayTemps deletes temporary files that a crash left beside path. Each
// is a write that never reached its rename, so the node never acted on it.
func removeStrayTemps(path string) {
	strays, _ := filepath.Glob(filepath.Join(filepath.Dir(path), tempPrefix(path)+"*"))
	for _, stray := range strays {
		os.Remove(stray)
	}
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
