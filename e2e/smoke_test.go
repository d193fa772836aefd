//go:build e2e

package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mxschmitt/playwright-go"
)

// TestBrowserSmoke proves the whole chain on this machine: the built server
// binary starts, answers /healthz, and Chromium loads that page from it. The
// body only has to say "ok" (today it is JSON with live counters).
func TestBrowserSmoke(t *testing.T) {
	s := startServer(t)
	page := newPage(t, newContext(t))
	watchConsole(t, page)

	resp, err := page.Goto(s.URL() + "/healthz")
	if err != nil {
		t.Fatalf("open /healthz: %v", err)
	}
	if resp.Status() != http.StatusOK {
		t.Fatalf("open /healthz: status %d, want 200", resp.Status())
	}
	healthy := regexp.MustCompile(`(?i)\bok\b`)
	if err := expect.Locator(page.Locator("body")).ToHaveText(healthy); err != nil {
		t.Errorf("/healthz in the browser: %v", err)
	}
	screenshot(t, page, "healthz")
}

// TestHarnessWebSocket proves, without the barrage server, that a page in
// Chromium on this machine opens a WebSocket to a loopback Go server,
// exchanges UTF-8 text both ways, and receives the server's close code and
// Chinese reason through a complete close handshake.
func TestHarnessWebSocket(t *testing.T) {
	const reason = "你已在另一个房间打开" // 30 bytes: fits a close frame
	result := make(chan wsResult, 1)
	upgrader := websocket.Upgrader{
		// A page set on about:blank has the opaque origin "null"; accept
		// exactly that.
		CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "null" },
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			result <- wsResult{err: fmt.Errorf("upgrade: %w", err)}
			return
		}
		defer c.Close()
		result <- closeAfterEcho(c, 4001, reason)
	}))
	t.Cleanup(ts.Close)

	html := `<!doctype html><meta charset="utf-8"><title>ws</title>
<body data-ws-state="connecting"><ul id="got"></ul>
<script>
const ws = new WebSocket("ws://` + ts.Listener.Addr().String() + `/ws");
ws.onopen = () => { document.body.dataset.wsState = "open"; ws.send("你好, server"); };
ws.onmessage = (e) => {
  const li = document.createElement("li");
  li.textContent = e.data;
  document.getElementById("got").append(li);
};
ws.onclose = (e) => {
  document.body.dataset.closeCode = e.code;
  document.body.dataset.closeReason = e.reason;
  document.body.dataset.wsState = "closed";
};
</script>`

	page := newPage(t, newContext(t))
	watchConsole(t, page)
	sockets := countWebSockets(page)
	// The page is set on about:blank rather than opened as a data: URL:
	// Chromium 156's Local Network Access checks treat a data: page as
	// public and block its sockets to loopback (net::ERR_BLOCKED_BY_LOCAL_
	// NETWORK_ACCESS_CHECKS, close 1006), and no permission grant reaches
	// its opaque origin. Barrage's pages are loopback to loopback.
	if err := page.SetContent(html); err != nil {
		t.Fatalf("set page content: %v", err)
	}

	body := expect.Locator(page.Locator("body"))
	if err := body.ToHaveAttribute("data-ws-state", "closed"); err != nil {
		t.Fatalf("socket never closed: %v", err)
	}
	got := expect.Locator(page.Locator("#got li"))
	if err := got.ToHaveText("echo: 你好, server"); err != nil {
		t.Errorf("page did not get the echo: %v", err)
	}
	if err := body.ToHaveAttribute("data-close-code", "4001"); err != nil {
		t.Errorf("close code in the page: %v", err)
	}
	if err := body.ToHaveAttribute("data-close-reason", reason); err != nil {
		t.Errorf("close reason in the page: %v", err)
	}
	screenshot(t, page, "websocket")

	r := receive(t, result)
	if r.err != nil {
		t.Fatalf("server side: %v", r.err)
	}
	if r.got != "你好, server" {
		t.Errorf("server got %q from the page, want %q", r.got, "你好, server")
	}
	if r.closeReply != 4001 {
		t.Errorf("browser answered the close with code %d, want 4001 echoed", r.closeReply)
	}
	if n := sockets.Load(); n != 1 {
		t.Errorf("page opened %d WebSockets, want 1", n)
	}
}

// wsResult is what a test's WebSocket handler saw.
type wsResult struct {
	got        string // the first text frame from the page
	closeReply int    // the code of the page's close frame
	err        error
}

// closeAfterEcho reads one text frame, answers "echo: <text>", starts the
// close handshake with code and reason, and reads until the peer's close
// frame arrives, as the barrage server must.
func closeAfterEcho(c *websocket.Conn, code int, reason string) wsResult {
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, msg, err := c.ReadMessage()
	if err != nil {
		return wsResult{err: fmt.Errorf("read: %w", err)}
	}
	if err := c.WriteMessage(websocket.TextMessage, []byte("echo: "+string(msg))); err != nil {
		return wsResult{err: fmt.Errorf("write echo: %w", err)}
	}
	closeMsg := websocket.FormatCloseMessage(code, reason)
	deadline := time.Now().Add(time.Second)
	if err := c.WriteControl(websocket.CloseMessage, closeMsg, deadline); err != nil {
		return wsResult{err: fmt.Errorf("write close: %w", err)}
	}
	for {
		_, _, err := c.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return wsResult{got: string(msg), closeReply: ce.Code}
		}
		if err != nil {
			return wsResult{got: string(msg), err: fmt.Errorf("await close reply: %w", err)}
		}
	}
}

// TestHarnessSessionCookie proves newUser against a stand-in for the token
// endpoint: the browser sends the session cookie with page loads and with the
// WebSocket handshake, and page scripts cannot read it.
func TestHarnessSessionCookie(t *testing.T) {
	fake := newFakeTokenServer(t)
	bc := newUser(t, fake, "alice", "爱丽丝", "viewer")
	page := newPage(t, bc)
	watchConsole(t, page)

	if _, err := page.Goto("/whoami"); err != nil {
		t.Fatalf("open /whoami: %v", err)
	}
	want := "session=tok-alice-viewer"
	if err := expect.Locator(page.Locator("body")).ToHaveText(want); err != nil {
		t.Errorf("cookie on a page load: %v", err)
	}

	sockets := countWebSockets(page)
	if _, err := page.Goto("/page"); err != nil {
		t.Fatalf("open /page: %v", err)
	}
	if err := expect.Locator(page.Locator("#ws")).ToHaveText(want); err != nil {
		t.Errorf("cookie on the WebSocket handshake: %v", err)
	}
	if n := sockets.Load(); n != 1 {
		t.Errorf("page opened %d WebSockets, want 1", n)
	}

	visible, err := page.Evaluate("() => document.cookie")
	if err != nil {
		t.Fatalf("read document.cookie: %v", err)
	}
	if visible != "" {
		t.Errorf("document.cookie = %q, want the HttpOnly session hidden", visible)
	}
}

// newFakeTokenServer serves just enough of barrage for newUser: POST
// /api/token, plus GET /whoami and a /page whose WebSocket to /ws report the
// session cookie each request carried.
func newFakeTokenServer(t *testing.T) *Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/token", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ User, Name, Role string }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.User == "" {
			http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"token":      "tok-" + req.User + "-" + req.Role,
			"expires_at": time.Now().Add(time.Hour).Unix(),
		})
	})
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, sessionOf(r))
	})
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><meta charset="utf-8"><p id="ws">waiting</p>
<script>
const ws = new WebSocket("ws://" + location.host + "/ws");
ws.onmessage = (e) => { document.getElementById("ws").textContent = e.data; };
</script>`)
	})
	upgrader := websocket.Upgrader{
		CheckOrigin: func(r *http.Request) bool {
			return r.Header.Get("Origin") == "http://"+r.Host
		},
	}
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.WriteMessage(websocket.TextMessage, []byte(sessionOf(r)))
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	})

	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return &Server{addr: ts.Listener.Addr().String()}
}

func sessionOf(r *http.Request) string {
	c, err := r.Cookie("session")
	if err != nil {
		return "no session"
	}
	return "session=" + c.Value
}

// TestHarnessWatchConsole checks that watchConsole collects what means a
// broken page (console errors, Go panics and exits, uncaught exceptions,
// including the one from calling into an exited Go program) and ignores
// ordinary logging.
func TestHarnessWatchConsole(t *testing.T) {
	page := newPage(t, newContext(t))
	w := watchConsole(t, page)
	w.Allow(`^console\.(log|error|warning): (panic|plain|exit)`)
	w.Allow(`^uncaught exception: .*(Go program has already exited|not an Error)`)
	if err := page.SetContent(`<p>console</p>`); err != nil {
		t.Fatalf("set content: %v", err)
	}

	lastLine := func(m playwright.ConsoleMessage) bool {
		return m.Text() == "exit code: 2"
	}
	provoke := func() error {
		_, err := page.Evaluate(`() => {
			console.log("an ordinary log line");
			console.log("panic: runtime error: index out of range [3] with length 3");
			console.error("plain console error");
			setTimeout(() => { throw "not an Error"; });
			setTimeout(() => { throw new Error("Go program has already exited"); });
			setTimeout(() => console.warn("exit code: 2"), 10);
		}`)
		return err
	}
	_, err := page.ExpectConsoleMessage(provoke, playwright.PageExpectConsoleMessageOptions{
		Predicate: lastLine,
	})
	if err != nil {
		t.Fatalf("provoke console problems: %v", err)
	}

	want := []*regexp.Regexp{
		regexp.MustCompile(`^console\.log: panic: runtime error`),
		regexp.MustCompile(`^console\.error: plain console error`),
		regexp.MustCompile(`^uncaught exception: .*not an Error`),
		regexp.MustCompile(`^uncaught exception: .*Go program has already exited`),
		regexp.MustCompile(`^console\.warning: exit code: 2`),
	}
	seen := w.Seen()
	for _, re := range want {
		if !slices.ContainsFunc(seen, re.MatchString) {
			t.Errorf("watchConsole missed %s; seen %q", re, seen)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("watchConsole collected %d problems, want %d: %q", len(seen), len(want), seen)
	}
}

// receive waits a bounded time for a test server's result.
func receive[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("no result from the test server within 10s")
		var zero T
		return zero
	}
}
