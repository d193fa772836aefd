package wstest

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// RawFrame is one WebSocket frame as it crossed the wire.
type RawFrame struct {
	Opcode  byte // 1 text, 8 close, 9 ping, 10 pong
	Payload []byte
}

// Close codes and reasons of a close frame.
func (f RawFrame) CloseCode() int {
	if len(f.Payload) < 2 {
		return 0
	}
	return int(binary.BigEndian.Uint16(f.Payload))
}

// Raw is a WebSocket client that sees every frame the server writes, close
// frames and pings included, and replies to nothing unless told: for
// checking the server's framing and close handshake byte by byte.
type Raw struct {
	T    testing.TB
	Conn net.Conn
	r    *bufio.Reader
}

// DialRaw opens a WebSocket to url by hand.
func DialRaw(t testing.TB, rawURL string) *Raw {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, Wait)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	key := make([]byte, 16)
	rand.Read(key)
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"+
		"Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n",
		u.RequestURI(), u.Host, base64.StdEncoding.EncodeToString(key))
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("raw handshake: %v %v", resp, err)
	}
	return &Raw{T: t, Conn: conn, r: r}
}

// Read returns the next frame, or an error (io.EOF once the server has
// dropped TCP, a timeout after d).
func (c *Raw) Read(d time.Duration) (RawFrame, error) {
	c.Conn.SetReadDeadline(time.Now().Add(d))
	var h [2]byte
	if _, err := io.ReadFull(c.r, h[:]); err != nil {
		return RawFrame{}, err
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(c.r, b[:]); err != nil {
			return RawFrame{}, err
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(c.r, b[:]); err != nil {
			return RawFrame{}, err
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	if h[1]&0x80 != 0 || h[0]&0x80 == 0 || n > 1<<20 {
		return RawFrame{}, fmt.Errorf("server frame masked, fragmented or huge: % x", h)
	}
	f := RawFrame{Opcode: h[0] & 0x0f, Payload: make([]byte, n)}
	_, err := io.ReadFull(c.r, f.Payload)
	return f, err
}

// Write sends a masked frame with the given opcode.
func (c *Raw) Write(opcode byte, payload []byte) error {
	if len(payload) > 125 {
		return fmt.Errorf("raw client writes short frames only")
	}
	frame := []byte{0x80 | opcode, 0x80 | byte(len(payload)), 0, 0, 0, 0}
	rand.Read(frame[2:6])
	for i, b := range payload {
		frame = append(frame, b^frame[2+i%4])
	}
	c.Conn.SetWriteDeadline(time.Now().Add(Wait))
	_, err := c.Conn.Write(frame)
	return err
}
