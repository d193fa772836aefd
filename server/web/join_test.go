package web_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"barrage/protocol"
	"barrage/server/internal/wstest"
)

// TestConcurrentJoins joins one user to random rooms from 200 goroutines at
// once, many times: afterwards the user is in exactly one room, every other
// connection was told 4001, and the hub's index agrees with its rooms.
func TestConcurrentJoins(t *testing.T) {
	const rounds, joins = 8, 200
	env := wstest.Start(t, wstest.Options{})
	for round := range rounds {
		user := fmt.Sprintf("racer%d", round)
		url := func(room string) string {
			return env.RoomURL(room, env.Token(user, protocol.RoleViewer, "", 0))
		}
		clients := make([]*websocket.Conn, joins)
		var wg sync.WaitGroup
		for i := range joins {
			wg.Go(func() {
				room := fmt.Sprintf("r%d", rand.IntN(5))
				ws, _, err := websocket.DefaultDialer.Dial(url(room), nil)
				if err != nil {
					t.Errorf("dial: %v", err)
					return
				}
				clients[i] = ws
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		checkOneRoom(t, env, user, clients)
	}
}

// checkOneRoom checks that the survivors are exactly the user's connections
// in the one room the hub places the user in. Every connection is first read
// up to its welcome: a dial returns before the server has joined the
// connection, and the welcomes prove that every join is done.
func checkOneRoom(t *testing.T, env *wstest.Env, user string, clients []*websocket.Conn) {
	t.Helper()
	rooms := make([]string, len(clients))
	for i, ws := range clients {
		defer ws.Close()
		ev := readUntil(t, ws, protocol.EventWelcome, wstest.Wait)
		if ev.Event != protocol.EventWelcome {
			t.Fatalf("connection %d: no welcome", i)
		}
		rooms[i] = ev.Room
	}
	room := env.Hub.UserRoom(user)
	live := 0
	for i, ws := range clients {
		ev := readUntil(t, ws, protocol.EventForceDisconnect, 300*time.Millisecond)
		switch {
		case ev.Event == protocol.EventForceDisconnect && ev.Code == protocol.CloseRemoved:
		case ev.Event == "" && rooms[i] == room:
			live++
		default:
			t.Errorf("connection in %s ended with %+v; user is in %q", rooms[i], ev, room)
		}
	}
	d, err := env.Hub.Room(room)
	if err != nil || live == 0 || len(d.Users) != 1 || d.Users[0].Connections != live {
		t.Fatalf("room %s: %+v %v; want %d connections of %s", room, d, err, live, user)
	}
	if err := env.Hub.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// event is the part of a server event these tests look at.
type event struct {
	Event string
	Room  string
	Code  int
}

// readUntil reads events until one named want arrives, and returns it; it
// returns a zero event if the connection stays quiet for d or closes.
func readUntil(t *testing.T, ws *websocket.Conn, want string, d time.Duration) event {
	t.Helper()
	for {
		ws.SetReadDeadline(time.Now().Add(d))
		_, data, err := ws.ReadMessage()
		if err != nil {
			return event{}
		}
		var ev event
		if err := json.Unmarshal(data, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Event == want {
			return ev
		}
	}
}
