package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"barrage/protocol"
	"barrage/server/hub"
	"barrage/server/internal/wstest"
)

// TestSessionExpiresOnOpenSocket: a token is checked when the socket opens
// and again when it runs out: the client is told and closed with 1008.
func TestSessionExpiresOnOpenSocket(t *testing.T) {
	env := wstest.Start(t, wstest.Options{})
	c := wstest.Dial(t, env.RoomURL("a", env.Token("u1", "viewer", "", 1500*time.Millisecond)), nil)
	c.Expect(protocol.EventWelcome)
	var e protocol.Error
	c.WaitFor(protocol.EventError).Decode(t, &e)
	if e.Code != protocol.ErrAuthExpired {
		t.Fatalf("error %+v", e)
	}
	c.ExpectClose(protocol.ClosePolicy)
}

// TestUserConnectionCap: one user's tabs and devices are bounded; the one
// too many is refused with 4005 and the others stay.
func TestUserConnectionCap(t *testing.T) {
	env := wstest.Start(t, wstest.Options{Hub: hub.Config{MaxUserConns: 2}})
	first, _ := env.Join("u1", "a"), env.Join("u1", "a")
	extra := wstest.Dial(t, env.RoomURL("a", env.Token("u1", "viewer", "", 0)), nil)
	var e protocol.Error
	extra.Expect(protocol.EventError).Decode(t, &e)
	if e.Code != protocol.ErrTooMany {
		t.Fatalf("error %+v", e)
	}
	extra.ExpectClose(protocol.CloseTooMany)
	first.Say("still here")
	first.Comments(1)
}

// TestHostCannotKickAdmin: a host moderates viewers, not admins.
func TestHostCannotKickAdmin(t *testing.T) {
	env := wstest.Start(t, wstest.Options{})
	admin := wstest.Dial(t, env.RoomURL("a", env.Token("boss", protocol.RoleAdmin, "", 0)), nil)
	admin.Expect(protocol.EventWelcome)
	host := env.Token("h1", protocol.RoleHost, "a", 0)
	for _, path := range []string{"kick", "mute"} {
		s := call(t, "POST", env.URL+"/api/rooms/a/"+path, host,
			map[string]any{"user": "boss", "ban_seconds": 60, "seconds": 60}, nil)
		if s != http.StatusForbidden {
			t.Fatalf("host %s of an admin: %d, want 403", path, s)
		}
	}
	admin.Quiet(200 * time.Millisecond)
}

// TestSignInForm: the sign-in page makes hosts of new rooms only, keeps
// redirects on this site, and rejects trailing junk in API bodies.
func TestSignInForm(t *testing.T) {
	env := wstest.Start(t, wstest.Options{})
	env.Join("u1", "live")
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	post := func(form url.Values) *http.Response {
		t.Helper()
		resp, err := noRedirect.PostForm(env.URL+"/signin", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := post(url.Values{"name": {"M"}, "role": {"host"}, "room": {"live"}}); r.StatusCode != 400 {
		t.Fatalf("host of a live room: %d, want 400", r.StatusCode)
	}
	if r := post(url.Values{"name": {"H"}, "role": {"host"}, "room": {"fresh"}}); r.StatusCode != 303 ||
		r.Header.Get("Location") != "/rooms/fresh" {
		t.Fatalf("host of a new room: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	for _, next := range []string{"/\t/evil.example", "//evil.example", "https://evil.example",
		"/\\evil.example", "javascript:alert(1)", "/ok\r\nSet-Cookie: x=1"} {
		r := post(url.Values{"name": {"V"}, "role": {"viewer"}, "next": {next}})
		if loc := r.Header.Get("Location"); loc != "/" {
			t.Errorf("next %q redirected to %q, want /", next, loc)
		}
	}
	if r := post(url.Values{"name": {"V"}, "role": {"viewer"}, "next": {"/rooms/x?y=1"}}); r.Header.Get("Location") != "/rooms/x?y=1" {
		t.Errorf("a local next was not kept: %q", r.Header.Get("Location"))
	}

	admin := env.Token("boss", protocol.RoleAdmin, "", 0)
	req, _ := http.NewRequest("POST", env.URL+"/api/rooms/live/mute",
		strings.NewReader(`{"user":"u1","seconds":5} trailing`))
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("trailing junk: %d, want 400", resp.StatusCode)
	}
}
