package protocol

import (
	"fmt"
	"math/rand/v2"
	"time"
	"unicode/utf8"
)

// Close codes. The 1000 range is RFC 6455's; the 4000 range is Barrage's.
// Barrage's own codes follow one rule: 4000–4099 are terminal, 4100–4199 are
// retryable.
const (
	CloseNormal         = 1000 // normal close; do not reconnect
	CloseGoingAway      = 1001 // server shutting down or restarting; reconnect
	CloseNoStatus       = 1005 // a close frame without a code
	CloseAbnormal       = 1006 // no close frame at all: the connection dropped
	ClosePolicy         = 1008 // authentication failed or expired; sign in again
	CloseTooLarge       = 1009 // frame above the read limit
	CloseServerError    = 1011 // server fault; reconnect with backoff
	CloseServiceRestart = 1012 // service restarting; reconnect
	CloseTryAgainLater  = 1013 // overloaded; reconnect with backoff

	CloseRemoved     = 4001 // joined another room, or kicked
	CloseMembership  = 4002 // membership no longer valid (periodic check)
	CloseBanned      = 4003 // banned from this room for a while
	CloseRoomClosed  = 4004 // room closed by its host or an admin
	CloseTooMany     = 4005 // the user has too many connections open already
	CloseSlowClient  = 4100 // fell too far behind on control events
	closeTerminalLo  = 4000
	closeRetryableLo = 4100
	closeRetryableHi = 4199
)

// MaxCloseReason is the longest close-frame reason in bytes (RFC 6455 leaves
// 123 bytes after the two-byte code in a 125-byte control frame).
const MaxCloseReason = 123

// ShouldReconnect is the client's whole reconnect rule. forced reports whether
// a force_disconnect event arrived on this connection: it latches "never
// reconnect by itself" whatever close code follows, because the close frame
// can be lost and the browser then reports 1006.
func ShouldReconnect(code int, forced bool) bool {
	if forced {
		return false
	}
	switch code {
	case CloseGoingAway, CloseNoStatus, CloseAbnormal,
		CloseServerError, CloseServiceRestart, CloseTryAgainLater:
		return true
	}
	return code >= closeRetryableLo && code <= closeRetryableHi
}

// Terminal reports whether code is one of Barrage's terminal codes
// (4000–4099).
func Terminal(code int) bool {
	return code >= closeTerminalLo && code < closeRetryableLo
}

// TruncateReason cuts s to at most [MaxCloseReason] bytes without splitting a
// UTF-8 character, so that a close frame carrying it can always be sent.
func TruncateReason(s string) string {
	if len(s) <= MaxCloseReason {
		return s
	}
	cut := MaxCloseReason
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// CloseError is a connection's end as the peer announced it: a close code and
// a human-readable reason. Server and client use it alike.
type CloseError struct {
	Code   int
	Reason string
}

// Error implements error.
func (e *CloseError) Error() string {
	return fmt.Sprintf("closed with %d: %s", e.Code, e.Reason)
}

// Backoff bounds.
const (
	BackoffBase = 500 * time.Millisecond
	BackoffCap  = 30 * time.Second
)

// Backoff returns how long to wait before reconnect attempt number attempt
// (0 for the first): exponential from [BackoffBase], capped at [BackoffCap],
// with full jitter so that a crowd dropped at once does not return at once.
// rnd returns a number in [0, 1); nil means math/rand/v2.
func Backoff(attempt int, rnd func() float64) time.Duration {
	if rnd == nil {
		rnd = rand.Float64
	}
	ceiling := BackoffCap
	attempt = max(attempt, 0)
	if attempt < 16 {
		ceiling = min(BackoffBase<<attempt, BackoffCap)
	}
	return time.Duration(rnd() * float64(ceiling))
}
