package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestApplyFormChoiceGroups: a recurrence backwards with no weekday ticked
// is refused with the weekday group's error saying 選んで (a checkbox group
// is chosen, not typed), the summary's link lands on the group itself (a
// focusable fieldset that names its error), and the end date has one name
// on the page — the form's label — in the live check, the check shown
// with the refused form and the summary alike.
func TestApplyFormChoiceGroups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _ := applyWorld(t, db)
		staff := w.session(t, "staff")
		form := url.Values{"kind": {"recurrence"}, "from": {"2027-01-10"}, "to": {"2027-01-01"}, "mode": {"home"}, "place": {"home"},
			"time_unit": {"full_day"}, "plan": {"台帳の整理"}, "action": {"submit"}}
		for _, c := range []struct {
			lang, weekdays, order, otherName string
		}{
			{"ja", "「曜日」を選んでください。", "「終了日」は開始日と同じか", "繰り返しの終了日"},
			{"en", "Choose Weekdays.", "&#34;To&#34; must be on or after the first day.", "Repeat until"},
		} {
			t.Run(c.lang, func(t *testing.T) {
				if res := w.do("POST", "/settings", url.Values{"lang": {c.lang}, "era": {"seireki"}}, staff); res.code != http.StatusSeeOther {
					t.Fatalf("language: %d", res.code)
				}
				res := w.do("POST", "/apply", form, staff)
				if res.code != http.StatusUnprocessableEntity {
					t.Fatalf("backwards recurrence without weekdays: %d\n%s", res.code, res.body)
				}
				for _, want := range []string{
					`<a href="#f-weekdays">` + c.weekdays + `</a>`,
					`<fieldset class="subgroup" id="f-weekdays" tabindex="-1" data-show-when="kind=recurrence" aria-describedby="f-weekdays-error">`,
					`<p class="field-error" id="f-weekdays-error">` + c.weekdays + `</p>`,
					`<fieldset id="f-mode" tabindex="-1">`,
				} {
					if !strings.Contains(res.body, want) {
						t.Errorf("missing %s\n%s", want, res.body)
					}
				}
				// Once in the check, once in the summary, once at the field.
				if n := strings.Count(res.body, c.order); n != 3 || strings.Contains(res.body, c.otherName) || strings.Contains(res.body, "「曜日」を入力") {
					t.Errorf("the end date is named two ways or the order error is not everywhere (%d):\n%s", n, res.body)
				}
				form := url.Values{"kind": {"recurrence"}, "from": {"2027-01-10"}, "to": {"2027-01-01"}, "weekdays": {"1"}, "mode": {"home"},
					"place": {"home"}, "time_unit": {"full_day"}, "plan": {"台帳の整理"}}
				if res = w.do("POST", "/apply/check", form, staff); !strings.Contains(res.body, c.order) || strings.Contains(res.body, c.otherName) {
					t.Errorf("the live check names the end date otherwise:\n%s", res.body)
				}
			})
		}
	})
}

// TestApplyModeIsChosen: no mode chosen is said as a choice to make.
func TestApplyModeIsChosen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff := w.session(t, "staff")
		form := dayForm(day, "submit")
		form.Del("mode")
		form.Del("place")
		res := w.do("POST", "/apply", form, staff)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `<a href="#f-mode">「勤務形態」を選んでください。</a>`) ||
			!strings.Contains(res.body, `<fieldset id="f-mode" tabindex="-1" aria-describedby="f-mode-error">`) {
			t.Errorf("no mode: %d\n%s", res.code, res.body)
		}
	})
}
