package transport

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/gorilla/websocket"

	"barrage/protocol"
	"barrage/server/hub"
)

// write is the connection's only writer. It returns after TCP is closed.
func (s *session) write() {
	defer s.ws.Close()
	ping := time.NewTicker(s.cfg.PingInterval)
	defer ping.Stop()
	quiet := time.NewTimer(s.cfg.HeartbeatInterval)
	defer quiet.Stop()
	var expired <-chan time.Time // nil, never ready, without an expiry
	if !s.expires.IsZero() {
		t := time.NewTimer(time.Until(s.expires))
		defer t.Stop()
		expired = t.C
	}

	var batch hub.Batch
	for {
		var err error
		spoke := true // whether the client's page saw a frame, for the heartbeat
		select {
		case <-s.conn.Wake():
			err = s.writeBatch(&batch)
		case <-ping.C:
			err = s.ws.WriteControl(websocket.PingMessage, nil, s.deadline())
			spoke = false
		case payload := <-s.pong:
			err = s.ws.WriteControl(websocket.PongMessage, []byte(payload), s.deadline())
			spoke = false
		case <-quiet.C:
			err = s.writeJSON(protocol.Heartbeat{
				Event: protocol.EventHeartbeat, Time: time.Now().UnixMilli(),
			})
		case <-s.readerDone:
			err = s.answerClose()
		case <-expired:
			err = s.expire()
		}
		if err != nil {
			s.ended(err)
			return
		}
		if spoke {
			quiet.Reset(s.cfg.HeartbeatInterval)
		}
	}
}

// errClosed stops the writer after a completed close handshake.
var errClosed = errors.New("closed")

// writeBatch writes everything queued, and runs the close handshake if the
// queue has ended.
func (s *session) writeBatch(b *hub.Batch) error {
	s.conn.Take(b)
	for _, frame := range b.Control {
		if err := s.writeFrame(frame); err != nil {
			return err
		}
	}
	if b.Skipped > 0 {
		err := s.writeJSON(protocol.Skipped{Event: protocol.EventSkipped, Count: b.Skipped})
		if err != nil {
			return err
		}
	}
	for _, frame := range b.Data {
		if err := s.writeFrame(frame); err != nil {
			return err
		}
	}
	if b.Final != nil {
		if err := s.writeFrame(b.Final); err != nil {
			return err
		}
	}
	if b.End != nil {
		return s.finish(b.End)
	}
	return nil
}

func (s *session) writeFrame(frame []byte) error {
	s.ws.SetWriteDeadline(s.deadline())
	return s.ws.WriteMessage(websocket.TextMessage, frame)
}

func (s *session) writeJSON(v any) error {
	frame, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.writeFrame(frame)
}

// finish closes a connection whose queue has ended: after a force_disconnect
// it gives the client the grace period to close first, then sends the close
// frame and waits, bounded, for the client's reply.
func (s *session) finish(end *hub.Ending) error {
	if end.Forced {
		grace := time.NewTimer(s.cfg.Grace)
		select {
		case <-grace.C:
		case <-s.readerDone:
			grace.Stop()
		}
	}
	s.sendClose(end.Code, end.Reason)
	wait := time.NewTimer(s.cfg.CloseWait)
	defer wait.Stop()
	select {
	case <-s.readerDone:
	case <-wait.C:
	}
	return errClosed
}

// expire ends a connection whose session has run out: a token is checked
// when the connection opens, and must not stay good forever after.
func (s *session) expire() error {
	const msg = "Your session has expired. Sign in again."
	s.log.Info("session expired")
	s.conn.Close(protocol.ClosePolicy, msg) // nothing more is queued
	refusal := protocol.RequestError{Code: protocol.ErrAuthExpired, Message: msg}
	if err := s.writeJSON(refusal.Event()); err != nil {
		return err
	}
	return s.finish(&hub.Ending{Code: protocol.ClosePolicy, Reason: msg})
}

// answerClose runs when the reader has ended. If the client sent a close
// frame, the server answers it: with the code of its own ending if the
// queue ended meanwhile, otherwise with the client's code.
func (s *session) answerClose() error {
	peer := int(s.peerCode.Load())
	if peer == 0 {
		return errReaderGone
	}
	var b hub.Batch
	s.conn.Take(&b)
	switch {
	case b.End != nil:
		s.sendClose(b.End.Code, b.End.Reason)
	case peer == websocket.CloseNoStatusReceived:
		s.sendClose(protocol.CloseNormal, "")
	default:
		s.sendClose(peer, "")
	}
	return errClosed
}

// sendClose writes the server's one close frame. Its error is recorded: a
// close frame that could not be written is a fact an operator needs.
func (s *session) sendClose(code int, reason string) {
	err := s.ws.WriteControl(websocket.CloseMessage, closeMessage(code, reason), s.deadline())
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sentCode != 0 {
		return
	}
	s.sentCode, s.sentWhy = code, reason
	if err != nil && !errors.Is(err, websocket.ErrCloseSent) {
		s.endReason = "close frame not sent: " + err.Error()
	}
}

// ended records why the writer stopped.
func (s *session) ended(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.endReason != "" {
		return
	}
	switch {
	case errors.Is(err, errClosed):
		s.endReason = "close handshake"
	case errors.Is(err, errReaderGone):
		s.endReason = "connection lost"
	default:
		s.endReason = "write failed: " + err.Error()
	}
}
