package hub

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"barrage/protocol"
)

// ErrNoRoom is returned for a room that does not exist (or no longer does).
var ErrNoRoom = errors.New("no such room")

// KickResult says what a kick did.
type KickResult struct {
	Connections int `json:"kicked_connections"`
	// BannedUntil is when the ban ends, in Unix milliseconds like every
	// time in the protocol.
	BannedUntil int64 `json:"banned_until"`
}

// Kick removes every connection of user from room with a force_disconnect
// (4001) and bans the user from rejoining it for ban. It works whether or not
// the user is in the room right now, so that a user who closed the tab a
// moment before is still banned.
func (h *Hub) Kick(roomID, user string, ban time.Duration, reason string) KickResult {
	until := time.Now().Add(ban)
	h.sanc.ban(roomID, user, until)
	if reason == "" {
		reason = "You were removed from this room by a moderator."
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rooms[roomID]
	if r == nil {
		return KickResult{BannedUntil: until.UnixMilli()}
	}
	name := r.userName(user)
	n := h.evictUserLocked(r, user, protocol.CloseRemoved, reason)
	if n > 0 {
		r.notify(mustEncode(protocol.Notice{
			Event: protocol.EventNotice, Kind: protocol.NoticeKicked,
			User: user, Name: name,
			Message: fmt.Sprintf("%s was removed from the room", name),
			Until:   until.UnixMilli(),
		}), "")
	}
	h.log.Info("kicked", "room", roomID, "user", user, "connections", n,
		"ban", ban, "reason", reason)
	return KickResult{Connections: n, BannedUntil: until.UnixMilli()}
}

// Mute stops user's comments in room for d; d <= 0 lifts a mute. The user
// stays and keeps receiving, and is told with a notice.
func (h *Hub) Mute(roomID, user string, d time.Duration) time.Time {
	var until time.Time
	notice := protocol.Notice{Event: protocol.EventNotice, User: user}
	if d > 0 {
		until = time.Now().Add(d)
		notice.Kind, notice.Until = protocol.NoticeMuted, until.UnixMilli()
		notice.Message = "A moderator muted you until " +
			until.UTC().Format(time.TimeOnly) + " UTC."
	} else {
		notice.Kind, notice.Message = protocol.NoticeUnmuted, "You can send comments again."
	}
	h.sanc.mute(roomID, user, until)

	h.mu.Lock()
	r := h.rooms[roomID]
	h.mu.Unlock()
	if r != nil {
		r.notify(mustEncode(notice), user)
	}
	h.log.Info("muted", "room", roomID, "user", user, "for", d)
	return until
}

// CloseRoom removes everyone from the room with 4004 and drops it with its
// state. It returns [ErrNoRoom] if there is no such room.
func (h *Hub) CloseRoom(roomID, reason string) (int, error) {
	if reason == "" {
		reason = "This room was closed by its host."
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rooms[roomID]
	if r == nil {
		return 0, fmt.Errorf("close room %q: %w", roomID, ErrNoRoom)
	}
	conns := r.evictAll(protocol.CloseRoomClosed, reason)
	h.count.evictions[protocol.CloseRoomClosed] += uint64(len(conns))
	for _, c := range conns {
		h.forgetConnLocked(c)
	}
	delete(h.rooms, roomID)
	h.log.Info("room closed", "room", roomID, "connections", len(conns), "reason", reason)
	return len(conns), nil
}

// Publish broadcasts a comment into a room on behalf of from, who need not
// be connected: a replay of a recorded track. The room is created if it does
// not exist, so that a replaying room shows in the lobby.
func (h *Hub) Publish(roomID string, from protocol.User, cm protocol.Comment) error {
	if !protocol.ValidRoomID(roomID) {
		return fmt.Errorf("publish to room %.70q: invalid room id", roomID)
	}
	h.mu.Lock()
	if h.closing.Load() {
		h.mu.Unlock()
		return ErrShutdown
	}
	r := h.roomLocked(roomID)
	h.mu.Unlock()
	// A sweep may drop r right here if it was idle; the comment then goes
	// to a room nobody can see any more, which is what dropping means.
	r.publish(from, cm, true)
	return nil
}

// sanctions records bans and mutes by room and user. They live in the hub,
// not in the room, so that they outlast a room dropped for being empty.
type sanctions struct {
	mu    sync.RWMutex
	bans  map[roomUser]time.Time
	mutes map[roomUser]time.Time
}

type roomUser struct{ room, user string }

func newSanctions() sanctions {
	return sanctions{bans: make(map[roomUser]time.Time), mutes: make(map[roomUser]time.Time)}
}

func (s *sanctions) ban(room, user string, until time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bans[roomUser{room, user}] = until
}

func (s *sanctions) mute(room, user string, until time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if until.IsZero() {
		delete(s.mutes, roomUser{room, user})
		return
	}
	s.mutes[roomUser{room, user}] = until
}

func (s *sanctions) banned(room, user string) (time.Time, bool) {
	return s.active(s.bans, room, user)
}

func (s *sanctions) muted(room, user string) (time.Time, bool) {
	return s.active(s.mutes, room, user)
}

// mutedUntil returns the end of an active mute, or the zero time.
func (s *sanctions) mutedUntil(room, user string) time.Time {
	until, _ := s.muted(room, user)
	return until
}

func (s *sanctions) active(m map[roomUser]time.Time, room, user string) (time.Time, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	until, ok := m[roomUser{room, user}]
	if !ok || !time.Now().Before(until) {
		return time.Time{}, false
	}
	return until, true
}

// prune forgets expired records.
func (s *sanctions) prune(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range []map[roomUser]time.Time{s.bans, s.mutes} {
		for k, until := range m {
			if !now.Before(until) {
				delete(m, k)
			}
		}
	}
}

// limiters holds each user's comment rate limiter. They are kept by user,
// not by connection, and outlive the user's connections for a while, so that
// reconnecting does not refill the bucket.
type limiters struct {
	mu sync.Mutex
	m  map[string]*limiterEntry
}

type limiterEntry struct {
	lim  *rate.Limiter
	used time.Time
}

// allow reports whether user may send now, and otherwise how long to wait.
func (l *limiters) allow(user string, perSecond float64, burst int) (time.Duration, bool) {
	now := time.Now()
	l.mu.Lock()
	e := l.m[user]
	if e == nil {
		e = &limiterEntry{lim: rate.NewLimiter(rate.Limit(perSecond), burst)}
		l.m[user] = e
	}
	e.used = now
	l.mu.Unlock()

	res := e.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d, false
	}
	return 0, true
}

// prune forgets limiters unused since cutoff; by then their bucket is full
// again, so forgetting changes nothing.
func (l *limiters) prune(cutoff time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for user, e := range l.m {
		if e.used.Before(cutoff) {
			delete(l.m, user)
		}
	}
}
