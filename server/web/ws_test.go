package web_test

import (
	"fmt"
	"testing"
	"time"

	"barrage/protocol"
	"barrage/server/internal/wstest"
)

func TestMultiConnection(t *testing.T) {
	env := wstest.Start(t, wstest.Options{})
	tabs := []*wstest.Client{env.Join("u1", "a"), env.Join("u1", "a"), env.Join("u1", "a")}

	// One sender at a time (each waits for the broadcast) so that send order
	// is defined; what one tab sends, every tab sees, in order, once.
	for i := range 30 {
		want := fmt.Sprintf("msg %d from tab %d", i, i%3)
		tabs[i%3].Say(want)
		for n, tab := range tabs {
			d := tab.Comments(1)[0]
			if d.Text != want || d.Seq != uint64(i+1) || d.User != "u1" {
				t.Fatalf("tab %d: got seq %d %q from %s, want seq %d %q from u1",
					n, d.Seq, d.Text, d.User, i+1, want)
			}
		}
	}
	// Then a burst from one tab: every tab gets it in send order.
	for i := range 50 {
		tabs[1].Say(fmt.Sprintf("burst %d", i))
	}
	for n, tab := range tabs {
		for i, d := range tab.Comments(50) {
			if want := fmt.Sprintf("burst %d", i); d.Text != want {
				t.Fatalf("tab %d: burst comment %d is %q, want %q", n, i, d.Text, want)
			}
		}
		tab.Quiet(100 * time.Millisecond) // each broadcast exactly once
	}
	d, err := env.Hub.Room("a")
	if err != nil || d.Online != 1 || d.Connections != 3 {
		t.Fatalf("room a: %+v, %v; want 1 user, 3 connections", d, err)
	}
}

func TestSwitchEvicts(t *testing.T) {
	env := wstest.Start(t, wstest.Options{})
	a1, a2 := env.Join("u1", "a"), env.Join("u1", "a")
	other := env.Join("u2", "a")
	// The test clients ignore force_disconnect: the server must close them.
	b := env.Join("u1", "b")
	other.Say("after the join")

	for _, tab := range []*wstest.Client{a1, a2} {
		f := tab.Expect(protocol.EventForceDisconnect)
		var fd protocol.ForceDisconnect
		f.Decode(t, &fd)
		if fd.Code != protocol.CloseRemoved || fd.Reason == "" {
			t.Fatalf("force_disconnect %s", f.Raw)
		}
		c := tab.Next()
		if !c.Close || c.Code != protocol.CloseRemoved {
			t.Fatalf("after force_disconnect got %s close=%v code=%d, want close 4001",
				c.Raw, c.Close, c.Code)
		}
		if late := c.At.Sub(f.At); late > 2*time.Second {
			t.Fatalf("server close came %v after force_disconnect", late)
		}
	}
	other.Expect(protocol.EventDanmaku)
	b.Say("in b")
	if got := b.Comments(1)[0].Text; got != "in b" {
		t.Fatalf("b got %q", got)
	}
	if room := env.Hub.UserRoom("u1"); room != "b" {
		t.Fatalf("u1 indexed in %q", room)
	}
	if err := env.Hub.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}
