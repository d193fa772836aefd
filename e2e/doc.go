//go:build e2e

// Package e2e drives real Chromium against the real barrage server binary.
//
// Every file carries the build tag e2e, so plain `go test ./...` ignores the
// package. Run it with
//
//	bash scripts/e2e-deps.sh             # chromium, CJK fonts, playwright-core
//	go test -tags e2e -count=1 ./e2e/
//
// # What TestMain sets up once
//
//   - the server binary, built with `go build ./server` from the repository
//     root into a temporary directory. While ./server does not build, tests
//     that need it skip with the build error; with CI=true or
//     BARRAGE_E2E_REQUIRED=1 they fail instead. BARRAGE_E2E_SERVER_BIN names
//     a binary to use instead of building one.
//   - one Playwright driver (the npm package playwright-core in
//     e2e/node_modules, run by the machine's node) and one headless Debian
//     Chromium (/usr/bin/chromium) shared by every test. PLAYWRIGHT_NODEJS_PATH
//     and PLAYWRIGHT_CLI_PATH are set to those when unset.
//
// # Helpers for tests
//
//   - startServer runs the binary on a free loopback port in development
//     mode with a fixed signing secret, logs to e2e/artifacts/, and stops it
//     when the test ends; Server.Restart restarts it on the same port.
//   - newUser is one signed-in user: a browser context holding the
//     `session` cookie. Each page opened in it with newPage is a tab.
//   - watchConsole fails the test on console errors, uncaught exceptions
//     and Go/WASM exits; countWebSockets counts the sockets a page opens;
//     screenshot saves a PNG to e2e/artifacts/.
//   - expect makes Playwright's retrying assertions.
//
// # Waiting
//
// Tests never sleep. They assert on page state through locators and
// expect, which retry until the state holds or the timeout passes, and
// every event wait (page.ExpectEvent, page.ExpectWebSocket, …) is set up
// around the action that causes the event, never after it.
//
// # Chromium 156 on these machines
//
// Local Network Access checks block sockets and fetches from a page opened as
// a data: URL to loopback (net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS,
// close 1006), and granting "local-network-access" does not reach its opaque
// origin. Serve test pages from loopback or set them with page.SetContent.
// Chromium fetches /favicon.ico by itself; its 404 is not a page problem.
//
// # Concurrency
//
// The shared browser may be used by parallel tests; each test owns its
// servers, contexts and pages. Playwright calls event handlers on its own
// dispatch goroutine: handlers only record what they see and never call back
// into Playwright.
package e2e
