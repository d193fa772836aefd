//go:build e2e

package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"
)

// liveRecorderJS runs in every page that openLiveTab opens, before the page's
// own scripts. A MutationObserver notes what the client puts on the page,
// so a test can assert on things that come and go faster than a locator
// polls (a comment pushed out of the recent list within a second by a fast
// replay, a reconnecting state that lasts a few hundred milliseconds):
//
//   - comments: each li[data-danmaku-seq] added to #recent, with its text
//     and whether that text is a single text node (no element or comment
//     node was parsed out of it);
//   - bullets: the text of each bullet added to #overlay, and whether it is
//     a single text node;
//   - maxBullets: the most bullets #overlay ever held at once that were
//     still within their time on the stage (--dur from when they were
//     added); maxOverlay: the most children it had, counting finished ones
//     that wait for their animationend (late on a busy page) to go;
//   - imgs: <img> elements ever added inside #recent, #overlay, #notices or
//     #banner (server text parsed as HTML);
//   - statuses: each text #send-status was given (refusals of a comment);
//   - trail: the body's data-ws-state/data-close-code pairs, in order,
//     without repeats.
const liveRecorderJS = `(() => {
  const rec = {
    comments: [], bullets: [], maxBullets: 0, maxOverlay: 0, imgs: 0, statuses: [], trail: [],
  };
  const born = new WeakMap(); // bullet -> [added at, its time on the stage], in ms
  window.__rec = rec;
  const watched = '#recent, #overlay, #notices, #banner';
  const note = () => {
    const b = document.body;
    if (!b) return;
    const s = (b.dataset.wsState || '') + '/' + (b.dataset.closeCode || '');
    if (rec.trail[rec.trail.length - 1] !== s) rec.trail.push(s);
  };
  // target is the node n was added to: n may be gone again by the time
  // the observer runs (a flood trims the recent list in the same task).
  const added = (n, target) => {
    if (n.nodeType !== 1) return;
    const inWatched = target.nodeType === 1 && target.closest(watched);
    if (inWatched && (n.tagName === 'IMG' || n.querySelector('img'))) rec.imgs++;
    const plain = n.childNodes.length === 1 && n.firstChild.nodeType === Node.TEXT_NODE;
    if (target.id === 'recent' && n.matches('li[data-danmaku-seq]')) {
      rec.comments.push({ seq: Number(n.dataset.danmakuSeq), text: n.textContent, plain });
    } else if (target.id === 'overlay') {
      rec.bullets.push({ text: n.textContent, plain });
      born.set(n, [performance.now(), parseFloat(n.style.getPropertyValue('--dur')) || 0]);
    }
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type !== 'childList') continue;
      r.addedNodes.forEach((n) => added(n, r.target));
      if (r.target.id === 'send-status') rec.statuses.push(r.target.textContent);
    }
    const ov = document.getElementById('overlay');
    if (ov) {
      const now = performance.now();
      let live = 0;
      for (const b of ov.children) {
        const [at, dur] = born.get(b) || [now, 1];
        if (now - at < dur - 5) live++; // 5 ms: Go placed it a moment before
      }
      rec.maxBullets = Math.max(rec.maxBullets, live);
      rec.maxOverlay = Math.max(rec.maxOverlay, ov.childElementCount);
    }
    note();
  }).observe(document, {
    subtree: true, childList: true, attributes: true,
    attributeFilter: ['data-ws-state', 'data-close-code'],
  });
})();`

// liveTab is a room page opened by openLiveTab, with its console watch.
type liveTab struct {
	playwright.Page
	console *consoleWatch
}

// openLiveTab opens a tab of bc's user on /rooms/<room>, with the console
// watched, dialogs failing the test and the recorder installed, and waits
// until the client is running and the socket is welcomed.
func openLiveTab(t *testing.T, bc playwright.BrowserContext, room string) liveTab {
	t.Helper()
	p := newLiveTab(t, bc)
	p.gotoRoom(t, room)
	return p
}

// newLiveTab is openLiveTab without the navigation: a fresh tab, watched and
// recorded.
func newLiveTab(t *testing.T, bc playwright.BrowserContext) liveTab {
	t.Helper()
	page := newPage(t, bc)
	w := watchConsole(t, page)
	failOnDialogs(t, page)
	recorder := playwright.Script{Content: playwright.String(liveRecorderJS)}
	if err := page.AddInitScript(recorder); err != nil {
		t.Fatalf("add recorder script: %v", err)
	}
	return liveTab{Page: page, console: w}
}

// gotoRoom navigates the tab to /rooms/<room> and waits for data-client=ready
// and data-ws-state=open.
func (p liveTab) gotoRoom(t *testing.T, room string) {
	t.Helper()
	if _, err := p.Goto("/rooms/" + room); err != nil {
		t.Fatalf("open room %s: %v", room, err)
	}
	body := expect.Locator(p.Locator("body"))
	if err := body.ToHaveAttribute("data-client", "ready"); err != nil {
		t.Fatalf("room %s: client not ready: %v", room, err)
	}
	p.wantState(t, "open")
}

// wantState waits until the page's data-ws-state is state, or fails the test.
func (p liveTab) wantState(t *testing.T, state string) {
	t.Helper()
	if err := expect.Locator(p.Locator("body")).ToHaveAttribute("data-ws-state", state); err != nil {
		t.Fatalf("%s: data-ws-state never became %q: %v (trail %v)",
			p.URL(), state, err, p.trail(t))
	}
}

// wantClosed waits until the page shows state with data-close-code code.
func (p liveTab) wantClosed(t *testing.T, state string, code int) {
	t.Helper()
	p.wantState(t, state)
	body := expect.Locator(p.Locator("body"))
	if err := body.ToHaveAttribute("data-close-code", fmt.Sprint(code)); err != nil {
		t.Fatalf("%s: data-close-code never became %d: %v (trail %v)",
			p.URL(), code, err, p.trail(t))
	}
}

// trail is the recorder's list of state/close-code pairs the page went
// through.
func (p liveTab) trail(t *testing.T) []string {
	t.Helper()
	v, err := p.Evaluate(`() => window.__rec ? window.__rec.trail : []`)
	if err != nil {
		return []string{fmt.Sprintf("(trail unavailable: %v)", err)}
	}
	var out []string
	for _, s := range jsList(v) {
		out = append(out, fmt.Sprint(s))
	}
	return out
}

// sawState reports whether the page's trail holds state/code.
func (p liveTab) sawState(t *testing.T, state string, code int) bool {
	t.Helper()
	want := fmt.Sprintf("%s/%d", state, code)
	for _, s := range p.trail(t) {
		if s == want {
			return true
		}
	}
	return false
}

// send types text into #text and submits it with the Send button, then
// waits until the comment comes back from the server into #recent. A
// refusal shown in #send-status instead fails the test at once, with it.
func (p liveTab) send(t *testing.T, text string) {
	t.Helper()
	before := p.evalInt(t, `() => window.__rec.statuses.length`)
	if err := p.Locator("#text").Fill(text); err != nil {
		t.Fatalf("type a comment: %v", err)
	}
	if err := p.Locator("#send-button").Click(); err != nil {
		t.Fatalf("click Send: %v", err)
	}
	p.waitJS(t, `([text, before]) => window.__rec.comments.some(c => c.text === text) ||
		window.__rec.statuses.slice(before).some(s => s !== '')`, []any{text, before})
	v, err := p.Evaluate(`([text, before]) => window.__rec.comments.some(c => c.text === text) ?
		'' : window.__rec.statuses.slice(before).filter(s => s !== '').join(' | ')`,
		[]any{text, before})
	if err != nil {
		t.Fatalf("read the send status: %v", err)
	}
	if v != "" {
		t.Fatalf("%s: the comment %q was refused: %v", p.URL(), text, v)
	}
}

// waitComment waits until the recorder saw a comment with exactly text
// added to #recent.
func (p liveTab) waitComment(t *testing.T, text string) {
	t.Helper()
	p.waitJS(t, `text => window.__rec.comments.some(c => c.text === text)`, text)
}

// waitTimeout bounds waitJS, in ms. It is generous: the machines that run
// these tests are often busy, and it is only an upper bound.
const waitTimeout = 30_000

// waitJS waits until the function expression fn, called with arg in the
// page, returns a truthy value, or fails the test after waitTimeout.
func (p liveTab) waitJS(t *testing.T, fn string, arg any) {
	t.Helper()
	_, err := p.WaitForFunction(fn, arg, playwright.PageWaitForFunctionOptions{
		Polling: 50,
		Timeout: playwright.Float(waitTimeout),
	})
	if err != nil {
		t.Fatalf("%s: waiting for %s (arg %v): %v", p.URL(), fn, arg, err)
	}
}

// evalInt evaluates expr in the page and returns it as an int.
func (p liveTab) evalInt(t *testing.T, expr string) int {
	t.Helper()
	v, err := p.Evaluate(expr)
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		return int(n)
	}
	t.Fatalf("evaluate %s: got %T %v, want a number", expr, v, v)
	return 0
}

// promptEvalTimeout bounds a trivial page.Evaluate: a page whose main
// thread or Go runtime is stuck does not answer at all, and one drowning in
// a backlog of socket messages answers only after it. Generous, since the
// machines running these tests are often busy.
const promptEvalTimeout = 10 * time.Second

// assertResponsive proves the page still works for a person: a trivial
// script returns within promptEvalTimeout, typing into #text changes its
// value (when the input is enabled), and the loader still says the client
// runs (data-client=ready: boot.js sets "failed" when the Go program ends).
func (p liveTab) assertResponsive(t *testing.T, label string) {
	t.Helper()
	type result struct {
		v   any
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := p.Evaluate(`() => 6 * 7`)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		if r.err != nil || r.v != 42 {
			t.Fatalf("%s: evaluate 6*7 = %v, %v; want 42", label, r.v, r.err)
		}
	case <-time.After(promptEvalTimeout):
		t.Fatalf("%s: the page did not evaluate 6*7 within %v", label, promptEvalTimeout)
	}

	input := p.Locator("#text")
	enabled, err := input.IsEnabled()
	if err != nil {
		t.Fatalf("%s: read #text: %v", label, err)
	}
	if enabled {
		typed := "still here " + label
		if err := input.Fill(typed); err != nil {
			t.Fatalf("%s: type into #text: %v", label, err)
		}
		if err := expect.Locator(input).ToHaveValue(typed); err != nil {
			t.Errorf("%s: #text did not take the typing: %v", label, err)
		}
		if err := input.Fill(""); err != nil {
			t.Fatalf("%s: clear #text: %v", label, err)
		}
	}
	if err := expect.Locator(p.Locator("body")).ToHaveAttribute("data-client", "ready"); err != nil {
		t.Fatalf("%s: the client stopped: %v", label, err)
	}
}

// rejoin clicks the banner's Rejoin button and waits for want.
func (p liveTab) rejoin(t *testing.T, want string) {
	t.Helper()
	if err := p.Locator("#rejoin").Click(); err != nil {
		t.Fatalf("%s: click Rejoin: %v", p.URL(), err)
	}
	p.wantState(t, want)
}

// failOnDialogs fails the test when the page opens a dialog (alert, confirm,
// prompt, beforeunload): a script from server text, or a client that asks
// instead of acting. The dialog is dismissed so that the page goes on.
func failOnDialogs(t *testing.T, page playwright.Page) {
	t.Helper()
	var mu sync.Mutex
	var seen []string
	page.OnDialog(func(d playwright.Dialog) {
		mu.Lock()
		seen = append(seen, d.Type()+": "+d.Message())
		mu.Unlock()
		go d.Dismiss() // not on Playwright's dispatch goroutine
	})
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, s := range seen {
			t.Errorf("page opened a dialog: %s", s)
		}
	})
}

// jsList returns v as a slice, or nil.
func jsList(v any) []any {
	s, _ := v.([]any)
	return s
}

// adminCall calls the server's JSON API with a Bearer token and returns the status
// and body.
func adminCall(t *testing.T, s *Server, token, method, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL()+path, r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read reply: %v", method, path, err)
	}
	return resp.StatusCode, reply
}

// adminCallOK is api that fails the test unless the status is want.
func adminCallOK(t *testing.T, s *Server, token, method, path string, body any, want int) []byte {
	t.Helper()
	status, reply := adminCall(t, s, token, method, path, body)
	if status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, reply)
	}
	return reply
}

// replayInto plays an embedded track into room at speed, as an admin.
func replayInto(t *testing.T, s *Server, token, room, track string, speed float64) {
	t.Helper()
	path := fmt.Sprintf("/api/rooms/%s/replay?track=%s&speed=%g", room, track, speed)
	adminCallOK(t, s, token, http.MethodPost, path, nil, http.StatusAccepted)
}

// kickUser removes user from room through the admin API.
func kickUser(t *testing.T, s *Server, token, room, user string, banSeconds int, reason string) {
	t.Helper()
	body := map[string]any{"user": user, "ban_seconds": banSeconds, "reason": reason}
	adminCallOK(t, s, token, http.MethodPost, "/api/rooms/"+room+"/kick", body, http.StatusOK)
}

// roomConnections returns each user's connection count in room, from the admin
// API; a room that is not live has none.
func roomConnections(t *testing.T, s *Server, token, room string) map[string]int {
	t.Helper()
	status, reply := adminCall(t, s, token, http.MethodGet, "/api/rooms/"+room, nil)
	if status == http.StatusNotFound {
		return map[string]int{}
	}
	if status != http.StatusOK {
		t.Fatalf("GET /api/rooms/%s: status %d: %s", room, status, reply)
	}
	var d struct {
		Users []struct {
			ID          string `json:"id"`
			Connections int    `json:"connections"`
		} `json:"users"`
	}
	if err := json.Unmarshal(reply, &d); err != nil {
		t.Fatalf("GET /api/rooms/%s: %v: %s", room, err, reply)
	}
	out := make(map[string]int, len(d.Users))
	for _, u := range d.Users {
		out[u.ID] = u.Connections
	}
	return out
}

// jwtExpiry reads the exp claim of a JWT without checking it.
func jwtExpiry(t *testing.T, token string) time.Time {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a JWT", token)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("token payload: %v", err)
	}
	var c struct {
		Exp int64 `json:"exp"`
	}
	if err := json.Unmarshal(payload, &c); err != nil || c.Exp == 0 {
		t.Fatalf("token payload %s: no exp (%v)", payload, err)
	}
	return time.Unix(c.Exp, 0)
}

// serverProcessOf is the running server's process, or nil while it is
// stopped. Tests use it to freeze the server (SIGSTOP) and thaw it.
func serverProcessOf(s *Server) *os.Process {
	if s.proc == nil {
		return nil
	}
	return s.proc.cmd.Process
}
