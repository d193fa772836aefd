package views

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"barrage/protocol"
)

// colorStyle is the CSS custom property carrying a comment's colour. It is
// built from an integer, so it is safe CSS whatever the integer is.
func colorStyle(rgb int) templ.SafeCSS {
	return templ.SafeCSS(fmt.Sprintf("--c:#%06x", rgb&protocol.MaxColor))
}

func itoa(n int) string { return strconv.Itoa(n) }

func seq(d protocol.Danmaku) string { return strconv.FormatUint(d.Seq, 10) }

// sentAt is a comment's server time as a tooltip, in UTC because the server
// does not know the reader's zone; the client rewrites it in local time.
func sentAt(d protocol.Danmaku) string {
	return d.Name + " · " + time.UnixMilli(d.Time).UTC().Format("15:04:05")
}

func counts(r RoomSummary) string {
	word := "connections"
	if r.Connections == 1 {
		word = "connection"
	}
	return fmt.Sprintf("%d online · %d %s", r.Online, r.Connections, word)
}

func boolAttr(b bool) string { return strconv.FormatBool(b) }

func roomURL(id string) string { return "/rooms/" + url.PathEscape(id) }

// signInURL sends a signed-out visitor to the sign-in page and back.
func signInURL(next string) string { return "/signin?next=" + url.QueryEscape(next) }
