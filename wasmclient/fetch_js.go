package wasmclient

import (
	"context"
	"errors"
	"syscall/js"
)

// fetchTransport is a [Transport] over the browser's fetch, with the page's
// cookies. It is smaller than net/http, which would add megabytes to the
// binary for the same call.
type fetchTransport struct{}

type fetchResult struct {
	status int
	body   string
	err    error
}

// Do blocks its goroutine on a channel that the promise's callbacks fill
// with non-blocking sends; the callbacks are released once it has answered.
func (fetchTransport) Do(ctx context.Context, method, path string, body []byte) (
	int, []byte, error) {
	done := make(chan fetchResult, 1)
	deliver := func(r fetchResult) {
		select {
		case done <- r:
		default: // only the first answer counts
		}
	}
	var status int
	onResponse := js.FuncOf(func(_ js.Value, args []js.Value) any {
		status = args[0].Get("status").Int()
		return args[0].Call("text")
	})
	onBody := js.FuncOf(func(_ js.Value, args []js.Value) any {
		deliver(fetchResult{status: status, body: args[0].String()})
		return nil
	})
	onError := js.FuncOf(func(_ js.Value, args []js.Value) any {
		deliver(fetchResult{err: errors.New(args[0].Call("toString").String())})
		return nil
	})
	defer onResponse.Release()
	defer onBody.Release()
	defer onError.Release()

	abort := global.Get("AbortController").New()
	global.Call("fetch", path, fetchOptions(method, body, abort.Get("signal"))).
		Call("then", onResponse).
		Call("then", onBody).
		Call("catch", onError)
	select {
	case r := <-done:
		return r.status, []byte(r.body), r.err
	case <-ctx.Done():
		abort.Call("abort")
		<-done // the abort settles the promise; only then may the callbacks go
		return 0, nil, ctx.Err()
	}
}

func fetchOptions(method string, body []byte, signal js.Value) map[string]any {
	headers := map[string]any{"Accept": "application/json"}
	opts := map[string]any{
		"method":      method,
		"credentials": "same-origin",
		"cache":       "no-store",
		"signal":      signal,
		"headers":     headers,
	}
	if body != nil {
		headers["Content-Type"] = "application/json"
		opts["body"] = string(body)
	}
	return opts
}
