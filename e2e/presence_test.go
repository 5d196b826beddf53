package e2e

import (
	"strings"

	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPresenceEndTimeReachesOpenPages: a status with an end time ends on
// an open board and on the person's own page without anybody changing
// anything (no event comes through the stream): both pages fetch or
// switch to the fallen-back state when the time passes.
func TestPresenceEndTimeReachesOpenPages(t *testing.T) {
	chrome := findChromium(t)
	base := startServer(t)
	browser := startBrowser(t, chrome)
	tb := newTab(t, browser, base)
	tb.signIn(t, role{login: "staff", home: "/", h1: "ホーム"})
	tb.check(t, "/worktime", "")
	// 取り込み中 for twenty more seconds (RFC 3339: a time of day has minutes only;
	// long enough for a slow machine to load and check the page before it ends).
	set := evalAsync(t, tb, `(async () => {
	  const body = new URLSearchParams({status: 'busy', note: 'e2e会議中', until: new Date(Date.now() + 20000).toISOString(), auto_away: '1'});
	  const r = await fetch('/presence', {method: 'POST', body, credentials: 'same-origin'});
	  return String(r.status); })()`)
	if set != "200" { // the redirect to /worktime followed
		t.Fatalf("setting busy: %s", set)
	}
	tb.check(t, "/worktime", "")
	if got := tb.attr(t, "#presence-form", "data-status"); got != "busy" {
		t.Fatalf("/worktime shows %q, want busy", got)
	}
	then := tb.attr(t, "#presence-form", "data-then")
	if then != "available" && then != "offline" {
		t.Fatalf("/worktime: data-then %q", then)
	}
	waitFor(t, tb, 45*time.Second, `document.querySelector('#presence-form').getAttribute('data-status') === '`+then+`' &&
	  document.querySelector('#presence-form input[name=status]:checked').value === '`+then+`' &&
	  document.querySelector('#f-presence_note').value === '' && document.querySelector('#f-presence_until').value === ''`,
		"the page to fall back to "+then)

	evalAsync(t, tb, `(async () => {
	  const body = new URLSearchParams({status: 'busy', note: 'e2e会議中', until: new Date(Date.now() + 20000).toISOString(), auto_away: '1'});
	  await fetch('/presence', {method: 'POST', body, credentials: 'same-origin'}); return ''; })()`)
	tb.check(t, "/board", "")
	if board := tb.eval(t, `document.getElementById('board').textContent`); !strings.Contains(board, "e2e会議中") || !strings.Contains(board, "取り込み中") {
		t.Fatalf("the board does not show the busy status: %s", board)
	}
	waitFor(t, tb, 45*time.Second, `!document.getElementById('board').textContent.includes('e2e会議中')`, "the board to drop the ended status")
}

// evalAsync awaits the promise js returns.
func evalAsync(t *testing.T, tb *tab, js string) string {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %q: %v", js, err)
	}
	return v
}

// waitFor polls js in the tab until it is true.
func waitFor(t *testing.T, tb *tab, limit time.Duration, js, what string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for tb.eval(t, `String(`+js+`)`) != "true" {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", limit, what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
