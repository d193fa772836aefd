package wasmclient

import (
	"context"
	"errors"
	"testing"
)

type fakeTransport struct {
	status int
	body   string
	err    error

	method, path, sent string
}

func (f *fakeTransport) Do(_ context.Context, method, path string, body []byte) (
	int, []byte, error) {
	f.method, f.path, f.sent = method, path, string(body)
	return f.status, []byte(f.body), f.err
}

func TestAPIRequests(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	tests := []struct {
		name                   string
		call                   func(API) error
		method, path, wantBody string
	}{
		{"lobby", func(a API) error { _, err := a.Lobby(ctx); return err },
			"GET", "/api/lobby", ""},
		{"rooms", func(a API) error { _, err := a.Rooms(ctx); return err },
			"GET", "/api/rooms", ""},
		{"room", func(a API) error { _, err := a.Room(ctx, "a/b"); return err },
			"GET", "/api/rooms/a%2Fb", ""},
		{"kick", func(a API) error {
			return a.Kick(ctx, "r", Kick{User: "u", BanSeconds: 60, Reason: "spam"})
		}, "POST", "/api/rooms/r/kick", `{"user":"u","ban_seconds":60,"reason":"spam"}`},
		{"unmute", func(a API) error { return a.Mute(ctx, "r", Mute{User: "u"}) },
			"POST", "/api/rooms/r/mute", `{"user":"u","seconds":0}`},
		{"close", func(a API) error { return a.CloseRoom(ctx, "r") },
			"DELETE", "/api/rooms/r", ""},
		{"replay", func(a API) error { return a.StartReplay(ctx, "r", "demo track", 1.5) },
			"POST", "/api/rooms/r/replay?speed=1.5&track=demo+track", ""},
		{"stop replay", func(a API) error { return a.StopReplay(ctx, "r") },
			"DELETE", "/api/rooms/r/replay", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeTransport{status: 200, body: `{"rooms":[]}`}
			if err := tt.call(API{Transport: f}); err != nil {
				t.Fatal(err)
			}
			if f.method != tt.method || f.path != tt.path || f.sent != tt.wantBody {
				t.Errorf("sent %s %s %s, want %s %s %s",
					f.method, f.path, f.sent, tt.method, tt.path, tt.wantBody)
			}
		})
	}
}

func TestAPIDecodes(t *testing.T) {
	t.Parallel()
	f := &fakeTransport{status: 200, body: `{"id":"r","online":2,"connections":3,
		"users":[{"id":"u","name":"Ann","role":"viewer","connections":2,"muted_until":5}]}`}
	d, err := API{Transport: f}.Room(t.Context(), "r")
	if err != nil {
		t.Fatal(err)
	}
	if d.Online != 2 || len(d.Users) != 1 || d.Users[0].MutedUntil != 5 {
		t.Errorf("decoded %+v", d)
	}
}

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		body   string
		want   string
	}{
		{403, `{"error":"hosts only"}`, "hosts only"},
		{409, `{"message":"you cannot kick yourself"}`, "you cannot kick yourself"},
		{502, `<html>`, "HTTP 502"},
	}
	for _, tt := range tests {
		err := API{Transport: &fakeTransport{status: tt.status, body: tt.body}}.
			CloseRoom(t.Context(), "r")
		apiErr, ok := errors.AsType[*APIError](err)
		if !ok || apiErr.Status != tt.status || apiErr.Message != tt.want {
			t.Errorf("status %d: error %v, want %q", tt.status, err, tt.want)
		}
	}
	down := errors.New("offline")
	err := API{Transport: &fakeTransport{err: down}}.StopReplay(t.Context(), "r")
	if !errors.Is(err, down) {
		t.Errorf("transport error lost: %v", err)
	}
}
