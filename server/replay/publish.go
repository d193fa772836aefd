package replay

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"barrage/protocol"
)

// From returns the user a recorded comment is shown as: its pseudonymous
// sender, with an id prefixed so that it can never pass for a live user's
// (':' is not in the user-id alphabet), or "replay" when the sender is not a
// short plain id (a track is uploaded by a host and may hold anything
// there).
func (c Comment) From() protocol.User {
	if len(c.Sender) <= 24 && protocol.ValidRoomID(c.Sender) {
		return protocol.User{ID: "replay:" + c.Sender, Name: c.Sender}
	}
	return protocol.User{ID: "replay", Name: "replay"}
}

// Protocol converts a recorded comment to a live one. Recorded comments
// predate Barrage's rules, so they are made to fit rather than refused:
// control characters become spaces, text beyond protocol.MaxTextRunes is cut
// with an ellipsis, and sizes snap to the nearest of small, normal and large.
func (c Comment) Protocol() protocol.Comment {
	text := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, c.Text)
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > protocol.MaxTextRunes {
		text = string([]rune(text)[:protocol.MaxTextRunes-1]) + "…"
	}
	if text == "" {
		text = "…"
	}
	size := protocol.SizeNormal
	switch {
	case c.Size <= 21:
		size = protocol.SizeSmall
	case c.Size >= 31:
		size = protocol.SizeLarge
	}
	mode := c.Mode
	if mode != protocol.ModeBottom && mode != protocol.ModeTop && mode != protocol.ModeReverse {
		mode = protocol.ModeScroll
	}
	return protocol.Comment{Text: text, Color: c.Color & protocol.MaxColor, Mode: mode, Size: size}
}
