package wasmclient

import (
	"strings"
	"testing"
	"time"

	"barrage/protocol"
)

func TestColorHex(t *testing.T) {
	t.Parallel()
	for rgb, want := range map[int]string{
		0: "#000000", 0xFFFFFF: "#ffffff", 16711680: "#ff0000", 0x1FFFFFF: "#ffffff",
	} {
		if got := ColorHex(rgb); got != want {
			t.Errorf("ColorHex(%d) = %q, want %q", rgb, got, want)
		}
	}
}

func TestTexts(t *testing.T) {
	t.Parallel()
	checks := []struct{ got, want string }{
		{CountsText(1, 1), "1 online · 1 connection"},
		{CountsText(2, 3), "2 online · 3 connections"},
		{OnlineText(4), "4 online"},
		{StatusText(Status{State: StateReconnecting, Attempt: 2, RetryIn: 1234 * time.Millisecond}),
			"Reconnecting in 1.2s (attempt 2)…"},
		{NoticeText(protocol.Notice{Kind: protocol.NoticeMuted, Name: "Bo"}), "Bo was muted."},
		{NoticeText(protocol.Notice{Kind: protocol.NoticeKicked, Message: "custom"}), "custom"},
		{SkippedText(1), "1 comment skipped: the connection fell behind."},
		{DurationText(600), "10 minutes"},
		{DurationText(3600), "1 hour"},
		{DurationText(172800), "2 days"},
		{DurationText(90), "90 seconds"},
		{DurationText(1), "1 second"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if got := MutedText(time.Now().Add(time.Minute).UnixMilli()); !strings.HasPrefix(got,
		"You are muted until ") {
		t.Errorf("MutedText = %q", got)
	}
}

func TestDark(t *testing.T) {
	t.Parallel()
	for rgb, want := range map[int]bool{0: true, 0x000080: true, 0xFFFFFF: false, 0xFF0000: false} {
		if got := Dark(rgb); got != want {
			t.Errorf("Dark(%06x) = %v, want %v", rgb, got, want)
		}
	}
}
