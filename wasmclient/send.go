package wasmclient

import (
	"encoding/json"
	"errors"
	"fmt"

	"barrage/protocol"
)

// ErrNotConnected is the Code of the error a view gets for a comment sent
// while the connection is not open.
const ErrNotConnected = "not_connected"

var errNoSocket = errors.New("no open socket")

// send validates msg as the server would, so that a refusal shows at once,
// and hands it to the socket.
func (m *machine) send(msg protocol.SendDanmaku) {
	if m.status.State != StateOpen {
		m.view.Error(localError(ErrNotConnected, "Not connected: the comment was not sent."))
		return
	}
	if wait := m.holdUntil.Sub(m.env.now()); wait > 0 {
		m.view.Error(localError(protocol.ErrRateLimited,
			fmt.Sprintf("Too fast: wait %.1f s before sending again.", wait.Seconds())))
		return
	}
	msg.Event = protocol.EventDanmaku
	c, err := protocol.ValidateComment(msg)
	if re, ok := errors.AsType[*protocol.RequestError](err); ok {
		m.view.Error(re.Event())
		return
	}
	msg.Text = c.Text
	data, err := json.Marshal(msg)
	if err == nil {
		err = m.env.send(data)
	}
	if err != nil {
		m.view.Error(localError(ErrNotConnected, "The comment could not be sent: "+err.Error()))
		return
	}
	m.view.Sent(msg)
}

func localError(code, message string) protocol.Error {
	return protocol.Error{Event: protocol.EventError, Code: code, Message: message}
}
