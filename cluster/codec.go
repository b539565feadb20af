package cluster

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/rpc"

	"github.com/raftplay/raftplay/raft"
)

// The nodes speak net/rpc with a codec of their own instead of gob. Every
// message, request or reply, is one frame: its length as an unsigned varint,
// then the header (method, sequence number and, in a reply, the error text),
// then the body. Integers are varints, booleans one byte, strings a length
// and their bytes. The four message types encode themselves field by field,
// so no reflection runs per message, and the frame limit is checked on the
// length the codec itself reads.

// maxMessage is the largest frame a node reads. Its own messages take a few
// dozen bytes; anything larger comes from elsewhere, and is rejected before a
// buffer of the announced size is allocated.
const maxMessage = 64 << 10

// errMessageTooLarge ends a connection that announced a frame over maxMessage.
var errMessageTooLarge = errors.New("cluster: message too large")

// errBadMessage reports a frame that does not decode. The server closes the
// connection on a bad header and fails only the call of a bad body. The
// client closes the connection on either, as net/rpc does with any codec.
var errBadMessage = errors.New("cluster: malformed message")

// wireMessage is a body the codec can carry.
type wireMessage interface {
	appendTo(b []byte) []byte
	decode(d *decoder)
}

// codec is the framing shared by both ends of a connection. Reads happen on
// one goroutine and writes under net/rpc's own lock, so it needs none.
type codec struct {
	conn  io.ReadWriteCloser
	r     *bufio.Reader
	frame []byte  // the frame being read
	body  decoder // the rest of frame once its header is read
	out   []byte  // the frame being written
}

func newCodec(conn io.ReadWriteCloser) codec {
	return codec{conn: conn, r: bufio.NewReader(conn)}
}

// readFrame reads the next frame into c.frame. An error of the connection
// itself, such as io.EOF between frames or io.ErrUnexpectedEOF inside one,
// is returned as it is, so that net/rpc can distinguish a closed connection
// from a bad message.
func (c *codec) readFrame() error {
	size, err := c.readLength()
	if err != nil {
		return err
	}
	if size > maxMessage {
		return fmt.Errorf("%w: %d bytes announced, the limit is %d", errMessageTooLarge, size, maxMessage)
	}
	if uint64(cap(c.frame)) < size {
		c.frame = make([]byte, size)
	}
	c.frame = c.frame[:size]
	if _, err := io.ReadFull(c.r, c.frame); err != nil {
		return err
	}
	c.body = decoder{buf: c.frame}
	return nil
}

// readLength reads a frame's length prefix, an unsigned varint.
func (c *codec) readLength() (uint64, error) {
	var size uint64
	for i := range binary.MaxVarintLen64 {
		b, err := c.r.ReadByte()
		switch {
		case err == io.EOF && i > 0:
			return 0, io.ErrUnexpectedEOF
		case err != nil:
			return 0, err
		case i == binary.MaxVarintLen64-1 && b > 1:
			return 0, fmt.Errorf("%w: length prefix over 64 bits", errMessageTooLarge)
		}
		size |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			return size, nil
		}
	}
	return 0, fmt.Errorf("%w: length prefix over 64 bits", errMessageTooLarge)
}

// readBody decodes the rest of the current frame into body, which may be nil
// to skip it.
func (c *codec) readBody(body any) error {
	if body == nil {
		return nil
	}
	msg, ok := body.(wireMessage)
	if !ok {
		return fmt.Errorf("%w: cannot decode a %T", errBadMessage, body)
	}
	msg.decode(&c.body)
	return c.body.finish()
}

// lengthRoom is the room kept in front of a frame for its length, which is
// known only once the frame is built. The bytes the length does not need are
// not sent.
const lengthRoom = binary.MaxVarintLen64

// beginFrame returns the codec's write buffer, emptied, with room for the
// length in front, for the header to be appended to.
func (c *codec) beginFrame() []byte {
	return append(c.out[:0], make([]byte, lengthRoom)...)
}

// writeFrame appends body to the frame that beginFrame started, puts the
// length in front and sends it in one write. A body that is not a
// wireMessage, such as net/rpc's placeholder in an error reply, is left out.
func (c *codec) writeFrame(b []byte, body any) error {
	if msg, ok := body.(wireMessage); ok {
		b = msg.appendTo(b)
	}
	c.out = b
	size := len(b) - lengthRoom
	if size > maxMessage {
		return fmt.Errorf("%w: %d bytes to send, the limit is %d", errMessageTooLarge, size, maxMessage)
	}
	var prefix [lengthRoom]byte
	n := binary.PutUvarint(prefix[:], uint64(size))
	start := lengthRoom - n
	copy(b[start:lengthRoom], prefix[:n])
	_, err := c.conn.Write(b[start:])
	return err
}

func (c *codec) Close() error { return c.conn.Close() }

// clientCodec is the client end of a connection. It implements rpc.ClientCodec.
type clientCodec struct{ codec }

func newClientCodec(conn io.ReadWriteCloser) *clientCodec {
	return &clientCodec{newCodec(conn)}
}

func (c *clientCodec) WriteRequest(r *rpc.Request, body any) error {
	b := appendString(c.beginFrame(), r.ServiceMethod)
	return c.writeFrame(binary.AppendUvarint(b, r.Seq), body)
}

func (c *clientCodec) ReadResponseHeader(r *rpc.Response) error {
	if err := c.readFrame(); err != nil {
		return err
	}
	r.ServiceMethod = c.body.string()
	r.Seq = c.body.uvarint()
	r.Error = c.body.string()
	return c.body.err
}

func (c *clientCodec) ReadResponseBody(body any) error { return c.readBody(body) }

// serverCodec is the server end of a connection. It implements rpc.ServerCodec.
type serverCodec struct{ codec }

func newServerCodec(conn io.ReadWriteCloser) *serverCodec {
	return &serverCodec{newCodec(conn)}
}

func (c *serverCodec) ReadRequestHeader(r *rpc.Request) error {
	if err := c.readFrame(); err != nil {
		return err
	}
	r.ServiceMethod = c.body.string()
	r.Seq = c.body.uvarint()
	return c.body.err
}

func (c *serverCodec) ReadRequestBody(body any) error { return c.readBody(body) }

func (c *serverCodec) WriteResponse(r *rpc.Response, body any) error {
	if r.Error != "" {
		body = nil
	}
	b := appendString(c.beginFrame(), r.ServiceMethod)
	b = binary.AppendUvarint(b, r.Seq)
	return c.writeFrame(appendString(b, r.Error), body)
}

// decoder reads fields from a frame. The first error sticks: later reads
// return zero values, and err reports it.
type decoder struct {
	buf []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: bad %s", errBadMessage, what)
	}
	d.buf = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail("unsigned integer")
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) int() int {
	v, n := binary.Varint(d.buf)
	if n <= 0 || int64(int(v)) != v {
		d.fail("integer")
		return 0
	}
	d.buf = d.buf[n:]
	return int(v)
}

func (d *decoder) bool() bool {
	if len(d.buf) == 0 || d.buf[0] > 1 {
		d.fail("boolean")
		return false
	}
	v := d.buf[0] == 1
	d.buf = d.buf[1:]
	return v
}

func (d *decoder) string() string {
	size := d.uvarint()
	if d.err != nil || size > uint64(len(d.buf)) {
		d.fail("string")
		return ""
	}
	s := string(d.buf[:size])
	d.buf = d.buf[size:]
	return s
}

// finish reports the first error, or bytes left over after the last field.
func (d *decoder) finish() error {
	if d.err == nil && len(d.buf) > 0 {
		d.err = fmt.Errorf("%w: %d bytes after the last field", errBadMessage, len(d.buf))
	}
	return d.err
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendInt(b []byte, v int) []byte { return binary.AppendVarint(b, int64(v)) }

// appendEnvelope and decodeEnvelope carry the fields every request starts with.
func appendEnvelope(b []byte, token string, from, to int) []byte {
	return appendInt(appendInt(appendString(b, token), from), to)
}

func decodeEnvelope(d *decoder) (token string, from, to int) {
	return d.string(), d.int(), d.int()
}

func (m *VoteRequest) appendTo(b []byte) []byte {
	b = appendEnvelope(b, m.Token, m.From, m.To)
	b = binary.AppendUvarint(b, m.Args.Term)
	b = appendInt(b, m.Args.CandidateID)
	b = appendBool(b, m.Args.PreVote)
	return appendBool(b, m.Args.Transfer)
}

func (m *VoteRequest) decode(d *decoder) {
	m.Token, m.From, m.To = decodeEnvelope(d)
	m.Args = raft.RequestVoteArgs{Term: d.uvarint(), CandidateID: d.int(), PreVote: d.bool(), Transfer: d.bool()}
}

func (m *VoteResponse) appendTo(b []byte) []byte {
	b = appendBool(b, m.Lost)
	b = binary.AppendUvarint(b, m.Reply.Term)
	b = appendBool(b, m.Reply.VoteGranted)
	b = appendInt(b, int(m.Reply.Reason))
	return appendInt(b, m.Reply.VotedFor)
}

func (m *VoteResponse) decode(d *decoder) {
	m.Lost = d.bool()
	m.Reply = raft.RequestVoteReply{Term: d.uvarint(), VoteGranted: d.bool(), Reason: raft.VoteReason(d.int()),
		VotedFor: d.int()}
}

func (m *HeartbeatRequest) appendTo(b []byte) []byte {
	b = appendEnvelope(b, m.Token, m.From, m.To)
	b = binary.AppendUvarint(b, m.Args.Term)
	b = appendInt(b, m.Args.LeaderID)
	return appendBool(b, m.Args.TimeoutNow)
}

func (m *HeartbeatRequest) decode(d *decoder) {
	m.Token, m.From, m.To = decodeEnvelope(d)
	m.Args = raft.AppendEntriesArgs{Term: d.uvarint(), LeaderID: d.int(), TimeoutNow: d.bool()}
}

func (m *HeartbeatResponse) appendTo(b []byte) []byte {
	b = appendBool(b, m.Lost)
	b = binary.AppendUvarint(b, m.Reply.Term)
	return appendBool(b, m.Reply.Success)
}

func (m *HeartbeatResponse) decode(d *decoder) {
	m.Lost = d.bool()
	m.Reply = raft.AppendEntriesReply{Term: d.uvarint(), Success: d.bool()}
}
