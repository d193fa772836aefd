package hub

import (
	"context"
	"time"

	"barrage/protocol"
)

// Run does the hub's periodic work until ctx ends: throttled presence
// events, the membership check, dropping idle rooms and forgetting expired
// bans, mutes and rate limiters.
func (h *Hub) Run(ctx context.Context) {
	presence := time.NewTicker(h.cfg.PresenceInterval)
	defer presence.Stop()
	sweep := time.NewTicker(h.cfg.SweepInterval)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-presence.C:
			for _, r := range h.roomList() {
				r.flushPresence()
			}
		case now := <-sweep.C:
			h.Sweep(now)
		}
	}
}

// roomList snapshots the rooms, so that per-room work runs without h.mu.
func (h *Hub) roomList() []*Room {
	h.mu.Lock()
	defer h.mu.Unlock()
	rooms := make([]*Room, 0, len(h.rooms))
	for _, r := range h.rooms {
		rooms = append(rooms, r)
	}
	return rooms
}

// Sweep runs the periodic checks once; [Hub.Run] calls it every
// SweepInterval. It sends 4002 to every connection whose room no longer
// matches its user's room in the index — defence in depth for states that no
// event announced — and drops rooms idle for longer than RoomIdle.
func (h *Hub) Sweep(now time.Time) {
	h.sanc.prune(now)
	h.limits.prune(now.Add(-time.Minute - time.Duration(float64(h.cfg.RateBurst)/
		h.cfg.RatePerSecond*float64(time.Second))))

	h.mu.Lock()
	defer h.mu.Unlock()
	cutoff := now.Add(-h.cfg.RoomIdle)
	for id, r := range h.rooms {
		h.checkMembershipLocked(r)
		if r.idleSince(cutoff) {
			delete(h.rooms, id)
			h.log.Info("room dropped", "room", id, "idle", h.cfg.RoomIdle)
		}
	}
}

// checkMembershipLocked evicts with 4002 the connections in r whose user the
// index places elsewhere. The caller holds h.mu.
func (h *Hub) checkMembershipLocked(r *Room) {
	r.mu.Lock()
	var stale []*Conn
	for _, c := range r.conns {
		if e := h.users[c.user.ID]; e == nil || e.room != r {
			stale = append(stale, c)
		}
	}
	const reason = "Your membership in this room is no longer valid."
	for _, c := range stale {
		r.evictLocked(c, protocol.CloseMembership, reason)
	}
	r.mu.Unlock()

	h.count.evictions[protocol.CloseMembership] += uint64(len(stale))
	for _, c := range stale {
		h.forgetConnLocked(c)
	}
	for _, c := range stale {
		h.log.Warn("membership check failed", "conn", c.id, "user", c.user.ID,
			"room", r.id, "code", protocol.CloseMembership)
	}
}

// Shutdown ends every connection's queue with 1001 (going away: clients
// reconnect with backoff) and refuses new joins. The transport closes the
// sockets; wait for it before exiting.
func (h *Hub) Shutdown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closing.Store(true)
	n := 0
	for _, r := range h.rooms {
		r.mu.Lock()
		for _, c := range r.conns {
			c.Close(protocol.CloseGoingAway, "server shutting down")
			n++
		}
		r.mu.Unlock()
	}
	h.log.Info("hub shutting down", "connections", n)
}
