package web_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"barrage/protocol"
	"barrage/server/hub"
	"barrage/server/internal/wstest"
	"barrage/server/transport"
)

var replayer = protocol.User{ID: "replay", Name: "Replay"}

// publish broadcasts n comments into room through the hub's fan-out.
func publish(t *testing.T, env *wstest.Env, room string, from, n int) {
	t.Helper()
	for i := range n {
		cm := protocol.Comment{Text: fmt.Sprintf("c%d", from+i), Color: 0xFFFFFF, Mode: 1, Size: 25}
		if err := env.Hub.Publish(room, replayer, cm); err != nil {
			t.Fatal(err)
		}
	}
}

// waitConnections waits until room holds n connections.
func waitConnections(t testing.TB, env *wstest.Env, room string, n int) {
	t.Helper()
	deadline := time.Now().Add(wstest.Wait)
	for {
		d, err := env.Hub.Room(room)
		if err == nil && d.Connections == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("room %s: %+v %v; want %d connections", room, d, err, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestSlowConsumer: a viewer that stops reading while 10,000 comments go
// out costs the others nothing, keeps only the newest comments plus a
// skipped count, and still receives a kick that follows.
func TestSlowConsumer(t *testing.T) {
	const total, chunk = 10000, 250
	env := wstest.Start(t, wstest.Options{Hub: hub.Config{DataQueue: 256}})
	stalled := wstest.DialStalled(t, env.RoomURL("a", env.Token("slow", "viewer", "", 0)))
	healthy := []*wstest.Client{env.Join("h1", "a"), env.Join("h2", "a")}
	waitConnections(t, env, "a", 3)
	before := heapInUse()

	for from := 0; from < total; from += chunk {
		publish(t, env, "a", from, chunk)
		for _, c := range healthy {
			for i, d := range c.Comments(chunk) {
				if d.Seq != uint64(from+i+1) {
					t.Fatalf("healthy viewer got seq %d, want %d", d.Seq, from+i+1)
				}
			}
		}
	}
	if grew := int64(heapInUse()) - int64(before); grew > 16<<20 {
		t.Fatalf("heap grew by %d MiB", grew>>20)
	}
	env.Hub.Kick("a", "slow", time.Minute, "bye")

	c := wstest.Wrap(t, stalled)
	next, skipped := uint64(1), 0
	for {
		f := c.Next()
		switch f.Event {
		case protocol.EventDanmaku:
			var d protocol.Danmaku
			f.Decode(t, &d)
			if d.Seq != next {
				t.Fatalf("slow viewer got seq %d, want %d", d.Seq, next)
			}
			next++
			continue
		case protocol.EventSkipped:
			var s protocol.Skipped
			f.Decode(t, &s)
			skipped += s.Count
			next += uint64(s.Count)
			continue
		case protocol.EventWelcome:
			continue
		}
		if f.Event != protocol.EventForceDisconnect {
			t.Fatalf("slow viewer got %s, want comments, skipped, force_disconnect", f.Raw)
		}
		break
	}
	if next != total+1 || skipped == 0 {
		t.Fatalf("slow viewer: comments up to seq %d, %d skipped; want up to %d, some skipped",
			next-1, skipped, total)
	}
	c.ExpectClose(protocol.CloseRemoved)
}

// TestControlOverflow: a client that does not even take its control events
// is closed with the retryable 4100 instead of growing the server's memory.
func TestControlOverflow(t *testing.T) {
	env := wstest.Start(t, wstest.Options{Hub: hub.Config{DataQueue: 64, ControlQueue: 8}})
	stalled := wstest.DialStalled(t, env.RoomURL("a", env.Token("slow", "viewer", "", 0)))
	other := env.Join("u2", "a")
	waitConnections(t, env, "a", 2)

	publish(t, env, "a", 0, 5000) // fills the socket buffers: the writer blocks
	for i := range 20 {
		env.Hub.Mute("a", "slow", time.Duration(i%2)*time.Minute)
	}
	c := wstest.Wrap(t, stalled)
	f := c.ExpectClose(protocol.CloseSlowClient)
	if !protocol.ShouldReconnect(f.Code, false) {
		t.Fatalf("4100 must be retryable")
	}
	other.Say("unaffected")
	if got := other.WaitFor(protocol.EventDanmaku); got.Event == "" {
		t.Fatal("other viewer got nothing")
	}
}

// TestStalledReader: a viewer that never reads, among 100 healthy ones, is
// really closed (its socket, its goroutines, its place in the room) while
// the healthy ones get every comment.
func TestStalledReader(t *testing.T) {
	const viewers, comments = 100, 200
	env := wstest.Start(t, wstest.Options{
		Transport: transport.Config{WriteTimeout: 5 * time.Second},
	})
	stalled := wstest.DialStalled(t, env.RoomURL("a", env.Token("stalled", "viewer", "", 0)))
	healthy := make([]*wstest.Client, viewers)
	for i := range healthy {
		healthy[i] = env.Join(fmt.Sprintf("v%d", i), "a")
	}
	waitConnections(t, env, "a", viewers+1)

	for from := 0; from < comments; from += 100 {
		publish(t, env, "a", from, 100)
		for _, c := range healthy {
			if got := c.Comments(100); got[99].Seq != uint64(from+100) {
				t.Fatalf("healthy viewer is at seq %d, want %d", got[99].Seq, from+100)
			}
		}
	}
	publish(t, env, "a", comments, 1500) // the stalled socket's buffers fill up
	waitConnections(t, env, "a", viewers)
	deadline := time.Now().Add(wstest.Wait)
	for env.Web.OpenSockets() != viewers {
		if time.Now().After(deadline) {
			t.Fatalf("%d sockets open, want %d", env.Web.OpenSockets(), viewers)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The stalled client finds its socket closed once it reads again.
	c := wstest.Wrap(t, stalled)
	for f := c.Next(); !f.Close; f = c.Next() {
	}
}
