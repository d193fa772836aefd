package wasmclient

import (
	"math"
	"slices"
	"time"

	"barrage/protocol"
)

// Kind says how a bullet moves on the stage. Its value is the bullet's CSS
// class.
type Kind string

// Bullet kinds.
const (
	KindScroll  Kind = "scroll"  // right to left (modes 1–3)
	KindReverse Kind = "reverse" // left to right (mode 6)
	KindTop     Kind = "top"     // fixed near the top, then fades (mode 5)
	KindBottom  Kind = "bottom"  // fixed near the bottom, then fades (mode 4)
)

// Defaults for [Overlay].
const (
	DefaultScrollTime = 8 * time.Second
	DefaultFixedTime  = 4 * time.Second
	DefaultMaxBullets = 80
)

// Stage geometry.
const (
	lineHeight = 1.25  // a bullet's height per pixel of font size
	wideEm     = 1.0   // width of a CJK or emoji character, in font sizes
	narrowEm   = 0.6   // width of any other character, in font sizes
	fullWidth  = 900.0 // stage width at which fonts get their nominal size
	minScale   = 0.6   // the smallest font scale, for phones
)

// Stage is what a placement needs to know about the stage.
type Stage struct {
	Width, Height float64 // CSS pixels
	// ReducedMotion turns scrolling bullets into fixed ones that fade, for
	// people who asked their system for less motion.
	ReducedMotion bool
}

// Bullet is a placed comment: what the page needs to draw it.
type Bullet struct {
	Kind     Kind
	Top      float64 // CSS pixels from the stage's top edge
	FontPx   float64
	Color    string // CSS colour, #rrggbb
	Duration time.Duration
	// Distance is how far a scrolling bullet travels before its tail leaves
	// the far edge: the stage's width (the CSS adds the bullet's own width).
	Distance float64
}

// Overlay picks lanes for bullets so that they do not overlap, and caps how
// many are on the stage. Set its fields before the first Place; zero values
// mean the defaults. It is not safe for concurrent use.
//
// Its limits: widths are estimated from the text, not measured, so a
// bullet in an unusual font may come closer to its neighbour than planned;
// a scrolling bullet avoids rows that hold a top or bottom bullet, but a
// top or bottom bullet placed later may sit over scrolling ones already
// under way, as on the sites that made danmaku popular.
type Overlay struct {
	ScrollTime time.Duration // time to cross the stage
	FixedTime  time.Duration // time a top or bottom bullet stays
	MaxBullets int           // bullets on the stage at once

	scroll      []scrollLane
	top, bottom []time.Time // when each fixed lane frees up
	ends        []time.Time // when each bullet on the stage leaves it
}

// scrollLane remembers the last bullet sent along it.
type scrollLane struct {
	kind      Kind
	tailClear time.Time // its tail (plus a gap) has left the entry edge
	exit      time.Time // it has left the stage entirely
	speed     float64   // pixels per second
}

// Place finds room for d on the stage at now. It reports false, and the
// comment is not drawn, when the stage already holds the most bullets, when
// no lane is free, or when d's mode is not drawn (mode 7 is positioned
// art whose text is code, not words).
func (o *Overlay) Place(now time.Time, st Stage, d protocol.Danmaku) (Bullet, bool) {
	kind, ok := kindOf(d.Mode)
	if !ok || st.Width <= 0 || st.Height <= 0 || !o.hasRoom(now) {
		return Bullet{}, false
	}
	if st.ReducedMotion && (kind == KindScroll || kind == KindReverse) {
		kind = KindTop
	}
	scale := min(max(st.Width/fullWidth, minScale), 1)
	b := Bullet{Kind: kind, FontPx: fontSize(d.Size) * scale, Color: ColorHex(d.Color)}
	laneH := protocol.SizeNormal * scale * lineHeight
	o.fitLanes(int(st.Height / laneH))
	span := max(int(math.Ceil(b.FontPx*lineHeight/laneH-0.01)), 1)
	var lane int
	if kind == KindTop || kind == KindBottom {
		lane, ok = o.placeFixed(now, &b, span)
	} else {
		lane, ok = o.placeScroll(now, st.Width, textWidth(d.Text, b.FontPx), &b, span)
	}
	if !ok {
		return Bullet{}, false
	}
	b.Top = float64(lane) * laneH
	if kind == KindBottom {
		b.Top = st.Height - float64(lane+span)*laneH
	}
	o.ends = append(o.ends, now.Add(b.Duration))
	return b, true
}

func kindOf(mode int) (Kind, bool) {
	switch mode {
	case 1, 2, 3:
		return KindScroll, true
	case protocol.ModeBottom:
		return KindBottom, true
	case protocol.ModeTop:
		return KindTop, true
	case protocol.ModeReverse:
		return KindReverse, true
	}
	return "", false
}

func fontSize(size int) float64 {
	switch size {
	case protocol.SizeSmall, protocol.SizeLarge:
		return float64(size)
	}
	return protocol.SizeNormal
}

// hasRoom forgets bullets that have left and reports whether one more fits
// under the cap.
func (o *Overlay) hasRoom(now time.Time) bool {
	o.ends = slices.DeleteFunc(o.ends, func(end time.Time) bool { return !end.After(now) })
	limit := o.MaxBullets
	if limit <= 0 {
		limit = DefaultMaxBullets
	}
	return len(o.ends) < limit
}

// fitLanes sizes the lanes to the stage. A resize forgets who is where,
// which at worst lets a few bullets overlap once.
func (o *Overlay) fitLanes(n int) {
	if n == len(o.scroll) {
		return
	}
	o.scroll = make([]scrollLane, n)
	o.top = make([]time.Time, n)
	o.bottom = make([]time.Time, n)
}
