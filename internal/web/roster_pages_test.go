package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestRosterPages: staff save their preferences; HR plans a section, edits
// the grid (the check names the shortfall in Japanese), exports it and
// publishes it; staff cannot open the planner.
func TestRosterPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr, staff := w.session(t, "hr"), w.session(t, "staff")
		if res := w.do("GET", "/roster", nil, staff); res.code != http.StatusForbidden {
			t.Fatalf("staff opened the planner: %d", res.code)
		}
		res := w.do("GET", "/roster/preferences", nil, staff)
		if res.code != 200 || !strings.Contains(res.body, "希望なし") {
			t.Fatalf("preferences page: %d", res.code)
		}
		day := calendar.DateOf(db.Now()).AddDays(1)
		for day.Weekday() == 0 || day.Weekday() == 6 {
			day = day.AddDays(1)
		}
		if res := w.do("POST", "/roster/preferences", url.Values{"p." + day.String(): {"TELE"}}, staff); res.code != http.StatusSeeOther {
			t.Fatalf("save preferences: %d %s", res.code, res.body)
		}
		if res := w.do("GET", "/roster/preferences", nil, staff); !strings.Contains(res.body, `value="TELE" checked`) {
			t.Fatal("the preference was not kept")
		}
		page := w.do("GET", "/roster", nil, hr)
		if page.code != 200 || !strings.Contains(page.body, "割り当てる") {
			t.Fatalf("planner page: %d", page.code)
		}
		// The form's defaults fit together: a weekly cap of N TELE days
		// leaves 5−N of 5 on site, which must be within the reduction
		// target's share (cap 3 with 70 % could never be met).
		valueOf := func(name string) int {
			m := regexp.MustCompile(`name="` + name + `"[^>]*value="(\d+)"`).FindStringSubmatch(page.body)
			if m == nil {
				t.Fatalf("no default for %s", name)
			}
			n, _ := strconv.Atoi(m[1])
			return n
		}
		if cap, red := valueOf("max_tele_per_week"), valueOf("reduction_percent"); (5-cap)*20 > 100-red {
			t.Errorf("default cap %d days a week cannot reach the default reduction %d %%", cap, red)
		}
		from := calendar.DateOf(db.Now()).AddDays(14)
		form := url.Values{"unit_id": {itoaW(w.units["a-sect"].ID)}, "from": {from.String()}, "to": {from.AddDays(6).String()},
			"min_onsite": {"1"}, "max_tele_per_week": {"3"}, "reduction_percent": {"40"}, "time_limit": {"2"}}
		res = w.do("POST", "/roster/solve", form, hr)
		if res.code != 200 || !strings.Contains(res.body, "最適な割当てです") || !strings.Contains(res.body, `<select name="a.`) {
			t.Fatalf("solve: %d %s", res.code, res.body)
		}
		// HR's leave days and per-person cohorts reach the instance; a line
		// naming no one of the section is refused.
		lday := from
		for lday.Weekday() == 0 || lday.Weekday() == 6 {
			lday = lday.AddDays(1)
		}
		pf := withFormat(form, "")
		pf.Set("leave", "1002: "+lday.String())
		pf.Set("cohorts", "A,B")
		pf.Set("cohort_of", "1001: B\n1003 = B")
		pr := w.do("POST", "/roster/solve", pf, hr)
		inst := html.UnescapeString(between(pr.body, `name="instance" value="`, `"`))
		if pr.code != 200 || !strings.Contains(inst, `"leave":{"1002":["`+lday.String()+`"]}`) ||
			!strings.Contains(inst, `"id":"1001","name":"`) || strings.Count(inst, `"cohort":"B"`) != 3 {
			t.Fatalf("leave and cohorts: %d %s", pr.code, inst)
		}
		pf.Set("cohort_of", "9999: A")
		if pr := w.do("POST", "/roster/solve", pf, hr); pr.code != http.StatusUnprocessableEntity || !strings.Contains(pr.body, "9999 の行が読めません") {
			t.Fatalf("a stranger's line: %d", pr.code)
		}
		// Everyone at home on the first day: the check names the shortfall.
		grid := url.Values{"unit_id": form["unit_id"], "instance": {html.UnescapeString(between(res.body, `name="instance" value="`, `"`))}}
		for _, no := range []string{"1001", "1002", "1003"} {
			for i := 0; i < 5; i++ {
				grid.Set("a."+no+"."+itoaW(int64(i)), "ONSITE")
			}
			grid.Set("a."+no+".0", "TELE")
		}
		res = w.do("POST", "/roster/check", grid, hr)
		if res.code != 200 || !strings.Contains(res.body, "出勤者が1名不足") {
			t.Fatalf("check: %d %s", res.code, res.body)
		}
		exp := w.do("POST", "/roster/export?x=1", withFormat(grid, "csv"), hr)
		if exp.code != 200 || !strings.Contains(exp.body, "出勤者数") {
			t.Fatalf("export: %d %s", exp.code, exp.body)
		}
		if x := w.do("POST", "/roster/export", withFormat(grid, "xlsx"), hr); x.code != 200 || !strings.HasPrefix(x.body, "PK") ||
			!strings.Contains(x.body, "xl/worksheets/sheet1.xml") {
			t.Fatalf("xlsx export: %d", x.code)
		}
		if res := w.do("POST", "/roster/publish", grid, hr); res.code != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", res.code, res.body)
		}
	})
}

func withFormat(v url.Values, f string) url.Values {
	out := url.Values{}
	for k, x := range v {
		out[k] = x
	}
	out.Set("format", f)
	return out
}

func itoaW(n int64) string { return strconv.FormatInt(n, 10) }

// The qualifications page (HR only) saves through the service like the
// API: a ticked box is kept, an unticked one removed; staff cannot open it.
func TestRosterQualificationsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr, staff := w.session(t, "hr"), w.session(t, "staff")
		unit := itoaW(w.units["a-sect"].ID)
		if res := w.do("GET", "/roster/qualifications?unit_id="+unit, nil, staff); res.code != http.StatusForbidden {
			t.Fatalf("staff opened qualifications: %d", res.code)
		}
		res := w.do("GET", "/roster/qualifications?unit_id="+unit, nil, hr)
		if res.code != 200 || !strings.Contains(res.body, "窓口当番") || !strings.Contains(res.body, "<legend>") {
			t.Fatalf("qualifications page: %d %s", res.code, res.body)
		}
		id := itoaW(w.staff["a-staff"].ID)
		if !strings.Contains(res.body, `name="q.`+id+`.phone"`) {
			t.Fatalf("a-staff is not listed: %s", res.body)
		}
		save := func(v url.Values) {
			t.Helper()
			v.Set("unit_id", unit)
			if res := w.do("POST", "/roster/qualifications", v, hr); res.code != http.StatusSeeOther {
				t.Fatalf("save: %d %s", res.code, res.body)
			}
		}
		save(url.Values{"q." + id + ".counter": {"1"}, "q." + id + ".priority": {"1"}})
		q, err := db.FindRosterQualifications(context.Background(), w.a.ID, []int64{w.staff["a-staff"].ID})
		if err != nil || strings.Join(q[w.staff["a-staff"].ID], ",") != "counter,priority" {
			t.Fatalf("saved duties: %v %v", q, err)
		}
		if res := w.do("GET", "/roster/qualifications?unit_id="+unit, nil, hr); !strings.Contains(res.body, `name="q.`+id+`.counter" value="1" checked`) {
			t.Fatal("the saved duty is not ticked")
		}
		save(url.Values{"q." + id + ".phone": {"1"}})
		q, _ = db.FindRosterQualifications(context.Background(), w.a.ID, []int64{w.staff["a-staff"].ID})
		if strings.Join(q[w.staff["a-staff"].ID], ",") != "phone" {
			t.Fatalf("replaced duties: %v", q)
		}
	})
}
