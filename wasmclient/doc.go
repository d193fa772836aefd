// Package wasmclient is Barrage's browser client, written in Go and compiled
// to WebAssembly. Most of it is plain Go that builds and tests natively; a
// thin layer of files built only for js/wasm binds it to the browser's
// WebSocket, fetch and DOM.
//
// # The connection contract
//
// A [Client] keeps one page connected to one room. Its [State] is one of
// connecting, open (welcomed), reconnecting, evicted, signed-out and closed,
// and [Decide] is the whole rule for what follows a socket's end:
//
//   - A force_disconnect event latches "never reconnect" at once: the client
//     closes its socket with 1000 without waiting for the server's close
//     frame, which may be lost (the browser would then report 1006), and
//     stays evicted until the user rejoins on purpose ([Client.Rejoin]).
//   - Close 1008 means the session was refused: signed-out.
//   - Retryable closes ([protocol.ShouldReconnect]) reconnect after
//     [protocol.Backoff]; a welcome resets the attempt counter.
//   - Everything else is terminal: 4001–4004 evicted, the rest closed.
//   - A socket that stays silent for several heartbeat periods (from the
//     welcome) while the page is visible is closed with 1000 and counted as
//     1006. Hidden time does not count: browsers throttle hidden tabs.
//
// The client closes sockets only with 1000: a browser throws on codes
// outside 1000 and 3000–4999, and under js/wasm that exception is a panic
// that ends the program ([BrowserCloseCode] guards the rule).
//
// The client also keeps the room's [Recent] comments (deduplicated by
// sequence number, replaced by each welcome), and an [Overlay] picks lanes
// for the comments drawn over the stage.
//
// # Concurrency
//
// A Client's state belongs to the one goroutine running [Client.Run]. Every
// input (a socket event, a timer, a send, a rejoin, a visibility change)
// enters through an unbounded queue whose post never blocks, so JavaScript
// callbacks, which must never block, only post and return. The same
// goroutine calls the [View], so a view may touch the page without locks.
// Each socket and each armed timer has a generation number; events from a
// socket that was replaced, or from a timer that was re-armed, are dropped.
// Exactly one socket is live at a time: the previous one is closed and its
// handlers released before the next is dialled.
//
// [API] calls block their goroutine until fetch answers, so pages call them
// from goroutines of their own, never from a callback. [Recent] and
// [Overlay] are not safe for concurrent use.
//
// # The page
//
// Under js/wasm, Main reads the body's data-page attribute and runs that
// page, as rendered by package views; it sets data-client on the body to
// "ready" once wired ("failed" with a message in #boot-error when the page
// lacks an element it needs, "idle" on pages without live parts).
//
//   - room: the body's data-room names the room, data-can-moderate ("true")
//     adds the moderation panel, data-user-id marks the user's own
//     bullets. The client keeps data-ws-state (a [State]) and
//     data-close-code (the last close code, or empty) on the body current,
//     and mirrors the recent list into #recent as one element per comment
//     with data-danmaku-seq and the comment as its whole text (the sender
//     is data-name, shown by CSS). Bullets go into #overlay over #stage.
//   - lobby: #rooms is refreshed from GET /api/lobby every few seconds.
//   - admin: #admin-rooms from GET /api/rooms, and the user list of the room
//     picked, with kick, mute and close actions.
//
// Every text from the server goes into the page as text (textContent),
// never as HTML. Lists poll only while the page is visible, and again as
// soon as it shows.
package wasmclient
