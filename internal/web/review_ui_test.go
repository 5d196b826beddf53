package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestNoDayTickedLinksToTheDays: submitting the week view or the cancel
// form with no day ticked links its error (#f-dates) to the fieldset of
// the days, which refers to the error; the cancel button does not ask to
// confirm an action that has no day to act on (a review found the link
// leading nowhere and the confirmation asked for nothing chosen).
func TestNoDayTickedLinksToTheDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff, sup := w.session(t, "staff"), w.session(t, "supervisor")
		id := submitPage(t, w, staff, dayForm(day, "submit"))
		fieldset := `<fieldset class="subgroup" id="f-dates" tabindex="-1" aria-describedby="f-dates-error">`
		res := w.do("POST", "/apply/week", url.Values{"week": {day.String()}}, staff)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `href="#f-dates"`) ||
			!strings.Contains(res.body, fieldset) || !strings.Contains(res.body, `id="f-dates-error"`) {
			t.Errorf("week view with no day ticked: %d\n%s", res.code, res.body)
		}
		if res = w.do("GET", "/apply/week?week="+day.String(), nil, staff); !strings.Contains(res.body, `id="f-dates" tabindex="-1">`) {
			t.Errorf("week view: the days are not one group f-dates:\n%s", res.body)
		}
		if res = w.do("POST", "/applications/"+itoa(id)+"/decide", url.Values{"action": {"approve"}}, sup); res.code != http.StatusSeeOther {
			t.Fatalf("approve: %d\n%s", res.code, res.body)
		}
		res = w.do("GET", "/applications/"+itoa(id), nil, staff)
		if !strings.Contains(res.body, `value="days" data-confirm="`) || !strings.Contains(res.body, `data-confirm-needs="dates"`) {
			t.Errorf("the cancel button does not name the days it needs:\n%s", res.body)
		}
		res = w.do("POST", "/applications/"+itoa(id)+"/cancel", url.Values{"mode": {"days"}}, staff)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `href="#f-dates"`) ||
			!strings.Contains(res.body, `<fieldset id="f-dates" tabindex="-1" aria-describedby="f-dates-error">`) ||
			!strings.Contains(res.body, `<p class="field-error" id="f-dates-error">`) {
			t.Errorf("cancel with no day ticked: %d\n%s", res.code, res.body)
		}
	})
}
