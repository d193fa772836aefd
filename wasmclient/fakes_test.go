package wasmclient

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"barrage/protocol"
)

// recorder is a View that remembers what it was shown. It locks because the
// Client tests read it from the test goroutine.
type recorder struct {
	mu       sync.Mutex
	statuses []Status
	welcomes []protocol.Welcome
	comments []protocol.Danmaku
	errors   []protocol.Error
	sent     []protocol.SendDanmaku
	other    []any
}

func (r *recorder) Status(s Status) { r.locked(func() { r.statuses = append(r.statuses, s) }) }

func (r *recorder) Welcome(w protocol.Welcome, _ []protocol.Danmaku) {
	r.locked(func() { r.welcomes = append(r.welcomes, w) })
}

func (r *recorder) Comment(d protocol.Danmaku, _ Insertion) {
	r.locked(func() { r.comments = append(r.comments, d) })
}

func (r *recorder) Error(e protocol.Error) { r.locked(func() { r.errors = append(r.errors, e) }) }

func (r *recorder) Sent(s protocol.SendDanmaku) {
	r.locked(func() { r.sent = append(r.sent, s) })
}

func (r *recorder) Presence(p protocol.Presence) { r.note(p) }
func (r *recorder) Skipped(s protocol.Skipped)   { r.note(s) }
func (r *recorder) Notice(n protocol.Notice)     { r.note(n) }

func (r *recorder) note(v any) { r.locked(func() { r.other = append(r.other, v) }) }

func (r *recorder) locked(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f()
}

// last returns the latest status.
func (r *recorder) last() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.statuses) == 0 {
		return Status{}
	}
	return r.statuses[len(r.statuses)-1]
}

func (r *recorder) errorCodes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var codes []string
	for _, e := range r.errors {
		codes = append(codes, e.Code)
	}
	return codes
}

// frame encodes a server event.
func frame(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func welcomeFrame(t *testing.T, heartbeat time.Duration, recent ...protocol.Danmaku) []byte {
	t.Helper()
	return frame(t, protocol.Welcome{
		Event:       protocol.EventWelcome,
		Room:        "lobby",
		User:        protocol.User{ID: "u1", Name: "Ann", Role: protocol.RoleViewer},
		Online:      1,
		Connections: 1,
		Recent:      recent,
		HeartbeatMS: heartbeat.Milliseconds(),
	})
}

func forceFrame(t *testing.T, code int, reason string) []byte {
	t.Helper()
	return frame(t, protocol.ForceDisconnect{
		Event: protocol.EventForceDisconnect, Code: code, Reason: reason,
	})
}

// half makes the backoff's jitter predictable: half the ceiling.
func half() float64 { return 0.5 }
