package wasmclient

import (
	"context"
	"strconv"
	"strings"
	"syscall/js"
	"time"

	"barrage/protocol"
)

// roomIDs are the elements a room page must have (views.Room renders them).
var roomIDs = []string{
	"ws-state", "online", "stage", "overlay", "banner", "banner-text", "rejoin",
	"banner-signin", "send", "text", "color", "mode", "size", "send-button",
	"send-status", "muted", "recent", "skipped", "notices",
}

// maxNotices is how many moderation notices the page keeps.
const maxNotices = 20

// roomPage is the [View] of a room page. Its View methods run on the
// client's Run goroutine; its event listeners only read the form and post
// to the client, which never blocks.
type roomPage struct {
	el      map[string]js.Value
	stage   *stage
	mod     *modPanel // nil unless the user may moderate
	self    protocol.User
	skipped int
	// The recent list follows new comments while the user has not
	// scrolled up. follow is updated from scroll events and the scrolling
	// itself done once per animation frame, so that adding a comment never
	// reads the layout: under a burst, a layout read per comment is what
	// makes the page stop answering.
	follow        bool
	scrollPending bool
	scrollFn      js.Func
	// lastSent is the latest comment handed to the socket; it comes back
	// into an empty input if the server refuses it.
	lastSent string
}

func startRoom(ctx context.Context) error {
	el, err := elements(roomIDs...)
	if err != nil {
		return err
	}
	room := bodyData("room")
	p := &roomPage{el: el, stage: newStage(el["stage"], el["overlay"]), follow: true}
	p.followScroll()
	if bodyData("canModerate") == "true" {
		if p.mod, err = startModeration(ctx, room); err != nil {
			return err
		}
	}
	c := New(Config{Dialer: browserDialer(wsURL(room)), View: p})
	p.wire(c)
	c.SetHidden(pageHidden())
	go func() {
		defer recoverTo("the connection")
		c.Run(ctx)
	}()
	return nil
}

// followScroll sets up the once-a-frame scrolling of the recent list. The
// callbacks run on the browser's event loop between the client's steps (a
// js/wasm program has one thread), and only touch the list and these flags.
func (p *roomPage) followScroll() {
	list := p.el["recent"]
	listen(list, "scroll", func(js.Value) {
		p.follow = list.Get("scrollHeight").Float()-list.Get("scrollTop").Float()-
			list.Get("clientHeight").Float() < 48
	})
	p.scrollFn = js.FuncOf(func(js.Value, []js.Value) any {
		p.scrollPending = false
		if p.follow {
			list.Set("scrollTop", list.Get("scrollHeight"))
		}
		return nil
	})
}

// scrollSoon scrolls the recent list to its end at the next frame, once
// however many comments arrive before it.
func (p *roomPage) scrollSoon() {
	if !p.scrollPending {
		p.scrollPending = true
		global.Call("requestAnimationFrame", p.scrollFn)
	}
}

func (p *roomPage) wire(c *Client) {
	listen(p.el["send"], "submit", func(ev js.Value) {
		ev.Call("preventDefault")
		c.Send(p.readForm())
	})
	listen(p.el["rejoin"], "click", func(js.Value) { c.Rejoin() })
	listen(document, "visibilitychange", func(js.Value) { c.SetHidden(pageHidden()) })
}

// readForm reads the comment form. It runs inside the submit callback and
// only reads the DOM.
func (p *roomPage) readForm() protocol.SendDanmaku {
	msg := protocol.SendDanmaku{Text: p.el["text"].Get("value").String()}
	if n, err := strconv.Atoi(p.el["color"].Get("value").String()); err == nil {
		msg.Color = &n
	}
	if n, err := strconv.Atoi(p.el["mode"].Get("value").String()); err == nil {
		msg.Mode = &n
	}
	if n, err := strconv.Atoi(p.el["size"].Get("value").String()); err == nil {
		msg.Size = &n
	}
	return msg
}

// Status mirrors the state into the body's data attributes, the status
// pill, the form and the banner.
func (p *roomPage) Status(s Status) {
	setBodyData("wsState", string(s.State))
	code := ""
	if s.CloseCode != 0 {
		code = strconv.Itoa(s.CloseCode)
	}
	setBodyData("closeCode", code)
	setText(p.el["ws-state"], StatusText(s))
	setData(p.el["ws-state"], "state", string(s.State))
	p.el["send-button"].Set("disabled", s.State != StateOpen)
	p.el["text"].Set("disabled", s.State.Terminal())
	p.banner(s)
}

func (p *roomPage) banner(s Status) {
	if s.State == StateOpen || s.State == StateConnecting {
		setHidden(p.el["banner"], true)
		return
	}
	text, button := s.Reason, "Rejoin"
	if s.State == StateReconnecting {
		text, button = s.Reason+" · "+StatusText(s), "Reconnect now"
	}
	setText(p.el["banner-text"], text)
	setText(p.el["rejoin"], button)
	setData(p.el["banner"], "state", string(s.State))
	setHidden(p.el["banner-signin"], s.State != StateSignedOut)
	setHidden(p.el["banner"], false)
}

// Welcome replaces the recent list, which the server rendered or an
// earlier connection filled, with the welcome's.
func (p *roomPage) Welcome(w protocol.Welcome, recent []protocol.Danmaku) {
	p.self = w.User
	p.stage.self = w.User.ID
	setText(p.el["online"], OnlineText(w.Online))
	list := p.el["recent"]
	removeChildren(list)
	for _, d := range recent {
		list.Call("appendChild", commentElement(d))
	}
	p.follow = true
	p.scrollSoon()
	p.showMuted(w.MutedUntil)
	setText(p.el["send-status"], "") // refusals belonged to the last connection
}

// Comment adds d to the recent list where the model put it, and draws it.
func (p *roomPage) Comment(d protocol.Danmaku, at Insertion) {
	list := p.el["recent"]
	next := js.Null()
	if children := list.Get("children"); at.Index < children.Length() {
		next = children.Index(at.Index)
	}
	list.Call("insertBefore", commentElement(d), next)
	for range at.Trimmed {
		if first := list.Get("firstElementChild"); !first.IsNull() {
			first.Call("remove")
		}
	}
	p.scrollSoon()
	p.stage.draw(d)
}

// commentElement builds the same markup as views' comment: the element's
// text is exactly the comment; CSS shows the name from data-name.
func commentElement(d protocol.Danmaku) js.Value {
	li := newElement("li", "comment", d.Text)
	setData(li, "danmakuSeq", strconv.FormatUint(d.Seq, 10))
	setData(li, "name", d.Name)
	if d.Replay {
		setData(li, "replay", "")
	}
	li.Set("title", d.Name+" · "+time.UnixMilli(d.Time).Format("15:04:05"))
	li.Get("style").Call("setProperty", "--c", ColorHex(d.Color))
	return li
}

// Presence shows the online count and asks the moderation panel, if any,
// for a fresh user list.
func (p *roomPage) Presence(pr protocol.Presence) {
	setText(p.el["online"], OnlineText(pr.Online))
	if p.mod != nil {
		nudge(p.mod.nudges)
	}
}

// refusals are the error codes that refuse a comment the user just sent.
var refusals = map[string]bool{
	protocol.ErrMuted: true, protocol.ErrRateLimited: true, protocol.ErrTextTooLong: true,
	protocol.ErrControlChar: true, protocol.ErrEmptyText: true, protocol.ErrBadColor: true,
	protocol.ErrBadMode: true, protocol.ErrBadSize: true, protocol.ErrBadUTF8: true,
	protocol.ErrTooLarge: true, ErrNotConnected: true,
}

// Error shows a refusal next to the input and, when it refuses what was
// just sent, puts the text back for another try.
func (p *roomPage) Error(e protocol.Error) {
	setText(p.el["send-status"], e.Message)
	setData(p.el["send-status"], "kind", "error")
	input := p.el["text"]
	if refusals[e.Code] && p.lastSent != "" && input.Get("value").String() == "" {
		input.Set("value", p.lastSent)
	}
	p.lastSent = ""
}

// Skipped shows how many comments the connection has dropped so far.
func (p *roomPage) Skipped(s protocol.Skipped) {
	p.skipped += s.Count
	setText(p.el["skipped"], SkippedText(p.skipped))
	setHidden(p.el["skipped"], false)
}

// Notice lists a moderation notice and, when it concerns this user's mute,
// updates the muted note.
func (p *roomPage) Notice(n protocol.Notice) {
	list := p.el["notices"]
	item := newElement("li", "notice", time.Now().Format("15:04")+" "+NoticeText(n))
	setData(item, "kind", n.Kind)
	list.Call("prepend", item)
	for list.Get("children").Length() > maxNotices {
		list.Get("lastElementChild").Call("remove")
	}
	if n.User != "" && n.User == p.self.ID {
		switch n.Kind {
		case protocol.NoticeMuted:
			p.showMuted(n.Until)
		case protocol.NoticeUnmuted:
			p.showMuted(0)
		}
	}
	if p.mod != nil {
		nudge(p.mod.nudges)
	}
}

// Sent clears the input if it still holds what was sent.
func (p *roomPage) Sent(msg protocol.SendDanmaku) {
	p.lastSent = msg.Text
	input := p.el["text"]
	if strings.TrimSpace(input.Get("value").String()) == msg.Text {
		input.Set("value", "")
	}
	setText(p.el["send-status"], "")
}

// showMuted shows until when the user is muted, or hides the note when the
// time is past (the server's clock decides; this is only a hint).
func (p *roomPage) showMuted(untilMS int64) {
	muted := untilMS > time.Now().UnixMilli()
	if muted {
		setText(p.el["muted"], MutedText(untilMS))
	}
	setHidden(p.el["muted"], !muted)
}
