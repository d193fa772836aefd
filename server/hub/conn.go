package hub

import (
	"sync"
	"sync/atomic"

	"barrage/protocol"
)

// Ending says how a connection's queue ended: the close code and reason the
// transport puts in its close frame, and whether a force_disconnect event was
// queued first (in which case the transport waits a grace period for the
// client to close before closing itself).
type Ending struct {
	Code   int
	Reason string
	// Forced is true when the queue's last control frame is force_disconnect.
	Forced bool
}

// Batch is what the transport takes from a connection's queue in one go, in
// the order it must be written: Control frames, then a skipped event if
// Skipped > 0, then Data frames, then Final. End is set once the queue has
// ended: the transport then closes the connection. A Batch is reused between
// calls to [Conn.Take].
type Batch struct {
	Control [][]byte
	Skipped int
	Data    [][]byte
	// Final is the force_disconnect event, the last frame of a connection
	// removed from its room.
	Final []byte
	End   *Ending
}

// Conn is one WebSocket connection of a user as the hub sees it: identity,
// room and outgoing queue. It is created by [Hub.Join].
//
// Concurrency: the hub and any number of broadcasters enqueue into a Conn at
// once; exactly one transport goroutine (the connection's writer) calls
// [Conn.Wake] and [Conn.Take]. Frames handed to the queue are shared between
// connections and must not be modified.
type Conn struct {
	id   string
	user protocol.User
	room atomic.Pointer[Room] // nil once the connection has left its room
	idx  int                  // position in room.conns; guarded by room.mu
	out  outbox
}

// ID returns the connection's process-unique id.
func (c *Conn) ID() string { return c.id }

// User returns the connection's user.
func (c *Conn) User() protocol.User { return c.user }

// Room returns the id of the room the connection is in, or "" once it has
// been removed.
func (c *Conn) Room() string {
	if r := c.room.Load(); r != nil {
		return r.id
	}
	return ""
}

// Wake returns a channel that receives a value whenever the queue has
// something new. Only the connection's writer may receive from it.
func (c *Conn) Wake() <-chan struct{} { return c.out.wake }

// Take moves everything queued into b, replacing its contents.
func (c *Conn) Take(b *Batch) { c.out.take(b) }

// Close ends the connection's queue without a force_disconnect event (for a
// server shutdown, a frame over the size limit, a socket that failed). It
// does not remove the connection from its room: the transport calls
// [Hub.Leave] when the socket is gone. Only the first ending counts.
func (c *Conn) Close(code int, reason string) {
	c.out.end(Ending{Code: code, Reason: reason}, nil)
}

// outbox is a connection's bounded outgoing queue with two lanes: control
// frames, never dropped and kept in order, and data frames (comments), of
// which only the newest dataCap are kept. The latest presence frame is kept
// apart, since only the newest one matters.
type outbox struct {
	mu         sync.Mutex
	control    [][]byte
	presence   []byte
	data       ring
	skipped    int
	final      []byte
	ending     *Ending
	controlCap int
	wake       chan struct{}
	dropped    *atomic.Uint64 // the hub's count of skipped comments
}

func (o *outbox) init(controlCap, dataCap int, dropped *atomic.Uint64) {
	o.controlCap = controlCap
	o.dropped = dropped
	o.data.buf = make([][]byte, dataCap)
	o.wake = make(chan struct{}, 1)
}

// notify wakes the writer; a wake-up already pending is enough.
func (o *outbox) notify() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

func (o *outbox) pushControl(frame []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ending != nil {
		return
	}
	if len(o.control) >= o.controlCap {
		// The client has stopped reading even the events it must not miss.
		// Dropping one would break the contract; closing with a retryable
		// code lets it come back with a fresh welcome.
		o.endLocked(Ending{
			Code:   protocol.CloseSlowClient,
			Reason: "too slow: control events piled up",
		}, nil)
		return
	}
	o.control = append(o.control, frame)
	o.notify()
}

func (o *outbox) pushData(frame []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ending != nil {
		return
	}
	if o.data.push(frame) {
		o.skipped++
		o.dropped.Add(1)
	}
	o.notify()
}

func (o *outbox) setPresence(frame []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ending != nil {
		return
	}
	o.presence = frame
	o.notify()
}

// end ends the queue; final, if not nil, is queued as the last control frame
// (force_disconnect). It reports whether this call ended the queue.
func (o *outbox) end(e Ending, final []byte) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.endLocked(e, final)
}

// A removed connection still gets what was queued before its removal (it
// was broadcast while the connection was a member), then the final frame.
// A connection closed without notice gets nothing more: it is going away,
// or it has stopped reading.
func (o *outbox) endLocked(e Ending, final []byte) bool {
	if o.ending != nil {
		return false
	}
	o.presence = nil
	if final == nil {
		clear(o.control)
		o.control = o.control[:0]
		o.data.clear()
		o.skipped = 0
	} else {
		e.Forced = true
		o.final = final
	}
	o.ending = &e
	o.notify()
	return true
}

func (o *outbox) take(b *Batch) {
	clear(b.Control)
	clear(b.Data)
	b.Control, b.Data = b.Control[:0], b.Data[:0]

	o.mu.Lock()
	defer o.mu.Unlock()
	b.Control = append(b.Control, o.control...)
	clear(o.control)
	o.control = o.control[:0]
	if o.presence != nil {
		b.Control = append(b.Control, o.presence)
		o.presence = nil
	}
	b.Skipped, o.skipped = o.skipped, 0
	b.Data = o.data.drain(b.Data)
	b.Final, o.final = o.final, nil
	b.End = o.ending
}

// ring is a fixed-size queue that overwrites its oldest entry when full.
type ring struct {
	buf  [][]byte
	head int
	n    int
}

// push appends frame and reports whether the oldest entry was dropped.
func (r *ring) push(frame []byte) (dropped bool) {
	tail := (r.head + r.n) % len(r.buf)
	r.buf[tail] = frame
	if r.n == len(r.buf) {
		r.head = (r.head + 1) % len(r.buf)
		return true
	}
	r.n++
	return false
}

func (r *ring) drain(dst [][]byte) [][]byte {
	for i := 0; i < r.n; i++ {
		j := (r.head + i) % len(r.buf)
		dst = append(dst, r.buf[j])
		r.buf[j] = nil
	}
	r.head, r.n = 0, 0
	return dst
}

func (r *ring) clear() {
	clear(r.buf)
	r.head, r.n = 0, 0
}

// Refuse queues an error event for this connection alone: a request it made
// was refused, and the connection stays.
func (c *Conn) Refuse(e *protocol.RequestError) {
	c.out.pushControl(mustEncode(e.Event()))
}
