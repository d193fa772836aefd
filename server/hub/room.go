package hub

import (
	"encoding/json"
	"sync"
	"time"

	"barrage/protocol"
)

// Room is one live room: its members and its recent comments. Rooms are
// created by the hub on first join and dropped after an idle period.
//
// Concurrency: mu guards every field below it; see the package
// documentation for the lock order.
type Room struct {
	id  string
	hub *Hub

	mu         sync.Mutex
	conns      []*Conn            // every member connection, for fan-out
	users      map[string][]*Conn // user id -> that user's connections here
	seq        uint64
	recent     []protocol.Danmaku // oldest first, at most hub.cfg.Recent
	dirty      bool               // presence changed since the last presence event
	lastActive time.Time          // last join, leave or comment
}

func newRoom(id string, h *Hub) *Room {
	return &Room{id: id, hub: h, users: make(map[string][]*Conn), lastActive: time.Now()}
}

// add registers c and queues its welcome. mutedUntil is the user's mute
// here, if any.
func (r *Room) add(c *Conn, mutedUntil time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c.idx = len(r.conns)
	r.conns = append(r.conns, c)
	r.users[c.user.ID] = append(r.users[c.user.ID], c)
	c.room.Store(r)
	r.touchLocked()

	w := protocol.Welcome{
		Event:       protocol.EventWelcome,
		Room:        r.id,
		User:        c.user,
		Conn:        c.id,
		Online:      len(r.users),
		Connections: len(r.conns),
		Recent:      append([]protocol.Danmaku{}, r.recent...), // [] when empty, not null
		HeartbeatMS: r.hub.cfg.HeartbeatInterval.Milliseconds(),
	}
	if !mutedUntil.IsZero() {
		w.MutedUntil = mutedUntil.UnixMilli()
	}
	c.out.pushControl(mustEncode(w))
}

// remove unregisters c and reports whether it was a member.
func (r *Room) remove(c *Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.removeLocked(c)
}

func (r *Room) removeLocked(c *Conn) bool {
	if c.room.Load() != r {
		return false
	}
	last := len(r.conns) - 1
	r.conns[c.idx] = r.conns[last]
	r.conns[c.idx].idx = c.idx
	r.conns[last] = nil
	r.conns = r.conns[:last]

	mine := r.users[c.user.ID]
	for i, other := range mine {
		if other == c {
			mine = append(mine[:i], mine[i+1:]...)
			break
		}
	}
	if len(mine) == 0 {
		delete(r.users, c.user.ID)
	} else {
		r.users[c.user.ID] = mine
	}
	c.room.Store(nil)
	r.touchLocked()
	return true
}

// evictUser removes every connection of user, ending each queue with a
// force_disconnect, and returns them.
func (r *Room) evictUser(user string, code int, reason string) []*Conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	conns := append([]*Conn(nil), r.users[user]...)
	for _, c := range conns {
		r.evictLocked(c, code, reason)
	}
	return conns
}

// evictLocked removes c and ends its queue with a force_disconnect. Doing
// both under r.mu is what makes I2 hold: no broadcast after this point
// reaches c, and nothing is queued after the force_disconnect.
func (r *Room) evictLocked(c *Conn, code int, reason string) {
	r.removeLocked(c)
	c.out.end(Ending{Code: code, Reason: reason}, forceDisconnectFrame(code, reason))
}

// evictAll removes every member (room closed) and returns them.
func (r *Room) evictAll(code int, reason string) []*Conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	conns := append([]*Conn(nil), r.conns...)
	for _, c := range conns {
		r.evictLocked(c, code, reason)
	}
	return conns
}

func forceDisconnectFrame(code int, reason string) []byte {
	return mustEncode(protocol.ForceDisconnect{
		Event: protocol.EventForceDisconnect, Code: code, Reason: reason,
	})
}

// broadcastFrom fans out a comment sent by member c. It reports false if c
// is no longer a member: membership is checked under the same lock that
// eviction takes.
func (r *Room) broadcastFrom(c *Conn, cm protocol.Comment) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.room.Load() != r {
		return false
	}
	r.publishLocked(c.user, cm, false)
	return true
}

// publish fans out a comment that comes from outside the room (a replay).
func (r *Room) publish(from protocol.User, cm protocol.Comment, replay bool) protocol.Danmaku {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.publishLocked(from, cm, replay)
}

// publishLocked numbers the comment, encodes it once and queues the same
// bytes for every member.
func (r *Room) publishLocked(from protocol.User, cm protocol.Comment, replay bool) protocol.Danmaku {
	r.seq++
	d := protocol.Danmaku{
		Event:  protocol.EventDanmaku,
		Seq:    r.seq,
		User:   from.ID,
		Name:   from.Name,
		Text:   cm.Text,
		Color:  cm.Color,
		Mode:   cm.Mode,
		Size:   cm.Size,
		Time:   time.Now().UnixMilli(),
		Replay: replay,
	}
	frame := mustEncode(d)
	for _, m := range r.conns {
		m.out.pushData(frame)
	}
	if replay {
		r.hub.count.replayComments.Add(1)
	} else {
		r.hub.count.comments.Add(1)
	}
	if len(r.recent) >= r.hub.cfg.Recent {
		r.recent = append(r.recent[:0], r.recent[1:]...)
	}
	r.recent = append(r.recent, d)
	r.lastActive = time.Now()
	return d
}

// notify queues a control frame for every member, or for one user's
// connections when user is not empty.
func (r *Room) notify(frame []byte, user string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	targets := r.conns
	if user != "" {
		targets = r.users[user]
	}
	for _, m := range targets {
		m.out.pushControl(frame)
	}
}

// flushPresence sends the online counts to every member if they changed.
func (r *Room) flushPresence() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.dirty {
		return
	}
	r.dirty = false
	frame := mustEncode(protocol.Presence{
		Event:       protocol.EventPresence,
		Online:      len(r.users),
		Connections: len(r.conns),
	})
	for _, m := range r.conns {
		m.out.setPresence(frame)
	}
}

func (r *Room) touchLocked() {
	r.dirty = true
	r.lastActive = time.Now()
}

// idleSince reports whether the room is empty and has had no activity since
// cutoff.
func (r *Room) idleSince(cutoff time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.conns) == 0 && r.lastActive.Before(cutoff)
}

// mustEncode marshals a protocol event. The event types hold only strings
// and numbers, so an error is a programming mistake.
func mustEncode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("hub: encode event: " + err.Error())
	}
	return b
}

// userName returns the display name of a member, or the id if the user is
// not here.
func (r *Room) userName(user string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if conns := r.users[user]; len(conns) > 0 {
		return conns[0].user.Name
	}
	return user
}
