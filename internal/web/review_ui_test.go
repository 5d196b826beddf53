package web_test

import (
	"encoding/json"
	"fmt"
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

// deleteFormRE is a form posting to a …/delete or …/remove action, up to
// its end.
var deleteFormRE = regexp.MustCompile(`(?s)<form[^>]*action="[^"]*/(delete|remove|revoke)"[^>]*>.*?</form>|<form[^>]*>(?:[^<]|<[^/])*?name="action" value="remove".*?</form>`)

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
	if seen < 14 {
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

// tableAt is the first table of body whose opening tag contains marker,
// up to its end ("" when there is none).
func tableAt(body, marker string) string {
	for i := 0; ; {
		j := strings.Index(body[i:], "<table")
		if j < 0 {
			return ""
		}
		start := i + j
		open := body[start : start+strings.Index(body[start:], ">")+1]
		end := strings.Index(body[start:], "</table>")
		if end < 0 {
			return ""
		}
		if strings.Contains(open, marker) {
			return body[start : start+end]
		}
		i = start + end
	}
}

// wantStacked: the table marked by marker (a text of its opening tag)
// stacks its cells on a phone (.stack-table), each value under its label
// (a review found such tables squeezed to a character a line at 360 px).
func wantStacked(t *testing.T, body, marker string, labels ...string) {
	t.Helper()
	tb := tableAt(body, marker)
	if tb == "" {
		t.Errorf("no table %s", marker)
		return
	}
	if !strings.Contains(tb[:strings.Index(tb, ">")], `class="stack-table"`) {
		t.Errorf("table %s does not stack on a phone: %.300s", marker, tb)
	}
	for _, l := range labels {
		if !strings.Contains(tb, `data-label="`+l+`"`) {
			t.Errorf("table %s: no cell labelled %q", marker, l)
		}
	}
}

// TestWideTablesFitAPhone: the cost ledger stacks on a phone, each value
// under its label; the survey's cross-tables keep each column as wide as
// its header and scroll sideways instead (the ranking, the desk's
// reservations, the places report, the 1on1 pairs and the survey's
// scrolling region are checked in their pages' tests).
func TestWideTablesFitAPhone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it := w.session(t, "it")
		w.addCost(t, it, "Web会議")
		res := w.do("GET", "/costs", nil, it)
		wantStacked(t, res.body, `aria-labelledby="list-heading"`, "支払日", "区分", "内容", "金額(円)", "特別交付税")
	})
	css, err := os.ReadFile("static/survey.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"table.cross-table th, table.cross-table td { overflow-wrap: normal; word-break: keep-all; }",
		"table.cross-table td, table.cross-table thead th { white-space: nowrap; }"} {
		if !strings.Contains(string(css), want) {
			t.Errorf("survey.css lacks %q: a result table's column may get narrower than its header", want)
		}
	}
}

// TestSegmentWithoutModeIsToldAtItsSelect: a segment of the day whose
// 勤務の形 is left blank (区分2, after an empty 区分1) is told by its number
// and the form's label, at its select (aria-invalid, described by the
// error) and linked from the summary; a time error of that row says its
// row as the form numbers it. The API keeps its field (segments.mode).
// A review found 「「勤務区分」は一覧から選んでください。」 linked to the
// whole group.
func TestSegmentWithoutModeIsToldAtItsSelect(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff := w.session(t, "staff")
		form := dayForm(day, "submit")
		form["seg_start"] = []string{"", "09:00", ""}
		form["seg_end"] = []string{"", "12:00", ""}
		form["seg_mode"] = []string{"", "", ""}
		form["seg_name"] = []string{"", "", ""}
		res := w.do("POST", "/apply", form, staff)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `<a href="#f-seg1-mode">区分2の勤務の形を選んでください。</a>`) ||
			!strings.Contains(res.body, `<p class="field-error" id="f-seg1-mode-error">区分2の勤務の形を選んでください。</p><select id="f-seg1-mode" name="seg_mode" aria-invalid="true" aria-describedby="f-seg1-mode-error">`) ||
			strings.Contains(res.body, "「勤務区分」は一覧から選んでください") {
			t.Errorf("segment 2 without its mode: %d\n%s", res.code, res.body)
		}
		form["seg_mode"] = []string{"", "home", ""}
		form["seg_end"] = []string{"", "", ""}
		if res := w.do("POST", "/apply", form, staff); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "勤務区分の2行目: 開始と終了の時刻") {
			t.Errorf("segment 2 without its end: %d\n%s", res.code, res.body)
		}
		form["seg_mode"], form["seg_end"] = []string{"", "", ""}, []string{"", "12:00", ""}
		w.do("POST", "/lang", url.Values{"lang": {"en"}}, staff)
		en := w.do("POST", "/apply", form, staff)
		if !strings.Contains(en.body, "Choose how you work in part 2.") {
			t.Errorf("in English:\n%s", en.body)
		}
		tok := mkToken(t, w, "staff", false)
		api := w.call("POST", "/api/v1/applications", `{"dates":["`+day.String()+`"],"mode":"home","plan":"資料作成","segments":[{"start":"09:00","end":"12:00","mode":""}]}`, tok)
		if api.code != http.StatusUnprocessableEntity || !strings.Contains(api.body, `"segments.mode"`) {
			t.Errorf("API: %d %s", api.code, api.body)
		}
	})
}

// TestRosterDaysInThePageLanguage: the preferences page and the planned
// grid label their days in the reader's language (Fri 4 Dec in English,
// 12/4(金) in Japanese); a review found 「12/4(金)」 on the English pages.
func TestRosterDaysInThePageLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr, staff := w.session(t, "hr"), w.session(t, "staff")
		day := calendar.DateOf(db.Now()).AddDays(1)
		for day.Weekday() == 0 || day.Weekday() == 6 {
			day = day.AddDays(1)
		}
		ja := fmt.Sprintf("%d/%d(%s)", day.Month, day.Day, day.WeekdayJA())
		if res := w.do("GET", "/roster/preferences", nil, staff); !strings.Contains(res.body, ja) {
			t.Errorf("Japanese preferences lack %s", ja)
		}
		w.do("POST", "/lang", url.Values{"lang": {"en"}}, staff)
		en := day.Time().Format("Mon 2 Jan")
		if res := w.do("GET", "/roster/preferences", nil, staff); !strings.Contains(res.body, en) || strings.Contains(res.body, ja) {
			t.Errorf("English preferences: want %q, not %q\n%s", en, ja, res.body)
		}
		w.do("POST", "/lang", url.Values{"lang": {"en"}}, hr)
		from := calendar.DateOf(db.Now()).AddDays(14)
		for from.Weekday() == 0 || from.Weekday() == 6 {
			from = from.AddDays(1)
		}
		form := url.Values{"unit_id": {itoaW(w.units["a-sect"].ID)}, "from": {from.String()}, "to": {from.AddDays(6).String()},
			"min_onsite": {"1"}, "max_tele_per_week": {"3"}, "reduction_percent": {"40"}, "time_limit": {"2"}}
		res := w.do("POST", "/roster/solve", form, hr)
		if res.code != http.StatusOK || !strings.Contains(res.body, from.Time().Format("Mon 2 Jan")) || strings.Contains(res.body, fmt.Sprintf("%d/%d(%s)", from.Month, from.Day, from.WeekdayJA())) {
			t.Errorf("English grid: %d\n%s", res.code, res.body)
		}
	})
}

// TestMalformedValueSaidWithTheRest: a value the form cannot read (年間時間
// 「百時間」, 休憩 「abc」) is said together with what else is wrong (an
// empty 業務名, a 時間単位 without its times) in one answer; a review found
// the rest told only on the next submission.
func TestMalformedValueSaidWithTheRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		boss, staff := w.session(t, "supervisor"), w.session(t, "staff")
		sect := itoa(w.units["a-sect"].ID)
		if res := w.do("POST", "/tasks", url.Values{"unit_id": {sect}, "task_name": {"支出命令の確認"}, "paper": {"none"}}, boss); res.code != http.StatusSeeOther {
			t.Fatalf("add: %d %s", res.code, res.body)
		}
		m := regexp.MustCompile(`/tasks/task/(\d+)`).FindStringSubmatch(w.do("GET", "/tasks?unit_id="+sect, nil, boss).body)
		if m == nil {
			t.Fatal("no task on the sheet")
		}
		both := func(what string, res resp) {
			t.Helper()
			if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `<a href="#f-task_name">「業務名」を入力してください`) ||
				!strings.Contains(res.body, `<a href="#f-hours_per_year">「年間時間」は半角または全角の数字で入力してください`) || !strings.Contains(res.body, `value="百時間"`) {
				t.Errorf("%s: %d\n%s", what, res.code, res.body)
			}
		}
		both("task page", w.do("POST", "/tasks/task/"+m[1], url.Values{"version": {"1"}, "task_name": {""}, "hours_per_year": {"百時間"}, "paper": {"none"}}, boss))
		both("sheet page", w.do("POST", "/tasks", url.Values{"unit_id": {sect}, "task_name": {" "}, "hours_per_year": {"百時間"}, "paper": {"none"}}, boss))

		form := dayForm(day, "submit")
		form.Set("time_unit", "hourly")
		form.Set("break_minutes", "abc")
		res := w.do("POST", "/apply", form, staff)
		for _, want := range []string{`<a href="#f-start">`, `<a href="#f-end">`, `<a href="#f-break_minutes">`, `value="abc"`} {
			if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, want) {
				t.Errorf("時間単位 without times and a break in words: %d, no %s\n%s", res.code, want, res.body)
			}
		}
	})
}
