package replay

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

// arrival is a comment as a sink saw it, with the fake time since Play began.
type arrival struct {
	id    string
	after time.Duration
}

// recorder is a Sink that notes when each comment arrives.
type recorder struct {
	start time.Time
	got   []arrival
}

func (r *recorder) sink(_ context.Context, c Comment) error {
	r.got = append(r.got, arrival{c.ID, time.Since(r.start)})
	return nil
}

func newTrack(ats ...time.Duration) *Track {
	t := &Track{Name: "test"}
	for i, at := range ats {
		t.Comments = append(t.Comments, Comment{At: at, Mode: 1, ID: string(rune('a' + i))})
	}
	return t
}

func TestPlayTiming(t *testing.T) {
	ms := time.Millisecond
	track := newTrack(0, 2000*ms, 2000*ms, 5000*ms, 9000*ms)
	tests := []struct {
		speed float64
		want  []time.Duration
	}{
		{1, []time.Duration{0, 2000 * ms, 2000 * ms, 5000 * ms, 9000 * ms}},
		{2, []time.Duration{0, 1000 * ms, 1000 * ms, 2500 * ms, 4500 * ms}},
		{0.5, []time.Duration{0, 4000 * ms, 4000 * ms, 10000 * ms, 18000 * ms}},
	}
	for _, tt := range tests {
		t.Run(formatSpeed(tt.speed)+"x", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := &recorder{start: time.Now()}
				var batches []int
				progress := func(p Progress) { batches = append(batches, p.Done) }
				if err := Play(t.Context(), track, tt.speed, r.sink, progress); err != nil {
					t.Fatal(err)
				}
				checkArrivals(t, r.got, tt.want)
				// b and c share a time, so they come in one batch.
				if want := []int{1, 3, 4, 5}; !slices.Equal(batches, want) {
					t.Errorf("progress after %v comments, want %v", batches, want)
				}
			})
		})
	}
}

func checkArrivals(t *testing.T, got []arrival, want []time.Duration) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d comments arrived, want %d", len(got), len(want))
	}
	for i, a := range got {
		if a.after != want[i] {
			t.Errorf("comment %s arrived after %v, want %v", a.id, a.after, want[i])
		}
	}
}

// A real track plays in fake time: every comment at its time over speed.
func TestPlayRealTrack(t *testing.T) {
	track, err := OpenTrack("1600157973")
	if err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		const speed = 4
		r := &recorder{start: time.Now()}
		var last Progress
		err := Play(t.Context(), track, speed, r.sink, func(p Progress) { last = p })
		if err != nil {
			t.Fatal(err)
		}
		want := make([]time.Duration, len(track.Comments))
		for i, c := range track.Comments {
			want[i] = time.Duration(float64(c.At) / speed)
		}
		checkArrivals(t, r.got, want)
		wantLast := Progress{Done: 600, Total: 600, At: track.Length(), Length: track.Length()}
		if last != wantLast {
			t.Errorf("last progress %+v, want %+v", last, wantLast)
		}
		if elapsed := time.Since(r.start); elapsed != track.Length()/speed {
			t.Errorf("played in %v, want %v", elapsed, track.Length()/speed)
		}
	})
}

func TestPlayCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		track := newTrack(0, time.Second, 2*time.Second, 3*time.Second)
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(1500*time.Millisecond, cancel)
		r := &recorder{start: time.Now()}
		err := Play(ctx, track, 1, r.sink, nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Play = %v, want context.Canceled", err)
		}
		checkArrivals(t, r.got, []time.Duration{0, time.Second})
		if elapsed := time.Since(r.start); elapsed != 1500*time.Millisecond {
			t.Errorf("Play returned after %v, want 1.5s", elapsed)
		}
	})
}

// A sink that fails because the playback was cancelled yields ctx's error,
// not the sink's.
func TestPlayCancelInSink(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		sink := func(ctx context.Context, c Comment) error {
			cancel()
			return errors.New("room gone: " + context.Cause(ctx).Error())
		}
		err := Play(ctx, newTrack(0, 0), 1, sink, nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Play = %v, want context.Canceled", err)
		}
	})
}

func TestPlaySinkError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("boom")
		calls := 0
		sink := func(_ context.Context, c Comment) error {
			calls++
			if c.ID == "b" {
				return boom
			}
			return nil
		}
		err := Play(t.Context(), newTrack(0, time.Second, 2*time.Second), 1, sink, nil)
		if !errors.Is(err, boom) {
			t.Fatalf("Play = %v, want boom", err)
		}
		want := `play track "test": comment b at 1s: boom`
		if err.Error() != want {
			t.Errorf("error %q, want %q", err, want)
		}
		if calls != 2 {
			t.Errorf("sink called %d times, want 2", calls)
		}
	})
}

// A slow sink delays later comments; those already due then come at once.
func TestPlaySlowSink(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var got []arrival
		sink := func(_ context.Context, c Comment) error {
			got = append(got, arrival{c.ID, time.Since(start)})
			if c.ID == "a" {
				time.Sleep(2500 * time.Millisecond)
			}
			return nil
		}
		var batches []int
		progress := func(p Progress) { batches = append(batches, p.Done) }
		track := newTrack(0, time.Second, 2*time.Second, 3*time.Second)
		if err := Play(t.Context(), track, 1, sink, progress); err != nil {
			t.Fatal(err)
		}
		ms := time.Millisecond
		want := []time.Duration{0, 2500 * ms, 2500 * ms, 3000 * ms}
		checkArrivals(t, got, want)
		if want := []int{1, 3, 4}; !slices.Equal(batches, want) {
			t.Errorf("progress after %v comments, want %v", batches, want)
		}
	})
}

func TestPlayEmpty(t *testing.T) {
	called := false
	err := Play(t.Context(), &Track{Name: "empty"}, 1, func(context.Context, Comment) error {
		called = true
		return nil
	}, nil)
	if err != nil || called {
		t.Fatalf("Play = %v, sink called %v; want nil, false", err, called)
	}
}

func TestPlayRejects(t *testing.T) {
	sink := func(context.Context, Comment) error { return nil }
	for _, speed := range []float64{0, -1, 0.001, 1001, math.NaN(), math.Inf(1)} {
		err := Play(t.Context(), newTrack(0), speed, sink, nil)
		if !errors.Is(err, ErrSpeed) {
			t.Errorf("speed %v: Play = %v, want ErrSpeed", speed, err)
		}
	}
	if err := Play(t.Context(), nil, 1, sink, nil); err == nil {
		t.Error("nil track: Play = nil, want an error")
	}
	if err := Play(t.Context(), newTrack(0), 1, nil, nil); err == nil {
		t.Error("nil sink: Play = nil, want an error")
	}
}
