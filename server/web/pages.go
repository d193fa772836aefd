package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"barrage/protocol"
	"barrage/server/auth"
	"barrage/server/replay"
	"barrage/views"
)

func (s *Server) pageRoutes() {
	e := s.echo
	e.GET("/", s.lobbyPage)
	e.GET("/signin", s.signInPage)
	// Sign-in takes guesses at the admin password: a few a second per
	// address at most.
	limit := middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(
			middleware.RateLimiterMemoryStoreConfig{Rate: 2, Burst: 10, ExpiresIn: 3 * time.Minute}),
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			return echo.NewHTTPError(http.StatusTooManyRequests, "too many sign-in attempts; wait")
		},
	})
	e.POST("/signin", s.signIn, limit, smallBody)
	e.POST("/signout", s.signOut, smallBody)
	e.GET("/rooms/:room", s.roomPage)
	e.GET("/admin", s.adminPage)
	e.GET("/static/*", s.serveStatic)
	e.HEAD("/static/*", s.serveStatic)
}

// render writes a templ component as an HTML response with status.
func render(c echo.Context, status int, page templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(status)
	return page.Render(c.Request().Context(), c.Response())
}

// pageIdentity returns the identity of a page request's session cookie, if
// it is valid.
func (s *Server) pageIdentity(c echo.Context) (auth.Identity, bool) {
	id, err := s.opt.Signer.Verify(tokenFrom(c.Request(), false))
	return id, err == nil
}

func (s *Server) nav(c echo.Context) views.Nav {
	if id, ok := s.pageIdentity(c); ok {
		u := id.User
		return views.Nav{User: &u}
	}
	return views.Nav{}
}

func (s *Server) summaries() []views.RoomSummary {
	rooms := s.lobbyRooms()
	out := make([]views.RoomSummary, len(rooms))
	for i, r := range rooms {
		out[i] = views.RoomSummary{ID: r.ID, Online: r.Online, Connections: r.Connections,
			Replaying: r.Replaying}
	}
	return out
}

func (s *Server) lobbyPage(c echo.Context) error {
	return render(c, http.StatusOK, views.Lobby(views.LobbyPage{Nav: s.nav(c), Rooms: s.summaries()}))
}

func (s *Server) signInPage(c echo.Context) error {
	p := views.SignInPage{Nav: s.nav(c), Next: safeNext(c.QueryParam("next"))}
	return render(c, http.StatusOK, views.SignIn(p))
}

// roomPage renders a room. Without any session cookie the visitor is sent
// to sign in; with one, valid or not, the page loads and its WebSocket tells
// an expired session apart (error event, close 1008: the client shows
// "signed out").
func (s *Server) roomPage(c echo.Context) error {
	room := c.Param("room")
	if !protocol.ValidRoomID(room) {
		return render(c, http.StatusNotFound, views.NotFound(
			"A room id is 1 to 64 characters of A-Z, a-z, 0-9, _ and -."))
	}
	if tokenFrom(c.Request(), false) == "" {
		return c.Redirect(http.StatusSeeOther, "/signin?next=/rooms/"+room)
	}
	id, ok := s.pageIdentity(c)
	p := views.RoomPage{Nav: s.nav(c), Room: room, CanModerate: id.CanModerate(room)}
	if ok {
		// The room's comments are for its signed-in viewers, as on the
		// WebSocket.
		p.Recent = s.opt.Hub.Recent(room)
	}
	if p.CanModerate {
		p.Tracks = replay.Tracks()
	}
	return render(c, http.StatusOK, views.Room(p))
}

func (s *Server) adminPage(c echo.Context) error {
	id, ok := s.pageIdentity(c)
	switch {
	case !ok:
		return c.Redirect(http.StatusSeeOther, "/signin?next=/admin")
	case id.Role != protocol.RoleAdmin:
		return render(c, http.StatusForbidden, views.NotFound("The admin page is for admins."))
	}
	return render(c, http.StatusOK, views.Admin(views.AdminPage{Nav: s.nav(c), Rooms: s.summaries()}))
}

// signIn checks the form, issues a session cookie and goes on to next (or
// the host's room, or the lobby).
func (s *Server) signIn(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	role := c.FormValue("role")
	room := strings.TrimSpace(c.FormValue("room"))
	next := safeNext(c.FormValue("next"))
	id := auth.Identity{User: protocol.User{ID: newUserID(), Name: name, Role: role}}
	if role == protocol.RoleHost {
		id.Room = room
		if next == "/" {
			next = "/rooms/" + room
		}
	}
	err := auth.Validate(id)
	switch {
	case err != nil:
	case role == protocol.RoleAdmin:
		if err = s.checkAdminPassword(c.FormValue("password")); err != nil {
			s.opt.Log.Warn("admin sign-in refused", "remote", c.RealIP(), "error", err)
		}
	case role == protocol.RoleHost && s.roomIsLive(room):
		// The page makes hosts of new rooms only: anyone could otherwise
		// take over a live room and kick its real host.
		err = errors.New("room " + room + " is live already; host a new room, " +
			"or ask its host or an admin")
	}
	if err != nil {
		p := views.SignInPage{Error: sentence(err.Error()), Next: next, Name: name}
		return render(c, http.StatusBadRequest, views.SignIn(p))
	}
	tok, exp, err := s.opt.Signer.Sign(id, s.opt.TokenTTL)
	if err != nil {
		return err
	}
	s.setSession(c, tok, exp)
	s.opt.Log.Info("signed in", "user", id.ID, "role", id.Role, "room", id.Room)
	return c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) checkAdminPassword(got string) error {
	want := s.opt.AdminPassword
	if want == "" {
		return errors.New("admin sign-in is disabled on this server")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errors.New("wrong admin password")
	}
	return nil
}

func (s *Server) signOut(c echo.Context) error {
	s.setSession(c, "", time.Unix(0, 0))
	return c.Redirect(http.StatusSeeOther, "/")
}

// setSession sets (or, with an empty token, clears) the session cookie.
// HttpOnly keeps it from page scripts; SameSite=Lax keeps other sites'
// forms and fetches from sending it.
func (s *Server) setSession(c echo.Context, token string, exp time.Time) {
	ck := &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/", Expires: exp,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Request().TLS != nil,
	}
	if token == "" {
		ck.MaxAge = -1
	}
	c.SetCookie(ck)
}

// safeNext keeps a post-sign-in redirect on this site: a path with no
// scheme, no host, and nothing a browser would strip or reinterpret
// (white space, control characters, backslashes) to make it one.
func safeNext(next string) string {
	for _, r := range next {
		if r <= ' ' || r == 0x7f || r == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil ||
		!strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}

// roomIsLive reports whether the room exists now.
func (s *Server) roomIsLive(room string) bool {
	_, err := s.opt.Hub.Room(room)
	return err == nil
}

// newUserID returns a fresh random user id: a browser signing in is a new
// user; its tabs share the id through the cookie.
func newUserID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported systems
	return "u-" + hex.EncodeToString(b)
}

// sentence capitalises a validation error for a person to read.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}
