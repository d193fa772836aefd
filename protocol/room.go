package protocol

// MaxRoomID is the longest room id, in bytes.
const MaxRoomID = 64

// ValidRoomID reports whether id is a room id: 1–64 characters of
// [A-Za-z0-9_-].
func ValidRoomID(id string) bool {
	if id == "" || len(id) > MaxRoomID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}
