package wasmclient

import (
	"testing"
	"time"

	"barrage/protocol"
)

var testStage = Stage{Width: 900, Height: 300}

func bullet(mode, size int, text string) protocol.Danmaku {
	return protocol.Danmaku{Mode: mode, Size: size, Text: text, Color: 0xFF8800}
}

func TestOverlayScrollLanesDoNotOverlap(t *testing.T) {
	t.Parallel()
	var o Overlay
	now := time.Unix(0, 0)
	tops := map[float64]bool{}
	for range 5 {
		b, ok := o.Place(now, testStage, bullet(1, 25, "hello"))
		if !ok {
			t.Fatal("no lane for a bullet on an empty stage")
		}
		if tops[b.Top] {
			t.Fatalf("two bullets entered lane at %v together", b.Top)
		}
		tops[b.Top] = true
		if b.Kind != KindScroll || b.Color != "#ff8800" || b.Distance != testStage.Width {
			t.Errorf("bullet = %+v", b)
		}
	}
	// Once the first bullet's tail has cleared the edge, its lane takes
	// another bullet of the same speed.
	b, ok := o.Place(now.Add(2*time.Second), testStage, bullet(1, 25, "hello"))
	if !ok || b.Top != 0 {
		t.Errorf("after 2 s: %+v, %v; want lane 0 again", b, ok)
	}
}

func TestOverlayFasterBulletWaits(t *testing.T) {
	t.Parallel()
	o := Overlay{}
	small := Stage{Width: 900, Height: 40} // one lane
	now := time.Unix(0, 0)
	if _, ok := o.Place(now, small, bullet(1, 25, "hi")); !ok {
		t.Fatal("first bullet refused")
	}
	long := bullet(1, 25, "a much longer comment that moves faster across")
	if _, ok := o.Place(now.Add(2*time.Second), small, long); ok {
		t.Error("a faster bullet was sent after a slower one that it would catch")
	}
	if _, ok := o.Place(now.Add(7*time.Second), small, long); !ok {
		t.Error("a faster bullet was refused although the slow one is nearly out")
	}
}

func TestOverlayFixedLanes(t *testing.T) {
	t.Parallel()
	var o Overlay
	now := time.Unix(0, 0)
	top1, _ := o.Place(now, testStage, bullet(protocol.ModeTop, 25, "t"))
	top2, _ := o.Place(now, testStage, bullet(protocol.ModeTop, 25, "t"))
	bottom, _ := o.Place(now, testStage, bullet(protocol.ModeBottom, 25, "b"))
	laneH := protocol.SizeNormal * lineHeight
	if top1.Top != 0 || top2.Top != laneH {
		t.Errorf("top lanes at %v and %v, want 0 and %v", top1.Top, top2.Top, laneH)
	}
	if bottom.Kind != KindBottom || bottom.Top != testStage.Height-laneH {
		t.Errorf("bottom = %+v", bottom)
	}
	if top1.Duration != DefaultFixedTime {
		t.Errorf("fixed duration = %v", top1.Duration)
	}
	again, _ := o.Place(now.Add(DefaultFixedTime), testStage, bullet(protocol.ModeTop, 25, "t"))
	if again.Top != 0 {
		t.Errorf("after it faded, lane 0 was not reused: %+v", again)
	}
}

func TestOverlayLargeSpansLanes(t *testing.T) {
	t.Parallel()
	var o Overlay
	now := time.Unix(0, 0)
	big, _ := o.Place(now, testStage, bullet(protocol.ModeTop, protocol.SizeLarge, "big"))
	next, _ := o.Place(now, testStage, bullet(protocol.ModeTop, protocol.SizeNormal, "n"))
	if big.FontPx != protocol.SizeLarge || next.Top < 2*protocol.SizeNormal*lineHeight {
		t.Errorf("large at %+v, next at %v: the large one needs two lanes", big, next.Top)
	}
}

func TestOverlayCapAndModes(t *testing.T) {
	t.Parallel()
	o := Overlay{MaxBullets: 2}
	now := time.Unix(0, 0)
	o.Place(now, testStage, bullet(protocol.ModeTop, 25, "1"))
	o.Place(now, testStage, bullet(protocol.ModeTop, 25, "2"))
	if _, ok := o.Place(now, testStage, bullet(protocol.ModeTop, 25, "3")); ok {
		t.Error("placed a bullet over the cap")
	}
	if _, ok := o.Place(now.Add(DefaultFixedTime), testStage, bullet(1, 25, "4")); !ok {
		t.Error("refused a bullet after the others left")
	}
	if _, ok := o.Place(now.Add(time.Hour), testStage, bullet(7, 25, "[0,0]")); ok {
		t.Error("drew a positioned (mode 7) comment")
	}
	if _, ok := o.Place(now.Add(time.Hour), Stage{}, bullet(1, 25, "x")); ok {
		t.Error("drew on a stage of no size")
	}
}

func TestOverlayReducedMotion(t *testing.T) {
	t.Parallel()
	var o Overlay
	st := testStage
	st.ReducedMotion = true
	for _, mode := range []int{1, protocol.ModeReverse} {
		b, ok := o.Place(time.Unix(0, 0), st, bullet(mode, 25, "calm"))
		if !ok || b.Kind != KindTop || b.Distance != 0 {
			t.Errorf("mode %d with reduced motion: %+v, %v", mode, b, ok)
		}
	}
}

func TestOverlayPhoneScale(t *testing.T) {
	t.Parallel()
	var o Overlay
	b, _ := o.Place(time.Unix(0, 0), Stage{Width: 360, Height: 200}, bullet(1, 25, "x"))
	if b.FontPx != 25*minScale {
		t.Errorf("font on a phone = %v, want %v", b.FontPx, 25*minScale)
	}
}

func TestTextWidth(t *testing.T) {
	t.Parallel()
	if got, want := textWidth("弹幕", 10), 20.0; got != want {
		t.Errorf("CJK width = %v, want %v", got, want)
	}
	if got, want := textWidth("ab", 10), 12.0; got != want {
		t.Errorf("Latin width = %v, want %v", got, want)
	}
}

func TestOverlayScrollAvoidsFixedRows(t *testing.T) {
	t.Parallel()
	var o Overlay
	now := time.Unix(0, 0)
	o.Place(now, testStage, bullet(protocol.ModeTop, 25, "top"))
	b, ok := o.Place(now, testStage, bullet(1, 25, "scroll"))
	if !ok || b.Top == 0 {
		t.Errorf("a scrolling bullet went through a top one: %+v, %v", b, ok)
	}
}
