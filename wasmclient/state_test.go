package wasmclient

import (
	"testing"

	"barrage/protocol"
)

func TestDecide(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		code   int
		forced bool
		want   State
	}{
		{"normal close", 1000, false, StateClosed},
		{"going away", 1001, false, StateReconnecting},
		{"no status", 1005, false, StateReconnecting},
		{"abnormal", 1006, false, StateReconnecting},
		{"policy", 1008, false, StateSignedOut},
		{"too large", 1009, false, StateClosed},
		{"server error", 1011, false, StateReconnecting},
		{"service restart", 1012, false, StateReconnecting},
		{"try again later", 1013, false, StateReconnecting},
		{"removed", 4001, false, StateEvicted},
		{"membership", 4002, false, StateEvicted},
		{"banned", 4003, false, StateEvicted},
		{"room closed", 4004, false, StateEvicted},
		{"other terminal", 4050, false, StateClosed},
		{"slow client", 4100, false, StateReconnecting},
		{"last retryable", 4199, false, StateReconnecting},
		{"unknown", 4200, false, StateClosed},
		{"forced then abnormal", 1006, true, StateEvicted},
		{"forced then going away", 1001, true, StateEvicted},
		{"forced then slow client", 4100, true, StateEvicted},
		{"forced then removed", 4001, true, StateEvicted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Decide(tt.code, tt.forced); got != tt.want {
				t.Errorf("Decide(%d, %v) = %q, want %q", tt.code, tt.forced, got, tt.want)
			}
			reconnects := tt.want == StateReconnecting
			if got := protocol.ShouldReconnect(tt.code, tt.forced); got != reconnects {
				t.Errorf("ShouldReconnect(%d, %v) = %v, but Decide says %q",
					tt.code, tt.forced, got, tt.want)
			}
		})
	}
}

func TestBrowserCloseCode(t *testing.T) {
	t.Parallel()
	for code, want := range map[int]int{
		0: 1000, 1000: 1000, 1001: 1000, 1006: 1000, 1008: 1000, 2999: 1000,
		3000: 3000, 4001: 4001, 4999: 4999, 5000: 1000, -1: 1000,
	} {
		if got := BrowserCloseCode(code); got != want {
			t.Errorf("BrowserCloseCode(%d) = %d, want %d", code, got, want)
		}
	}
}

func TestCloseTextCoversTerminalCodes(t *testing.T) {
	t.Parallel()
	seen := map[string]int{}
	for _, code := range []int{1000, 1008, 1009, 4001, 4002, 4003, 4004} {
		text := CloseText(code)
		if prev, dup := seen[text]; dup {
			t.Errorf("codes %d and %d share the text %q", prev, code, text)
		}
		seen[text] = code
	}
}
