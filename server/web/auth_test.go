package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/gorilla/websocket"

	"barrage/protocol"
	"barrage/server/internal/wstest"
)

// TestAuthRefused: every kind of bad sign-in is told inside the WebSocket
// with its own reason, then closed with 1008 (or 4003 for a ban).
func TestAuthRefused(t *testing.T) {
	env := wstest.Start(t, wstest.Options{})
	valid := env.Token("u1", protocol.RoleViewer, "", 0)
	otherKey := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": "u1", "name": "U", "role": "viewer", "iss": "barrage",
		"exp": time.Now().Add(time.Hour).Unix(),
	})
	wrongSig, _ := otherKey.SignedString([]byte("another-secret-another-secret-another-secret"))
	none := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{
		"sub": "u1", "name": "U", "role": "admin", "iss": "barrage",
		"exp": time.Now().Add(time.Hour).Unix(),
	})
	algNone, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)

	cases := []struct {
		name, url, code, reason string
	}{
		{"missing", env.WS + "/ws?room=a", protocol.ErrAuth, "not signed in"},
		{"malformed", env.RoomURL("a", "not.a.jwt"), protocol.ErrAuth, "not valid"},
		{"wrong signature", env.RoomURL("a", wrongSig), protocol.ErrAuth, "not valid"},
		{"alg none", env.RoomURL("a", algNone), protocol.ErrAuth, "not valid"},
		{"expired", env.RoomURL("a", env.Token("u1", "viewer", "", -time.Minute)),
			protocol.ErrAuthExpired, "expired"},
		{"bad room", env.RoomURL("a/b", valid), protocol.ErrBadRoom, "room id"},
		{"no room", env.WS + "/ws?token=" + valid, protocol.ErrBadRoom, "room id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := wstest.Dial(t, tc.url, nil)
			f := c.Expect(protocol.EventError)
			var e protocol.Error
			f.Decode(t, &e)
			if e.Code != tc.code || !strings.Contains(e.Message, tc.reason) {
				t.Fatalf("error %+v, want code %s mentioning %q", e, tc.code, tc.reason)
			}
			closed := c.ExpectClose(protocol.ClosePolicy)
			if closed.Reason != e.Message {
				t.Fatalf("close reason %q, want %q", closed.Reason, e.Message)
			}
		})
	}
	if rooms := env.Hub.Rooms(); len(rooms) != 0 {
		t.Fatalf("refused sign-ins created rooms: %+v", rooms)
	}
}

// TestForeignOriginRefused: a handshake from another site is refused
// before it can use the user's cookie (and, by the one-room rule, evict the
// user's real tabs); the server's own origin and the allow-list pass.
func TestForeignOriginRefused(t *testing.T) {
	env := wstest.Start(t, wstest.Options{Origins: []string{"https://friend.example"}})
	tab := env.Join("u1", "a")
	url := env.RoomURL("b", env.Token("u1", protocol.RoleViewer, "", 0))

	_, resp, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {"http://evil.example"}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("evil origin: err %v, response %v; want 403", err, resp)
	}
	tab.Quiet(200 * time.Millisecond) // the real tab was not evicted

	for _, origin := range []string{env.URL, "https://friend.example"} {
		c := wstest.Dial(t, url, http.Header{"Origin": {origin}})
		c.Expect(protocol.EventWelcome)
	}
}
