package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"telework/internal/app"
	"telework/internal/calendar"
	"telework/internal/oneonone"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/survey"
	"telework/internal/telemetry"
	"telework/internal/web"
)

// TestSurveyAPI: HR creates a survey, staff answer their own through the
// API, and the results come back k-safe; responses are validated against
// the OpenAPI document by the world's checker.
func TestSurveyAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		keyedServer(t, w)
		hrTok := mkToken(t, w, "hr", false)
		today := calendar.DateOf(db.Now()).String()
		res := w.call("POST", "/api/v1/surveys", fmt.Sprintf(`{"kind":"post","title":"事後","opens_on":%q,"closes_on":%q,
			"questions":[{"type":"single","text":"使った端末","options":["貸与PC","私用PC"]}]}`, today, today), hrTok)
		if res.code != http.StatusCreated {
			t.Fatalf("create: %d %s", res.code, res.body)
		}
		var sv struct {
			ID        int64
			Questions []struct{ ID string }
		}
		decode(t, res, &sv)
		if len(sv.Questions) < 30 {
			t.Fatalf("%d questions", len(sv.Questions))
		}
		// No version: said so (422 naming it), not "someone changed it" (412).
		if res := w.call("POST", fmt.Sprintf("/api/v1/surveys/%d/open", sv.ID), `{}`, hrTok); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"field":"version"`) || strings.Contains(res.body, "no value") {
			t.Fatalf("open without a version: %d %s", res.code, res.body)
		}
		if res := w.call("POST", fmt.Sprintf("/api/v1/surveys/%d/open", sv.ID), `{"version":1}`, hrTok); res.code != 200 || !strings.Contains(res.body, `"status":"open"`) {
			t.Fatalf("open: %d %s", res.code, res.body)
		}
		f := storetest.F(db)
		for i := 0; i < 11; i++ {
			s := &org.Staff{StaffNo: fmt.Sprintf("8%03d", i), Name: fmt.Sprintf("回答者 %d", i), Kana: "かいとうしゃ", UnitID: w.units["a-team"].ID,
				Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
			storetest.Must(t, f.CreateStaff(context.Background(), w.a.ID, sys, s, calendar.Date{}))
			c := w.sessionFor(t, s.ID, fmt.Sprintf("api%d", i))
			body := fmt.Sprintf(`{"answers":{"a_gender":[%q],"r01":["4"],"c1":["1"]},"submit":true}`, []string{"1", "2"}[i%2])
			if i == 10 {
				body = `{"answers":{"a_gender":["3"],"r01":["1"]},"submit":true}`
			}
			res := w.callCookie("PUT", fmt.Sprintf("/api/v1/me/surveys/%d/answer", sv.ID), body, c)
			if res.code != 200 || !strings.Contains(res.body, `"submitted":true`) {
				t.Fatalf("answer %d: %d %s", i, res.code, res.body)
			}
			if res := w.callCookie("PUT", fmt.Sprintf("/api/v1/me/surveys/%d/answer", sv.ID), body, c); res.code != http.StatusConflict {
				t.Fatalf("a second submission: %d", res.code)
			}
		}
		// Another tenant's HR sees nothing of it.
		if res := w.callCookie("GET", fmt.Sprintf("/api/v1/surveys/%d", sv.ID), "", w.session(t, "b-hr")); res.code != http.StatusNotFound {
			t.Fatalf("another tenant read the survey: %d", res.code)
		}
		res = w.call("GET", fmt.Sprintf("/api/v1/surveys/%d", sv.ID), "", hrTok)
		if !strings.Contains(res.body, `"answered":11`) {
			t.Fatalf("progress: %s", res.body)
		}
		if res := w.call("GET", fmt.Sprintf("/api/v1/surveys/%d/results", sv.ID), "", hrTok); res.code != http.StatusConflict {
			t.Fatalf("results of an open survey: %d", res.code)
		}
		if res := w.call("POST", fmt.Sprintf("/api/v1/surveys/%d/close", sv.ID), `{"version":1}`, hrTok); res.code != http.StatusPreconditionFailed {
			t.Fatalf("close with a stale version: %d %s", res.code, res.body)
		}
		if res := w.call("POST", fmt.Sprintf("/api/v1/surveys/%d/close", sv.ID), `{"version":2}`, hrTok); res.code != 200 {
			t.Fatalf("close: %d %s", res.code, res.body)
		}
		res = w.call("GET", fmt.Sprintf("/api/v1/surveys/%d/results?by=gender", sv.ID), "", hrTok)
		var out struct {
			Published bool
			Tables    []struct {
				ItemID string `json:"item_id"`
				Total  struct{ Cells []survey.Cell }
				Rows   []struct {
					Group string
					N     survey.Cell
					Cells []survey.Cell
				}
			}
		}
		decode(t, res, &out)
		if res.code != 200 || !out.Published || len(out.Tables) == 0 {
			t.Fatalf("results: %d %s", res.code, res.body)
		}
		for _, tb := range out.Tables {
			for _, row := range tb.Rows {
				if len(tb.Rows) != 2 {
					t.Fatalf("%s: %d groups (男性 5, 女性・その他 6 expected)", tb.ItemID, len(tb.Rows))
				}
				for _, c := range append(row.Cells, row.N) {
					if !c.Hidden && c.Count > 0 && c.Count < 5 {
						t.Fatalf("%s %s: a count of %d published", tb.ItemID, row.Group, c.Count)
					}
				}
			}
		}
		if res := w.call("GET", fmt.Sprintf("/api/v1/surveys/%d/results?by=nonsense", sv.ID), "", hrTok); res.code != http.StatusUnprocessableEntity {
			t.Fatalf("unknown attribute: %d", res.code)
		}
		// Staff cannot read aggregates or anyone's answers.
		if res := w.callCookie("GET", fmt.Sprintf("/api/v1/surveys/%d/results", sv.ID), "", w.session(t, "staff")); res.code != http.StatusForbidden {
			t.Fatalf("staff read results: %d", res.code)
		}

		// 1on1 through the API: only the pair.
		res = w.callCookie("POST", "/api/v1/oneonone/pairs", fmt.Sprintf(`{"lead_id":%d,"member_id":%d,"cadence_days":14,"mode":"online"}`,
			w.staff["a-super"].ID, w.staff["a-staff"].ID), w.session(t, "supervisor"))
		var pair struct{ ID int64 }
		decode(t, res, &pair)
		if res.code != http.StatusCreated || pair.ID == 0 {
			t.Fatalf("create a pair: %d %s", res.code, res.body)
		}
		pid := pair.ID
		if res := w.callCookie("POST", "/api/v1/oneonone/pairs", fmt.Sprintf(`{"lead_id":%d,"member_id":%d,"cadence_days":14,"mode":"online"}`,
			w.staff["a-super"].ID, w.staff["a-hr"].ID), w.session(t, "it")); res.code != http.StatusForbidden {
			t.Fatalf("pairing two other people: %d", res.code)
		}
		res = w.callCookie("POST", fmt.Sprintf("/api/v1/oneonone/pairs/%d/meetings", pid),
			`{"held_on":"2026-02-01","mode":"online","theme":"内緒の相談","actions":["次回までに資料"]}`, w.session(t, "supervisor"))
		if res.code != http.StatusCreated || !strings.Contains(res.body, "内緒の相談") {
			t.Fatalf("log a meeting: %d %s", res.code, res.body)
		}
		if res := w.callCookie("GET", fmt.Sprintf("/api/v1/oneonone/pairs/%d/meetings", pid), "", w.session(t, "staff")); !strings.Contains(res.body, "内緒の相談") {
			t.Fatal("the member cannot read the log")
		}
		for _, who := range []string{"hr", "it"} {
			if res := w.callCookie("GET", fmt.Sprintf("/api/v1/oneonone/pairs/%d/meetings", pid), "", w.session(t, who)); res.code != http.StatusNotFound {
				t.Errorf("%s read the log: %d", who, res.code)
			}
		}
		if res := w.call("GET", fmt.Sprintf("/api/v1/oneonone/pairs/%d/meetings", pid), "", hrTok); res.code != http.StatusNotFound {
			t.Errorf("HR's token read the log: %d", res.code)
		}
		if res := w.call("GET", "/api/v1/oneonone/counts", "", hrTok); res.code != 200 || !strings.Contains(res.body, `"pairs":1`) || strings.Contains(res.body, "相談") {
			t.Fatalf("counts: %d %s", res.code, res.body)
		}
	})
}

// keyedServer replaces the world's server with one whose 1on1 service has
// a key, and returns its services.
func keyedServer(t *testing.T, w *world) web.Services {
	t.Helper()
	svc := app.NewServices(w.db)
	k, err := oneonone.ParseKeys(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{5}, 32)))
	storetest.Must(t, err)
	svc.OneOnOne.SetKeys(k)
	if w.srv, err = web.New(svc, telemetry.NewLogger(w.logs, slog.LevelDebug), telemetry.NewMetrics(nil), web.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	return svc
}

// callCookie makes an API request with a session cookie.
func (w *world) callCookie(method, target, body string, c *http.Cookie) resp {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.AddCookie(c)
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	w.api.check(req, rec.Code, rec.Header(), rec.Body.Bytes())
	return resp{code: rec.Code, location: rec.Header().Get("Location"), body: rec.Body.String(), header: rec.Header()}
}

// TestSurveyAPIUpdate: PUT /api/v1/surveys/{id} edits a draft as the page
// does (it was missing from the API), with GET's ETag in If-Match: 428
// without it, 412 when stale, 409 once the survey is open; another
// tenant's survey is 404.
func TestSurveyAPIUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hrTok := mkToken(t, w, "hr", false)
		today := calendar.DateOf(db.Now()).String()
		body := func(title string) string {
			return fmt.Sprintf(`{"kind":"custom","title":%q,"opens_on":%q,"closes_on":%q,"questions":[{"type":"number","text":"会議の回数"}]}`, title, today, today)
		}
		res := w.call("POST", "/api/v1/surveys", body("案"), hrTok)
		if res.code != http.StatusCreated {
			t.Fatalf("create: %d %s", res.code, res.body)
		}
		loc := res.header.Get("Location")
		res = w.call("GET", loc, "", hrTok)
		tag := res.header.Get("ETag")
		if tag == "" {
			t.Fatal("GET gives no ETag")
		}
		cases := []struct {
			name, ifMatch, body string
			tok                 string
			want                int
		}{
			{"without If-Match", "", body("改"), hrTok, http.StatusPreconditionRequired},
			{"staff", tag, body("改"), "", http.StatusForbidden},
			{"a stale tag", strings.Replace(tag, "-v1", "-v0", 1), body("改"), hrTok, http.StatusPreconditionFailed},
			{"another kind", tag, strings.Replace(body("改"), `"custom"`, `"pre"`, 1), hrTok, http.StatusUnprocessableEntity},
			{"the draft", tag, body("職場の調査"), hrTok, http.StatusOK},
			{"the same tag again", tag, body("また"), hrTok, http.StatusPreconditionFailed},
		}
		staff := w.session(t, "staff")
		for _, c := range cases {
			hdr := []string{}
			if c.ifMatch != "" {
				hdr = append(hdr, "If-Match", c.ifMatch)
			}
			if c.tok == "" {
				hdr = append(hdr, "Cookie", staff.Name+"="+staff.Value)
			}
			res := w.call("PUT", loc, c.body, c.tok, hdr...)
			if res.code != c.want {
				t.Fatalf("%s: %d, want %d: %s", c.name, res.code, c.want, res.body)
			}
			if c.want == http.StatusOK && (!strings.Contains(res.body, `"title":"職場の調査"`) || !strings.Contains(res.body, `"version":2`) ||
				res.header.Get("ETag") == tag) {
				t.Fatalf("%s: %s (ETag %s)", c.name, res.body, res.header.Get("ETag"))
			}
		}
		if res := w.callCookie("PUT", loc, body("他"), w.session(t, "b-hr")); res.code != http.StatusNotFound {
			t.Errorf("another tenant's HR: %d", res.code)
		}
		if res := w.call("POST", loc+"/open", `{"version":2}`, hrTok); res.code != http.StatusOK {
			t.Fatalf("open: %d %s", res.code, res.body)
		}
		if res := w.call("PUT", loc, body("受付中"), hrTok, "If-Match", strings.Replace(tag, "-v1", "-v3", 1)); res.code != http.StatusConflict {
			t.Errorf("editing an open survey: %d %s", res.code, res.body)
		}
	})
}
