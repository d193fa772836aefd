package protocol

// Event names, the value of the "event" field of every frame.
const (
	// EventWelcome (server→client) confirms the join: room, user, counts and
	// the room's recent comments.
	EventWelcome = "welcome"
	// EventDanmaku is a comment: sent by a client, and broadcast by the
	// server with sender, server time and sequence number.
	EventDanmaku = "danmaku"
	// EventPresence (server→client) carries the room's online counts; it is
	// throttled and only the latest one matters.
	EventPresence = "presence"
	// EventError (server→client) refuses a request; the connection stays open
	// unless a close frame follows.
	EventError = "error"
	// EventForceDisconnect (server→client) removes the connection from the
	// room; the client must close and must not reconnect by itself.
	EventForceDisconnect = "force_disconnect"
	// EventSkipped (server→client) says that comments were dropped because
	// the client fell behind.
	EventSkipped = "skipped"
	// EventHeartbeat (server→client) is sent when a connection has been quiet,
	// so that a client can tell a dead socket from a quiet room.
	EventHeartbeat = "heartbeat"
	// EventNotice (server→client) tells the room, or one user, about a
	// moderation action: a kick, a mute, an unmute, a replay starting.
	EventNotice = "notice"
)

// Roles a signed token can carry.
const (
	RoleViewer = "viewer"
	RoleHost   = "host"
	RoleAdmin  = "admin"
)

// Comment display modes, as in Bilibili's tracks.
const (
	ModeScroll  = 1
	ModeBottom  = 4
	ModeTop     = 5
	ModeReverse = 6
)

// Font sizes a comment can have.
const (
	SizeSmall  = 18
	SizeNormal = 25
	SizeLarge  = 36
)

// Colour limits: a colour is an RGB value written as a decimal integer.
const (
	ColorWhite = 0xFFFFFF
	MaxColor   = 0xFFFFFF
)

// MaxTextRunes is the longest comment a client may send, in characters after
// trimming surrounding white space.
const MaxTextRunes = 100

// User identifies a member of a room.
type User struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role,omitempty"`
}

// Welcome is the first event on every accepted connection.
type Welcome struct {
	Event string `json:"event"`
	Room  string `json:"room"`
	User  User   `json:"user"`
	// Conn is this connection's id, unique within the server process.
	Conn string `json:"conn"`
	// Online counts distinct users in the room, Connections their sockets.
	Online      int `json:"online"`
	Connections int `json:"connections"`
	// Recent holds the room's latest comments, oldest first.
	Recent []Danmaku `json:"recent"`
	// HeartbeatMS is the period after which a quiet connection receives a
	// heartbeat; a client may treat several periods of silence as a dead
	// connection.
	HeartbeatMS int64 `json:"heartbeat_ms"`
	// MutedUntil is set (Unix milliseconds) while the user is muted here.
	MutedUntil int64 `json:"muted_until,omitempty"`
}

// Danmaku is a comment as the server broadcasts it.
type Danmaku struct {
	Event string `json:"event"`
	// Seq numbers the room's comments from 1, without gaps, in the order
	// every member receives them.
	Seq   uint64 `json:"seq"`
	User  string `json:"user"`
	Name  string `json:"name"`
	Text  string `json:"text"`
	Color int    `json:"color"`
	Mode  int    `json:"mode"`
	Size  int    `json:"size"`
	// Time is the server's clock when the comment was accepted, in Unix
	// milliseconds.
	Time int64 `json:"time"`
	// Replay is true for comments played from a recorded track.
	Replay bool `json:"replay,omitempty"`
}

// Presence carries the room's online counts.
type Presence struct {
	Event       string `json:"event"`
	Online      int    `json:"online"`
	Connections int    `json:"connections"`
}

// Error refuses a request. Code is a stable machine-readable word (see the
// Err* constants); Message is for people.
type Error struct {
	Event   string `json:"event"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// RetryMS, when set, says how long to wait before trying again.
	RetryMS int64 `json:"retry_ms,omitempty"`
}

// ForceDisconnect removes a connection from its room. Its fields are fixed
// by the design brief: {"event":"force_disconnect","code":4001,"reason":"…"}.
type ForceDisconnect struct {
	Event  string `json:"event"`
	Code   int    `json:"code"`
	Reason string `json:"reason"`
}

// Skipped says how many comments were dropped for a client that fell behind.
type Skipped struct {
	Event string `json:"event"`
	Count int    `json:"count"`
}

// Heartbeat is sent on a connection that has been quiet for a while.
type Heartbeat struct {
	Event string `json:"event"`
	Time  int64  `json:"time"`
}

// Notice kinds.
const (
	NoticeKicked  = "kicked"
	NoticeMuted   = "muted"
	NoticeUnmuted = "unmuted"
)

// Notice tells members about a moderation action.
type Notice struct {
	Event   string `json:"event"`
	Kind    string `json:"kind"`
	User    string `json:"user,omitempty"`
	Name    string `json:"name,omitempty"`
	Message string `json:"message"`
	// Until is when a mute or ban ends, in Unix milliseconds.
	Until int64 `json:"until,omitempty"`
}

// SendDanmaku is what a client sends to post a comment. Color, Mode and Size
// are optional; [DecodeClient] fills in the defaults.
type SendDanmaku struct {
	Event string `json:"event"`
	Text  string `json:"text"`
	Color *int   `json:"color,omitempty"`
	Mode  *int   `json:"mode,omitempty"`
	Size  *int   `json:"size,omitempty"`
}
