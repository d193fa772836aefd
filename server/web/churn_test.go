package web_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"barrage/protocol"
	"barrage/server/hub"
	"barrage/server/internal/wstest"
	"barrage/server/transport"
)

// broadcastAt publishes into room at about hz comments a second until ctx
// ends.
func broadcastAt(ctx context.Context, env *wstest.Env, room string, hz int) {
	tick := time.NewTicker(time.Second / time.Duration(hz))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			publishQuiet(env, room, 1)
		}
	}
}

// TestChurnDuringBroadcast: a thousand connections leave, are kicked or
// switch rooms at random moments while the room broadcasts at 2 kHz. No
// panic (send on a closed channel, write after close), no leaked goroutine
// (goleak in TestMain), and the hub's books balance.
func TestChurnDuringBroadcast(t *testing.T) {
	const workers, each = 4, 250
	env := wstest.Start(t, wstest.Options{Transport: fastClose()})
	watcher := env.Join("watcher", "a")
	ctx, stop := context.WithCancel(context.Background())
	var bg sync.WaitGroup
	bg.Go(func() { broadcastAt(ctx, env, "a", 2000) })

	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				churnOnce(t, env, fmt.Sprintf("churn%d-%d", w, i%7))
			}
		})
	}
	wg.Wait()
	stop()
	bg.Wait()

	if err := env.Hub.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	watcher.Say("after the churn")
	if got := watcher.WaitFor(protocol.EventDanmaku); got.Event == "" {
		t.Fatal("watcher got nothing")
	}
}

// churnOnce joins user to room a and, after a random moment, ends that
// connection one of four ways.
func churnOnce(t *testing.T, env *wstest.Env, user string) {
	tok := env.Token(user, protocol.RoleViewer, "", 0)
	ws, _, err := websocket.DefaultDialer.Dial(env.RoomURL("a", tok), nil)
	if err != nil {
		t.Errorf("dial: %v", err)
		return
	}
	defer ws.Close()
	go drain(ws)
	time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
	switch rand.IntN(4) {
	case 0: // the tab closes
	case 1:
		env.Hub.Kick("a", user, time.Millisecond, "")
	case 2: // the same user opens room b
		other, _, err := websocket.DefaultDialer.Dial(env.RoomURL("b", tok), nil)
		if err == nil {
			go drain(other)
			defer other.Close()
		}
	case 3:
		env.Hub.Mute("a", user, time.Minute)
	}
}

// drain reads a connection until it ends.
func drain(ws *websocket.Conn) {
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			return
		}
	}
}

func fastClose() transport.Config {
	return transport.Config{Grace: 20 * time.Millisecond, CloseWait: 100 * time.Millisecond}
}

// TestJoinsMillisecondsApart: a user in room a joins b and c a few
// milliseconds apart while a broadcasts; the user ends in exactly one room.
// A leave followed at once by a rejoin of the same room keeps the room,
// even with the idle sweep racing it.
func TestJoinsMillisecondsApart(t *testing.T) {
	env := wstest.Start(t, wstest.Options{
		Hub:       hub.Config{SweepInterval: time.Millisecond, RoomIdle: time.Nanosecond},
		Transport: fastClose(),
	})
	ctx, stop := context.WithCancel(context.Background())
	var bg sync.WaitGroup
	bg.Go(func() { broadcastAt(ctx, env, "a", 2000) })
	defer func() { stop(); bg.Wait() }()

	for round := range 20 {
		user := fmt.Sprintf("hopper%d", round)
		env.Join(user, "a")
		env.Join(user, "a")
		tok := env.Token(user, protocol.RoleViewer, "", 0)
		var conns []*websocket.Conn
		for _, room := range []string{"b", "c"} {
			ws, _, err := websocket.DefaultDialer.Dial(env.RoomURL(room, tok), nil)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, ws)
			time.Sleep(2 * time.Millisecond)
		}
		checkOneRoom(t, env, user, conns)
	}

	for range 100 {
		c := env.Join("regular", "quiet")
		c.Close()
		again := env.Join("regular", "quiet")
		again.Say("back again")
		if d := again.Comments(1)[0]; d.Text != "back again" {
			t.Fatalf("after rejoin got %q", d.Text)
		}
		again.Close()
	}
	if err := env.Hub.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}
