package wasmclient

import "barrage/protocol"

// State is where a room connection stands. Its values are the ones the room
// page writes into the body's data-ws-state attribute.
type State string

// The connection states.
const (
	// StateConnecting: a socket is opening, or open and waiting for welcome.
	StateConnecting State = "connecting"
	// StateOpen: the server has welcomed this connection into the room.
	StateOpen State = "open"
	// StateReconnecting: the connection ended for a retryable reason and a
	// new attempt is scheduled after a backoff.
	StateReconnecting State = "reconnecting"
	// StateEvicted: the server removed this connection from the room; the
	// client does not come back by itself.
	StateEvicted State = "evicted"
	// StateSignedOut: the server refused the session (close 1008).
	StateSignedOut State = "signed-out"
	// StateClosed: the connection ended for good for any other reason.
	StateClosed State = "closed"
)

// Terminal reports whether s waits for the user: only a deliberate rejoin
// leaves it.
func (s State) Terminal() bool {
	return s == StateEvicted || s == StateSignedOut || s == StateClosed
}

// Decide is the client's whole answer to a socket that ended with code.
// forced reports whether a force_disconnect event arrived on that socket: it
// latches "never reconnect", whatever code follows, because the close frame
// can be lost and the browser then reports 1006.
func Decide(code int, forced bool) State {
	switch {
	case forced:
		return StateEvicted
	case code == protocol.ClosePolicy:
		return StateSignedOut
	case protocol.ShouldReconnect(code, false):
		return StateReconnecting
	case code >= protocol.CloseRemoved && code <= protocol.CloseRoomClosed:
		return StateEvicted
	}
	return StateClosed
}

// CloseText is the sentence shown for a connection that ended with code when
// the server sent no text of its own.
func CloseText(code int) string {
	switch code {
	case protocol.CloseNormal:
		return "The connection was closed."
	case protocol.ClosePolicy:
		return "Your session is not valid any more. Sign in again."
	case protocol.CloseTooLarge:
		return "The server refused a message that was too large."
	case protocol.CloseRemoved:
		return "You were removed from this room: you joined another room, or were kicked."
	case protocol.CloseMembership:
		return "Your place in this room is no longer valid."
	case protocol.CloseBanned:
		return "You are banned from this room for a while."
	case protocol.CloseRoomClosed:
		return "This room was closed."
	}
	if protocol.ShouldReconnect(code, false) {
		return "The connection was lost."
	}
	return "The connection ended."
}

// BrowserCloseCode maps code to one a browser's WebSocket.close accepts:
// 1000 or 3000–4999. A browser throws on anything else, and in Go/WASM a
// JavaScript exception is a panic that ends the program.
func BrowserCloseCode(code int) int {
	if code >= 3000 && code <= 4999 {
		return code
	}
	return protocol.CloseNormal
}
