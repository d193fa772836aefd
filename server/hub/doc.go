// Package hub keeps every live room of a Barrage server: which connections
// are in which room, who is muted or banned, and the fan-out of comments and
// notices to a room's members. It has no HTTP and no sockets in it; the
// transport drains each [Conn]'s outgoing queue and writes it to the wire.
//
// # Model
//
// One [Hub] per process, built by main and passed to whoever needs it. It
// holds rooms (created on first join, dropped after an idle period), and an
// index from user to room: a user is in at most one room, with any number of
// connections there. Joining another room evicts the user's connections in
// the old one with a force_disconnect (4001).
//
// # Locking
//
// The hub uses locks, not an actor goroutine, and never mixes the two on one
// piece of state. The order is fixed:
//
//	Hub.mu → Room.mu → Conn's queue lock
//
// Hub.mu guards the room table and the user index and is taken for
// membership changes only (join, leave, kick, close, sweeps). Room.mu guards
// a room's member list, its sequence counter and its recent comments;
// broadcasts take only this lock, so rooms do not contend with each other.
// A Conn's queue lock guards its outgoing queue. The moderation records
// (bans and mutes) have a lock of their own that is never held while taking
// another.
//
// No lock is held during socket I/O or any wait: enqueueing never blocks.
// A connection too slow for the room loses its oldest comments (it is told
// how many with a skipped event); its control events (welcome, errors,
// notices, force_disconnect) are never dropped, and if they pile up beyond
// the queue's bound the connection is closed with a retryable code.
//
// # Removal
//
// Removing a connection from a room (eviction, kick, room close, failed
// membership check) happens under Room.mu in one step with ending its queue:
// after that point no broadcast in the room reaches the connection, and its
// queue ends, after what was broadcast before that point, with the
// force_disconnect event. The transport then closes the socket after a grace
// period.
package hub
