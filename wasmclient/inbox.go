package wasmclient

import "sync"

// inbox is an unbounded queue with one reader. post never blocks and never
// drops, so a JavaScript callback can hand over work, a close event included,
// and return at once. (Under js/wasm there is one thread, and the lock is
// never held across a point where the scheduler could run a callback, so a
// callback never waits on it.)
type inbox struct {
	mu    sync.Mutex
	items []any
	ready chan struct{} // holds a token while items is not empty
}

func newInbox() *inbox {
	return &inbox{ready: make(chan struct{}, 1)}
}

func (q *inbox) post(v any) {
	q.mu.Lock()
	q.items = append(q.items, v)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default: // a token is already waiting
	}
}

// take returns everything queued, oldest first.
func (q *inbox) take() []any {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	return items
}
