// Package views renders Barrage's HTML pages with templ. Each page
// component ([SignIn], [Lobby], [Room], [Admin], [NotFound]) writes a whole
// document in the shared layout: the stylesheet, the navigation bar and,
// on pages with live parts, the loader of the WebAssembly client
// (/static/boot.js, which runs /static/wasm_exec.js and /static/app.wasm).
//
// Every value from users (names, room ids, comments) is written through
// templ's escaping; no component uses templ.Raw. The body element carries
// what the client needs to find its way: data-page (signin, lobby, room,
// admin, not-found), and on a room page data-room, data-can-moderate,
// data-user-id, data-ws-state and data-close-code.
//
// Components hold no state and are safe to render from many goroutines at
// once; the page structs they take are read, never modified.
//
// The *_templ.go files are generated: run `go tool templ generate` from the
// repository root after editing a .templ file, and commit both.
package views
