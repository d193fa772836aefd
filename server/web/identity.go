package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"barrage/server/auth"
)

// tokenFrom returns the token a request carries: a Bearer header, a
// ?token= query parameter (programs opening a WebSocket cannot set headers
// in browsers), or the session cookie.
func tokenFrom(r *http.Request, allowQuery bool) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(tok)
		}
	}
	if allowQuery {
		if tok := r.URL.Query().Get("token"); tok != "" {
			return tok
		}
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

const identityKey = "barrage.identity"

// requireSignIn admits requests with a valid token and stores the identity
// for the handler.
func (s *Server) requireSignIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := s.opt.Signer.Verify(tokenFrom(c.Request(), false))
		if err != nil {
			msg := auth.ErrInvalid.Error()
			switch {
			case errors.Is(err, auth.ErrMissing):
				msg = auth.ErrMissing.Error()
			case errors.Is(err, auth.ErrExpired):
				msg = auth.ErrExpired.Error()
			}
			return echo.NewHTTPError(http.StatusUnauthorized, msg)
		}
		c.Set(identityKey, id)
		return next(c)
	}
}

// identity returns the identity stored by requireSignIn.
func identity(c echo.Context) auth.Identity {
	id, _ := c.Get(identityKey).(auth.Identity)
	return id
}

// mayModerate refuses with 403 unless the caller moderates room.
func mayModerate(c echo.Context, room string) error {
	if !identity(c).CanModerate(room) {
		return echo.NewHTTPError(http.StatusForbidden,
			"only an admin or the room's host may do this")
	}
	return nil
}
