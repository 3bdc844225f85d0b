package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// rawConn is one keep-alive HTTP/1.1 connection for the hot loop of a
// load mode. The generator shares two cores with the server it measures,
// and net/http's client (a goroutine pair per connection, header maps,
// pooling) cost about as much CPU per request as the server's own work;
// this writes a request built in a reused buffer and reads only the status
// and the body's length, so it costs a few microseconds besides the two
// system calls.
type rawConn struct {
	host string // host:port
	conn net.Conn
	r    *bufio.Reader
	req  []byte // the request being built, reused
	stop func() bool
	// deadline is when the connection times out; it is moved only when
	// less than half of requestTimeout is left, as moving it costs a
	// runtime timer update.
	deadline time.Time
}

// requestTimeout bounds how long one request may take.
const requestTimeout = 30 * time.Second

var errMalformed = errors.New("malformed HTTP response")

func newRawConn(host string) *rawConn {
	return &rawConn{host: host, req: make([]byte, 0, 512)}
}

// post sends a POST of a JSON body with the given bearer token and
// returns the answer's status, its body discarded. A failed connection is
// closed and dialled again on the next call; ctx ending closes it at once.
func (c *rawConn) post(ctx context.Context, path, auth string, body []byte) (int, error) {
	return c.send(ctx, path, auth, "", body, nil)
}

// postKeyed is post with an Idempotency-Key, keeping the answer's body in
// out.
func (c *rawConn) postKeyed(ctx context.Context, path, auth, key string, body []byte, out *bytes.Buffer) (int, error) {
	return c.send(ctx, path, auth, key, body, out)
}

func (c *rawConn) send(ctx context.Context, path, auth, key string, body []byte, out *bytes.Buffer) (int, error) {
	if c.conn == nil {
		d := net.Dialer{Timeout: 5 * time.Second}
		conn, err := d.DialContext(ctx, "tcp", c.host)
		if err != nil {
			return 0, err
		}
		c.conn, c.r = conn, bufio.NewReaderSize(conn, 4096)
		c.stop = context.AfterFunc(ctx, func() { conn.Close() })
	}
	b := append(c.req[:0], "POST "...)
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, c.host...)
	b = append(b, "\r\nAuthorization: "...)
	b = append(b, auth...)
	if key != "" {
		b = append(b, "\r\nIdempotency-Key: "...)
		b = append(b, key...)
	}
	b = append(b, "\r\nContent-Type: application/json\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\n\r\n"...)
	b = append(b, body...)
	c.req = b
	if now := time.Now(); c.deadline.Sub(now) < requestTimeout/2 {
		c.deadline = now.Add(requestTimeout)
		c.conn.SetDeadline(c.deadline)
	}
	if _, err := c.conn.Write(b); err != nil {
		c.close()
		return 0, err
	}
	status, keep, err := c.readResponse(out)
	if err != nil || !keep {
		c.close()
	}
	return status, err
}

func (c *rawConn) close() {
	if c.conn != nil {
		c.stop()
		c.conn.Close()
		c.conn, c.r, c.deadline = nil, nil, time.Time{}
	}
}

// readResponse reads one answer: its status, whether the connection stays
// open, and the body (by Content-Length or chunks), kept in out unless out
// is nil.
func (c *rawConn) readResponse(out *bytes.Buffer) (status int, keep bool, err error) {
	if out != nil {
		out.Reset()
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, false, errMalformed
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, false, errMalformed
	}
	length, chunked, keep := -1, false, true
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return status, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return status, false, errMalformed
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return status, false, errMalformed
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		}
	}
	switch {
	case status == 204 || status == 304 || status < 200: // never a body
		return status, keep, nil
	case chunked:
		return status, keep, c.readChunks(out)
	case length >= 0:
		return status, keep, c.readBody(length, out)
	}
	return status, false, fmt.Errorf("answer %d has no length", status) // body runs to the close
}

func (c *rawConn) readBody(n int, out *bytes.Buffer) error {
	if out == nil {
		_, err := c.r.Discard(n)
		return err
	}
	_, err := io.CopyN(out, c.r, int64(n))
	return err
}

func (c *rawConn) readChunks(out *bytes.Buffer) error {
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return err
		}
		size, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
		n, err := strconv.ParseInt(string(size), 16, 32)
		if err != nil || n < 0 {
			return errMalformed
		}
		if n == 0 { // trailers, then a blank line
			for {
				line, err := c.r.ReadSlice('\n')
				if err != nil {
					return err
				}
				if len(bytes.TrimRight(line, "\r\n")) == 0 {
					return nil
				}
			}
		}
		if err := c.readBody(int(n), out); err != nil {
			return err
		}
		if _, err := c.r.Discard(2); err != nil { // the chunk's CRLF
			return err
		}
	}
}
