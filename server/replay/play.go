package replay

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Speed limits of a replay. The bounds keep every scaled comment time well
// inside a time.Duration and a replay watchable: at MaxSpeed the hour-long
// track plays in under four seconds.
const (
	MinSpeed float64 = 0.01
	MaxSpeed float64 = 1000
)

// ErrSpeed reports a speed outside [MinSpeed, MaxSpeed].
var ErrSpeed = errors.New("speed out of range")

// Sink receives the comments of a playing track, one call at a time, each at
// its time. It must return soon after ctx is done: stopping a replay waits
// for it.
type Sink func(ctx context.Context, c Comment) error

// Progress is how far a playback has come, reported after each delivery.
type Progress struct {
	// Done counts the comments delivered, out of Total.
	Done, Total int
	// At is the track time reached, out of Length (the track's Length).
	At, Length time.Duration
}

// Play delivers t's comments to sink, each at its own time divided by
// speed, counted from the call. Comments due at the same moment are
// delivered together without waiting, as are comments already late because
// the sink was slow. After each batch Play calls progress, when not nil.
//
// Play returns nil once every comment is delivered, ctx.Err() when ctx is
// done first, and the sink's error, wrapped, when the sink fails.
func Play(ctx context.Context, t *Track, speed float64, sink Sink, progress func(Progress)) error {
	if err := checkPlay(t, speed); err != nil {
		return fmt.Errorf("play: %w", err)
	}
	if sink == nil {
		return errors.New("play: no sink")
	}
	p := &player{track: t, speed: speed, sink: sink, start: time.Now()}
	defer p.stopTimer()
	for next := 0; next < len(t.Comments); {
		if err := p.wait(ctx, t.Comments[next].At); err != nil {
			return err
		}
		done, err := p.deliver(ctx, next)
		if err != nil {
			return err
		}
		next = done
		if progress != nil {
			progress(Progress{
				Done: done, Total: len(t.Comments),
				At: t.Comments[done-1].At, Length: t.Length(),
			})
		}
	}
	return nil
}

// checkPlay validates the arguments shared by Play and Manager.Start.
func checkPlay(t *Track, speed float64) error {
	if t == nil {
		return errors.New("no track")
	}
	return checkSpeed(speed)
}

// checkSpeed reports a speed outside [MinSpeed, MaxSpeed], NaN included.
func checkSpeed(speed float64) error {
	if speed >= MinSpeed && speed <= MaxSpeed {
		return nil
	}
	return fmt.Errorf("%w: %g is not within [%g, %g]", ErrSpeed, speed, MinSpeed, MaxSpeed)
}

// player is the state of one Play call. It owns a single timer, reset for
// each wait, rather than a goroutine or timer per comment.
type player struct {
	track *Track
	speed float64
	sink  Sink
	start time.Time
	timer *time.Timer
}

// due is when a comment at track time at is delivered, since p.start.
func (p *player) due(at time.Duration) time.Duration {
	return time.Duration(float64(at) / p.speed)
}

// wait blocks until the comment at track time at is due, or ctx is done.
func (p *player) wait(ctx context.Context, at time.Duration) error {
	d := p.due(at) - time.Since(p.start)
	if d <= 0 {
		return ctx.Err()
	}
	if p.timer == nil {
		p.timer = time.NewTimer(d)
	} else {
		// Since Go 1.23 Reset also discards a value left unread when ctx
		// won an earlier race; the module's go version enables that.
		p.timer.Reset(d)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-p.timer.C:
		return nil
	}
}

// deliver sends the comment at index next and every later one already due,
// and returns the index after the last one sent.
func (p *player) deliver(ctx context.Context, next int) (int, error) {
	comments := p.track.Comments
	elapsed := time.Since(p.start)
	i := next
	for ; i < len(comments) && (i == next || p.due(comments[i].At) <= elapsed); i++ {
		if err := ctx.Err(); err != nil {
			return i, err
		}
		c := comments[i]
		if err := p.sink(ctx, c); err != nil {
			if ctx.Err() != nil {
				// The sink failed because the playback was cancelled.
				return i, ctx.Err()
			}
			return i, fmt.Errorf("play track %q: comment %s at %v: %w",
				p.track.Name, c.ID, c.At, err)
		}
	}
	return i, nil
}

func (p *player) stopTimer() {
	if p.timer != nil {
		p.timer.Stop()
	}
}
