package web

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"barrage/server/auth"
	"barrage/server/hub"
	"barrage/server/replay"
	"barrage/server/transport"
	"barrage/views"
)

// Options configure the web layer.
type Options struct {
	Hub       *hub.Hub
	Signer    *auth.Signer
	Transport transport.Config
	Log       *slog.Logger
	// Dev enables development mode: POST /api/token issues tokens to anyone.
	Dev bool
	// TokenTTL is the lifetime of tokens issued here. Default 24 h.
	TokenTTL time.Duration
	// AllowedOrigins lists origins besides the server's own that may open
	// WebSockets and make cookie-authenticated changes, as
	// scheme://host[:port].
	AllowedOrigins []string
	// AdminPassword lets the sign-in page make admins; empty disables that.
	AdminPassword string
	// Static holds the files served under /static/.
	Static fs.FS
}

// Server is the HTTP side of Barrage. Build it with [New]; it is safe for
// concurrent use.
type Server struct {
	opt      Options
	echo     *echo.Echo
	upgrader websocket.Upgrader
	replays  *replay.Manager
	assets   map[string]*asset
	metrics  *metrics
	sockets  socketSet
}

// SessionCookie is the name of the cookie holding a browser's token.
const SessionCookie = "session"

// New builds the server and its routes.
func New(opt Options) (*Server, error) {
	if opt.TokenTTL <= 0 {
		opt.TokenTTL = 24 * time.Hour
	}
	s := &Server{opt: opt, echo: echo.New(), replays: newReplays(opt.Hub, opt.Log)}
	s.metrics = newMetrics(opt.Hub, s.OpenSockets)
	s.opt.Transport = opt.Transport.WithDefaults()
	s.opt.Transport.OnClose = s.metrics.closed
	allowed, err := parseOrigins(opt.AllowedOrigins)
	if err != nil {
		return nil, err
	}
	if opt.Static != nil {
		if s.assets, err = loadAssets(opt.Static); err != nil {
			return nil, err
		}
	}
	s.upgrader = websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		CheckOrigin:      func(r *http.Request) bool { return sameOrAllowedOrigin(r, allowed) },
	}
	s.echo.HideBanner, s.echo.HidePort = true, true
	// Behind a proxy the operator says so; by default a client cannot choose
	// the address the logs show for it.
	s.echo.IPExtractor = echo.ExtractIPDirect()
	s.echo.HTTPErrorHandler = s.handleError
	s.middleware(allowed)
	s.routes()
	s.pageRoutes()
	return s, nil
}

// Handler returns the HTTP handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Shutdown stops the replays, refuses new WebSockets, then waits until every
// WebSocket has been closed (call [hub.Hub.Shutdown] first) or ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.replays.Close()
	return s.sockets.drain(ctx)
}

// OpenSockets returns how many WebSockets are being served, including those
// being refused or closed.
func (s *Server) OpenSockets() int64 { return s.sockets.count() }

// socketSet counts the WebSockets being served and lets a shutdown wait for
// the last one. Unlike a WaitGroup, it may be added to while a shutdown
// waits: the addition is refused.
type socketSet struct {
	mu       sync.Mutex
	n        int64
	draining bool
	idle     chan struct{} // closed when n drops to 0 while draining
}

// add counts a new socket, or reports false once draining has begun.
func (ss *socketSet) add() bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.draining {
		return false
	}
	ss.n++
	return true
}

func (ss *socketSet) done() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.n--
	if ss.n == 0 && ss.idle != nil {
		close(ss.idle)
		ss.idle = nil
	}
}

func (ss *socketSet) count() int64 {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.n
}

// drain refuses new sockets and waits for the open ones to close.
func (ss *socketSet) drain(ctx context.Context) error {
	ss.mu.Lock()
	ss.draining = true
	if ss.n == 0 {
		ss.mu.Unlock()
		return nil
	}
	if ss.idle == nil {
		ss.idle = make(chan struct{})
	}
	idle := ss.idle
	ss.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for %d websockets: %w", ss.count(), ctx.Err())
	}
}

// NewHTTPServer returns the http.Server Barrage listens with. Its timeouts
// guard the pages and the API against slow clients; gorilla/websocket clears
// the connection's deadlines when it takes over, so they never cut an idle
// WebSocket.
func NewHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

func (s *Server) middleware(allowed map[string]bool) {
	cop := http.NewCrossOriginProtection()
	for origin := range allowed {
		// The origins were checked by parseOrigins.
		_ = cop.AddTrustedOrigin(origin)
	}
	// The WebSocket must reach the upgrader unwrapped; static files are
	// compressed once at start.
	skipGzip := func(c echo.Context) bool {
		return c.Path() == "/ws" || strings.HasPrefix(c.Path(), "/static/")
	}
	s.echo.Use(
		middleware.Recover(),
		middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
			LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true,
			LogError: true, HandleError: true,
			LogValuesFunc: s.logRequest,
		}),
		echo.WrapMiddleware(cop.Handler),
		middleware.GzipWithConfig(middleware.GzipConfig{Skipper: skipGzip, MinLength: 1024}),
	)
}

func (s *Server) logRequest(c echo.Context, v middleware.RequestLoggerValues) error {
	if v.URIPath == "/healthz" || v.URIPath == "/metrics" || strings.HasPrefix(v.URIPath, "/static/") && v.Error == nil {
		return nil
	}
	status := v.Status
	if v.URIPath == "/ws" && status == http.StatusOK {
		// gorilla/websocket wrote the 101 on the hijacked connection, behind
		// Echo's back; the line comes when the socket has closed.
		status = http.StatusSwitchingProtocols
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.opt.Log.LogAttrs(c.Request().Context(), level, "http request",
		slog.String("method", v.Method), slog.String("path", v.URIPath),
		slog.Int("status", status), slog.Duration("latency", v.Latency))
	return nil
}

// handleError answers an API error as JSON {"error": …} and a page error as
// an HTML page, with a fitting status, and never writes to a hijacked
// connection.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg := http.StatusInternalServerError, "internal error"
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
		if m, ok := he.Message.(string); ok {
			msg = m
		} else {
			msg = http.StatusText(status)
		}
	} else {
		s.opt.Log.Error("request failed", "path", c.Path(), "error", err)
	}
	switch {
	case c.Request().Method == http.MethodHead:
		_ = c.NoContent(status)
	case isPage(c.Request().URL.Path):
		_ = render(c, status, views.NotFound(sentence(msg)))
	default:
		_ = c.JSON(status, map[string]string{"error": msg})
	}
}

// isPage tells the paths people open in a browser, which get an HTML error
// page, from the API's, which get JSON.
func isPage(p string) bool {
	return !strings.HasPrefix(p, "/api/") && p != "/ws" && p != "/healthz" &&
		!strings.HasPrefix(p, "/static/")
}

// parseOrigins checks and normalises the allow-list.
func parseOrigins(list []string) (map[string]bool, error) {
	allowed := make(map[string]bool)
	for _, o := range list {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" && u.Path != "/" {
			return nil, errors.New("allowed origin " + o + ": want scheme://host[:port]")
		}
		allowed[strings.ToLower(u.Scheme+"://"+u.Host)] = true
	}
	return allowed, nil
}

// sameOrAllowedOrigin accepts a WebSocket handshake without an Origin
// header (programs), from the server's own origin, or from the allow-list.
// Accepting any origin would let another site open sockets with the user's
// cookie and, by the one-room rule, evict the user's real tabs.
func sameOrAllowedOrigin(r *http.Request, allowed map[string]bool) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return allowed[strings.ToLower(u.Scheme+"://"+u.Host)]
}
