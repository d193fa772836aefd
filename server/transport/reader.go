package transport

import (
	"errors"
	"io"
	"net"
	"time"

	"github.com/gorilla/websocket"

	"barrage/protocol"
)

// read is the connection's only reader. It returns when the socket fails or
// the client's close frame arrives, and never writes to the socket.
func (s *session) read() {
	defer close(s.readerDone)
	s.ws.SetReadLimit(s.cfg.ReadLimit)
	s.extendRead()
	s.ws.SetPongHandler(func(string) error {
		s.extendRead()
		return nil
	})
	s.ws.SetPingHandler(func(payload string) error {
		s.extendRead()
		select {
		case s.pong <- payload:
		default: // a pong is already due; one answer covers both
		}
		return nil
	})
	s.ws.SetCloseHandler(func(code int, _ string) error {
		s.peerCode.Store(int32(code))
		return nil // the writer replies; see package doc
	})

	for {
		kind, data, err := s.ws.ReadMessage()
		if err != nil {
			s.readFailed(err)
			return
		}
		s.extendRead()
		if kind != websocket.TextMessage {
			s.conn.Refuse(&protocol.RequestError{Code: protocol.ErrBadJSON,
				Message: "binary frames are not accepted; send JSON text frames"})
			continue
		}
		s.handle(data)
	}
}

func (s *session) extendRead() {
	s.ws.SetReadDeadline(time.Now().Add(s.cfg.PongWait))
}

// handle decodes one client frame and passes a valid comment to the hub; a
// refusal goes back to this connection alone.
func (s *session) handle(data []byte) {
	cm, err := protocol.DecodeClient(data)
	if err == nil {
		err = s.hub.Send(s.conn, cm)
	}
	var refused *protocol.RequestError
	if !errors.As(err, &refused) {
		return
	}
	s.conn.Refuse(refused)
	if refused.Code == protocol.ErrRateLimited || refused.Code == protocol.ErrMuted {
		return
	}
	// The first bad frame says the client misbehaves; the rest are counted
	// in the close line, so that a flood of them cannot flood the log.
	if s.refused.Add(1) == 1 {
		s.log.Warn("client frame refused", "error_code", refused.Code)
	}
}

// readFailed ends the connection's queue according to why reading stopped.
func (s *session) readFailed(err error) {
	var closeErr *websocket.CloseError
	switch {
	case errors.As(err, &closeErr):
		// The writer answers the close frame.
	case errors.Is(err, websocket.ErrReadLimit):
		s.log.Warn("client frame above read limit", "limit", s.cfg.ReadLimit)
		s.mu.Lock()
		s.sentCode, s.sentWhy = protocol.CloseTooLarge, "frame too large" // by gorilla
		s.mu.Unlock()
		s.conn.Close(protocol.CloseTooLarge, "frame too large")
		s.drain()
	case errors.Is(err, net.ErrClosed), errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF):
		// The writer closed TCP, or the client vanished.
	default:
		var ne net.Error
		if errors.As(err, &ne) {
			if ne.Timeout() {
				s.log.Info("client silent, dropping", "pong_wait", s.cfg.PongWait)
			}
			return
		}
		// What is left are protocol violations, which gorilla/websocket has
		// answered with its own close frame (1002).
		s.log.Warn("client broke the WebSocket protocol", "error", err)
		s.mu.Lock()
		s.sentCode, s.sentWhy = websocket.CloseProtocolError, err.Error()
		s.mu.Unlock()
	}
}

// drain reads and discards for a bounded time after gorilla/websocket has
// sent its 1009 close frame, so that TCP is not reset under the client
// before it reads the close code.
func (s *session) drain() {
	raw := s.ws.NetConn()
	raw.SetReadDeadline(time.Now().Add(s.cfg.CloseWait))
	io.Copy(io.Discard, io.LimitReader(raw, 1<<20))
}
