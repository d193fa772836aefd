package wasmclient

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"syscall/js"
	"time"
)

// confirmWindow is how long a destructive button stays armed after its
// first click.
const confirmWindow = 4 * time.Second

// modPanel is the user list with kick and mute buttons (views.modUsers),
// used on a room page for that room and on the admin page for the room an
// admin picked. Its fields other than the channels belong to the goroutine
// that runs [poll] with its actions; its click handler only reads the DOM
// and queues an action.
type modPanel struct {
	api     API
	room    string // "" while no room is picked
	self    string // the signed-in user, who gets no buttons
	el      map[string]js.Value
	actions chan func(context.Context)
	nudges  chan struct{}
}

func newModPanel(room string) (*modPanel, error) {
	el, err := elements("users", "mod-status", "ban-seconds", "mute-seconds", "kick-reason")
	if err != nil {
		return nil, err
	}
	p := &modPanel{
		api:     API{Transport: fetchTransport{}},
		room:    room,
		self:    bodyData("userId"),
		el:      el,
		actions: make(chan func(context.Context), 8),
		nudges:  make(chan struct{}, 1),
	}
	listen(el["users"], "click", p.onClick)
	return p, nil
}

// startModeration runs the room page's panel: the user list, the replay
// controls and the close button.
func startModeration(ctx context.Context, room string) (*modPanel, error) {
	p, err := newModPanel(room)
	if err != nil {
		return nil, err
	}
	p.wireReplay()
	if btn := byID("close-room"); !btn.IsNull() {
		listen(btn, "click", func(js.Value) {
			if confirmClick(btn) {
				p.post(p.closeRoom(room))
			}
		})
	}
	nudgeWhenVisible(p.nudges)
	// Not at once: the room is not live until this page's own connection
	// has joined it, and asking earlier gets a 404 that the browser reports
	// as a console error. The first presence event nudges the panel.
	go poll(ctx, p.actions, p.nudges, p.refresh, false)
	return p, nil
}

// post queues an action without blocking; a click while the queue is full
// is dropped, and said so.
func (p *modPanel) post(f func(context.Context)) {
	select {
	case p.actions <- f:
	default:
		p.say("Still busy with earlier actions: try again in a moment.")
	}
}

func (p *modPanel) say(msg string) { setText(p.el["mod-status"], msg) }

// onClick runs in a callback: it reads the button and the settings, then
// queues the request.
func (p *modPanel) onClick(ev js.Value) {
	btn, ok := closestData(ev, "action")
	if !ok {
		return
	}
	user, name := data(btn, "user"), data(btn, "name")
	ban := atoi(p.el["ban-seconds"].Get("value").String())
	mute := atoi(p.el["mute-seconds"].Get("value").String())
	reason := p.el["kick-reason"].Get("value").String()
	switch data(btn, "action") {
	case "kick":
		p.post(func(ctx context.Context) {
			err := p.api.Kick(ctx, p.room, Kick{User: user, BanSeconds: ban, Reason: reason})
			p.report(err, fmt.Sprintf("Removed %s from %s%s.", name, p.room, banText(ban)))
		})
	case "mute":
		p.post(func(ctx context.Context) {
			err := p.api.Mute(ctx, p.room, Mute{User: user, Seconds: mute})
			p.report(err, fmt.Sprintf("Muted %s for %s.", name, DurationText(mute)))
		})
	case "unmute":
		p.post(func(ctx context.Context) {
			err := p.api.Mute(ctx, p.room, Mute{User: user})
			p.report(err, fmt.Sprintf("%s may speak again.", name))
		})
	}
}

func (p *modPanel) report(err error, done string) {
	if err != nil {
		p.say("Failed: " + apiText(err))
		return
	}
	p.say(done)
}

// refresh reloads the user list; it runs on the panel's goroutine.
func (p *modPanel) refresh(ctx context.Context) {
	if p.room == "" {
		return
	}
	d, err := p.api.Room(ctx, p.room)
	if apiErr, ok := errors.AsType[*APIError](err); ok && apiErr.Status == 404 {
		d, err = RoomDetail{ID: p.room}, nil // an empty room is not live
	}
	if err != nil {
		p.say("Could not load the users: " + apiText(err))
		return
	}
	p.render(d)
}

func (p *modPanel) render(d RoomDetail) {
	tbody := p.el["users"]
	removeChildren(tbody)
	if len(d.Users) == 0 {
		row := newElement("tr", "", "")
		cell := newElement("td", "muted", "Nobody is here.")
		cell.Set("colSpan", 3)
		row.Call("appendChild", cell)
		tbody.Call("appendChild", row)
		return
	}
	for _, u := range d.Users {
		tbody.Call("appendChild", p.userRow(u))
	}
}

func (p *modPanel) userRow(u Member) js.Value {
	row := newElement("tr", "", "")
	setData(row, "userId", u.ID)
	name := u.Name
	if u.ID == p.self {
		name += " (you)"
	}
	about := u.Role
	muted := u.MutedUntil > time.Now().UnixMilli()
	if muted {
		about += " · muted until " + time.UnixMilli(u.MutedUntil).Format("15:04:05")
	}
	who := newElement("td", "name", "")
	who.Call("append", newElement("span", "", name), newElement("span", "sub", about))
	actions := newElement("td", "actions", "")
	if u.ID != p.self {
		if muted {
			actions.Call("append", actionButton("unmute", "Unmute", "", u))
		} else {
			actions.Call("append", actionButton("mute", "Mute", "", u))
		}
		actions.Call("append", actionButton("kick", "Kick", "danger", u))
	}
	row.Call("append", who, newElement("td", "num", strconv.Itoa(u.Connections)), actions)
	return row
}

func actionButton(action, label, class string, u Member) js.Value {
	btn := newElement("button", "button small "+class, label)
	btn.Set("type", "button")
	setData(btn, "action", action)
	setData(btn, "user", u.ID)
	setData(btn, "name", u.Name)
	btn.Call("setAttribute", "aria-label", label+" "+u.Name)
	return btn
}

// wireReplay connects the replay form, which exists only when the server
// offered tracks.
func (p *modPanel) wireReplay() {
	form, track, speed, stop := byID("replay"), byID("track"), byID("speed"), byID("replay-stop")
	if form.IsNull() || track.IsNull() || speed.IsNull() || stop.IsNull() {
		return
	}
	listen(form, "submit", func(ev js.Value) {
		ev.Call("preventDefault")
		name := track.Get("value").String()
		factor, err := strconv.ParseFloat(speed.Get("value").String(), 64)
		if err != nil || factor <= 0 {
			factor = 1
		}
		p.post(func(ctx context.Context) {
			err := p.api.StartReplay(ctx, p.room, name, factor)
			p.report(err, fmt.Sprintf("Replaying %s at %g×.", name, factor))
		})
	})
	listen(stop, "click", func(js.Value) {
		p.post(func(ctx context.Context) {
			p.report(p.api.StopReplay(ctx, p.room), "Replay stopped.")
		})
	})
}

func (p *modPanel) closeRoom(room string) func(context.Context) {
	return func(ctx context.Context) {
		p.report(p.api.CloseRoom(ctx, room), "Closed room "+room+".")
	}
}

// confirmClick makes a destructive button take two clicks: the first arms
// it for a few seconds and says so, the second (while armed) reports true.
// It only touches the button, so it is safe in a callback.
func confirmClick(btn js.Value) bool {
	if data(btn, "armed") == "yes" {
		disarmButton(btn)
		return true
	}
	setData(btn, "label", btn.Get("textContent").String())
	setData(btn, "armed", "yes")
	setText(btn, "Click again to confirm")
	time.AfterFunc(confirmWindow, func() {
		defer recoverTo("a confirmation")
		if data(btn, "armed") == "yes" {
			disarmButton(btn)
		}
	})
	return false
}

func disarmButton(btn js.Value) {
	setData(btn, "armed", "")
	setText(btn, data(btn, "label"))
}

// apiText is an API failure for people.
func apiText(err error) string {
	if apiErr, ok := errors.AsType[*APIError](err); ok {
		if apiErr.Status == 401 {
			return "you are signed out; sign in again."
		}
		return apiErr.Message
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "the server did not answer in time."
	}
	return err.Error()
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func banText(seconds int) string {
	if seconds <= 0 {
		return ""
	}
	return ", banned for " + DurationText(seconds)
}
