package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestRosterAPI: staff keep their own preferences; HR keeps qualifications;
// the 所属長 builds their own section's roster but not another's; HR
// builds, solves and publishes; another tenant's HR cannot build it.
// Responses are validated against the OpenAPI document.
func TestRosterAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr, staff, boss, bhr := w.session(t, "hr"), w.session(t, "staff"), w.session(t, "supervisor"), w.session(t, "b-hr")
		// A Monday three weeks ahead, so every day is in the future.
		mon := calendar.DateOf(db.Now()).AddDays(21)
		for mon.Weekday() != 1 {
			mon = mon.AddDays(1)
		}
		fri := mon.AddDays(4)
		prefs := fmt.Sprintf(`{"from":%q,"to":%q,"preferences":[{"day":%q,"mode":"TELE"}]}`, mon, fri, mon.AddDays(2))
		if res := w.callCookie("PUT", "/api/v1/me/roster-preferences", prefs, staff); res.code != 200 || !strings.Contains(res.body, `"total":1`) {
			t.Fatalf("own preferences: %d %s", res.code, res.body)
		}
		if res := w.callCookie("PUT", fmt.Sprintf("/api/v1/roster/qualifications/%d", w.staff["a-staff"].ID), `{"duties":["counter"]}`, hr); res.code != 200 {
			t.Fatalf("qualifications: %d %s", res.code, res.body)
		}
		if res := w.callCookie("PUT", fmt.Sprintf("/api/v1/roster/qualifications/%d", w.staff["a-staff"].ID), `{"duties":["counter"]}`, boss); res.code != http.StatusForbidden {
			t.Fatalf("a 所属長 set qualifications: %d", res.code)
		}
		req := func(unit int64) string {
			return fmt.Sprintf(`{"unit_id":%d,"from":%q,"to":%q,"min_onsite":1,"duty_min":{"counter":1},"reduction_percent":40}`, unit, mon, fri)
		}
		if res := w.callCookie("POST", "/api/v1/roster/instances", req(w.units["a-other"].ID), boss); res.code != http.StatusForbidden {
			t.Fatalf("a 所属長 built another section's roster: %d", res.code)
		}
		if res := w.callCookie("POST", "/api/v1/roster/instances", req(w.units["a-sect"].ID), staff); res.code != http.StatusForbidden {
			t.Fatalf("staff built a roster: %d", res.code)
		}
		if res := w.callCookie("POST", "/api/v1/roster/instances", req(w.units["a-sect"].ID), bhr); res.code != http.StatusNotFound {
			t.Fatalf("another tenant built it: %d %s", res.code, res.body)
		}
		own := w.callCookie("POST", "/api/v1/roster/instances", req(w.units["a-sect"].ID), boss)
		if own.code != 200 {
			t.Fatalf("the 所属長's own section: %d %s", own.code, own.body)
		}
		// Leave (a re-plan after an illness) goes in through the API too,
		// keyed by staff id; an unreadable day is named.
		var first struct{ Days []string }
		if err := json.Unmarshal([]byte(own.body), &first); err != nil || len(first.Days) == 0 {
			t.Fatalf("instance days: %v", err)
		}
		sick := w.staff["a-staff"]
		withLeave := strings.TrimSuffix(req(w.units["a-sect"].ID), "}") + fmt.Sprintf(`,"leave":{"%d":[%q]}}`, sick.ID, first.Days[0])
		if res := w.callCookie("POST", "/api/v1/roster/instances", withLeave, boss); res.code != 200 ||
			!strings.Contains(res.body, fmt.Sprintf(`"leave":{%q:[%q]}`, sick.StaffNo, first.Days[0])) {
			t.Errorf("leave through the API: %d %.300s", res.code, res.body)
		}
		// Cohorts without cohort_of: everyone is given one in turn (the API
		// refused "never meet" for want of them, and without it gave none).
		cohorts := strings.TrimSuffix(req(w.units["a-sect"].ID), "}") + `,"cohorts":["A","B"],"never_meet":true}`
		res := w.callCookie("POST", "/api/v1/roster/instances", cohorts, boss)
		var ci struct{ Staff []struct{ Cohort string } }
		if err := json.Unmarshal([]byte(res.body), &ci); err != nil || res.code != 200 || len(ci.Staff) == 0 {
			t.Fatalf("cohorts in turn: %d %.400s", res.code, res.body)
		}
		for i, st := range ci.Staff {
			if st.Cohort != []string{"A", "B"}[i%2] {
				t.Errorf("person %d of the section (by 職員番号): cohort %q", i, st.Cohort)
			}
		}
		bad := strings.TrimSuffix(req(w.units["a-sect"].ID), "}") + fmt.Sprintf(`,"leave":{"%d":["2026-02-30"]}}`, sick.ID)
		if res := w.callCookie("POST", "/api/v1/roster/instances", bad, boss); res.code != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, fmt.Sprintf("leave.%d", sick.ID)) {
			t.Errorf("an impossible leave day: %d %.300s", res.code, res.body)
		}
		res = w.callCookie("POST", "/api/v1/roster/instances", req(w.units["a-sect"].ID), hr)
		if res.code != 200 || !strings.Contains(res.body, `"roster-instance/1"`) {
			t.Fatalf("instance: %d %s", res.code, res.body)
		}
		inst := res.body
		res = w.callCookie("POST", "/api/v1/roster/solve", `{"instance":`+inst+`,"time_limit_ms":2000}`, hr)
		if res.code != 200 || !strings.Contains(res.body, `"status":"optimal"`) {
			t.Fatalf("solve: %d %s", res.code, res.body)
		}
		var plan struct {
			Assignments map[string][]string `json:"assignments"`
		}
		if err := json.Unmarshal([]byte(res.body), &plan); err != nil {
			t.Fatal(err)
		}
		asg, _ := json.Marshal(plan.Assignments)
		pub := fmt.Sprintf(`{"unit_id":%d,"instance":%s,"assignments":%s}`, w.units["a-sect"].ID, inst, asg)
		if res := w.callCookie("POST", "/api/v1/roster/publish", pub, boss); res.code != http.StatusForbidden {
			t.Fatalf("a 所属長 published: %d", res.code)
		}
		if res := w.callCookie("POST", "/api/v1/roster/publish", pub, bhr); res.code != http.StatusUnprocessableEntity {
			t.Fatalf("another tenant published: %d %s", res.code, res.body)
		}
		res = w.callCookie("POST", "/api/v1/roster/publish", pub, hr)
		if res.code != 200 || !strings.Contains(res.body, `"created":[`) {
			t.Fatalf("publish: %d %s", res.code, res.body)
		}
	})
}
