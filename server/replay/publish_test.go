package replay

import (
	"strings"
	"testing"
	"unicode/utf8"

	"barrage/protocol"
)

func TestCommentFrom(t *testing.T) {
	cases := []struct{ sender, id, name string }{
		{"v0001", "replay:v0001", "v0001"},
		{"<b>x</b>", "replay", "replay"},
		{strings.Repeat("a", 25), "replay", "replay"},
		{"", "replay", "replay"},
	}
	for _, tc := range cases {
		u := Comment{Sender: tc.sender}.From()
		if u.ID != tc.id || u.Name != tc.name {
			t.Errorf("sender %q: got %+v, want id %q name %q", tc.sender, u, tc.id, tc.name)
		}
	}
}

// TestCommentProtocol: recorded comments are made to fit the live rules, and
// the result passes the same validation a client's comment does.
func TestCommentProtocol(t *testing.T) {
	cases := []struct {
		name string
		in   Comment
		want protocol.Comment
	}{
		{"plain", Comment{Text: "hi", Mode: 1, Size: 25, Color: 0xFF0000},
			protocol.Comment{Text: "hi", Mode: 1, Size: 25, Color: 0xFF0000}},
		{"control characters", Comment{Text: "a\nb\tc", Mode: 4, Size: 18},
			protocol.Comment{Text: "a b c", Mode: 4, Size: 18}},
		{"big size, odd mode", Comment{Text: "x", Mode: 3, Size: 64},
			protocol.Comment{Text: "x", Mode: 1, Size: 36}},
		{"blank", Comment{Text: " \n ", Mode: 5, Size: 25},
			protocol.Comment{Text: "…", Mode: 5, Size: 25}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in.Protocol()
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	long := Comment{Text: strings.Repeat("长", 300), Mode: 1, Size: 25}.Protocol()
	if n := utf8.RuneCountInString(long.Text); n != protocol.MaxTextRunes ||
		!strings.HasSuffix(long.Text, "…") {
		t.Fatalf("long text cut to %d runes: %q", n, long.Text)
	}
	for _, c := range []protocol.Comment{long} {
		mode, size := c.Mode, c.Size
		if _, err := protocol.ValidateComment(protocol.SendDanmaku{
			Event: protocol.EventDanmaku, Text: c.Text, Mode: &mode, Size: &size,
		}); err != nil {
			t.Fatalf("converted comment fails validation: %v", err)
		}
	}
}
