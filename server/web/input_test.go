package web_test

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"barrage/protocol"
	"barrage/server/internal/wstest"
)

// TestBadInput: each bad frame gets an error event naming the problem, the
// connection stays, and nobody else sees anything.
func TestBadInput(t *testing.T) {
	env := wstest.Start(t, wstest.Options{})
	sender, bystander := env.Join("u1", "a"), env.Join("u2", "a")

	cases := []struct {
		name, frame, code string
	}{
		{"invalid JSON", `{"event":"danmaku",`, protocol.ErrBadJSON},
		{"not an object", `[1,2,3]`, protocol.ErrBadJSON},
		{"no event", `{"text":"hi"}`, protocol.ErrUnknownEvent},
		{"unknown event", `{"event":"kick","user":"u2"}`, protocol.ErrUnknownEvent},
		{"empty text", `{"event":"danmaku","text":"   "}`, protocol.ErrEmptyText},
		{"101 runes", `{"event":"danmaku","text":"` + strings.Repeat("弹", 101) + `"}`,
			protocol.ErrTextTooLong},
		{"control character", `{"event":"danmaku","text":"a\u0007b"}`, protocol.ErrControlChar},
		{"bad colour", `{"event":"danmaku","text":"hi","color":16777216}`, protocol.ErrBadColor},
		{"bad mode", `{"event":"danmaku","text":"hi","mode":7}`, protocol.ErrBadMode},
		{"invalid UTF-8", "{\"event\":\"danmaku\",\"text\":\"\xff\"}", protocol.ErrBadUTF8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sender.SendRaw([]byte(tc.frame))
			var e protocol.Error
			sender.Expect(protocol.EventError).Decode(t, &e)
			if e.Code != tc.code || e.Message == "" {
				t.Fatalf("error %+v, want code %s", e, tc.code)
			}
		})
	}
	if err := sender.WS.WriteMessage(websocket.BinaryMessage, []byte{1, 2}); err != nil {
		t.Fatal(err)
	}
	sender.Expect(protocol.EventError)

	// 100 runes is fine, and the connection still works.
	ok := strings.Repeat("弹", 100)
	sender.Say(ok)
	if got := bystander.Comments(1)[0].Text; got != ok {
		t.Fatalf("bystander got %q", got)
	}
	if got := sender.Comments(1)[0].Text; got != ok {
		t.Fatalf("sender got %q", got)
	}
	bystander.Quiet(100 * time.Millisecond)
}

func totalAlloc() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

// TestFrameTooLarge: a frame above the read limit, whether sent whole or
// declared huge and trickled, closes that connection with 1009 at the limit
// without reading the rest; others carry on.
func TestFrameTooLarge(t *testing.T) {
	env := wstest.Start(t, wstest.Options{})
	bystander := env.Join("u2", "a")

	t.Run("64 MiB frame", func(t *testing.T) {
		big := env.Join("u1", "a")
		payload := make([]byte, 64<<20)
		before := totalAlloc()
		go func() {
			// The write fails when the server drops TCP; that is expected.
			_ = big.WS.WriteMessage(websocket.TextMessage, payload)
		}()
		big.ExpectClose(protocol.CloseTooLarge)
		// Client and server share this process: the bound covers both, and
		// is far below the frame's size.
		if grew := totalAlloc() - before; grew > 8<<20 {
			t.Fatalf("allocated %d MiB while refusing a 64 MiB frame", grew>>20)
		}
	})
	t.Run("declared huge, trickled", func(t *testing.T) {
		slow := env.Join("u3", "a")
		// A text frame header declaring 1 GiB, then a few bytes of it: the
		// server sees the length in the header and stops there.
		header := []byte{0x81, 0x80 | 127, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4}
		if _, err := slow.WS.NetConn().Write(append(header, "abc"...)); err != nil {
			t.Fatal(err)
		}
		slow.ExpectClose(protocol.CloseTooLarge)
	})
	bystander.Say("still here")
	if got := bystander.Comments(1)[0].Text; got != "still here" {
		t.Fatalf("bystander got %q", got)
	}
}
