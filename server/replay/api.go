package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxReply bounds how much of a reply the client reads.
const maxReply = 1 << 20

// apiError is a non-2xx reply: its status and the text of the server's
// {"error": "…"} body.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string {
	if e.msg == "" {
		return fmt.Sprintf("%d %s", e.status, http.StatusText(e.status))
	}
	return fmt.Sprintf("%d %s: %s", e.status, http.StatusText(e.status), e.msg)
}

// devToken asks a development-mode server for an admin token.
func (c *client) devToken(ctx context.Context) (string, error) {
	body, err := json.Marshal(map[string]string{
		"user": "replay-bot", "name": "Replay", "role": "admin",
	})
	if err != nil {
		return "", fmt.Errorf("encode token request: %w", err)
	}
	var reply struct {
		Token string `json:"token"`
	}
	err = c.call(ctx, http.MethodPost, "/api/token",
		bytes.NewReader(body), "application/json", &reply)
	if err != nil {
		return "", fmt.Errorf("POST /api/token: %w", err)
	}
	if reply.Token == "" {
		return "", errors.New("POST /api/token: reply has no token")
	}
	return reply.Token, nil
}

// start asks the server to play src into the room; the server answers 202
// with the new replay's Status.
func (c *client) start(ctx context.Context, src source) (Status, error) {
	q := url.Values{"speed": {formatSpeed(c.speed)}}
	var body io.Reader
	ctype := ""
	if src.body == nil {
		q.Set("track", src.name)
	} else {
		// name only labels the upload in the server's Status.
		q.Set("name", src.name)
		body, ctype = bytes.NewReader(src.body), "application/xml"
	}
	var st Status
	err := c.call(ctx, http.MethodPost, c.replayPath()+"?"+q.Encode(), body, ctype, &st)
	return st, err
}

// status fetches the room's replay Status.
func (c *client) status(ctx context.Context) (Status, error) {
	var st Status
	err := c.call(ctx, http.MethodGet, c.replayPath(), nil, "", &st)
	return st, err
}

// stop asks the server to stop the room's replay.
func (c *client) stop(ctx context.Context) error {
	return c.call(ctx, http.MethodDelete, c.replayPath(), nil, "", nil)
}

func (c *client) replayPath() string {
	return "/api/rooms/" + url.PathEscape(c.room) + "/replay"
}

// call sends one authenticated request and decodes a 2xx JSON reply into
// out, when out is not nil; any other status becomes an *apiError.
func (c *client) call(
	ctx context.Context, method, path string, body io.Reader, ctype string, out any,
) error {
	req, err := http.NewRequestWithContext(ctx, method, c.server+path, body)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err // already names the method and URL
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return readAPIError(resp)
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxReply)).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decode reply: %w", method, req.URL.Path, err)
	}
	return nil
}

// readAPIError turns an error reply into an *apiError, taking the text from
// its {"error": "…"} body, or the body itself when it is not that JSON.
func readAPIError(resp *http.Response) error {
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return fmt.Errorf("read %d reply: %w", resp.StatusCode, err)
	}
	var reply struct {
		Error string `json:"error"`
	}
	msg := strings.TrimSpace(string(data))
	if json.Unmarshal(data, &reply) == nil && reply.Error != "" {
		msg = reply.Error
	}
	const maxShown = 300 // an HTML error page says nothing useful beyond this
	if len(msg) > maxShown {
		msg = strings.ToValidUTF8(msg[:maxShown], "") + "…"
	}
	return &apiError{status: resp.StatusCode, msg: msg}
}
