package replay

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// trackFS holds the recorded tracks shipped with the binary, so that a clone
// of the project can replay them without the data directory they came from.
// tracks/README.md records where they come from.
//
//go:embed tracks/*.xml tracks/README.md
var trackFS embed.FS

// ErrNoTrack reports that no embedded track has the requested name.
var ErrNoTrack = errors.New("no such track")

// Comment is one recorded comment, ready to be played into a room.
type Comment struct {
	// At is the comment's time in the video, from the start of the track.
	At time.Duration
	// Mode is how the comment moves: 1 scroll, 4 bottom, 5 top, 6 reverse.
	// The recorded modes 2 and 3 (scroll variants) become 1.
	Mode int
	// Size is the recorded font size (25 normal, 18 small).
	Size int
	// Color is the RGB colour as an integer (0xFFFFFF is white).
	Color int
	// Text is the comment as recorded, entities decoded and nothing trimmed;
	// it can be longer than a live comment may be.
	Text string
	// Sender is the recorded sender's pseudonym, ID the comment's own id.
	Sender, ID string
}

// Track is a parsed recording: the comments a replay plays, in time order,
// and counts of the recorded comments that it does not play.
type Track struct {
	// Name identifies the track, usually its file name without ".xml".
	Name string
	// Comments are the playable comments, sorted by At; comments with the
	// same time keep their order in the file.
	Comments []Comment
	// Positioned counts the mode 7 comments, which are not played.
	Positioned int
	// Scripted counts the mode 8 comments, which are not played.
	Scripted int
}

// Length is the time of the track's last playable comment: how long the
// track plays at speed 1.
func (t *Track) Length() time.Duration {
	if len(t.Comments) == 0 {
		return 0
	}
	return t.Comments[len(t.Comments)-1].At
}

// Tracks returns the names of the embedded tracks, sorted, without ".xml".
func Tracks() []string {
	files, err := fs.Glob(trackFS, "tracks/*.xml")
	if err != nil {
		// Glob fails only on a malformed pattern, and this one is constant.
		panic(fmt.Sprintf("replay: list embedded tracks: %v", err))
	}
	names := make([]string, 0, len(files))
	for _, f := range files {
		names = append(names, strings.TrimSuffix(path.Base(f), ".xml"))
	}
	slices.Sort(names)
	return names
}

// OpenTrack parses the embedded track called name (as listed by [Tracks]).
// Each call parses the track anew, so the caller owns the result. An unknown
// name gives an error wrapping [ErrNoTrack].
func OpenTrack(name string) (*Track, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || !fs.ValidPath(name) {
		return nil, fmt.Errorf("open track %q: %w", name, ErrNoTrack)
	}
	f, err := trackFS.Open("tracks/" + name + ".xml")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open track %q: %w", name, ErrNoTrack)
	}
	if err != nil {
		return nil, fmt.Errorf("open track %q: %w", name, err)
	}
	defer f.Close()
	return Parse(f, name)
}
