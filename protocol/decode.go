package protocol

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Error codes of refused requests, the Code of an [Error] event.
const (
	ErrBadJSON      = "bad_json"
	ErrUnknownEvent = "unknown_event"
	ErrEmptyText    = "empty_text"
	ErrTextTooLong  = "text_too_long"
	ErrControlChar  = "control_character"
	ErrBadUTF8      = "invalid_utf8"
	ErrBadColor     = "bad_color"
	ErrBadMode      = "bad_mode"
	ErrBadSize      = "bad_size"
	ErrMuted        = "muted"
	ErrRateLimited  = "rate_limited"
	ErrNotInRoom    = "not_in_room"
	ErrAuth         = "auth_failed"
	ErrAuthExpired  = "auth_expired"
	ErrBadRoom      = "bad_room"
	ErrBanned       = "banned"
	ErrTooLarge     = "too_large"
	ErrShuttingDown = "shutting_down"
	ErrTooMany      = "too_many_connections"
	ErrServer       = "server_error"
)

// RequestError is a refused request: the Code and Message of the [Error]
// event the server answers with.
type RequestError struct {
	Code    string
	Message string
	// Retry, when positive, is how long the client should wait before
	// trying again.
	Retry time.Duration
}

// Error implements error.
func (e *RequestError) Error() string { return e.Code + ": " + e.Message }

// Event returns the error event that tells the client about e.
func (e *RequestError) Event() Error {
	return Error{Event: EventError, Code: e.Code, Message: e.Message,
		RetryMS: e.Retry.Milliseconds()}
}

func refuse(code, format string, args ...any) *RequestError {
	return &RequestError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Comment is a validated comment from a client, defaults filled in.
type Comment struct {
	Text  string
	Color int
	Mode  int
	Size  int
}

// EventName returns the "event" field of a frame without decoding the rest.
func EventName(data []byte) (string, error) {
	var head struct {
		Event string `json:"event"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return "", fmt.Errorf("decode event name: %w", err)
	}
	return head.Event, nil
}

// DecodeClient decodes and validates one frame from a client. Clients send
// only danmaku events. The error is always a *[RequestError].
func DecodeClient(data []byte) (Comment, error) {
	if !utf8.Valid(data) {
		return Comment{}, refuse(ErrBadUTF8, "frame is not valid UTF-8")
	}
	var msg SendDanmaku
	if err := json.Unmarshal(data, &msg); err != nil {
		return Comment{}, refuse(ErrBadJSON, "frame is not a JSON event object")
	}
	if msg.Event != EventDanmaku {
		if msg.Event == "" {
			return Comment{}, refuse(ErrUnknownEvent, `frame has no "event" field`)
		}
		return Comment{}, refuse(ErrUnknownEvent, "unknown event %.40q", msg.Event)
	}
	return ValidateComment(msg)
}

// ValidateComment checks a comment's text, colour, mode and size and fills in
// the defaults (white, scrolling, normal size).
func ValidateComment(msg SendDanmaku) (Comment, error) {
	c := Comment{
		Text:  strings.TrimSpace(msg.Text),
		Color: ColorWhite,
		Mode:  ModeScroll,
		Size:  SizeNormal,
	}
	if c.Text == "" {
		return Comment{}, refuse(ErrEmptyText, "comment is empty")
	}
	if n := utf8.RuneCountInString(c.Text); n > MaxTextRunes {
		return Comment{}, refuse(ErrTextTooLong,
			"comment has %d characters; the limit is %d", n, MaxTextRunes)
	}
	for _, r := range c.Text {
		if unicode.IsControl(r) || reordersText(r) {
			return Comment{}, refuse(ErrControlChar,
				"comment contains the control character %U", r)
		}
	}
	if msg.Color != nil {
		if *msg.Color < 0 || *msg.Color > MaxColor {
			return Comment{}, refuse(ErrBadColor,
				"colour %d is not an RGB value from 0 to %d", *msg.Color, MaxColor)
		}
		c.Color = *msg.Color
	}
	if msg.Mode != nil {
		switch *msg.Mode {
		case ModeScroll, ModeBottom, ModeTop, ModeReverse:
			c.Mode = *msg.Mode
		default:
			return Comment{}, refuse(ErrBadMode,
				"mode %d is not 1 (scroll), 4 (bottom), 5 (top) or 6 (reverse)", *msg.Mode)
		}
	}
	if msg.Size != nil {
		switch *msg.Size {
		case SizeSmall, SizeNormal, SizeLarge:
			c.Size = *msg.Size
		default:
			return Comment{}, refuse(ErrBadSize, "size %d is not 18, 25 or 36", *msg.Size)
		}
	}
	return c, nil
}

// reordersText reports the characters that change the direction or the
// lines of the text around them: bidi embeddings, overrides and isolates,
// and the line and paragraph separators. In a comment they would flip or
// break the lines of other people's comments drawn next to it. Joiners
// stay allowed: emoji sequences need them.
func reordersText(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 ||
		r == 0x2028 || r == 0x2029
}
