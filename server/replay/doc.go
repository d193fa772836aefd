// Package replay plays recorded Bilibili danmaku tracks into rooms, at the
// pace they were recorded or faster, as if a crowd were watching.
//
// It has four parts: a streaming parser for Bilibili's XML export ([Parse]),
// three real tracks embedded in the binary ([Tracks], [OpenTrack]), a player
// that delivers a track's comments at their times ([Play]) with a [Manager]
// that runs one replay per room, and the client of the `barrage replay`
// subcommand ([Command]).
//
// # Tracks
//
// The embedded tracks come from the public biliass corpus, senders renamed;
// tracks/README.md records their provenance. They are embedded
// rather than read from disk so that a clone of the project, and the built
// binary, can replay them anywhere.
//
// # What is played
//
// A track's comments are sorted by time, keeping file order among equal
// times, because the exports are not in time order. Modes follow the
// recording: 1 scroll, 4 bottom, 5 top and 6 reverse are played as they are;
// 2 and 3, Bilibili's scroll variants, are played as 1. Mode 7 (positioned:
// the text is a JSON array of coordinates, styling and the words) and mode 8
// (a script for Bilibili's own player) are counted in [Track.Positioned] and
// [Track.Scripted] and not played: a room draws moving comments, and showing
// their raw text would fill it with JSON and code.
//
// Texts are kept exactly as recorded, entities decoded and nothing trimmed.
// They may be longer than a live comment may be or contain characters a
// client may not send; the server decides what to do with them when it
// publishes them, not this package.
//
// A malformed track fails as a whole with a [*ParseError] that names the
// line, the comment and the field where it broke, for example
//
//	parse track "x": line 3: comment 17: field 2 (mode) "abc": not a number
//
// # Timing
//
// [Play] waits on one timer, reset for each due time, and delivers comments
// that fall due together in one batch without waiting between them; a slow
// sink makes later comments late, never lost. Comment times are divided by
// the speed, which must lie within [MinSpeed] and [MaxSpeed].
//
// # Concurrency
//
// A [Manager] and its [Replay] values are safe for concurrent use; their type
// docs state the contract. Each replay runs in one goroutine that the
// Manager owns; [Manager.Close] stops them all and waits for them.
//
// # HTTP API used by the replay subcommand
//
// [Command] expects the server to expose a Manager as follows, with
// `Authorization: Bearer <token>` on every request and errors answered as
// JSON {"error": "…"} with a fitting status:
//
//	POST   /api/rooms/{room}/replay?speed=S&name=NAME   body: the track's XML
//	       (Content-Type: application/xml; name only labels it)
//	POST   /api/rooms/{room}/replay?speed=S&track=NAME  no body: an embedded track
//	       → 202 Accepted with the new replay's Status
//	GET    /api/rooms/{room}/replay  → 200 with the Status; 404 when none
//	DELETE /api/rooms/{room}/replay  → 204 once stopped (Manager.Stop); 404 when none
//
// A Status travels as
//
//	{"id":3,"room":"demo","track":"2170097","done":312,"total":896,"skipped":77,
//	 "at_seconds":80.5,"length_seconds":245.536,"speed":4,"running":true}
//
// with "err" added when the replay failed. Without a token the command first
// asks a development-mode server for one: POST /api/token with
// {"user":"replay-bot","name":"Replay","role":"admin"}, expecting
// {"token": "…"}.
package replay
