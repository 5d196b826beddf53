package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/demo"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// TestHistory seeds the demo with its six months of history and checks
// that every page has something to show: applications in every state, the
// demo staff's own cases and the demo supervisor's inbox.
func TestHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, res, now := seedWithHistory(t, db)
		h := res.History
		if h == nil {
			t.Fatal("no history made")
		}
		t.Logf("history: %d applications, actions %v", h.Applications, h.Actions)
		actorsExist(t, db, res.Tenant.ID)
		if h.Applications < 250 {
			t.Errorf("%d applications in six months; want a city's worth (250 or more)", h.Applications)
		}
		tid := res.Tenant.ID
		hr := &auth.Principal{TenantID: tid, Roles: []auth.Role{auth.HRAdmin}}
		all, err := svc.Apply.List(ctx, tid, hr, apply.Filter{StaffIDs: allStaff(t, ctx, svc.Org, tid), Limit: apply.MaxPage})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[apply.Status]int{}
		for _, a := range all {
			seen[a.Status]++
			for _, d := range a.Days {
				seen[d.Status]++
			}
		}
		for _, s := range apply.Statuses {
			if s == apply.Draft {
				continue // a draft is its author's alone: the demo staff's is checked below
			}
			if seen[s] == 0 {
				t.Errorf("no application or day in state %s (seen %v)", s, seen)
			}
		}
		me := signedIn(t, svc, tid, "staff")
		mine, err := svc.Apply.List(ctx, tid, me, apply.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		states := map[apply.Status]bool{}
		overdue := false
		today := calendar.DateOf(now)
		for _, a := range mine {
			states[a.Status] = true
			for _, d := range a.Days {
				if !d.ReportDue.IsZero() && d.ReportDue.Before(today) && apply.Allowed(d.Status, apply.ActReport) {
					overdue = true
				}
			}
		}
		for _, s := range []apply.Status{apply.Approved, apply.Submitted, apply.Returned, apply.Draft, apply.Confirmed, apply.Reported} {
			if !states[s] {
				t.Errorf("the demo staff has no application reading %s (has %v)", s, states)
			}
		}
		if !overdue {
			t.Error("the demo staff has no overdue report")
		}
		if last, err := svc.Apply.Last(ctx, tid, me); err != nil || last == nil {
			t.Errorf("the demo staff has no last application to repeat: %v", err)
		}
		sup := signedIn(t, svc, tid, "supervisor")
		inbox, err := svc.Apply.Inbox(ctx, tid, sup, apply.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(inbox) < 2 {
			t.Errorf("the demo supervisor's inbox holds %d applications; want a few", len(inbox))
		}
		waitsForSup := false
		for _, a := range inbox {
			waitsForSup = waitsForSup || a.StaffID == me.StaffID
		}
		if !waitsForSup {
			t.Error("the demo staff's submitted application does not wait for the demo supervisor")
		}
		if n, err := svc.Notify.Unread(ctx, tid, sup); err != nil || n == 0 || n > 40 {
			t.Errorf("the demo supervisor has %d unread notifications (%v); want a few recent ones", n, err)
		}
		// A second seed finds the tenant and changes nothing.
		again, err := demo.Seed(ctx, app.DemoServices(db, svc), now)
		if err != nil || again.Created || again.History != nil {
			t.Errorf("second seed: %+v, %v", again, err)
		}
	})
}

func allStaff(t *testing.T, ctx context.Context, o interface {
	FindStaff(context.Context, int64, org.StaffFilter) ([]*org.Staff, int, error)
}, tid int64) []int64 {
	t.Helper()
	list, _, err := o.FindStaff(ctx, tid, org.StaffFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(list))
	for i, s := range list {
		ids[i] = s.ID
	}
	return ids
}

// TestHistoryAnyDay: the demo starts whenever it is started — at night, on
// a weekend, in the New Year holidays, early on a Monday — and its history
// still has the demo accounts' cases.
func TestHistoryAnyDay(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2027, time.January, 2, 23, 50, 0, 0, calendar.Tokyo), // 年末年始, a Saturday night
		time.Date(2026, time.May, 4, 7, 0, 0, 0, calendar.Tokyo),       // Golden Week, before work
		time.Date(2026, time.April, 6, 1, 0, 0, 0, calendar.Tokyo),     // a Monday at 1 a.m., a new 年度
	} {
		t.Run(now.Format("2006-01-02T15"), func(t *testing.T) {
			db := storetest.Open(t, store.SQLite)
			db.Now = func() time.Time { return now }
			svc := app.NewServices(db)
			res, err := demo.Seed(context.Background(), app.DemoServices(db, svc), now)
			if err != nil {
				t.Fatal(err)
			}
			if res.History.Applications < 200 || res.History.Actions["approve"] == 0 || res.History.Actions["report"] == 0 {
				t.Errorf("history: %+v", res.History)
			}
		})
	}
}

// TestHistoryWorktime: the history records the working time of the days
// it works — every application day of the last demo.WorktimeDays started,
// finished, reported or confirmed has its day (start, end unless still open, a plan, breaks),
// today's started ones are open, finished ones have an end and a result —
// and the demo supervisor's section has office days without an
// application; the same on every run.
func TestHistoryWorktime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, res, now := seedWithHistory(t, db)
		tid := res.Tenant.ID
		staff := allStaff(t, ctx, svc.Org, tid)
		from, today := calendar.DateOf(now).AddDays(-200), calendar.DateOf(now)
		days, err := db.FindWorktimeDays(ctx, tid, staff, from, today)
		if err != nil {
			t.Fatal(err)
		}
		type key struct {
			staff int64
			date  calendar.Date
		}
		rec := map[key]worktime.Day{}
		office, breaks, results := 0, 0, 0
		for _, d := range days {
			rec[key{d.StaffID, d.Date}] = d
			if d.Mode == worktime.Office && d.ApplicationID == 0 {
				office++
			}
			if len(d.Breaks) > 0 {
				breaks++
			}
			if d.Result != "" {
				results++
			}
			if d.Plan == "" || d.Start.IsZero() {
				t.Errorf("day without plan or start: %+v", d)
			}
		}
		hr := &auth.Principal{TenantID: tid, Roles: []auth.Role{auth.HRAdmin}}
		all, err := svc.Apply.List(ctx, tid, hr, apply.Filter{StaffIDs: staff, Limit: apply.MaxPage})
		if err != nil {
			t.Fatal(err)
		}
		worked := 0
		for _, a := range all {
			for _, ad := range a.Days {
				switch ad.Status {
				case apply.Started, apply.Finished, apply.Reported, apply.Confirmed:
				default:
					continue
				}
				if ad.Date.Before(today.AddDays(-demo.WorktimeDays)) {
					continue // reported before the city took up the start and end reports
				}
				worked++
				d, ok := rec[key{a.StaffID, ad.Date}]
				switch {
				case !ok:
					t.Errorf("%s's %s day %s has no working-time record", a.StaffName, ad.Status, ad.Date)
				case d.ApplicationID != a.ID:
					t.Errorf("%s's day %s is recorded on application %d, not %d", a.StaffName, ad.Date, d.ApplicationID, a.ID)
				case ad.Status == apply.Started && !d.End.IsZero():
					t.Errorf("%s's started day %s has an end", a.StaffName, ad.Date)
				case ad.Status != apply.Started && (d.End.IsZero() || d.Result == ""):
					t.Errorf("%s's %s day %s has no end or result", a.StaffName, ad.Status, ad.Date)
				}
			}
		}
		t.Logf("%d worktime days (%d office, %d with breaks, %d with results) for %d worked application days", len(days), office, breaks, results, worked)
		if worked < 50 || office < 10 || breaks < len(days)/2 {
			t.Errorf("a thin working-time history: %d days, %d office, %d with breaks", len(days), office, breaks)
		}
	})
}

// actorsExist: every entry the demo wrote is the system's (the seeder
// acting for people without an account) or a real account's, by its login
// and id; none names an account that does not exist (s980021, id 0).
func actorsExist(t *testing.T, db *store.DB, tid int64) {
	t.Helper()
	ctx := context.Background()
	ids := map[string]int64{}
	rows, err := db.SQL.QueryContext(ctx, db.Rebind(`SELECT login_id, id FROM users WHERE tenant_id = ?`), tid)
	storetest.Must(t, err)
	for rows.Next() {
		var login string
		var id int64
		storetest.Must(t, rows.Scan(&login, &id))
		ids[login] = id
	}
	rows.Close()
	rows, err = db.SQL.QueryContext(ctx, db.Rebind(`SELECT DISTINCT actor_label, COALESCE(actor_id, 0), action FROM audit_log WHERE tenant_id = ?`), tid)
	storetest.Must(t, err)
	defer rows.Close()
	bad := map[string]bool{}
	for rows.Next() {
		var label, action string
		var id int64
		storetest.Must(t, rows.Scan(&label, &id, &action))
		if strings.HasPrefix(label, "system") {
			continue
		}
		if want, ok := ids[label]; !ok || want != id {
			bad[action+" by "+label] = true
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d kinds of entries by accounts that do not exist, e.g. %v", len(bad), firstKeys(bad, 5))
	}
}

func firstKeys(m map[string]bool, n int) []string {
	var out []string
	for k := range m {
		if len(out) == n {
			break
		}
		out = append(out, k)
	}
	return out
}
