package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"barrage/protocol"
	"barrage/server/auth"
	"barrage/server/hub"
)

// smallBody bounds the JSON bodies of the API; a replay track has its own,
// larger bound.
var smallBody = middleware.BodyLimit("64K")

func (s *Server) routes() {
	e := s.echo
	e.GET("/healthz", s.health)
	e.GET("/metrics", s.metrics.handler())
	e.GET("/ws", s.serveWS)
	// The lobby is public, as the lobby page is.
	e.GET("/api/lobby", s.lobby)
	if s.opt.Dev {
		e.POST("/api/token", s.issueToken, smallBody)
	}
	api := e.Group("/api", s.requireSignIn)
	api.GET("/rooms", s.listRooms)
	api.GET("/rooms/:room", s.showRoom)
	api.DELETE("/rooms/:room", s.closeRoom)
	api.POST("/rooms/:room/kick", s.kick, smallBody)
	api.POST("/rooms/:room/mute", s.mute, smallBody)
	api.POST("/rooms/:room/replay", s.startReplay)
	api.GET("/rooms/:room/replay", s.replayStatus)
	api.DELETE("/rooms/:room/replay", s.stopReplay)
}

func (s *Server) health(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{
		"status": "ok", "rooms": len(s.opt.Hub.Rooms()), "sockets": s.OpenSockets(),
	})
}

// tokenRequest is the body of POST /api/token.
type tokenRequest struct {
	User string `json:"user"`
	Name string `json:"name"`
	Role string `json:"role"`
	// Room is the room a host hosts.
	Room string `json:"room"`
	// TTLSeconds shortens or lengthens the token's life (at most 30 days).
	TTLSeconds int64 `json:"ttl_seconds"`
}

// issueToken signs a token for anyone who asks: development mode only.
func (s *Server) issueToken(c echo.Context) error {
	var req tokenRequest
	if err := decodeJSON(c, &req); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "body must be JSON {user, name, role}")
	}
	if req.Role == "" {
		req.Role = protocol.RoleViewer
	}
	if req.Name == "" {
		req.Name = req.User
	}
	ttl := s.opt.TokenTTL
	if req.TTLSeconds != 0 {
		if req.TTLSeconds < 1 || req.TTLSeconds > 30*24*3600 {
			return echo.NewHTTPError(http.StatusBadRequest, "ttl_seconds must be 1 to 2592000")
		}
		ttl = time.Duration(req.TTLSeconds) * time.Second
	}
	id := auth.Identity{
		User: protocol.User{ID: req.User, Name: req.Name, Role: req.Role},
		Room: req.Room,
	}
	tok, exp, err := s.opt.Signer.Sign(id, ttl)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	return c.JSON(http.StatusOK, map[string]any{
		"token": tok, "expires_at": exp.UTC().Format(time.RFC3339), "user": id.User,
	})
}

// lobbyRoom is a room as the lobby lists it.
type lobbyRoom struct {
	hub.RoomInfo
	Replaying bool `json:"replaying"`
}

// lobbyRooms lists the live rooms and whether a replay plays in each.
func (s *Server) lobbyRooms() []lobbyRoom {
	rooms := s.opt.Hub.Rooms()
	out := make([]lobbyRoom, len(rooms))
	for i, r := range rooms {
		st, ok := s.replays.Status(r.ID)
		out[i] = lobbyRoom{RoomInfo: r, Replaying: ok && st.Running}
	}
	return out
}

// lobby lists the rooms with their counts for any signed-in user.
func (s *Server) lobby(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"rooms": s.lobbyRooms()})
}

// listRooms lists every room for an admin, and a host's own room for a host.
func (s *Server) listRooms(c echo.Context) error {
	id := identity(c)
	rooms := s.lobbyRooms()
	switch id.Role {
	case protocol.RoleAdmin:
	case protocol.RoleHost:
		mine := rooms[:0]
		for _, r := range rooms {
			if r.ID == id.Room {
				mine = append(mine, r)
			}
		}
		rooms = mine
	default:
		return echo.NewHTTPError(http.StatusForbidden, "only admins and hosts may list rooms")
	}
	return c.JSON(http.StatusOK, map[string]any{"rooms": rooms})
}

// roomParam returns the :room parameter after checking it and the caller's
// right to moderate it.
func roomParam(c echo.Context) (string, error) {
	room := c.Param("room")
	if !protocol.ValidRoomID(room) {
		return "", echo.NewHTTPError(http.StatusBadRequest,
			"a room id is 1 to 64 characters of A-Z, a-z, 0-9, _ and -")
	}
	return room, mayModerate(c, room)
}

func (s *Server) showRoom(c echo.Context) error {
	room, err := roomParam(c)
	if err != nil {
		return err
	}
	d, err := s.opt.Hub.Room(room)
	if errors.Is(err, hub.ErrNoRoom) {
		return echo.NewHTTPError(http.StatusNotFound, "no room "+room+" is live")
	}
	if d.Users == nil {
		d.Users = []hub.UserInfo{}
	}
	return c.JSON(http.StatusOK, d)
}

func (s *Server) closeRoom(c echo.Context) error {
	room, err := roomParam(c)
	if err != nil {
		return err
	}
	// A replay left running would bring the room straight back.
	s.replays.Stop(room)
	n, err := s.opt.Hub.CloseRoom(room, "")
	if errors.Is(err, hub.ErrNoRoom) {
		return echo.NewHTTPError(http.StatusNotFound, "no room "+room+" is live")
	}
	return c.JSON(http.StatusOK, map[string]int{"closed_connections": n})
}

// kickRequest is the body of POST /api/rooms/{room}/kick.
type kickRequest struct {
	User       string `json:"user"`
	BanSeconds int64  `json:"ban_seconds"`
	Reason     string `json:"reason"`
}

// maxSanction bounds bans and mutes: a week.
const maxSanction = 7 * 24 * 3600

func (s *Server) kick(c echo.Context) error {
	room, err := roomParam(c)
	if err != nil {
		return err
	}
	var req kickRequest
	if err := decodeJSON(c, &req); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "body must be JSON {user, ban_seconds}")
	}
	if err := s.checkTarget(c, room, req.User, req.BanSeconds); err != nil {
		return err
	}
	if len(req.Reason) > 200 {
		return echo.NewHTTPError(http.StatusBadRequest, "reason is longer than 200 bytes")
	}
	res := s.opt.Hub.Kick(room, req.User, time.Duration(req.BanSeconds)*time.Second, req.Reason)
	return c.JSON(http.StatusOK, res)
}

// muteRequest is the body of POST /api/rooms/{room}/mute.
type muteRequest struct {
	User    string `json:"user"`
	Seconds int64  `json:"seconds"`
}

func (s *Server) mute(c echo.Context) error {
	room, err := roomParam(c)
	if err != nil {
		return err
	}
	var req muteRequest
	if err := decodeJSON(c, &req); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "body must be JSON {user, seconds}")
	}
	if err := s.checkTarget(c, room, req.User, req.Seconds); err != nil {
		return err
	}
	until := s.opt.Hub.Mute(room, req.User, time.Duration(req.Seconds)*time.Second)
	res := map[string]any{"muted": !until.IsZero()}
	if !until.IsZero() {
		res["muted_until"] = until.UnixMilli()
	}
	return c.JSON(http.StatusOK, res)
}

// checkTarget validates the user and duration of a kick or mute. Moderators
// cannot act on themselves, which would only lock them out by mistake, and
// only an admin may act on an admin.
func (s *Server) checkTarget(c echo.Context, room, user string, seconds int64) error {
	switch {
	case !protocol.ValidRoomID(user):
		return echo.NewHTTPError(http.StatusBadRequest, "user must be a user id")
	case seconds < 0 || seconds > maxSanction:
		return echo.NewHTTPError(http.StatusBadRequest, "seconds must be 0 to 604800")
	case user == identity(c).ID:
		return echo.NewHTTPError(http.StatusConflict, "you cannot kick or mute yourself")
	case identity(c).Role != protocol.RoleAdmin && s.isAdminIn(room, user):
		return echo.NewHTTPError(http.StatusForbidden, "only an admin may kick or mute an admin")
	}
	return nil
}

// isAdminIn reports whether user is in room with an admin session.
func (s *Server) isAdminIn(room, user string) bool {
	d, err := s.opt.Hub.Room(room)
	if err != nil {
		return false
	}
	for _, u := range d.Users {
		if u.ID == user {
			return u.Role == protocol.RoleAdmin
		}
	}
	return false
}

// decodeJSON decodes the body as one JSON value, whatever the Content-Type
// says, and refuses anything after it.
func decodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON value")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON value")
	}
	return nil
}
