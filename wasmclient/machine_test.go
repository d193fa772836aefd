package wasmclient

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"barrage/protocol"
)

// fakeEnv is the machine's world with a clock the test moves by hand.
type fakeEnv struct {
	t      *testing.T
	m      *machine
	clock  time.Time
	dials  int
	live   bool // a socket is dialled and not closed
	closes []int
	frames []string
	timers map[timerKind]time.Time // armed deadlines
}

func newFakeEnv(t *testing.T, view View) *fakeEnv {
	e := &fakeEnv{
		t:      t,
		clock:  time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC),
		timers: map[timerKind]time.Time{},
	}
	e.m = newMachine(Config{View: view, Rand: half}, e)
	return e
}

func (e *fakeEnv) now() time.Time { return e.clock }

func (e *fakeEnv) dial() {
	if e.live {
		e.t.Error("dial while a socket is live")
	}
	e.dials++
	e.live = true
}

func (e *fakeEnv) closeSocket(code int, _ string) {
	e.closes = append(e.closes, code)
	e.live = false
}

func (e *fakeEnv) send(data []byte) error {
	if !e.live {
		return errNoSocket
	}
	e.frames = append(e.frames, string(data))
	return nil
}

func (e *fakeEnv) arm(k timerKind, d time.Duration) { e.timers[k] = e.clock.Add(d) }
func (e *fakeEnv) disarm(k timerKind)               { delete(e.timers, k) }

// socketClosed is the socket reporting its end; the Client releases it
// before the machine hears of it.
func (e *fakeEnv) socketClosed(code int) {
	e.live = false
	e.m.closed(code, "")
}

// advance moves the clock, firing due timers in deadline order.
func (e *fakeEnv) advance(d time.Duration) {
	end := e.clock.Add(d)
	for {
		k, at, ok := e.nextTimer()
		if !ok || at.After(end) {
			break
		}
		e.clock = at
		delete(e.timers, k)
		e.m.timer(k)
	}
	e.clock = end
}

func (e *fakeEnv) nextTimer() (timerKind, time.Time, bool) {
	var (
		best   timerKind
		bestAt time.Time
		found  bool
	)
	for k, at := range e.timers {
		if !found || at.Before(bestAt) {
			best, bestAt, found = k, at, true
		}
	}
	return best, bestAt, found
}

func startOpen(t *testing.T, heartbeat time.Duration) (*fakeEnv, *recorder) {
	t.Helper()
	view := &recorder{}
	e := newFakeEnv(t, view)
	e.m.start()
	e.m.message(welcomeFrame(t, heartbeat))
	if got := view.last().State; got != StateOpen {
		t.Fatalf("after welcome: state %q, want open", got)
	}
	return e, view
}

func TestMachineConnectsAndWelcomes(t *testing.T) {
	t.Parallel()
	view := &recorder{}
	e := newFakeEnv(t, view)
	e.m.start()
	if e.dials != 1 || view.last().State != StateConnecting {
		t.Fatalf("start: %d dials, state %q", e.dials, view.last().State)
	}
	e.m.message(welcomeFrame(t, 10*time.Second, comments(3, 1, 2)...))
	if view.last().State != StateOpen || view.last().CloseCode != 0 {
		t.Errorf("after welcome: %+v", view.last())
	}
	if got := seqs(e.m.recent.Items()); !slices.Equal(got, []uint64{1, 2, 3}) {
		t.Errorf("recent = %v", got)
	}
	e.m.message(frame(t, comments(3)[0]))
	e.m.message(frame(t, comments(4)[0]))
	if got := seqs(view.comments); !slices.Equal(got, []uint64{4}) {
		t.Errorf("comments shown = %v, want only the new one", got)
	}
}

func TestMachineReconnectBacksOff(t *testing.T) {
	t.Parallel()
	e, view := startOpen(t, 0)
	for attempt := range 4 {
		e.socketClosed(protocol.CloseGoingAway)
		s := view.last()
		want := protocol.Backoff(attempt, half)
		if s.State != StateReconnecting || s.RetryIn != want || s.Attempt != attempt+1 {
			t.Fatalf("attempt %d: %+v, want reconnecting in %v", attempt, s, want)
		}
		dials := e.dials
		e.advance(want - time.Millisecond)
		if e.dials != dials {
			t.Fatalf("attempt %d: dialled before the backoff ended", attempt)
		}
		e.advance(time.Millisecond)
		if e.dials != dials+1 || view.last().State != StateConnecting {
			t.Fatalf("attempt %d: no dial after the backoff", attempt)
		}
		if view.last().CloseCode != protocol.CloseGoingAway {
			t.Errorf("close code while connecting = %d", view.last().CloseCode)
		}
	}
	// A welcome resets the counter: the next wait is the first one again.
	e.m.message(welcomeFrame(t, 0))
	e.socketClosed(protocol.CloseAbnormal)
	if got := view.last(); got.Attempt != 1 || got.RetryIn != protocol.Backoff(0, half) {
		t.Errorf("after a welcome: %+v, want attempt 1", got)
	}
}

func TestMachineForceDisconnectLatches(t *testing.T) {
	t.Parallel()
	e, view := startOpen(t, 0)
	e.m.message(forceFrame(t, protocol.CloseRemoved, "you joined room b"))
	if !slices.Equal(e.closes, []int{protocol.CloseNormal}) || e.live {
		t.Fatalf("closes = %v, live = %v: want one close with 1000", e.closes, e.live)
	}
	want := Status{State: StateEvicted, CloseCode: 4001, Reason: "you joined room b"}
	if got := view.last(); got != want {
		t.Fatalf("status = %+v, want %+v", got, want)
	}
	// Should the close still be reported (1006: the close frame was lost),
	// nothing changes and nothing is scheduled.
	e.m.closed(protocol.CloseAbnormal, "")
	e.advance(time.Hour)
	if e.dials != 1 || view.last().State != StateEvicted {
		t.Errorf("after 1006: %d dials, state %q", e.dials, view.last().State)
	}
}

func TestMachineTerminalCloses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code   int
		reason string
		want   Status
	}{
		{1000, "", Status{State: StateClosed, CloseCode: 1000, Reason: CloseText(1000)}},
		{1009, "", Status{State: StateClosed, CloseCode: 1009, Reason: CloseText(1009)}},
		{4003, "", Status{State: StateEvicted, CloseCode: 4003, Reason: CloseText(4003)}},
		{4004, "bye", Status{State: StateEvicted, CloseCode: 4004, Reason: "bye"}},
	}
	for _, tt := range tests {
		e, view := startOpen(t, 0)
		e.m.closed(tt.code, tt.reason)
		e.advance(time.Hour)
		if got := view.last(); got != tt.want || e.dials != 1 {
			t.Errorf("close %d: %+v after %d dials, want %+v", tt.code, got, e.dials, tt.want)
		}
	}
}

func TestMachineSignedOutExplains(t *testing.T) {
	t.Parallel()
	view := &recorder{}
	e := newFakeEnv(t, view)
	e.m.start()
	e.m.message(frame(t, protocol.Error{
		Event: protocol.EventError, Code: protocol.ErrAuthExpired, Message: "session expired",
	}))
	e.live = false
	e.m.closed(protocol.ClosePolicy, "auth")
	want := Status{State: StateSignedOut, CloseCode: 1008, Reason: "session expired"}
	if got := view.last(); got != want {
		t.Errorf("status = %+v, want %+v", got, want)
	}
}

func TestMachineRejoin(t *testing.T) {
	t.Parallel()
	e, view := startOpen(t, 0)
	e.m.rejoin()
	if e.dials != 1 {
		t.Fatal("rejoin while open dialled")
	}
	e.m.message(forceFrame(t, protocol.CloseRemoved, ""))
	e.m.rejoin()
	if e.dials != 2 || view.last().State != StateConnecting || e.m.forced {
		t.Fatalf("rejoin: %d dials, %+v, forced %v", e.dials, view.last(), e.m.forced)
	}
	// The latch is per connection: the new one reconnects by itself again.
	e.socketClosed(protocol.CloseAbnormal)
	if got := view.last(); got.State != StateReconnecting || got.Attempt != 1 {
		t.Errorf("after rejoin, 1006 gives %+v", got)
	}
}

func TestMachineDeadConnection(t *testing.T) {
	t.Parallel()
	e, view := startOpen(t, 10*time.Second)
	e.advance(29 * time.Second)
	e.m.message(frame(t, protocol.Heartbeat{Event: protocol.EventHeartbeat}))
	e.advance(29 * time.Second)
	if len(e.closes) != 0 {
		t.Fatal("closed although frames kept coming")
	}
	e.advance(time.Second)
	if !slices.Equal(e.closes, []int{protocol.CloseNormal}) {
		t.Fatalf("closes = %v, want one 1000 after 30 s of silence", e.closes)
	}
	got := view.last()
	if got.State != StateReconnecting || got.CloseCode != protocol.CloseAbnormal {
		t.Errorf("status = %+v, want reconnecting after 1006", got)
	}
}

func TestMachineHiddenTimeDoesNotCount(t *testing.T) {
	t.Parallel()
	e, _ := startOpen(t, 10*time.Second)
	e.advance(20 * time.Second)
	e.m.setHidden(true)
	e.advance(10 * time.Minute)
	e.m.setHidden(false)
	e.advance(9 * time.Second)
	if len(e.closes) != 0 {
		t.Fatalf("closed after 29 s of visible silence")
	}
	e.advance(time.Second)
	if len(e.closes) != 1 {
		t.Fatalf("not closed after 30 s of visible silence")
	}
}

func TestMachineConnectTimeout(t *testing.T) {
	t.Parallel()
	view := &recorder{}
	e := newFakeEnv(t, view)
	e.m.start()
	e.advance(DefaultConnectTimeout)
	if len(e.closes) != 1 || view.last().State != StateReconnecting {
		t.Errorf("no welcome in %v: closes %v, %+v", DefaultConnectTimeout, e.closes, view.last())
	}
}

func TestMachineSend(t *testing.T) {
	t.Parallel()
	view := &recorder{}
	e := newFakeEnv(t, view)
	e.m.start()
	e.m.send(protocol.SendDanmaku{Text: "too early"})
	e.m.message(welcomeFrame(t, 0))
	red := 0xFF0000
	e.m.send(protocol.SendDanmaku{Text: "  hello  ", Color: &red})
	e.m.send(protocol.SendDanmaku{Text: strings.Repeat("弹", protocol.MaxTextRunes+1)})
	e.m.message(frame(t, protocol.Error{
		Event: protocol.EventError, Code: protocol.ErrRateLimited, Message: "slow", RetryMS: 2000,
	}))
	e.m.send(protocol.SendDanmaku{Text: "held"})
	e.advance(2 * time.Second)
	e.m.send(protocol.SendDanmaku{Text: "again"})

	wantCodes := []string{ErrNotConnected, protocol.ErrTextTooLong,
		protocol.ErrRateLimited, protocol.ErrRateLimited}
	if got := view.errorCodes(); !slices.Equal(got, wantCodes) {
		t.Errorf("errors = %v, want %v", got, wantCodes)
	}
	if len(e.frames) != 2 {
		t.Fatalf("frames = %q, want 2", e.frames)
	}
	got, err := protocol.DecodeClient([]byte(e.frames[0]))
	if err != nil || got.Text != "hello" || got.Color != red {
		t.Errorf("first frame %s decodes to %+v, %v", e.frames[0], got, err)
	}
	var sent protocol.SendDanmaku
	_ = json.Unmarshal([]byte(e.frames[1]), &sent)
	if sent.Text != "again" || len(view.sent) != 2 {
		t.Errorf("second frame %s, %d reported sent", e.frames[1], len(view.sent))
	}
}

// TestMachineBanDoesNotHoldSends: a refusal's retry_ms holds back sends
// only for a rate limit; a ban's (the rest of the ban) must not block
// sending once the user is back in.
func TestMachineBanDoesNotHoldSends(t *testing.T) {
	t.Parallel()
	view := &recorder{}
	e := newFakeEnv(t, view)
	e.m.start()
	e.m.message(welcomeFrame(t, 0))
	e.m.message(frame(t, protocol.Error{
		Event: protocol.EventError, Code: protocol.ErrBanned, Message: "banned",
		RetryMS: 600_000,
	}))
	e.m.send(protocol.SendDanmaku{Text: "not held"})
	if len(e.frames) != 1 {
		t.Fatalf("frames = %q, want the comment sent", e.frames)
	}
}
