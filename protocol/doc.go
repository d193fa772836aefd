// Package protocol is Barrage's wire contract: the JSON events that travel
// over a room's WebSocket in both directions, the close codes and the rule a
// client applies to decide whether to reconnect by itself, and the decoding
// and validation of frames sent by clients.
//
// It imports only the standard library so that it builds for js/wasm and is
// shared, type for type, by the server and the browser client.
//
// # Frames
//
// Every frame is one UTF-8 JSON text frame holding exactly one event, an
// object with an "event" field naming its type. The server never batches
// several events into one frame, so a client reads one event per message.
//
// # Closing
//
// A connection the server removes from its room first receives a
// [ForceDisconnect] event and then, about a second later, a close frame with
// the same code. A client latches "do not reconnect" on the event itself,
// because the close frame can be lost. [ShouldReconnect] is the whole rule.
package protocol
