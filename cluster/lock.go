package cluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ErrFolderInUse is returned by Start when another process runs a cluster on
// the same state folder.
var ErrFolderInUse = errors.New("state folder in use")

// lockName is the lock file in a state folder. Its content is the process id of
// the holder, for the error message of the next process that tries.
const lockName = "raftplay.lock"

// folderLock is an exclusive flock(2) on a state folder's lock file. The kernel
// releases it when the process dies, so a crash never leaves the folder locked.
type folderLock struct {
	file *os.File
}

// lockFolder takes the lock on dir, or fails naming the process that holds it.
func lockFolder(dir string) (*folderLock, error) {
	path := filepath.Join(dir, lockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening lock file %s failed: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s is used by process %s; stop that raftplay or choose another folder",
				ErrFolderInUse, dir, describeHolder(strings.TrimSpace(string(holder))))
		}
		return nil, fmt.Errorf("locking %s failed: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &folderLock{file: f}, nil
}

// describeHolder returns the holding process's id and, if /proc has it, its command name.
func describeHolder(pid string) string {
	if pid == "" {
		return "(unknown)"
	}
	if cmd, err := os.ReadFile(filepath.Join("/proc", pid, "comm")); err == nil {
		return fmt.Sprintf("%s (%s)", pid, strings.TrimSpace(string(cmd)))
	}
	return pid
}

// release drops the lock. The lock file stays, empty of meaning once unlocked.
func (l *folderLock) release() {
	if l == nil {
		return
	}
	syscall.Flock(int(l.file.Fd()), syscall.LOCK_UN)
	l.file.Close()
}
