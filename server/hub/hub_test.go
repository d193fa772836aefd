package hub_test

import (
	"testing"
	"time"

	"go.uber.org/goleak"

	"barrage/protocol"
	"barrage/server/hub"
	"barrage/server/internal/wstest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestMembershipCheck: the periodic check sends 4002 to connections whose
// user the index places elsewhere, and leaves the rest alone.
func TestMembershipCheck(t *testing.T) {
	env := wstest.Start(t, wstest.Options{Hub: hub.Config{SweepInterval: 50 * time.Millisecond}})
	stray1, stray2 := env.Join("u1", "a"), env.Join("u1", "a")
	fine := env.Join("u2", "a")

	env.Hub.MisplaceUser("u1", "elsewhere")
	for _, c := range []*wstest.Client{stray1, stray2} {
		var fd protocol.ForceDisconnect
		c.WaitFor(protocol.EventForceDisconnect).Decode(t, &fd)
		if fd.Code != protocol.CloseMembership {
			t.Fatalf("force_disconnect %+v", fd)
		}
		c.ExpectClose(protocol.CloseMembership)
	}
	fine.Say("still fine")
	fine.Comments(1)
	if err := env.Hub.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if room := env.Hub.UserRoom("u1"); room != "" {
		t.Fatalf("u1 still indexed in %q", room)
	}
}

// TestIdleRoomDropped: an empty room lives for RoomIdle, then goes with its
// recent comments.
func TestIdleRoomDropped(t *testing.T) {
	env := wstest.Start(t, wstest.Options{Hub: hub.Config{
		SweepInterval: 20 * time.Millisecond, RoomIdle: 300 * time.Millisecond,
	}})
	c := env.Join("u1", "a")
	c.Say("remember me")
	c.Comments(1)
	c.Close()

	// Within the idle period the room is still there, with its history.
	again := env.Join("u2", "a")
	if r := again.Welcome.Recent; len(r) != 1 || r[0].Text != "remember me" {
		t.Fatalf("welcome recent %+v", r)
	}
	again.Close()

	deadline := time.Now().Add(wstest.Wait)
	for len(env.Hub.Rooms()) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("room not dropped: %+v", env.Hub.Rooms())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
