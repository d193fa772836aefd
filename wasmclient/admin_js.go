package wasmclient

import (
	"context"
	"net/url"
	"strconv"
	"syscall/js"
)

// adminPage is the admin page (views.Admin): the room table and the user
// panel of the room picked. Its fields belong to the goroutine running
// [poll]; callbacks only queue actions on the panel.
type adminPage struct {
	el    map[string]js.Value
	panel *modPanel
}

func startAdmin(ctx context.Context) error {
	el, err := elements("admin-rooms", "rooms-empty", "admin-status", "mod", "mod-room")
	if err != nil {
		return err
	}
	panel, err := newModPanel("")
	if err != nil {
		return err
	}
	a := &adminPage{el: el, panel: panel}
	listen(el["admin-rooms"], "click", a.onClick)
	nudgeWhenVisible(panel.nudges)
	go poll(ctx, panel.actions, panel.nudges, a.refresh, true)
	return nil
}

// onClick runs in a callback: it reads the button and queues the action.
func (a *adminPage) onClick(ev js.Value) {
	btn, ok := closestData(ev, "action")
	if !ok {
		return
	}
	room := data(btn, "room")
	switch data(btn, "action") {
	case "users":
		a.panel.post(func(context.Context) { a.pick(room) })
	case "close":
		if confirmClick(btn) {
			a.panel.post(a.panel.closeRoom(room))
		}
	}
}

func (a *adminPage) pick(room string) {
	a.panel.room = room
	setText(a.el["mod-room"], room)
	setHidden(a.el["mod"], false)
	a.panel.say("")
}

func (a *adminPage) refresh(ctx context.Context) {
	rooms, err := a.panel.api.Rooms(ctx)
	if err != nil {
		setText(a.el["admin-status"], "Could not refresh the rooms: "+apiText(err))
		return
	}
	setText(a.el["admin-status"], "")
	setHidden(a.el["rooms-empty"], len(rooms) > 0)
	syncRooms(a.el["admin-rooms"], rooms, adminRow, updateAdminRow)
	a.panel.refresh(ctx)
}

// adminRow builds the same markup as views' adminRow.
func adminRow(r RoomInfo) js.Value {
	tr := newElement("tr", "", "")
	setData(tr, "roomId", r.ID)
	name := newElement("td", "", "")
	link := newElement("a", "", r.ID)
	link.Set("href", "/rooms/"+url.PathEscape(r.ID))
	name.Call("append", link, " ", newElement("span", "badge replay", "replay"))
	actions := newElement("td", "actions", "")
	actions.Call("append", roomButton("users", "Users", "", r.ID), " ",
		roomButton("close", "Close", "danger", r.ID))
	tr.Call("append", name, newElement("td", "num online", ""),
		newElement("td", "num connections", ""), actions)
	updateAdminRow(tr, r)
	return tr
}

func roomButton(action, label, class, room string) js.Value {
	btn := newElement("button", "button "+class, label)
	btn.Set("type", "button")
	setData(btn, "action", action)
	setData(btn, "room", room)
	return btn
}

func updateAdminRow(tr js.Value, r RoomInfo) {
	setText(tr.Call("querySelector", ".online"), strconv.Itoa(r.Online))
	setText(tr.Call("querySelector", ".connections"), strconv.Itoa(r.Connections))
	setHidden(tr.Call("querySelector", ".badge"), !r.Replaying)
}
