package transport

import (
	"encoding/json"
	"time"

	"github.com/gorilla/websocket"

	"barrage/protocol"
)

// Reject ends a freshly upgraded connection that may not join: it sends an
// error event with the readable reason (a browser cannot read the HTTP status
// of a failed handshake), then a close frame with code, waits a bounded time
// for the client's close reply, and drops TCP. It reads and writes from the
// calling goroutine alone.
func Reject(ws *websocket.Conn, cfg Config, refusal *protocol.RequestError, code int) {
	defer ws.Close()
	frame, err := json.Marshal(refusal.Event())
	if err != nil {
		return
	}
	ws.SetWriteDeadline(time.Now().Add(cfg.WriteTimeout))
	if err := ws.WriteMessage(websocket.TextMessage, frame); err != nil {
		return
	}
	msg := closeMessage(code, refusal.Message)
	if err := ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(cfg.WriteTimeout)); err != nil {
		return
	}
	ws.SetReadLimit(cfg.ReadLimit)
	ws.SetReadDeadline(time.Now().Add(cfg.CloseWait))
	ws.SetCloseHandler(func(int, string) error { return nil })
	for {
		if _, _, err := ws.NextReader(); err != nil {
			return
		}
	}
}
