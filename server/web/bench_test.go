package web_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gorilla/websocket"

	"barrage/protocol"
	"barrage/server/internal/wstest"
)

// BenchmarkBroadcast measures one comment's trip from the hub to every one
// of 100 real WebSocket viewers on loopback (ns/op is the time until the
// last viewer has it), with and without a stalled viewer in the room. The
// two should be alike: a stalled viewer must cost the others nothing (I4).
// Compare them as a ratio from one run; the figures depend on the machine
// (go test prints its CPU).
func BenchmarkBroadcast(b *testing.B) {
	for _, stalled := range []bool{false, true} {
		b.Run(fmt.Sprintf("viewers=100/stalled=%v", stalled), func(b *testing.B) {
			benchBroadcast(b, 100, stalled)
		})
	}
}

func benchBroadcast(b *testing.B, viewers int, stalled bool) {
	env := wstest.Start(b, wstest.Options{})
	if stalled {
		wstest.DialStalled(b, env.RoomURL("a", env.Token("stalled", "viewer", "", 0)))
	}
	var got atomic.Int64
	arrived := make(chan struct{}, 1)
	var readers sync.WaitGroup
	conns := make([]*websocket.Conn, 0, viewers)
	b.Cleanup(func() {
		for _, ws := range conns {
			ws.Close()
		}
		readers.Wait()
	})
	for i := range viewers {
		ws, _, err := websocket.DefaultDialer.Dial(
			env.RoomURL("a", env.Token(fmt.Sprintf("v%d", i), "viewer", "", 0)), nil)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, ws)
		readers.Go(func() { countComments(ws, &got, arrived) })
	}
	want := viewers
	if stalled {
		want++
	}
	waitConnections(b, env, "a", want)

	b.ResetTimer()
	for i := range b.N {
		if err := env.Hub.Publish("a", replayer, protocol.Comment{
			Text: "bench", Color: 0xFFFFFF, Mode: 1, Size: 25,
		}); err != nil {
			b.Fatal(err)
		}
		for got.Load() < int64((i+1)*viewers) {
			<-arrived
		}
	}
}

// countComments reads ws until it closes, counting danmaku events.
func countComments(ws *websocket.Conn, got *atomic.Int64, arrived chan<- struct{}) {
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if ev, _ := protocol.EventName(data); ev == protocol.EventDanmaku {
			got.Add(1)
			select {
			case arrived <- struct{}{}:
			default:
			}
		}
	}
}
