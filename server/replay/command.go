package replay

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"barrage/protocol"
)

// Defaults and timings of the replay subcommand.
const (
	defaultServer = "http://localhost:8080"
	defaultRoom   = "demo"
	// pollEvery is how often the progress line is refreshed.
	pollEvery = 500 * time.Millisecond
	// requestTimeout bounds each request, uploading the largest track included.
	requestTimeout = 30 * time.Second
	// stopTimeout bounds the DELETE sent after an interrupt, whose context
	// is already cancelled.
	stopTimeout = 5 * time.Second
)

// Command runs `barrage replay [flags] FILE.xml|TRACK`: it plays a danmaku
// track into a room of a running server and follows its progress on one
// line of stdout, rewritten in place. FILE.xml is parsed locally first, so a
// malformed file is reported before any request; a TRACK is the name of an
// embedded track (see [Tracks]) that the server already holds.
//
// Flags, before or after the track: --server (default $BARRAGE_SERVER, then
// http://localhost:8080), --room (default demo), --speed (default 1) and
// --token (default $BARRAGE_TOKEN; when empty, a development server's
// POST /api/token supplies one). Usage and flag errors go to stderr.
//
// Command returns nil when the replay has ended on the server. When ctx is
// done (Ctrl-C) it stops the replay with a DELETE and returns ctx.Err(), so
// the caller can exit as interrupted programs do.
func Command(
	ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string,
) error {
	c, target, err := newClient(args, stdout, stderr, getenv)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	defer c.http.CloseIdleConnections()
	src, err := loadSource(target)
	if err != nil {
		return err
	}
	return c.run(ctx, src)
}

// client talks to one server on behalf of one Command.
type client struct {
	http   *http.Client
	server string
	room   string
	speed  float64
	token  string
	out    io.Writer
	every  time.Duration
	width  int // length of the progress line last printed, to blank it out
}

// newClient reads the flags and returns the client and the track argument.
func newClient(
	args []string, stdout, stderr io.Writer, getenv func(string) string,
) (*client, string, error) {
	// An own transport, so that closing its idle connections at the end
	// leaves no goroutine behind and touches no one else's connections.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	c := &client{
		http:  &http.Client{Transport: transport, Timeout: requestTimeout},
		out:   stdout,
		every: pollEvery,
	}
	fset := flag.NewFlagSet("replay", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { usage(fset) }
	server := getenv("BARRAGE_SERVER")
	if server == "" {
		server = defaultServer
	}
	fset.StringVar(&c.server, "server", server, "server `URL` (env BARRAGE_SERVER)")
	fset.StringVar(&c.room, "room", defaultRoom, "room `id` to play into")
	fset.Float64Var(&c.speed, "speed", 1, "playback speed `factor`")
	// The default stays empty in the usage text, which must not print a token.
	fset.StringVar(&c.token, "token", "", "bearer `token` (env BARRAGE_TOKEN)")

	target, err := parseArgs(fset, args)
	if err != nil {
		return nil, "", err
	}
	if c.token == "" {
		c.token = getenv("BARRAGE_TOKEN")
	}
	if err := c.check(); err != nil {
		return nil, "", fmt.Errorf("replay: %w", err)
	}
	return c, target, nil
}

// parseArgs parses flags placed before and after the one track argument.
func parseArgs(fset *flag.FlagSet, args []string) (string, error) {
	if err := fset.Parse(args); err != nil {
		return "", err
	}
	if fset.NArg() == 0 {
		fset.Usage()
		return "", errors.New("replay: want a FILE.xml or a track name")
	}
	target := fset.Arg(0)
	if err := fset.Parse(fset.Args()[1:]); err != nil {
		return "", err
	}
	if fset.NArg() > 0 {
		return "", fmt.Errorf("replay: unexpected argument %q after %q", fset.Arg(0), target)
	}
	return target, nil
}

func usage(fset *flag.FlagSet) {
	w := fset.Output()
	fmt.Fprintln(w, "usage: barrage replay [flags] FILE.xml|TRACK")
	fmt.Fprintln(w, "Plays a Bilibili danmaku track into a room of a running server.")
	fmt.Fprintf(w, "Embedded tracks: %s\n", strings.Join(Tracks(), ", "))
	fset.PrintDefaults()
}

// check validates the flags before any request.
func (c *client) check() error {
	u, err := url.Parse(c.server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--server %q is not an http(s) URL", c.server)
	}
	c.server = strings.TrimSuffix(c.server, "/")
	if !protocol.ValidRoomID(c.room) {
		return fmt.Errorf("--room %q: want 1-%d characters of A-Z a-z 0-9 _ -",
			c.room, protocol.MaxRoomID)
	}
	if err := checkSpeed(c.speed); err != nil {
		return fmt.Errorf("--speed: %w", err)
	}
	return nil
}

// source is what a replay plays: an XML file's bytes, or the name of an
// embedded track when body is nil.
type source struct {
	name string
	body []byte
}

// loadSource reads and parses a track file, or recognises the name of an
// embedded track when no such file exists.
func loadSource(target string) (source, error) {
	data, err := os.ReadFile(target)
	if errors.Is(err, fs.ErrNotExist) && slices.Contains(Tracks(), target) {
		return source{name: target}, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return source{}, fmt.Errorf("replay: %w (embedded tracks: %s)",
			err, strings.Join(Tracks(), ", "))
	}
	if err != nil {
		return source{}, fmt.Errorf("replay: %w", err)
	}
	name := strings.TrimSuffix(filepath.Base(target), filepath.Ext(target))
	if _, err := Parse(bytes.NewReader(data), name); err != nil {
		return source{}, fmt.Errorf("replay %s: %w", target, err)
	}
	return source{name: name, body: data}, nil
}

// run starts the replay and follows it to its end.
func (c *client) run(ctx context.Context, src source) error {
	if c.token == "" {
		token, err := c.devToken(ctx)
		if err != nil {
			return fmt.Errorf("replay: no --token or BARRAGE_TOKEN, "+
				"and no development token: %w", err)
		}
		c.token = token
	}
	st, err := c.start(ctx, src)
	if ctx.Err() != nil {
		// The upload may have reached the server before the interrupt.
		return c.interrupted(ctx, src, st)
	}
	if err != nil {
		return fmt.Errorf("replay: start: %w", err)
	}
	return c.follow(ctx, src, st)
}

// follow polls the replay's status, rewriting the progress line, until the
// replay ends on the server or ctx is done.
func (c *client) follow(ctx context.Context, src source, st Status) error {
	ticker := time.NewTicker(c.every)
	defer ticker.Stop()
	for st.Running {
		c.line(c.progressLine(src, st))
		select {
		case <-ctx.Done():
			return c.interrupted(ctx, src, st)
		case <-ticker.C:
		}
		next, err := c.status(ctx)
		var apiErr *apiError
		switch {
		case ctx.Err() != nil:
			return c.interrupted(ctx, src, st)
		case errors.As(err, &apiErr) && apiErr.status == http.StatusNotFound:
			return c.end(c.headline(src)+": stopped on the server", nil)
		case err != nil:
			err = fmt.Errorf("replay: follow: %w (the replay may still be running)", err)
			return c.end(c.progressLine(src, st), err)
		case next.ID != st.ID:
			return c.end(c.headline(src)+": replaced by another replay", nil)
		}
		st = next
	}
	return c.finished(src, st)
}

// finished prints the final line of a replay that ended on the server.
func (c *client) finished(src source, st Status) error {
	if st.Err != "" {
		line := fmt.Sprintf("%s: failed after %d/%d comments", c.headline(src), st.Done, st.Total)
		return c.end(line, fmt.Errorf("replay failed on the server: %s", st.Err))
	}
	verb := "done"
	if st.Done < st.Total {
		verb = "stopped"
	}
	line := fmt.Sprintf("%s: %s, %d/%d comments, %s at %sx",
		c.headline(src), verb, st.Done, st.Total,
		clock(st.AtSeconds), formatSpeed(st.Speed))
	if st.Skipped > 0 {
		line += fmt.Sprintf(" (%d positioned or scripted comments not played)", st.Skipped)
	}
	return c.end(line, nil)
}

// interrupted stops the replay on the server after ctx is done and returns
// ctx's error, joined with the DELETE's if that failed too.
func (c *client) interrupted(ctx context.Context, src source, st Status) error {
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopTimeout)
	defer cancel()
	err := c.stop(stopCtx)
	var apiErr *apiError
	if errors.As(err, &apiErr) && apiErr.status == http.StatusNotFound {
		err = nil // it had already ended
	}
	line := fmt.Sprintf("%s: interrupted at %d/%d comments", c.headline(src), st.Done, st.Total)
	if err != nil {
		return c.end(line, errors.Join(ctx.Err(), fmt.Errorf("replay: stop: %w", err)))
	}
	return c.end(line+", stopped", ctx.Err())
}

// line rewrites the progress line in place, blanking what a longer previous
// line left behind.
func (c *client) line(s string) {
	pad := max(c.width-len(s), 0)
	fmt.Fprintf(c.out, "\r%s%s", s, strings.Repeat(" ", pad))
	c.width = len(s)
}

// end prints s as the last line and returns err.
func (c *client) end(s string, err error) error {
	c.line(s)
	fmt.Fprintln(c.out)
	return err
}

func (c *client) headline(src source) string {
	return fmt.Sprintf("replay %s into %s", src.name, c.room)
}

// progressLine reads like
// `replay 2170097 into demo: 312/896 comments, 01:20/04:05 at 4x`.
func (c *client) progressLine(src source, st Status) string {
	return fmt.Sprintf("%s: %d/%d comments, %s/%s at %sx",
		c.headline(src), st.Done, st.Total,
		clock(st.AtSeconds), clock(st.LengthSeconds), formatSpeed(st.Speed))
}

// clock formats seconds as mm:ss; minutes go past 59 for long tracks.
func clock(seconds float64) string {
	s := int(seconds)
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

func formatSpeed(speed float64) string {
	return strconv.FormatFloat(speed, 'g', -1, 64)
}
