// Command barrage serves live rooms of danmaku over WebSocket. See the
// README for its flags and protocol; `barrage replay` plays a recorded track
// into a room of a running server.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"barrage/server/auth"
	"barrage/server/hub"
	"barrage/server/replay"
	"barrage/server/web"
	"barrage/static"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "barrage:", err)
		os.Exit(1)
	}
}

// run is the whole program; main only adds the process's signals and exit
// status, so that tests can run it as it is.
func run(ctx context.Context, args []string, getenv func(string) string,
	stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "replay" {
		return replay.Command(ctx, args[1:], stdout, stderr, getenv)
	}
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := cfg.logger(stdout)
	secret, source, err := auth.LoadSecret(cfg.secret, cfg.dev, cfg.devSecretFile)
	if err != nil {
		return err
	}
	signer, err := auth.NewSigner(secret)
	if err != nil {
		return err
	}
	if source != auth.FromEnv {
		log.Warn("using a development signing secret; set BARRAGE_SECRET in production",
			"source", string(source), "file", cfg.devSecretFile)
	}

	if cfg.dev && cfg.adminPassword == "" {
		cfg.adminPassword = rand.Text()[:12]
		log.Warn("generated an admin password for the sign-in page",
			"admin_password", cfg.adminPassword)
	}
	if _, err := fs.Stat(static.FS, "app.wasm"); err != nil {
		log.Warn("static/app.wasm was missing at build time; room pages will not load: " +
			"build with go tool task build:wasm, or start with go tool task run")
	}

	h := hub.New(cfg.hub, log.With("component", "hub"))
	srv, err := web.New(web.Options{
		Hub: h, Signer: signer, Transport: cfg.transport, Log: log,
		Dev: cfg.dev, TokenTTL: cfg.tokenTTL, AdminPassword: cfg.adminPassword,
		AllowedOrigins: strings.Split(cfg.allowedOrigins, ","),
		Static:         static.FS,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	return serve(ctx, cfg, log, h, srv, ln)
}

// serve runs the hub and the HTTP server until ctx ends, then shuts down:
// every WebSocket gets 1001 so that clients come back by themselves.
func serve(ctx context.Context, cfg config, log *slog.Logger, h *hub.Hub,
	srv *web.Server, ln net.Listener) error {
	hubCtx, stopHub := context.WithCancel(context.Background())
	defer stopHub()
	go h.Run(hubCtx)
	if cfg.dev {
		go playDemo(hubCtx, srv.Replays(), cfg.demoTrack, log)
	}

	httpSrv := web.NewHTTPServer(srv.Handler(), log)
	served := make(chan error, 1)
	go func() { served <- httpSrv.Serve(ln) }()
	log.Info("listening", "url", "http://"+ln.Addr().String(), "dev", cfg.dev)

	select {
	case err := <-served:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.shutdown)
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.shutdown)
	defer cancel()
	// Refuse joins and tell every socket 1001, stop listening (hijacked
	// WebSockets are not the HTTP server's to wait for), then wait for the
	// sockets' close handshakes. A client too slow to finish in time is
	// dropped with the process: worth a warning, not a failed exit.
	h.Shutdown()
	if err := httpSrv.Shutdown(shutCtx); err != nil {
		log.Warn("http requests still running at shutdown timeout", "error", err)
	}
	if err := srv.Shutdown(shutCtx); err != nil {
		log.Warn("websockets still open at shutdown timeout", "error", err)
	}
	log.Info("stopped")
	return nil
}

// DemoRoom is the room --dev fills with a replay, so that a newcomer sees
// bullets at once.
const DemoRoom = "demo"

// playDemo plays track into the demo room over and over until ctx ends or
// someone stops or replaces the replay.
func playDemo(ctx context.Context, m *replay.Manager, name string, log *slog.Logger) {
	track, err := replay.OpenTrack(name)
	if err != nil {
		log.Error("demo replay", "track", name, "error", err)
		return
	}
	for {
		r, err := m.Start(DemoRoom, track, 1)
		if err != nil {
			log.Warn("demo replay", "error", err)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-r.Done():
		}
		if r.Err() != nil { // stopped or replaced by a moderator
			return
		}
	}
}
