package web_test

import (
	"context"
	"time"

	"net/http"
	"net/url"
	"strings"
	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/policy"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestDeliveryPrefsPage: a person sees the preferences for every kind in
// Japanese, saves them without JavaScript, and the change is theirs alone.
func TestDeliveryPrefsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		staff, other := w.session(t, "staff"), w.session(t, "supervisor")
		res := w.do("GET", "/notifications", nil, staff)
		if res.code != 200 || !strings.Contains(res.body, `href="/notifications/settings"`) {
			t.Fatalf("notifications page links the settings: %d", res.code)
		}
		res = w.do("GET", "/notifications/settings", nil, staff)
		if res.code != 200 || !strings.Contains(res.body, "<legend>申請が承認された</legend>") || !strings.Contains(res.body, `name="approved.email" value="1" checked`) {
			t.Fatalf("prefs page: %d %s", res.code, res.body)
		}
		res = w.do("POST", "/notifications/settings", url.Values{"approved.in_app": {"1"}, "approved.chat": {"1"}}, staff)
		if res.code != http.StatusSeeOther {
			t.Fatalf("save prefs: %d %s", res.code, res.body)
		}
		res = w.do("GET", "/notifications/settings", nil, staff)
		if strings.Contains(res.body, `name="approved.email" value="1" checked`) || !strings.Contains(res.body, `name="approved.chat" value="1" checked`) {
			t.Errorf("saved prefs not shown: %s", res.body)
		}
		// Another person's page still shows the defaults.
		res = w.do("GET", "/notifications/settings", nil, other)
		if !strings.Contains(res.body, `name="approved.email" value="1" checked`) {
			t.Error("another person's preferences changed")
		}
		// Another tenant's HR has their own (default) page; the operator has none.
		if res = w.do("GET", "/notifications/settings", nil, w.session(t, "b-hr")); res.code == 200 && !strings.Contains(res.body, `name="approved.email" value="1" checked`) {
			t.Errorf("another tenant's person: %d", res.code)
		}
		if res = w.do("GET", "/notifications/settings", nil, nil); res.code != http.StatusSeeOther {
			t.Errorf("signed out: %d", res.code)
		}
	})
}

// TestDeliveryFeedsPage: a person makes a feed (the URL shown once), sees
// it listed and revokes it; only a 所属長 may make a section feed; another
// person's or tenant's feed id is not found.
func TestDeliveryFeedsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		staff, head := w.session(t, "staff"), w.session(t, "supervisor")
		res := w.do("GET", "/notifications/calendar-feeds", nil, staff)
		if res.code != 200 || !strings.Contains(res.body, "<legend>取り込む予定</legend>") || strings.Contains(res.body, `value="section"`) {
			t.Fatalf("feeds page for staff: %d %s", res.code, res.body)
		}
		if res = w.do("POST", "/notifications/calendar-feeds", url.Values{"scope": {"section"}}, staff); res.code != http.StatusForbidden {
			t.Errorf("staff made a section feed: %d", res.code)
		}
		res = w.do("POST", "/notifications/calendar-feeds", url.Values{"scope": {"own"}}, staff)
		if res.code != 200 || !strings.Contains(res.body, "/api/v1/calendar-feeds/ics?token=") {
			t.Fatalf("create a feed: %d %s", res.code, res.body)
		}
		res = w.do("GET", "/notifications/calendar-feeds", nil, staff)
		if strings.Contains(res.body, "ics?token=") || !strings.Contains(res.body, `name="id" value="`) {
			t.Fatalf("the list shows the token again or lacks the feed: %s", res.body)
		}
		i := strings.Index(res.body, `name="id" value="`) + len(`name="id" value="`)
		id := res.body[i : i+strings.Index(res.body[i:], `"`)]
		if res = w.do("GET", "/notifications/calendar-feeds", nil, head); !strings.Contains(res.body, `value="section"`) {
			t.Error("the 所属長 is not offered the section feed")
		}
		if res = w.do("POST", "/notifications/calendar-feeds", url.Values{"scope": {"section"}}, head); res.code != 200 {
			t.Errorf("the 所属長 made a section feed: %d", res.code)
		}
		if res = w.do("POST", "/notifications/calendar-feeds/revoke", url.Values{"id": {id}}, head); res.code != http.StatusNotFound {
			t.Errorf("another person revoked the feed: %d", res.code)
		}
		if res = w.do("POST", "/notifications/calendar-feeds/revoke", url.Values{"id": {id}}, w.session(t, "b-hr")); res.code != http.StatusNotFound && res.code != http.StatusForbidden {
			t.Errorf("another tenant revoked the feed: %d", res.code)
		}
		if res = w.do("POST", "/notifications/calendar-feeds/revoke", url.Values{"id": {id}}, staff); res.code != http.StatusSeeOther {
			t.Fatalf("revoke: %d %s", res.code, res.body)
		}
		if res = w.do("GET", "/notifications/calendar-feeds", nil, staff); strings.Contains(res.body, `name="id" value="`+id+`"`) {
			t.Error("the revoked feed is still listed")
		}
	})
}

// TestDeliverySchedulePage: the section's planned telework on the week and
// month pages; a person of another section or tenant does not see it.
func TestDeliverySchedulePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		now := time.Now()
		day := calendar.DateOf(now).AddDays(30)
		storetest.Must(t, db.InApplyTx(ctx, func(tx apply.Tx) error {
			a := &apply.Application{StaffID: w.staff["a-hr"].ID, Decision: apply.Submitted, Status: apply.Submitted, Mode: policy.Home,
				Place: policy.PlaceHome, TimeUnit: policy.FullDay, CreatedAt: now, UpdatedAt: now,
				Days: []apply.Day{{Date: day, Status: apply.Submitted, UpdatedAt: now}}}
			return tx.InsertApplication(ctx, w.a.ID, a)
		}))
		staff := w.session(t, "staff")
		res := w.do("GET", "/", nil, staff)
		if !strings.Contains(res.body, `href="/schedule"`) {
			t.Error("the menu lacks the shared schedule")
		}
		for _, view := range []string{"week", "month"} {
			res = w.do("GET", "/schedule?view="+view+"&date="+day.String(), nil, staff)
			if res.code != 200 || !strings.Contains(res.body, "鈴木 一郎 在宅勤務(申請中)") || !strings.Contains(res.body, `<th scope="row"`) {
				t.Fatalf("%s view: %d %s", view, res.code, res.body)
			}
		}
		for _, who := range []string{"it", "b-hr"} {
			res = w.do("GET", "/schedule?view=month&date="+day.String(), nil, w.session(t, who))
			if res.code != 200 || strings.Contains(res.body, "鈴木 一郎") {
				t.Errorf("%s sees another section's schedule: %d", who, res.code)
			}
		}
		if res = w.do("GET", "/schedule", nil, w.session(t, "auditor")); res.code != http.StatusForbidden {
			t.Errorf("an account without a staff record: %d", res.code)
		}
	})
}
