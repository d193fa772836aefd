//go:build e2e

package e2e

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// expect makes Playwright's retrying assertions, e.g.
//
//	err := expect.Locator(page.Locator("body")).ToHaveAttribute("data-ws-state", "open")
//
// Each retries until it holds or 10 s pass.
var expect = playwright.NewPlaywrightAssertions(10_000)

// actionTimeout bounds every Playwright action and navigation, in ms.
const actionTimeout = 15_000

// newContext opens a browser context with no session: a signed-out visitor.
// It is closed when the test ends.
func newContext(t *testing.T) playwright.BrowserContext {
	t.Helper()
	return newContextWith(t, playwright.BrowserNewContextOptions{})
}

// newUser signs a user in: it gets a token from s's POST /api/token and opens
// a browser context holding it as the HttpOnly `session` cookie for
// 127.0.0.1, with s.URL() as the base URL (so page.Goto("/rooms/r") works).
// One context is one user; its pages are that user's tabs. It is closed when
// the test ends.
func newUser(t *testing.T, s *Server, user, name, role string) playwright.BrowserContext {
	t.Helper()
	return newUserWith(t, s, TokenRequest{User: user, Name: name, Role: role})
}

// newUserWith is [newUser] with every field of the token request (a host
// names the room it hosts).
func newUserWith(t *testing.T, s *Server, req TokenRequest) playwright.BrowserContext {
	t.Helper()
	return userContextWith(t, s, s.TokenFor(t, req), playwright.BrowserNewContextOptions{})
}

// newContextWith is [newContext] with options, e.g. a base URL or a locale.
func newContextWith(
	t *testing.T,
	opts playwright.BrowserNewContextOptions,
) playwright.BrowserContext {
	t.Helper()
	bc, err := harness.browser.NewContext(opts)
	if err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	bc.SetDefaultTimeout(actionTimeout)
	bc.SetDefaultNavigationTimeout(actionTimeout)
	t.Cleanup(func() {
		if err := bc.Close(); err != nil {
			t.Logf("close browser context: %v", err)
		}
	})
	return bc
}

// newPage opens a tab in bc. When the test ends it is closed, after a
// screenshot if the test failed.
func newPage(t *testing.T, bc playwright.BrowserContext) playwright.Page {
	t.Helper()
	page, err := bc.NewPage()
	if err != nil {
		t.Fatalf("new page: %v", err)
	}
	n := pageNumber.Add(1)
	t.Cleanup(func() {
		if t.Failed() && !page.IsClosed() {
			screenshot(t, page, fmt.Sprintf("failed-page%d", n))
		}
		if err := page.Close(); err != nil {
			t.Logf("close page: %v", err)
		}
	})
	return page
}

// pageNumber tells apart the failure screenshots of several pages.
var pageNumber atomic.Int64

// fatalConsole matches console output that means the page's program died,
// whatever console method printed it: the Go runtime writes panics to the
// console through wasm_exec.js, and calls into an exited Go program throw.
var fatalConsole = regexp.MustCompile(
	`Go program has already exited|^panic: |^fatal error: |^exit code: [1-9]`)

// faviconMissing matches the console error Chromium logs when the favicon it
// fetches by itself is missing: not a failure of the page under test.
var faviconMissing = regexp.MustCompile(
	`^console\.error: Failed to load resource: .* 404 .*\(/favicon\.ico:`)

// consoleWatch collects the problems a page reports: console errors, Go
// panics and uncaught exceptions. Playwright records into it from its
// dispatch goroutine; its methods are safe for concurrent use.
type consoleWatch struct {
	mu       sync.Mutex
	seen     []string
	expected []*regexp.Regexp
}

// watchConsole starts collecting page's problems; when the test ends, each
// one that no [consoleWatch.Allow] pattern matches fails the test (a 404 for
// /favicon.ico is allowed from the start). Call it right after newPage,
// before the page loads anything.
func watchConsole(t *testing.T, page playwright.Page) *consoleWatch {
	t.Helper()
	w := &consoleWatch{expected: []*regexp.Regexp{faviconMissing}}
	page.OnConsole(func(m playwright.ConsoleMessage) {
		if m.Type() != "error" && !fatalConsole.MatchString(m.Text()) {
			return
		}
		line := fmt.Sprintf("console.%s: %s", m.Type(), m.Text())
		if loc := m.Location(); loc != nil && loc.URL != "" {
			line += fmt.Sprintf(" (%s:%d)", shortURL(loc.URL), loc.LineNumber+1)
		}
		w.add(line)
	})
	page.OnPageError(func(err error) {
		w.add("uncaught exception: " + err.Error())
	})
	t.Cleanup(func() {
		for _, p := range w.unexpected() {
			t.Errorf("page reported a problem: %s", p)
		}
	})
	return w
}

// Allow marks problems matching the regular expression pattern as expected,
// for tests that provoke them (a failing socket logs a console error).
func (w *consoleWatch) Allow(pattern string) {
	re := regexp.MustCompile(pattern)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.expected = append(w.expected, re)
}

// Seen returns every problem collected so far, expected or not.
func (w *consoleWatch) Seen() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.seen...)
}

func (w *consoleWatch) add(line string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seen = append(w.seen, line)
}

func (w *consoleWatch) unexpected() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, line := range w.seen {
		allowed := false
		for _, re := range w.expected {
			if re.MatchString(line) {
				allowed = true
				break
			}
		}
		if !allowed {
			out = append(out, line)
		}
	}
	return out
}

// countWebSockets counts the WebSockets page opens from now on. Call it before
// the navigation or action that opens them.
func countWebSockets(page playwright.Page) *atomic.Int64 {
	var n atomic.Int64
	page.OnWebSocket(func(playwright.WebSocket) { n.Add(1) })
	return &n
}

// screenshot saves a full-page PNG as e2e/artifacts/<test>-<name>.png and
// returns its path. A failure to take it fails the test but does not stop it.
func screenshot(t *testing.T, page playwright.Page, name string) string {
	t.Helper()
	path := artifactPath(t, name+".png")
	_, err := page.Screenshot(playwright.PageScreenshotOptions{
		Path:     playwright.String(path),
		FullPage: playwright.Bool(true),
	})
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return path
	}
	t.Logf("screenshot: %s", path)
	return path
}

// unsafeFileChars are the characters replaced in artifact file names.
var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// artifactPath is e2e/artifacts/<test name>-<name>, the test name made safe
// for a file name (subtests included).
func artifactPath(t testing.TB, name string) string {
	test := unsafeFileChars.ReplaceAllString(t.Name(), "_")
	return filepath.Join(harness.artifacts, test+"-"+name)
}

// serverNumbers counts the servers each test has started, to name their logs.
var serverNumbers struct {
	sync.Mutex
	byTest map[string]int
}

func nextServerNumber(t testing.TB) int {
	serverNumbers.Lock()
	defer serverNumbers.Unlock()
	if serverNumbers.byTest == nil {
		serverNumbers.byTest = make(map[string]int)
	}
	serverNumbers.byTest[t.Name()]++
	return serverNumbers.byTest[t.Name()]
}

// shortURL trims data: URLs, which carry a whole page, for messages.
func shortURL(u string) string {
	if strings.HasPrefix(u, "data:") && len(u) > 40 {
		return u[:40] + "…"
	}
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Path
	}
	return u
}

// userContextWith opens a browser context for token's user with opts (a
// viewport, JavaScript off), the way newUser does with defaults.
func userContextWith(
	t *testing.T,
	s *Server,
	token string,
	opts playwright.BrowserNewContextOptions,
) playwright.BrowserContext {
	t.Helper()
	opts.BaseURL = playwright.String(s.URL())
	bc := newContextWith(t, opts)
	err := bc.AddCookies([]playwright.OptionalCookie{{
		Name:     "session",
		Value:    token,
		Domain:   playwright.String("127.0.0.1"),
		Path:     playwright.String("/"),
		HttpOnly: playwright.Bool(true),
		SameSite: playwright.SameSiteAttributeLax,
	}})
	if err != nil {
		t.Fatalf("add session cookie: %v", err)
	}
	return bc
}
