//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	// testSecret signs the sessions of every server the tests start, so a
	// restarted server accepts the cookies the one before it issued.
	testSecret = "barrage-e2e-test-secret-not-for-production-0123456789"

	// healthTimeout bounds the wait for a starting server to answer /healthz.
	healthTimeout = 15 * time.Second

	// stopTimeout bounds a graceful shutdown after SIGTERM; past it the
	// server is killed and the test fails.
	stopTimeout = 10 * time.Second
)

// httpClient is the harness's own HTTP client for health checks and the API.
var httpClient = &http.Client{Timeout: 10 * time.Second}

// Server is one barrage binary run by [startServer]. Its methods belong to
// the goroutine of the test that started it.
type Server struct {
	addr    string   // 127.0.0.1:PORT, kept across restarts
	args    []string // the command line after the binary's name
	env     []string // KEY=VALUE added to the test's environment
	logPath string   // stdout and stderr of every run, appended

	proc *serverProc // the running process, nil while stopped
}

// serverProc is one run of the server binary.
type serverProc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // cmd.Wait's result, set before done is closed
}

// ServerOptions are the extras for [startServerWith].
type ServerOptions struct {
	// Args follow `--addr 127.0.0.1:PORT --dev` on the command line.
	Args []string
	// Env holds KEY=VALUE pairs; they override the harness's own
	// (BARRAGE_SECRET, XDG_CACHE_HOME) and the test's environment.
	Env []string
}

// startServer runs the server binary on a free loopback port in development
// mode, with extraArgs after `--addr 127.0.0.1:PORT --dev`, and waits until
// GET /healthz answers 200. The server is stopped when the test ends: SIGTERM,
// then SIGKILL after a bounded wait, which fails the test, as does a server
// that exits by itself or with an error. Its output goes to
// e2e/artifacts/<test>-server<N>.log.
//
// While ./server does not build, startServer skips the test (fails it when
// CI=true or BARRAGE_E2E_REQUIRED=1).
func startServer(t *testing.T, extraArgs ...string) *Server {
	t.Helper()
	return startServerWith(t, ServerOptions{Args: extraArgs})
}

// startServerWith is [startServer] with extra environment variables.
func startServerWith(t *testing.T, opts ServerOptions) *Server {
	t.Helper()
	requireServer(t)
	addr, err := freeLoopbackAddr()
	if err != nil {
		t.Fatalf("start server: %v", err)
	}

	args := append([]string{"--addr", addr, "--dev"}, opts.Args...)
	env := []string{
		"BARRAGE_SECRET=" + testSecret,
		// Keep development mode's generated files out of the real cache.
		"XDG_CACHE_HOME=" + t.TempDir(),
	}
	s := &Server{
		addr:    addr,
		args:    args,
		env:     append(env, opts.Env...),
		logPath: artifactPath(t, fmt.Sprintf("server%d.log", nextServerNumber(t))),
	}
	t.Cleanup(func() {
		s.stop(t)
		if t.Failed() {
			t.Logf("server log: %s", s.logPath)
		}
	})
	s.start(t)
	return s
}

// URL is the server's base URL, http://127.0.0.1:PORT, without a slash.
func (s *Server) URL() string { return "http://" + s.addr }

// Addr is the server's listen address, 127.0.0.1:PORT.
func (s *Server) Addr() string { return s.addr }

// LogPath is the file holding the server's output.
func (s *Server) LogPath() string { return s.logPath }

// Restart stops the server gracefully and starts the same binary with the
// same arguments on the same port, waiting until it is healthy again.
// Sessions survive, since every run signs with the same secret.
func (s *Server) Restart(t *testing.T) {
	t.Helper()
	s.stop(t)
	s.start(t)
}

// TokenRequest is the body of the development endpoint POST /api/token.
type TokenRequest struct {
	User string `json:"user"`
	Name string `json:"name"`
	Role string `json:"role"` // viewer, host or admin
	// Room is the room a host hosts; the server requires it for hosts.
	Room string `json:"room,omitempty"`
	// TTLSeconds, when set, changes the token's lifetime.
	TTLSeconds int64 `json:"ttl_seconds,omitempty"`
}

// Token gets a session token from the development endpoint POST /api/token.
func (s *Server) Token(t *testing.T, user, name, role string) string {
	t.Helper()
	return s.TokenFor(t, TokenRequest{User: user, Name: name, Role: role})
}

// TokenFor is [Server.Token] with every field of the request.
func (s *Server) TokenFor(t *testing.T, req TokenRequest) string {
	t.Helper()
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatalf("token for %q: %v", req.User, err)
	}
	resp, err := httpClient.Post(s.URL()+"/api/token", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("token for %q: %v", req.User, err)
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("token for %q: read reply: %v", req.User, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("token for %q: POST /api/token: %s: %s", req.User, resp.Status, reply)
	}

	var tok struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(reply, &tok); err != nil || tok.Token == "" {
		t.Fatalf("token for %q: reply %s: no token (%v)", req.User, reply, err)
	}
	return tok.Token
}

// start runs the binary once and waits until it is healthy.
func (s *Server) start(t *testing.T) {
	t.Helper()
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatalf("start server: open log: %v", err)
	}
	defer logf.Close() // the child keeps its own descriptor
	fmt.Fprintf(logf, "=== %s start: barrage %s\n",
		time.Now().Format(time.RFC3339Nano), strings.Join(s.args, " "))

	cmd := exec.Command(harness.serverBin, s.args...)
	cmd.Dir = harness.root // static files and templates resolve from here
	cmd.Env = append(os.Environ(), s.env...)
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = serverSysProcAttr()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start server: %v", err)
	}
	p := &serverProc{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	s.proc = p

	if err := s.waitHealthy(p); err != nil {
		select {
		case <-p.done:
			s.proc = nil // already reported: no second error at cleanup
		default:
		}
		t.Fatalf("start server on %s: %v (log: %s)\n%s",
			s.addr, err, s.logPath, logTail(s.logPath))
	}
}

// waitHealthy polls GET /healthz until it answers 200, the process exits or
// healthTimeout passes.
func (s *Server) waitHealthy(p *serverProc) error {
	deadline := time.Now().Add(healthTimeout)
	client := &http.Client{Timeout: time.Second}
	last := "no answer"
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("exited before it was healthy: %v", p.err)
		default:
		}
		resp, err := client.Get(s.URL() + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("GET /healthz not 200 within %v: last %s", healthTimeout, last)
}

// stop ends the running process, if any: SIGTERM, then SIGKILL after
// stopTimeout. A server that had already exited, needed SIGKILL or exited
// with an error fails the test: graceful shutdown is part of the contract.
func (s *Server) stop(t *testing.T) {
	t.Helper()
	p := s.proc
	if p == nil {
		return
	}
	s.proc = nil

	select {
	case <-p.done:
		t.Errorf("server on %s exited before the test stopped it: %v", s.addr, p.err)
		return
	default:
	}

	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("stop server on %s: SIGTERM: %v", s.addr, err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("server on %s exited after SIGTERM with %v", s.addr, p.err)
		}
		appendLog(s.logPath, fmt.Sprintf("=== stopped by SIGTERM in %v: exit %v",
			time.Since(start).Round(time.Millisecond), p.err))
		return
	case <-time.After(stopTimeout):
	}

	t.Errorf("server on %s still running %v after SIGTERM: killing it", s.addr, stopTimeout)
	if err := p.cmd.Process.Kill(); err != nil {
		t.Errorf("stop server on %s: SIGKILL: %v", s.addr, err)
	}
	select {
	case <-p.done:
		appendLog(s.logPath, "=== killed after SIGTERM timed out")
	case <-time.After(5 * time.Second):
		t.Errorf("server on %s survived SIGKILL for 5s", s.addr)
	}
}

// freeLoopbackAddr asks the kernel for a free port on 127.0.0.1. The port is
// free when this returns; the server binds it a moment later.
func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	return addr, nil
}

// appendLog adds one harness line to a server log, best effort.
func appendLog(path, line string) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintln(f, line)
}

// logTail is the end of a log file, for failure messages.
func logTail(path string) string {
	const max = 4 << 10
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(read log: %v)", err)
	}
	if len(b) > max {
		b = append([]byte("…"), b[len(b)-max:]...)
	}
	return string(b)
}
