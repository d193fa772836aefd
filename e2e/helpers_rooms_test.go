//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/mxschmitt/playwright-go"
)

// The helpers of the room tests (rooms_test.go): a room page seen as one
// tab, the admin HTTP API, expired sessions and steady-state checks.

// terminalQuiet is how long the room tests watch a page after a terminal
// close for sockets it must not open. The client's first retry would come
// within 0.5 s (protocol.Backoff), so a reconnecting client shows well
// inside it.
const terminalQuiet = 5 * time.Second

// startRoomsServer starts a server for the room tests. The default rate
// limit (2 comments a second, 5 at once, per user) is raised so that a test
// sending several comments from one user in a row is never refused for it.
func startRoomsServer(t *testing.T, extraArgs ...string) *Server {
	t.Helper()
	return startServer(t, append([]string{"--rate", "100", "--burst", "100"}, extraArgs...)...)
}

// roomTab is one tab on a room page and what the tests observe of it: the
// WebSockets it opens, which of them Playwright saw close, and the history
// of its body's data-ws-state and data-close-code.
type roomTab struct {
	t       *testing.T
	name    string // for messages: "user1 tab 2"
	page    playwright.Page
	console *consoleWatch
	opened  *atomic.Int64 // sockets the page opened (countWebSockets)
	closed  atomic.Int64  // of those, the ones whose close event came
}

// tabStateRecorder runs in the page before its own scripts and keeps every
// distinct "state:code" pair the body goes through in
// window.__barrageStates, so that a test can see a state that lasted too
// short a time for a locator to catch it. A state can last less than one
// task (reconnecting with a backoff of a few ms), so it rebuilds each value
// from the mutation records' old values rather than reading the body when
// the observer runs. A pair may show the new state with the old code for a
// moment, since the client sets the state first.
const tabStateRecorder = `(() => {
  const seen = [];
  window.__barrageStates = seen;
  const names = {'data-ws-state': 'state', 'data-close-code': 'code'};
  let now = null;
  const push = () => {
    if (!now.state) return;
    const s = now.state + ':' + (now.code || '');
    if (seen[seen.length - 1] !== s) seen.push(s);
  };
  const start = (records) => {
    const b = document.body;
    now = {state: b.getAttribute('data-ws-state'), code: b.getAttribute('data-close-code')};
    for (const r of [...records].reverse()) {
      now[names[r.attributeName]] = r.oldValue;
    }
    push();
  };
  new MutationObserver((records) => {
    const b = document.body;
    records = records.filter((r) => r.target === b);
    if (records.length === 0) return;
    if (now === null) start(records);
    records.forEach((r, i) => {
      const later = records.slice(i + 1).find((l) => l.attributeName === r.attributeName);
      now[names[r.attributeName]] = later ? later.oldValue : b.getAttribute(r.attributeName);
      push();
    });
  }).observe(document, {
    subtree: true, attributes: true, attributeOldValue: true,
    attributeFilter: Object.keys(names),
  });
  document.addEventListener('DOMContentLoaded', () => { if (now === null) start([]); });
})();`

// newWatchedTab opens a tab in bc, watching its console, its sockets and its
// states, without loading anything yet.
func newWatchedTab(t *testing.T, bc playwright.BrowserContext, name string) *roomTab {
	t.Helper()
	page := newPage(t, bc)
	tab := &roomTab{t: t, name: name, page: page, console: watchConsole(t, page)}
	tab.opened = countWebSockets(page)
	page.OnWebSocket(func(ws playwright.WebSocket) {
		ws.OnClose(func(playwright.WebSocket) { tab.closed.Add(1) })
	})
	err := page.AddInitScript(playwright.Script{Content: playwright.String(tabStateRecorder)})
	if err != nil {
		t.Fatalf("%s: add state recorder: %v", name, err)
	}
	return tab
}

// openWatchedTab opens /rooms/{room} in a new tab of bc and waits until the
// server has welcomed it (data-ws-state=open).
func openWatchedTab(t *testing.T, bc playwright.BrowserContext, name, room string) *roomTab {
	t.Helper()
	tab := newWatchedTab(t, bc, name)
	tab.goTo(room)
	tab.expectState("open")
	return tab
}

// goTo loads the room page of room.
func (tab *roomTab) goTo(room string) {
	tab.t.Helper()
	resp, err := tab.page.Goto("/rooms/" + room)
	if err != nil {
		tab.t.Fatalf("%s: open /rooms/%s: %v", tab.name, room, err)
	}
	if resp.Status() != http.StatusOK {
		tab.t.Fatalf("%s: open /rooms/%s: status %d", tab.name, room, resp.Status())
	}
}

func (tab *roomTab) body() playwright.LocatorAssertions {
	return expect.Locator(tab.page.Locator("body"))
}

// expectState waits until data-ws-state is state.
func (tab *roomTab) expectState(state string) {
	tab.t.Helper()
	if err := tab.body().ToHaveAttribute("data-ws-state", state); err != nil {
		tab.t.Fatalf("%s: data-ws-state: %v (states seen: %q)", tab.name, err, tab.states())
	}
}

// expectStateWithin is expectState with a longer wait, for reconnects that
// sit out a backoff.
func (tab *roomTab) expectStateWithin(state string, d time.Duration) {
	tab.t.Helper()
	opts := playwright.LocatorAssertionsToHaveAttributeOptions{
		Timeout: playwright.Float(float64(d.Milliseconds())),
	}
	if err := tab.body().ToHaveAttribute("data-ws-state", state, opts); err != nil {
		tab.t.Fatalf("%s: data-ws-state within %v: %v (states seen: %q)",
			tab.name, d, err, tab.states())
	}
}

// expectCloseCode waits until data-close-code is code.
func (tab *roomTab) expectCloseCode(code int) {
	tab.t.Helper()
	if err := tab.body().ToHaveAttribute("data-close-code", fmt.Sprint(code)); err != nil {
		tab.t.Fatalf("%s: data-close-code: %v (states seen: %q)", tab.name, err, tab.states())
	}
}

// expectEvicted checks what the client contract promises a removed tab:
// state evicted with code, the banner shown with a reason matching reason,
// the input disabled and a Rejoin button.
func (tab *roomTab) expectEvicted(code int, reason *regexp.Regexp) {
	tab.t.Helper()
	tab.expectState("evicted")
	tab.expectCloseCode(code)
	tab.expectBanner(reason)
	if err := expect.Locator(tab.page.Locator("#text")).ToBeDisabled(); err != nil {
		tab.t.Errorf("%s: #text of an evicted tab: %v", tab.name, err)
	}
	if err := expect.Locator(tab.page.Locator("#rejoin")).ToBeVisible(); err != nil {
		tab.t.Errorf("%s: #rejoin of an evicted tab: %v", tab.name, err)
	}
}

// expectBanner checks that #banner is visible and its text matches reason.
func (tab *roomTab) expectBanner(reason *regexp.Regexp) {
	tab.t.Helper()
	if err := expect.Locator(tab.page.Locator("#banner")).ToBeVisible(); err != nil {
		tab.t.Errorf("%s: #banner: %v", tab.name, err)
	}
	if err := expect.Locator(tab.page.Locator("#banner-text")).ToHaveText(reason); err != nil {
		tab.t.Errorf("%s: #banner-text: %v", tab.name, err)
	}
}

// expectSocketsClosed waits until Playwright has seen every socket the
// page opened close, and fails if none was opened.
func (tab *roomTab) expectSocketsClosed() {
	tab.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		opened, closed := tab.opened.Load(), tab.closed.Load()
		if opened > 0 && closed == opened {
			return
		}
		if time.Now().After(deadline) {
			tab.t.Fatalf("%s: %d of its %d WebSockets closed after 10s, want all",
				tab.name, closed, opened)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// send types text into #text and submits the form with #send-button.
func (tab *roomTab) send(text string) {
	tab.t.Helper()
	if err := tab.page.Locator("#text").Fill(text); err != nil {
		tab.t.Fatalf("%s: fill #text: %v", tab.name, err)
	}
	if err := tab.page.Locator("#send-button").Click(); err != nil {
		tab.t.Fatalf("%s: click #send-button: %v", tab.name, err)
	}
}

// comments locates the recent comments whose whole text is text.
func (tab *roomTab) comments(text string) playwright.Locator {
	exact := regexp.MustCompile("^" + regexp.QuoteMeta(text) + "$")
	return tab.page.Locator("#recent li[data-danmaku-seq]",
		playwright.PageLocatorOptions{HasText: exact})
}

// expectComment waits until #recent holds exactly one comment whose text is
// text and returns its sequence number.
func (tab *roomTab) expectComment(text string) string {
	tab.t.Helper()
	loc := tab.comments(text)
	if err := expect.Locator(loc).ToHaveCount(1); err != nil {
		tab.t.Fatalf("%s: comment %q in #recent: %v", tab.name, text, err)
	}
	seq, err := loc.GetAttribute("data-danmaku-seq")
	if err != nil {
		tab.t.Fatalf("%s: data-danmaku-seq of %q: %v", tab.name, text, err)
	}
	if !regexp.MustCompile(`^[1-9][0-9]*$`).MatchString(seq) {
		tab.t.Errorf("%s: comment %q has data-danmaku-seq %q, want a number", tab.name, text, seq)
	}
	return seq
}

// expectNoCommentNow checks at once that #recent holds no comment text.
func (tab *roomTab) expectNoCommentNow(text string) {
	tab.t.Helper()
	if err := tab.noComment(text)(); err != nil {
		tab.t.Error(err)
	}
}

// noComment is a steady check: #recent holds no comment text.
func (tab *roomTab) noComment(text string) func() error {
	return func() error {
		n, err := tab.comments(text).Count()
		if err != nil {
			return fmt.Errorf("%s: count comments: %w", tab.name, err)
		}
		if n != 0 {
			return fmt.Errorf("%s: #recent shows %q (%d times), which it must not get",
				tab.name, text, n)
		}
		return nil
	}
}

// noNewSockets is a steady check: the page has opened exactly n sockets.
func (tab *roomTab) noNewSockets(n int64) func() error {
	return func() error {
		if got := tab.opened.Load(); got != n {
			return fmt.Errorf("%s: opened WebSocket number %d after its terminal close "+
				"(had %d); states seen: %q", tab.name, got, n, tab.states())
		}
		return nil
	}
}

// stays is a steady check: data-ws-state is state.
func (tab *roomTab) stays(state string) func() error {
	return func() error {
		got, err := tab.page.Locator("body").GetAttribute("data-ws-state")
		if err != nil {
			return fmt.Errorf("%s: read data-ws-state: %w", tab.name, err)
		}
		if got != state {
			return fmt.Errorf("%s: data-ws-state is %q, want it to stay %q; states seen: %q",
				tab.name, got, state, tab.states())
		}
		return nil
	}
}

// states returns the "state:code" pairs the page has gone through.
func (tab *roomTab) states() []string {
	v, err := tab.page.Evaluate("() => window.__barrageStates || []")
	if err != nil {
		return []string{"(unreadable: " + err.Error() + ")"}
	}
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, fmt.Sprint(s))
	}
	return out
}

// expectStatesAfter checks that once the page reached a state with prefix
// from, every later state also has that prefix: e.g. "open:" for a tab
// that must never have left the room.
func (tab *roomTab) expectStatesAfter(from string) {
	tab.t.Helper()
	seen := tab.states()
	i := slices.IndexFunc(seen, func(s string) bool { return strings.HasPrefix(s, from) })
	if i < 0 {
		tab.t.Errorf("%s: never reached %q; states seen: %q", tab.name, from, seen)
		return
	}
	for _, s := range seen[i:] {
		if !strings.HasPrefix(s, from) {
			tab.t.Errorf("%s: left %q for %q; states seen: %q", tab.name, from, s, seen)
			return
		}
	}
}

// holdSteady runs every check every 100 ms for d and fails the test at the
// first one that does not hold: for what must stay true, such as a page that
// opens no new socket. It reports whether all held throughout.
func holdSteady(t *testing.T, d time.Duration, checks ...func() error) bool {
	t.Helper()
	end := time.Now().Add(d)
	for {
		for _, check := range checks {
			if err := check(); err != nil {
				t.Errorf("within %v: %v", d, err)
				return false
			}
		}
		if time.Now().After(end) {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// roomsAPI calls the admin HTTP API as an admin.
type roomsAPI struct {
	t     *testing.T
	s     *Server
	token string
}

// on returns the API for use by test t, a subtest say: failures are t's.
func (a *roomsAPI) on(t *testing.T) *roomsAPI {
	return &roomsAPI{t: t, s: a.s, token: a.token}
}

// roomDetailJSON is GET /api/rooms/{room}'s answer.
type roomDetailJSON struct {
	ID    string `json:"id"`
	Users []struct {
		ID          string `json:"id"`
		Connections int    `json:"connections"`
		MutedUntil  int64  `json:"muted_until"`
	} `json:"users"`
}

// connections returns how many connections user holds in the room, and
// whether the room lists the user at all.
func (d roomDetailJSON) connections(user string) (int, bool) {
	for _, u := range d.Users {
		if u.ID == user {
			return u.Connections, true
		}
	}
	return 0, false
}

// newRoomsAPI signs in an admin for the API of s.
func newRoomsAPI(t *testing.T, s *Server) *roomsAPI {
	t.Helper()
	return &roomsAPI{t: t, s: s, token: s.Token(t, "e2e-api-admin", "API admin", "admin")}
}

// call makes one request with a JSON body (if not nil), decodes a JSON
// answer into out (if not nil) and returns the status.
func (a *roomsAPI) call(method, path string, body, out any) int {
	a.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			a.t.Fatalf("%s %s: %v", method, path, err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.s.URL()+path, r)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatalf("%s %s: read answer: %v", method, path, err)
	}
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(data, out); err != nil {
			a.t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
	return resp.StatusCode
}

// room returns GET /api/rooms/{room}; a room that is not live (404) comes
// back empty.
func (a *roomsAPI) room(room string) roomDetailJSON {
	a.t.Helper()
	var d roomDetailJSON
	switch st := a.call(http.MethodGet, "/api/rooms/"+room, nil, &d); st {
	case http.StatusOK, http.StatusNotFound:
	default:
		a.t.Fatalf("GET /api/rooms/%s: status %d", room, st)
	}
	return d
}

// expectMember checks that user holds exactly conns connections in room
// (0: not listed at all).
func (a *roomsAPI) expectMember(room, user string, conns int) {
	a.t.Helper()
	d := a.room(room)
	got, listed := d.connections(user)
	switch {
	case conns == 0 && listed:
		a.t.Errorf("GET /api/rooms/%s lists %s with %d connections, want not listed",
			room, user, got)
	case conns > 0 && got != conns:
		a.t.Errorf("GET /api/rooms/%s: %s has %d connections (listed: %v), want %d",
			room, user, got, listed, conns)
	}
}

// kick removes user from room with a ban of ban seconds.
func (a *roomsAPI) kick(room, user string, ban int) {
	a.t.Helper()
	body := map[string]any{"user": user, "ban_seconds": ban}
	if st := a.call(http.MethodPost, "/api/rooms/"+room+"/kick", body, nil); st != http.StatusOK {
		a.t.Fatalf("POST /api/rooms/%s/kick: status %d", room, st)
	}
}

// closeRoom closes room (4004 to everyone in it).
func (a *roomsAPI) closeRoom(room string) {
	a.t.Helper()
	if st := a.call(http.MethodDelete, "/api/rooms/"+room, nil, nil); st != http.StatusOK {
		a.t.Fatalf("DELETE /api/rooms/%s: status %d", room, st)
	}
}

// signExpiredToken signs, with the harness's fixed secret, a viewer token
// for user that expired an hour ago: far past the server's 5 s leeway.
func signExpiredToken(t *testing.T, user string) string {
	t.Helper()
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss":  "barrage",
		"sub":  user,
		"name": user,
		"role": "viewer",
		"iat":  now.Add(-2 * time.Hour).Unix(),
		"exp":  now.Add(-time.Hour).Unix(),
	})
	signed, err := tok.SignedString([]byte(testSecret))
	if err != nil {
		t.Fatalf("sign an expired token: %v", err)
	}
	return signed
}
