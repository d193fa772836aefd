package hub

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"barrage/protocol"
)

// RoomInfo is a snapshot of a room for listings.
type RoomInfo struct {
	ID          string `json:"id"`
	Online      int    `json:"online"`
	Connections int    `json:"connections"`
}

// UserInfo is a snapshot of one member of a room.
type UserInfo struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Role        string `json:"role"`
	Connections int    `json:"connections"`
	// MutedUntil is the end of an active mute in Unix milliseconds, or 0.
	MutedUntil int64 `json:"muted_until"`
}

// RoomDetail is a snapshot of a room with its members, sorted by user id.
type RoomDetail struct {
	RoomInfo
	Users []UserInfo `json:"users"`
}

// Rooms returns every room, sorted by id.
func (h *Hub) Rooms() []RoomInfo {
	rooms := h.roomList()
	out := make([]RoomInfo, 0, len(rooms))
	for _, r := range rooms {
		r.mu.Lock()
		out = append(out, RoomInfo{ID: r.id, Online: len(r.users), Connections: len(r.conns)})
		r.mu.Unlock()
	}
	slices.SortFunc(out, func(a, b RoomInfo) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Room returns one room with its members, or [ErrNoRoom].
func (h *Hub) Room(id string) (RoomDetail, error) {
	h.mu.Lock()
	r := h.rooms[id]
	h.mu.Unlock()
	if r == nil {
		return RoomDetail{}, fmt.Errorf("room %q: %w", id, ErrNoRoom)
	}
	r.mu.Lock()
	d := RoomDetail{RoomInfo: RoomInfo{ID: r.id, Online: len(r.users), Connections: len(r.conns)}}
	for id, conns := range r.users {
		u := conns[0].user
		d.Users = append(d.Users, UserInfo{
			ID: id, Name: u.Name, Role: u.Role, Connections: len(conns),
		})
	}
	r.mu.Unlock()

	for i := range d.Users {
		if until := h.sanc.mutedUntil(id, d.Users[i].ID); !until.IsZero() {
			d.Users[i].MutedUntil = until.UnixMilli()
		}
	}
	slices.SortFunc(d.Users, func(a, b UserInfo) int { return strings.Compare(a.ID, b.ID) })
	return d, nil
}

// UserRoom returns the room the index places user in, or "".
func (h *Hub) UserRoom(user string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if e := h.users[user]; e != nil {
		return e.room.id
	}
	return ""
}

// CheckInvariants verifies that the user index and the rooms agree: every
// member's user is indexed to that room with the right connection count,
// every indexed user has connections there, and no user is in two rooms
// (I1). It returns every disagreement found, joined. Tests call it; it is
// cheap enough for a debug endpoint.
func (h *Hub) CheckInvariants() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var errs []error
	seen := make(map[string]string) // user -> room where members were found
	counts := make(map[string]int)
	for id, r := range h.rooms {
		r.mu.Lock()
		errs = append(errs, r.checkLocked(id)...)
		for user, conns := range r.users {
			if other, dup := seen[user]; dup {
				errs = append(errs, fmt.Errorf("user %s is in rooms %s and %s", user, other, id))
			}
			seen[user] = id
			counts[user] += len(conns)
		}
		r.mu.Unlock()
	}
	for user, e := range h.users {
		if seen[user] != e.room.id {
			errs = append(errs, fmt.Errorf("index puts user %s in room %s, members found in %q",
				user, e.room.id, seen[user]))
		}
		if counts[user] != e.conns {
			errs = append(errs, fmt.Errorf("index counts %d connections for user %s, rooms hold %d",
				e.conns, user, counts[user]))
		}
		if h.rooms[e.room.id] != e.room {
			errs = append(errs, fmt.Errorf("user %s is indexed to dropped room %s", user, e.room.id))
		}
	}
	for user := range seen {
		if h.users[user] == nil {
			errs = append(errs, fmt.Errorf("user %s is in room %s but not indexed", user, seen[user]))
		}
	}
	return errors.Join(errs...)
}

// checkLocked verifies a room's own bookkeeping. The caller holds r.mu.
func (r *Room) checkLocked(key string) []error {
	var errs []error
	if key != r.id {
		errs = append(errs, fmt.Errorf("room %s is filed under %s", r.id, key))
	}
	n := 0
	for user, conns := range r.users {
		n += len(conns)
		for _, c := range conns {
			if c.user.ID != user || c.room.Load() != r ||
				c.idx >= len(r.conns) || r.conns[c.idx] != c {
				errs = append(errs, fmt.Errorf("room %s: connection %s misfiled", r.id, c.id))
			}
		}
	}
	if n != len(r.conns) {
		errs = append(errs, fmt.Errorf("room %s: %d connections listed, %d by user",
			r.id, len(r.conns), n))
	}
	return errs
}

// Recent returns a room's recent comments, oldest first; none if the room
// does not exist.
func (h *Hub) Recent(id string) []protocol.Danmaku {
	h.mu.Lock()
	r := h.rooms[id]
	h.mu.Unlock()
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]protocol.Danmaku(nil), r.recent...)
}
