package wasmclient

import (
	"cmp"
	"slices"

	"barrage/protocol"
)

// DefaultRecent is how many comments the recent list keeps.
const DefaultRecent = 100

// Recent is the list of a room's latest comments, ordered by sequence number,
// without duplicates, holding at most a fixed number. It is not safe for
// concurrent use.
type Recent struct {
	limit int
	items []protocol.Danmaku
}

// NewRecent returns an empty list that keeps at most limit comments
// ([DefaultRecent] when limit is not positive).
func NewRecent(limit int) *Recent {
	if limit <= 0 {
		limit = DefaultRecent
	}
	return &Recent{limit: limit}
}

// Insertion tells a view how to mirror a [Recent.Add] in a list of
// elements that mirrors the list before the call: insert the new element
// before the one at Index (at the end when Index equals the old length),
// then remove the first Trimmed elements.
type Insertion struct {
	Index   int
	Trimmed int
}

// Replace makes list the whole content, as a welcome does: sorted by
// sequence number, duplicates dropped, only the newest kept. It returns the
// resulting items, which the caller must not modify.
func (r *Recent) Replace(list []protocol.Danmaku) []protocol.Danmaku {
	items := slices.Clone(list)
	slices.SortStableFunc(items, func(a, b protocol.Danmaku) int {
		return cmp.Compare(a.Seq, b.Seq)
	})
	items = slices.CompactFunc(items, func(a, b protocol.Danmaku) bool {
		return a.Seq == b.Seq
	})
	if len(items) > r.limit {
		items = items[len(items)-r.limit:]
	}
	r.items = items
	return items
}

// Add inserts d in sequence order. It reports false, changing nothing, when a
// comment with the same sequence number is already there, or when the list
// is full and d is older than everything in it.
func (r *Recent) Add(d protocol.Danmaku) (Insertion, bool) {
	i, found := slices.BinarySearchFunc(r.items, d.Seq,
		func(e protocol.Danmaku, seq uint64) int { return cmp.Compare(e.Seq, seq) })
	if found || (i == 0 && len(r.items) >= r.limit) {
		return Insertion{}, false
	}
	r.items = slices.Insert(r.items, i, d)
	trimmed := max(len(r.items)-r.limit, 0)
	r.items = r.items[trimmed:]
	return Insertion{Index: i, Trimmed: trimmed}, true
}

// Items returns the comments, oldest first. The caller must not modify them.
func (r *Recent) Items() []protocol.Danmaku { return r.items }
