package replay

import (
	"cmp"
	"errors"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind: replay
// goroutines, timers' and HTTP connections' alike.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestTracks(t *testing.T) {
	want := []string{"1600157973", "2170097", "371495955"}
	if got := Tracks(); !slices.Equal(got, want) {
		t.Fatalf("Tracks() = %q, want %q", got, want)
	}
}

// The counts come from the tracks' README (comments in all) and from
// grepping the files for mode 7 and 8 comments.
func TestOpenTrackCounts(t *testing.T) {
	tests := []struct {
		name            string
		all, positioned int
		length          time.Duration
		modes           map[int]int
	}{
		{"1600157973", 600, 0, 113494 * time.Millisecond, map[int]int{1: 511, 4: 8, 5: 81}},
		{"2170097", 973, 77, 245536 * time.Millisecond, map[int]int{1: 538, 4: 261, 5: 97}},
		{"371495955", 9600, 372, 3688477 * time.Millisecond,
			map[int]int{1: 7335, 4: 434, 5: 1459}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := OpenTrack(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := fs.ReadFile(trackFS, "tracks/"+tt.name+".xml")
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(raw), "<d p="); n != tt.all {
				t.Fatalf("file has %d <d> elements, README says %d", n, tt.all)
			}
			checkCounts(t, tr, tt.all, tt.positioned, tt.modes)
			if tr.Length() != tt.length {
				t.Errorf("Length() = %v, want %v", tr.Length(), tt.length)
			}
			checkSorted(t, tr)
		})
	}
}

func checkCounts(t *testing.T, tr *Track, all, positioned int, modes map[int]int) {
	t.Helper()
	if tr.Positioned != positioned || tr.Scripted != 0 {
		t.Errorf("Positioned, Scripted = %d, %d; want %d, 0",
			tr.Positioned, tr.Scripted, positioned)
	}
	if got := len(tr.Comments) + tr.Positioned + tr.Scripted; got != all {
		t.Errorf("played + positioned + scripted = %d, want %d", got, all)
	}
	got := map[int]int{}
	for _, c := range tr.Comments {
		got[c.Mode]++
	}
	if !maps.Equal(got, modes) {
		t.Errorf("modes = %v, want %v", got, modes)
	}
}

func checkSorted(t *testing.T, tr *Track) {
	t.Helper()
	byTime := func(a, b Comment) int { return cmp.Compare(a.At, b.At) }
	if !slices.IsSortedFunc(tr.Comments, byTime) {
		t.Error("comments are not sorted by time")
	}
}

// 2170097.xml holds `顶上首页&gt;&lt;!!` in comment 576781245.
func TestEntitiesDecoded(t *testing.T) {
	tr, err := OpenTrack("2170097")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"576781245": "女性版语法错误就特别少ww！！！" +
			"中文翻译不是太可靠啦……（）顶上首页><!!",
		"571590219": "【这里是野生女性视角日语翻译><翻译有问题请提出！】",
	}
	for _, c := range tr.Comments {
		if w, ok := want[c.ID]; ok {
			if c.Text != w {
				t.Errorf("comment %s: text %q, want %q", c.ID, c.Text, w)
			}
			delete(want, c.ID)
		}
	}
	if len(want) > 0 {
		t.Errorf("comments not found: %v", want)
	}
}

func TestOpenTrackUnknown(t *testing.T) {
	names := []string{"", "nope", "README", "../replay/tracks/2170097", "a/b", "2170097.xml"}
	for _, name := range names {
		if _, err := OpenTrack(name); !errors.Is(err, ErrNoTrack) {
			t.Errorf("OpenTrack(%q) = %v, want ErrNoTrack", name, err)
		}
	}
}

const head = `<?xml version="1.0" encoding="UTF-8"?><i><chatid>1</chatid>`

func TestParse(t *testing.T) {
	in := head + "\n" +
		`<d p="5.5,1,25,16777215,1,0,v1,a,10">later</d>` + "\n" +
		`<d p="1.25,2,18,255,1,0,v2,b">  scroll 2, no weight  </d>` +
		`<d p="1.25,3,25,0,1,0,v3,c,0">same time, after b</d>` +
		`<d p="0,6,25,0,1,0,v4,d,1">reverse &amp; &#x1F600; <![CDATA[<raw>]]></d>` +
		`<d p="2,7,25,0,1,0,v5,e,1">[1,2,"positioned"]</d>` +
		`<d p="3,8,25,0,1,0,v6,f,1">script()</d>` +
		`<d p="4,4,25,0,1,0,v7,g,1"></d>` +
		"\n</i>"
	tr, err := Parse(strings.NewReader(in), "t")
	if err != nil {
		t.Fatal(err)
	}
	want := []Comment{
		{At: 0, Mode: 6, Size: 25, Text: "reverse & 😀 <raw>", Sender: "v4", ID: "d"},
		{At: 1250 * time.Millisecond, Mode: 1, Size: 18, Color: 255,
			Text: "  scroll 2, no weight  ", Sender: "v2", ID: "b"},
		{At: 1250 * time.Millisecond, Mode: 1, Size: 25,
			Text: "same time, after b", Sender: "v3", ID: "c"},
		{At: 4 * time.Second, Mode: 4, Size: 25, Sender: "v7", ID: "g"},
		{At: 5500 * time.Millisecond, Mode: 1, Size: 25, Color: 0xFFFFFF,
			Text: "later", Sender: "v1", ID: "a"},
	}
	if !slices.Equal(tr.Comments, want) {
		t.Errorf("comments:\n got %+v\nwant %+v", tr.Comments, want)
	}
	if tr.Name != "t" || tr.Positioned != 1 || tr.Scripted != 1 {
		t.Errorf("Name, Positioned, Scripted = %q, %d, %d; want t, 1, 1",
			tr.Name, tr.Positioned, tr.Scripted)
	}
}

func TestParseStableSort(t *testing.T) {
	var b strings.Builder
	b.WriteString(head)
	ids := []string{"9", "1", "8", "2", "7", "3"}
	for i, id := range ids {
		at := []string{"2", "1"}[i%2]
		b.WriteString(`<d p="` + at + `,1,25,0,0,0,s,` + id + `">x</d>`)
	}
	b.WriteString("</i>")
	tr, err := Parse(strings.NewReader(b.String()), "t")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range tr.Comments {
		got = append(got, c.ID)
	}
	if want := []string{"1", "2", "3", "9", "8", "7"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

// okComment is a well-formed comment for the malformed inputs below.
const okComment = `<d p="1,1,25,0,0,0,s,1,10">a</d>`

// malformed lists inputs that Parse must refuse, each with the message it
// must give after `parse track "x": ` and the position its error names.
var malformed = []struct {
	name  string
	in    string
	want  string
	line  int
	num   int
	field int
}{
	{"bad mode", head + "\n" + okComment + "\n" + `<d p="2,abc,25,0,0,0,s,2,10">b</d></i>`,
		`line 3: comment 2: field 2 (mode) "abc": not a number`, 3, 2, 2},
	{"bad time", head + `<d p="x,1,25,0,0,0,s,1">a</d></i>`,
		`line 1: comment 1: field 1 (time) "x": not a number`, 1, 1, 1},
	{"negative time", head + `<d p="-1,1,25,0,0,0,s,1">a</d></i>`,
		`line 1: comment 1: field 1 (time) "-1": out of range [0, 1e+06] seconds`, 1, 1, 1},
	{"NaN time", head + `<d p="NaN,1,25,0,0,0,s,1">a</d></i>`,
		`line 1: comment 1: field 1 (time) "NaN": out of range [0, 1e+06] seconds`, 1, 1, 1},
	{"huge time", head + `<d p="1e400,1,25,0,0,0,s,1">a</d></i>`,
		`line 1: comment 1: field 1 (time) "1e400": out of range [0, 1e+06] seconds`, 1, 1, 1},
	{"unknown mode", head + okComment + "\n\n" + `<d p="1,9,25,0,0,0,s,1">a</d></i>`,
		`line 3: comment 2: field 2 (mode) "9": out of range [1, 8]`, 3, 2, 2},
	{"zero size", head + `<d p="1,1,0,0,0,0,s,1">a</d></i>`,
		`line 1: comment 1: field 3 (size) "0": out of range [1, 1000]`, 1, 1, 3},
	{"colour too big", head + `<d p="1,1,25,16777216,0,0,s,1">a</d></i>`,
		`line 1: comment 1: field 4 (colour) "16777216": out of range [0, 16777215]`, 1, 1, 4},
	{"colour overflows", head + `<d p="1,1,25,99999999999999999999,0,0,s,1">a</d></i>`,
		`line 1: comment 1: field 4 (colour) "99999999999999999999": ` +
			`out of range [0, 16777215]`,
		1, 1, 4},
	{"bad sent", head + `<d p="1,1,25,0,yesterday,0,s,1">a</d></i>`,
		`line 1: comment 1: field 5 (sent) "yesterday": not a number`, 1, 1, 5},
	{"bad pool", head + `<d p="1,1,25,0,0,-1,s,1">a</d></i>`,
		`line 1: comment 1: field 6 (pool) "-1": ` +
			`out of range [0, 9223372036854775807]`, 1, 1, 6},
	{"bad weight", head + `<d p="1,1,25,0,0,0,s,1,w">a</d></i>`,
		`line 1: comment 1: field 9 (weight) "w": not a number`, 1, 1, 9},
	{"too few fields", head + `<d p="1,1,25,0,0,0,s">a</d></i>`,
		`line 1: comment 1: p attribute has 7 fields, want 8 or 9`, 1, 1, 0},
	{"too many fields", head + `<d p="1,1,25,0,0,0,s,1,1,1">a</d></i>`,
		`line 1: comment 1: p attribute has 10 fields, want 8 or 9`, 1, 1, 0},
	{"no p", head + okComment + `<d>a</d></i>`, `line 1: comment 2: no p attribute`, 1, 2, 0},
	{"element in text", head + `<d p="1,1,25,0,0,0,s,1">a<b>b</b></d></i>`,
		`line 1: comment 1: unexpected element <b>`, 1, 1, 0},
	{"deep nesting", head + okComment + strings.Repeat("<a>", 100000),
		`line 1: after comment 1: in <a>: unexpected element <a>`, 1, 1, 0},
	{"truncated in text", head + okComment + "\n" + `<d p="1,1,25,0,0,0,s,1">abc`,
		`line 2: comment 2: XML syntax: unexpected EOF`, 2, 2, 0},
	{"truncated in tag", head + okComment + `<d p="1,1`,
		`line 1: after comment 1: XML syntax: unexpected EOF`, 1, 1, 0},
	{"truncated after comment", head + okComment + "\n",
		`line 2: after comment 1: XML syntax: unexpected EOF`, 2, 1, 0},
	{"truncated in other element", head + `<chatserver>chat`,
		`line 1: XML syntax: unexpected EOF`, 1, 0, 0},
	{"mismatched end", head + `<d p="1,1,25,0,0,0,s,1">a</x></i>`,
		`line 1: comment 1: XML syntax: element <d> closed by </x>`, 1, 1, 0},
	{"unknown entity", head + "\n" + `<d p="1,1,25,0,0,0,s,1">&nbsp;</d></i>`,
		`line 2: comment 1: XML syntax: invalid character entity &nbsp;`, 2, 1, 0},
	{"invalid UTF-8", head + `<d p="1,1,25,0,0,0,s,1">` + "\xff" + `</d></i>`,
		`line 1: comment 1: XML syntax: invalid UTF-8`, 1, 1, 0},
	{"empty", "", `line 1: no <i> root element`, 1, 0, 0},
	{"only prolog", `<?xml version="1.0"?>` + "\n", `line 2: no <i> root element`, 2, 0, 0},
	{"wrong root", `<x><d p="1,1,25,0,0,0,s,1">a</d></x>`,
		`line 1: root element is <x>, want <i>`, 1, 0, 0},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range malformed {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := Parse(strings.NewReader(tt.in), "x")
			if err == nil {
				t.Fatalf("Parse succeeded with %d comments, want an error", len(tr.Comments))
			}
			if want := `parse track "x": ` + tt.want; err.Error() != want {
				t.Errorf("error\n got %s\nwant %s", err, want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			if pe.Line != tt.line || pe.Comment != tt.num || pe.Field != tt.field {
				t.Errorf("Line, Comment, Field = %d, %d, %d; want %d, %d, %d",
					pe.Line, pe.Comment, pe.Field, tt.line, tt.num, tt.field)
			}
		})
	}
}

// FuzzParse checks that no input makes Parse panic or hang, that every
// failure is a *ParseError, and that every success is sorted. The seeds are
// in testdata/fuzz/FuzzParse, real_excerpt cut from 2170097.xml; a whole
// track would be a poor seed, as the fuzzer spends its time minimising it.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := Parse(strings.NewReader(string(data)), "fuzz")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError: %v", err, err)
			}
			return
		}
		checkSorted(t, tr)
		for _, c := range tr.Comments {
			if c.Mode == modePositioned || c.Mode == modeScripted || c.At < 0 {
				t.Fatalf("comment %+v should not be played", c)
			}
		}
	})
}
