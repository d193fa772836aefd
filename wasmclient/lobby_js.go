package wasmclient

import (
	"context"
	"net/url"
	"syscall/js"
)

// startLobby keeps the lobby's room list (views.Lobby) current for a
// signed-in user.
func startLobby(ctx context.Context) error {
	el, err := elements("rooms", "rooms-empty", "rooms-status")
	if err != nil {
		return err
	}
	if bodyData("userId") == "" {
		return nil // the list API is for signed-in users, as the page says
	}
	api := API{Transport: fetchTransport{}}
	nudges := make(chan struct{}, 1)
	nudgeWhenVisible(nudges)
	go poll(ctx, nil, nudges, func(ctx context.Context) {
		rooms, err := api.Lobby(ctx)
		if err != nil {
			setText(el["rooms-status"], "Could not refresh the list: "+apiText(err))
			return
		}
		setText(el["rooms-status"], "")
		setHidden(el["rooms-empty"], len(rooms) > 0)
		syncRooms(el["rooms"], rooms, lobbyItem, updateLobbyItem)
	}, true)
	return nil
}

// lobbyItem builds the same markup as views' roomItem.
func lobbyItem(r RoomInfo) js.Value {
	li := newElement("li", "room-item", "")
	setData(li, "roomId", r.ID)
	link := newElement("a", "room-link", r.ID)
	link.Set("href", "/rooms/"+url.PathEscape(r.ID))
	li.Call("append", link, " ", newElement("span", "room-counts", ""), " ",
		newElement("span", "badge replay", "replay"))
	updateLobbyItem(li, r)
	return li
}

func updateLobbyItem(li js.Value, r RoomInfo) {
	setText(li.Call("querySelector", ".room-counts"), CountsText(r.Online, r.Connections))
	setHidden(li.Call("querySelector", ".badge"), !r.Replaying)
}

// syncRooms makes parent hold one element per room, in order. When the
// rooms are the same ones as before it updates their elements in place, so
// that focus and half-done clicks survive a refresh; otherwise it rebuilds.
func syncRooms(parent js.Value, rooms []RoomInfo,
	build func(RoomInfo) js.Value, update func(js.Value, RoomInfo)) {
	children := parent.Get("children")
	same := children.Length() == len(rooms)
	for i := 0; same && i < len(rooms); i++ {
		same = data(children.Index(i), "roomId") == rooms[i].ID
	}
	if same {
		for i, r := range rooms {
			update(children.Index(i), r)
		}
		return
	}
	removeChildren(parent)
	for _, r := range rooms {
		parent.Call("appendChild", build(r))
	}
}
