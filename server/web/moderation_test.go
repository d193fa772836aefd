package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"barrage/protocol"
	"barrage/server/hub"
	"barrage/server/internal/wstest"
)

func TestKickWithBan(t *testing.T) {
	env := wstest.Start(t, wstest.Options{})
	tabs := []*wstest.Client{env.Join("u1", "a"), env.Join("u1", "a")}
	other := env.Join("u2", "a")
	host := env.Token("h1", protocol.RoleHost, "a", 0)

	var res struct {
		Kicked int `json:"kicked_connections"`
	}
	status := call(t, "POST", env.URL+"/api/rooms/a/kick", host,
		map[string]any{"user": "u1", "ban_seconds": 60, "reason": "spam"}, &res)
	if status != http.StatusOK || res.Kicked != 2 {
		t.Fatalf("kick: %d %+v", status, res)
	}
	for _, tab := range tabs {
		var fd protocol.ForceDisconnect
		tab.WaitFor(protocol.EventForceDisconnect).Decode(t, &fd)
		if fd.Code != protocol.CloseRemoved || fd.Reason != "spam" {
			t.Fatalf("force_disconnect %+v", fd)
		}
		tab.ExpectClose(protocol.CloseRemoved)
	}
	var n protocol.Notice
	other.WaitFor(protocol.EventNotice).Decode(t, &n)
	if n.Kind != protocol.NoticeKicked || n.User != "u1" {
		t.Fatalf("notice %+v", n)
	}

	again := wstest.Dial(t, env.RoomURL("a", env.Token("u1", "viewer", "", 0)), nil)
	var e protocol.Error
	again.Expect(protocol.EventError).Decode(t, &e)
	if e.Code != protocol.ErrBanned || e.RetryMS <= 0 {
		t.Fatalf("rejoin during ban: %+v", e)
	}
	again.ExpectClose(protocol.CloseBanned)
	// The ban is for room a only.
	env.Join("u1", "b")
	other.Say("carry on")
	other.Comments(1)
}

func TestMute(t *testing.T) {
	env := wstest.Start(t, wstest.Options{})
	muted, other := env.Join("u1", "a"), env.Join("u2", "a")
	admin := env.Token("boss", protocol.RoleAdmin, "", 0)

	if s := call(t, "POST", env.URL+"/api/rooms/a/mute", admin,
		map[string]any{"user": "u1", "seconds": 60}, nil); s != http.StatusOK {
		t.Fatalf("mute: %d", s)
	}
	var n protocol.Notice
	muted.WaitFor(protocol.EventNotice).Decode(t, &n)
	if n.Kind != protocol.NoticeMuted || n.Until == 0 {
		t.Fatalf("notice %+v", n)
	}
	muted.Say("can you hear me")
	var e protocol.Error
	muted.Expect(protocol.EventError).Decode(t, &e)
	if e.Code != protocol.ErrMuted {
		t.Fatalf("error %+v", e)
	}
	other.Quiet(200 * time.Millisecond) // nobody saw it
	other.Say("muted users still receive")
	if got := muted.Comments(1)[0].Text; got != "muted users still receive" {
		t.Fatalf("muted user got %q", got)
	}

	call(t, "POST", env.URL+"/api/rooms/a/mute", admin, map[string]any{"user": "u1", "seconds": 0}, nil)
	muted.WaitFor(protocol.EventNotice)
	muted.Say("back")
	if got := other.Comments(2)[1].Text; got != "back" {
		t.Fatalf("after unmute other got %q", got)
	}
}

func TestCloseRoom(t *testing.T) {
	env := wstest.Start(t, wstest.Options{})
	a, b := env.Join("u1", "a"), env.Join("u2", "a")
	elsewhere := env.Join("u3", "c")
	admin := env.Token("boss", protocol.RoleAdmin, "", 0)

	if s := call(t, "DELETE", env.URL+"/api/rooms/a", admin, nil, nil); s != http.StatusOK {
		t.Fatalf("close: %d", s)
	}
	for _, c := range []*wstest.Client{a, b} {
		var fd protocol.ForceDisconnect
		c.WaitFor(protocol.EventForceDisconnect).Decode(t, &fd)
		if fd.Code != protocol.CloseRoomClosed {
			t.Fatalf("force_disconnect %+v", fd)
		}
		c.ExpectClose(protocol.CloseRoomClosed)
	}
	if _, err := env.Hub.Room("a"); err == nil {
		t.Fatal("room a still exists")
	}
	if s := call(t, "DELETE", env.URL+"/api/rooms/a", admin, nil, nil); s != http.StatusNotFound {
		t.Fatalf("closing a closed room: %d, want 404", s)
	}
	elsewhere.Say("unaffected")
	elsewhere.Comments(1)
}

// TestModerationRefused: viewers and other rooms' hosts get 403 JSON, a
// missing token 401, bad bodies 400; nothing happens to the target.
func TestModerationRefused(t *testing.T) {
	env := wstest.Start(t, wstest.Options{})
	target := env.Join("u1", "a")
	viewer := env.Token("u2", protocol.RoleViewer, "", 0)
	otherHost := env.Token("h2", protocol.RoleHost, "b", 0)
	admin := env.Token("boss", protocol.RoleAdmin, "", 0)
	kick := map[string]any{"user": "u1", "ban_seconds": 60}

	cases := []struct {
		name, method, path, token string
		body                      any
		status                    int
	}{
		{"viewer kicks", "POST", "/api/rooms/a/kick", viewer, kick, 403},
		{"other host kicks", "POST", "/api/rooms/a/kick", otherHost, kick, 403},
		{"viewer mutes", "POST", "/api/rooms/a/mute", viewer, kick, 403},
		{"viewer closes", "DELETE", "/api/rooms/a", viewer, nil, 403},
		{"viewer lists", "GET", "/api/rooms", viewer, nil, 403},
		{"viewer inspects", "GET", "/api/rooms/a", viewer, nil, 403},
		{"no token", "POST", "/api/rooms/a/kick", "", kick, 401},
		{"garbage token", "POST", "/api/rooms/a/kick", "garbage", kick, 401},
		{"bad user", "POST", "/api/rooms/a/kick", admin, map[string]any{"user": "a b"}, 400},
		{"negative ban", "POST", "/api/rooms/a/kick", admin,
			map[string]any{"user": "u1", "ban_seconds": -1}, 400},
		{"bad room", "POST", "/api/rooms/a.b/kick", admin, kick, 400},
		{"unknown room", "GET", "/api/rooms/nowhere", admin, nil, 404},
		{"kick yourself", "POST", "/api/rooms/a/kick", admin, map[string]any{"user": "boss"}, 409},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out map[string]any
			s := call(t, tc.method, env.URL+tc.path, tc.token, tc.body, &out)
			msg, _ := out["error"].(string)
			if s != tc.status || strings.TrimSpace(msg) == "" {
				t.Fatalf("status %d body %v; want %d with an error message", s, out, tc.status)
			}
		})
	}
	target.Quiet(200 * time.Millisecond)

	var d hub.RoomDetail
	if s := call(t, "GET", env.URL+"/api/rooms/a", admin, nil, &d); s != 200 ||
		len(d.Users) != 1 || d.Users[0].ID != "u1" || d.Users[0].Connections != 1 {
		t.Fatalf("room a for admin: %d %+v", s, d)
	}
}
