package wasmclient

import "time"

// placeFixed finds span free fixed lanes, counted from the top for top
// bullets and from the bottom for bottom ones.
func (o *Overlay) placeFixed(now time.Time, b *Bullet, span int) (int, bool) {
	lanes := o.top
	if b.Kind == KindBottom {
		lanes = o.bottom
	}
	b.Duration = o.FixedTime
	if b.Duration <= 0 {
		b.Duration = DefaultFixedTime
	}
	for i := 0; i+span <= len(lanes); i++ {
		if !allFree(lanes[i:i+span], now) {
			continue
		}
		for j := i; j < i+span; j++ {
			lanes[j] = now.Add(b.Duration)
		}
		return i, true
	}
	return 0, false
}

func allFree(lanes []time.Time, now time.Time) bool {
	for _, until := range lanes {
		if now.Before(until) {
			return false
		}
	}
	return true
}

// placeScroll finds span lanes where a bullet of the given width, crossing
// a stage of stageWidth in the scroll time, neither overlaps the bullet
// before it at the entry edge nor catches up with it before the far edge.
// Every bullet takes the same time, so longer ones move faster.
func (o *Overlay) placeScroll(now time.Time, stageWidth, width float64, b *Bullet,
	span int) (int, bool) {
	b.Duration = o.ScrollTime
	if b.Duration <= 0 {
		b.Duration = DefaultScrollTime
	}
	b.Distance = stageWidth
	speed := (stageWidth + width) / b.Duration.Seconds()
	next := scrollLane{
		kind:      b.Kind,
		tailClear: now.Add(seconds((width + b.FontPx) / speed)),
		exit:      now.Add(b.Duration),
		speed:     speed,
	}
	arrive := now.Add(seconds(stageWidth / speed))
	for i := 0; i+span <= len(o.scroll); i++ {
		if !allFollow(o.scroll[i:i+span], now, arrive, next) || !o.fixedClear(i, span, now) {
			continue
		}
		for j := i; j < i+span; j++ {
			o.scroll[j] = next
		}
		return i, true
	}
	return 0, false
}

// fixedClear reports whether rows i to i+span-1 are free of top and bottom
// bullets, which sit in the middle of the stage where a scrolling bullet
// would run through them. (Bottom lanes count from the bottom row.)
func (o *Overlay) fixedClear(i, span int, now time.Time) bool {
	n := len(o.scroll)
	for row := i; row < i+span; row++ {
		if now.Before(o.top[row]) || now.Before(o.bottom[n-1-row]) {
			return false
		}
	}
	return true
}

// allFollow reports whether next can follow the last bullet of each lane;
// arrive is when next's head would reach the far edge.
func allFollow(lanes []scrollLane, now, arrive time.Time, next scrollLane) bool {
	for _, l := range lanes {
		switch {
		case !now.Before(l.exit):
		case l.kind != next.kind || now.Before(l.tailClear):
			return false
		case next.speed > l.speed && arrive.Before(l.exit):
			return false
		}
	}
	return true
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// textWidth estimates how wide text is drawn at fontPx: wide characters
// (CJK, emoji) take a full em, others a little over half. Estimating spares
// a layout pass per bullet; the gap between bullets absorbs the error.
func textWidth(text string, fontPx float64) float64 {
	var ems float64
	for _, r := range text {
		if wide(r) {
			ems += wideEm
		} else {
			ems += narrowEm
		}
	}
	return ems * fontPx
}

func wide(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case r <= 0x115F, // Hangul Jamo
		r >= 0x2E80 && r <= 0xA4CF, // CJK radicals to Yi
		r >= 0xAC00 && r <= 0xD7A3, // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF, // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60, // fullwidth forms
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x1F300 && r <= 0x1FAFF, // emoji and pictographs
		r >= 0x20000 && r <= 0x3FFFD: // CJK extensions
		return true
	}
	return false
}
