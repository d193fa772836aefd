package wasmclient

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"barrage/protocol"
)

type fakeSocket struct {
	report func(SocketEvent)

	mu        sync.Mutex
	closed    bool
	closeCode int
}

func (s *fakeSocket) Send([]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errNoSocket
	}
	return nil
}

func (s *fakeSocket) Close(code int, _ string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed, s.closeCode = true, code
	}
}

func (s *fakeSocket) state() (bool, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed, s.closeCode
}

// fakeDialer hands out fake sockets and fails the test if one is dialled
// while an earlier one is still live.
type fakeDialer struct {
	t    *testing.T
	fail error

	mu      sync.Mutex
	sockets []*fakeSocket
}

func (d *fakeDialer) Dial(report func(SocketEvent)) (Socket, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, s := range d.sockets {
		if closed, _ := s.state(); !closed {
			d.t.Errorf("dial while socket %d is live", i)
		}
	}
	if d.fail != nil {
		return nil, d.fail
	}
	s := &fakeSocket{report: report}
	d.sockets = append(d.sockets, s)
	return s, nil
}

func (d *fakeDialer) dials() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.sockets)
}

func (d *fakeDialer) socket(i int) *fakeSocket {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sockets[i]
}

// runClient starts a client in the bubble and stops it when the test ends.
func runClient(t *testing.T, d *fakeDialer) (*Client, *recorder) {
	t.Helper()
	view := &recorder{}
	c := New(Config{Dialer: d, View: view, Rand: half})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	synctest.Wait()
	return c, view
}

func message(s *fakeSocket, data []byte) {
	s.report(SocketEvent{Kind: SocketMessage, Data: data})
	synctest.Wait()
}

func closeWith(s *fakeSocket, code int) {
	s.report(SocketEvent{Kind: SocketClosed, Code: code})
	synctest.Wait()
}

func TestClientReconnectsAfterBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := &fakeDialer{t: t}
		_, view := runClient(t, d)
		first := d.socket(0)
		message(first, welcomeFrame(t, 0))
		closeWith(first, protocol.CloseAbnormal)
		if got := view.last(); got.State != StateReconnecting || got.CloseCode != 1006 {
			t.Fatalf("status = %+v", got)
		}
		if closed, _ := first.state(); !closed {
			t.Error("the closed socket's handlers were not released")
		}

		wait := protocol.Backoff(0, half)
		time.Sleep(wait - time.Millisecond)
		synctest.Wait()
		if d.dials() != 1 {
			t.Fatal("dialled before the backoff ended")
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if d.dials() != 2 || view.last().State != StateConnecting {
			t.Fatalf("after the backoff: %d dials, %+v", d.dials(), view.last())
		}

		// A late event of the old socket is ignored.
		message(first, frame(t, comments(1)[0]))
		if len(view.comments) != 0 {
			t.Error("a comment from the released socket was shown")
		}
	})
}

func TestClientForceDisconnectThen1006(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := &fakeDialer{t: t}
		_, view := runClient(t, d)
		s := d.socket(0)
		message(s, welcomeFrame(t, time.Second))
		// Both arrive before the client runs: the close frame was lost.
		s.report(SocketEvent{Kind: SocketMessage, Data: forceFrame(t, 4001, "moved")})
		s.report(SocketEvent{Kind: SocketClosed, Code: protocol.CloseAbnormal})
		synctest.Wait()

		if closed, code := s.state(); !closed || code != protocol.CloseNormal {
			t.Errorf("socket closed = %v with %d, want 1000", closed, code)
		}
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		want := Status{State: StateEvicted, CloseCode: 4001, Reason: "moved"}
		if got := view.last(); got != want || d.dials() != 1 {
			t.Errorf("status %+v after %d dials, want %+v and no redial", got, d.dials(), want)
		}
	})
}

func TestClientDetectsDeadConnection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := &fakeDialer{t: t}
		c, view := runClient(t, d)
		s := d.socket(0)
		message(s, welcomeFrame(t, time.Second))

		c.SetHidden(true)
		time.Sleep(time.Minute)
		synctest.Wait()
		if closed, _ := s.state(); closed {
			t.Fatal("closed while the page was hidden")
		}
		c.SetHidden(false)
		time.Sleep(3*time.Second - time.Millisecond)
		synctest.Wait()
		if closed, _ := s.state(); closed {
			t.Fatal("closed before three heartbeat periods of visible silence")
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if closed, code := s.state(); !closed || code != protocol.CloseNormal {
			t.Fatalf("socket closed = %v with %d, want 1000", closed, code)
		}
		if got := view.last(); got.State != StateReconnecting || got.CloseCode != 1006 {
			t.Errorf("status = %+v, want reconnecting after 1006", got)
		}
	})
}

func TestClientDialFailureRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := &fakeDialer{t: t, fail: errors.New("bad url")}
		_, view := runClient(t, d)
		if got := view.last(); got.State != StateReconnecting || got.CloseCode != 1006 {
			t.Errorf("status = %+v, want reconnecting", got)
		}
	})
}

func TestClientRejoinAndStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := &fakeDialer{t: t}
		view := &recorder{}
		c := New(Config{Dialer: d, View: view, Rand: half})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			defer close(done)
			c.Run(ctx)
		}()
		synctest.Wait()
		closeWith(d.socket(0), protocol.CloseRemoved)
		c.Rejoin()
		synctest.Wait()
		if d.dials() != 2 || view.last().State != StateConnecting {
			t.Fatalf("rejoin: %d dials, %+v", d.dials(), view.last())
		}
		cancel()
		<-done
		if closed, code := d.socket(1).state(); !closed || code != protocol.CloseNormal {
			t.Errorf("after Run: socket closed = %v with %d", closed, code)
		}
	})
}
