package wasmclient

import (
	"time"

	"barrage/protocol"
)

type timerKind int

const (
	timerReconnect timerKind = iota // the wait before the next attempt
	timerWatchdog                   // the silence that marks a socket dead
	timerKinds
)

// env is what the machine does to the world. The Client implements it; tests
// use a fake with a hand-moved clock.
type env interface {
	now() time.Time
	dial()
	closeSocket(code int, reason string)
	send(data []byte) error
	arm(k timerKind, d time.Duration) // replaces an armed timer of kind k
	disarm(k timerKind)
}

// machine is the client contract with no goroutines and no clock of its
// own: every input is a method call, every effect goes through env and view.
type machine struct {
	env            env
	view           View
	rnd            func() float64
	connectTimeout time.Duration
	deadAfter      int
	recent         *Recent

	status    Status
	attempt   int       // reconnect attempts since the last welcome
	forced    bool      // a force_disconnect arrived on the current socket
	lastError string    // the last error text on the current socket
	holdUntil time.Time // sends wait until then (the server's retry_ms)

	// Dead-connection watch: silence counts only while the page is visible.
	watchLimit time.Duration // 0 while no socket is watched
	quietSince time.Time     // start of the current visible silence
	banked     time.Duration // visible silence before the page was hidden
	hidden     bool
}

func newMachine(cfg Config, e env) *machine {
	m := &machine{
		env:            e,
		view:           cfg.View,
		rnd:            cfg.Rand,
		connectTimeout: cfg.ConnectTimeout,
		deadAfter:      cfg.DeadAfter,
		recent:         NewRecent(cfg.RecentLimit),
	}
	if m.connectTimeout <= 0 {
		m.connectTimeout = DefaultConnectTimeout
	}
	if m.deadAfter <= 0 {
		m.deadAfter = DefaultDeadAfter
	}
	return m
}

func (m *machine) start() { m.connect() }

func (m *machine) connect() {
	m.forced = false
	m.lastError = ""
	m.env.dial()
	m.watch(m.connectTimeout)
	m.show(Status{State: StateConnecting, CloseCode: m.status.CloseCode})
}

func (m *machine) show(s Status) {
	m.status = s
	m.view.Status(s)
}

// closed handles the end the socket reported.
func (m *machine) closed(code int, reason string) {
	m.unwatch()
	switch {
	case code == protocol.ClosePolicy && m.lastError != "":
		// The server explains a refused session in an error event first,
		// in full; a close frame's reason is cut at 123 bytes.
		reason = m.lastError
	case reason != "":
	default:
		reason = CloseText(code)
	}
	m.ended(code, reason)
}

func (m *machine) ended(code int, reason string) {
	next := Decide(code, m.forced)
	if next != StateReconnecting {
		m.show(Status{State: next, CloseCode: code, Reason: reason})
		return
	}
	wait := protocol.Backoff(m.attempt, m.rnd)
	m.attempt++
	m.env.arm(timerReconnect, wait)
	m.show(Status{
		State:     StateReconnecting,
		CloseCode: code,
		Reason:    reason,
		Attempt:   m.attempt,
		RetryIn:   wait,
	})
}

func (m *machine) timer(k timerKind) {
	switch k {
	case timerReconnect:
		m.connect()
	case timerWatchdog:
		m.checkSilence()
	}
}

func (m *machine) rejoin() {
	if m.status.State == StateConnecting || m.status.State == StateOpen {
		return
	}
	m.env.disarm(timerReconnect)
	m.attempt = 0
	m.connect()
}
