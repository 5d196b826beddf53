package e2e

import "testing"

// applyPages are the demo staff's application pages (issue 11): the form,
// the week view, わたしの申請, an application, a report form and the
// notifications; the demo history gives each something to show.
func applyPages(t *testing.T, tb *tab) {
	tb.check(t, "/apply", "")
	if n := tb.evalInt(t, `document.querySelectorAll('main fieldset legend').length`); n < 5 {
		t.Errorf("/apply: %d fieldsets; the form groups its choices with fieldset and legend", n)
	}
	tb.check(t, "/apply/week", "")
	tb.check(t, "/applications", "")
	if n := tb.evalInt(t, `document.querySelectorAll('main .app-card').length`); n < 5 {
		t.Errorf("/applications: %d applications; the demo history should give the staff account several", n)
	}
	if href := tb.attr(t, `main .app-card a[href^="/applications/"]`, "href"); href != "" {
		tb.check(t, href, "")
	} else {
		t.Error("/applications: no link to an application")
	}
	if href := tb.attr(t, `main .notice a[href*="/report"]`, "href"); href != "" {
		tb.check(t, href, "")
	}
	tb.check(t, "/notifications", "")
}

// approvalPages are the demo supervisor's: the inbox with pending
// applications, one of them, the reports to confirm and overdue, and
// delegation.
func approvalPages(t *testing.T, tb *tab) {
	tb.check(t, "/approvals", "")
	if n := tb.evalInt(t, `document.querySelectorAll('main input[name="ids"]').length`); n == 0 {
		t.Error("/approvals: the demo supervisor's inbox is empty")
	}
	if href := tb.attr(t, `main .inbox-app a[href^="/applications/"]`, "href"); href != "" {
		tb.check(t, href, "")
	}
	tb.check(t, "/approvals/reports", "")
	if href := tb.attr(t, `main a[href*="verbal=1"]`, "href"); href != "" {
		tb.check(t, href, "")
	}
	tb.check(t, "/approvals/delegation", "")
	tb.check(t, "/notifications", "")
}
