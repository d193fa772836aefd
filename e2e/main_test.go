//go:build e2e

package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// chromiumPath is Debian's Chromium, installed by scripts/e2e-deps.sh.
const chromiumPath = "/usr/bin/chromium"

// chromiumArgs suit a machine whose only network is loopback: nothing in the
// browser may try to reach the outside world or wait for it.
var chromiumArgs = []string{
	"--no-sandbox",
	"--disable-gpu",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
	"--disable-quic",
}

// harness is what TestMain sets up once for every test. TestMain writes it
// before m.Run and tears it down after; tests only read it.
var harness struct {
	root      string // repository root, the directory holding go.mod
	artifacts string // e2e/artifacts: server logs and screenshots
	tmp       string // holds the server binary

	serverBin string // the built ./server, or "" when it did not build
	serverErr error  // why serverBin is ""
	required  bool   // CI=true or BARRAGE_E2E_REQUIRED=1: no server fails

	pw      *playwright.Playwright
	browser playwright.Browser
}

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

// runTests sets the harness up, runs the tests and tears the harness down,
// returning the process exit code.
func runTests(m *testing.M) int {
	if err := setUp(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		tearDown()
		return 1
	}
	defer tearDown()
	return m.Run()
}

func setUp() error {
	var err error
	if harness.root, err = repoRoot(); err != nil {
		return err
	}
	harness.required = os.Getenv("CI") == "true" || os.Getenv("BARRAGE_E2E_REQUIRED") == "1"

	harness.artifacts = filepath.Join(harness.root, "e2e", "artifacts")
	if err := os.RemoveAll(harness.artifacts); err != nil {
		return fmt.Errorf("clear artifacts: %w", err)
	}
	if err := os.MkdirAll(harness.artifacts, 0o755); err != nil {
		return fmt.Errorf("create artifacts: %w", err)
	}
	if harness.tmp, err = os.MkdirTemp("", "barrage-e2e-"); err != nil {
		return fmt.Errorf("create temporary directory: %w", err)
	}

	buildServer()
	return startBrowser()
}

// repoRoot finds the directory holding go.mod, starting from the package
// directory that `go test` runs in.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find repository root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find repository root: no go.mod above the working directory")
		}
		dir = parent
	}
}

// buildServer builds ./server once, or takes the binary named by
// BARRAGE_E2E_SERVER_BIN (built elsewhere, e.g. with -race). A failure is
// recorded, not returned: tests that need the server skip or fail on it (see
// requireServer), the others still run.
func buildServer() {
	if bin := os.Getenv("BARRAGE_E2E_SERVER_BIN"); bin != "" {
		abs, err := filepath.Abs(bin)
		if err == nil {
			_, err = os.Stat(abs)
		}
		if err != nil {
			harness.serverErr = fmt.Errorf("BARRAGE_E2E_SERVER_BIN: %w", err)
			fmt.Fprintf(os.Stderr, "e2e: %v\n", harness.serverErr)
			return
		}
		harness.serverBin = abs
		return
	}

	bin := filepath.Join(harness.tmp, "barrage")
	cmd := exec.Command("go", "build", "-o", bin, "./server")
	cmd.Dir = harness.root
	out, err := cmd.CombinedOutput()
	if err != nil {
		harness.serverErr = fmt.Errorf("go build ./server: %w: %s",
			err, strings.TrimSpace(string(out)))
		fmt.Fprintf(os.Stderr, "e2e: server binary not built: %v\n", harness.serverErr)
		return
	}
	harness.serverBin = bin
}

// startBrowser starts the Playwright driver from e2e/node_modules with the
// machine's node, then launches Debian's Chromium headless.
func startBrowser() error {
	const hint = "run: bash scripts/e2e-deps.sh"
	if os.Getenv("PLAYWRIGHT_NODEJS_PATH") == "" {
		node, err := exec.LookPath("node")
		if err != nil {
			return fmt.Errorf("find node (%s): %w", hint, err)
		}
		os.Setenv("PLAYWRIGHT_NODEJS_PATH", node)
	}
	if os.Getenv("PLAYWRIGHT_CLI_PATH") == "" {
		cli := filepath.Join(harness.root, "e2e", "node_modules", "playwright-core", "cli.js")
		if _, err := os.Stat(cli); err != nil {
			return fmt.Errorf("find playwright-core (%s): %w", hint, err)
		}
		os.Setenv("PLAYWRIGHT_CLI_PATH", cli)
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		return fmt.Errorf("find chromium (%s): %w", hint, err)
	}

	pw, err := playwright.Run(&playwright.RunOptions{SkipInstallBrowsers: true})
	if err != nil {
		return fmt.Errorf("start playwright driver %s (%s): %w",
			os.Getenv("PLAYWRIGHT_CLI_PATH"), hint, err)
	}
	harness.pw = pw

	browser, err := pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(chromiumPath),
		Headless:       playwright.Bool(true),
		Args:           chromiumArgs,
		Timeout:        playwright.Float(60_000),
	})
	if err != nil {
		return fmt.Errorf("launch %s: %w", chromiumPath, err)
	}
	harness.browser = browser
	return nil
}

// tearDown closes what setUp opened, whatever state it got to.
func tearDown() {
	if harness.browser != nil {
		if err := harness.browser.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: close browser: %v\n", err)
		}
	}
	if harness.pw != nil {
		if err := harness.pw.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: stop playwright: %v\n", err)
		}
	}
	if harness.tmp != "" {
		os.RemoveAll(harness.tmp)
	}
}

// requireServer returns the server binary, or ends the test: it skips while
// ./server does not build, and fails instead when the server is required.
func requireServer(t testing.TB) string {
	t.Helper()
	if harness.serverBin != "" {
		return harness.serverBin
	}
	if harness.required {
		t.Fatalf("server binary required (CI=true or BARRAGE_E2E_REQUIRED=1) "+
			"but not built: %v", harness.serverErr)
	}
	t.Skipf("skipping: no server binary "+
		"(set BARRAGE_E2E_REQUIRED=1 to fail instead): %v", harness.serverErr)
	return ""
}
