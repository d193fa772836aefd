package views

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"barrage/protocol"
)

const hostile = `<img src=x onerror=alert(1)>`

// escaped is how hostile must appear in text and in quoted attributes.
const escaped = `&lt;img src=x onerror=alert(1)&gt;`

func render(t *testing.T, c templ.Component) string {
	t.Helper()
	var b bytes.Buffer
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatalf("render: %v", err)
	}
	return b.String()
}

func hostileNav() Nav {
	return Nav{User: &protocol.User{ID: "u1", Name: hostile, Role: protocol.RoleAdmin}}
}

func hostileRooms() []RoomSummary {
	return []RoomSummary{{ID: hostile, Online: 2, Connections: 3, Replaying: true}}
}

func TestPagesEscapeUserText(t *testing.T) {
	t.Parallel()
	pages := map[string]templ.Component{
		"signin": SignIn(SignInPage{Nav: hostileNav(), Error: hostile, Next: hostile, Name: hostile}),
		"lobby":  Lobby(LobbyPage{Nav: hostileNav(), Rooms: hostileRooms()}),
		"room": Room(RoomPage{
			Nav:         hostileNav(),
			Room:        hostile,
			CanModerate: true,
			Recent: []protocol.Danmaku{{
				Seq: 7, User: "u2", Name: hostile, Text: hostile, Color: 0xFF0000, Mode: 1,
			}},
			Tracks: []string{hostile},
		}),
		"admin":     Admin(AdminPage{Nav: hostileNav(), Rooms: hostileRooms()}),
		"not-found": NotFound(hostile),
	}
	for name, c := range pages {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			html := render(t, c)
			if strings.Contains(html, "<img") {
				t.Errorf("unescaped tag in:\n%s", html)
			}
			if !strings.Contains(html, escaped) {
				t.Errorf("the hostile string is not shown escaped in:\n%s", html)
			}
			for _, want := range []string{
				"<!doctype html>", "<title>Barrage</title>", `href="/static/style.css"`,
				`name="viewport"`, `data-page="` + name + `"`,
			} {
				if !strings.Contains(strings.ToLower(html), strings.ToLower(want)) {
					t.Errorf("missing %s", want)
				}
			}
		})
	}
}

func TestRoomPageAttributes(t *testing.T) {
	t.Parallel()
	html := render(t, Room(RoomPage{
		Nav:         Nav{User: &protocol.User{ID: "u1", Name: "Ann", Role: protocol.RoleHost}},
		Room:        "demo",
		CanModerate: true,
		Recent:      []protocol.Danmaku{{Seq: 42, Name: "Bo", Text: "hello", Color: 0xFF8800}},
		Tracks:      []string{"track-1"},
	}))
	for _, want := range []string{
		`data-page="room"`, `data-room="demo"`, `data-can-moderate="true"`,
		`data-user-id="u1"`, `data-ws-state="connecting"`, `data-close-code=""`,
		`data-danmaku-seq="42"`, `>hello</li>`, `style="--c:#ff8800;"`,
		`id="mod"`, `<option value="track-1">`, `src="/static/boot.js"`,
		`href="/signin?next=%2Frooms%2Fdemo"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("room page lacks %s", want)
		}
	}

	lobby := render(t, Lobby(LobbyPage{Nav: hostileNav()}))
	if !strings.Contains(lobby, `data-user-id="u1"`) {
		t.Error("a signed-in page lacks data-user-id")
	}

	viewer := render(t, Room(RoomPage{Room: "demo"}))
	if strings.Contains(viewer, "data-user-id") {
		t.Error("a signed-out page has data-user-id")
	}
	if !strings.Contains(viewer, `data-can-moderate="false"`) || strings.Contains(viewer, `id="mod"`) {
		t.Error("a viewer's room page offers moderation")
	}
}

func TestSignedOutNav(t *testing.T) {
	t.Parallel()
	html := render(t, SignIn(SignInPage{Next: "/rooms/demo"}))
	if !strings.Contains(html, `href="/signin"`) || strings.Contains(html, `action="/signout"`) {
		t.Error("a signed-out page shows a sign-out form")
	}
	if !strings.Contains(html, `name="next" value="/rooms/demo"`) {
		t.Error("the sign-in form loses next")
	}
	if strings.Contains(html, "boot.js") {
		t.Error("the sign-in page loads the client it does not need")
	}
}
