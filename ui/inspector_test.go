package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/raftplay/raftplay/cluster"
	"github.com/raftplay/raftplay/raft"
)

func TestCountsTextIncludesReplies(t *testing.T) {
	got := countsText(raft.MessageCounts{Sent: 4, Replied: 60, Received: 64, Heartbeats: 50})
	if want := "64 out, 64 in, 50 heartbeats"; got != want {
		t.Errorf("countsText = %q, want %q", got, want)
	}
}

func TestInspectorFileRejectedAtStart(t *testing.T) {
	st := newStyles(newPalette(true, true, false), true)
	path := "/tmp/state/node2.state"
	in := inspector{read: stateRead{node: 2, path: path, file: raft.StateFile{Format: raft.StateFormat, Node: 2, VotedFor: 3}}}
	cases := []struct {
		name string
		node cluster.NodeSnapshot
		want string
	}{
		{"running", cluster.NodeSnapshot{ID: 2, StatePath: path, Up: true}, "crc ok"},
		{"crashed", cluster.NodeSnapshot{ID: 2, StatePath: path}, "crc ok"},
		{"rejected", cluster.NodeSnapshot{ID: 2, StatePath: path,
			Err: "state file " + path + ": corrupt (vote for node 3 in term 0)"}, "crc ok, rejected at start"},
		{"other failure", cluster.NodeSnapshot{ID: 2, StatePath: path, Err: "listen: address in use"}, "crc ok"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			line := ansi.Strip(in.fileLines(st, tt.node, 80)[0])
			if !strings.HasSuffix(line, tt.want) {
				t.Errorf("line %q does not end with %q", line, tt.want)
			}
		})
	}
}

func TestInspectorDownNodeContacts(t *testing.T) {
	st := newStyles(newPalette(true, true, false), true)
	for _, up := range []bool{true, false} {
		n := cluster.NodeSnapshot{ID: 2, StatePath: "/tmp/state/node2.state", Up: up}
		got := ansi.Strip(inspector{}.view(st, n, 100, 12))
		if mentioned := strings.Contains(got, "as it went down"); mentioned == up {
			t.Errorf("up %v: the heading mentions the crash: %v\n%s", up, mentioned, got)
		}
	}
}
