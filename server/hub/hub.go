package hub

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"barrage/protocol"
)

// Config tunes a Hub. A zero field means its default.
type Config struct {
	// ControlQueue bounds a connection's queue of control events; a client
	// that lets more pile up is closed with 4100. Default 256.
	ControlQueue int
	// DataQueue is how many comments a connection may fall behind before the
	// oldest are dropped for it. Default 512.
	DataQueue int
	// Recent is how many comments a room keeps for the welcome of newcomers.
	// Default 50.
	Recent int
	// PresenceInterval throttles presence events per room. Default 1 s.
	PresenceInterval time.Duration
	// SweepInterval is the period of the membership check (4002) and of
	// pruning idle rooms and expired moderation records. Default 10 s.
	SweepInterval time.Duration
	// RoomIdle is how long an empty room with no replay activity lives on,
	// with its recent comments, before it is dropped. Default 30 s.
	RoomIdle time.Duration
	// RatePerSecond and RateBurst limit the comments of one user, across
	// all their connections. Defaults 2 per second, burst 5.
	RatePerSecond float64
	RateBurst     int
	// HeartbeatInterval is announced in welcome events (the transport sends
	// the heartbeats). Default 20 s.
	HeartbeatInterval time.Duration
	// MaxUserConns bounds one user's connections (tabs and devices); a
	// join beyond it is refused with [ErrTooManyConns]. Default 16.
	MaxUserConns int
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.ControlQueue, 256)
	def(&c.DataQueue, 512)
	def(&c.Recent, 50)
	def(&c.RateBurst, 5)
	def(&c.MaxUserConns, 16)
	defDur(&c.PresenceInterval, time.Second)
	defDur(&c.SweepInterval, 10*time.Second)
	defDur(&c.RoomIdle, 30*time.Second)
	defDur(&c.HeartbeatInterval, 20*time.Second)
	if c.RatePerSecond <= 0 {
		c.RatePerSecond = 2
	}
	return c
}

// ErrShutdown is returned by [Hub.Join] once [Hub.Shutdown] has begun.
var ErrShutdown = errors.New("server shutting down")

// ErrTooManyConns refuses a join of a user who holds MaxUserConns
// connections in that room already.
var ErrTooManyConns = errors.New("too many connections for one user")

// BannedError refuses a join while a ban from a kick lasts.
type BannedError struct {
	Room  string
	Until time.Time
}

// Error implements error.
func (e *BannedError) Error() string {
	return fmt.Sprintf("You were removed from room %s and can rejoin in %s.",
		e.Room, e.RetryIn().Round(time.Second))
}

// RetryIn is how long the ban still lasts.
func (e *BannedError) RetryIn() time.Duration { return time.Until(e.Until) }

// Hub holds every room of the process. See the package documentation for
// the model and the lock order. All methods are safe for concurrent use.
type Hub struct {
	cfg     Config
	log     *slog.Logger
	nextID  atomic.Uint64
	sanc    sanctions
	limits  limiters
	closing atomic.Bool
	count   counters

	mu    sync.Mutex
	rooms map[string]*Room      // guarded by mu
	users map[string]*userEntry // guarded by mu; present while the user has a connection
}

// userEntry is the user index: where a user is and with how many sockets.
type userEntry struct {
	room  *Room
	conns int
}

// New returns a Hub. Call [Hub.Run] to start its periodic work.
func New(cfg Config, log *slog.Logger) *Hub {
	return &Hub{
		cfg:    cfg.withDefaults(),
		log:    log,
		rooms:  make(map[string]*Room),
		users:  make(map[string]*userEntry),
		sanc:   newSanctions(),
		limits: limiters{m: make(map[string]*limiterEntry)},
		count:  counters{evictions: make(map[int]uint64)},
	}
}

// Join registers a new connection of user u in room roomID, first evicting
// every connection the user holds in any other room (4001). The new
// connection's queue starts with its welcome event. Join fails with a
// *[BannedError] while the user is banned from the room, and with
// [ErrShutdown] once the hub is shutting down.
func (h *Hub) Join(roomID string, u protocol.User) (*Conn, error) {
	if !protocol.ValidRoomID(roomID) {
		return nil, fmt.Errorf("join room %.70q: invalid room id", roomID)
	}
	c := &Conn{id: "c" + strconv.FormatUint(h.nextID.Add(1), 10), user: u}
	c.out.init(h.cfg.ControlQueue, h.cfg.DataQueue, &h.count.skipped)

	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing.Load() {
		return nil, ErrShutdown
	}
	if until, ok := h.sanc.banned(roomID, u.ID); ok {
		return nil, &BannedError{Room: roomID, Until: until}
	}
	entry := h.users[u.ID]
	if entry != nil && entry.room.id != roomID {
		h.evictUserLocked(entry.room, u.ID, protocol.CloseRemoved,
			fmt.Sprintf("You opened room %s from another tab or device; "+
				"a user watches one room at a time.", roomID))
		entry = h.users[u.ID]
	}
	if entry != nil && entry.conns >= h.cfg.MaxUserConns {
		return nil, fmt.Errorf("join room %s as %s: %w", roomID, u.ID, ErrTooManyConns)
	}
	r := h.roomLocked(roomID)
	if entry == nil {
		entry = &userEntry{room: r}
		h.users[u.ID] = entry
	}
	entry.conns++
	r.add(c, h.sanc.mutedUntil(roomID, u.ID))
	h.log.Info("joined", "conn", c.id, "user", u.ID, "room", roomID,
		"connections", entry.conns)
	return c, nil
}

// roomLocked returns the room, creating it. The caller holds h.mu.
func (h *Hub) roomLocked(id string) *Room {
	r := h.rooms[id]
	if r == nil {
		r = newRoom(id, h)
		h.rooms[id] = r
		h.log.Info("room created", "room", id)
	}
	return r
}

// Leave unregisters a connection whose socket is gone. It is idempotent and
// safe for a connection that was already removed from its room.
func (h *Hub) Leave(c *Conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := c.room.Load()
	if r == nil || !r.remove(c) {
		return
	}
	h.forgetConnLocked(c)
	h.log.Info("left", "conn", c.id, "user", c.user.ID, "room", r.id)
}

// forgetConnLocked updates the user index after c left its room. The caller
// holds h.mu.
func (h *Hub) forgetConnLocked(c *Conn) {
	entry := h.users[c.user.ID]
	if entry == nil {
		return
	}
	entry.conns--
	if entry.conns <= 0 {
		delete(h.users, c.user.ID)
	}
}

// evictUserLocked removes every connection of user from r, sending each a
// force_disconnect with code and reason. It returns how many there were. The
// caller holds h.mu.
func (h *Hub) evictUserLocked(r *Room, user string, code int, reason string) int {
	removed := r.evictUser(user, code, reason)
	h.count.evictions[code] += uint64(len(removed))
	for _, c := range removed {
		h.forgetConnLocked(c)
		h.log.Info("evicted", "conn", c.id, "user", user, "room", r.id,
			"code", code, "reason", reason)
	}
	return len(removed)
}

// Send posts a comment from connection c to its room. A refusal (muted, rate
// limited, no longer in the room) is a *protocol.RequestError to be sent
// back to that connection as an error event.
func (h *Hub) Send(c *Conn, cm protocol.Comment) error {
	r := c.room.Load()
	if r == nil {
		return &protocol.RequestError{Code: protocol.ErrNotInRoom,
			Message: "this connection is no longer in a room"}
	}
	if until, ok := h.sanc.muted(r.id, c.user.ID); ok {
		return &protocol.RequestError{Code: protocol.ErrMuted,
			Message: "you are muted in this room until " +
				until.UTC().Format(time.TimeOnly) + " UTC"}
	}
	if wait, ok := h.limits.allow(c.user.ID, h.cfg.RatePerSecond, h.cfg.RateBurst); !ok {
		return &protocol.RequestError{Code: protocol.ErrRateLimited,
			Message: "you are sending comments too fast; slow down", Retry: wait}
	}
	if !r.broadcastFrom(c, cm) {
		return &protocol.RequestError{Code: protocol.ErrNotInRoom,
			Message: "this connection is no longer in a room"}
	}
	return nil
}
