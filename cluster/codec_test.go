package cluster

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net/rpc"
	"testing"

	"github.com/raftplay/raftplay/raft"
)

// pipe is an in-memory connection: what is written can be read back.
type pipe struct{ bytes.Buffer }

func (p *pipe) Close() error { return nil }

func TestCodecRoundTrips(t *testing.T) {
	requests := []wireMessage{
		&VoteRequest{Token: "secret", From: 3, To: 1, Args: raft.RequestVoteArgs{Term: 1<<63 + 5, CandidateID: 3, PreVote: true, Transfer: true}},
		&HeartbeatRequest{Token: "", From: 255, To: 2, Args: raft.AppendEntriesArgs{Term: 7, LeaderID: 255, TimeoutNow: true}},
	}
	replies := []wireMessage{
		&VoteResponse{Lost: true, Reply: raft.RequestVoteReply{Term: 9, VoteGranted: true, Reason: raft.ReasonLeaderRecent, VotedFor: -1}},
		&HeartbeatResponse{Reply: raft.AppendEntriesReply{Term: 0, Success: true}},
	}
	fresh := map[string]func() wireMessage{
		"*cluster.VoteRequest":       func() wireMessage { return &VoteRequest{} },
		"*cluster.HeartbeatRequest":  func() wireMessage { return &HeartbeatRequest{} },
		"*cluster.VoteResponse":      func() wireMessage { return &VoteResponse{} },
		"*cluster.HeartbeatResponse": func() wireMessage { return &HeartbeatResponse{} },
	}
	conn := &pipe{}
	client, server := newClientCodec(conn), newServerCodec(conn)

	for i, req := range requests {
		seq := uint64(i + 100)
		if err := client.WriteRequest(&rpc.Request{ServiceMethod: "Node.Method", Seq: seq}, req); err != nil {
			t.Fatal(err)
		}
		var header rpc.Request
		if err := server.ReadRequestHeader(&header); err != nil {
			t.Fatal(err)
		}
		got := fresh[typeName(req)]()
		if err := server.ReadRequestBody(got); err != nil {
			t.Fatal(err)
		}
		if header.ServiceMethod != "Node.Method" || header.Seq != seq || !equalMessages(got, req) {
			t.Errorf("request %d came back as %+v %+v, want %+v", i, header, got, req)
		}
	}
	for i, reply := range replies {
		seq := uint64(i + 200)
		if err := server.WriteResponse(&rpc.Response{ServiceMethod: "Node.Method", Seq: seq}, reply); err != nil {
			t.Fatal(err)
		}
		var header rpc.Response
		if err := client.ReadResponseHeader(&header); err != nil {
			t.Fatal(err)
		}
		got := fresh[typeName(reply)]()
		if err := client.ReadResponseBody(got); err != nil {
			t.Fatal(err)
		}
		if header.Seq != seq || header.Error != "" || !equalMessages(got, reply) {
			t.Errorf("reply %d came back as %+v %+v, want %+v", i, header, got, reply)
		}
	}

	// An error reply carries its text and no body.
	err := server.WriteResponse(&rpc.Response{ServiceMethod: "Node.X", Seq: 9, Error: "no such method"}, struct{}{})
	if err != nil {
		t.Fatal(err)
	}
	var header rpc.Response
	if err := client.ReadResponseHeader(&header); err != nil || header.Error != "no such method" {
		t.Fatalf("error reply header = %+v, %v", header, err)
	}
	if err := client.ReadResponseBody(nil); err != nil {
		t.Errorf("skipping an error reply's body: %v", err)
	}
	if conn.Len() != 0 {
		t.Errorf("%d bytes left in the stream", conn.Len())
	}
}

func typeName(m wireMessage) string {
	switch m.(type) {
	case *VoteRequest:
		return "*cluster.VoteRequest"
	case *HeartbeatRequest:
		return "*cluster.HeartbeatRequest"
	case *VoteResponse:
		return "*cluster.VoteResponse"
	}
	return "*cluster.HeartbeatResponse"
}

func equalMessages(a, b wireMessage) bool {
	return bytes.Equal(a.appendTo(nil), b.appendTo(nil))
}

func TestCodecRejectsBadFrames(t *testing.T) {
	frame := func(payload []byte) []byte {
		return append(binary.AppendUvarint(nil, uint64(len(payload))), payload...)
	}
	header := appendString(nil, "Node.RequestVote")
	header = binary.AppendUvarint(header, 1)
	good := (&VoteRequest{Token: "t", From: 1, To: 2}).appendTo(nil)
	tests := []struct {
		name   string
		stream []byte
		want   error
	}{
		{"too large", binary.AppendUvarint(nil, maxMessage+1), errMessageTooLarge},
		{"far too large", binary.AppendUvarint(nil, 1<<62), errMessageTooLarge},
		{"cut short", frame(append(header, good...))[:10], io.ErrUnexpectedEOF},
		{"length cut short", []byte{0x80}, io.ErrUnexpectedEOF},
		{"length over 64 bits", bytes.Repeat([]byte{0xff}, 11), errMessageTooLarge},
		{"body cut short", frame(append(header, good[:len(good)-1]...)), errBadMessage},
		{"bytes left over", frame(append(append(header, good...), 0)), errBadMessage},
		{"bad boolean", frame(append(append(header, good[:len(good)-1]...), 7)), errBadMessage},
		{"string longer than the frame", frame(binary.AppendUvarint(nil, 1000)), errBadMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := newServerCodec(&pipe{*bytes.NewBuffer(tt.stream)})
			var req rpc.Request
			err := server.ReadRequestHeader(&req)
			if err == nil {
				err = server.ReadRequestBody(&VoteRequest{})
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}

	// A clean end of the stream between frames is io.EOF, as net/rpc expects.
	server := newServerCodec(&pipe{})
	if err := server.ReadRequestHeader(&rpc.Request{}); err != io.EOF {
		t.Errorf("empty stream: %v, want io.EOF", err)
	}
}

func TestCodecRefusesToSendTooLarge(t *testing.T) {
	client := newClientCodec(&pipe{})
	req := &VoteRequest{Token: string(make([]byte, maxMessage))}
	if err := client.WriteRequest(&rpc.Request{ServiceMethod: "Node.RequestVote"}, req); !errors.Is(err, errMessageTooLarge) {
		t.Errorf("sending %d bytes: %v, want %v", maxMessage, err, errMessageTooLarge)
	}
}

// FuzzCodecRead feeds arbitrary bytes to a node's reading end: it must return
// an error or a message, never panic or allocate beyond the frame limit.
func FuzzCodecRead(f *testing.F) {
	var seed pipe
	client := newClientCodec(&seed)
	client.WriteRequest(&rpc.Request{ServiceMethod: "Node.RequestVote", Seq: 1},
		&VoteRequest{Token: "t", From: 1, To: 2, Args: raft.RequestVoteArgs{Term: 3, CandidateID: 1}})
	client.WriteRequest(&rpc.Request{ServiceMethod: "Node.AppendEntries", Seq: 2},
		&HeartbeatRequest{Token: "t", From: 1, To: 2, Args: raft.AppendEntriesArgs{Term: 3, LeaderID: 1}})
	f.Add(seed.Bytes())
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		server := newServerCodec(&pipe{*bytes.NewBuffer(data)})
		for range 4 {
			var req rpc.Request
			if err := server.ReadRequestHeader(&req); err != nil {
				return
			}
			var body wireMessage = &VoteRequest{}
			if req.ServiceMethod == "Node.AppendEntries" {
				body = &HeartbeatRequest{}
			}
			if err := server.ReadRequestBody(body); err != nil {
				return
			}
		}
	})
}
