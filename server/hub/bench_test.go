package hub_test

import (
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"

	"barrage/protocol"
	"barrage/server/hub"
)

// BenchmarkPublish measures the hub's fan-out alone: one comment encoded
// once and queued for every member, with each member's queue drained by its
// own goroutine as a transport writer would (no sockets). ns/op is per
// comment; divide by the viewers for the cost per delivery.
func BenchmarkPublish(b *testing.B) {
	for _, viewers := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("viewers=%d", viewers), func(b *testing.B) {
			h := hub.New(hub.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
			var drainers sync.WaitGroup
			stop := make(chan struct{})
			for i := range viewers {
				c, err := h.Join("a", protocol.User{ID: fmt.Sprintf("v%d", i), Name: "v"})
				if err != nil {
					b.Fatal(err)
				}
				drainers.Go(func() { drainQueue(c, stop) })
			}
			from := protocol.User{ID: "replay", Name: "Replay"}
			cm := protocol.Comment{Text: "弹幕 bench", Color: 0xFFFFFF, Mode: 1, Size: 25}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := h.Publish("a", from, cm); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			close(stop)
			drainers.Wait()
		})
	}
}

func drainQueue(c *hub.Conn, stop <-chan struct{}) {
	var batch hub.Batch
	for {
		select {
		case <-stop:
			return
		case <-c.Wake():
			c.Take(&batch)
		}
	}
}
