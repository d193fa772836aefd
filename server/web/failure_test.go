package web_test

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"barrage/protocol"
	"barrage/server/hub"
	"barrage/server/internal/wstest"
	"barrage/server/transport"
)

// TestConcurrentWritersOneStream drives keepalive pings, the client's pings
// (pongs), broadcasts, notices and finally a kick at one connection at once:
// the wire carries one well-formed stream that ends in force_disconnect and
// exactly one close frame, with nothing after it.
func TestConcurrentWritersOneStream(t *testing.T) {
	env := wstest.Start(t, wstest.Options{Transport: transport.Config{
		PingInterval: 2 * time.Millisecond, HeartbeatInterval: 3 * time.Millisecond,
	}})
	raw := wstest.DialRaw(t, env.RoomURL("a", env.Token("u1", "viewer", "", 0)))
	waitConnections(t, env, "a", 1)

	var wg sync.WaitGroup
	wg.Go(func() {
		// Spread over a few hundred milliseconds, so that keepalive pings
		// (every 2 ms) fall among the comments.
		for range 30 {
			publishQuiet(env, "a", 100)
			time.Sleep(10 * time.Millisecond)
		}
	})
	wg.Go(func() {
		for i := range 200 { // fewer than the control queue holds
			env.Hub.Mute("a", "u1", time.Duration(i%2)*time.Minute)
		}
	})
	wg.Go(func() {
		for range 100 {
			if raw.Write(9, []byte("ping")) != nil {
				return
			}
			time.Sleep(time.Millisecond)
		}
	})
	go func() {
		wg.Wait()
		env.Hub.Kick("a", "u1", time.Minute, "kicked while busy")
	}()

	kinds := map[byte]int{}
	forced, comments := false, 0
	for {
		f, err := raw.Read(wstest.Wait)
		if err != nil {
			t.Fatalf("stream ended without a close frame: %v (frames %v)", err, kinds)
		}
		kinds[f.Opcode]++
		if f.Opcode == 8 {
			if !forced || f.CloseCode() != protocol.CloseRemoved {
				t.Fatalf("close %d after force_disconnect=%v", f.CloseCode(), forced)
			}
			break
		}
		if f.Opcode != 1 {
			continue
		}
		if forced {
			t.Fatalf("data frame after force_disconnect: %s", f.Payload)
		}
		var ev struct {
			Event string
			Count int
		}
		if err := json.Unmarshal(f.Payload, &ev); err != nil || ev.Event == "" {
			t.Fatalf("malformed frame %q: %v", f.Payload, err)
		}
		switch ev.Event {
		case protocol.EventDanmaku:
			comments++
		case protocol.EventSkipped:
			comments += ev.Count
		case protocol.EventForceDisconnect:
			forced = true
		}
	}
	if err := raw.Write(8, closePayload(protocol.CloseNormal)); err != nil {
		t.Fatal(err)
	}
	if f, err := raw.Read(wstest.Wait); !errors.Is(err, io.EOF) {
		t.Fatalf("after the close handshake got frame %d %q, err %v; want EOF",
			f.Opcode, f.Payload, err)
	}
	if kinds[9] == 0 || kinds[10] == 0 || comments != 3000 {
		t.Fatalf("frames by opcode %v, %d comments delivered or skipped: "+
			"want pings, pongs and all 3000 accounted for", kinds, comments)
	}
}

func closePayload(code int) []byte { return []byte{byte(code >> 8), byte(code)} }

// publishQuiet publishes n comments, ignoring errors (the hub may be
// shutting down when the test ends).
func publishQuiet(env *wstest.Env, room string, n int) {
	for range n {
		_ = env.Hub.Publish(room, replayer, protocol.Comment{Text: "x", Mode: 1, Size: 25})
	}
}

// TestLongChineseKickReason: a 60-character Chinese reason (180 bytes) does
// not fit a close frame; the frame still goes out, its reason cut to at most
// 123 bytes on a character boundary, and force_disconnect carries it whole.
func TestLongChineseKickReason(t *testing.T) {
	env := wstest.Start(t, wstest.Options{})
	c := env.Join("u1", "a")
	reason := strings.Repeat("因为违反了直播间的规则", 6) // 60 characters
	env.Hub.Kick("a", "u1", time.Minute, reason)

	var fd protocol.ForceDisconnect
	c.Expect(protocol.EventForceDisconnect).Decode(t, &fd)
	if fd.Reason != reason {
		t.Fatalf("force_disconnect reason %q", fd.Reason)
	}
	f := c.ExpectClose(protocol.CloseRemoved)
	if len(f.Reason) > protocol.MaxCloseReason || !utf8.ValidString(f.Reason) ||
		!strings.HasPrefix(reason, f.Reason) || len(f.Reason) < 120 {
		t.Fatalf("close reason %q (%d bytes)", f.Reason, len(f.Reason))
	}
}

// TestCloseWaitsForReply: after its close frame the server keeps TCP open
// until the client's close reply arrives (so the browser learns the code
// instead of 1006), and drops it after CloseWait if no reply comes.
func TestCloseWaitsForReply(t *testing.T) {
	env := wstest.Start(t, wstest.Options{Transport: transport.Config{
		Grace: 50 * time.Millisecond, CloseWait: 2 * time.Second,
	}})
	for _, reply := range []bool{true, false} {
		raw := wstest.DialRaw(t, env.RoomURL("a", env.Token("u1", "viewer", "", 0)))
		readUntilOpcode(t, raw, 1) // welcome
		env.Hub.Kick("a", "u1", 0, "")
		closed := readUntilOpcode(t, raw, 8)
		if closed.CloseCode() != protocol.CloseRemoved {
			t.Fatalf("close code %d", closed.CloseCode())
		}
		start := time.Now()
		if _, err := raw.Read(300 * time.Millisecond); !isTimeout(err) {
			t.Fatalf("server dropped TCP before the close reply: %v", err)
		}
		if reply {
			raw.Write(8, closePayload(protocol.CloseRemoved))
		}
		if _, err := raw.Read(wstest.Wait); !errors.Is(err, io.EOF) {
			t.Fatalf("reply=%v: want EOF, got %v", reply, err)
		}
		waited := time.Since(start)
		if reply && waited > time.Second || !reply && waited < time.Second {
			t.Fatalf("reply=%v: TCP dropped %v after the close frame", reply, waited)
		}
	}
}

func readUntilOpcode(t *testing.T, raw *wstest.Raw, op byte) wstest.RawFrame {
	t.Helper()
	for {
		f, err := raw.Read(wstest.Wait)
		if err != nil {
			t.Fatalf("waiting for opcode %d: %v", op, err)
		}
		if f.Opcode == op {
			return f
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestSlowDropDoesNotBlock: while a stalled client is being dropped for
// piling up control events, joins, leaves and broadcasts go on.
func TestSlowDropDoesNotBlock(t *testing.T) {
	env := wstest.Start(t, wstest.Options{
		Hub:       hub.Config{ControlQueue: 4, DataQueue: 16},
		Transport: transport.Config{WriteTimeout: 3 * time.Second},
	})
	wstest.DialStalled(t, env.RoomURL("a", env.Token("slow", "viewer", "", 0)))
	waitConnections(t, env, "a", 1)
	publishQuiet(env, "a", 3000) // the stalled writer blocks on a full socket
	for i := range 10 {
		env.Hub.Mute("a", "slow", time.Duration(i%2)*time.Minute) // overflows
	}
	for i := range 10 {
		c := env.Join("churn", "a")
		c.Say("still moving")
		c.WaitFor(protocol.EventDanmaku)
		c.Close()
		if i%2 == 0 {
			env.Join("other", "b")
		}
	}
	deadline := time.Now().Add(wstest.Wait)
	for d, _ := env.Hub.Room("a"); d.Connections != 0; d, _ = env.Hub.Room("a") {
		if time.Now().After(deadline) {
			t.Fatalf("stalled client never dropped: %+v", d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestIdleOutlivesHTTPTimeouts: an idle WebSocket with pings only lives
// well past the HTTP server's read and write timeouts, through the real
// middleware chain.
func TestIdleOutlivesHTTPTimeouts(t *testing.T) {
	env := wstest.Start(t, wstest.Options{
		Transport: transport.Config{PingInterval: 100 * time.Millisecond,
			HeartbeatInterval: time.Hour},
		HTTP: func(s *http.Server) {
			s.ReadTimeout, s.WriteTimeout = 300*time.Millisecond, 300*time.Millisecond
		},
	})
	c := env.Join("u1", "a")
	time.Sleep(1500 * time.Millisecond)
	c.Say("still alive")
	var d protocol.Danmaku
	c.WaitFor(protocol.EventDanmaku).Decode(t, &d)
	if d.Text != "still alive" {
		t.Fatalf("got %q", d.Text)
	}
}
