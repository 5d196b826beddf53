package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/web"
)

// principals are the fixture accounts as the rules see them.
var principals = map[string]*auth.Principal{
	"staff":      {TenantID: 1, Roles: []auth.Role{auth.Staff}},
	"supervisor": {TenantID: 1, Roles: []auth.Role{auth.Staff, auth.Supervisor}},
	"hr":         {TenantID: 1, Roles: []auth.Role{auth.Staff, auth.HRAdmin}},
	"it":         {TenantID: 1, Roles: []auth.Role{auth.Staff, auth.ITAdmin}},
	"auditor":    {TenantID: 1, Roles: []auth.Role{auth.Auditor}},
	"operator":   {Roles: []auth.Role{auth.Operator}},
}

var accountOrder = []string{"hr", "supervisor", "staff", "it", "auditor", "operator"}

// TestEveryRouteIsGuarded walks the whole route table, so that a route
// added later is checked too: anonymous callers are sent to sign-in, a
// wrong role gets 403, another tenant's object gets 404, and the right role
// gets through. A route whose {id} names an object this test does not know
// fails the test until a fixture is added here.
func TestEveryRouteIsGuarded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		objects := map[string][2]int64{ // own, another tenant's
			"unit":   {w.units["a-team"].ID, w.units["b-dept"].ID},
			"staff":  {w.staff["a-other"].ID, w.staff["b-staff"].ID},
			"user":   {w.users["spare"].ID, w.users["b-hr"].ID},
			"tenant": {w.a.ID, 987654321},
			"token":  {0, 0}, // set per route below
		}
		objects["application"], objects["delegation"] = [2]int64{}, [2]int64{} // set per route below
		objects["notification"] = w.noteObjects(t)                             // apply_pages_test.go
		// A scheduled policy version in each tenant.
		polID := map[int64]int64{}
		for _, tn := range []int64{w.a.ID, w.b.ID} {
			tp, _ := policy.TemplateByName("matsumoto")
			v := &policy.Version{Effective: calendar.DateOf(time.Now()).AddDays(30), Policy: tp.Policy}
			if err := policy.NewService(db, db.Now).Save(context.Background(), tn, sys, v); err != nil {
				t.Fatal(err)
			}
			polID[tn] = v.ID
		}
		objects["policy"] = [2]int64{polID[w.a.ID], polID[w.b.ID]}
		// Surveys (a closed one in A, a draft in B) and a 1on1 pair in A
		// with hr as one of the two; B's pair id does not exist.
		objects["survey"] = [2]int64{authzSurvey(t, db, w.a.ID, true), authzSurvey(t, db, w.b.ID, false)}
		objects["oneonone_pair"] = [2]int64{authzPair(t, db, w.a.ID, w.staff["a-hr"].ID, w.staff["a-staff"].ID), 987654321}
		// Tokens belong to an account: the right account's own token, and
		// one of another tenant (or, for the operator, of a tenant).
		tokenOf := map[string]int64{}
		for _, k := range []string{"hr", "operator", "b-hr"} {
			tn, uid := w.a.ID, int64(0)
			switch k {
			case "operator":
				tn, uid = 0, w.opID
			case "b-hr":
				tn, uid = w.b.ID, w.users[k].ID
			default:
				uid = w.users[k].ID
			}
			tok, _, err := storetest.F(db).Auth.CreateToken(context.Background(), &auth.Principal{TenantID: tn, UserID: uid, LoginID: "walk"},
				auth.NewToken{Name: "walk", Days: 1})
			if err != nil {
				t.Fatal(err)
			}
			tokenOf[k] = tok.ID
		}
		cookies := map[string]*http.Cookie{}
		for k := range principals {
			cookies[k] = w.session(t, k)
		}
		for _, rt := range w.srv.Routes() {
			name := rt.Method + " " + rt.Pattern
			t.Run(name, func(t *testing.T) {
				if id, ok := tasksObjects(t, w, rt.Object); ok { // a fresh one per route (issue 13)
					objects[rt.Object] = id
				}
				if id, ok := placesObjects(t, w, rt.Object); ok { // issue 14
					objects[rt.Object] = id
				}
				if err := rt.Rule.Validate(); err != nil {
					t.Fatalf("route has no valid rule: %v", err)
				}
				if ids, ok := trialObject(t, w, rt.Object); ok { // issue 16: fresh objects per route
					objects[rt.Object] = ids
				}
				if ids, ok := emergencyObject(t, w, rt.Object); ok { // issue 15 (emergency_test.go)
					objects[rt.Object] = ids
				}
				if ids, ok := worktimeObjects(t, w, rt.Object); ok { // issue 12 (worktime_overtime_test.go)
					objects[rt.Object] = ids
				}
				if strings.Contains(strings.TrimSuffix(rt.Pattern, "{$}"), "{") {
					if _, ok := objects[rt.Object]; !ok {
						t.Fatalf("route has a path parameter but Object %q has no cross-tenant fixture in this test", rt.Object)
					}
				}
				path := func(id int64) string {
					p := strings.ReplaceAll(rt.Pattern, "{id}", strconv.FormatInt(id, 10))
					p = strings.TrimSuffix(p, "{$}")
					if p == "/static/" {
						p = "/static/app.css"
					}
					return p
				}
				right := ""
				for _, k := range accountOrder {
					if rt.Rule.Allows(principals[k]) {
						right = k
						break
					}
				}
				if rt.Object == "token" {
					foreign := tokenOf["b-hr"]
					if right == "operator" {
						foreign = tokenOf["hr"]
					}
					objects["token"] = [2]int64{tokenOf[right], foreign}
				}
				if rt.Object == "application" || rt.Object == "delegation" {
					// Each route gets its own draft (or delegation) of the hr
					// account's person: the delete routes remove theirs.
					objects[rt.Object] = w.applyObjects(t, rt.Object, right == "hr") // applications_api_test.go
				}
				if rt.Object == "policy" {
					// Each route gets its own scheduled version: the delete
					// route removes the one it is given.
					tp, _ := policy.TemplateByName("matsumoto")
					v := &policy.Version{Effective: calendar.DateOf(time.Now()).AddDays(60 + len(polID)), Policy: tp.Policy}
					if err := policy.NewService(db, db.Now).Save(context.Background(), w.a.ID, sys, v); err != nil {
						t.Fatal(err)
					}
					polID[int64(-len(polID))] = v.ID
					objects["policy"] = [2]int64{v.ID, polID[w.b.ID]}
				}
				own := path(objects[rt.Object][0])
				var form url.Values
				if rt.Method == http.MethodPost {
					form = url.Values{}
				}
				if rt.Rule.Public {
					res := w.do(rt.Method, own, form, nil)
					if res.code >= 500 {
						t.Errorf("public route answered %d", res.code)
					}
					return
				}
				api := strings.HasPrefix(rt.Pattern, "/api/")
				// Anonymous → sign-in (pages) or 401 problem details (API).
				res := w.do(rt.Method, own, form, nil)
				switch {
				case api && (res.code != http.StatusUnauthorized || res.header.Get("Content-Type") != "application/problem+json"):
					t.Errorf("anonymous API call: got %d %s, want 401 problem+json", res.code, res.header.Get("Content-Type"))
				case !api && (res.code != http.StatusSeeOther || !strings.Contains(res.location, "/login")):
					t.Errorf("anonymous: got %d → %q, want 303 to sign-in", res.code, res.location)
				}
				// Wrong role → 403, for every account the rule refuses.
				for _, k := range accountOrder {
					if rt.Rule.Allows(principals[k]) {
						continue
					}
					if res := w.do(rt.Method, own, form, cookies[k]); res.code != http.StatusForbidden {
						t.Errorf("%s (wrong role): got %d, want 403", k, res.code)
					}
				}
				if right == "" {
					t.Fatal("no fixture account satisfies this route's rule")
				}
				// Another tenant's object → 404.
				if rt.Object != "" {
					foreign := path(objects[rt.Object][1])
					if res := w.do(rt.Method, foreign, form, cookies[right]); res.code != http.StatusNotFound {
						t.Errorf("%s on another tenant's %s: got %d, want 404", right, rt.Object, res.code)
					}
				}
				// An id that is not a positive number is no record: 404
				// before any handler (id 0 read the tenant's first row, and
				// "abc" edited or deleted it, in a review).
				if strings.Contains(rt.Pattern, "{id}") {
					for _, bad := range []string{"abc", "0", "undefined", "-1", "01", "1e3"} {
						p := strings.TrimSuffix(strings.ReplaceAll(rt.Pattern, "{id}", bad), "{$}")
						if res := w.do(rt.Method, p, form, cookies[right]); res.code != http.StatusNotFound {
							t.Errorf("%s with id %q: got %d, want 404", right, bad, res.code)
						}
					}
				}
				// The right role gets through.
				res = w.do(rt.Method, own, form, cookies[right])
				// Confirming is open to every role and decided by the
				// relation (the approver, a 代決者, the unit's heads): the
				// applicant confirming their own is that 403, not the rule's.
				byRelation := rt.Pattern == "/applications/{id}/confirm" && res.code == http.StatusForbidden && strings.Contains(res.body, "権限がありません")
				switch {
				case byRelation:
				case res.code == http.StatusForbidden, res.code == http.StatusNotFound, res.code >= 500:
					t.Errorf("%s (right role): got %d\n%s", right, res.code, res.body)
				case rt.Method == http.MethodGet && res.code != http.StatusOK:
					t.Errorf("%s (right role): GET answered %d, want 200", right, res.code)
				case api && res.code >= 400 && res.header.Get("Content-Type") != "application/problem+json":
					t.Errorf("%s (right role): API error %d is not problem+json", right, res.code)
				}
			})
		}
		if missing := i18n.Missing(); len(missing) > 0 {
			t.Errorf("pages used message keys with no translation: %v", missing)
		}
	})
}

func TestRuleValidate(t *testing.T) {
	tests := []struct {
		rule web.Rule
		ok   bool
	}{
		{web.Rule{}, false}, // a route that forgot its rule
		{web.Rule{Public: true}, true},
		{web.Rule{AnyUser: true, Operator: true}, false},
		{web.Rule{Roles: []auth.Role{auth.HRAdmin}}, true},
		{web.Rule{Public: true, Roles: []auth.Role{auth.HRAdmin}}, false},
	}
	for _, tt := range tests {
		if err := tt.rule.Validate(); (err == nil) != tt.ok {
			t.Errorf("Validate(%+v) = %v, want ok=%v", tt.rule, err, tt.ok)
		}
	}
}
