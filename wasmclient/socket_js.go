package wasmclient

import (
	"errors"
	"fmt"
	"net/url"
	"syscall/js"
)

// The browser's WebSocket readyState values.
const (
	wsConnecting = 0
	wsOpen       = 1
)

// wsURL is the room's socket on the page's own host; the session cookie
// goes with it.
func wsURL(room string) string {
	loc := global.Get("location")
	scheme := "ws:"
	if loc.Get("protocol").String() == "https:" {
		scheme = "wss:"
	}
	return scheme + "//" + loc.Get("host").String() + "/ws?room=" + url.QueryEscape(room)
}

// browserDialer dials addr with the browser's WebSocket.
func browserDialer(addr string) Dialer {
	return DialerFunc(func(report func(SocketEvent)) (s Socket, err error) {
		defer func() {
			if r := recover(); r != nil {
				s, err = nil, fmt.Errorf("new WebSocket: %v", r)
			}
		}()
		ws := global.Get("WebSocket").New(addr)
		b := &browserSocket{ws: ws}
		b.handle("message", func(ev js.Value) {
			if d := ev.Get("data"); d.Type() == js.TypeString {
				report(SocketEvent{Kind: SocketMessage, Data: []byte(d.String())})
			}
		})
		b.handle("close", func(ev js.Value) {
			report(SocketEvent{
				Kind:   SocketClosed,
				Code:   ev.Get("code").Int(),
				Reason: ev.Get("reason").String(),
			})
		})
		return b, nil
	})
}

// browserSocket is a [Socket] over a browser WebSocket. Its handlers only
// report, which never blocks. An error event is always followed by a close
// event, so it needs no handler of its own.
type browserSocket struct {
	ws       js.Value
	handlers []js.Func
	names    []string
	released bool
}

func (b *browserSocket) handle(event string, f func(ev js.Value)) {
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		f(args[0])
		return nil
	})
	b.ws.Set("on"+event, fn)
	b.handlers = append(b.handlers, fn)
	b.names = append(b.names, event)
}

var errNotOpen = errors.New("the socket is not open")

// Send writes one text frame. The readyState check comes first because a
// send on a connecting socket throws, and a throw is a panic here.
func (b *browserSocket) Send(data []byte) (err error) {
	if b.released || b.ws.Get("readyState").Int() != wsOpen {
		return errNotOpen
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("WebSocket.send: %v", r)
		}
	}()
	b.ws.Call("send", string(data))
	return nil
}

// Close detaches the handlers (so no queued event can reach them), releases
// them, and closes the socket if it is still connecting or open, with a code
// the browser accepts.
func (b *browserSocket) Close(code int, reason string) {
	if b.released {
		return
	}
	b.released = true
	for _, name := range b.names {
		b.ws.Set("on"+name, js.Null())
	}
	for _, fn := range b.handlers {
		fn.Release()
	}
	switch b.ws.Get("readyState").Int() {
	case wsConnecting, wsOpen:
		defer func() { _ = recover() }() // a close that throws changes nothing
		b.ws.Call("close", BrowserCloseCode(code), reason)
	}
}
