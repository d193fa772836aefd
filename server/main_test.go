package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// logLines collects the lines run writes to stdout through a pipe and
// announces the listening URL.
type logLines struct {
	mu    sync.Mutex
	lines []string
	url   chan string
	done  chan struct{}
}

var listeningURL = regexp.MustCompile(`msg=listening .*url=(http://127\.0\.0\.1:\d+)`)

func readLog(r io.Reader) *logLines {
	l := &logLines{url: make(chan string, 1), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := sc.Text()
			l.mu.Lock()
			l.lines = append(l.lines, line)
			l.mu.Unlock()
			if m := listeningURL.FindStringSubmatch(line); m != nil {
				select {
				case l.url <- m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, r) // never block the writer
	}()
	return l
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// TestRunServesAndStops starts the real program on a free port, checks
// /healthz and that cancelling the context shuts it down cleanly.
func TestRunServesAndStops(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "s")
	args := []string{
		"--addr", "127.0.0.1:0", "--dev", "--dev-secret-file", secretFile,
		"--shutdown-timeout", "2s",
	}
	pr, pw := io.Pipe()
	logs := readLog(pr)
	var stderr syncBuffer

	// Start-up gzips the embedded app.wasm, which takes seconds under -race.
	const bound = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	result := make(chan error, 1)
	go func() {
		err := run(ctx, args, env(nil), pw, &stderr)
		_ = pw.Close()
		result <- err
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-logs.done:
		case <-time.After(bound):
			t.Errorf("run still going %v after cancel", bound)
		}
	})

	var url string
	select {
	case url = <-logs.url:
	case err := <-result:
		t.Fatalf("run returned %v before listening\nstdout:\n%s\nstderr:\n%s",
			err, logs, stderr.String())
	case <-time.After(bound):
		t.Fatalf("no listening line within %v\nstdout:\n%s", bound, logs)
	}

	checkHealth(t, url)
	wantMode(t, secretFile, 0o600)

	cancel()
	select {
	case err := <-result:
		if err != nil {
			t.Errorf("run returned %v after cancel; want nil", err)
		}
	case <-time.After(15 * time.Second): // the shutdown timeout is 2s
		t.Fatalf("run did not return within 15s of cancel\nstdout:\n%s", logs)
	}
	<-logs.done
	out := logs.String()
	for _, want := range []string{"msg=\"shutting down\"", "msg=stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "level=ERROR") {
		t.Errorf("clean start and stop logged an error:\n%s", out)
	}
}

func checkHealth(t *testing.T, url string) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	resp, err := client.Get(url + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("decode /healthz: %v", err)
	}
	if resp.StatusCode != http.StatusOK || body.Status != "ok" {
		t.Errorf("GET /healthz = %d %+v; want 200 ok", resp.StatusCode, body)
	}
}

func wantMode(t *testing.T, file string, mode os.FileMode) {
	t.Helper()
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatalf("dev secret file: %v", err)
	}
	if got := fi.Mode().Perm(); got != mode {
		t.Errorf("%s has mode %v; want %v", file, got, mode)
	}
}

// TestRunRefusesBeforeListening checks start-up errors that return at once.
func TestRunRefusesBeforeListening(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no secret outside dev", []string{"--addr", "127.0.0.1:0"}, nil, "BARRAGE_SECRET"},
		{"short secret", []string{"--addr", "127.0.0.1:0"},
			map[string]string{"BARRAGE_SECRET": "short"}, "BARRAGE_SECRET"},
		{"bad config", []string{"--log-format", "xml"}, nil, "--log-format"},
		{"bad env", nil, map[string]string{"BARRAGE_ROOM_IDLE": "soon"}, "BARRAGE_ROOM_IDLE"},
		{"address in use or invalid", []string{"--addr", "127.0.0.1:-1"},
			map[string]string{"BARRAGE_SECRET": strings.Repeat("k", 32)}, "listen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, env(tt.env), &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run error %v; want one mentioning %q", err, tt.want)
			}
			if strings.Contains(stdout.String(), "msg=listening") {
				t.Errorf("run listened despite the error:\n%s", stdout.String())
			}
		})
	}
}

func TestRunHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"--help"}, env(nil), &stdout, &stderr)
	if !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run --help = %v; want flag.ErrHelp", err)
	}
	if !strings.Contains(stderr.String(), "Usage: barrage") {
		t.Errorf("no usage on stderr:\n%s", stderr.String())
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
