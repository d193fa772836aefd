package protocol

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// decodeCodes are the only codes DecodeClient may answer with.
var decodeCodes = map[string]bool{
	ErrBadUTF8: true, ErrBadJSON: true, ErrUnknownEvent: true, ErrEmptyText: true,
	ErrTextTooLong: true, ErrControlChar: true, ErrBadColor: true, ErrBadMode: true,
	ErrBadSize: true,
}

// FuzzDecodeClient checks that DecodeClient never panics, refuses only with
// a well-formed *RequestError, and accepts only comments that keep every
// rule. The seed corpus is in testdata/fuzz/FuzzDecodeClient.
func FuzzDecodeClient(f *testing.F) {
	f.Add([]byte(`{"event":"danmaku","text":"hello"}`))
	f.Add([]byte(`{"event":"danmaku","text":"  弹幕 😀 ","color":0,"mode":6,"size":18}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeClient(data)
		if err != nil {
			checkRefusal(t, data, err)
			return
		}
		checkComment(t, c)

		again, err := ValidateComment(SendDanmaku{
			Event: EventDanmaku, Text: c.Text, Color: &c.Color, Mode: &c.Mode, Size: &c.Size,
		})
		if err != nil || again != c {
			t.Fatalf("re-validating %+v gave %+v, %v", c, again, err)
		}
		frame, err := json.Marshal(SendDanmaku{
			Event: EventDanmaku, Text: c.Text, Color: &c.Color, Mode: &c.Mode, Size: &c.Size,
		})
		if err != nil {
			t.Fatalf("marshal %+v: %v", c, err)
		}
		if again, err := DecodeClient(frame); err != nil || again != c {
			t.Fatalf("round trip of %+v through %s gave %+v, %v", c, frame, again, err)
		}
	})
}

func checkRefusal(t *testing.T, data []byte, err error) {
	t.Helper()
	re, ok := err.(*RequestError)
	if !ok {
		t.Fatalf("error %T %v; want *RequestError", err, err)
	}
	if re.Code == "" || re.Message == "" {
		t.Fatalf("refusal with empty code or message: %+v", re)
	}
	if !decodeCodes[re.Code] {
		t.Fatalf("code %q is not one DecodeClient uses", re.Code)
	}
	if !utf8.Valid(data) && re.Code != ErrBadUTF8 {
		t.Fatalf("invalid UTF-8 refused with %q; want %q", re.Code, ErrBadUTF8)
	}
	if !utf8.ValidString(re.Message) {
		t.Fatalf("message %q is not valid UTF-8", re.Message)
	}
}

func checkComment(t *testing.T, c Comment) {
	t.Helper()
	n := utf8.RuneCountInString(c.Text)
	if n < 1 || n > MaxTextRunes {
		t.Fatalf("accepted text of %d runes: %q", n, c.Text)
	}
	if !utf8.ValidString(c.Text) {
		t.Fatalf("accepted invalid UTF-8: %q", c.Text)
	}
	if strings.TrimSpace(c.Text) != c.Text {
		t.Fatalf("accepted untrimmed text: %q", c.Text)
	}
	if i := strings.IndexFunc(c.Text, unicode.IsControl); i >= 0 {
		t.Fatalf("accepted control character at byte %d: %q", i, c.Text)
	}
	if c.Color < 0 || c.Color > MaxColor {
		t.Fatalf("accepted colour %d", c.Color)
	}
	switch c.Mode {
	case ModeScroll, ModeBottom, ModeTop, ModeReverse:
	default:
		t.Fatalf("accepted mode %d", c.Mode)
	}
	switch c.Size {
	case SizeSmall, SizeNormal, SizeLarge:
	default:
		t.Fatalf("accepted size %d", c.Size)
	}
}

func BenchmarkDecodeClient(b *testing.B) {
	frames := []struct {
		name  string
		frame string
	}{
		{"minimal", `{"event":"danmaku","text":"hello"}`},
		{"full", `{"event":"danmaku","text":"前方高能 😀 awesome","color":16711680,` +
			`"mode":5,"size":36}`},
		{"100 runes", `{"event":"danmaku","text":"` + strings.Repeat("弹", 100) + `"}`},
		{"refused", `{"event":"danmaku","text":"hi","mode":2}`},
		{"bad JSON", `{"event":"danmaku","text":`},
	}
	for _, fr := range frames {
		data := []byte(fr.frame)
		b.Run(fr.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				_, _ = DecodeClient(data)
			}
		})
	}
}
