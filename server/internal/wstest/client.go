package wstest

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"barrage/protocol"
)

// Wait bounds every wait of a test client.
const Wait = 5 * time.Second

// Frame is one frame a test client received: an event, or the close.
type Frame struct {
	Event string
	Raw   []byte
	// Close is set for the last Frame: the close code (1006 when TCP was
	// dropped without a close frame) and reason.
	Close  bool
	Code   int
	Reason string
	At     time.Time
}

// Decode unmarshals the frame into v.
func (f Frame) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(f.Raw, v); err != nil {
		t.Fatalf("decode %s: %v", f.Raw, err)
	}
}

// Client is a test WebSocket client. A goroutine reads every frame into a
// queue; a client that answers the server's close frame does so by closing
// its socket, as a browser would, unless Ignore is set.
type Client struct {
	T  testing.TB
	WS *websocket.Conn
	// Welcome is the welcome event, once [Env.Join] has read it.
	Welcome protocol.Welcome

	mu     sync.Mutex
	frames []Frame
	more   chan struct{}
	done   chan struct{}
}

// Dial connects to url and starts reading. The client is closed at cleanup.
func Dial(t testing.TB, url string, header http.Header) *Client {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(url, header)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (HTTP %d)", url, err, status)
	}
	return Wrap(t, ws)
}

func (c *Client) read() {
	defer close(c.done)
	for {
		_, data, err := c.WS.ReadMessage()
		f := Frame{Raw: data, At: time.Now()}
		if err != nil {
			f.Close, f.Code = true, websocket.CloseAbnormalClosure
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				f.Code, f.Reason = ce.Code, ce.Text
			}
		} else {
			f.Event, _ = protocol.EventName(data)
		}
		c.mu.Lock()
		c.frames = append(c.frames, f)
		c.mu.Unlock()
		select {
		case c.more <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// Close drops the client's socket and waits for its reader.
func (c *Client) Close() {
	c.WS.Close()
	<-c.done
}

// Send writes v as a JSON text frame.
func (c *Client) Send(v any) {
	c.T.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		c.T.Fatal(err)
	}
	c.SendRaw(data)
}

// SendRaw writes a text frame as it is.
func (c *Client) SendRaw(data []byte) {
	c.T.Helper()
	c.WS.SetWriteDeadline(time.Now().Add(Wait))
	if err := c.WS.WriteMessage(websocket.TextMessage, data); err != nil {
		c.T.Fatalf("send: %v", err)
	}
}

// Say sends a comment.
func (c *Client) Say(text string) {
	c.T.Helper()
	c.Send(protocol.SendDanmaku{Event: protocol.EventDanmaku, Text: text})
}

// Next returns the next frame, skipping heartbeats and presence, or fails
// the test after Wait.
func (c *Client) Next() Frame {
	c.T.Helper()
	f, ok := c.next(Wait, true)
	if !ok {
		c.T.Fatalf("no frame within %v", Wait)
	}
	return f
}

// next pops a frame, waiting up to d.
func (c *Client) next(d time.Duration, skipNoise bool) (Frame, bool) {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		for len(c.frames) > 0 {
			f := c.frames[0]
			if !f.Close {
				c.frames = c.frames[1:]
			}
			if skipNoise && (f.Event == protocol.EventHeartbeat || f.Event == protocol.EventPresence) {
				continue
			}
			c.mu.Unlock()
			return f, true
		}
		c.mu.Unlock()
		select {
		case <-c.more:
		case <-deadline.C:
			return Frame{}, false
		}
	}
}

// Expect returns the next frame and fails unless it is event.
func (c *Client) Expect(event string) Frame {
	c.T.Helper()
	f := c.Next()
	if f.Event != event {
		c.T.Fatalf("got %s (close %v %d %q), want %s", f.Raw, f.Close, f.Code, f.Reason, event)
	}
	return f
}

// WaitFor skips frames until event arrives, failing on a close.
func (c *Client) WaitFor(event string) Frame {
	c.T.Helper()
	for {
		f := c.Next()
		if f.Event == event {
			return f
		}
		if f.Close {
			c.T.Fatalf("closed with %d %q while waiting for %s", f.Code, f.Reason, event)
		}
	}
}

// ExpectClose skips frames until the close and checks its code.
func (c *Client) ExpectClose(code int) Frame {
	c.T.Helper()
	for {
		f := c.Next()
		if f.Close {
			if f.Code != code {
				c.T.Fatalf("closed with %d %q, want %d", f.Code, f.Reason, code)
			}
			return f
		}
	}
}

// Quiet fails if a frame other than heartbeat or presence arrives within d.
func (c *Client) Quiet(d time.Duration) {
	c.T.Helper()
	if f, ok := c.next(d, true); ok {
		c.T.Fatalf("unexpected frame %s (close %v %d)", f.Raw, f.Close, f.Code)
	}
}

// Comments collects danmaku events until n have arrived, failing on a
// close or a wait longer than Wait between two of them.
func (c *Client) Comments(n int) []protocol.Danmaku {
	c.T.Helper()
	out := make([]protocol.Danmaku, 0, n)
	for len(out) < n {
		f := c.WaitFor(protocol.EventDanmaku)
		var d protocol.Danmaku
		f.Decode(c.T, &d)
		out = append(out, d)
	}
	return out
}

// DialStalled connects to url with a tiny socket receive buffer and does not
// read: a viewer whose device has stopped taking data. Call [Wrap] to start
// reading later.
func DialStalled(t testing.TB, url string) *websocket.Conn {
	t.Helper()
	d := *websocket.DefaultDialer
	d.NetDialContext = (&net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048)
		})
		return errors.Join(err, serr)
	}}).DialContext
	ws, _, err := d.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// Wrap starts reading an open connection as a [Client].
func Wrap(t testing.TB, ws *websocket.Conn) *Client {
	c := &Client{T: t, WS: ws, more: make(chan struct{}, 1), done: make(chan struct{})}
	go c.read()
	t.Cleanup(c.Close)
	return c
}
