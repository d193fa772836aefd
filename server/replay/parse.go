package replay

import (
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"barrage/protocol"
)

// Recorded modes that a replay treats specially; protocol has the rest.
const (
	modeScrollLow  = 2 // Bilibili's scroll variants 2 and 3 play as mode 1
	modeScrollHigh = 3
	modePositioned = 7 // text is a JSON array of coordinates and styling
	modeScripted   = 8 // text is a script for Bilibili's own player
)

// maxSeconds bounds a comment's time, about eleven days: longer than any
// recording, and small enough that dividing it by [MinSpeed] still fits a
// time.Duration.
const maxSeconds = 1e6

// maxSize bounds a font size; the recordings use 10 to 127 (the larger
// ones on positioned comments).
const maxSize = 1000

// fieldNames names the fields of a comment's p attribute, in order.
var fieldNames = [...]string{
	"time", "mode", "size", "colour", "sent", "pool", "sender", "id", "weight",
}

// ParseError says where a track stopped parsing: the line, the comment and,
// when one field was wrong, which field and its text.
type ParseError struct {
	Track string
	// Line is where the error was found: the line of the comment's start
	// tag for a bad attribute, the decoder's line otherwise.
	Line int
	// Comment counts <d> elements from 1 in file order. If the failure lies
	// between elements, Comment is the last complete one and Between is set.
	Comment int
	Between bool
	// Field numbers the p attribute's fields from 1 (time is 1, mode 2);
	// 0 when the failure is not about one field. Value is that field's text.
	Field int
	Value string
	Err   error
}

// Error reads like `parse track "x": line 3: comment 17: field 2 (mode) "abc":
// not a number`.
func (e *ParseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "parse track %q: line %d: ", e.Track, e.Line)
	switch {
	case e.Between && e.Comment > 0:
		fmt.Fprintf(&b, "after comment %d: ", e.Comment)
	case !e.Between:
		fmt.Fprintf(&b, "comment %d: ", e.Comment)
	}
	if e.Field > 0 {
		fmt.Fprintf(&b, "field %d (%s) %q: ", e.Field, fieldNames[e.Field-1], e.Value)
	}
	var syntax *xml.SyntaxError
	if errors.As(e.Err, &syntax) {
		// The decoder's own message repeats the line; keep only its reason.
		b.WriteString("XML syntax: " + syntax.Msg)
		return b.String()
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// Parse reads a Bilibili danmaku XML track from r as a stream and returns
// its playable comments sorted by time. name becomes the Track's name and
// appears in errors. Parse does not bound the input's size; callers reading
// from the network should. A malformed input gives a [*ParseError].
func Parse(r io.Reader, name string) (*Track, error) {
	p := &parser{dec: xml.NewDecoder(r), track: &Track{Name: name}}
	if err := p.root(); err != nil {
		return nil, err
	}
	if err := p.body(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(p.track.Comments, func(a, b Comment) int {
		return cmp.Compare(a.At, b.At)
	})
	return p.track, nil
}

// parser holds the state of one Parse.
type parser struct {
	dec   *xml.Decoder
	track *Track
	n     int // <d> elements started so far
	line  int // line of the current <d> element's start tag
}

// root reads up to the document element, which must be <i>.
func (p *parser) root() error {
	for {
		tok, err := p.dec.Token()
		if err == io.EOF {
			return p.between(errors.New("no <i> root element"))
		}
		if err != nil {
			return p.between(err)
		}
		if start, ok := tok.(xml.StartElement); ok {
			if start.Name.Local != "i" {
				return p.between(fmt.Errorf("root element is <%s>, want <i>", start.Name.Local))
			}
			return nil
		}
	}
}

// body reads the children of <i> up to its end tag, parsing each <d> and
// skipping the others (chatid, maxlimit…).
func (p *parser) body() error {
	for {
		tok, err := p.dec.Token()
		if err != nil {
			return p.between(truncated(err))
		}
		switch el := tok.(type) {
		case xml.EndElement:
			// The decoder checks that end tags match, so this one closes <i>.
			return nil
		case xml.StartElement:
			if el.Name.Local != "d" {
				// The other children (chatid, maxlimit…) hold only text.
				// Skipping them leaf by leaf, instead of with Decoder.Skip,
				// refuses deep nesting, which would hold the decoder's
				// stack of open elements in memory.
				if _, err := p.text(); err != nil {
					return p.between(fmt.Errorf("in <%s>: %w", el.Name.Local, err))
				}
				continue
			}
			if err := p.comment(el); err != nil {
				return err
			}
		}
	}
}

// comment parses one <d> element whose start tag has just been read.
func (p *parser) comment(start xml.StartElement) error {
	p.n++
	p.line, _ = p.dec.InputPos()
	text, err := p.text()
	if err != nil {
		return p.inComment(0, "", err)
	}
	attr, ok := pAttr(start)
	if !ok {
		return p.inComment(0, "", errors.New("no p attribute"))
	}
	c, bad := parseFields(attr)
	if bad != nil {
		return p.inComment(bad.field, bad.value, bad.err)
	}
	switch c.Mode {
	case modePositioned:
		p.track.Positioned++
		return nil
	case modeScripted:
		p.track.Scripted++
		return nil
	case modeScrollLow, modeScrollHigh:
		c.Mode = protocol.ModeScroll
	}
	c.Text = text
	p.track.Comments = append(p.track.Comments, c)
	return nil
}

// text reads a <d> element's character data up to its end tag.
func (p *parser) text() (string, error) {
	var b strings.Builder
	for {
		tok, err := p.dec.Token()
		if err != nil {
			return "", truncated(err)
		}
		switch el := tok.(type) {
		case xml.CharData:
			b.Write(el)
		case xml.StartElement:
			return "", fmt.Errorf("unexpected element <%s>", el.Name.Local)
		case xml.EndElement:
			return b.String(), nil
		}
	}
}

// pAttr returns the value of the p attribute.
func pAttr(start xml.StartElement) (string, bool) {
	for _, a := range start.Attr {
		if a.Name.Space == "" && a.Name.Local == "p" {
			return a.Value, true
		}
	}
	return "", false
}

// between wraps an error found outside any <d> element.
func (p *parser) between(err error) error {
	line, _ := p.dec.InputPos()
	var syntax *xml.SyntaxError
	if errors.As(err, &syntax) {
		line = syntax.Line
	}
	return &ParseError{Track: p.track.Name, Line: line, Comment: p.n, Between: true, Err: err}
}

// inComment wraps an error found in the current <d> element; field is
// 1-based, 0 when the error is not about one field.
func (p *parser) inComment(field int, value string, err error) error {
	line := p.line
	var syntax *xml.SyntaxError
	if errors.As(err, &syntax) {
		line = syntax.Line
	}
	return &ParseError{
		Track: p.track.Name, Line: line, Comment: p.n,
		Field: field, Value: value, Err: err,
	}
}

// truncated turns a bare end of input inside an element into an error that
// says so; the decoder usually reports it as a syntax error already.
func truncated(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// fieldError is a failure in a p attribute; parser.comment adds where.
type fieldError struct {
	field int // 1-based; 0 when the attribute as a whole is wrong
	value string
	err   error
}

// fields reads the values of one p attribute and keeps the first failure,
// so that parseFields reads as a list of the fields and their limits.
type fields struct {
	vals []string
	bad  *fieldError
}

// parseFields parses a p attribute into a Comment, leaving Text empty. The
// sent, pool and weight fields are checked but not kept.
func parseFields(attr string) (Comment, *fieldError) {
	vals := strings.Split(attr, ",")
	if len(vals) != 8 && len(vals) != 9 {
		err := fmt.Errorf("p attribute has %d fields, want 8 or 9", len(vals))
		return Comment{}, &fieldError{err: err}
	}
	f := fields{vals: vals}
	c := Comment{
		At:     f.seconds(0),
		Mode:   f.int(1, 1, modeScripted),
		Size:   f.int(2, 1, maxSize),
		Color:  f.int(3, 0, protocol.MaxColor),
		Sender: vals[6],
		ID:     vals[7],
	}
	f.int(4, 0, math.MaxInt) // sent
	f.int(5, 0, math.MaxInt) // pool
	if len(vals) == 9 {
		f.int(8, math.MinInt, math.MaxInt) // weight
	}
	return c, f.bad
}

// int parses field i (0-based) as an integer within [lo, hi].
func (f *fields) int(i, lo, hi int) int {
	if f.bad != nil {
		return 0
	}
	n, err := strconv.Atoi(f.vals[i])
	switch {
	case errors.Is(err, strconv.ErrRange):
		f.fail(i, fmt.Errorf("out of range [%d, %d]", lo, hi))
	case err != nil:
		f.fail(i, errors.New("not a number"))
	case n < lo || n > hi:
		f.fail(i, fmt.Errorf("out of range [%d, %d]", lo, hi))
	}
	return n
}

// seconds parses field i (0-based) as a time in seconds.
func (f *fields) seconds(i int) time.Duration {
	if f.bad != nil {
		return 0
	}
	s, err := strconv.ParseFloat(f.vals[i], 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		f.fail(i, errors.New("not a number"))
	case err != nil, math.IsNaN(s), s < 0, s > maxSeconds:
		f.fail(i, fmt.Errorf("out of range [0, %g] seconds", float64(maxSeconds)))
	default:
		return time.Duration(math.Round(s * float64(time.Second)))
	}
	return 0
}

func (f *fields) fail(i int, err error) {
	f.bad = &fieldError{field: i + 1, value: f.vals[i], err: err}
}
