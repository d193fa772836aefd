package wasmclient

import (
	"slices"
	"testing"

	"barrage/protocol"
)

func seqs(items []protocol.Danmaku) []uint64 {
	out := make([]uint64, len(items))
	for i, d := range items {
		out[i] = d.Seq
	}
	return out
}

func comments(seq ...uint64) []protocol.Danmaku {
	out := make([]protocol.Danmaku, len(seq))
	for i, s := range seq {
		out[i] = protocol.Danmaku{Event: protocol.EventDanmaku, Seq: s, Text: "c"}
	}
	return out
}

func TestRecentReplace(t *testing.T) {
	t.Parallel()
	r := NewRecent(3)
	r.Add(comments(99)[0])
	got := r.Replace(comments(5, 2, 4, 2, 3, 1))
	if want := []uint64{3, 4, 5}; !slices.Equal(seqs(got), want) {
		t.Errorf("Replace kept %v, want %v", seqs(got), want)
	}
	if !slices.Equal(seqs(r.Items()), seqs(got)) {
		t.Errorf("Items = %v, want %v", seqs(r.Items()), seqs(got))
	}
}

// TestRecentAddMirrors applies every Insertion to a copy, as a page does to
// its list of elements, and checks that the copy follows the model.
func TestRecentAddMirrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		start []uint64
		add   uint64
		ok    bool
		want  []uint64
	}{
		{"append", []uint64{1, 2}, 3, true, []uint64{1, 2, 3}},
		{"duplicate", []uint64{1, 2}, 2, false, []uint64{1, 2}},
		{"late arrival", []uint64{1, 3}, 2, true, []uint64{1, 2, 3}},
		{"into empty", nil, 7, true, []uint64{7}},
		{"full trims oldest", []uint64{1, 2, 3, 4}, 5, true, []uint64{2, 3, 4, 5}},
		{"full, older than all", []uint64{2, 3, 4, 5}, 1, false, []uint64{2, 3, 4, 5}},
		{"full, middle", []uint64{2, 3, 5, 6}, 4, true, []uint64{3, 4, 5, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewRecent(4)
			r.Replace(comments(tt.start...))
			page := slices.Clone(tt.start)
			at, ok := r.Add(comments(tt.add)[0])
			if ok != tt.ok {
				t.Fatalf("Add ok = %v, want %v", ok, tt.ok)
			}
			if ok {
				page = slices.Insert(page, at.Index, tt.add)[at.Trimmed:]
			}
			if got := seqs(r.Items()); !slices.Equal(got, tt.want) {
				t.Errorf("model = %v, want %v", got, tt.want)
			}
			if !slices.Equal(page, tt.want) {
				t.Errorf("mirrored page = %v, want %v", page, tt.want)
			}
		})
	}
}

func TestRecentDefaultLimit(t *testing.T) {
	t.Parallel()
	r := NewRecent(0)
	for seq := range uint64(DefaultRecent + 20) {
		r.Add(comments(seq + 1)[0])
	}
	if n := len(r.Items()); n != DefaultRecent {
		t.Errorf("kept %d comments, want %d", n, DefaultRecent)
	}
	if first := r.Items()[0].Seq; first != 21 {
		t.Errorf("oldest kept is %d, want 21", first)
	}
}
