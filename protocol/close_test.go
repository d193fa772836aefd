package protocol

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestShouldReconnect(t *testing.T) {
	tests := []struct {
		code int
		want bool
	}{
		{CloseNormal, false},
		{CloseGoingAway, true},
		{CloseNoStatus, true},
		{CloseAbnormal, true},
		{ClosePolicy, false},
		{CloseTooLarge, false},
		{CloseServerError, true},
		{CloseServiceRestart, true},
		{CloseTryAgainLater, true},
		{CloseRemoved, false},
		{CloseMembership, false},
		{CloseBanned, false},
		{CloseRoomClosed, false},
		{4099, false},
		{CloseSlowClient, true},
		{4150, true},
		{4199, true},
		{4200, false},
		{3000, false},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.code), func(t *testing.T) {
			if got := ShouldReconnect(tt.code, false); got != tt.want {
				t.Errorf("ShouldReconnect(%d, false) = %t; want %t", tt.code, got, tt.want)
			}
			if ShouldReconnect(tt.code, true) {
				t.Errorf("ShouldReconnect(%d, true) = true; force_disconnect must latch",
					tt.code)
			}
		})
	}
}

func TestTerminal(t *testing.T) {
	tests := []struct {
		code int
		want bool
	}{
		{CloseNormal, false},
		{CloseGoingAway, false},
		{ClosePolicy, false},
		{3999, false},
		{4000, true},
		{CloseRemoved, true},
		{CloseMembership, true},
		{CloseBanned, true},
		{CloseRoomClosed, true},
		{4099, true},
		{CloseSlowClient, false},
		{4199, false},
		{4200, false},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.code), func(t *testing.T) {
			if got := Terminal(tt.code); got != tt.want {
				t.Errorf("Terminal(%d) = %t; want %t", tt.code, got, tt.want)
			}
			if Terminal(tt.code) && ShouldReconnect(tt.code, false) {
				t.Errorf("code %d is terminal yet reconnects", tt.code)
			}
		})
	}
}

func TestTruncateReason(t *testing.T) {
	chinese60 := strings.Repeat("服", 60)
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", ""},
		{"short", "kicked", "kicked"},
		{"ASCII of exactly 123 bytes", strings.Repeat("a", 123), strings.Repeat("a", 123)},
		{"ASCII of 124 bytes", strings.Repeat("a", 124), strings.Repeat("a", 123)},
		{"ASCII of 500 bytes", strings.Repeat("b", 500), strings.Repeat("b", 123)},
		{"60 Chinese characters (180 bytes)", chinese60, strings.Repeat("服", 41)},
		{"41 Chinese characters fit exactly", strings.Repeat("服", 41),
			strings.Repeat("服", 41)},
		{"Chinese after one ASCII byte", "x" + chinese60, "x" + strings.Repeat("服", 40)},
		{"emoji ending at byte 123", strings.Repeat("a", 119) + "😀",
			strings.Repeat("a", 119) + "😀"},
		{"emoji crossing byte 123", strings.Repeat("a", 120) + "😀",
			strings.Repeat("a", 120)},
		{"emoji starting at byte 123", strings.Repeat("a", 123) + "😀",
			strings.Repeat("a", 123)},
		{"emoji one byte over", strings.Repeat("a", 121) + "😀" + "tail",
			strings.Repeat("a", 121)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TruncateReason(tt.in)
			if got != tt.want {
				t.Errorf("TruncateReason: %d bytes %q; want %d bytes %q",
					len(got), got, len(tt.want), tt.want)
			}
			if len(got) > MaxCloseReason {
				t.Errorf("result has %d bytes; limit %d", len(got), MaxCloseReason)
			}
			if !utf8.ValidString(got) {
				t.Errorf("result %q is not valid UTF-8", got)
			}
			if !strings.HasPrefix(tt.in, got) {
				t.Errorf("result %q is not a prefix of the input", got)
			}
		})
	}
}

// TestTruncateReasonKeepsAsMuchAsFits checks every cut position across a mix
// of 1- to 4-byte characters: the result is the longest whole-character
// prefix that fits.
func TestTruncateReasonKeepsAsMuchAsFits(t *testing.T) {
	mix := strings.Repeat("a¢服😀", 20)
	for start := 0; start < 10; start++ {
		in := strings.Repeat("z", start) + mix
		got := TruncateReason(in)
		if !utf8.ValidString(got) || !strings.HasPrefix(in, got) || len(got) > MaxCloseReason {
			t.Fatalf("offset %d: bad result %q", start, got)
		}
		_, size := utf8.DecodeRuneInString(in[len(got):])
		if len(got)+size <= MaxCloseReason {
			t.Errorf("offset %d: cut at %d bytes though the next %d-byte character fits",
				start, len(got), size)
		}
	}
}

func TestBackoff(t *testing.T) {
	justUnderOne := func() float64 { return math.Nextafter(1, 0) }
	zero := func() float64 { return 0 }
	tests := []struct {
		attempt int
		ceiling time.Duration
	}{
		{0, 500 * time.Millisecond},
		{1, time.Second},
		{2, 2 * time.Second},
		{3, 4 * time.Second},
		{4, 8 * time.Second},
		{5, 16 * time.Second},
		{6, 30 * time.Second},
		{7, 30 * time.Second},
		{15, 30 * time.Second},
		{16, 30 * time.Second},
		{17, 30 * time.Second},
		{62, 30 * time.Second},
		{63, 30 * time.Second},
		{64, 30 * time.Second},
		{100, 30 * time.Second},
		{1 << 30, 30 * time.Second},
		{math.MaxInt, 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.attempt), func(t *testing.T) {
			high := Backoff(tt.attempt, justUnderOne)
			if high >= tt.ceiling || high < tt.ceiling-time.Microsecond {
				t.Errorf("Backoff(%d, 0.999…) = %v; want just under %v",
					tt.attempt, high, tt.ceiling)
			}
			if got := Backoff(tt.attempt, zero); got != 0 {
				t.Errorf("Backoff(%d, 0) = %v; want 0", tt.attempt, got)
			}
			half := Backoff(tt.attempt, func() float64 { return 0.5 })
			if half != tt.ceiling/2 {
				t.Errorf("Backoff(%d, 0.5) = %v; want %v", tt.attempt, half, tt.ceiling/2)
			}
			for range 50 {
				d := Backoff(tt.attempt, nil)
				if d < 0 || d >= tt.ceiling {
					t.Fatalf("Backoff(%d, nil) = %v; want in [0, %v)", tt.attempt, d, tt.ceiling)
				}
			}
		})
	}
}

func TestBackoffNeverAboveCap(t *testing.T) {
	justUnderOne := func() float64 { return math.Nextafter(1, 0) }
	prev := time.Duration(0)
	for attempt := 0; attempt < 200; attempt++ {
		d := Backoff(attempt, justUnderOne)
		if d < 0 || d >= BackoffCap {
			t.Fatalf("Backoff(%d) = %v; want in [0, %v)", attempt, d, BackoffCap)
		}
		if d < prev {
			t.Fatalf("Backoff(%d) = %v shrank from %v", attempt, d, prev)
		}
		prev = d
	}
}

func TestCloseError(t *testing.T) {
	err := error(&CloseError{Code: CloseRemoved, Reason: "joined another room"})
	if got, want := err.Error(), "closed with 4001: joined another room"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
}
