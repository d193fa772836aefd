package wasmclient

import (
	"encoding/json"
	"time"

	"barrage/protocol"
)

// message handles one frame from the server. Frames that do not decode, and
// events this client does not know, are ignored: the server may add events.
func (m *machine) message(data []byte) {
	m.heard()
	name, err := protocol.EventName(data)
	if err != nil {
		return
	}
	switch name {
	case protocol.EventWelcome:
		decodeThen(data, m.welcome)
	case protocol.EventDanmaku:
		decodeThen(data, m.danmaku)
	case protocol.EventPresence:
		decodeThen(data, m.view.Presence)
	case protocol.EventError:
		decodeThen(data, m.refused)
	case protocol.EventForceDisconnect:
		decodeThen(data, m.forceDisconnect)
	case protocol.EventSkipped:
		decodeThen(data, m.view.Skipped)
	case protocol.EventNotice:
		decodeThen(data, m.view.Notice)
	}
}

func decodeThen[T any](data []byte, handle func(T)) {
	var v T
	if json.Unmarshal(data, &v) == nil {
		handle(v)
	}
}

func (m *machine) welcome(w protocol.Welcome) {
	m.attempt = 0
	if w.HeartbeatMS > 0 {
		beat := time.Duration(w.HeartbeatMS) * time.Millisecond
		m.watch(time.Duration(m.deadAfter) * beat)
	} else {
		m.unwatch()
	}
	m.view.Welcome(w, m.recent.Replace(w.Recent))
	m.show(Status{State: StateOpen, CloseCode: m.status.CloseCode})
}

func (m *machine) danmaku(d protocol.Danmaku) {
	if at, ok := m.recent.Add(d); ok {
		m.view.Comment(d, at)
	}
}

func (m *machine) refused(e protocol.Error) {
	// Only a rate limit holds back sends: other refusals carry retry_ms too
	// (a ban's is its remaining length), but they say nothing about sending
	// on a later connection.
	if e.Code == protocol.ErrRateLimited && e.RetryMS > 0 {
		m.holdUntil = m.env.now().Add(time.Duration(e.RetryMS) * time.Millisecond)
	}
	m.lastError = e.Message
	m.view.Error(e)
}

// forceDisconnect latches "never reconnect" and closes at once, without
// waiting for the server's close frame, which may never arrive.
func (m *machine) forceDisconnect(fd protocol.ForceDisconnect) {
	m.forced = true
	m.unwatch()
	m.env.closeSocket(protocol.CloseNormal, "")
	reason := fd.Reason
	if reason == "" {
		reason = CloseText(fd.Code)
	}
	m.show(Status{State: StateEvicted, CloseCode: fd.Code, Reason: reason})
}
