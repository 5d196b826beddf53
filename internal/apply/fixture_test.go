package apply_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

var hr = audit.Actor{ID: 0, Label: "hr01"}

// fixture: tenant a with 総務部 (部長) → 総務課 (課長) → 総務係 (係長) and two
// people in the 係, under 松本市's policy from today; tenant b with one
// person. Today is Monday 2026-06-01, 09:00 in Tokyo.
type fixture struct {
	db      *store.DB
	svc     *apply.Service
	notes   *notify.Service
	a, b    *org.Tenant
	now     time.Time
	units   map[string]*org.Unit
	people  map[string]*org.Staff
	who     map[string]*auth.Principal
	bPerson *auth.Principal
}

func day(m time.Month, d int) calendar.Date { return calendar.Date{Year: 2026, Month: m, Day: d} }

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, units: map[string]*org.Unit{}, people: map[string]*org.Staff{}, who: map[string]*auth.Principal{}}
	f.now = time.Date(2026, time.June, 1, 9, 0, 0, 0, calendar.Tokyo)
	db.Now = func() time.Time { return f.now }
	clock := func() time.Time { return f.now }
	f.svc = apply.NewService(db, clock)
	f.notes = notify.NewService(db, clock)
	mk := func(slug string) *org.Tenant {
		tn := &org.Tenant{Slug: slug, Name: slug + "市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
		storetest.Must(t, storetest.F(db).CreateTenant(ctx, audit.Actor{Label: "op"}, tn, nil))
		pol, _ := policy.TemplateByName("matsumoto")
		ps := policy.NewService(db, clock)
		storetest.Must(t, ps.Save(ctx, tn.ID, hr, &policy.Version{Effective: calendar.DateOf(f.now), Policy: pol.Policy}))
		return tn
	}
	f.a, f.b = mk("matsumoto"), mk("kakegawa")
	unit := func(tn *org.Tenant, key, code, name, level string, parent string) {
		u := &org.Unit{Code: code, Name: name, Level: level}
		if parent != "" {
			u.ParentID = f.units[parent].ID
		}
		storetest.Must(t, storetest.F(db).CreateUnit(ctx, tn.ID, hr, u, calendar.Date{}))
		f.units[key] = u
	}
	unit(f.a, "bu", "100", "総務部", "部", "")
	unit(f.a, "ka", "110", "総務課", "課", "bu")
	unit(f.a, "kakari", "111", "総務係", "係", "ka")
	unit(f.a, "other", "120", "財政課", "課", "bu")
	unit(f.b, "b", "100", "総務課", "課", "")
	n := 1000
	person := func(tn *org.Tenant, key, unitKey string, rank org.Rank, head bool, roles ...auth.Role) {
		n++
		no := string(rune('0'+n/1000)) + string(rune('0'+n/100%10)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10))
		st := &org.Staff{StaffNo: no, Name: key + " 太郎", Kana: "たろう", UnitID: f.units[unitKey].ID, Rank: rank,
			IsSupervisor: head, Employment: org.Regular, JobType: "general", Email: no + "@example.lg.jp"}
		storetest.Must(t, storetest.F(db).CreateStaff(ctx, tn.ID, hr, st, calendar.Date{}))
		u := &auth.User{LoginID: key, PasswordHash: "x", StaffID: st.ID, Granted: roles}
		storetest.Must(t, storetest.F(db).CreateUser(ctx, tn.ID, hr, u))
		rs := auth.EffectiveRoles(roles, true, head)
		f.people[key] = st
		f.who[key] = &auth.Principal{TenantID: tn.ID, UserID: u.ID, LoginID: key, StaffID: st.ID, UnitID: st.UnitID, Roles: rs}
	}
	person(f.a, "bucho", "bu", org.RankExecutive, true)
	person(f.a, "kacho", "ka", org.RankManager, true)
	person(f.a, "hosa", "ka", org.RankAssistantManager, false)
	person(f.a, "kakaricho", "kakari", org.RankChief, true)
	person(f.a, "staff", "kakari", org.RankStaff, false)
	person(f.a, "colleague", "kakari", org.RankStaff, false)
	person(f.a, "zaisei", "other", org.RankManager, true)
	person(f.a, "jinji", "other", org.RankStaff, false, auth.HRAdmin)
	person(f.b, "bstaff", "b", org.RankStaff, false)
	f.bPerson = f.who["bstaff"]
	return f
}

// oneDay is a full day at home on d, submitted.
func oneDay(d calendar.Date) apply.Request {
	return apply.Request{Dates: []calendar.Date{d}, Mode: policy.Home, Plan: "資料作成", Submit: true}
}

// approvedDay is a one-day application of the person key on d, approved by
// the 課長; its id.
func (f *fixture) approvedDay(t *testing.T, key string, d calendar.Date) int64 {
	t.Helper()
	ctx := context.Background()
	res, err := f.svc.Create(ctx, f.a.ID, f.who[key], oneDay(d))
	storetest.Must(t, err)
	_, err = f.svc.Approve(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{})
	storetest.Must(t, err)
	return res.Application.ID
}

func (f *fixture) auditActions(t *testing.T, action string) []*audit.Entry {
	t.Helper()
	es, err := f.db.FindAuditEntries(context.Background(), f.a.ID, audit.Filter{Action: action, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func (f *fixture) countApplications(t *testing.T) int {
	t.Helper()
	var n int
	if err := f.db.SQL.QueryRow(`SELECT COUNT(*) FROM applications`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
