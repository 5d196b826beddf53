package emergency_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/emergency"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

var hr = audit.Actor{ID: 1, Label: "hr01"}

// On both engines: an emergency declared for a unit lets its people apply
// on the day itself under 松本市's rules (2 business days before
// otherwise), not the people of another unit; ending it restores the
// normal rules; another tenant neither sees it nor can end it, nor name
// its own units in it.
func TestEmergencyOnBothEngines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		today := calendar.Date{Year: 2026, Month: time.June, Day: 1} // Monday
		clock := today.Time().Add(9 * time.Hour)
		now := func() time.Time { return clock }
		pol := policy.NewService(db, now)
		svc := emergency.NewService(db, now)
		mk := func(slug string) *org.Tenant {
			tn := &org.Tenant{Slug: slug, Name: slug + "市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
			storetest.Must(t, storetest.F(db).CreateTenant(ctx, audit.Actor{Label: "op"}, tn, nil))
			return tn
		}
		a, b := mk("matsumoto"), mk("kakegawa")
		unit := func(tn *org.Tenant, code, name string) *org.Unit {
			u := &org.Unit{Code: code, Name: name, Level: "部"}
			storetest.Must(t, storetest.F(db).CreateUnit(ctx, tn.ID, hr, u, calendar.Date{}))
			return u
		}
		welfare, tax, bUnit := unit(a, "100", "福祉部"), unit(a, "200", "税務部"), unit(b, "100", "総務部")
		person := func(no string, u *org.Unit) *org.Staff {
			s := &org.Staff{StaffNo: no, Name: "職員 " + no, Kana: "しょくいん", UnitID: u.ID, Rank: org.RankStaff,
				Employment: org.Regular, JobType: "general", Email: no + "@example.lg.jp"}
			storetest.Must(t, storetest.F(db).CreateStaff(ctx, a.ID, hr, s, calendar.Date{}))
			return s
		}
		inWelfare, inTax := person("1001", welfare), person("1002", tax)
		tp, _ := policy.TemplateByName("matsumoto")
		storetest.Must(t, pol.Save(ctx, a.ID, hr, &policy.Version{Effective: today, Policy: tp.Policy}))
		check := func(s *org.Staff, d calendar.Date) []string {
			t.Helper()
			res, err := pol.Check(ctx, a.ID, &auth.Principal{Roles: []auth.Role{auth.HRAdmin}}, policy.CheckInput{StaffID: s.ID,
				App: policy.Application{Mode: policy.Home, Place: policy.PlaceHome, TimeUnit: policy.FullDay, Dates: []calendar.Date{d}}})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, f := range res.Findings {
				if f.Severity == policy.Error {
					out = append(out, f.Rule)
				}
			}
			return out
		}
		late := "deadline.submission"
		if got := check(inWelfare, today); len(got) != 1 || got[0] != late {
			t.Fatalf("before the emergency: %v", got)
		}

		// Invalid declarations.
		_, err := svc.Declare(ctx, a.ID, hr, emergency.Declaration{Kind: "war", Title: " ", From: today, To: today.AddDays(-1),
			Rules: policy.OverrideRules{Deadline: "soon"}})
		if e, ok := err.(*apperr.Error); !ok || e.Code != apperr.Invalid || len(e.Fields) != 4 {
			t.Fatalf("invalid declaration: %#v", err)
		}
		if _, err := svc.Declare(ctx, a.ID, hr, emergency.Declaration{Kind: emergency.Infection, Title: "x", From: today, To: today,
			UnitIDs: []int64{bUnit.ID}}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("a unit of another tenant: %v", err)
		}

		em, err := svc.Declare(ctx, a.ID, hr, emergency.Declaration{Kind: emergency.Infection, Title: "感染症の拡大に伴う緊急事態",
			From: today, To: today.AddDays(13), UnitIDs: []int64{welfare.ID}, Rules: policy.OverrideRules{Caps: "lift", Deadline: "same_day"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(em.UnitNames) != 1 || em.UnitNames[0] != "福祉部" || em.PlannedTo != today.AddDays(13) || em.Ended() {
			t.Fatalf("declared %+v", em)
		}
		if got := check(inWelfare, today); len(got) != 0 {
			t.Fatalf("same day under the emergency: %v", got)
		}
		if got := check(inTax, today); len(got) != 1 || got[0] != late {
			t.Fatalf("another unit under the emergency: %v", got)
		}
		if got := check(inWelfare, today.AddDays(14)); len(got) != 0 {
			// two weeks ahead: in time anyway
			t.Fatalf("after the emergency, in time: %v", got)
		}
		cur, err := svc.Current(ctx, a.ID)
		if err != nil || len(cur) != 1 || cur[0].ID != em.ID {
			t.Fatalf("current = %+v %v", cur, err)
		}

		// Another tenant sees nothing and cannot end it.
		if l, _ := svc.List(ctx, b.ID); len(l) != 0 {
			t.Fatalf("tenant b lists %+v", l)
		}
		if _, err := svc.End(ctx, b.ID, hr, em.ID, em.Version); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("end from another tenant: %v", err)
		}
		if _, err := svc.End(ctx, a.ID, hr, em.ID, em.Version+1); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("stale end: %v", err)
		}

		// Ending it on its first day: it applied today (a same-day
		// application may have been approved under it), so it ends today
		// and is not "cancelled"; its rules stay for the rest of today and
		// the normal rules are back tomorrow. (It used to end yesterday:
		// cancelled before it began.)
		ended, err := svc.End(ctx, a.ID, hr, em.ID, em.Version)
		if err != nil || !ended.Ended() || ended.Cancelled() || ended.To != today || ended.PlannedTo != today.AddDays(13) {
			t.Fatalf("ended = %+v %v", ended, err)
		}
		if got := check(inWelfare, today); len(got) != 0 {
			t.Fatalf("the rest of the day of the end: %v", got)
		}
		if ovs, err := db.FindPolicyOverrides(ctx, a.ID, today.AddDays(1), today.AddDays(30)); err != nil || len(ovs) != 0 {
			t.Fatalf("overrides after the day of the end = %+v %v", ovs, err)
		}
		if _, err := svc.End(ctx, a.ID, hr, em.ID, 0); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("ended twice: %v", err)
		}
		if cur, _ := svc.Current(ctx, a.ID); len(cur) != 1 || cur[0].To != today {
			t.Fatalf("current on the day of the end: %+v", cur)
		}

		// Ending one declared for a later day cancels it: it never applies.
		later, err := svc.Declare(ctx, a.ID, hr, emergency.Declaration{Kind: emergency.Disaster, Title: "予告",
			From: today.AddDays(3), To: today.AddDays(5), Rules: policy.OverrideRules{Deadline: "none"}})
		if err != nil {
			t.Fatal(err)
		}
		if c, err := svc.End(ctx, a.ID, hr, later.ID, later.Version); err != nil || !c.Cancelled() || c.To != today.AddDays(2) {
			t.Fatalf("cancelled = %+v %v", c, err)
		}

		// Ending one that began: it stays in force up to the day of the end.
		em2, err := svc.Declare(ctx, a.ID, hr, emergency.Declaration{Kind: emergency.Disaster, Title: "台風被害",
			From: today, To: today.AddDays(4), Rules: policy.OverrideRules{Deadline: "none"}})
		if err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(48 * time.Hour)
		ended, err = svc.End(ctx, a.ID, hr, em2.ID, em2.Version)
		if err != nil || ended.To != today.AddDays(2) || ended.Cancelled() {
			t.Fatalf("ended after two days = %+v %v", ended, err)
		}
		ovs, err := db.FindPolicyOverrides(ctx, a.ID, today.AddDays(1), today.AddDays(30))
		if err != nil || len(ovs) != 1 || ovs[0].ID != em2.ID || len(ovs[0].UnitCodes) != 0 {
			t.Fatalf("overrides = %+v %v", ovs, err)
		}

		// The simulation replays a same-day application: refused under the
		// normal policy, accepted under the emergency declared (and under
		// hypothetical rules).
		pol.SetPastApplications(pastApps{{ApplicationID: 7, StaffNo: inWelfare.StaffNo, SubmittedAt: today.Time().Add(9 * time.Hour),
			App: policy.Application{Mode: policy.Home, Place: policy.PlaceHome, TimeUnit: policy.FullDay, Dates: []calendar.Date{today}}}})
		normal, err := pol.SimulateStored(ctx, a.ID, tp.Policy, today, today, "ja")
		if err != nil || normal.Refused != 1 || len(normal.Overrides) != 0 {
			t.Fatalf("normal replay: %+v %v", normal, err)
		}
		under, err := pol.SimulateStoredUnder(ctx, a.ID, tp.Policy, today, today, "ja", nil)
		if err != nil || under.Refused != 0 || under.OK != 1 || len(under.Overrides) != 2 {
			t.Fatalf("replay under the declared emergency: %+v %v", under, err)
		}
		hyp, err := pol.SimulateStoredUnder(ctx, a.ID, tp.Policy, today, today, "ja", &policy.OverrideRules{Deadline: "same_day"})
		if err != nil || hyp.Refused != 0 {
			t.Fatalf("replay under hypothetical rules: %+v %v", hyp, err)
		}

		// Audited, without the personal data of anyone.
		for _, action := range []string{"emergency.declare", "emergency.end"} {
			es, err := db.FindAuditEntries(ctx, a.ID, audit.Filter{Action: action, Limit: 10})
			if err != nil || len(es) != 3 {
				t.Fatalf("%s: %d entries, %v", action, len(es), err)
			}
			if !strings.Contains(string(es[0].After), "from") {
				t.Fatalf("%s after = %s", action, es[0].After)
			}
		}
	})
}

// The stored simulation replays a period under the declared emergencies or
// hypothetical rules; unknown choices are refused.
func TestSimulateUnderRefusesUnknownRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pol := policy.NewService(db, nil)
		d := calendar.Date{Year: 2026, Month: time.June, Day: 1}
		_, err := pol.SimulateStoredUnder(context.Background(), 1, policy.Policy{}, d, d, "ja", &policy.OverrideRules{Caps: "x"})
		if apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("unknown rules: %v", err)
		}
	})
}

type pastApps []policy.PastApplication

func (p pastApps) FindPastApplications(context.Context, int64, calendar.Date, calendar.Date) ([]policy.PastApplication, error) {
	return p, nil
}
