package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// fieldTarget checks what an error summary's link needs on a refused
// page: the link #f-<field>, an element with that id, the field's message
// with its own id, and the element naming it (aria-describedby) — marked
// invalid when it is a control (a review found links going nowhere and
// messages tied to nothing).
func fieldTarget(t *testing.T, name, body, field string, control bool) {
	t.Helper()
	if !strings.Contains(body, `href="#f-`+field+`"`) {
		t.Errorf("%s: the summary does not link #f-%s", name, field)
	}
	tag := regexp.MustCompile(`<[a-z]+ [^>]*\bid="f-` + regexp.QuoteMeta(field) + `"[^>]*>`).FindString(body)
	if tag == "" {
		t.Errorf("%s: no element has id=\"f-%s\"", name, field)
		return
	}
	if !strings.Contains(body, `id="f-`+field+`-error"`) {
		t.Errorf("%s: the message of %s has no id", name, field)
	}
	if !regexp.MustCompile(`aria-describedby="[^"]*\bf-` + regexp.QuoteMeta(field) + `-error\b`).MatchString(tag) {
		t.Errorf("%s: %s does not name its message", name, tag)
	}
	if control && !strings.Contains(tag, `aria-invalid="true"`) {
		t.Errorf("%s: %s is not marked invalid", name, tag)
	}
}

// TestRefusedFormsLinkTheirFields: the forms a review found with summary
// links to no element, or messages tied to no input, keep what was posted
// and tie each message to its field.
func TestRefusedFormsLinkTheirFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr, it, staff := w.session(t, "hr"), w.session(t, "it"), w.session(t, "staff")

		// The policy simulation: the dates and choices come back.
		eff := calendar.Date{Year: calendar.DateOf(time.Now()).Year + 1, Month: time.April, Day: 1}
		res := w.do("POST", "/policy", policyFormValues(eff.String()), hr)
		if res.code != http.StatusSeeOther {
			t.Fatalf("policy: %d", res.code)
		}
		res = w.do("POST", res.location+"/simulate", url.Values{"source": {"stored"}, "sim_from": {"2026-02-30"}, "sim_to": {"2026-03-31"}, "sim_emergency": {"lift"}}, hr)
		if res.code != http.StatusUnprocessableEntity {
			t.Fatalf("simulate with a bad date: %d", res.code)
		}
		fieldTarget(t, "simulation", res.body, "sim_from", true)
		for _, want := range []string{`value="2026-02-30"`, `value="2026-03-31"`, `value="lift" checked`, `value="stored" checked`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("simulation: %s not kept", want)
			}
		}

		// The review of personal devices: the refused row's expiry.
		if res := w.do("POST", "/devices/personal", url.Values{"description": {"私物のタブレット"}, "os": {"iPadOS"}}, staff); res.code != http.StatusSeeOther {
			t.Fatalf("request: %d", res.code)
		}
		var id int64
		if err := db.SQL.QueryRow(`SELECT id FROM personal_devices`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		res = w.do("POST", fmt.Sprintf("/devices/personal/%d/decide", id), url.Values{"status": {"approved"}}, it)
		if res.code != http.StatusUnprocessableEntity {
			t.Fatalf("approve without expiry: %d", res.code)
		}
		fieldTarget(t, "device review", res.body, "expires_on", true)

		// The bulk facts: nobody ticked; the fact and the choice to clear stay.
		res = w.do("POST", "/staff/facts", url.Values{"fact": {"seconded"}, "value": {"clear"}}, hr)
		if res.code != http.StatusUnprocessableEntity {
			t.Fatalf("facts, nobody: %d", res.code)
		}
		fieldTarget(t, "facts", res.body, "staff_ids", false)
		if !strings.Contains(res.body, `value="seconded" checked`) || !strings.Contains(res.body, `value="clear" checked`) {
			t.Error("facts: the fact or the choice to clear was not kept")
		}
		if strings.Contains(res.body, `name="staff_ids" value="`+fmt.Sprint(w.staff["a-staff"].ID)+`" checked`) {
			t.Error("facts: a person left unticked comes back ticked")
		}

		// A section's chat channel: the section chosen stays.
		unit := w.units["a-team"].ID
		res = w.do("POST", "/delivery/channels", url.Values{"unit_id": {fmt.Sprint(unit)}, "url": {"ftp://chat.example.jp/x"}, "format": {"slack"}}, it)
		if res.code != http.StatusUnprocessableEntity {
			t.Fatalf("a bad webhook: %d", res.code)
		}
		fieldTarget(t, "channel", res.body, "url", true)
		if !strings.Contains(res.body, fmt.Sprintf(`value="%d" selected`, unit)) || !strings.Contains(res.body, `value="slack" checked`) {
			t.Error("channel: the section or format was not kept")
		}

		// An office and a device pool without a name.
		res = w.do("POST", "/places/offices", url.Values{"name": {"本庁舎"}, "kind": {"satellite"}, "seats": {"x"}}, hr)
		if res.code != http.StatusUnprocessableEntity {
			t.Fatalf("office: %d", res.code)
		}
		fieldTarget(t, "office", res.body, "seats", true)
		res = w.do("POST", "/devices/pools", url.Values{"name": {""}, "kind": {"pc"}, "capacity": {"3"}}, it)
		if res.code != http.StatusUnprocessableEntity {
			t.Fatalf("pool: %d", res.code)
		}
		fieldTarget(t, "pool", res.body, "name", true)
	})
}
