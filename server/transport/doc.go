// Package transport carries a hub connection over a gorilla/websocket
// connection: one reader goroutine that decodes and validates client frames
// and hands them to the hub, and one writer goroutine that drains the
// connection's queue onto the wire, sends keepalive pings and heartbeats, and
// performs the close handshake.
//
// # One reader, one writer
//
// Every write to a socket, pings and pongs and close frames included, is made
// by the writer goroutine. The reader never writes: it answers a client's
// ping by asking the writer for a pong, and it reports the client's close
// frame to the writer instead of replying itself. The one exception is inside
// gorilla/websocket: on a protocol violation or a frame above the read limit
// the library writes its own close frame (1002 or 1009) through WriteControl,
// which it serialises with our writes; after it, the library refuses every
// further write, so a connection never carries two close frames.
//
// # Closing
//
// A connection whose queue ends with a force_disconnect gets a grace period
// (about a second) to close by itself; then, or as soon as the client's close
// frame arrives, the writer sends the server's close frame with the same
// code, waits a bounded time for the client's reply, and drops TCP. Waiting
// for the reply is what lets a browser report the code instead of 1006.
// Other endings (shutdown 1001, a frame over the limit 1009, a client too
// slow for its control events 4100, a session that expires 1008) close at
// once, with the same handshake.
package transport
