package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"telework/internal/calendar"
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

// deleteFormRE is a form posting to a …/delete action, up to its end.
var deleteFormRE = regexp.MustCompile(`(?s)<form[^>]*action="[^"]*/delete"[^>]*>.*?</form>`)

// TestDeleteButtonsAskFirst: every form that deletes (an action ending in
// /delete) asks first with data-confirm, as the rest of the app does (a
// review found the task, place, system, briefing, handbook page, policy
// version and cost deleted at one click); the cost page shows the text.
func TestDeleteButtonsAskFirst(t *testing.T) {
	files, err := filepath.Glob("templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v", err)
	}
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, form := range deleteFormRE.FindAllString(string(b), -1) {
			seen++
			if !strings.Contains(form, "data-confirm=") {
				t.Errorf("%s: a delete without confirmation: %s", f, form)
			}
		}
	}
	if seen < 7 {
		t.Errorf("only %d delete forms found", seen)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it := w.session(t, "it")
		id := w.addCost(t, it, "Web会議")
		res := w.do("GET", "/costs/"+itoa(id), nil, it)
		if res.code != http.StatusOK || !strings.Contains(res.body, `data-confirm="この経費を削除します。元に戻せません。よろしいですか。"`) {
			t.Errorf("cost page: %d\n%s", res.code, res.body)
		}
	})
}

// addCost registers a licence cost paid today through the API, signed in
// with c, and returns its id.
func (w *world) addCost(t *testing.T, c *http.Cookie, description string) int64 {
	t.Helper()
	day := calendar.DateOf(w.db.Now()).String()
	res := w.call("POST", "/api/v1/costs", `{"kind":"license","description":"`+description+`","amount_yen":300000,"paid_on":"`+day+`","initial":true}`, "", "Cookie", c.Name+"="+c.Value)
	var out struct {
		ID int64 `json:"id"`
	}
	if res.code != http.StatusCreated || json.Unmarshal([]byte(res.body), &out) != nil || out.ID == 0 {
		t.Fatalf("add cost: %d %s", res.code, res.body)
	}
	return out.ID
}
