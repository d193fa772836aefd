package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"barrage/server/hub"
	"barrage/server/replay"
)

// maxTrackBytes bounds an uploaded track; the largest real one is 1.2 MB.
const maxTrackBytes = 8 << 20

// startReplay plays an embedded track (?track=NAME) or an uploaded XML body
// into the room at ?speed=S (default 1), replacing any replay running there.
func (s *Server) startReplay(c echo.Context) error {
	room, err := roomParam(c)
	if err != nil {
		return err
	}
	speed := 1.0
	if v := c.QueryParam("speed"); v != "" {
		if speed, err = strconv.ParseFloat(v, 64); err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "speed must be a number")
		}
	}
	track, err := s.trackFrom(c)
	if err != nil {
		return err
	}
	r, err := s.replays.Start(room, track, speed)
	switch {
	case errors.Is(err, replay.ErrSpeed):
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	case err != nil:
		return echo.NewHTTPError(http.StatusServiceUnavailable, err.Error())
	}
	s.opt.Log.Info("replay started", "room", room, "track", track.Name,
		"comments", len(track.Comments), "speed", speed, "by", identity(c).ID)
	return c.JSON(http.StatusAccepted, r.Status())
}

// trackFrom returns the embedded track named by ?track=, or parses the body.
func (s *Server) trackFrom(c echo.Context) (*replay.Track, error) {
	if name := c.QueryParam("track"); name != "" {
		t, err := replay.OpenTrack(name)
		if errors.Is(err, replay.ErrNoTrack) {
			return nil, echo.NewHTTPError(http.StatusNotFound,
				"no track "+name+"; tracks: "+strings.Join(replay.Tracks(), ", "))
		}
		return t, err
	}
	name := c.QueryParam("name")
	if name == "" {
		name = "upload"
	}
	body := http.MaxBytesReader(c.Response(), c.Request().Body, maxTrackBytes)
	t, err := replay.Parse(body, name)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, echo.NewHTTPError(http.StatusRequestEntityTooLarge, "track is over 8 MiB")
	case err != nil:
		return nil, echo.NewHTTPError(http.StatusBadRequest,
			"send ?track=NAME or a Bilibili XML track as the body: "+err.Error())
	}
	return t, nil
}

func (s *Server) replayStatus(c echo.Context) error {
	room, err := roomParam(c)
	if err != nil {
		return err
	}
	st, ok := s.replays.Status(room)
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "no replay in room "+room)
	}
	return c.JSON(http.StatusOK, st)
}

func (s *Server) stopReplay(c echo.Context) error {
	room, err := roomParam(c)
	if err != nil {
		return err
	}
	if !s.replays.Stop(room) {
		return echo.NewHTTPError(http.StatusNotFound, "no replay in room "+room)
	}
	s.opt.Log.Info("replay stopped", "room", room, "by", identity(c).ID)
	return c.NoContent(http.StatusNoContent)
}

// newReplays returns the replay manager, publishing into h.
func newReplays(h *hub.Hub, log *slog.Logger) *replay.Manager {
	return replay.NewManager(func(_ context.Context, room string, c replay.Comment) error {
		return h.Publish(room, c.From(), c.Protocol())
	}, log.With("component", "replay"))
}

// Replays returns the server's replay manager.
func (s *Server) Replays() *replay.Manager { return s.replays }
