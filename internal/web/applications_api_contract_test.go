package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestApplicationAPIKeepsItsWord: what docs/api.md promises of an
// application's version and an action's body, each found broken by a
// review — a stale If-Match on PUT, DELETE or submit is a 409 (not the
// edit of a version the caller never saw), a member an action does not
// use is refused (approving "days" approved the whole application), the
// owner's edit of a submitted application is said as such, every problem
// carries its code, a bare start report needs no body, and English
// answers name days off in English.
func TestApplicationAPIKeepsItsWord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff, sup := w.session(t, "staff"), w.session(t, "supervisor")
		call := func(c *http.Cookie, method, path, body string, hdr ...string) resp {
			hdr = append(hdr, "Cookie", c.Name+"="+c.Value)
			return w.call(method, path, body, "", hdr...)
		}
		later := day.AddDays(7)
		for later.Weekday() == time.Saturday || later.Weekday() == time.Sunday {
			later = later.AddDays(1)
		}
		draft := call(staff, "POST", "/api/v1/applications", fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"資料作成","submit":false}`, later))
		var a appJSON
		decode(t, draft, &a)
		v1 := draft.header.Get("ETag")
		if draft.code != http.StatusCreated || v1 == "" {
			t.Fatalf("draft: %d %s", draft.code, draft.body)
		}
		path := fmt.Sprintf("/api/v1/applications/%d", a.ID)
		edit := call(staff, "PUT", path, fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"二つ目の版","submit":false}`, later), "If-Match", v1)
		if edit.code != http.StatusOK || edit.header.Get("ETag") == v1 {
			t.Fatalf("edit with the current If-Match: %d %s", edit.code, edit.body)
		}
		v2 := edit.header.Get("ETag")
		for _, c := range []struct{ method, path, body string }{
			{"PUT", path, fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"古い版の上書き","submit":false}`, later)},
			{"DELETE", path, ""},
			{"POST", path + "/submit", ""},
		} {
			res := call(staff, c.method, c.path, c.body, "If-Match", v1)
			if res.code != http.StatusConflict || !strings.Contains(res.body, `"code":"apply.changed_since"`) || !strings.Contains(res.body, "変更されています") {
				t.Errorf("%s %s with a stale If-Match: %d %s", c.method, c.path, res.code, res.body)
			}
		}
		if res := call(staff, "POST", path+"/submit", `{"version":99}`); res.code != http.StatusConflict {
			t.Errorf("submit with a version never written: %d %s", res.code, res.body)
		}
		if got := call(staff, "GET", path, ""); !strings.Contains(got.body, "二つ目の版") {
			t.Fatalf("a stale write changed the application: %s", got.body)
		}
		sub := call(staff, "POST", path+"/submit", "", "If-Match", v2)
		if sub.code != http.StatusOK || !strings.Contains(sub.body, `"status":"submitted"`) {
			t.Fatalf("submit with the current If-Match: %d %s", sub.code, sub.body)
		}
		// The owner's own submitted application: not "another action came first".
		for _, c := range []struct{ method, body, code string }{
			{"PUT", fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"x","submit":false}`, later), "apply.edit_refused"},
			{"DELETE", "", "apply.discard_refused"},
		} {
			res := call(staff, c.method, path, c.body)
			if res.code != http.StatusConflict || !strings.Contains(res.body, `"code":"`+c.code+`"`) || strings.Contains(res.body, "先に他の操作") {
				t.Errorf("%s of a submitted application: %d %s", c.method, res.code, res.body)
			}
		}
		// Members an action does not use are refused, naming each; nothing is decided.
		for _, c := range []struct{ action, body, field string }{
			{"approve", fmt.Sprintf(`{"days":["%s"]}`, later), "days"},
			{"reject", fmt.Sprintf(`{"comment":"x","from":"%s"}`, later), "from"},
			{"withdraw", `{"work":"w"}`, "work"},
			{"submit", `{"comment":"x"}`, "comment"},
		} {
			res := call(sup, "POST", path+"/"+c.action, c.body)
			if c.action == "withdraw" || c.action == "submit" {
				res = call(staff, "POST", path+"/"+c.action, c.body)
			}
			if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"field":"`+c.field+`"`) ||
				!strings.Contains(res.body, `"code":"field.not_for_action"`) || !strings.Contains(res.body, "「"+c.field+"」") {
				t.Errorf("%s with %s: %d %s", c.action, c.body, res.code, res.body)
			}
		}
		if got := call(staff, "GET", path, ""); !strings.Contains(got.body, `"status":"submitted"`) {
			t.Fatalf("a refused action changed the application: %s", got.body)
		}
		// A day off named in English on an English answer.
		sat := later
		for sat.Weekday() != time.Saturday {
			sat = sat.AddDays(1)
		}
		pv := call(staff, "POST", "/api/v1/applications/preview", fmt.Sprintf(`{"range":{"from":"%s","to":"%s"},"mode":"home","plan":"x"}`, sat.AddDays(-1), sat.AddDays(1)),
			"Accept-Language", "en")
		if pv.code != http.StatusOK || !strings.Contains(pv.body, `"reason":"Saturday"`) || !strings.Contains(pv.body, `"reason":"Sunday"`) {
			t.Errorf("English days off: %d %s", pv.code, pv.body)
		}
		// One tap: a start report with no body at all.
		if res := call(staff, "POST", "/api/v1/worktime/start", ""); res.code != http.StatusOK {
			t.Errorf("a start report without a body: %d %s", res.code, res.body)
		}
		// The in-app list's ids are notifications, and whole numbers.
		if res := call(staff, "POST", "/api/v1/notifications/read", `{"ids":["x"]}`); res.code != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, "「通知」") || !strings.Contains(res.body, `"code":"field.json_integer"`) {
			t.Errorf("notification ids: %d %s", res.code, res.body)
		}
	})
}
