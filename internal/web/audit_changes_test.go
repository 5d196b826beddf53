package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestAuditEntriesRecordTheChange: on both engines, the audit entry of an
// edit of an application's plan, of a break's end and of a feed's
// revocation has a before and an after that differ in what changed
// (SPEC §8: who, what, before and after), and no free text or secret.
func TestAuditEntriesRecordTheChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff := mkToken(t, w, "staff", false)
		last := func(action string) (before, after map[string]any, raw string) {
			t.Helper()
			var b, a string
			storetest.Must(t, db.SQL.QueryRow(`SELECT before_json, after_json FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1`, action).Scan(&b, &a))
			_ = json.Unmarshal([]byte(b), &before)
			_ = json.Unmarshal([]byte(a), &after)
			return before, after, b + a
		}
		must := func(res resp, code int) resp {
			t.Helper()
			if res.code != code {
				t.Fatalf("%d, want %d: %s", res.code, code, res.body)
			}
			return res
		}
		var app struct{ ID int64 }
		decode(t, must(w.call("POST", "/api/v1/applications", fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"議会答弁資料の作成","submit":false}`, day), staff), http.StatusCreated), &app)
		must(w.call("PUT", fmt.Sprintf("/api/v1/applications/%d", app.ID), fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"例規集の改正案の確認","submit":false}`, day), staff), http.StatusOK)

		must(w.call("POST", "/api/v1/worktime/start", `{"mode":"home"}`, staff), http.StatusOK)
		must(w.call("POST", "/api/v1/worktime/break", `{"action":"start"}`, staff), http.StatusOK)
		// Five minutes on: a break of under a minute is not kept.
		defer func() { db.Now = time.Now }()
		db.Now = func() time.Time { return time.Now().Add(5 * time.Minute) }
		must(w.call("POST", "/api/v1/worktime/break", `{"action":"end"}`, staff), http.StatusOK)

		var feed struct{ ID int64 }
		decode(t, must(w.call("POST", "/api/v1/calendar-feeds", `{}`, staff), http.StatusCreated), &feed)
		must(w.call("POST", "/api/v1/calendar-feeds/revoke", fmt.Sprintf(`{"id":%d}`, feed.ID), staff), http.StatusNoContent)

		for _, c := range []struct {
			action string
			fields []string // differ between before and after
			absent []string // never in the entry
		}{
			{"application.update", []string{"plan_digest"}, []string{"例規集", "議会答弁"}},
			{"worktime.break", []string{"breaks"}, nil},
			{"schedule.feed_revoke", []string{"revoked", "revoked_at"}, []string{"token"}},
		} {
			before, after, raw := last(c.action)
			if before == nil || after == nil {
				t.Errorf("%s: before %v after %v", c.action, before, after)
				continue
			}
			for _, f := range c.fields {
				if reflect.DeepEqual(before[f], after[f]) {
					t.Errorf("%s: %s is %v before and after", c.action, f, after[f])
				}
			}
			for _, s := range c.absent {
				if strings.Contains(raw, s) {
					t.Errorf("%s records %q: %s", c.action, s, raw)
				}
			}
		}
		_, after, _ := last("worktime.break")
		if bs, _ := after["breaks"].([]any); len(bs) != 1 || bs[0].(map[string]any)["end"] == "" {
			t.Errorf("the break's end is not recorded: %v", after)
		}
		before, after, _ := last("schedule.feed_revoke")
		if before["kind"] != "personal" || after["revoked"] != true || before["revoked"] != false {
			t.Errorf("feed revoke: %v → %v", before, after)
		}
	})
}
