package protocol

import (
	"strings"
	"testing"
)

func TestValidRoomID(t *testing.T) {
	tests := []struct {
		name string
		id   string
		want bool
	}{
		{"empty", "", false},
		{"one character", "a", true},
		{"64 characters", strings.Repeat("r", 64), true},
		{"65 characters", strings.Repeat("r", 65), false},
		{"lower case", "abcxyz", true},
		{"upper case", "ABCXYZ", true},
		{"digits", "0123456789", true},
		{"underscore", "_", true},
		{"dash", "-", true},
		{"every class", "Room_42-live", true},
		{"slash", "a/b", false},
		{"dot dot", "..", false},
		{"dot", "a.b", false},
		{"space", "a b", false},
		{"trailing space", "ab ", false},
		{"NUL", "a\x00", false},
		{"accented letter", "café", false},
		{"Chinese", "直播间", false},
		{"emoji", "room😀", false},
		{"full-width digit", "１", false},
		{"percent escape", "a%2Fb", false},
		{"query", "a?b=c", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidRoomID(tt.id); got != tt.want {
				t.Errorf("ValidRoomID(%q) = %t; want %t", tt.id, got, tt.want)
			}
		})
	}
}

// TestValidRoomIDEveryByte tries every byte value as a one-byte id.
func TestValidRoomIDEveryByte(t *testing.T) {
	const allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
	for b := 0; b < 256; b++ {
		id := string([]byte{byte(b)})
		want := strings.IndexByte(allowed, byte(b)) >= 0
		if got := ValidRoomID(id); got != want {
			t.Errorf("ValidRoomID(%q) = %t; want %t", id, got, want)
		}
	}
}
