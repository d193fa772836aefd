package wasmclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
)

// Transport performs one same-origin HTTP request with the page's cookies and
// returns the status and body. It blocks its goroutine until the answer
// comes, so it must never be called from a JavaScript callback.
type Transport interface {
	Do(ctx context.Context, method, path string, body []byte) (int, []byte, error)
}

// RoomInfo is one room as GET /api/lobby and GET /api/rooms list it.
type RoomInfo struct {
	ID          string `json:"id"`
	Online      int    `json:"online"`
	Connections int    `json:"connections"`
	Replaying   bool   `json:"replaying"`
}

// Member is one user of a room as GET /api/rooms/{room} lists it.
type Member struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Role        string `json:"role"`
	Connections int    `json:"connections"`
	MutedUntil  int64  `json:"muted_until"` // Unix milliseconds, 0 when not muted
}

// RoomDetail is the body of GET /api/rooms/{room}.
type RoomDetail struct {
	ID          string   `json:"id"`
	Online      int      `json:"online"`
	Connections int      `json:"connections"`
	Users       []Member `json:"users"`
}

// Kick is the body of POST /api/rooms/{room}/kick.
type Kick struct {
	User       string `json:"user"`
	BanSeconds int    `json:"ban_seconds"`
	Reason     string `json:"reason,omitempty"`
}

// Mute is the body of POST /api/rooms/{room}/mute; zero seconds unmutes.
type Mute struct {
	User    string `json:"user"`
	Seconds int    `json:"seconds"`
}

// APIError is a request the server refused.
type APIError struct {
	Status  int
	Message string
}

// Error implements error.
func (e *APIError) Error() string {
	return fmt.Sprintf("%d: %s", e.Status, e.Message)
}

// API calls the server's JSON API. Its methods block; call them from a
// goroutine, never from a JavaScript callback.
type API struct {
	Transport Transport
}

// Lobby lists the live rooms for any signed-in user.
func (a API) Lobby(ctx context.Context) ([]RoomInfo, error) {
	var out struct{ Rooms []RoomInfo }
	err := a.call(ctx, "GET", "/api/lobby", nil, &out)
	return out.Rooms, err
}

// Rooms lists the rooms an admin (every room) or a host (their own) sees.
func (a API) Rooms(ctx context.Context) ([]RoomInfo, error) {
	var out struct{ Rooms []RoomInfo }
	err := a.call(ctx, "GET", "/api/rooms", nil, &out)
	return out.Rooms, err
}

// Room describes one room and its users, for its host or an admin.
func (a API) Room(ctx context.Context, room string) (RoomDetail, error) {
	var out RoomDetail
	err := a.call(ctx, "GET", roomPath(room, ""), nil, &out)
	return out, err
}

// Kick removes a user from a room, banning them for k.BanSeconds.
func (a API) Kick(ctx context.Context, room string, k Kick) error {
	return a.call(ctx, "POST", roomPath(room, "/kick"), k, nil)
}

// Mute mutes a user in a room, or unmutes with zero seconds.
func (a API) Mute(ctx context.Context, room string, m Mute) error {
	return a.call(ctx, "POST", roomPath(room, "/mute"), m, nil)
}

// CloseRoom closes a room: everyone in it is removed with 4004.
func (a API) CloseRoom(ctx context.Context, room string) error {
	return a.call(ctx, "DELETE", roomPath(room, ""), nil, nil)
}

// StartReplay plays an embedded track into a room at speed times real time.
func (a API) StartReplay(ctx context.Context, room, track string, speed float64) error {
	q := url.Values{
		"track": {track},
		"speed": {strconv.FormatFloat(speed, 'g', -1, 64)},
	}
	return a.call(ctx, "POST", roomPath(room, "/replay")+"?"+q.Encode(), nil, nil)
}

// StopReplay stops a room's replay.
func (a API) StopReplay(ctx context.Context, room string) error {
	return a.call(ctx, "DELETE", roomPath(room, "/replay"), nil, nil)
}

func roomPath(room, action string) string {
	return "/api/rooms/" + url.PathEscape(room) + action
}

func (a API) call(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	status, resp, err := a.Transport.Do(ctx, method, path, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if status < 200 || status > 299 {
		return &APIError{Status: status, Message: errorText(status, resp)}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp, out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}

// errorText reads the server's {"error": …}, or the {"message": …} that
// Echo's default error handler writes, falling back to the status.
func errorText(status int, body []byte) string {
	var e struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &e)
	switch {
	case e.Error != "":
		return e.Error
	case e.Message != "":
		return e.Message
	}
	return "HTTP " + strconv.Itoa(status)
}
