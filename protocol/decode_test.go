package protocol

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func intp(v int) *int { return &v }

// wantRefusal checks that err is a *RequestError with code, and that it has
// a message for people.
func wantRefusal(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s", code)
	}
	re, ok := err.(*RequestError)
	if !ok {
		t.Fatalf("error %T %v; want *RequestError", err, err)
	}
	if re.Code != code {
		t.Fatalf("code %q (%s); want %q", re.Code, re.Message, code)
	}
	if re.Message == "" {
		t.Fatalf("code %q has an empty message", re.Code)
	}
}

func TestDecodeClient(t *testing.T) {
	defaults := func(text string) Comment {
		return Comment{Text: text, Color: ColorWhite, Mode: ModeScroll, Size: SizeNormal}
	}
	tests := []struct {
		name    string
		frame   string
		want    Comment
		wantErr string
	}{
		{"defaults filled in", `{"event":"danmaku","text":"hi"}`, defaults("hi"), ""},
		{"null options are defaults",
			`{"event":"danmaku","text":"hi","color":null,"mode":null,"size":null}`,
			defaults("hi"), ""},
		{"every option set", `{"event":"danmaku","text":"hi","color":255,"mode":5,"size":36}`,
			Comment{Text: "hi", Color: 255, Mode: ModeTop, Size: SizeLarge}, ""},
		{"unknown fields ignored", `{"event":"danmaku","text":"hi","extra":{"a":[1]}}`,
			defaults("hi"), ""},
		{"surrounding space trimmed", `{"event":"danmaku","text":" \t hi there \n"}`,
			defaults("hi there"), ""},
		{"ideographic space trimmed", `{"event":"danmaku","text":"\u3000你好\u3000"}`,
			defaults("你好"), ""},
		{"escaped lone surrogate becomes U+FFFD", `{"event":"danmaku","text":"\ud800"}`,
			defaults("\uFFFD"), ""},

		{"invalid UTF-8", "{\"event\":\"danmaku\",\"text\":\"\xff\"}", Comment{}, ErrBadUTF8},
		{"truncated UTF-8", "{\"event\":\"danmaku\",\"text\":\"\xe4\xbd\"}", Comment{},
			ErrBadUTF8},
		{"empty frame", ``, Comment{}, ErrBadJSON},
		{"not JSON", `hello`, Comment{}, ErrBadJSON},
		{"unterminated object", `{"event":"danmaku"`, Comment{}, ErrBadJSON},
		{"array", `[{"event":"danmaku","text":"hi"}]`, Comment{}, ErrBadJSON},
		{"string", `"danmaku"`, Comment{}, ErrBadJSON},
		{"event not a string", `{"event":1,"text":"hi"}`, Comment{}, ErrBadJSON},
		{"text not a string", `{"event":"danmaku","text":1}`, Comment{}, ErrBadJSON},
		{"colour a string", `{"event":"danmaku","text":"hi","color":"red"}`, Comment{},
			ErrBadJSON},
		{"colour a fraction", `{"event":"danmaku","text":"hi","color":1.5}`, Comment{},
			ErrBadJSON},
		{"colour overflows int", `{"event":"danmaku","text":"hi","color":1e30}`, Comment{},
			ErrBadJSON},
		{"trailing garbage", `{"event":"danmaku","text":"hi"}x`, Comment{}, ErrBadJSON},
		{"null frame", `null`, Comment{}, ErrUnknownEvent},
		{"no event field", `{"text":"hi"}`, Comment{}, ErrUnknownEvent},
		{"server-only event", `{"event":"welcome"}`, Comment{}, ErrUnknownEvent},
		{"event name case matters", `{"event":"Danmaku","text":"hi"}`, Comment{},
			ErrUnknownEvent},
		{"no text", `{"event":"danmaku"}`, Comment{}, ErrEmptyText},
		{"empty text", `{"event":"danmaku","text":""}`, Comment{}, ErrEmptyText},
		{"only white space", `{"event":"danmaku","text":" \t\n\u3000\u0085 "}`, Comment{},
			ErrEmptyText},
		{"text too long", `{"event":"danmaku","text":"` + strings.Repeat("a", 101) + `"}`,
			Comment{}, ErrTextTooLong},
		{"escaped NUL", `{"event":"danmaku","text":"a\u0000b"}`, Comment{}, ErrControlChar},
		{"escaped newline inside", `{"event":"danmaku","text":"a\nb"}`, Comment{},
			ErrControlChar},
		{"colour negative", `{"event":"danmaku","text":"hi","color":-1}`, Comment{},
			ErrBadColor},
		{"colour above RGB", `{"event":"danmaku","text":"hi","color":16777216}`, Comment{},
			ErrBadColor},
		{"mode 2", `{"event":"danmaku","text":"hi","mode":2}`, Comment{}, ErrBadMode},
		{"size 24", `{"event":"danmaku","text":"hi","size":24}`, Comment{}, ErrBadSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeClient([]byte(tt.frame))
			if tt.wantErr != "" {
				wantRefusal(t, err, tt.wantErr)
				if got != (Comment{}) {
					t.Errorf("refused frame returned comment %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeClient(%s): %v", tt.frame, err)
			}
			if got != tt.want {
				t.Errorf("DecodeClient(%s) = %+v; want %+v", tt.frame, got, tt.want)
			}
		})
	}
}

func TestDecodeClientUnknownEventMessageIsBounded(t *testing.T) {
	long := strings.Repeat("x", 1000)
	_, err := DecodeClient([]byte(`{"event":"` + long + `"}`))
	wantRefusal(t, err, ErrUnknownEvent)
	if msg := err.(*RequestError).Message; len(msg) > 100 {
		t.Errorf("message has %d bytes; the event name should be cut: %q", len(msg), msg)
	}
}

func TestValidateComment(t *testing.T) {
	text := func(s string) SendDanmaku { return SendDanmaku{Event: EventDanmaku, Text: s} }
	withColor := func(c int) SendDanmaku {
		return SendDanmaku{Event: EventDanmaku, Text: "hi", Color: intp(c)}
	}
	withMode := func(m int) SendDanmaku {
		return SendDanmaku{Event: EventDanmaku, Text: "hi", Mode: intp(m)}
	}
	withSize := func(s int) SendDanmaku {
		return SendDanmaku{Event: EventDanmaku, Text: "hi", Size: intp(s)}
	}
	tests := []struct {
		name    string
		msg     SendDanmaku
		wantErr string
		check   func(t *testing.T, c Comment)
	}{
		{name: "100 ASCII runes", msg: text(strings.Repeat("a", 100))},
		{name: "101 ASCII runes", msg: text(strings.Repeat("a", 101)), wantErr: ErrTextTooLong},
		{name: "100 runes after trimming",
			msg: text("   " + strings.Repeat("a", 100) + "\n\t ")},
		{name: "100 CJK runes (300 bytes)", msg: text(strings.Repeat("弹", 100))},
		{name: "101 CJK runes", msg: text(strings.Repeat("弹", 101)), wantErr: ErrTextTooLong},
		{name: "100 emoji (400 bytes)", msg: text(strings.Repeat("😀", 100))},
		{name: "101 emoji", msg: text(strings.Repeat("😀", 101)), wantErr: ErrTextTooLong},
		{name: "inner spaces kept", msg: text("a  b"), check: func(t *testing.T, c Comment) {
			t.Helper()
			if c.Text != "a  b" {
				t.Errorf("text %q; want %q", c.Text, "a  b")
			}
		}},
		{name: "empty", msg: text(""), wantErr: ErrEmptyText},
		{name: "spaces only", msg: text("    "), wantErr: ErrEmptyText},
		{name: "U+0000", msg: text("a\u0000b"), wantErr: ErrControlChar},
		{name: "U+0007 bell", msg: text("a\u0007b"), wantErr: ErrControlChar},
		{name: "U+001B escape", msg: text("\u001b[31mred"), wantErr: ErrControlChar},
		{name: "U+007F delete", msg: text("a\u007fb"), wantErr: ErrControlChar},
		{name: "U+0085 next line inside", msg: text("a\u0085b"), wantErr: ErrControlChar},
		{name: "U+009F", msg: text("a\u009fb"), wantErr: ErrControlChar},
		{name: "newline inside", msg: text("a\nb"), wantErr: ErrControlChar},
		{name: "tab inside", msg: text("a\tb"), wantErr: ErrControlChar},
		{name: "too long wins over control", msg: text(strings.Repeat("\u0007", 101)),
			wantErr: ErrTextTooLong},
		{name: "colour 0", msg: withColor(0), check: wantColor(0)},
		{name: "colour 0xFFFFFF", msg: withColor(0xFFFFFF), check: wantColor(0xFFFFFF)},
		{name: "colour -1", msg: withColor(-1), wantErr: ErrBadColor},
		{name: "colour 0x1000000", msg: withColor(0x1000000), wantErr: ErrBadColor},
		{name: "mode 1", msg: withMode(1), check: wantMode(ModeScroll)},
		{name: "mode 4", msg: withMode(4), check: wantMode(ModeBottom)},
		{name: "mode 5", msg: withMode(5), check: wantMode(ModeTop)},
		{name: "mode 6", msg: withMode(6), check: wantMode(ModeReverse)},
		{name: "mode 0", msg: withMode(0), wantErr: ErrBadMode},
		{name: "mode 2", msg: withMode(2), wantErr: ErrBadMode},
		{name: "mode 3", msg: withMode(3), wantErr: ErrBadMode},
		{name: "mode 7", msg: withMode(7), wantErr: ErrBadMode},
		{name: "mode 8", msg: withMode(8), wantErr: ErrBadMode},
		{name: "mode -1", msg: withMode(-1), wantErr: ErrBadMode},
		{name: "size 18", msg: withSize(18), check: wantSize(SizeSmall)},
		{name: "size 25", msg: withSize(25), check: wantSize(SizeNormal)},
		{name: "size 36", msg: withSize(36), check: wantSize(SizeLarge)},
		{name: "size 0", msg: withSize(0), wantErr: ErrBadSize},
		{name: "size 17", msg: withSize(17), wantErr: ErrBadSize},
		{name: "size 26", msg: withSize(26), wantErr: ErrBadSize},
		{name: "size 37", msg: withSize(37), wantErr: ErrBadSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ValidateComment(tt.msg)
			if tt.wantErr != "" {
				wantRefusal(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("ValidateComment: %v", err)
			}
			if c.Text != strings.TrimSpace(tt.msg.Text) {
				t.Errorf("text %q; want the trimmed %q", c.Text, strings.TrimSpace(tt.msg.Text))
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func wantColor(color int) func(t *testing.T, c Comment) {
	return func(t *testing.T, c Comment) {
		t.Helper()
		if c.Color != color || c.Mode != ModeScroll || c.Size != SizeNormal {
			t.Errorf("comment %+v; want colour %#x and default mode and size", c, color)
		}
	}
}

func wantMode(mode int) func(t *testing.T, c Comment) {
	return func(t *testing.T, c Comment) {
		t.Helper()
		if c.Mode != mode || c.Color != ColorWhite || c.Size != SizeNormal {
			t.Errorf("comment %+v; want mode %d and default colour and size", c, mode)
		}
	}
}

func wantSize(size int) func(t *testing.T, c Comment) {
	return func(t *testing.T, c Comment) {
		t.Helper()
		if c.Size != size || c.Color != ColorWhite || c.Mode != ModeScroll {
			t.Errorf("comment %+v; want size %d and default colour and mode", c, size)
		}
	}
}

func TestValidateCommentRuneCountInMessage(t *testing.T) {
	_, err := ValidateComment(SendDanmaku{Text: strings.Repeat("字", 150)})
	wantRefusal(t, err, ErrTextTooLong)
	if msg := err.Error(); !strings.Contains(msg, "150") {
		t.Errorf("message %q should count 150 characters, not %d bytes", msg, 450)
	}
}

func TestErrorCodesDistinct(t *testing.T) {
	codes := []string{
		ErrBadJSON, ErrUnknownEvent, ErrEmptyText, ErrTextTooLong, ErrControlChar,
		ErrBadUTF8, ErrBadColor, ErrBadMode, ErrBadSize, ErrMuted, ErrRateLimited,
		ErrNotInRoom, ErrAuth, ErrAuthExpired, ErrBadRoom, ErrBanned, ErrTooLarge,
		ErrShuttingDown, ErrServer,
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if c == "" || strings.ToLower(c) != c || strings.ContainsAny(c, " -") {
			t.Errorf("code %q: want a non-empty lower_snake_case word", c)
		}
		if seen[c] {
			t.Errorf("code %q used twice", c)
		}
		seen[c] = true
	}
}

func TestRequestErrorEvent(t *testing.T) {
	tests := []struct {
		name string
		err  *RequestError
		want Error
	}{
		{"no retry", &RequestError{Code: ErrMuted, Message: "muted"},
			Error{Event: EventError, Code: ErrMuted, Message: "muted"}},
		{"retry in milliseconds",
			&RequestError{Code: ErrRateLimited, Message: "slow down",
				Retry: 1500 * time.Millisecond},
			Error{Event: EventError, Code: ErrRateLimited, Message: "slow down", RetryMS: 1500}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Event(); got != tt.want {
				t.Errorf("Event() = %+v; want %+v", got, tt.want)
			}
			var re *RequestError
			if !errors.As(error(tt.err), &re) || re.Error() != tt.err.Code+": "+tt.err.Message {
				t.Errorf("Error() = %q", tt.err.Error())
			}
		})
	}
}

func TestEventName(t *testing.T) {
	tests := []struct {
		name    string
		frame   string
		want    string
		wantErr bool
	}{
		{"danmaku", `{"event":"danmaku","text":"hi"}`, EventDanmaku, false},
		{"server event", `{"event":"force_disconnect","code":4001,"reason":"x"}`,
			EventForceDisconnect, false},
		{"rest not decoded", `{"event":"welcome","recent":{"not":"a list"}}`, EventWelcome, false},
		{"no event", `{"text":"hi"}`, "", false},
		{"null", `null`, "", false},
		{"unicode name", `{"event":"弹幕"}`, "弹幕", false},
		{"not JSON", `nope`, "", true},
		{"empty", ``, "", true},
		{"event a number", `{"event":7}`, "", true},
		{"array", `["danmaku"]`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EventName([]byte(tt.frame))
			if (err != nil) != tt.wantErr {
				t.Fatalf("EventName(%s) error %v; want error %t", tt.frame, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("EventName(%s) = %q; want %q", tt.frame, got, tt.want)
			}
		})
	}
}

func TestCommentLimitsAreRunes(t *testing.T) {
	// 100 four-byte runes is 400 bytes, four times the rune limit.
	s := strings.Repeat("😀", MaxTextRunes)
	if len(s) != 4*MaxTextRunes || utf8.RuneCountInString(s) != MaxTextRunes {
		t.Fatalf("bad fixture: %d bytes", len(s))
	}
	if _, err := ValidateComment(SendDanmaku{Text: s}); err != nil {
		t.Errorf("400 bytes of emoji refused: %v", err)
	}
}
