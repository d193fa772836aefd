package wasmclient

import (
	"fmt"
	"strings"
	"syscall/js"
)

// The DOM helpers below never throw for a missing element: every page looks
// its elements up once, at start, and stops with a readable message when
// one is missing (see [elements]).

var (
	global   = js.Global()
	document = global.Get("document")
)

func byID(id string) js.Value { return document.Call("getElementById", id) }

// elements looks up elements by id and fails, naming them, if any is absent.
func elements(ids ...string) (map[string]js.Value, error) {
	found := make(map[string]js.Value, len(ids))
	var missing []string
	for _, id := range ids {
		el := byID(id)
		if el.IsNull() {
			missing = append(missing, "#"+id)
			continue
		}
		found[id] = el
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the page lacks %s", strings.Join(missing, ", "))
	}
	return found, nil
}

// newElement creates an element; text goes in as text, never as HTML.
func newElement(tag, class, text string) js.Value {
	el := document.Call("createElement", tag)
	if class != "" {
		el.Set("className", class)
	}
	if text != "" {
		el.Set("textContent", text)
	}
	return el
}

func setText(el js.Value, text string) { el.Set("textContent", text) }

func setHidden(el js.Value, hidden bool) { el.Set("hidden", hidden) }

func setData(el js.Value, key, value string) { el.Get("dataset").Set(key, value) }

func data(el js.Value, key string) string {
	v := el.Get("dataset").Get(key)
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}

func bodyData(key string) string { return data(document.Get("body"), key) }

func setBodyData(key, value string) { setData(document.Get("body"), key, value) }

// removeChildren empties el.
func removeChildren(el js.Value) { el.Set("textContent", "") }

func pageHidden() bool { return document.Get("hidden").Truthy() }

// listen registers f for the page's lifetime. f runs inside a JavaScript
// callback: it must not block, so it reads the event and hands work on.
func listen(target js.Value, event string, f func(ev js.Value)) {
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		defer recoverTo("a " + event + " handler")
		f(args[0])
		return nil
	})
	target.Call("addEventListener", event, fn)
}

// closestData finds the nearest element at or above ev's target that has
// the data attribute key, for delegated click handlers.
func closestData(ev js.Value, key string) (js.Value, bool) {
	target := ev.Get("target")
	if target.IsNull() || target.Get("closest").IsUndefined() {
		return js.Null(), false
	}
	attr := "data-" + strings.ReplaceAll(key, "_", "-")
	el := target.Call("closest", "["+attr+"]")
	return el, !el.IsNull()
}

// recoverTo turns a panic into a message on the page instead of the end of
// the program: one broken part should not take the whole page down. Use it
// deferred at the top of every goroutine and callback.
func recoverTo(where string) {
	if r := recover(); r != nil {
		showFailure(fmt.Sprintf("The live client failed in %s (%v). Reload the page.", where, r))
	}
}

// showFailure writes msg into the page's #boot-error element, or the
// console when the page has none.
func showFailure(msg string) {
	global.Get("console").Call("error", msg)
	if el := byID("boot-error"); !el.IsNull() {
		setText(el, msg)
		setHidden(el, false)
	}
}
