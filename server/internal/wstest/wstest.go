// Package wstest runs a real Barrage server (hub, web layer, HTTP server
// with its production timeouts) on a loopback port and dials it with real
// WebSocket clients, for the tests of the server's packages.
package wstest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"barrage/protocol"
	"barrage/server/auth"
	"barrage/server/hub"
	"barrage/server/transport"
	"barrage/server/web"
)

// Secret signs the test tokens.
const Secret = "wstest-secret-wstest-secret-wstest-secret"

// Env is one running server.
type Env struct {
	T      testing.TB
	Hub    *hub.Hub
	Signer *auth.Signer
	Web    *web.Server
	// URL is the server's http:// base URL; WS its ws:// base URL.
	URL, WS string
}

// Options tune an Env; zero values mean fast test timings.
type Options struct {
	Hub       hub.Config
	Transport transport.Config
	Origins   []string
	// Log receives the server's log; nil discards it unless
	// BARRAGE_TEST_LOG is set.
	Log *slog.Logger
	// HTTP, if set, adjusts the production http.Server before it starts.
	HTTP func(*http.Server)
}

// Start runs a server for the test and stops it at cleanup.
func Start(t testing.TB, opt Options) *Env {
	t.Helper()
	log := opt.Log
	if log == nil {
		var w io.Writer = io.Discard
		if os.Getenv("BARRAGE_TEST_LOG") != "" {
			w = os.Stderr
		}
		log = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if opt.Hub.PresenceInterval == 0 {
		opt.Hub.PresenceInterval = 50 * time.Millisecond
	}
	if opt.Hub.RatePerSecond == 0 {
		opt.Hub.RatePerSecond, opt.Hub.RateBurst = 10000, 10000
	}
	opt.Transport = opt.Transport.WithDefaults()
	opt.Hub.HeartbeatInterval = opt.Transport.HeartbeatInterval
	signer, err := auth.NewSigner([]byte(Secret))
	if err != nil {
		t.Fatal(err)
	}
	h := hub.New(opt.Hub, log)
	srv, err := web.New(web.Options{
		Hub: h, Signer: signer, Transport: opt.Transport, Log: log, Dev: true,
		AllowedOrigins: opt.Origins,
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Config = web.NewHTTPServer(srv.Handler(), log)
	if opt.HTTP != nil {
		opt.HTTP(ts.Config)
	}
	ts.Start()
	ctx, cancel := context.WithCancel(context.Background())
	go h.Run(ctx)
	t.Cleanup(func() {
		h.Shutdown()
		waitCtx, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		if err := srv.Shutdown(waitCtx); err != nil {
			t.Errorf("sockets still open after shutdown: %v", err)
		}
		cancel()
		ts.Close()
	})
	return &Env{T: t, Hub: h, Signer: signer, Web: srv, URL: ts.URL,
		WS: "ws" + strings.TrimPrefix(ts.URL, "http")}
}

// Token signs a token for user with the given role (host tokens host
// room), valid for ttl (an hour if zero).
func (e *Env) Token(user, role, room string, ttl time.Duration) string {
	e.T.Helper()
	if ttl == 0 {
		ttl = time.Hour
	}
	tok, _, err := e.Signer.Sign(auth.Identity{
		User: protocol.User{ID: user, Name: "Name of " + user, Role: role}, Room: room,
	}, ttl)
	if err != nil {
		e.T.Fatal(err)
	}
	return tok
}

// RoomURL is the WebSocket URL of room with a ?token=.
func (e *Env) RoomURL(room, token string) string {
	return e.WS + "/ws?room=" + room + "&token=" + token
}

// Join dials room as a viewer user and waits for the welcome, which it keeps
// in the client's Welcome.
func (e *Env) Join(user, room string) *Client {
	e.T.Helper()
	c := Dial(e.T, e.RoomURL(room, e.Token(user, protocol.RoleViewer, "", 0)), nil)
	c.Expect(protocol.EventWelcome).Decode(e.T, &c.Welcome)
	return c
}
