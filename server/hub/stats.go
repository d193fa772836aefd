package hub

import "sync/atomic"

// Stats is a snapshot of the hub's gauges and running totals, for metrics.
type Stats struct {
	Rooms, Users, Connections int
	// Comments counts comments from viewers, ReplayComments those played
	// from recorded tracks.
	Comments, ReplayComments uint64
	// Skipped counts comments dropped for viewers who fell behind.
	Skipped uint64
	// Evictions counts connections removed from rooms, by close code.
	Evictions map[int]uint64
}

// counters are the hub's running totals. The atomics are bumped on hot
// paths without a lock; evictions happen under Hub.mu and are counted there.
type counters struct {
	comments, replayComments, skipped atomic.Uint64
	evictions                         map[int]uint64 // guarded by Hub.mu
}

// Stats returns the current figures.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	s := Stats{Rooms: len(h.rooms), Users: len(h.users),
		Evictions: make(map[int]uint64, len(h.count.evictions))}
	for code, n := range h.count.evictions {
		s.Evictions[code] = n
	}
	for _, e := range h.users {
		s.Connections += e.conns
	}
	h.mu.Unlock()
	s.Comments = h.count.comments.Load()
	s.ReplayComments = h.count.replayComments.Load()
	s.Skipped = h.count.skipped.Load()
	return s
}
