package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const testToken = "secret-token"

// request is what the test server saw of one request.
type request struct {
	method, path, query, auth, ctype string
	body                             []byte
}

// apiServer is a real HTTP server with the endpoints the replay subcommand
// uses, in front of a real Manager whose sink records comments.
type apiServer struct {
	*httptest.Server
	m    *Manager
	sink *roomSink

	mu       sync.Mutex
	requests []request
	onPoll   func() // called on each GET, when set
}

func newAPIServer(t *testing.T) *apiServer {
	t.Helper()
	s := &apiServer{sink: newRoomSink()}
	s.m = NewManager(s.sink.sink, nil)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/token", s.token)
	mux.HandleFunc("POST /api/rooms/{room}/replay", s.authed(s.start))
	mux.HandleFunc("GET /api/rooms/{room}/replay", s.authed(s.status))
	mux.HandleFunc("DELETE /api/rooms/{room}/replay", s.authed(s.stop))
	s.Server = httptest.NewServer(s.record(mux))
	t.Cleanup(func() {
		s.Close()
		s.m.Close()
	})
	return s
}

func (s *apiServer) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		s.mu.Lock()
		s.requests = append(s.requests, request{
			method: r.Method, path: r.URL.Path, query: r.URL.RawQuery,
			auth: r.Header.Get("Authorization"), ctype: r.Header.Get("Content-Type"), body: body,
		})
		onPoll := s.onPoll
		s.mu.Unlock()
		if onPoll != nil && r.Method == http.MethodGet {
			onPoll()
		}
		next.ServeHTTP(w, r)
	})
}

func (s *apiServer) seen() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.requests...)
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func replyError(w http.ResponseWriter, status int, msg string) {
	reply(w, status, map[string]string{"error": msg})
}

func (s *apiServer) token(w http.ResponseWriter, r *http.Request) {
	var who struct{ User, Name, Role string }
	if err := json.NewDecoder(r.Body).Decode(&who); err != nil || who.Role != "admin" {
		replyError(w, http.StatusBadRequest, "bad token request")
		return
	}
	reply(w, http.StatusOK, map[string]string{"token": testToken})
}

func (s *apiServer) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			replyError(w, http.StatusUnauthorized, "missing or invalid token")
			return
		}
		h(w, r)
	}
}

func (s *apiServer) start(w http.ResponseWriter, r *http.Request) {
	speed, err := strconv.ParseFloat(r.URL.Query().Get("speed"), 64)
	if err != nil {
		replyError(w, http.StatusBadRequest, "bad speed")
		return
	}
	var track *Track
	if name := r.URL.Query().Get("track"); name != "" {
		track, err = OpenTrack(name)
	} else {
		track, err = Parse(r.Body, r.URL.Query().Get("name"))
	}
	if err != nil {
		replyError(w, http.StatusBadRequest, err.Error())
		return
	}
	rp, err := s.m.Start(r.PathValue("room"), track, speed)
	if err != nil {
		replyError(w, http.StatusBadRequest, err.Error())
		return
	}
	reply(w, http.StatusAccepted, rp.Status())
}

func (s *apiServer) status(w http.ResponseWriter, r *http.Request) {
	st, ok := s.m.Status(r.PathValue("room"))
	if !ok {
		replyError(w, http.StatusNotFound, "no replay in this room")
		return
	}
	reply(w, http.StatusOK, st)
}

func (s *apiServer) stop(w http.ResponseWriter, r *http.Request) {
	if !s.m.Stop(r.PathValue("room")) {
		replyError(w, http.StatusNotFound, "no replay in this room")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// env is a getenv over a map.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// writeTrack writes an embedded track to a file in a temporary directory.
func writeTrack(t *testing.T, track, file string) (string, []byte) {
	t.Helper()
	data, err := fs.ReadFile(trackFS, "tracks/"+track+".xml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), file)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, data
}

func TestCommandFile(t *testing.T) {
	srv := newAPIServer(t)
	path, data := writeTrack(t, "1600157973", "clip.xml")
	var out, errOut strings.Builder
	args := []string{"--room", "r1", path, "--speed", "1000"}
	getenv := env(map[string]string{"BARRAGE_SERVER": srv.URL, "BARRAGE_TOKEN": testToken})
	if err := Command(t.Context(), args, &out, &errOut, getenv); err != nil {
		t.Fatalf("Command: %v\nstderr: %s", err, errOut.String())
	}

	reqs := srv.seen()
	post := reqs[0]
	if post.method != http.MethodPost || post.path != "/api/rooms/r1/replay" ||
		post.query != "name=clip&speed=1000" || post.ctype != "application/xml" ||
		post.auth != "Bearer "+testToken || string(post.body) != string(data) {
		t.Errorf("first request %s %s?%s (%s, %s, %d bytes)",
			post.method, post.path, post.query, post.ctype, post.auth, len(post.body))
	}
	for _, r := range reqs[1:] {
		if r.method != http.MethodGet || r.path != "/api/rooms/r1/replay" {
			t.Errorf("then %s %s, want only GETs of the status", r.method, r.path)
		}
	}
	if n := len(srv.sink.ids("r1")); n != 600 {
		t.Errorf("room got %d comments, want 600", n)
	}
	// How far the replay came before the first line depends on scheduling.
	progress := regexp.MustCompile(
		`^\rreplay clip into r1: \d+/600 comments, \d\d:\d\d/01:53 at 1000x`)
	if !progress.MatchString(out.String()) {
		t.Errorf("output %q does not start with a progress line", out.String())
	}
	want := ": done, 600/600 comments, 01:53 at 1000x\n"
	if !strings.HasSuffix(out.String(), want) {
		t.Errorf("output ends %q, want %q", out.String(), want)
	}
}

// Without a token the command asks the development endpoint for one.
func TestCommandTrackNameDevToken(t *testing.T) {
	srv := newAPIServer(t)
	var out, errOut strings.Builder
	args := []string{"--server", srv.URL + "/", "--speed=1000", "2170097"}
	if err := Command(t.Context(), args, &out, &errOut, env(nil)); err != nil {
		t.Fatalf("Command: %v\nstderr: %s", err, errOut.String())
	}
	reqs := srv.seen()
	var who map[string]string
	if err := json.Unmarshal(reqs[0].body, &who); err != nil || reqs[0].path != "/api/token" ||
		who["user"] != "replay-bot" || who["name"] != "Replay" || who["role"] != "admin" {
		t.Errorf("first request %s %s, body %s", reqs[0].method, reqs[0].path, reqs[0].body)
	}
	start := reqs[1]
	if start.path != "/api/rooms/demo/replay" || start.query != "speed=1000&track=2170097" ||
		len(start.body) != 0 || start.auth != "Bearer "+testToken {
		t.Errorf("start request %s?%s (%s, %d bytes)",
			start.path, start.query, start.auth, len(start.body))
	}
	if n := len(srv.sink.ids("demo")); n != 896 {
		t.Errorf("room got %d comments, want 896 (973 less 77 positioned)", n)
	}
	want := "done, 896/896 comments, 04:05 at 1000x" +
		" (77 positioned or scripted comments not played)\n"
	if !strings.HasSuffix(out.String(), want) {
		t.Errorf("output ends %q, want %q", out.String(), want)
	}
}

// Ctrl-C stops the replay on the server with a DELETE.
func TestCommandInterrupt(t *testing.T) {
	srv := newAPIServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	srv.onPoll = cancel
	var out, errOut strings.Builder
	args := []string{"--server", srv.URL, "--token", testToken, "--room", "r2", "371495955"}
	err := Command(ctx, args, &out, &errOut, env(nil))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Command = %v, want context.Canceled", err)
	}
	reqs := srv.seen()
	last := reqs[len(reqs)-1]
	if last.method != http.MethodDelete || last.path != "/api/rooms/r2/replay" ||
		last.auth != "Bearer "+testToken {
		t.Errorf("last request %s %s (%s), want the DELETE", last.method, last.path, last.auth)
	}
	if _, ok := srv.m.Status("r2"); ok {
		t.Error("the replay still exists on the server")
	}
	if !strings.HasSuffix(out.String(), "/9228 comments, stopped\n") {
		t.Errorf("output %q", out.String())
	}
}

// A malformed file is reported, with where it broke, before any request.
func TestCommandMalformedFile(t *testing.T) {
	srv := newAPIServer(t)
	path := filepath.Join(t.TempDir(), "bad.xml")
	bad := "<?xml version=\"1.0\"?>\n<i>\n<d p=\"1,1,25,0,0,0,s,1\">ok</d>\n" +
		"<d p=\"2,abc,25,0,0,0,s,2\">bad</d>\n</i>\n"
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	err := Command(t.Context(), []string{"--server", srv.URL, path}, &out, &errOut, env(nil))
	want := fmt.Sprintf(`replay %s: parse track "bad": `+
		`line 4: comment 2: field 2 (mode) "abc": not a number`, path)
	if err == nil || err.Error() != want {
		t.Errorf("Command = %v\nwant %s", err, want)
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Errorf("error %T does not wrap a *ParseError", err)
	}
	if n := len(srv.seen()); n != 0 {
		t.Errorf("server saw %d requests, want none", n)
	}
}

// The server's {"error": …} text reaches the user.
func TestCommandServerError(t *testing.T) {
	srv := newAPIServer(t)
	var out, errOut strings.Builder
	args := []string{"--server", srv.URL, "--token", "wrong", "2170097"}
	err := Command(t.Context(), args, &out, &errOut, env(nil))
	want := "replay: start: 401 Unauthorized: missing or invalid token"
	if err == nil || err.Error() != want {
		t.Errorf("Command = %v, want %s", err, want)
	}

	args = []string{"--server", srv.URL + "/nothing-here", "2170097"}
	err = Command(t.Context(), args, &out, &errOut, env(nil))
	want = "POST /api/token: 404 Not Found: 404 page not found"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Command without a dev server = %v", err)
	}
}

// Bad arguments fail before any request.
func TestCommandBadArguments(t *testing.T) {
	srv := newAPIServer(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no track", []string{}, "replay: want a FILE.xml or a track name"},
		{"two tracks", []string{"2170097", "x"}, `replay: unexpected argument "x" after "2170097"`},
		{"bad room", []string{"--room", "a b", "2170097"}, `replay: --room "a b": want 1-64`},
		{"bad speed", []string{"--speed", "0", "2170097"}, "replay: --speed: speed out of range"},
		{"bad server", []string{"--server", "localhost:8080", "2170097"}, "is not an http(s) URL"},
		{"unknown flag", []string{"--fast", "2170097"}, "flag provided but not defined: -fast"},
		{"unknown track", []string{"nope"},
			"no such file or directory (embedded tracks: 1600157973, 2170097, 371495955)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut strings.Builder
			getenv := env(map[string]string{"BARRAGE_SERVER": srv.URL})
			err := Command(t.Context(), tt.args, &out, &errOut, getenv)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Command = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if n := len(srv.seen()); n != 0 {
		t.Errorf("server saw %d requests, want none", n)
	}
}

func TestCommandHelp(t *testing.T) {
	var out, errOut strings.Builder
	getenv := env(map[string]string{"BARRAGE_TOKEN": "do-not-print"})
	if err := Command(t.Context(), []string{"-h"}, &out, &errOut, getenv); err != nil {
		t.Fatalf("Command -h = %v", err)
	}
	help := errOut.String()
	if !strings.Contains(help, "usage: barrage replay") || !strings.Contains(help, "2170097") {
		t.Errorf("help text:\n%s", help)
	}
	if strings.Contains(help, "do-not-print") {
		t.Error("help text shows the token")
	}
}
