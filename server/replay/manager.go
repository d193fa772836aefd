package replay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed reports a Start on a Manager that has been closed.
var ErrClosed = errors.New("replay manager closed")

// Status is a replay's state as the HTTP API shows it.
type Status struct {
	// ID tells replays of the same room apart: each Start takes a new one.
	ID    uint64 `json:"id"`
	Room  string `json:"room"`
	Track string `json:"track"`
	// Done counts comments played so far, out of Total playable ones.
	Done  int `json:"done"`
	Total int `json:"total"`
	// Skipped counts the track's positioned and scripted comments, which a
	// replay does not play.
	Skipped int `json:"skipped"`
	// AtSeconds is the track time reached, out of LengthSeconds.
	AtSeconds     float64 `json:"at_seconds"`
	LengthSeconds float64 `json:"length_seconds"`
	Speed         float64 `json:"speed"`
	// Running is false once the replay has finished, failed or been stopped.
	Running bool `json:"running"`
	// Err is why the replay failed; empty when it finished or was stopped.
	Err string `json:"err,omitempty"`
}

// Replay is one playback of a track into a room, started by [Manager.Start].
//
// Its methods are safe for concurrent use: progress lives in atomics that the
// playing goroutine writes, and the outcome is written once, before the done
// channel closes, and read only after.
type Replay struct {
	id      uint64
	room    string
	track   string
	speed   float64
	total   int
	skipped int
	length  time.Duration

	done atomic.Int64
	at   atomic.Int64 // track time reached, in nanoseconds

	cancel   context.CancelFunc
	finished chan struct{}
	err      error // written before finished is closed
}

// Status returns the replay's current state.
func (r *Replay) Status() Status {
	s := Status{
		ID: r.id, Room: r.room, Track: r.track,
		Done: int(r.done.Load()), Total: r.total, Skipped: r.skipped,
		AtSeconds:     time.Duration(r.at.Load()).Seconds(),
		LengthSeconds: r.length.Seconds(),
		Speed:         r.speed,
		Running:       true,
	}
	select {
	case <-r.finished:
		s.Running = false
		if r.err != nil && !errors.Is(r.err, context.Canceled) {
			s.Err = r.err.Error()
		}
	default:
	}
	return s
}

// Done is closed when the replay has ended, however it ended.
func (r *Replay) Done() <-chan struct{} { return r.finished }

// Err is why the replay ended: nil when it played to the end or is still
// running, context.Canceled when it was stopped or replaced, otherwise the
// sink's error.
func (r *Replay) Err() error {
	select {
	case <-r.finished:
		return r.err
	default:
		return nil
	}
}

// Stop cancels the replay and waits until its sink will not be called again.
func (r *Replay) Stop() {
	r.cancel()
	<-r.finished
}

func (r *Replay) record(p Progress) {
	r.at.Store(int64(p.At))
	r.done.Store(int64(p.Done))
}

// Manager runs at most one replay per room, each in its own goroutine, and
// delivers their comments through one sink.
//
// Its methods are safe for concurrent use. A mutex guards the room map, and
// no method waits for a replay while holding it. The sink is called from the
// replay goroutines, for different rooms concurrently but never twice at once
// for one room: a replacing replay starts only after the one it replaces has
// returned from the sink.
type Manager struct {
	sink func(ctx context.Context, room string, c Comment) error
	log  *slog.Logger
	wg   sync.WaitGroup // one per replay goroutine

	mu      sync.Mutex
	replays map[string]*Replay // by room; finished ones stay until replaced or stopped
	lastID  uint64
	closed  bool
}

// NewManager returns a Manager that plays comments into rooms through sink.
// The sink must return soon after its ctx is done. A nil log discards.
func NewManager(
	sink func(ctx context.Context, room string, c Comment) error,
	log *slog.Logger,
) *Manager {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Manager{sink: sink, log: log, replays: make(map[string]*Replay)}
}

// Start plays t into room at speed, replacing the room's previous replay:
// that one is stopped, and the new one plays its first comment only once the
// old one's sink has returned. Start itself does not wait. It fails on a nil
// track, a speed outside [MinSpeed, MaxSpeed] ([ErrSpeed]) or after Close
// ([ErrClosed]).
func (m *Manager) Start(room string, t *Track, speed float64) (*Replay, error) {
	if err := checkPlay(t, speed); err != nil {
		return nil, fmt.Errorf("start replay in room %q: %w", room, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Replay{
		room: room, track: t.Name, speed: speed, total: len(t.Comments),
		skipped: t.Positioned + t.Scripted, length: t.Length(),
		cancel: cancel, finished: make(chan struct{}),
	}

	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		cancel()
		return nil, fmt.Errorf("start replay in room %q: %w", room, ErrClosed)
	}
	m.lastID++
	r.id = m.lastID
	prev := m.replays[room]
	m.replays[room] = r
	// Added under the lock so that Close, which waits after setting closed,
	// never races with a new goroutine.
	m.wg.Go(func() { m.run(ctx, r, prev, t) })
	m.mu.Unlock()

	if prev != nil {
		prev.cancel()
	}
	return r, nil
}

// run is a replay's goroutine.
func (m *Manager) run(ctx context.Context, r, prev *Replay, t *Track) {
	defer close(r.finished)
	defer r.cancel() // release the context's resources however the replay ended
	if prev != nil {
		<-prev.finished
	}
	log := m.log.With("room", r.room, "track", r.track, "replay", r.id)
	log.Info("replay started", "speed", r.speed, "comments", r.total, "skipped", r.skipped)
	began := time.Now()
	sink := func(ctx context.Context, c Comment) error { return m.sink(ctx, r.room, c) }
	r.err = Play(ctx, t, r.speed, sink, r.record)

	attrs := []any{"done", r.done.Load(), "total", r.total, "duration", time.Since(began)}
	switch {
	case r.err == nil:
		log.Info("replay finished", attrs...)
	case errors.Is(r.err, context.Canceled):
		log.Info("replay stopped", attrs...)
	default:
		log.Warn("replay failed", append(attrs, "err", r.err)...)
	}
}

// Status returns the state of room's replay, running or ended, and false if
// the room has none.
func (m *Manager) Status(room string) (Status, bool) {
	m.mu.Lock()
	r := m.replays[room]
	m.mu.Unlock()
	if r == nil {
		return Status{}, false
	}
	return r.Status(), true
}

// Stop stops room's replay, forgets it, and waits until its sink will not
// be called again. It reports whether a replay was running.
func (m *Manager) Stop(room string) bool {
	m.mu.Lock()
	r := m.replays[room]
	delete(m.replays, room)
	m.mu.Unlock()
	if r == nil {
		return false
	}
	running := r.Status().Running
	r.Stop()
	return running
}

// Close stops every replay and waits for their goroutines to return. Start
// fails afterwards; Status still answers.
func (m *Manager) Close() {
	m.mu.Lock()
	m.closed = true
	replays := make([]*Replay, 0, len(m.replays))
	for _, r := range m.replays {
		replays = append(replays, r)
	}
	m.mu.Unlock()

	for _, r := range replays {
		r.cancel()
	}
	m.wg.Wait()
}
