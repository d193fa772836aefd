package transport

import (
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"barrage/protocol"
	"barrage/server/hub"
)

// Config holds the transport's timings and limits. A zero field means its
// default.
type Config struct {
	// ReadLimit is the largest client frame in bytes; a larger one closes
	// the connection with 1009. Default 4 KiB (a 100-character comment in
	// any script fits in well under 1 KiB of JSON).
	ReadLimit int64
	// WriteTimeout bounds each write; a client that does not take a frame
	// within it is dropped. Default 10 s.
	WriteTimeout time.Duration
	// PingInterval is the period of keepalive pings. Default 25 s.
	PingInterval time.Duration
	// PongWait is how long the server waits for any frame or pong before it
	// drops a silent peer. Default 60 s; it must exceed PingInterval.
	PongWait time.Duration
	// HeartbeatInterval is the silence after which a heartbeat event is sent
	// (JavaScript cannot see pings). Default 20 s.
	HeartbeatInterval time.Duration
	// Grace is how long a connection sent force_disconnect may take to close
	// by itself before the server closes it. Default 1 s.
	Grace time.Duration
	// CloseWait bounds the wait for the client's close reply. Default 1 s.
	CloseWait time.Duration
	// SendBuffer caps the kernel's send buffer of each socket, in bytes.
	// Left to autotuning, it grows to megabytes: a viewer who fell behind
	// would be fed a long stale backlog from the kernel before the queue's
	// drop-oldest rule could help, and every stalled socket would pin that
	// much memory. Default 64 KiB.
	SendBuffer int
	// OnClose, if set, is called once per connection served by [Serve] with
	// the close code the server sent (0 if none: the connection was lost).
	OnClose func(code int)
}

// WithDefaults returns c with its zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	set := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if c.ReadLimit <= 0 {
		c.ReadLimit = 4 << 10
	}
	if c.SendBuffer <= 0 {
		c.SendBuffer = 64 << 10
	}
	set(&c.WriteTimeout, 10*time.Second)
	set(&c.PingInterval, 25*time.Second)
	set(&c.PongWait, 60*time.Second)
	set(&c.HeartbeatInterval, 20*time.Second)
	set(&c.Grace, time.Second)
	set(&c.CloseWait, time.Second)
	return c
}

// Serve runs connection c of hub h over ws until the socket is closed, then
// removes c from the hub. It returns once both of the connection's
// goroutines have ended and TCP is closed; the calling goroutine is the
// writer. cfg must have its defaults set. At expires, if not zero, the
// session has ended: the client is told (auth_expired) and closed with 1008.
func Serve(h *hub.Hub, c *hub.Conn, ws *websocket.Conn, cfg Config, expires time.Time,
	log *slog.Logger) {
	s := &session{
		expires:    expires,
		hub:        h,
		conn:       c,
		ws:         ws,
		cfg:        cfg,
		log:        log,
		readerDone: make(chan struct{}),
		pong:       make(chan string, 1),
		start:      time.Now(),
	}
	if tcp, ok := ws.NetConn().(*net.TCPConn); ok {
		if err := tcp.SetWriteBuffer(cfg.SendBuffer); err != nil {
			log.Warn("cannot cap socket send buffer", "error", err)
		}
	}
	go s.read()
	s.write()
	<-s.readerDone
	h.Leave(c)
	s.logEnd()
}

// session is the state shared by one connection's reader and writer.
type session struct {
	hub     *hub.Hub
	conn    *hub.Conn
	ws      *websocket.Conn
	cfg     Config
	log     *slog.Logger
	start   time.Time
	expires time.Time

	readerDone chan struct{} // closed by the reader when it returns
	pong       chan string   // ping payloads the writer must answer
	peerCode   atomic.Int32  // close code the client sent, 0 if none
	refused    atomic.Int64  // client frames refused, for the close log

	mu        sync.Mutex // guards the fields below, written by the writer
	sentCode  int        // close code the server sent, 0 if none
	sentWhy   string
	endReason string // why the connection ended, for the log
}

func (s *session) logEnd() {
	s.mu.Lock()
	code, why, end := s.sentCode, s.sentWhy, s.endReason
	s.mu.Unlock()
	if s.cfg.OnClose != nil {
		s.cfg.OnClose(code)
	}
	s.log.Info("connection closed",
		"code", code,
		"reason", why,
		"client_code", s.peerCode.Load(),
		"refused_frames", s.refused.Load(),
		"ended_by", end,
		"duration", time.Since(s.start).Round(time.Millisecond))
}

// errReaderGone stops the writer when the reader has ended.
var errReaderGone = errors.New("reader ended")

// deadline returns the deadline for a write starting now.
func (s *session) deadline() time.Time { return time.Now().Add(s.cfg.WriteTimeout) }

// closeMessage is a close frame's payload, its reason cut to fit.
func closeMessage(code int, reason string) []byte {
	return websocket.FormatCloseMessage(code, protocol.TruncateReason(reason))
}
