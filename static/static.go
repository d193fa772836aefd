// Package static holds the files the pages load: style sheet, icon, the
// boot script, and the browser client built by the Taskfile (app.wasm with
// the wasm_exec.js of the same Go release). They are embedded in the server
// binary, so a built server is one file.
package static

import "embed"

// FS holds every file of this directory that existed when the server was
// built. app.wasm and wasm_exec.js are generated (go tool task build:wasm)
// and not committed.
//
//go:embed *
var FS embed.FS
