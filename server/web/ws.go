package web

import (
	"errors"
	"log/slog"

	"github.com/labstack/echo/v4"

	"barrage/protocol"
	"barrage/server/auth"
	"barrage/server/hub"
	"barrage/server/transport"
)

// serveWS admits a user to a room over a WebSocket. A refused sign-in is
// told inside the accepted WebSocket (error event, then close 1008), since
// a browser cannot read the status of a failed handshake.
func (s *Server) serveWS(c echo.Context) error {
	req := c.Request()
	room := req.URL.Query().Get("room")
	id, authErr := s.opt.Signer.Verify(tokenFrom(req, true))

	ws, err := s.upgrader.Upgrade(c.Response(), req, nil)
	if err != nil {
		// The upgrader has answered (403 for a foreign origin, 400 for a
		// request that is not a WebSocket handshake).
		s.opt.Log.Warn("websocket handshake refused", "error", err,
			"origin", req.Header.Get("Origin"))
		return nil
	}
	log := s.opt.Log.With("remote", c.RealIP())
	if !s.sockets.add() {
		transport.Reject(ws, s.opt.Transport, &protocol.RequestError{
			Code:    protocol.ErrShuttingDown,
			Message: "The server is restarting. Try again in a moment."},
			protocol.CloseGoingAway)
		return nil
	}
	defer s.sockets.done()

	if refusal, code := refuseJoin(authErr, room); refusal != nil {
		log.Warn("websocket refused", "room", room, "code", code, "error_code", refusal.Code)
		transport.Reject(ws, s.opt.Transport, refusal, code)
		return nil
	}
	conn, err := s.opt.Hub.Join(room, id.User)
	if err != nil {
		refusal, code := joinRefusal(err)
		log.Info("join refused", "room", room, "user", id.ID, "code", code,
			"error_code", refusal.Code)
		transport.Reject(ws, s.opt.Transport, refusal, code)
		return nil
	}
	// The hub has logged the join; this logger tags the connection's later
	// lines (its close, with code and duration).
	log = log.With(slog.String("conn", conn.ID()), slog.String("user", id.ID),
		slog.String("room", room))
	transport.Serve(s.opt.Hub, conn, ws, s.opt.Transport, id.Expires, log)
	return nil
}

// refuseJoin checks the token and the room id before the hub sees them.
func refuseJoin(authErr error, room string) (*protocol.RequestError, int) {
	switch {
	case errors.Is(authErr, auth.ErrExpired):
		return &protocol.RequestError{Code: protocol.ErrAuthExpired,
			Message: "Your session has expired. Sign in again."}, protocol.ClosePolicy
	case errors.Is(authErr, auth.ErrMissing):
		return &protocol.RequestError{Code: protocol.ErrAuth,
			Message: "You are not signed in. Sign in to join a room."}, protocol.ClosePolicy
	case authErr != nil:
		return &protocol.RequestError{Code: protocol.ErrAuth,
			Message: "Your session token is not valid. Sign in again."}, protocol.ClosePolicy
	case !protocol.ValidRoomID(room):
		return &protocol.RequestError{Code: protocol.ErrBadRoom,
				Message: "A room id is 1 to 64 characters of A-Z, a-z, 0-9, _ and -."},
			protocol.ClosePolicy
	}
	return nil, 0
}

// joinRefusal translates the hub's refusal of a join.
func joinRefusal(err error) (*protocol.RequestError, int) {
	var banned *hub.BannedError
	switch {
	case errors.As(err, &banned):
		return &protocol.RequestError{Code: protocol.ErrBanned, Message: banned.Error(),
			Retry: banned.RetryIn()}, protocol.CloseBanned
	case errors.Is(err, hub.ErrTooManyConns):
		return &protocol.RequestError{Code: protocol.ErrTooMany,
			Message: "You have too many tabs or devices in this room already; " +
				"close one and try again."}, protocol.CloseTooMany
	case errors.Is(err, hub.ErrShutdown):
		return &protocol.RequestError{Code: protocol.ErrShuttingDown,
			Message: "The server is restarting. Try again in a moment."}, protocol.CloseGoingAway
	}
	return &protocol.RequestError{Code: protocol.ErrServer,
		Message: "The server could not add you to the room."}, protocol.CloseServerError
}
