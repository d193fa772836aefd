//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"
)

// TestMultiTab proves that a user's tabs are all in the room: a comment from
// another user reaches both tabs of user 1 (with the same sequence number),
// and a comment from one of user 1's tabs reaches the other tab and user 2.
func TestMultiTab(t *testing.T) {
	s := startRoomsServer(t)
	api := newRoomsAPI(t, s)
	const room = "multitab"
	u1 := newUser(t, s, "mt-user1", "用户一", "viewer")
	u2 := newUser(t, s, "mt-user2", "User Two", "viewer")
	tab1 := openWatchedTab(t, u1, "user1 tab 1", room)
	tab2 := openWatchedTab(t, u1, "user1 tab 2", room)
	other := openWatchedTab(t, u2, "user2", room)
	api.expectMember(room, "mt-user1", 2)
	api.expectMember(room, "mt-user2", 1)

	const fromUser2 = "你好 from user 2"
	other.send(fromUser2)
	seqs := []string{other.expectComment(fromUser2),
		tab1.expectComment(fromUser2), tab2.expectComment(fromUser2)}
	if seqs[0] != seqs[1] || seqs[0] != seqs[2] {
		t.Errorf("one comment has sequence numbers %q in the three tabs, want one", seqs)
	}

	const fromTab1 = "hello from user 1, tab 1"
	tab1.send(fromTab1)
	for _, tab := range []*roomTab{tab1, tab2, other} {
		tab.expectComment(fromTab1)
	}
	for _, tab := range []*roomTab{tab1, tab2, other} {
		if n := tab.opened.Load(); n != 1 {
			t.Errorf("%s opened %d WebSockets, want 1", tab.name, n)
		}
	}
}

// TestRoomSwitchEviction proves the one-room rule end to end: when user 1
// opens room B in a third tab, the two tabs in room A are evicted (4001,
// banner with the reason, input disabled, sockets closed), the server lists
// user 1 only in B, a later comment in A reaches neither evicted tab, and
// neither tab opens another socket by itself.
func TestRoomSwitchEviction(t *testing.T) {
	s := startRoomsServer(t)
	evictionScenario(t, s, newRoomsAPI(t, s), "rs")
}

// TestEvictionRepeated runs the scenario of TestRoomSwitchEviction 50 times
// in a row against one server, to catch an eviction that fails only now and
// then. It is slow (10 minutes or so: each run opens four pages and watches
// them for 5 s), so it runs only with BARRAGE_E2E_REPEAT=1, and needs a
// longer -timeout than go test's default 10 minutes.
func TestEvictionRepeated(t *testing.T) {
	if os.Getenv("BARRAGE_E2E_REPEAT") != "1" {
		t.Skip("skipping: set BARRAGE_E2E_REPEAT=1 to run the eviction scenario 50 times " +
			"(about 10 minutes; use -timeout 30m)")
	}
	const runs = 50
	s := startRoomsServer(t)
	api := newRoomsAPI(t, s)
	start := time.Now()
	var failed []int
	for i := 1; i <= runs; i++ {
		ok := t.Run(fmt.Sprintf("run%02d", i), func(t *testing.T) {
			evictionScenario(t, s, api.on(t), fmt.Sprintf("r%02d", i))
		})
		if !ok {
			failed = append(failed, i)
		}
	}
	t.Logf("eviction scenario: %d of %d runs passed in %v; failed runs: %v",
		runs-len(failed), runs, time.Since(start).Round(time.Second), failed)
}

// evictionScenario is TestRoomSwitchEviction on server s, with users and
// rooms named after prefix so that runs on one server do not meet.
func evictionScenario(t *testing.T, s *Server, api *roomsAPI, prefix string) {
	t.Helper()
	roomA, roomB := prefix+"-room-a", prefix+"-room-b"
	user1, user2 := prefix+"-user1", prefix+"-user2"
	u1 := newUser(t, s, user1, "Switcher", "viewer")
	u2 := newUser(t, s, user2, "Stayer", "viewer")
	tab1 := openWatchedTab(t, u1, "user1 tab 1", roomA)
	tab2 := openWatchedTab(t, u1, "user1 tab 2", roomA)
	other := openWatchedTab(t, u2, "user2", roomA)
	api.expectMember(roomA, user1, 2)

	tab3 := openWatchedTab(t, u1, "user1 tab 3", roomB)
	reason := regexp.MustCompile(`opened room ` + roomB + ` from another tab`)
	for _, tab := range []*roomTab{tab1, tab2} {
		tab.expectEvicted(4001, reason)
		tab.expectSocketsClosed()
	}
	if t.Failed() {
		return
	}
	api.expectMember(roomB, user1, 1)
	api.expectMember(roomA, user1, 0)
	api.expectMember(roomA, user2, 1)

	// From here on the evicted tabs must stay as they are: no socket, no
	// comment from room A; and the tab in room B must stay in it.
	sockets1, sockets2 := tab1.opened.Load(), tab2.opened.Load()
	const late = "after the switch"
	other.send(late)
	other.expectComment(late) // broadcast in A: from now the evicted tabs could show it
	holdSteady(t, terminalQuiet,
		tab1.noComment(late), tab2.noComment(late),
		tab1.noNewSockets(sockets1), tab2.noNewSockets(sockets2),
		tab1.stays("evicted"), tab2.stays("evicted"), tab3.stays("open"))
	tab1.expectStatesAfter("evicted:")
	tab2.expectStatesAfter("evicted:")
	tab3.expectStatesAfter("open:")
	tab3.expectNoCommentNow(late)
}

// TestKick proves kicking from the room page's moderation panel: every tab
// of the kicked user is evicted with 4001 and the moderator's reason and its
// socket closed; a rejoin during the ban is refused with 4003 and a message
// about the ban; the other user stays and the admin still sees their
// comments.
func TestKick(t *testing.T) {
	s := startRoomsServer(t)
	const room = "kickroom"
	u1 := newUser(t, s, "kick-user1", "Troll", "viewer")
	u2 := newUser(t, s, "kick-user2", "Regular", "viewer")
	admin := newUser(t, s, "kick-admin", "The Admin", "admin")
	tab1 := openWatchedTab(t, u1, "user1 tab 1", room)
	tab2 := openWatchedTab(t, u1, "user1 tab 2", room)
	other := openWatchedTab(t, u2, "user2", room)
	mod := openWatchedTab(t, admin, "admin", room)

	kick := mod.page.Locator(`#users button[data-action="kick"][data-user="kick-user1"]`)
	if err := expect.Locator(kick).ToBeVisible(); err != nil {
		t.Fatalf("admin's moderation panel: kick button for user 1: %v", err)
	}
	if _, err := mod.page.Locator("#ban-seconds").SelectOption(
		optionWithValue("60")); err != nil {
		t.Fatalf("set #ban-seconds: %v", err)
	}
	const why = "Spamming links (e2e)"
	if err := mod.page.Locator("#kick-reason").Fill(why); err != nil {
		t.Fatalf("fill #kick-reason: %v", err)
	}
	if err := kick.Click(); err != nil {
		t.Fatalf("click kick: %v", err)
	}

	for _, tab := range []*roomTab{tab1, tab2} {
		tab.expectEvicted(4001, regexp.MustCompile(regexp.QuoteMeta(why)))
		tab.expectSocketsClosed()
	}
	if err := expect.Locator(mod.page.Locator("#mod-status")).ToContainText(
		"banned for"); err != nil {
		t.Errorf("admin's #mod-status after the kick: %v", err)
	}
	notice := other.page.Locator(`#notices li[data-kind="kicked"]`)
	if err := expect.Locator(notice).ToContainText("Troll"); err != nil {
		t.Errorf("user 2's notice of the kick: %v", err)
	}
	if t.Failed() {
		return
	}

	// Rejoining during the ban: one new socket, refused with 4003.
	if err := tab1.page.Locator("#rejoin").Click(); err != nil {
		t.Fatalf("click #rejoin: %v", err)
	}
	tab1.expectCloseCode(4003)
	tab1.expectState("evicted")
	tab1.expectBanner(regexp.MustCompile(`(?i)\bbanned\b|rejoin in \d`))
	if n := tab1.opened.Load(); n != 2 {
		t.Errorf("user1 tab 1 opened %d WebSockets by the rejoin, want 2 in all", n)
	}
	tab1.expectSocketsClosed()

	const carryOn = "still here after the kick"
	other.send(carryOn)
	mod.expectComment(carryOn)
	other.expectComment(carryOn)
	other.expectStatesAfter("open:")
	tab2.expectNoCommentNow(carryOn)
}

// TestMute proves muting and unmuting from the moderation panel: a muted
// user's comment is refused with a message next to the input and reaches
// nobody, and after the unmute the user's comments reach everyone again.
func TestMute(t *testing.T) {
	s := startRoomsServer(t)
	const room = "muteroom"
	u1 := newUser(t, s, "mute-user1", "Loud", "viewer")
	u2 := newUser(t, s, "mute-user2", "Quiet", "viewer")
	admin := newUser(t, s, "mute-admin", "The Admin", "admin")
	loud := openWatchedTab(t, u1, "user1", room)
	other := openWatchedTab(t, u2, "user2", room)
	mod := openWatchedTab(t, admin, "admin", room)

	mute := mod.page.Locator(`#users button[data-action="mute"][data-user="mute-user1"]`)
	if err := expect.Locator(mute).ToBeVisible(); err != nil {
		t.Fatalf("admin's moderation panel: mute button for user 1: %v", err)
	}
	if _, err := mod.page.Locator("#mute-seconds").SelectOption(
		optionWithValue("60")); err != nil {
		t.Fatalf("set #mute-seconds: %v", err)
	}
	if err := mute.Click(); err != nil {
		t.Fatalf("click mute: %v", err)
	}
	if err := expect.Locator(loud.page.Locator("#muted")).ToBeVisible(); err != nil {
		t.Fatalf("user 1's #muted note after the mute: %v", err)
	}

	const muted = "you cannot hear this"
	loud.send(muted)
	status := expect.Locator(loud.page.Locator("#send-status"))
	if err := status.ToHaveText(regexp.MustCompile(`(?i)muted`)); err != nil {
		t.Fatalf("user 1's #send-status after a muted comment: %v", err)
	}
	if err := expect.Locator(loud.page.Locator("#text")).ToHaveValue(muted); err != nil {
		t.Errorf("the refused comment should be back in #text: %v", err)
	}
	// The server refused the comment before it answered; a comment sent
	// after that answer and seen by everyone bounds what could have arrived.
	const sentinel = "sent after the muted one"
	other.send(sentinel)
	for _, tab := range []*roomTab{mod, other, loud} {
		tab.expectComment(sentinel)
		tab.expectNoCommentNow(muted)
	}

	unmute := mod.page.Locator(`#users button[data-action="unmute"][data-user="mute-user1"]`)
	if err := unmute.Click(); err != nil {
		t.Fatalf("click unmute: %v", err)
	}
	if err := expect.Locator(loud.page.Locator("#muted")).ToBeHidden(); err != nil {
		t.Fatalf("user 1's #muted note after the unmute: %v", err)
	}
	const again = "may I speak now?"
	loud.send(again)
	for _, tab := range []*roomTab{mod, other, loud} {
		tab.expectComment(again)
	}
	if err := status.ToHaveText(""); err != nil {
		t.Errorf("user 1's #send-status after an accepted comment: %v", err)
	}
}

// TestExpiredSession proves that a page whose session cookie has expired is
// told so: the socket ends with 1008, the page shows signed-out with a
// sign-in link, and it does not try again by itself.
func TestExpiredSession(t *testing.T) {
	s := startRoomsServer(t)
	bc := userContextWith(t, s, signExpiredToken(t, "expired-user"),
		playwright.BrowserNewContextOptions{})
	tab := newWatchedTab(t, bc, "expired user")
	tab.goTo("expiredroom")
	expectTabSignedOut(t, tab)
	holdSteady(t, terminalQuiet, tab.noNewSockets(1), tab.stays("signed-out"))
	tab.expectStatesAfter("signed-out:")
}

// expectTabSignedOut checks the page of a refused session.
func expectTabSignedOut(t *testing.T, tab *roomTab) {
	t.Helper()
	tab.expectState("signed-out")
	tab.expectCloseCode(1008)
	tab.expectBanner(regexp.MustCompile(`(?i)expired`))
	if err := expect.Locator(tab.page.Locator("#banner-signin")).ToBeVisible(); err != nil {
		t.Errorf("%s: #banner-signin: %v", tab.name, err)
	}
	tab.expectSocketsClosed()
}

// TestRestartReconnects proves that a restart of the server is not an
// eviction: the open tabs see 1001, reconnect by themselves with their
// cookies (the secret is fixed), and comments flow again.
func TestRestartReconnects(t *testing.T) {
	s := startRoomsServer(t)
	const room = "restartroom"
	u1 := newUser(t, s, "rs-user1", "One", "viewer")
	u2 := newUser(t, s, "rs-user2", "Two", "viewer")
	tabs := []*roomTab{openWatchedTab(t, u1, "user1", room), openWatchedTab(t, u2, "user2", room)}
	for _, tab := range tabs {
		// While the server is down, reconnect attempts fail, and Chromium
		// logs each failed handshake as a console error.
		tab.console.Allow(`WebSocket connection to '.*' failed`)
	}

	s.Restart(t)
	for _, tab := range tabs {
		// Backoff 0.5 s × 2^n with full jitter: a few failed attempts
		// while the server restarts add up to some seconds.
		tab.expectStateWithin("open", 25*time.Second)
		seen := tab.states()
		if !slices.Contains(seen, "reconnecting:1001") {
			t.Errorf("%s: states %q, want reconnecting with 1001 on the way", tab.name, seen)
		}
		if slices.ContainsFunc(seen, func(s string) bool {
			return strings.HasPrefix(s, "evicted:") || strings.HasPrefix(s, "signed-out:") ||
				strings.HasPrefix(s, "closed:")
		}) {
			t.Errorf("%s: a restart ended the connection for good: states %q", tab.name, seen)
		}
	}

	const afterRestart = "back after the restart"
	tabs[1].send(afterRestart)
	tabs[0].expectComment(afterRestart)
}

// TestTerminalClosesDoNotReconnect proves, for each way the server ends a
// connection for good, that the page opens no socket of its own for a while
// after: no reconnect loop, and, for a room switch, no evicted tab going back
// to its old room and evicting the tab that moved.
func TestTerminalClosesDoNotReconnect(t *testing.T) {
	s := startRoomsServer(t)
	api := newRoomsAPI(t, s)

	cases := []struct {
		name, room string
		// user names the tab's user; "" makes its session an expired one.
		user string
		// end brings tab to its terminal close and checks that the page
		// shows it. It returns more checks that must hold while the tab
		// is watched, and a final check for after.
		end func(t *testing.T, api *roomsAPI, tab *roomTab) (steady []func() error, after func())
	}{{
		name: "room switch 4001", room: "tc-switch-a", user: "tc-switch",
		end: func(t *testing.T, api *roomsAPI, tab *roomTab) ([]func() error, func()) {
			moved := openWatchedTab(t, tab.page.Context(), "tab in the new room", "tc-switch-b")
			tab.expectEvicted(4001, regexp.MustCompile(`opened room tc-switch-b`))
			api.expectMember("tc-switch-b", "tc-switch", 1)
			after := func() {
				moved.expectStatesAfter("open:")
				api.expectMember("tc-switch-b", "tc-switch", 1)
				api.expectMember("tc-switch-a", "tc-switch", 0)
			}
			return []func() error{moved.stays("open"), moved.noNewSockets(1)}, after
		},
	}, {
		name: "kick 4001", room: "tc-kick-a", user: "tc-kick",
		end: func(t *testing.T, api *roomsAPI, tab *roomTab) ([]func() error, func()) {
			api.kick("tc-kick-a", "tc-kick", 0) // no ban: a reconnect would get back in
			tab.expectEvicted(4001, regexp.MustCompile(`removed from this room`))
			return nil, func() { api.expectMember("tc-kick-a", "tc-kick", 0) }
		},
	}, {
		name: "room closed 4004", room: "tc-close-a", user: "tc-close",
		end: func(t *testing.T, api *roomsAPI, tab *roomTab) ([]func() error, func()) {
			api.closeRoom("tc-close-a")
			tab.expectEvicted(4004, regexp.MustCompile(`room was closed`))
			return nil, func() { api.expectMember("tc-close-a", "tc-close", 0) }
		},
	}, {
		name: "expired session 1008", room: "tc-expired-a",
		end: func(t *testing.T, api *roomsAPI, tab *roomTab) ([]func() error, func()) {
			expectTabSignedOut(t, tab)
			return nil, func() {}
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var tab *roomTab
			if tc.user == "" {
				bc := userContextWith(t, s, signExpiredToken(t, "tc-expired"),
					playwright.BrowserNewContextOptions{})
				tab = newWatchedTab(t, bc, "expired tab")
				tab.goTo(tc.room)
			} else {
				tab = openWatchedTab(t, newUser(t, s, tc.user, tc.user, "viewer"), "tab", tc.room)
			}
			steady, after := tc.end(t, api.on(t), tab)
			tab.expectSocketsClosed()
			if t.Failed() {
				return
			}
			state, err := tab.page.Locator("body").GetAttribute("data-ws-state")
			if err != nil {
				t.Fatalf("read data-ws-state: %v", err)
			}
			checks := append(steady, tab.noNewSockets(tab.opened.Load()), tab.stays(state))
			holdSteady(t, terminalQuiet, checks...)
			tab.expectStatesAfter(state + ":")
			after()
		})
	}
}

// optionWithValue picks the option of a <select> with value v.
func optionWithValue(v string) playwright.SelectOptionValues {
	return playwright.SelectOptionValues{Values: &[]string{v}}
}
