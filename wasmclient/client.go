package wasmclient

import (
	"context"
	"time"

	"barrage/protocol"
)

// SocketEventKind says what a socket reports.
type SocketEventKind int

// What a socket reports.
const (
	// SocketMessage is one text frame from the server.
	SocketMessage SocketEventKind = iota + 1
	// SocketClosed is the end of the socket, with the code and reason the
	// browser reports (1006 when no close frame arrived).
	SocketClosed
)

// SocketEvent is one thing that happened to a socket.
type SocketEvent struct {
	Kind   SocketEventKind
	Data   []byte // SocketMessage: the frame
	Code   int    // SocketClosed: the close code
	Reason string // SocketClosed: the close reason, often empty
}

// Socket is one WebSocket to the room, as the client drives it.
type Socket interface {
	// Send writes one text frame; it fails when the socket is not open.
	Send(data []byte) error
	// Close closes the socket with code (the client passes 1000 only) if it
	// is still open and, in every case, detaches and releases its handlers:
	// once Close returns, the socket reports nothing more. Calling it again
	// does nothing.
	Close(code int, reason string)
}

// Dialer opens sockets to the room.
type Dialer interface {
	// Dial starts opening a socket and returns without waiting. The socket
	// tells its life to report, which never blocks and may be called from
	// any goroutine or JavaScript callback. An error means no socket exists.
	Dial(report func(SocketEvent)) (Socket, error)
}

// DialerFunc adapts a function to [Dialer].
type DialerFunc func(report func(SocketEvent)) (Socket, error)

// Dial calls f.
func (f DialerFunc) Dial(report func(SocketEvent)) (Socket, error) { return f(report) }

// Status is the connection's state as a page shows it.
type Status struct {
	State State
	// CloseCode is the last close code seen, 0 before any. A connection the
	// client itself found dead counts as 1006; a force_disconnect counts as
	// its own code, because the client closes before the server's frame.
	CloseCode int
	// Reason says, for people, why the connection is not open.
	Reason string
	// Attempt numbers the reconnect attempt that comes next, from 1.
	Attempt int
	// RetryIn is the wait before that attempt.
	RetryIn time.Duration
}

// View shows what the client learns. Its methods are called one at a time
// from the goroutine running [Client.Run], never from a JavaScript callback,
// so they may touch the page directly; they must return promptly.
type View interface {
	// Status reports every change of state.
	Status(Status)
	// Welcome reports a join; recent is the whole recent list to show, and
	// replaces whatever was shown before.
	Welcome(w protocol.Welcome, recent []protocol.Danmaku)
	// Comment reports a new comment and where it goes in the recent list.
	Comment(d protocol.Danmaku, at Insertion)
	// Presence reports new online counts.
	Presence(protocol.Presence)
	// Error reports a refused request, from the server or found locally.
	Error(protocol.Error)
	// Skipped reports comments dropped because the client fell behind.
	Skipped(protocol.Skipped)
	// Notice reports a moderation action.
	Notice(protocol.Notice)
	// Sent reports a comment handed to the socket.
	Sent(protocol.SendDanmaku)
}

// Defaults for [Config].
const (
	DefaultConnectTimeout = 15 * time.Second
	DefaultDeadAfter      = 3
)

// Config sets up a [Client].
type Config struct {
	Dialer Dialer
	View   View
	// ConnectTimeout bounds the wait from dialling to welcome; zero means
	// [DefaultConnectTimeout]. Time while the page is hidden does not count.
	ConnectTimeout time.Duration
	// DeadAfter is how many heartbeat periods (from welcome) of silence
	// mark a connection dead; zero means [DefaultDeadAfter].
	DeadAfter int
	// Rand returns numbers in [0, 1) for the backoff's jitter; nil means
	// math/rand/v2.
	Rand func() float64
	// RecentLimit is the recent list's length; zero means [DefaultRecent].
	RecentLimit int
}

// Client keeps one page connected to one room: it dials, follows the server's
// events, reconnects after retryable ends with backoff, and stops for good
// where the contract says so. Its methods other than Run only queue work and
// may be called from any goroutine, including JavaScript callbacks.
type Client struct {
	inbox  *inbox
	dialer Dialer
	m      *machine

	// Owned by the Run goroutine.
	sock   Socket
	gen    uint64 // numbers sockets; events of an older one are dropped
	timers [timerKinds]armed
}

type armed struct {
	timer *time.Timer
	token uint64 // numbers arms; a fire of an older one is dropped
}

// New returns a client that connects when Run starts.
func New(cfg Config) *Client {
	c := &Client{inbox: newInbox(), dialer: cfg.Dialer}
	c.m = newMachine(cfg, c)
	return c
}

// Run connects and then serves the client until ctx ends, when it closes the
// socket with 1000. Run it on one goroutine, once.
func (c *Client) Run(ctx context.Context) {
	c.m.start()
	for {
		select {
		case <-ctx.Done():
			for k := range c.timers {
				c.disarm(timerKind(k))
			}
			c.closeSocket(protocol.CloseNormal, "page closed")
			return
		case <-c.inbox.ready:
			for _, in := range c.inbox.take() {
				c.handle(in)
			}
		}
	}
}

// Send queues a comment. It goes out only while the connection is open;
// otherwise the view gets an error.
func (c *Client) Send(msg protocol.SendDanmaku) { c.inbox.post(sendInput{msg}) }

// Rejoin connects again on purpose, with a fresh backoff, from any state but
// connecting and open: it is how a user comes back after an eviction.
func (c *Client) Rejoin() { c.inbox.post(rejoinInput{}) }

// SetHidden tells the client whether the page is hidden; silence while
// hidden does not count toward a dead connection.
func (c *Client) SetHidden(hidden bool) { c.inbox.post(hiddenInput{hidden}) }

type (
	socketInput struct {
		gen uint64
		ev  SocketEvent
	}
	timerInput struct {
		kind  timerKind
		token uint64
	}
	sendInput   struct{ msg protocol.SendDanmaku }
	rejoinInput struct{}
	hiddenInput struct{ hidden bool }
)

func (c *Client) handle(in any) {
	switch in := in.(type) {
	case socketInput:
		c.handleSocket(in)
	case timerInput:
		if in.token != c.timers[in.kind].token {
			return
		}
		c.timers[in.kind].timer = nil
		c.m.timer(in.kind)
	case sendInput:
		c.m.send(in.msg)
	case rejoinInput:
		c.m.rejoin()
	case hiddenInput:
		c.m.setHidden(in.hidden)
	}
}

func (c *Client) handleSocket(in socketInput) {
	if in.gen != c.gen {
		return
	}
	switch in.ev.Kind {
	case SocketMessage:
		c.m.message(in.ev.Data)
	case SocketClosed:
		// Release the dead socket's handlers before anything can dial.
		c.closeSocket(protocol.CloseNormal, "")
		c.m.closed(in.ev.Code, in.ev.Reason)
	}
}

// The methods below are the machine's environment; they run on the Run
// goroutine only.

func (c *Client) now() time.Time { return time.Now() }

func (c *Client) dial() {
	// At most one live socket: whatever was there goes first.
	c.closeSocket(protocol.CloseNormal, "")
	gen := c.gen
	sock, err := c.dialer.Dial(func(ev SocketEvent) {
		c.inbox.post(socketInput{gen: gen, ev: ev})
	})
	if err != nil {
		c.inbox.post(socketInput{gen: gen, ev: SocketEvent{
			Kind:   SocketClosed,
			Code:   protocol.CloseAbnormal,
			Reason: "could not open a connection: " + err.Error(),
		}})
		return
	}
	c.sock = sock
}

// closeSocket closes and releases the current socket, if any, and moves to a
// new generation so that whatever it had already queued is dropped.
func (c *Client) closeSocket(code int, reason string) {
	if c.sock != nil {
		c.sock.Close(BrowserCloseCode(code), protocol.TruncateReason(reason))
		c.sock = nil
	}
	c.gen++
}

func (c *Client) send(data []byte) error {
	if c.sock == nil {
		return errNoSocket
	}
	return c.sock.Send(data)
}

func (c *Client) arm(k timerKind, d time.Duration) {
	c.disarm(k)
	token := c.timers[k].token
	c.timers[k].timer = time.AfterFunc(d, func() {
		c.inbox.post(timerInput{kind: k, token: token})
	})
}

func (c *Client) disarm(k timerKind) {
	if t := c.timers[k].timer; t != nil {
		t.Stop()
		c.timers[k].timer = nil
	}
	c.timers[k].token++
}
