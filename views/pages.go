package views

import "barrage/protocol"

// Nav is what the navigation bar shows: the signed-in user, or nil when
// nobody is signed in.
type Nav struct {
	User *protocol.User
}

// SignInPage is the sign-in form. Its fields are posted to /signin as name,
// role (viewer, host or admin), room (the room a host hosts), password (for
// admins) and next (where to go afterwards).
type SignInPage struct {
	Nav
	Error string // why the last attempt failed, shown above the form
	Next  string // the page to return to after signing in
	Name  string // the display name to fill in again
}

// RoomSummary is one live room in the lobby and on the admin page.
type RoomSummary struct {
	ID          string
	Online      int
	Connections int
	Replaying   bool
}

// LobbyPage lists the live rooms and offers to open any room by id.
type LobbyPage struct {
	Nav
	Rooms []RoomSummary
}

// RoomPage is a room: the stage, the comment form and the recent comments,
// and for its host or an admin the moderation panel.
type RoomPage struct {
	Nav
	Room        string
	CanModerate bool
	Recent      []protocol.Danmaku // oldest first
	Tracks      []string           // replay tracks a moderator may start
}

// AdminPage lists every room with its moderation actions.
type AdminPage struct {
	Nav
	Rooms []RoomSummary
}
