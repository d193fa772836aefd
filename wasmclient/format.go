package wasmclient

import (
	"fmt"
	"strconv"
	"time"

	"barrage/protocol"
)

// ColorHex writes a decimal RGB colour as CSS #rrggbb.
func ColorHex(rgb int) string {
	return fmt.Sprintf("#%06x", rgb&protocol.MaxColor)
}

// OnlineText is the online count as a page shows it.
func OnlineText(online int) string {
	return strconv.Itoa(online) + " online"
}

// CountsText describes a room's people and sockets.
func CountsText(online, connections int) string {
	return fmt.Sprintf("%d online · %d %s", online, connections,
		plural(connections, "connection", "connections"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// StatusText is the connection state in a few words.
func StatusText(s Status) string {
	switch s.State {
	case StateConnecting:
		return "Connecting…"
	case StateOpen:
		return "Live"
	case StateReconnecting:
		return fmt.Sprintf("Reconnecting in %s (attempt %d)…",
			s.RetryIn.Round(100*time.Millisecond), s.Attempt)
	case StateEvicted:
		return "Removed from the room"
	case StateSignedOut:
		return "Signed out"
	}
	return "Disconnected"
}

// MutedText says until when a user is muted; untilMS is Unix milliseconds,
// shown in the page's local time.
func MutedText(untilMS int64) string {
	until := time.UnixMilli(untilMS).Local()
	return "You are muted until " + until.Format("15:04:05") + "."
}

// NoticeText is a moderation notice for people: the server's own message,
// or one made from its kind and name.
func NoticeText(n protocol.Notice) string {
	if n.Message != "" {
		return n.Message
	}
	who := n.Name
	if who == "" {
		who = "Someone"
	}
	switch n.Kind {
	case protocol.NoticeKicked:
		return who + " was removed from the room."
	case protocol.NoticeMuted:
		return who + " was muted."
	case protocol.NoticeUnmuted:
		return who + " may speak again."
	}
	return who + ": " + n.Kind
}

// SkippedText reports comments dropped for a client that fell behind.
func SkippedText(total int) string {
	return fmt.Sprintf("%d %s skipped: the connection fell behind.", total,
		plural(total, "comment", "comments"))
}

// Dark reports whether a colour is too dark to read on the dark stage
// without a light outline.
func Dark(rgb int) bool {
	r, g, b := (rgb>>16)&0xFF, (rgb>>8)&0xFF, rgb&0xFF
	// Integer Rec. 601 luma, 0–255.
	return (299*r+587*g+114*b)/1000 < 60
}

// DurationText writes whole seconds as people say them: "1 minute",
// "10 minutes", "2 hours", "90 seconds".
func DurationText(seconds int) string {
	units := []struct {
		size      int
		one, many string
	}{
		{86400, "day", "days"}, {3600, "hour", "hours"}, {60, "minute", "minutes"},
	}
	for _, u := range units {
		if seconds >= u.size && seconds%u.size == 0 {
			n := seconds / u.size
			return strconv.Itoa(n) + " " + plural(n, u.one, u.many)
		}
	}
	return strconv.Itoa(seconds) + " " + plural(seconds, "second", "seconds")
}
