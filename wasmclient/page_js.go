package wasmclient

import (
	"context"
	"syscall/js"
	"time"
)

// Polling of the JSON API by the live pages.
const (
	pollPeriod     = 5 * time.Second // lists refresh this often while visible
	nudgeThrottle  = time.Second     // and at most this often on events
	requestTimeout = 10 * time.Second
)

// Main runs the page named by the body's data-page attribute (room, lobby
// or admin) and, for those, never returns. It sets the body's data-client
// to "ready" once the page is wired, "failed" (with a message in
// #boot-error) when the page lacks what it needs, and "idle" on a page
// without live parts, where it returns.
func Main() {
	ctx := context.Background()
	var err error
	switch bodyData("page") {
	case "room":
		err = startRoom(ctx)
	case "lobby":
		err = startLobby(ctx)
	case "admin":
		err = startAdmin(ctx)
	default:
		setBodyData("client", "idle")
		return
	}
	if err != nil {
		showFailure("The live client could not start: " + err.Error())
		setBodyData("client", "failed")
		return
	}
	setBodyData("client", "ready")
	select {} // the page's goroutines and callbacks carry on
}

// poll calls refresh at once if eager, every pollPeriod while the page is
// visible,
// and after a nudge (at most once per nudgeThrottle). It also runs the
// actions that callbacks queue, refreshing after each. Everything runs on
// the calling goroutine, which owns whatever refresh and the actions touch.
func poll(ctx context.Context, actions <-chan func(context.Context),
	nudges <-chan struct{}, refresh func(context.Context), eager bool) {
	defer recoverTo("a list refresh")
	tick := time.NewTicker(pollPeriod)
	defer tick.Stop()
	p := &poller{refresh: refresh}
	if eager {
		p.run(ctx)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case f := <-actions:
			p.act(ctx, f)
		case <-tick.C:
			if !pageHidden() {
				p.run(ctx)
			}
		case <-nudges:
			p.nudged(ctx)
		case <-p.later:
			p.later = nil
			p.run(ctx)
		}
	}
}

// poller is the state of one [poll] loop.
type poller struct {
	refresh func(context.Context)
	last    time.Time        // the latest refresh
	later   <-chan time.Time // a throttled nudge waiting its turn
}

func (p *poller) run(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	p.refresh(ctx)
	p.last = time.Now()
}

func (p *poller) act(ctx context.Context, f func(context.Context)) {
	actx, cancel := context.WithTimeout(ctx, requestTimeout)
	f(actx)
	cancel()
	p.run(ctx)
}

func (p *poller) nudged(ctx context.Context) {
	wait := nudgeThrottle - time.Since(p.last)
	switch {
	case wait <= 0:
		p.run(ctx)
	case p.later == nil:
		p.later = time.After(wait)
	}
}

// nudge asks a poller for a refresh without blocking; one pending nudge is
// as good as many.
func nudge(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// nudgeWhenVisible nudges ch each time the page becomes visible again, so
// that lists are fresh at once after a tab switch.
func nudgeWhenVisible(ch chan<- struct{}) {
	listen(document, "visibilitychange", func(js.Value) {
		if !pageHidden() {
			nudge(ch)
		}
	})
}
