// Package e2e drives the real server through headless Chromium: every demo
// role signs in with the keyboard, reaches its pages, and each page is
// checked with axe-core (WCAG 2.1 A and AA), for reflow at 360 px and for
// requests that leave the server (the product runs on closed networks).
package e2e

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"telework/internal/app"
	"telework/internal/demo"
	"telework/internal/web"
)

// axeSource is axe-core 4.14.1 (npm, MPL-2.0, see testdata/axe-core-LICENSE.txt).
//
//go:embed testdata/axe.min.js
var axeSource string

const (
	phoneWidth  = 360
	phoneHeight = 800
)

// role is one demo account and the pages it should reach.
type role struct {
	login    string
	operator bool
	home     string // path after sign-in
	h1       string // expected heading of the home page
	pages    func(t *testing.T, tb *tab)
}

func TestBrowser(t *testing.T) {
	chrome := findChromium(t)
	base := startServer(t)
	seedSurveys(t)     // survey_test.go: surveys with answers for the survey pages
	seedOvertime(t)    // worktime_test.go: a prior overtime request waiting (issue 12)
	seedDevicePools(t) // places_seed_test.go: a pool for the device reservation page
	browser := startBrowser(t, chrome)

	roles := []role{
		{login: "staff", home: "/", h1: "ホーム", pages: staffPages},
		{login: "supervisor", home: "/", h1: "ホーム", pages: func(t *testing.T, tb *tab) {
			menuKeepsFocusInView(t, tb) // the supervisor's menu is the longest of the staff roles
			tb.check(t, "/team", "")
			approvalPages(t, tb) // apply_pages.go
			// Working time, presence and the board (issue 12).
			tb.check(t, "/worktime", "")
			tb.check(t, "/worktime/team", "")
			tb.check(t, "/board", "")
			tb.check(t, "/notifications/calendar-feeds", "") // the section feed (issue 12)
			tb.check(t, "/worktime/overtime", "")            // prior overtime approval (issue 12)
			tb.check(t, "/schedule", "")
			tb.check(t, "/places", "") // booking on someone's behalf (issue 14)
			tb.check(t, "/devices/reservations", "")
		}},
		{login: "hr", home: "/", h1: "ホーム", pages: hrPages},
		{login: "it", home: "/", h1: "ホーム", pages: func(t *testing.T, tb *tab) {
			tb.check(t, "/rules", "")
			trialPages(t, tb, "it")
			tb.check(t, "/tasks/systems", "") // the task inventory (issue 13)
			tb.check(t, "/tasks/ranking", "")
			tb.check(t, "/delivery/settings", "") // notification delivery (issue 12)
			for _, p := range []string{"/places/offices", "/places/offices/new", "/places/report", "/devices/desk", "/devices/pools/new", "/devices/personal/review"} {
				tb.check(t, p, "") // offices, lending desk, BYOD review, report (issue 14)
			}
			tb.check(t, "/places/offices", "")
			if day := tb.attr(t, `main a[href*="/day?date="]`, "href"); day != "" {
				tb.check(t, day, "") // an office's day view with the booking form on someone's behalf
			}
			tb.check(t, "/devices/reservations", "")
		}},
		{login: "auditor", home: "/", h1: "ホーム", pages: func(t *testing.T, tb *tab) {
			tb.check(t, "/audit", "") // the audit log and nothing else (SPEC §2): /rules is 403 now
			tb.check(t, "/audit?kind=staff.create&person=system%3Ademo", "")
			tb.check(t, "/audit?object_type=unit&object=010200", "")
			tb.check(t, "/audit?person=nobody-at-all&from=2026-13-01", "") // the pickers' error messages
			tb.check(t, "/audit?before=100", "")                           // both pager links
		}},
		{login: demo.OperatorLogin, operator: true, home: "/operator", h1: "団体の管理", pages: func(t *testing.T, tb *tab) {
			href := tb.attr(t, `main table a[href^="/operator/tenants/"]`, "href")
			if href == "" {
				t.Fatal("/operator: no link to a tenant; the demo tenant should be listed")
			}
			tb.check(t, href, "")
			tb.check(t, href+"/auditors", "")
			tb.check(t, "/operator/holidays", "")
			tb.check(t, "/operator/tokens", "")
			tb.check(t, "/operator/audit-heads", "")
		}},
	}
	for _, r := range roles {
		t.Run(r.login, func(t *testing.T) {
			tb := newTab(t, browser, base)
			tb.signIn(t, r)
			if r.pages != nil {
				r.pages(t, tb)
			}
			tb.assertClosedNetwork(t)
			t.Logf("checked %d pages: %s", len(tb.checked), strings.Join(tb.checked, " "))
		})
	}
}

func staffPages(t *testing.T, tb *tab) {
	// The home page links to the person's own record.
	own := tb.attr(t, `main section.card a[href^="/staff/"]`, "href")
	if own == "" {
		t.Fatal("home page: no link to the person's own staff record")
	}
	tb.check(t, "/staff?q="+url.QueryEscape("やま"), "")
	if n := tb.evalInt(t, `document.querySelectorAll('main table tbody tr').length`); n == 0 {
		t.Error("/staff?q=やま: no results; the demo data should have matches")
	}
	tb.check(t, "/units", "")
	tb.check(t, own, "")
	tb.check(t, "/settings", "")
	flashTakesFocus(t, tb)
	tb.check(t, "/calendar", "")
	tb.check(t, "/tokens", "")
	tb.check(t, "/api/docs", "")
	tb.check(t, "/rules", "")
	tb.check(t, "/staff?page=2", "")
	trialPages(t, tb, "staff")
	surveyStaffPages(t, tb)
	tb.check(t, "/tasks", "")  // the task inventory (issue 13)
	tb.check(t, "/places", "") // satellite offices (issue 14)
	tb.check(t, "/devices/personal", "")
	tb.check(t, "/devices/reservations", "")
	tb.check(t, "/tasks?q="+url.QueryEscape("しりょう"), "")
	applyPages(t, tb) // apply_pages.go
	// Notification preferences, calendar feeds, the shared schedule (issue 12).
	tb.check(t, "/notifications/settings", "")
	tb.check(t, "/notifications/calendar-feeds", "")
	tb.check(t, "/schedule", "")
	tb.check(t, "/schedule?view=week", "")
	tb.check(t, "/worktime/overtime", "") // prior overtime approval (issue 12)
}

func hrPages(t *testing.T, tb *tab) {
	own := tb.attr(t, `main section.card a[href^="/staff/"]`, "href")
	shot, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	file := filepath.Join(t.TempDir(), "hr-home-360.png")
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the hr home page at %d px: %s (%d bytes)", phoneWidth, file, len(shot))

	trialPages(t, tb, "hr")
	tb.check(t, "/staff/new", "")
	tb.check(t, "/accounts", "")
	tb.check(t, "/accounts/new", "")
	tb.check(t, "/accounts/tokens", "")
	tb.check(t, "/units", "")
	unit := tb.attr(t, `main .tree a[href^="/units/"]`, "href")
	if unit == "" {
		t.Fatal("/units: no unit links")
	}
	tb.check(t, unit+"/edit", "")
	tb.check(t, "/policy", "")
	tb.check(t, "/policy/new?from=ibaraki", "")
	tb.check(t, "/retention", "")
	tb.check(t, "/staff/import", "")
	if own != "" {
		tb.check(t, own+"/retire", "") // the confirmation before 退職
	}
	tb.check(t, "/rules", "")
	tb.check(t, "/units/import", "")
	surveyHRPages(t, tb)
	tb.check(t, "/accounts/bulk", "")
	tb.check(t, "/staff/scheduled", "")
	tb.check(t, "/staff/facts?show=1", "")

	// A form sent empty comes back with its errors: a summary that screen
	// readers announce, and each message tied to its field.
	if err := chromedp.Do(tb.ctx, chromedp.Navigate(tb.base+"/staff/new")); err != nil {
		t.Fatal(err)
	}
	resp, err := chromedp.RunResponse(tb.ctx, chromedp.Click(chromedp.CSS(`main form button.button--primary`)))
	if err != nil {
		t.Fatalf("submitting /staff/new: %v", err)
	}
	if resp.Status != 422 {
		t.Errorf("empty /staff/new: status %d, want 422", resp.Status)
	}
	problems, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](formErrorScript))
	if err != nil {
		t.Fatalf("checking the form errors: %v", err)
	}
	for _, p := range problems {
		t.Errorf("empty /staff/new: %s", p)
	}
	tb.pageChecks(t, "/staff/new (sent empty)")
	tb.check(t, "/approvals/settings", "") // apply_pages_test.go
}

// formErrorScript lists what is wrong with the error page of a form.
const formErrorScript = `(() => {
  const out = [];
  const summary = document.getElementById('error-summary');
  if (!summary) out.push('no #error-summary');
  else if (summary.getAttribute('role') !== 'alert') out.push('#error-summary has no role=alert');
  const invalid = document.querySelectorAll('[aria-invalid="true"]');
  if (invalid.length === 0) out.push('no field has aria-invalid=true');
  for (const el of invalid) {
    const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    const err = ids.map(id => document.getElementById(id)).find(e => e && e.classList.contains('field-error'));
    if (!err) out.push('#' + el.id + ': error message not linked with aria-describedby');
    else if (!err.textContent.trim()) out.push('#' + el.id + ': empty error message');
  }
  if (summary && invalid.length > 0) {
    // The first field in the form that has an error is in the announced summary.
    const first = invalid[0];
    if (!summary.querySelector('a[href="#' + first.id + '"]')) out.push('#error-summary has no link to the first invalid field #' + first.id);
    const msg = document.getElementById(first.id + '-error');
    if (msg && !summary.textContent.includes(msg.textContent.trim())) out.push('#error-summary does not repeat the message of #' + first.id);
  }
  if (summary) {
    const links = summary.querySelectorAll('a[href^="#"]');
    if (links.length === 0) out.push('#error-summary lists no fields');
    for (const a of links) {
      if (!document.getElementById(a.getAttribute('href').slice(1))) out.push('summary link ' + a.getAttribute('href') + ' points nowhere');
    }
  }
  return out;
})()`

// tab is one browser tab with its own cookie jar (browser context).
type tab struct {
	ctx  context.Context
	base string

	checked []string // pages that passed through pageChecks

	mu       sync.Mutex
	requests []string
}

func newTab(t *testing.T, browser context.Context, base string) *tab {
	t.Helper()
	tb := &tab{base: base}
	ctx, cancel := chromedp.NewContext(browser,
		chromedp.WithNewBrowserContext(),
		chromedp.WithListener(func(ev any) {
			if ev, ok := ev.(*network.EventRequestWillBeSent); ok {
				tb.mu.Lock()
				tb.requests = append(tb.requests, ev.Request.URL)
				tb.mu.Unlock()
			}
		}))
	t.Cleanup(cancel)
	// A guard against a hung browser, not a timing check: a role's pages
	// (hr's are many, with axe on each) take 30–45 s on a busy 2-CPU
	// machine.
	ctx, cancelT := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(cancelT)
	tb.ctx = ctx
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(phoneWidth, phoneHeight),
		chromedp.Func(func(ctx context.Context, tt *chromedp.Target) error {
			// Japanese is the product's first language; the headless
			// browser would otherwise ask for English.
			_, err := cdp.Call(ctx, tt, network.SetExtraHTTPHeaders,
				network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": "ja"}})
			return err
		}))
	if err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return tb
}

// signIn opens the role's sign-in page, checks it, types the credentials
// with the keyboard and lands on the home page.
func (tb *tab) signIn(t *testing.T, r role) {
	t.Helper()
	path := "/login"
	if r.operator {
		path = "/operator/login"
	}
	tb.check(t, path, "")

	// The first Tab stop is the skip link, and it shows when focused.
	if err := chromedp.Do(tb.ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	focus := tb.eval(t, `(() => { const a = document.activeElement, b = a.getBoundingClientRect();
	  return [a.className, a.textContent.trim(), a.getAttribute('href'), b.left >= 0 && b.top >= 0 && b.width > 0 ? 'shown' : 'hidden'].join('|'); })()`)
	if want := "skip-link|本文へ移動|#main|shown"; focus != want {
		t.Errorf("%s: first Tab focuses %q, want %q", path, focus, want)
	} else {
		// Enter on it moves the focus to the main content.
		if err := chromedp.Do(tb.ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
			t.Fatal(err)
		}
		if got := tb.eval(t, `document.activeElement.id`); got != "main" {
			t.Errorf("%s: after the skip link, focus is on %q, want main", path, got)
		}
	}

	var keys []chromedp.Action[chromedp.Void]
	if !r.operator {
		keys = append(keys, chromedp.SendKeys(chromedp.ID("f-tenant"), demo.Slug))
	}
	keys = append(keys, chromedp.SendKeys(chromedp.ID("f-login_id"), r.login))
	if err := chromedp.Do(tb.ctx, keys...); err != nil {
		t.Fatalf("typing the sign-in form: %v", err)
	}
	resp, err := chromedp.RunResponse(tb.ctx, chromedp.SendKeys(chromedp.ID("f-password"), demo.Password+kb.Enter))
	if err != nil {
		t.Fatalf("signing in as %s: %v", r.login, err)
	}
	if resp.Status != 200 {
		t.Fatalf("signing in as %s: status %d", r.login, resp.Status)
	}
	if got := tb.eval(t, `location.pathname`); got != r.home {
		t.Fatalf("signed in as %s: at %s, want %s", r.login, got, r.home)
	}
	tb.pageChecks(t, r.home)
	if got := tb.eval(t, `document.querySelector('h1').textContent.trim()`); got != r.h1 {
		t.Errorf("%s home: h1 %q, want %q", r.login, got, r.h1)
	}
}

// check opens path, expects a 200 page at that path (no redirect to the
// sign-in page), optionally with h1 text, and runs the page checks.
func (tb *tab) check(t *testing.T, path, h1 string) {
	t.Helper()
	resp, err := chromedp.Run(tb.ctx, chromedp.NavigateResponse(tb.base+path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if resp.Status != 200 {
		t.Fatalf("%s: status %d", path, resp.Status)
	}
	want, _, _ := strings.Cut(path, "?")
	if got := tb.eval(t, `location.pathname`); got != want {
		t.Fatalf("%s: landed on %s", path, got)
	}
	if h1 != "" {
		if got := tb.eval(t, `document.querySelector('h1').textContent.trim()`); got != h1 {
			t.Errorf("%s: h1 %q, want %q", path, got, h1)
		}
	}
	tb.pageChecks(t, path)
}

// pageChecks runs the checks every page must pass: one h1, no horizontal
// scrolling at phone width, and no axe violations.
func (tb *tab) pageChecks(t *testing.T, label string) {
	t.Helper()
	if n := tb.evalInt(t, `document.querySelectorAll('h1').length`); n != 1 {
		t.Errorf("%s: %d h1 elements, want 1", label, n)
	}
	if w := tb.evalInt(t, `window.innerWidth`); w != phoneWidth {
		t.Fatalf("%s: viewport is %d px wide, want %d", label, w, phoneWidth)
	}
	if sw := tb.evalInt(t, `document.documentElement.scrollWidth`); sw > phoneWidth {
		t.Errorf("%s: page scrolls sideways at %d px (scrollWidth %d); elements past the edge: %s",
			label, phoneWidth, sw, tb.eval(t, widestScript))
	}
	runAxe(t, tb.ctx, label)
	// A table that scrolls sideways is reached by keyboard, named, also
	// inside a <details> (axe passes closed ones by; a review found the
	// import pages' column lists unreachable at 360 px).
	if bad, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](scrollRegionsScript, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("%s: checking the scrolling tables: %v", label, err)
	} else if bad != "" {
		t.Errorf("%s: tables scrolling sideways that a keyboard cannot reach or that have no name: %s", label, bad)
	}
	if dir := os.Getenv("TELEWORK_E2E_SHOTS"); dir != "" {
		// For people to look at what was built (not a check).
		if shot, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100)); err == nil { // 100: PNG
			name := strings.NewReplacer("/", "_", "?", "_", "=", "_", "&", "_").Replace(strings.TrimPrefix(label, "/"))
			_ = os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644)
		}
	}
	tb.checked = append(tb.checked, label)
}

// scrollRegionsScript opens the page's <details>, waits for confirm.js
// to look at the tables again, and names each .table-wrap that scrolls but
// is not a focusable region with a name; the details are closed again.
const scrollRegionsScript = `(async () => {
  const closed = [...document.querySelectorAll('details:not([open])')];
  closed.forEach(d => d.open = true);
  await new Promise(r => setTimeout(r, 300));
  const out = [];
  for (const w of document.querySelectorAll('.table-wrap')) {
    if (w.scrollWidth <= w.clientWidth + 1) continue;
    const name = w.getAttribute('aria-label') || (w.getAttribute('aria-labelledby') || '').split(' ').map(i => (document.getElementById(i) || {}).textContent || '').join(' ').trim();
    if (w.tabIndex !== 0 || w.getAttribute('role') !== 'region' || !name) out.push((w.querySelector('caption, th') || w).textContent.trim().slice(0, 40));
  }
  closed.forEach(d => d.open = false);
  return out.join(' | '); })()`

// widestScript names the elements that stick out past the viewport, to make
// a reflow failure easy to fix.
const widestScript = `(() => { const w = document.documentElement.clientWidth, out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 0.5) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).trim().replace(/\s+/g, '.') : '') + ' right=' + Math.round(r.right));
    if (out.length >= 8) break;
  }
  return out.join(', '); })()`

func (tb *tab) eval(t *testing.T, js string) string {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("evaluating %q: %v", js, err)
	}
	return v
}

func (tb *tab) evalInt(t *testing.T, js string) int {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](js))
	if err != nil {
		t.Fatalf("evaluating %q: %v", js, err)
	}
	return v
}

// attr is the attribute of the first element matching sel, "" if none.
func (tb *tab) attr(t *testing.T, sel, name string) string {
	t.Helper()
	return tb.eval(t, fmt.Sprintf(`(document.querySelector(%q) || {getAttribute: () => ''}).getAttribute(%q) || ''`, sel, name))
}

// assertClosedNetwork fails if the page asked for anything but the test
// server: the product must work without the internet.
func (tb *tab) assertClosedNetwork(t *testing.T) {
	t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.requests) == 0 {
		t.Error("no network requests were recorded")
	}
	for _, u := range tb.requests {
		if strings.HasPrefix(u, "data:") || u == tb.base || strings.HasPrefix(u, tb.base+"/") {
			continue
		}
		t.Errorf("request to another origin: %s", u)
	}
}

type axeViolation struct {
	ID, Impact, Help, HelpURL string
	Nodes                     []struct {
		Target, HTML, Summary string
	}
}

// axeScript runs the WCAG 2.1 A/AA rules and returns only what a failure
// message needs.
const axeScript = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa']}, resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({ID: v.id, Impact: v.impact || '', Help: v.help, HelpURL: v.helpUrl,
    Nodes: v.nodes.map(n => ({Target: JSON.stringify(n.target), HTML: n.html, Summary: n.failureSummary || ''}))})))`

// runAxe injects axe-core through the DevTools protocol (Runtime.evaluate is
// not bound by the page's CSP, which forbids inline script) and fails the
// test for every violation.
func runAxe(t *testing.T, ctx context.Context, label string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`if (!window.axe) { `+axeSource+`
}`)); err != nil {
		t.Fatalf("%s: injecting axe-core: %v", label, err)
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeScript, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: running axe-core: %v", label, err)
	}
	for _, v := range vs {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: axe %s (%s): %s\n    %s", label, v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    - %s\n      %s", n.Target, n.HTML)
			if n.Summary != "" {
				fmt.Fprintf(&b, "\n      %s", strings.ReplaceAll(n.Summary, "\n", "\n      "))
			}
		}
		t.Error(b.String())
	}
}

// findChromium returns Debian's chromium, or skips the test without it
// (unless TELEWORK_REQUIRE_BROWSER=1, as scripts/test sets).
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("TELEWORK_CHROMIUM"), "chromium", "/usr/bin/chromium"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "chromium not found (apt-get install chromium, or set TELEWORK_CHROMIUM)"
	if os.Getenv("TELEWORK_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg + "; skipping the browser test")
	return ""
}

// startServer runs the real server with the demo data on a free port and
// stops it when the test ends.
func startServer(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	e2eDB = filepath.Join(t.TempDir(), "e2e.db")
	go func() {
		done <- app.Serve(ctx, app.ServeConfig{Addr: "127.0.0.1:0", DB: e2eDB, Demo: true, OneOnOneKeys: e2eKeys(t),
			Web: web.DefaultConfig(), Ready: ready, LogLevel: slog.LevelWarn, Out: io.Discard})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("server: %v", err)
		}
	})
	select {
	case addr := <-ready:
		return "http://" + addr
	case err := <-done:
		t.Fatalf("server did not start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start in 30 s")
	}
	return ""
}

// startBrowser starts one headless Chromium for the whole test.
func startBrowser(t *testing.T, chrome string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "ja"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(phoneWidth, phoneHeight),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browser, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v", chrome, err)
	}
	return browser
}

// trialPages are issue 16's pages (roadmap, incidents, costs, handbook)
// for a role.
func trialPages(t *testing.T, tb *tab, role string) {
	switch role {
	case "staff":
		tb.check(t, "/handbook", "")
		if page := tb.attr(t, `main a[href^="/handbook/pages/"]`, "href"); page != "" {
			tb.check(t, page, "") // a demo page rendered from Markdown, with a table
		} else {
			t.Error("/handbook: the demo city has no page")
		}
		tb.check(t, "/incidents/new", "")
		tb.check(t, "/roster/preferences", "") // issue 15
	case "hr":
		tb.check(t, "/emergencies", "") // issue 15
		tb.check(t, "/roster", "")
		rosterGrid(t, tb) // solves from the /roster page just checked
		tb.check(t, "/roster/qualifications", "")
		tb.check(t, "/roadmap", "")
		tb.check(t, "/roadmap/step?n=4", "")
		tb.check(t, "/roadmap/checklist?figure=5", "")
		tb.check(t, "/roadmap/print", "")
		tb.check(t, "/costs", "")
		tb.check(t, "/handbook", "")
		tb.check(t, "/handbook/pages/new", "")
	case "it":
		tb.check(t, "/incidents", "")
		tb.check(t, "/roadmap/checklist?figure=4", "")
	}
}

// rosterGrid plans the first section on the roster page (issue 15) and
// checks the grid page it answers with.
func rosterGrid(t *testing.T, tb *tab) {
	t.Helper()
	resp, err := chromedp.RunResponse(tb.ctx, chromedp.Click(chromedp.CSS(`form[action="/roster/solve"] button.button--primary`)))
	if err != nil {
		t.Fatalf("/roster/solve: %v", err)
	}
	if resp.Status != 200 {
		t.Errorf("/roster/solve: status %d", resp.Status)
	}
	tb.pageChecks(t, "/roster/solve")
}

// flashTakesFocus saves the settings page unchanged (the page is open) and
// expects the page it lands on to have moved the focus to the message
// saying so (confirm.js), so that a screen reader announces it and the
// keyboard starts there.
func flashTakesFocus(t *testing.T, tb *tab) {
	t.Helper()
	resp, err := chromedp.RunResponse(tb.ctx, chromedp.Click(chromedp.CSS(`main form[action="/settings"] button.button--primary`)))
	if err != nil {
		t.Fatalf("saving /settings: %v", err)
	}
	if resp.Status != 200 {
		t.Fatalf("saving /settings: status %d", resp.Status)
	}
	if got := tb.eval(t, `(() => { const a = document.activeElement; return a.id + '|' + a.getAttribute('role') + '|' + a.textContent.trim(); })()`); got != "flash|status|保存しました。" {
		t.Errorf("after saving /settings the focus is on %q, want the flash message (flash|status|保存しました。)", got)
	}
	tb.pageChecks(t, "/settings (saved)")
}

// menuKeepsFocusInView tabs through the site menu, which scrolls sideways
// at phone width, and expects each link the keyboard reaches to be wholly
// on screen (a review found 「始業・終業」 almost entirely past the edge).
func menuKeepsFocusInView(t *testing.T, tb *tab) {
	t.Helper()
	n := tb.evalInt(t, `(() => { document.querySelector('.site-nav a').focus(); return document.querySelectorAll('.site-nav a').length; })()`)
	for i := 0; i < n; i++ {
		if i > 0 {
			if err := chromedp.Do(tb.ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
				t.Fatal(err)
			}
		}
		got := tb.eval(t, `(() => { const a = document.activeElement, b = a.getBoundingClientRect();
		  return a.closest('.site-nav') ? (b.left >= 0 && b.right <= innerWidth ? 'shown' : 'cut ' + Math.round(b.left) + '–' + Math.round(b.right) + ' ' + a.textContent.trim()) : 'left the menu'; })()`)
		if got != "shown" {
			t.Errorf("menu link %d at %d px: %s", i+1, phoneWidth, got)
		}
	}
}
