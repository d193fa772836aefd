//go:build e2e

package e2e

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mxschmitt/playwright-go"

	"barrage/wasmclient"
)

// TestReplayDrawsBullets proves that a fast replay reaches a viewer's page
// as drawn bullets and a filling recent list: bullets appear as children of
// #overlay and never exceed the overlay's cap; a recorded comment whose XML
// holds entities (&lt; &gt; &amp;) shows its decoded characters literally,
// as one text node; no dialog opens and the console stays clean. A host's
// replay control on the room page starts a replay too.
func TestReplayDrawsBullets(t *testing.T) {
	const track = "2170097"
	s := startServer(t)
	want := entityComment(t, track)
	admin := s.Token(t, "root", "Root", "admin")

	viewer := openLiveTab(t, newUser(t, s, "viewer1", "观众一号", "viewer"), "replay")
	replayInto(t, s, admin, "replay", track, 20)

	viewer.waitJS(t, `n => document.querySelectorAll('#overlay > *').length >= n`, 10)
	viewer.waitJS(t, `n => document.querySelectorAll('#recent li[data-danmaku-seq]').length >= n`, 40)
	viewer.waitComment(t, want)
	if got := viewer.evalInt(t, `() => window.__rec.comments.filter(c => !c.plain).length`); got != 0 {
		t.Errorf("%d recent comments were not a single text node", got)
	}
	entity := fmt.Sprintf(`() => window.__rec.comments.filter(c => c.text === %s).length`,
		strconv.Quote(want))
	if got := viewer.evalInt(t, entity); got != 1 {
		t.Errorf("comment %q was added to #recent %d times, want once", want, got)
	}
	// A comment decoded twice, or inserted as HTML, would show something else.
	for _, wrong := range []string{"&lt;", "&gt;", "&amp;"} {
		expr := fmt.Sprintf(`() => window.__rec.comments.filter(c => c.text.includes(%q)).length`,
			wrong)
		if got := viewer.evalInt(t, expr); got != 0 {
			t.Errorf("%d recent comments show the entity %s instead of its character", got, wrong)
		}
	}
	replayCheckOverlay(t, viewer, "API replay")
	// Stop the replay if it still plays (404: it has finished).
	if status, reply := adminCall(t, s, admin, http.MethodDelete, "/api/rooms/replay/replay",
		nil); status != http.StatusNoContent && status != http.StatusNotFound {
		t.Errorf("stop the replay: status %d: %s", status, reply)
	}

	t.Run("host control", func(t *testing.T) {
		// An audience first. A host alone in a room that is not live yet
		// gets a 404 from GET /api/rooms/{room} on the user list's first
		// poll, which Chromium logs as a console error: a product bug of
		// its own, not what this test is about.
		openLiveTab(t, newUser(t, s, "viewer2", "观众二号", "viewer"), "stage2")
		host := newUserWith(t, s, TokenRequest{
			User: "host1", Name: "主播", Role: "host", Room: "stage2",
		})
		page := openLiveTab(t, host, "stage2")
		if n, err := page.Locator("#replay #track").Count(); err != nil || n == 0 {
			t.Skipf("the room page has no replay control for its host (%d, %v)", n, err)
		}
		if _, err := page.Locator("#track").SelectOption(playwright.SelectOptionValues{
			Values: &[]string{track},
		}); err != nil {
			t.Fatalf("select track %s: %v", track, err)
		}
		// Slow enough that the replay still plays when Stop is clicked.
		if err := page.Locator("#speed").Fill("4"); err != nil {
			t.Fatalf("set speed: %v", err)
		}
		if err := page.Locator("#replay [type=submit]").Click(); err != nil {
			t.Fatalf("submit #replay: %v", err)
		}
		status := expect.Locator(page.Locator("#mod-status"))
		if err := status.ToHaveText("Replaying " + track + " at 4×."); err != nil {
			t.Errorf("#mod-status after starting: %v", err)
		}
		page.waitJS(t, `n => document.querySelectorAll('#overlay > *').length >= n`, 5)
		page.waitJS(t, `n => document.querySelectorAll('#recent li[data-replay]').length >= n`, 10)
		replayCheckOverlay(t, page, "host replay")
		if err := page.Locator("#replay-stop").Click(); err != nil {
			t.Fatalf("click #replay-stop: %v", err)
		}
		if err := status.ToHaveText("Replay stopped."); err != nil {
			t.Errorf("#mod-status after stopping: %v", err)
		}
	})
}

// replayCheckOverlay checks what the recorder saw on the stage: no more
// bullets at once than the overlay's cap, and no HTML parsed out of text.
func replayCheckOverlay(t *testing.T, p liveTab, label string) {
	t.Helper()
	most := p.evalInt(t, `() => window.__rec.maxBullets`)
	elements := p.evalInt(t, `() => window.__rec.maxOverlay`)
	t.Logf("%s: at most %d bullets on the stage at once (%d elements in #overlay, "+
		"with finished ones awaiting animationend)", label, most, elements)
	if most > wasmclient.DefaultMaxBullets {
		t.Errorf("%s: %d bullets on the stage at once, over the cap of %d",
			label, most, wasmclient.DefaultMaxBullets)
	}
	if n := p.evalInt(t, `() => window.__rec.bullets.filter(b => !b.plain).length`); n != 0 {
		t.Errorf("%s: %d bullets were not a single text node", label, n)
	}
	if n := p.evalInt(t, `() => window.__rec.imgs`); n != 0 {
		t.Errorf("%s: %d <img> elements appeared in the page's text areas", label, n)
	}
}

// entityComment returns the decoded text of the earliest comment of an
// embedded track whose XML text holds &lt;, &gt; or &amp;: what the page
// must show, character for character.
func entityComment(t *testing.T, track string) string {
	t.Helper()
	path := filepath.Join(harness.root, "server", "replay", "tracks", track+".xml")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read track: %v", err)
	}
	type comment struct {
		at   float64
		text string
	}
	var found []comment
	elem := regexp.MustCompile(`<d p="([^"]*)">([^<]*)</d>`)
	for _, m := range elem.FindAllSubmatch(raw, -1) {
		if !bytes.Contains(m[2], []byte("&lt;")) && !bytes.Contains(m[2], []byte("&gt;")) &&
			!bytes.Contains(m[2], []byte("&amp;")) {
			continue
		}
		var d struct {
			Text string `xml:",chardata"`
		}
		if err := xml.Unmarshal(m[0], &d); err != nil {
			t.Fatalf("decode %s: %v", m[0], err)
		}
		fields := strings.Split(string(m[1]), ",")
		at, err := strconv.ParseFloat(fields[0], 64)
		if err != nil || len(fields) < 2 || fields[1] == "7" || fields[1] == "8" {
			continue // positioned and scripted comments are not replayed
		}
		if utf8.RuneCountInString(d.Text) > 100 || strings.TrimSpace(d.Text) != d.Text {
			continue // the replay would cut or trim it
		}
		found = append(found, comment{at, d.Text})
	}
	if len(found) == 0 {
		t.Fatalf("track %s has no comment with &lt;, &gt; or &amp;", track)
	}
	sort.Slice(found, func(i, j int) bool { return found[i].at < found[j].at })
	t.Logf("watching for %q (%.1f s into the track)", found[0].text, found[0].at)
	return found[0].text
}

// xssPayload is an <img> whose error handler would run script if a page put
// server text in as HTML.
const xssPayload = `<img src=x onerror=window.__xss=1>`

// xssName is the same attack as a display name, which has at most 32
// characters.
const xssName = `<img src=x onerror=__xss=2>`

// TestTextIsNeverHTML proves that text from the server goes into pages as
// text, never as HTML: a comment, a display name and a kick reason that are
// <img onerror> markup show literally in every tab (the recent list, the
// bullets, the notices, the kicked user's banner, the host's user list) and
// in the recent list the server renders on a reload, and no <img> is created
// and no handler runs (window.__xss stays undefined).
func TestTextIsNeverHTML(t *testing.T) {
	const room = "xss"
	s := startServer(t)
	victimToken := s.Token(t, "victim", "Victim", "viewer")
	victim := openLiveTab(t, userContextWith(t, s, victimToken,
		playwright.BrowserNewContextOptions{}), room)
	mallory := openLiveTab(t, newUser(t, s, "mallory", xssName, "viewer"), room)
	host := openLiveTab(t, newUserWith(t, s, TokenRequest{
		User: "host", Name: "Host", Role: "host", Room: room,
	}), room)
	tabs := map[string]liveTab{"victim": victim, "mallory": mallory, "host": host}

	mallory.send(t, xssPayload)
	for name, tab := range tabs {
		tab.waitComment(t, xssPayload)
		last := tab.Locator("#recent li[data-danmaku-seq]").Last()
		if err := expect.Locator(last).ToHaveText(xssPayload); err != nil {
			t.Errorf("%s: the comment in #recent: %v", name, err)
		}
		if err := expect.Locator(last).ToHaveAttribute("data-name", xssName); err != nil {
			t.Errorf("%s: the sender's name on the comment: %v", name, err)
		}
		tab.waitJS(t, `text => window.__rec.bullets.some(b => b.text === text && b.plain)`,
			xssPayload)
	}

	// The host kicks mallory from the page, with the payload as the reason;
	// the user list shows mallory's name as text.
	row := host.Locator(`#users tr[data-user-id="mallory"]`)
	if err := expect.Locator(row).ToContainText(xssName); err != nil {
		t.Errorf("host: mallory's row in the user list: %v", err)
	}
	if err := host.Locator("#kick-reason").Fill(xssPayload); err != nil {
		t.Fatalf("host: type the kick reason: %v", err)
	}
	if _, err := host.Locator("#ban-seconds").SelectOption(playwright.SelectOptionValues{
		Values: &[]string{"0"},
	}); err != nil {
		t.Fatalf("host: choose no ban: %v", err)
	}
	if err := row.Locator(`button[data-action="kick"]`).Click(); err != nil {
		t.Fatalf("host: click Kick: %v", err)
	}
	mallory.wantClosed(t, "evicted", 4001)
	if err := expect.Locator(mallory.Locator("#banner-text")).ToHaveText(xssPayload); err != nil {
		t.Errorf("mallory: the kick reason in the banner: %v", err)
	}
	for name, tab := range map[string]liveTab{"victim": victim, "host": host} {
		notice := tab.Locator("#notices li").First()
		if err := expect.Locator(notice).ToContainText(xssName + " was removed"); err != nil {
			t.Errorf("%s: the kick notice: %v", name, err)
		}
	}
	modStatus := expect.Locator(host.Locator("#mod-status"))
	if err := modStatus.ToHaveText("Removed " + xssName + " from " + room + "."); err != nil {
		t.Errorf("host: the kick's status line: %v", err)
	}
	for name, tab := range tabs {
		assertNoScriptRan(t, name, tab)
	}

	t.Run("server-rendered history", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, s.URL()+"/rooms/"+room, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.AddCookie(&http.Cookie{Name: "session", Value: victimToken})
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatalf("GET /rooms/%s: %v", room, err)
		}
		html, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /rooms/%s: %d, %v", room, resp.StatusCode, err)
		}
		if bytes.Contains(html, []byte("<img")) {
			t.Errorf("the room page's HTML holds a raw <img")
		}
		if !bytes.Contains(html, []byte(">&lt;img src=x onerror=window.__xss=1&gt;</li>")) {
			t.Errorf("the room page's HTML lacks the escaped comment in the recent list")
		}

		// The page as the server rendered it, with no script to fix it up.
		static := newPage(t, userContextWith(t, s, victimToken, playwright.BrowserNewContextOptions{
			JavaScriptEnabled: playwright.Bool(false),
		}))
		watchConsole(t, static)
		failOnDialogs(t, static)
		if _, err := static.Goto("/rooms/" + room); err != nil {
			t.Fatalf("open the room without JavaScript: %v", err)
		}
		last := static.Locator("#recent li[data-danmaku-seq]").Last()
		if err := expect.Locator(last).ToHaveText(xssPayload); err != nil {
			t.Errorf("server-rendered recent list: %v", err)
		}
		if n, err := static.Locator("#recent img").Count(); err != nil || n != 0 {
			t.Errorf("server-rendered recent list holds %d <img> (%v)", n, err)
		}

		// The same page with its client, after a reload.
		if _, err := victim.Reload(); err != nil {
			t.Fatalf("reload: %v", err)
		}
		victim.wantState(t, "open")
		last = victim.Locator("#recent li[data-danmaku-seq]").Last()
		if err := expect.Locator(last).ToHaveText(xssPayload); err != nil {
			t.Errorf("victim after a reload: %v", err)
		}
	})

	assertNoScriptRan(t, "victim after a reload", victim)
}

// assertNoScriptRan checks that no <img> sits in the page's text areas, that
// the recorder saw none added, and that window.__xss is undefined once a
// canary <img src=x> (added outside those areas, after everything else) has
// fired its own error handler: any <img src=x> made from server text earlier
// would have fired by then.
func assertNoScriptRan(t *testing.T, name string, tab liveTab) {
	t.Helper()
	areas := "#recent img, #overlay img, #notices img, #banner img"
	if n, err := tab.Locator(areas).Count(); err != nil || n != 0 {
		t.Errorf("%s: %d <img> in #recent, #overlay, #notices, #banner (%v)", name, n, err)
	}
	if n := tab.evalInt(t, `() => window.__rec.imgs`); n != 0 {
		t.Errorf("%s: %d <img> were added to the text areas", name, n)
	}
	got, err := tab.Evaluate(`() => new Promise((resolve) => {
		const canary = document.createElement('img');
		canary.hidden = true;
		canary.onerror = () => { canary.remove(); resolve(typeof window.__xss); };
		canary.src = 'x';
		document.body.append(canary);
	})`)
	if err != nil {
		t.Fatalf("%s: canary image: %v", name, err)
	}
	if got != "undefined" {
		t.Errorf("%s: typeof window.__xss = %v: markup from the server ran", name, got)
	}
}

// TestDuplicatedTab proves that a duplicated tab (a second page of the same
// user on the same room, with the first tab's sessionStorage copied in
// before any script runs) does not take the first tab's identity: both stay
// open, each with its own connection (distinct conn ids in their welcome
// frames, two connections for the user in the admin API), and a comment
// from one reaches the other. When the duplicate moves to another room, the
// first tab is evicted, as the one-room rule says.
func TestDuplicatedTab(t *testing.T) {
	s := startServer(t)
	admin := s.Token(t, "root", "Root", "admin")
	bc := newUser(t, s, "dup", "双开", "viewer")

	first := newLiveTab(t, bc)
	firstConns := welcomeConns(first.Page)
	first.gotoRoom(t, "dup-a")

	stored, err := first.Evaluate(`() => JSON.stringify(Object.entries(sessionStorage))`)
	if err != nil {
		t.Fatalf("read sessionStorage: %v", err)
	}
	t.Logf("the first tab's sessionStorage: %v", stored)
	second := newLiveTab(t, bc)
	copyStorage := fmt.Sprintf(`(() => {
		if (location.origin !== %s) return;
		for (const [k, v] of JSON.parse(%s)) sessionStorage.setItem(k, v);
	})()`, strconv.Quote(s.URL()), strconv.Quote(fmt.Sprint(stored)))
	if err := second.AddInitScript(playwright.Script{Content: &copyStorage}); err != nil {
		t.Fatalf("add the sessionStorage copy: %v", err)
	}
	secondConns := welcomeConns(second.Page)
	second.gotoRoom(t, "dup-a")

	first.wantState(t, "open")
	if n := roomConnections(t, s, admin, "dup-a")["dup"]; n != 2 {
		t.Errorf("the admin API shows %d connections for the user in dup-a, want 2", n)
	}
	a, b := firstConns.all(), secondConns.all()
	if len(a) != 1 || len(b) != 1 || a[0] == b[0] {
		t.Errorf("welcome conn ids: first tab %q, second tab %q; want one each, distinct", a, b)
	}

	second.send(t, "从第二个标签页发出")
	first.waitComment(t, "从第二个标签页发出")
	first.send(t, "从第一个标签页发出")
	second.waitComment(t, "从第一个标签页发出")
	for name, tab := range map[string]liveTab{"first": first, "second": second} {
		if trail := tab.trail(t); slices.Contains(trail, "evicted/4001") {
			t.Errorf("%s tab was evicted while both were in dup-a: %v", name, trail)
		}
	}
	if n := roomConnections(t, s, admin, "dup-a")["dup"]; n != 2 {
		t.Errorf("after the comments the user has %d connections in dup-a, want 2", n)
	}

	second.gotoRoom(t, "dup-b")
	first.wantClosed(t, "evicted", 4001)
	if err := expect.Locator(first.Locator("#banner")).ToBeVisible(); err != nil {
		t.Errorf("the evicted first tab shows no banner: %v", err)
	}
	if n := roomConnections(t, s, admin, "dup-a")["dup"]; n != 0 {
		t.Errorf("after the move the user still has %d connections in dup-a", n)
	}
	if n := roomConnections(t, s, admin, "dup-b")["dup"]; n != 1 {
		t.Errorf("after the move the user has %d connections in dup-b, want 1", n)
	}
	first.assertResponsive(t, "first tab evicted")
}

// connIDs collects the conn ids of the welcome frames a page receives.
type connIDs struct {
	mu  sync.Mutex
	ids []string
}

func (c *connIDs) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.ids)
}

// welcomeConns records the conn id of every welcome frame page receives
// from now on. The handlers only record.
func welcomeConns(page playwright.Page) *connIDs {
	c := &connIDs{}
	page.OnWebSocket(func(ws playwright.WebSocket) {
		ws.OnFrameReceived(func(frame []byte) {
			var w struct {
				Event string `json:"event"`
				Conn  string `json:"conn"`
			}
			if json.Unmarshal(frame, &w) != nil || w.Event != "welcome" {
				return
			}
			c.mu.Lock()
			c.ids = append(c.ids, w.Conn)
			c.mu.Unlock()
		})
	})
	return c
}

// socketFailed matches the console error Chromium logs by itself when a
// WebSocket cannot connect (the server is down during a restart): the
// browser's report of the network, not a failure of the page.
const socketFailed = `^console\.error: WebSocket connection to ` +
	`'ws://127\.0\.0\.1:\d+/ws\?room=[\w-]+' failed`

// TestCloseCodesNeverCrash drives a room page through every way its socket
// ends — force_disconnect for a room switch (4001), a kick (4001), a kick
// with a ban and the refused rejoin (4003), a closed room (4004), a dead
// connection found by the heartbeat watch (1006, the server frozen with
// SIGSTOP), an expired session (1008) and a server restart (1001) — and
// after each proves the Go program still runs: no console error, no "Go
// program has already exited", the page evaluates and takes typing, and
// Rejoin (or the reconnect) moves data-ws-state as the contract says.
func TestCloseCodesNeverCrash(t *testing.T) {
	s := startServer(t, "--heartbeat-interval", "1s", "--rate", "100", "--burst", "100")
	admin := s.Token(t, "root", "Root", "admin")
	aliceCtx := newUser(t, s, "alice", "爱丽丝", "viewer")
	alice := openLiveTab(t, aliceCtx, "r1")
	bob := openLiveTab(t, newUser(t, s, "bob", "鲍勃", "viewer"), "r1")

	t.Run("dead connection", func(t *testing.T) {
		proc := serverProcessOf(s)
		if proc == nil {
			t.Skip("the harness exposes no server process to freeze")
		}
		if err := proc.Signal(syscall.SIGSTOP); err != nil {
			t.Skipf("cannot freeze the server with SIGSTOP: %v", err)
		}
		thawed := false
		thaw := func() {
			if !thawed {
				thawed = true
				if err := proc.Signal(syscall.SIGCONT); err != nil {
					t.Errorf("SIGCONT the server: %v", err)
				}
			}
		}
		t.Cleanup(thaw) // the server must be able to stop
		// Three silent heartbeat periods (1 s each) mark the socket dead.
		for name, tab := range map[string]liveTab{"alice": alice, "bob": bob} {
			tab.waitJS(t, `() => window.__rec.trail.includes('reconnecting/1006')`, nil)
			tab.assertResponsive(t, name+" with the server frozen")
		}
		thaw()
		for name, tab := range map[string]liveTab{"alice": alice, "bob": bob} {
			tab.wantState(t, "open")
			tab.assertResponsive(t, name+" after the thaw")
		}
		alice.send(t, "服务器醒了")
		bob.waitComment(t, "服务器醒了")
	})

	// A session that ends in a few seconds: its page joins while it is
	// valid, and the server ends the open socket with 1008 when it expires.
	eveToken := s.TokenFor(t, TokenRequest{
		User: "eve", Name: "Eve", Role: "viewer", TTLSeconds: 10,
	})
	eve := openLiveTab(t, userContextWith(t, s, eveToken, playwright.BrowserNewContextOptions{}),
		"r3")

	t.Run("room switch", func(t *testing.T) {
		elsewhere := openLiveTab(t, aliceCtx, "r2")
		alice.wantClosed(t, "evicted", 4001)
		alice.assertResponsive(t, "alice evicted by a switch")
		alice.rejoin(t, "open")
		elsewhere.wantClosed(t, "evicted", 4001)
		elsewhere.assertResponsive(t, "the other tab evicted by the rejoin")
		alice.assertResponsive(t, "alice rejoined")
	})

	t.Run("kick", func(t *testing.T) {
		kickUser(t, s, admin, "r1", "alice", 0, "请注意言行")
		alice.wantClosed(t, "evicted", 4001)
		banner := expect.Locator(alice.Locator("#banner-text"))
		if err := banner.ToHaveText("请注意言行"); err != nil {
			t.Errorf("kick reason in the banner: %v", err)
		}
		alice.assertResponsive(t, "alice kicked")
		alice.rejoin(t, "open")
		alice.assertResponsive(t, "alice rejoined after a kick")
	})

	t.Run("ban", func(t *testing.T) {
		kickUser(t, s, admin, "r1", "alice", 600, "")
		alice.wantClosed(t, "evicted", 4001)
		sockets := countWebSockets(alice.Page)
		if err := alice.Locator("#rejoin").Click(); err != nil {
			t.Fatalf("click Rejoin: %v", err)
		}
		alice.wantClosed(t, "evicted", 4003)
		if n := sockets.Load(); n != 1 {
			t.Errorf("a rejoin while banned opened %d sockets, want 1", n)
		}
		alice.assertResponsive(t, "alice refused while banned")
		kickUser(t, s, admin, "r1", "alice", 0, "") // lifts the ban
		alice.rejoin(t, "open")
		// Back in the room, alice may speak: the refusal's retry_ms was
		// the ban's, not a rate limit's.
		alice.send(t, "解封之后")
		bob.waitComment(t, "解封之后")
	})

	t.Run("room closed", func(t *testing.T) {
		adminCallOK(t, s, admin, http.MethodDelete, "/api/rooms/r1", nil, http.StatusOK)
		for name, tab := range map[string]liveTab{"alice": alice, "bob": bob} {
			tab.wantClosed(t, "evicted", 4004)
			tab.assertResponsive(t, name+" in a closed room")
			tab.rejoin(t, "open")
			tab.assertResponsive(t, name+" back in a new r1")
		}
	})

	t.Run("expired session", func(t *testing.T) {
		if wait := time.Until(jwtExpiry(t, eveToken)); wait > 0 {
			time.Sleep(wait) // the only way to let a session expire
		}
		eve.wantClosed(t, "signed-out", 1008)
		if err := expect.Locator(eve.Locator("#banner-signin")).ToBeVisible(); err != nil {
			t.Errorf("eve: no sign-in link in the banner: %v", err)
		}
		eve.assertResponsive(t, "eve signed out")
		sockets := countWebSockets(eve.Page)
		if err := eve.Locator("#rejoin").Click(); err != nil {
			t.Fatalf("eve: click Rejoin: %v", err)
		}
		eve.waitJS(t, `() => window.__rec.trail.filter(s => s === 'signed-out/1008').length >= 2`,
			nil)
		eve.wantClosed(t, "signed-out", 1008)
		if n := sockets.Load(); n != 1 {
			t.Errorf("eve: Rejoin opened %d sockets, want 1", n)
		}
		eve.assertResponsive(t, "eve refused again")
	})

	t.Run("restart", func(t *testing.T) {
		for _, tab := range []liveTab{alice, bob} {
			tab.console.Allow(socketFailed)
		}
		s.Restart(t)
		for name, tab := range map[string]liveTab{"alice": alice, "bob": bob} {
			tab.wantState(t, "open")
			if !tab.sawState(t, "reconnecting", 1001) {
				t.Errorf("%s never showed reconnecting with 1001: %v", name, tab.trail(t))
			}
			tab.assertResponsive(t, name+" after a restart")
		}
		bob.send(t, "重启之后")
		alice.waitComment(t, "重启之后")
	})
}

// TestPageStaysResponsive proves that the WebAssembly client never blocks
// the page: while replays flood the room at 50× and the connection is
// kicked, switched away, rejoined and restarted, a trivial page.Evaluate
// returns within a bound each time, typing into #text takes, the recent
// list keeps taking comments, the send form still posts through the
// client, and the stage never holds more bullets than its cap. A page that
// deadlocks never answers; one that drowns in a backlog of socket messages
// answers only when the backlog is gone.
func TestPageStaysResponsive(t *testing.T) {
	const room = "flood"
	// The first 100 s of this track hold 8939 of its 9600 comments: at 50×
	// about 4500 a second for two seconds, then a trickle.
	const flood = "371495955"
	s := startServer(t, "--rate", "100", "--burst", "100")
	admin := s.Token(t, "root", "Root", "admin")
	bc := newUser(t, s, "busy", "忙碌的观众", "viewer")
	p := openLiveTab(t, bc, room)

	// burst starts the flood again (a replay replaces the one playing) and
	// returns how many comments the page had shown by then.
	burst := func() int {
		t.Helper()
		seen := p.evalInt(t, `() => window.__rec.comments.length`)
		replayInto(t, s, admin, room, flood, 50)
		return seen
	}
	// alive proves the client works after a burst: the burst reached the
	// recent list, and a comment typed into the form comes back.
	alive := func(label string, seen int) {
		t.Helper()
		p.assertResponsive(t, label)
		p.waitJS(t, `n => window.__rec.comments.length >= n + 100`, seen)
		p.send(t, "还活着 "+label)
	}

	seen := burst()
	p.waitJS(t, `n => window.__rec.comments.length >= n + 10`, seen)
	p.assertResponsive(t, "in a burst")
	alive("after a burst", seen)

	seen = burst()
	kickUser(t, s, admin, room, "busy", 0, "")
	p.wantClosed(t, "evicted", 4001)
	p.assertResponsive(t, "kicked in a burst")
	p.rejoin(t, "open")
	alive("rejoined after a kick", seen)

	seen = burst()
	other := openLiveTab(t, bc, "elsewhere")
	p.wantClosed(t, "evicted", 4001)
	p.assertResponsive(t, "switched away in a burst")
	p.rejoin(t, "open")
	other.wantClosed(t, "evicted", 4001)
	alive("rejoined after a switch", seen)

	p.console.Allow(socketFailed)
	s.Restart(t)
	seen = burst()
	p.wantState(t, "open")
	p.assertResponsive(t, "reconnected in a burst")
	alive("reconnected after a restart", seen)
	replayCheckOverlay(t, p, "bursts")
}

// TestWasmServedCorrectly proves the client is served so that browsers run
// it: /static/app.wasm as application/wasm with an ETag that revalidates
// (304), gzip-encoded and smaller when asked, starting with the wasm magic,
// built by the Go release running the tests; /static/wasm_exec.js is that
// release's own file; a missing .wasm is a 404 that is not typed as wasm;
// and the room page's client starts (data-client=ready).
func TestWasmServedCorrectly(t *testing.T) {
	s := startServer(t)
	plain := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{DisableCompression: true},
	}
	get := func(path string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, s.URL()+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := plain.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("GET %s: read: %v", path, err)
		}
		return resp, body
	}

	resp, wasm := get("/static/app.wasm")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /static/app.wasm: %s", resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/wasm" {
		t.Errorf("app.wasm Content-Type = %q, want application/wasm", ct)
	}
	if ce := resp.Header.Get("Content-Encoding"); ce != "" {
		t.Errorf("app.wasm without Accept-Encoding has Content-Encoding %q", ce)
	}
	if !bytes.HasPrefix(wasm, []byte("\x00asm")) {
		t.Errorf("app.wasm starts with %q, want the wasm magic \\0asm", wasm[:min(8, len(wasm))])
	}
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Errorf("app.wasm has no ETag")
	} else {
		again, body := get("/static/app.wasm", "If-None-Match", etag)
		if again.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("app.wasm with If-None-Match %s: %s with %d bytes, want 304 and none",
				etag, again.Status, len(body))
		}
	}

	zresp, zbody := get("/static/app.wasm", "Accept-Encoding", "gzip")
	if ce := zresp.Header.Get("Content-Encoding"); ce != "gzip" {
		t.Errorf("app.wasm with Accept-Encoding gzip: Content-Encoding %q, want gzip", ce)
	}
	if ct := zresp.Header.Get("Content-Type"); ct != "application/wasm" {
		t.Errorf("gzipped app.wasm Content-Type = %q, want application/wasm", ct)
	}
	if len(zbody) >= len(wasm) {
		t.Errorf("gzipped app.wasm has %d bytes, not fewer than the %d plain", len(zbody), len(wasm))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zbody))
	if err != nil {
		t.Fatalf("gzipped app.wasm: %v", err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, wasm) {
		t.Errorf("gzipped app.wasm does not unzip to the plain one (%v)", err)
	}
	if zetag := zresp.Header.Get("ETag"); zetag == "" || zetag == etag {
		t.Errorf("gzipped app.wasm ETag %q, want its own (plain %q)", zetag, etag)
	} else if again, _ := get("/static/app.wasm", "Accept-Encoding", "gzip",
		"If-None-Match", zetag); again.StatusCode != http.StatusNotModified {
		t.Errorf("gzipped app.wasm with If-None-Match: %s, want 304", again.Status)
	}
	t.Logf("app.wasm: %d bytes, %d gzipped (%.0f%%), ETag %s",
		len(wasm), len(zbody), 100*float64(len(zbody))/float64(len(wasm)), etag)

	// The toolchain running the tests built app.wasm (go tool task build:wasm
	// uses whatever `go` is on PATH), so its wasm_exec.js is the one to serve.
	goenv := func(key string) string {
		out, err := exec.Command("go", "env", key).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", key, err)
		}
		return strings.TrimSpace(string(out))
	}
	want, err := os.ReadFile(filepath.Join(goenv("GOROOT"), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		t.Fatalf("read the toolchain's wasm_exec.js: %v", err)
	}
	jsResp, js := get("/static/wasm_exec.js")
	if jsResp.StatusCode != http.StatusOK || !bytes.Equal(js, want) {
		t.Errorf("GET /static/wasm_exec.js: %s, %d bytes (sha256 %x); want the %d bytes of "+
			"$(go env GOROOT)/lib/wasm/wasm_exec.js (sha256 %x)",
			jsResp.Status, len(js), sha256.Sum256(js), len(want), sha256.Sum256(want))
	}
	if version := goenv("GOVERSION"); !bytes.Contains(wasm, []byte(version)) {
		t.Errorf("app.wasm does not hold the version string %s of the Go running the tests", version)
	}
	// A binary built elsewhere (BARRAGE_E2E_SERVER_BIN) embeds its own build.
	onDisk, err := os.ReadFile(filepath.Join(harness.root, "static", "app.wasm"))
	if os.Getenv("BARRAGE_E2E_SERVER_BIN") == "" && err == nil && !bytes.Equal(onDisk, wasm) {
		t.Errorf("the served app.wasm (%d bytes) is not static/app.wasm (%d bytes): "+
			"the server binary embeds an older build", len(wasm), len(onDisk))
	}

	nresp, nbody := get("/static/nope.wasm")
	if nresp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /static/nope.wasm: %s, want 404", nresp.Status)
	}
	if ct := nresp.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/wasm") {
		t.Errorf("GET /static/nope.wasm: Content-Type %q, want anything but wasm", ct)
	}
	if bytes.HasPrefix(nbody, []byte("\x00asm")) {
		t.Errorf("GET /static/nope.wasm: the body is a wasm module")
	}

	page := openLiveTab(t, newUser(t, s, "loader", "Loader", "viewer"), "wasm")
	body := expect.Locator(page.Locator("body"))
	if err := body.ToHaveAttribute("data-client", "ready"); err != nil {
		t.Errorf("the room page's client: %v", err)
	}
}

// bulletsSpread holds, given n, once the stage shows at least n bullets and
// the first scrolling ones have crossed most of it: a picture of a busy
// stage rather than of bullets that have only just come in.
const bulletsSpread = `n => {
	const stage = document.getElementById('stage').getBoundingClientRect();
	const scrolling = [...document.querySelectorAll('#overlay > .bullet.scroll')];
	return document.querySelectorAll('#overlay > .bullet').length >= n &&
		scrolling.some((b) => b.getBoundingClientRect().left < stage.left + stage.width * 0.2);
}`

// TestScreenshotBusyRoom saves what a busy room looks like: the demo room,
// with its replay making bullets fly and a few comments from the viewer
// (outlined on the stage), at 1280×800 (an artifact every run, and
// docs/room.png with BARRAGE_UPDATE_DOCS=1) and at a phone's 390×844.
func TestScreenshotBusyRoom(t *testing.T) {
	s := startServer(t) // --dev: the demo room replays a real track at 1×

	desk := newLiveTab(t, newUser(t, s, "xiaoming", "小明", "viewer"))
	if err := desk.SetViewportSize(1280, 800); err != nil {
		t.Fatalf("set viewport: %v", err)
	}
	phone := newLiveTab(t, newUser(t, s, "xiaohong", "小红", "viewer"))
	if err := phone.SetViewportSize(390, 844); err != nil {
		t.Fatalf("set viewport: %v", err)
	}
	desk.gotoRoom(t, "demo")
	phone.gotoRoom(t, "demo")
	desk.waitJS(t, bulletsSpread, 20)
	for _, text := range []string{"晚上好！", "这首歌太好听了", "弹幕护体"} {
		desk.send(t, text)
	}
	// The viewer's own bullets a little way in, if the stage had room for
	// them (a full stage drops bullets, which is no failure).
	mineIn := `() => {
		const stage = document.getElementById('stage').getBoundingClientRect();
		const mine = [...document.querySelectorAll('#overlay > .bullet.mine')];
		return mine.length > 0 && mine.every((b) =>
			b.getBoundingClientRect().left < stage.left + stage.width * 0.75);
	}`
	if _, err := desk.WaitForFunction(mineIn, nil, playwright.PageWaitForFunctionOptions{
		Polling: 50, Timeout: playwright.Float(5_000),
	}); err != nil {
		t.Logf("the viewer's own bullets are not on the stage: %v", err)
	}
	desk.waitJS(t, bulletsSpread, 20)
	desk.waitJS(t, `n => document.querySelectorAll('#recent li[data-danmaku-seq]').length >= n`, 15)
	if err := expect.Locator(desk.Locator("#banner")).ToBeHidden(); err != nil {
		t.Errorf("the banner shows on a healthy page: %v", err)
	}
	if os.Getenv("BARRAGE_UPDATE_DOCS") == "1" {
		path := filepath.Join(harness.root, "docs", "room.png")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("create docs/: %v", err)
		}
		if _, err := desk.Screenshot(playwright.PageScreenshotOptions{
			Path: playwright.String(path),
		}); err != nil {
			t.Fatalf("write %s: %v", path, err)
		}
		t.Logf("wrote %s", path)
	}
	screenshot(t, desk.Page, "room-1280x800")

	phone.waitJS(t, bulletsSpread, 8)
	screenshot(t, phone.Page, "room-390x844")
}
