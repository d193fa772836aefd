package main

import (
	"bytes"
	"errors"
	"flag"
	"reflect"
	"strings"
	"testing"
	"time"

	"barrage/server/auth"
	"barrage/server/hub"
	"barrage/server/transport"
)

// env returns a getenv that reads only m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func mustParse(t *testing.T, args []string, vars map[string]string) config {
	t.Helper()
	var stderr bytes.Buffer
	c, err := parseConfig(args, env(vars), &stderr)
	if err != nil {
		t.Fatalf("parseConfig(%q, %v): %v\n%s", args, vars, err, stderr.String())
	}
	return c
}

func TestParseConfigDefaults(t *testing.T) {
	c := mustParse(t, nil, nil)
	checks := []struct {
		name      string
		got, want any
	}{
		{"addr", c.addr, "localhost:8080"},
		{"dev", c.dev, false},
		{"allowed origins", c.allowedOrigins, ""},
		{"token ttl", c.tokenTTL, 24 * time.Hour},
		{"shutdown", c.shutdown, 5 * time.Second},
		{"log level", c.logLevel, "info"},
		{"log format", c.logFormat, "text"},
		{"dev secret file", c.devSecretFile, auth.DefaultDevSecretFile()},
		{"demo track", c.demoTrack, "1600157973"},
		{"admin password", c.adminPassword, ""},
		{"secret", c.secret, ""},
		{"hub", c.hub, hub.Config{
			ControlQueue: 256, DataQueue: 512, Recent: 50,
			PresenceInterval: time.Second, SweepInterval: 10 * time.Second,
			RoomIdle: 30 * time.Second, RatePerSecond: 2, RateBurst: 5,
			// The transport's heartbeat period, announced in welcomes.
			HeartbeatInterval: 20 * time.Second, MaxUserConns: 16,
		}},
		{"transport", c.transport, transport.Config{
			ReadLimit: 4096, WriteTimeout: 10 * time.Second, PingInterval: 25 * time.Second,
			PongWait: 60 * time.Second, HeartbeatInterval: 20 * time.Second,
			Grace: time.Second, CloseWait: time.Second, SendBuffer: 64 << 10,
		}},
	}
	for _, ch := range checks {
		t.Run(ch.name, func(t *testing.T) {
			if !reflect.DeepEqual(ch.got, ch.want) {
				t.Errorf("%s = %+v; want %+v", ch.name, ch.got, ch.want)
			}
		})
	}
}

func TestParseConfigSources(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(t *testing.T, c config)
	}{
		{"env room idle", nil, map[string]string{"BARRAGE_ROOM_IDLE": "5s"},
			func(t *testing.T, c config) {
				t.Helper()
				if c.hub.RoomIdle != 5*time.Second {
					t.Errorf("room idle %v; want 5s", c.hub.RoomIdle)
				}
			}},
		{"flag wins over env", []string{"--room-idle", "7s"},
			map[string]string{"BARRAGE_ROOM_IDLE": "5s"},
			func(t *testing.T, c config) {
				t.Helper()
				if c.hub.RoomIdle != 7*time.Second {
					t.Errorf("room idle %v; want the flag's 7s", c.hub.RoomIdle)
				}
			}},
		{"env dev", nil, map[string]string{"BARRAGE_DEV": "true"},
			func(t *testing.T, c config) {
				t.Helper()
				if !c.dev {
					t.Error("BARRAGE_DEV=true did not set dev")
				}
			}},
		{"explicit --dev=false wins over env", []string{"--dev=false"},
			map[string]string{"BARRAGE_DEV": "true"},
			func(t *testing.T, c config) {
				t.Helper()
				if c.dev {
					t.Error("--dev=false lost to BARRAGE_DEV=true")
				}
			}},
		{"env allowed origins", nil,
			map[string]string{"BARRAGE_ALLOWED_ORIGINS": "https://a.example,https://b.example"},
			func(t *testing.T, c config) {
				t.Helper()
				if c.allowedOrigins != "https://a.example,https://b.example" {
					t.Errorf("allowed origins %q", c.allowedOrigins)
				}
			}},
		{"env with dashes becomes underscores", nil,
			map[string]string{"BARRAGE_PONG_WAIT": "90s", "BARRAGE_PING_INTERVAL": "30s"},
			func(t *testing.T, c config) {
				t.Helper()
				tc := c.transport
				if tc.PongWait != 90*time.Second || tc.PingInterval != 30*time.Second {
					t.Errorf("pong wait %v, ping interval %v", tc.PongWait, tc.PingInterval)
				}
			}},
		{"env numbers", nil,
			map[string]string{"BARRAGE_RATE": "0.5", "BARRAGE_BURST": "3", "BARRAGE_RECENT": "9"},
			func(t *testing.T, c config) {
				t.Helper()
				if c.hub.RatePerSecond != 0.5 || c.hub.RateBurst != 3 || c.hub.Recent != 9 {
					t.Errorf("hub %+v", c.hub)
				}
			}},
		{"env secret", nil, map[string]string{"BARRAGE_SECRET": "s3cr3t"},
			func(t *testing.T, c config) {
				t.Helper()
				if c.secret != "s3cr3t" {
					t.Errorf("secret %q; want the env value", c.secret)
				}
			}},
		{"no secret flag", []string{"--addr", ":9"}, nil,
			func(t *testing.T, c config) {
				t.Helper()
				if c.addr != ":9" || c.secret != "" {
					t.Errorf("addr %q secret %q", c.addr, c.secret)
				}
			}},
		{"unrelated env ignored", nil, map[string]string{"ROOM_IDLE": "1s", "barrage_dev": "1"},
			func(t *testing.T, c config) {
				t.Helper()
				if c.hub.RoomIdle != 30*time.Second || c.dev {
					t.Errorf("room idle %v, dev %t; want the defaults", c.hub.RoomIdle, c.dev)
				}
			}},
		{"zero ping settings take transport defaults", []string{"--pong-wait", "0"}, nil,
			func(t *testing.T, c config) {
				t.Helper()
				if c.transport.PongWait != 60*time.Second {
					t.Errorf("pong wait %v; want the 60s default", c.transport.PongWait)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, mustParse(t, tt.args, tt.env))
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string // substrings of the error
	}{
		{"bad env duration", nil, map[string]string{"BARRAGE_ROOM_IDLE": "soon"},
			[]string{"BARRAGE_ROOM_IDLE", "soon"}},
		{"bad env bool", nil, map[string]string{"BARRAGE_DEV": "maybe"},
			[]string{"BARRAGE_DEV"}},
		{"bad env number", nil, map[string]string{"BARRAGE_RATE": "fast"},
			[]string{"BARRAGE_RATE"}},
		{"every bad env named", nil,
			map[string]string{"BARRAGE_ROOM_IDLE": "soon", "BARRAGE_BURST": "many"},
			[]string{"BARRAGE_ROOM_IDLE", "BARRAGE_BURST"}},
		{"pong wait equal to ping interval",
			[]string{"--pong-wait", "10s", "--ping-interval", "10s"}, nil,
			[]string{"--pong-wait"}},
		{"pong wait below ping interval", []string{"--ping-interval", "90s"}, nil,
			[]string{"--pong-wait"}},
		{"pong wait from env below ping interval", nil,
			map[string]string{"BARRAGE_PONG_WAIT": "1s"}, []string{"--pong-wait"}},
		{"bad log format", []string{"--log-format", "xml"}, nil,
			[]string{"--log-format", "xml"}},
		{"bad log level", []string{"--log-level", "loud"}, nil,
			[]string{"--log-level", "loud"}},
		{"bad log level from env", nil, map[string]string{"BARRAGE_LOG_LEVEL": "chatty"},
			[]string{"--log-level", "chatty"}},
		{"rate zero", []string{"--rate", "0"}, nil, []string{"--rate"}},
		{"rate negative", []string{"--rate", "-1"}, nil, []string{"--rate"}},
		{"burst zero", []string{"--burst", "0"}, nil, []string{"--burst"}},
		{"several problems at once", []string{"--rate", "0", "--log-format", "xml"}, nil,
			[]string{"--rate", "--log-format"}},
		{"positional argument", []string{"extra"}, nil, []string{"unexpected", "extra"}},
		{"positional after flags", []string{"--addr", ":1", "serve"}, nil,
			[]string{"unexpected", "serve"}},
		{"unknown flag", []string{"--nope"}, nil, []string{"nope"}},
		{"bad flag value", []string{"--room-idle", "soon"}, nil, []string{"room-idle"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			_, err := parseConfig(tt.args, env(tt.env), &stderr)
			if err == nil {
				t.Fatalf("parseConfig(%q, %v) succeeded; want an error", tt.args, tt.env)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestParseConfigHelp(t *testing.T) {
	var stderr bytes.Buffer
	_, err := parseConfig([]string{"-h"}, env(nil), &stderr)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h gave %v; want flag.ErrHelp", err)
	}
	for _, want := range []string{"Usage: barrage", "BARRAGE_SECRET", "-room-idle"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("usage does not mention %q:\n%s", want, stderr.String())
		}
	}
}

func TestConfigLogger(t *testing.T) {
	tests := []struct {
		format, level string
		wantDebug     bool
		wantPrefix    string
	}{
		{"text", "info", false, "time="},
		{"text", "debug", true, "time="},
		{"json", "warn", false, "{"},
	}
	for _, tt := range tests {
		t.Run(tt.format+"/"+tt.level, func(t *testing.T) {
			c := mustParse(t, []string{"--log-format", tt.format, "--log-level", tt.level}, nil)
			var out bytes.Buffer
			log := c.logger(&out)
			log.Debug("dbg")
			log.Error("boom")
			s := out.String()
			if strings.Contains(s, "dbg") != tt.wantDebug {
				t.Errorf("debug line shown %t; want %t:\n%s", !tt.wantDebug, tt.wantDebug, s)
			}
			if !strings.HasPrefix(s, tt.wantPrefix) || !strings.Contains(s, "boom") {
				t.Errorf("log output %q; want a %s line with boom", s, tt.format)
			}
		})
	}
}
