package hub

// MisplaceUser corrupts the user index so that it places user in a new
// empty room, without telling the user's connections: a state no event
// announces, for the membership check to find.
func (h *Hub) MisplaceUser(user, room string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.users[user].room = h.roomLocked(room)
}
