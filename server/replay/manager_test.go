package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// roomSink is a Manager sink that records comment ids by room, notices two
// calls overlapping in one room, and can be told to hold comments until
// their replay is cancelled or to fail.
type roomSink struct {
	mu      sync.Mutex
	got     map[string][]string
	active  map[string]int
	overlap bool
	hold    map[string]bool  // comment id -> wait for ctx.Done
	fail    map[string]error // comment id -> error to return
}

func newRoomSink() *roomSink {
	return &roomSink{
		got: map[string][]string{}, active: map[string]int{},
		hold: map[string]bool{}, fail: map[string]error{},
	}
}

func (s *roomSink) sink(ctx context.Context, room string, c Comment) error {
	s.mu.Lock()
	s.active[room]++
	s.overlap = s.overlap || s.active[room] > 1
	s.got[room] = append(s.got[room], c.ID)
	hold, err := s.hold[c.ID], s.fail[c.ID]
	s.mu.Unlock()

	if hold {
		<-ctx.Done()
		err = ctx.Err()
	}
	s.mu.Lock()
	s.active[room]--
	s.mu.Unlock()
	return err
}

func (s *roomSink) ids(room string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got[room])
}

// namedTrack is a track whose comment ids are name0, name1…
func namedTrack(name string, ats ...time.Duration) *Track {
	t := &Track{Name: name, Positioned: 2, Scripted: 1}
	for i, at := range ats {
		t.Comments = append(t.Comments, Comment{At: at, Mode: 1, ID: fmt.Sprint(name, i)})
	}
	return t
}

func TestManagerPlays(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newRoomSink()
		m := NewManager(s.sink, nil)
		defer m.Close()
		track := namedTrack("a", 0, time.Second, 2*time.Second)
		r, err := m.Start("room", track, 2)
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		st, ok := m.Status("room")
		want := Status{
			ID: 1, Room: "room", Track: "a", Done: 1, Total: 3, Skipped: 3,
			AtSeconds: 0, LengthSeconds: 2, Speed: 2, Running: true,
		}
		if !ok || st != want {
			t.Fatalf("Status = %+v, %v; want %+v", st, ok, want)
		}

		<-r.Done()
		want.Done, want.AtSeconds, want.Running = 3, 2, false
		if st, _ := m.Status("room"); st != want {
			t.Errorf("Status after the end = %+v, want %+v", st, want)
		}
		if r.Err() != nil || r.Status() != want {
			t.Errorf("Replay Err, Status = %v, %+v", r.Err(), r.Status())
		}
		if got := s.ids("room"); !slices.Equal(got, []string{"a0", "a1", "a2"}) {
			t.Errorf("room got %v", got)
		}
	})
}

// A replacing replay starts only after the old one's sink has returned.
func TestManagerReplace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newRoomSink()
		s.hold["old1"] = true
		var logs bytes.Buffer
		m := NewManager(s.sink, slog.New(slog.NewTextHandler(&logs, nil)))
		old, err := m.Start("room", namedTrack("old", 0, time.Second, 2*time.Second), 1)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(1500 * time.Millisecond) // old1 is now held in the sink
		synctest.Wait()

		replacement, err := m.Start("room", namedTrack("new", 0, time.Second), 1)
		if err != nil {
			t.Fatal(err)
		}
		<-replacement.Done()
		if !errors.Is(old.Err(), context.Canceled) {
			t.Errorf("old replay's Err = %v, want context.Canceled", old.Err())
		}
		want := []string{"old0", "old1", "new0", "new1"}
		if got := s.ids("room"); !slices.Equal(got, want) {
			t.Errorf("room got %v, want %v", got, want)
		}
		if s.overlap {
			t.Error("sink called twice at once for one room")
		}
		if st, _ := m.Status("room"); st.ID != 2 || st.Track != "new" || st.Running {
			t.Errorf("Status = %+v, want the finished replacement", st)
		}
		m.Close()
		for _, msg := range []string{"replay started", "replay stopped", "replay finished"} {
			if !strings.Contains(logs.String(), msg) {
				t.Errorf("log lacks %q:\n%s", msg, logs.String())
			}
		}
	})
}

func TestManagerStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newRoomSink()
		m := NewManager(s.sink, nil)
		defer m.Close()
		if _, err := m.Start("room", namedTrack("a", 0, time.Second, time.Hour), 1); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1500 * time.Millisecond)
		if !m.Stop("room") {
			t.Error("Stop = false for a running replay")
		}
		if _, ok := m.Status("room"); ok {
			t.Error("Status found a stopped replay")
		}
		time.Sleep(2 * time.Hour)
		if got := s.ids("room"); !slices.Equal(got, []string{"a0", "a1"}) {
			t.Errorf("room got %v after Stop", got)
		}
		if m.Stop("room") {
			t.Error("second Stop = true")
		}

		r, _ := m.Start("room", namedTrack("b", 0), 1)
		<-r.Done()
		if m.Stop("room") {
			t.Error("Stop = true for a finished replay")
		}
	})
}

func TestManagerSinkError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newRoomSink()
		boom := errors.New("room closed")
		s.fail["a1"] = boom
		m := NewManager(s.sink, nil)
		defer m.Close()
		r, err := m.Start("room", namedTrack("a", 0, time.Second, 2*time.Second), 1)
		if err != nil {
			t.Fatal(err)
		}
		<-r.Done()
		if !errors.Is(r.Err(), boom) {
			t.Errorf("Err = %v, want %v", r.Err(), boom)
		}
		st, _ := m.Status("room")
		if want := `play track "a": comment a1 at 1s: room closed`; st.Err != want || st.Running {
			t.Errorf("Status Err, Running = %q, %v; want %q, false", st.Err, st.Running, want)
		}
	})
}

func TestManagerClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newRoomSink()
		s.hold["b0"] = true // Close must also cancel a sink in progress
		m := NewManager(s.sink, nil)
		var replays []*Replay
		for _, room := range []string{"a", "b", "c"} {
			r, err := m.Start(room, namedTrack(room, 0, time.Hour), 1)
			if err != nil {
				t.Fatal(err)
			}
			replays = append(replays, r)
		}
		synctest.Wait()
		m.Close()
		for _, r := range replays {
			select {
			case <-r.Done():
			default:
				t.Errorf("replay in %s still running after Close", r.Status().Room)
			}
		}
		if _, err := m.Start("a", namedTrack("d", 0), 1); !errors.Is(err, ErrClosed) {
			t.Errorf("Start after Close = %v, want ErrClosed", err)
		}
		if st, ok := m.Status("b"); !ok || st.Running || st.Done != 0 {
			t.Errorf("Status after Close = %+v, %v", st, ok)
		}
	})
}

func TestManagerStartRejects(t *testing.T) {
	m := NewManager(newRoomSink().sink, nil)
	defer m.Close()
	if _, err := m.Start("room", namedTrack("a", 0), 0); !errors.Is(err, ErrSpeed) {
		t.Errorf("speed 0: Start = %v, want ErrSpeed", err)
	}
	if _, err := m.Start("room", nil, 1); err == nil {
		t.Error("nil track: Start = nil error")
	}
	if _, ok := m.Status("room"); ok {
		t.Error("a rejected Start left a replay")
	}
}

// Many goroutines start, inspect and stop replays at once, in real time,
// for the race detector; the package's TestMain then checks for leaks.
func TestManagerConcurrent(t *testing.T) {
	s := newRoomSink()
	m := NewManager(s.sink, nil)
	rooms := []string{"a", "b", "c"}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				room := rooms[rand.IntN(len(rooms))]
				switch i % 3 {
				case 0:
					track := namedTrack(fmt.Sprint(g), 0, time.Millisecond, 2*time.Millisecond)
					if _, err := m.Start(room, track, MaxSpeed); err != nil {
						t.Error(err)
					}
				case 1:
					m.Status(room)
				case 2:
					m.Stop(room)
				}
			}
		})
	}
	wg.Wait()
	m.Close()
	if s.overlap {
		t.Error("sink called twice at once for one room")
	}
}
