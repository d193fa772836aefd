package wasmclient

import (
	"fmt"
	"time"

	"barrage/protocol"
)

// watch starts counting silence on the current socket: limit of visible
// silence marks it dead.
func (m *machine) watch(limit time.Duration) {
	m.watchLimit = limit
	m.heard()
	if !m.hidden {
		m.env.arm(timerWatchdog, limit)
	}
}

func (m *machine) unwatch() {
	m.watchLimit = 0
	m.env.disarm(timerWatchdog)
}

// heard restarts the silence. It does not re-arm the timer, which would cost
// a timer per frame: checkSilence re-arms for whatever is left when it fires.
func (m *machine) heard() {
	m.banked = 0
	m.quietSince = m.env.now()
}

func (m *machine) silence() time.Duration {
	if m.hidden {
		return m.banked
	}
	return m.banked + m.env.now().Sub(m.quietSince)
}

func (m *machine) checkSilence() {
	if m.watchLimit == 0 || m.hidden {
		return
	}
	if left := m.watchLimit - m.silence(); left > 0 {
		m.env.arm(timerWatchdog, left)
		return
	}
	limit := m.watchLimit
	m.unwatch()
	m.env.closeSocket(protocol.CloseNormal, "no frames")
	m.ended(protocol.CloseAbnormal, fmt.Sprintf(
		"Nothing heard from the server for %s.", limit.Round(time.Second)))
}

// setHidden banks the visible silence when the page hides, and resumes
// counting from there when it shows again: browsers throttle timers in
// hidden tabs, so silence measured then means nothing.
func (m *machine) setHidden(hidden bool) {
	if hidden == m.hidden {
		return
	}
	now := m.env.now()
	if hidden {
		m.banked += now.Sub(m.quietSince)
		m.hidden = true
		m.env.disarm(timerWatchdog)
		return
	}
	m.hidden = false
	m.quietSince = now
	if m.watchLimit > 0 {
		m.env.arm(timerWatchdog, max(m.watchLimit-m.banked, 0))
	}
}
