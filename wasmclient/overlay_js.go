package wasmclient

import (
	"strconv"
	"syscall/js"
	"time"

	"barrage/protocol"
)

// sweepGrace is how long past its end a bullet may stay before the sweep
// removes it: animationend does not fire when animations are off.
const sweepGrace = 2 * time.Second

// stage draws bullets over the room's stage. CSS moves them (keyframes fed
// by the --dx and --dur variables); Go only places each one and forgets it.
// Its methods run on the client's Run goroutine.
type stage struct {
	box, layer js.Value
	motion     js.Value // the prefers-reduced-motion media query, or null
	overlay    Overlay
	self       string // bullets of this user get an outline
	shown      []shownBullet
	// The stage's size, measured at most every measureEvery: reading it
	// for every comment would force a layout per comment.
	width, height float64
	measured      time.Time
}

const measureEvery = 500 * time.Millisecond

type shownBullet struct {
	el  js.Value
	end time.Time
}

func newStage(box, layer js.Value) *stage {
	s := &stage{box: box, layer: layer, motion: js.Null()}
	if mm := global.Get("matchMedia"); mm.Type() == js.TypeFunction {
		s.motion = global.Call("matchMedia", "(prefers-reduced-motion: reduce)")
	}
	// A finished bullet removes itself; the callback only detaches it.
	listen(layer, "animationend", func(ev js.Value) { ev.Get("target").Call("remove") })
	return s
}

func (s *stage) reducedMotion() bool {
	return !s.motion.IsNull() && s.motion.Get("matches").Truthy()
}

// draw places d and adds its element, or drops it when the stage is full
// or the page hidden: comments that nobody sees would all start at once
// when the tab comes back.
func (s *stage) draw(d protocol.Danmaku) {
	if pageHidden() {
		return
	}
	now := time.Now()
	s.sweep(now)
	if now.Sub(s.measured) > measureEvery {
		s.width, s.height = s.box.Get("clientWidth").Float(), s.box.Get("clientHeight").Float()
		s.measured = now
	}
	st := Stage{Width: s.width, Height: s.height, ReducedMotion: s.reducedMotion()}
	b, ok := s.overlay.Place(now, st, d)
	if !ok {
		return
	}
	el := newElement("div", "bullet "+string(b.Kind), d.Text)
	if d.User != "" && d.User == s.self {
		el.Get("classList").Call("add", "mine")
	}
	if Dark(d.Color) {
		el.Get("classList").Call("add", "dark")
	}
	style := el.Get("style")
	style.Call("setProperty", "--dur", strconv.FormatInt(b.Duration.Milliseconds(), 10)+"ms")
	style.Call("setProperty", "--dx", px(b.Distance))
	style.Call("setProperty", "top", px(b.Top))
	style.Call("setProperty", "font-size", px(b.FontPx))
	style.Call("setProperty", "color", b.Color)
	s.layer.Call("appendChild", el)
	s.shown = append(s.shown, shownBullet{el: el, end: now.Add(b.Duration)})
}

// sweep removes bullets well past their end whose animationend never came,
// and forgets the ones that are gone.
func (s *stage) sweep(now time.Time) {
	kept := s.shown[:0]
	for _, b := range s.shown {
		if now.Before(b.end.Add(sweepGrace)) {
			kept = append(kept, b)
			continue
		}
		b.el.Call("remove")
	}
	clear(s.shown[len(kept):])
	s.shown = kept
}

func px(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + "px" }
