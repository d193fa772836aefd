//go:build js && wasm

// Command app is Barrage's browser client, built for the browser with
//
//	GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o static/app.wasm ./wasmclient/cmd/app
//
// and loaded by /static/boot.js on the pages that have live parts. It runs
// whichever page the body's data-page attribute names; see
// [wasmclient.Main].
package main

import "barrage/wasmclient"

func main() { wasmclient.Main() }
