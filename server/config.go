package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"barrage/server/auth"
	"barrage/server/hub"
	"barrage/server/replay"
	"barrage/server/transport"
)

// config is everything the server reads at start: flags, each with an
// environment fallback named BARRAGE_ plus the flag in upper case with
// dashes as underscores (--room-idle: BARRAGE_ROOM_IDLE). A flag given on
// the command line wins over the environment. The signing secret comes only
// from the environment (BARRAGE_SECRET), never from a flag, so that it does
// not show in the process list.
type config struct {
	addr           string
	dev            bool
	allowedOrigins string
	tokenTTL       time.Duration
	shutdown       time.Duration
	logLevel       string
	logFormat      string
	devSecretFile  string
	demoTrack      string
	adminPassword  string
	secret         string
	hub            hub.Config
	transport      transport.Config
}

// parseConfig fills a config from args and getenv.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("barrage", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: barrage [flags]\n       barrage replay [flags] FILE.xml|TRACK\n\n"+
			"Every flag can also be set as BARRAGE_<FLAG> in the environment.\n"+
			"The signing secret is read from BARRAGE_SECRET (at least 32 bytes).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&c.addr, "addr", "localhost:8080", "address to listen on")
	fs.BoolVar(&c.dev, "dev", false,
		"development mode: POST /api/token for anyone, a generated secret, a demo room")
	fs.StringVar(&c.allowedOrigins, "allowed-origins", "",
		"comma-separated origins (scheme://host:port) besides our own that may open WebSockets")
	fs.DurationVar(&c.tokenTTL, "token-ttl", 24*time.Hour, "lifetime of tokens issued by the server")
	fs.DurationVar(&c.shutdown, "shutdown-timeout", 5*time.Second,
		"how long a shutdown waits for sockets to close")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.devSecretFile, "dev-secret-file", auth.DefaultDevSecretFile(),
		"where --dev keeps its generated secret, so restarts keep sessions")
	fs.StringVar(&c.demoTrack, "demo-track", "1600157973",
		"embedded track --dev plays in the demo room ("+strings.Join(replay.Tracks(), ", ")+")")
	fs.StringVar(&c.adminPassword, "admin-password", "",
		"password that makes an admin on the sign-in page (--dev generates one if empty)")
	hubFlags(fs, &c.hub)
	transportFlags(fs, &c.transport)

	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := envFallback(fs, getenv); err != nil {
		return c, err
	}
	c.secret = getenv("BARRAGE_SECRET")
	c.transport = c.transport.WithDefaults()
	// The transport sends the heartbeats; the hub announces their period in
	// every welcome, so that clients know what silence means.
	c.hub.HeartbeatInterval = c.transport.HeartbeatInterval
	return c, c.validate()
}

func hubFlags(fs *flag.FlagSet, h *hub.Config) {
	fs.IntVar(&h.ControlQueue, "control-queue", 256,
		"control events a connection may fall behind before it is closed with 4100")
	fs.IntVar(&h.DataQueue, "data-queue", 512,
		"comments a connection may fall behind before the oldest are skipped")
	fs.IntVar(&h.Recent, "recent", 50, "recent comments a room keeps for newcomers")
	fs.DurationVar(&h.PresenceInterval, "presence-interval", time.Second,
		"least time between presence events in a room")
	fs.DurationVar(&h.SweepInterval, "sweep-interval", 10*time.Second,
		"period of the membership check and idle-room sweep")
	fs.DurationVar(&h.RoomIdle, "room-idle", 30*time.Second,
		"how long an empty room is kept before it is dropped")
	fs.Float64Var(&h.RatePerSecond, "rate", 2, "comments per second per user")
	fs.IntVar(&h.RateBurst, "burst", 5, "comments a user may send at once")
	fs.IntVar(&h.MaxUserConns, "max-user-conns", 16,
		"connections (tabs, devices) one user may hold; more are refused with 4005")
}

func transportFlags(fs *flag.FlagSet, t *transport.Config) {
	fs.Int64Var(&t.ReadLimit, "read-limit", 4096,
		"largest client frame in bytes (larger: close 1009)")
	fs.DurationVar(&t.WriteTimeout, "write-timeout", 10*time.Second,
		"time a client has to take one frame")
	fs.DurationVar(&t.PingInterval, "ping-interval", 25*time.Second, "period of keepalive pings")
	fs.DurationVar(&t.PongWait, "pong-wait", 60*time.Second,
		"silence after which a client is dropped")
	fs.DurationVar(&t.HeartbeatInterval, "heartbeat-interval", 20*time.Second,
		"quiet time after which a heartbeat event is sent")
	fs.DurationVar(&t.Grace, "grace", time.Second,
		"time a removed client has to close before the server closes it")
	fs.DurationVar(&t.CloseWait, "close-wait", time.Second,
		"time the server waits for a client's close reply")
	fs.IntVar(&t.SendBuffer, "send-buffer", 64<<10,
		"kernel send buffer per socket in bytes; beyond it, slow viewers skip old comments")
}

// envFallback sets every flag not given on the command line from its
// BARRAGE_ environment variable, if that is set.
func envFallback(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		name := "BARRAGE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v := getenv(name)
		if given[f.Name] || v == "" {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", name, v, err))
		}
	})
	return errors.Join(errs...)
}

func (c config) validate() error {
	var errs []error
	if c.transport.PongWait <= c.transport.PingInterval {
		errs = append(errs, errors.New("--pong-wait must be longer than --ping-interval"))
	}
	if c.hub.RatePerSecond <= 0 || c.hub.RateBurst < 1 {
		errs = append(errs, errors.New("--rate must be positive and --burst at least 1"))
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format %q: want text or json", c.logFormat))
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.logLevel)); err != nil {
		errs = append(errs, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.logLevel))
	}
	return errors.Join(errs...)
}

// logger builds the process's logger from the configuration.
func (c config) logger(w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.logLevel)) // checked by validate
	opts := &slog.HandlerOptions{Level: lvl}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
