package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"barrage/server/internal/wstest"
)

// TestMetrics: /metrics reports the hub's rooms and comments, evictions by
// code, and closed sockets by the code the server sent.
func TestMetrics(t *testing.T) {
	env := wstest.Start(t, wstest.Options{})
	c := env.Join("u1", "a")
	env.Join("u2", "a")
	c.Say("counted")
	c.Comments(1)
	env.Hub.Kick("a", "u1", time.Minute, "")
	c.ExpectClose(4001)

	want := []string{
		"barrage_rooms 1",
		"barrage_connections 1",
		`barrage_comments_total{source="viewer"} 1`,
		`barrage_evictions_total{code="4001"} 1`,
		`barrage_websocket_closes_total{code="4001"} 1`,
		"barrage_websockets_open 1",
	}
	deadline := time.Now().Add(wstest.Wait)
	for {
		body := scrape(t, env.URL+"/metrics")
		missing := ""
		for _, line := range want {
			if !strings.Contains(body, "\n"+line+"\n") {
				missing = line
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("metrics lack %q:\n%s", missing, body)
		}
		time.Sleep(50 * time.Millisecond) // the closed socket is counted as it goes
	}
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return string(b)
}
