package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestRoadmapReviewFindings (issue 16 review), through the pages and the
// API: the print names each step's phase (steps 3 and 9 printed the same);
// a step or figure that does not exist is a 404 saying which do (n=99
// showed and saved step 1; figure=7 showed figure 4); a done_on in the
// future is refused; the evidence upload without a name names the name;
// the review cadence reports the interval and the date at once.
func TestRoadmapReviewFindings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		api := func(method, target, body string, hdr ...string) resp {
			return w.call(method, target, body, "", append([]string{"Cookie", hr.Name + "=" + hr.Value}, hdr...)...)
		}
		res := w.do("GET", "/roadmap/print", nil, hr)
		if res.code != 200 || !strings.Contains(res.body, "3. (試行実施) 環境整備（ハード面・ソフト面）") ||
			!strings.Contains(res.body, "9. (本格実施) 環境整備（ハード面・ソフト面）") {
			t.Errorf("print without the phases: %d", res.code)
		}
		for _, c := range []struct{ target, says string }{
			{"/roadmap/step?n=99", "ステップ「99」はありません。1〜10の番号"},
			{"/roadmap/step?n=0", "ステップ「0」はありません"},
			{"/roadmap/step?n=abc", "ステップ「abc」はありません"},
			{"/roadmap/checklist?figure=7", "図表「7」のチェックリストはありません。図表4・5・8・9・12のいずれか"},
		} {
			if res := w.do("GET", c.target, nil, hr); res.code != http.StatusNotFound || !strings.Contains(res.body, c.says) {
				t.Errorf("%s: %d, want a 404 saying %q", c.target, res.code, c.says)
			}
		}
		for _, target := range []string{"/roadmap/step?n=3", "/roadmap/step", "/roadmap/checklist?figure=12", "/roadmap/checklist"} {
			if res := w.do("GET", target, nil, hr); res.code != 200 {
				t.Errorf("%s: %d", target, res.code)
			}
		}
		if res := w.do("POST", "/roadmap/step", url.Values{"step": {"99"}, "status": {"in_progress"}, "version": {"0"}}, hr); res.code != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, "ステップ「99」はありません") {
			t.Errorf("saving step 99: %d (it once saved step 1)", res.code)
		}
		if res := api("GET", "/api/v1/roadmap", ""); strings.Contains(res.body, `"status":"in_progress"`) {
			t.Errorf("a step was saved by the post of step 99")
		}
		res = api("POST", "/api/v1/roadmap/steps", `{"step":3,"status":"done","done_on":"2099-01-01","version":0}`)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "done_on") || !strings.Contains(res.body, "未来の日付") {
			t.Errorf("done in 2099: %d %s", res.code, res.body)
		}
		res = api("POST", "/api/v1/roadmap/evidence?item=f4.security.leak", "%PDF-1.4", "Content-Type", "application/octet-stream")
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"name"`) || !strings.Contains(res.body, "「ファイル名(name)」を入力してください") ||
			strings.Contains(res.body, "「ファイル」を入力") {
			t.Errorf("evidence without a name: %d %s", res.code, res.body)
		}
		res = api("POST", "/api/v1/roadmap/review-settings", `{"interval_months":0,"next_on":"2026-13-01"}`)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"interval_months"`) || !strings.Contains(res.body, `"next_on"`) {
			t.Errorf("cadence with two errors: %d %s", res.code, res.body)
		}
		res = w.do("POST", "/roadmap/review-settings", url.Values{"interval_months": {"0"}, "next_on": {"2026-13-01"}}, hr)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "f-interval_months-error") || !strings.Contains(res.body, "f-next_on-error") {
			t.Errorf("the cadence form with two errors: %d", res.code)
		}
		// The printed sheet for the 推進本部 says when the review is
		// overdue (it said 「次回は…です」 two months after the date).
		next := calendar.DateOf(time.Now()).AddDays(5)
		if res := api("POST", "/api/v1/roadmap/review-settings", fmt.Sprintf(`{"interval_months":3,"next_on":"%s"}`, next)); res.code != 200 {
			t.Fatalf("cadence: %d %s", res.code, res.body)
		}
		if res := w.do("GET", "/roadmap/print", nil, hr); !strings.Contains(res.body, "3か月ごとに見直します。次回は") || strings.Contains(res.body, "過ぎています") {
			t.Errorf("print before the date: %d", res.code)
		}
		db.Now = func() time.Time { return time.Now().Add(40 * 24 * time.Hour) }
		defer func() { db.Now = time.Now }()
		if res := w.do("GET", "/roadmap/print", nil, w.session(t, "hr")); !strings.Contains(res.body, "の見直しはまだ記録されていません(予定日を過ぎています)") || strings.Contains(res.body, "次回は") {
			t.Errorf("print after the date does not say it is overdue: %d", res.code)
		}
	})
}

// TestRoadmapStepPartialSave (review r39): a member left out of POST
// /api/v1/roadmap/steps keeps the stored value; one sent replaces it ([],
// null and "" clear). {"step":2,"status":"done","version":1} wiped the
// step's owners, dates and note. The done date is today only when the step
// becomes done without one; it goes when the step is no longer done.
func TestRoadmapStepPartialSave(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		type step struct {
			Owners                           []string
			Status                           string
			PlannedStart, PlannedEnd, DoneOn string
			Note                             string
			Version                          int64
		}
		today := calendar.DateOf(db.Now())
		earlier := today.AddDays(-3).String()
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		var got step
		save := func(body string) {
			t.Helper()
			res := w.call("POST", "/api/v1/roadmap/steps", fmt.Sprintf(body, got.Version), "", "Cookie", hr.Name+"="+hr.Value)
			if res.code != http.StatusOK {
				t.Fatalf("%s: %d %s", body, res.code, res.body)
			}
			var j struct {
				Owners       []string
				Status       string
				PlannedStart string `json:"planned_start"`
				PlannedEnd   string `json:"planned_end"`
				DoneOn       string `json:"done_on"`
				Note         string
				Version      int64
			}
			if err := json.Unmarshal([]byte(res.body), &j); err != nil {
				t.Fatal(err)
			}
			got = step{j.Owners, j.Status, j.PlannedStart, j.PlannedEnd, j.DoneOn, j.Note, j.Version}
		}
		save(`{"step":2,"owners":["head","cio"],"status":"in_progress","planned_start":"2026-04-01","planned_end":"2026-09-30","note":"試行の準備","version":%d}`)
		for _, c := range []struct {
			body string
			want step
		}{
			// The reviewer's request: only the status.
			{`{"step":2,"status":"done","version":%d}`, step{[]string{"head", "cio"}, "done", "2026-04-01", "2026-09-30", today.String(), "試行の準備", 2}},
			{`{"step":2,"done_on":"` + earlier + `","version":%d}`, step{[]string{"head", "cio"}, "done", "2026-04-01", "2026-09-30", earlier, "試行の準備", 3}},
			// A done step keeps its date through other changes.
			{`{"step":2,"note":"完了報告済","version":%d}`, step{[]string{"head", "cio"}, "done", "2026-04-01", "2026-09-30", earlier, "完了報告済", 4}},
			{`{"step":2,"owners":[],"planned_start":"","version":%d}`, step{[]string{}, "done", "", "2026-09-30", earlier, "完了報告済", 5}},
			{`{"step":2,"owners":["business"],"version":%d}`, step{[]string{"business"}, "done", "", "2026-09-30", earlier, "完了報告済", 6}},
			{`{"step":2,"owners":null,"note":null,"planned_end":null,"version":%d}`, step{[]string{}, "done", "", "", earlier, "", 7}},
			// Back to in progress: the done date goes with the status.
			{`{"step":2,"status":"in_progress","note":"やり直し","version":%d}`, step{[]string{}, "in_progress", "", "", "", "やり直し", 8}},
			// Nothing sent, nothing changed: no new version.
			{`{"step":2,"version":%d}`, step{[]string{}, "in_progress", "", "", "", "やり直し", 8}},
		} {
			save(c.body)
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("%s:\n got %+v\nwant %+v", c.body, got, c.want)
			}
		}
		// A done date on a step not done is still refused, naming it.
		res := w.call("POST", "/api/v1/roadmap/steps", fmt.Sprintf(`{"step":2,"done_on":"%s","version":%d}`, earlier, got.Version), "",
			"Cookie", hr.Name+"="+hr.Value)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"done_on"`) {
			t.Errorf("done_on on a step in progress: %d %s", res.code, res.body)
		}
	})
}
