// Package web is Barrage's HTTP layer on Echo: the WebSocket endpoint that
// admits a signed-in user to a room, the admin and token JSON APIs, the
// pages, health and static files. It holds no room state of its own: it
// authenticates, authorises and translates between HTTP and the hub.
//
// The middleware chain is chosen for hijacked WebSocket connections too:
// response-wrapping middleware (compression) skips /ws, nothing sets a
// timeout on a request's context, and the HTTP server's read and write
// timeouts stop applying once the connection is upgraded.
package web
