package cluster

import (
	"errors"
	"fmt"
	"io"
	"net"
)

// maxMessage is the largest gob message a node reads. Its own messages take a
// few hundred bytes, and the type definitions at the start of a stream a few
// hundred more; anything larger comes from elsewhere.
const maxMessage = 64 << 10

// errMessageTooLarge ends a connection that announced a message over maxMessage.
var errMessageTooLarge = errors.New("cluster: message too large")

// limitedConn is a connection whose reads fail on a gob message longer than
// maxMessage. The check reads gob's own length prefix before the gob decoder
// does, because the decoder allocates the announced length up front: without
// it, one request announcing half a gigabyte would take half a gigabyte.
type limitedConn struct {
	net.Conn
	frames *frameLimiter
}

func limitConn(c net.Conn) *limitedConn {
	return &limitedConn{Conn: c, frames: &frameLimiter{r: c}}
}

func (c *limitedConn) Read(p []byte) (int, error) { return c.frames.Read(p) }

// frameLimiter passes a gob stream through unchanged: a sequence of messages,
// each an unsigned count followed by that many bytes.
type frameLimiter struct {
	r      io.Reader
	header []byte // the count's bytes, read but not yet passed on
	left   uint64 // bytes of the current message not yet passed on
}

func (f *frameLimiter) Read(p []byte) (int, error) {
	if len(f.header) == 0 && f.left == 0 {
		if err := f.readCount(); err != nil {
			return 0, err
		}
	}
	if len(f.header) > 0 {
		n := copy(p, f.header)
		f.header = f.header[n:]
		return n, nil
	}
	if uint64(len(p)) > f.left {
		p = p[:f.left]
	}
	n, err := f.r.Read(p)
	f.left -= uint64(n)
	return n, err
}

// readCount reads the next message's count, encoded as gob encodes an
// unsigned integer: one byte below 128, or a byte holding the negated length
// of the big-endian value that follows.
func (f *frameLimiter) readCount() error {
	first := make([]byte, 1)
	if _, err := io.ReadFull(f.r, first); err != nil {
		return err
	}
	count, header := uint64(first[0]), first
	if first[0] >= 0x80 {
		size := int(-int8(first[0]))
		if size < 1 || size > 8 {
			return fmt.Errorf("%w: invalid length prefix", errMessageTooLarge)
		}
		value := make([]byte, size)
		if _, err := io.ReadFull(f.r, value); err != nil {
			return err
		}
		count = 0
		for _, b := range value {
			count = count<<8 | uint64(b)
		}
		header = append(header, value...)
	}
	if count > maxMessage {
		return fmt.Errorf("%w: %d bytes announced, the limit is %d", errMessageTooLarge, count, maxMessage)
	}
	f.header, f.left = header, count
	return nil
}
