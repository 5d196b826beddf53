package auth_test

import (
	"errors"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

type onboardingFixture struct {
	ob    *auth.Onboarding
	s     *auth.Service
	tn    *org.Tenant
	hr    *auth.Principal
	staff map[string]*org.Staff
	units map[string]*org.Unit
	c     *clock
}

func newOnboarding(t *testing.T, db *store.DB) *onboardingFixture {
	t.Helper()
	c := newClock(db)
	s, tn, u, _ := setup(t, db)
	f := &onboardingFixture{ob: auth.NewOnboarding(s, db, c.now), s: s, tn: tn, c: c, staff: map[string]*org.Staff{}, units: map[string]*org.Unit{},
		hr: &auth.Principal{TenantID: tn.ID, TenantSlug: tn.Slug, UserID: u.ID, LoginID: u.LoginID, Roles: []auth.Role{auth.HRAdmin}}}
	for _, x := range []struct{ code, name string }{{"100", "総務部"}, {"200", "市民部"}} {
		un := &org.Unit{Code: x.code, Name: x.name, Level: "部"}
		must(t, storetest.F(db).CreateUnit(ctxb(), tn.ID, sys, un, calendar.Date{}))
		f.units[x.code] = un
	}
	for _, x := range []struct{ no, name, unit string }{{"1001", "山田 太郎", "100"}, {"1002", "佐藤 花子", "100"}, {"2001", "鈴木 一郎", "200"}, {"2002", "退職 者", "200"}} {
		st := &org.Staff{StaffNo: x.no, Name: x.name, Kana: "かな", UnitID: f.units[x.unit].ID, Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
		must(t, storetest.F(db).CreateStaff(ctxb(), tn.ID, sys, st, calendar.Date{}))
		f.staff[x.no] = st
	}
	must(t, storetest.F(db).SetStaffRetired(ctxb(), tn.ID, sys, f.staff["2002"].ID, f.staff["2002"].Version, true))
	return f
}

func auditCount(t *testing.T, db *store.DB, tenantID int64, action string) int {
	t.Helper()
	var n int
	if err := db.SQL.QueryRowContext(ctxb(), db.Rebind(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND action = ?`), tenantID, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Temporary passwords for a unit's people: one transaction, audited, the
// login id is the 職員番号, the first sign-in must change the password.
func TestBulkAccountsWithPasswords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newOnboarding(t, db)
		list, total, err := f.ob.Candidates(ctxb(), f.hr, auth.CandidateFilter{UnitID: f.units["100"].ID})
		if err != nil || total != 2 || len(list) != 2 || list[0].StaffNo != "1001" || list[0].UnitName != "総務部" {
			t.Fatalf("candidates: %d %v", total, err)
		}
		if _, _, err := f.ob.Candidates(ctxb(), &auth.Principal{TenantID: f.tn.ID, Roles: []auth.Role{auth.Staff}}, auth.CandidateFilter{}); code(err) != apperr.Forbidden {
			t.Fatalf("staff listed candidates: %v", err)
		}
		issued, err := f.ob.CreateAccounts(ctxb(), f.hr, auth.BulkAccounts{All: true, Filter: auth.CandidateFilter{UnitID: f.units["100"].ID}, Method: auth.ByPassword})
		if err != nil || len(issued) != 2 || issued[0].LoginID != "1001" || len(issued[0].Password) != 16 || issued[0].Token != "" {
			t.Fatalf("create: %+v %v", issued, err)
		}
		u, err := f.s.UserByLogin(ctxb(), f.tn.ID, "1001")
		if err != nil || !u.MustChange || u.StaffID != f.staff["1001"].ID || len(u.Granted) != 0 {
			t.Fatalf("account: %+v %v", u, err)
		}
		if _, err := f.s.SignIn(ctxb(), auth.SignIn{Tenant: f.tn.Slug, LoginID: "1002", Password: issued[1].Password, ClientAddr: "10.0.0.1"}); err != nil {
			t.Fatalf("sign-in with the temporary password: %v", err)
		}
		if n := auditCount(t, db, f.tn.ID, "user.bulk_create"); n != 1 {
			t.Errorf("batch audit entries: %d", n)
		}
		// Those two have accounts now; the one left is 2001 (2002 left).
		list, total, _ = f.ob.Candidates(ctxb(), f.hr, auth.CandidateFilter{})
		if total != 1 || list[0].StaffNo != "2001" {
			t.Fatalf("left: %d %+v", total, list)
		}
		// Selecting someone who has an account creates nothing.
		if _, err := f.ob.CreateAccounts(ctxb(), f.hr, auth.BulkAccounts{StaffIDs: []int64{f.staff["1001"].ID}, Method: auth.ByPassword}); code(err) != apperr.Invalid || apperr.As(err).Fields[0].Key != "golive.bulk_none_left" {
			t.Fatalf("again: %v", err)
		}
	})
}

// A person whose 職員番号 is taken as a login id refuses the batch, and
// nothing is written.
func TestBulkAccountsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newOnboarding(t, db)
		must(t, storetest.F(db).CreateUser(ctxb(), f.tn.ID, sys, &auth.User{LoginID: "2001", PasswordHash: "x", Granted: []auth.Role{auth.ITAdmin}}))
		_, err := f.ob.CreateAccounts(ctxb(), f.hr, auth.BulkAccounts{All: true, Method: auth.ByInvitation})
		var refused *auth.BulkRefused
		if !errors.As(err, &refused) || len(refused.Problems) != 1 || refused.Problems[0].StaffNo != "2001" || refused.Problems[0].Key != "golive.bulk_login_taken" {
			t.Fatalf("refused: %v", err)
		}
		if _, err := f.s.UserByLogin(ctxb(), f.tn.ID, "1001"); code(err) != apperr.NotFound {
			t.Fatal("a refused batch wrote an account")
		}
	})
}

// An invitation link: no sign-in before it is used; the person chooses a
// password under the rules; the link works once and expires.
func TestInvitations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newOnboarding(t, db)
		issued, err := f.ob.CreateAccounts(ctxb(), f.hr, auth.BulkAccounts{StaffIDs: []int64{f.staff["1001"].ID, f.staff["2001"].ID}, Method: auth.ByInvitation})
		if err != nil || len(issued) != 2 || issued[0].Token == "" || issued[0].Password != "" || !issued[0].Expires.Equal(f.c.now().Add(auth.InvitationTTL).Truncate(time.Second)) {
			t.Fatalf("create: %+v %v", issued, err)
		}
		if n := auditCount(t, db, f.tn.ID, "user.invite"); n != 2 {
			t.Errorf("invite audit entries: %d", n)
		}
		tok := issued[0].Token
		info, err := f.ob.Invitation(ctxb(), f.tn.Slug, tok)
		if err != nil || info.LoginID != "1001" || info.TenantName != "茨城県" {
			t.Fatalf("info: %+v %v", info, err)
		}
		if _, err := f.ob.Invitation(ctxb(), "other", tok); key(err) != "golive.invite_invalid" {
			t.Fatalf("another tenant's slug: %v", err)
		}
		in := auth.AcceptInvitation{Tenant: f.tn.Slug, Token: tok, Password: "password1234", Confirm: "password1234", ClientAddr: "10.0.0.2"}
		if _, err := f.ob.Accept(ctxb(), in); code(err) != apperr.Invalid || len(apperr.As(err).Fields) == 0 {
			t.Fatalf("a common password: %v", err)
		}
		in.Password, in.Confirm = "kakigori-natsu-2026", "kakigori-natsu-2026"
		if _, err := f.ob.Accept(ctxb(), in); err != nil {
			t.Fatalf("accept: %v", err)
		}
		if _, err := f.s.SignIn(ctxb(), auth.SignIn{Tenant: f.tn.Slug, LoginID: "1001", Password: in.Password, ClientAddr: "10.0.0.2"}); err != nil {
			t.Fatalf("sign-in after accepting: %v", err)
		}
		if u, _ := f.s.UserByLogin(ctxb(), f.tn.ID, "1001"); u.MustChange {
			t.Error("the chosen password must be changed again")
		}
		if _, err := f.ob.Accept(ctxb(), in); key(err) != "golive.invite_invalid" {
			t.Fatalf("second use: %v", err)
		}
		// 2001's link expires after 14 days.
		f.c.move(auth.InvitationTTL + time.Minute)
		in.Token = issued[1].Token
		if _, err := f.ob.Accept(ctxb(), in); key(err) != "golive.invite_invalid" {
			t.Fatalf("expired: %v", err)
		}
		if n := auditCount(t, db, f.tn.ID, "user.invitation_accept"); n != 1 {
			t.Errorf("accept audit entries: %d", n)
		}
	})
}

// Guessing tokens is throttled like sign-in.
func TestInvitationThrottle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newOnboarding(t, db)
		in := auth.AcceptInvitation{Tenant: f.tn.Slug, Password: "kakigori-natsu-2026", Confirm: "kakigori-natsu-2026", ClientAddr: "10.9.9.9"}
		var last error
		for i := range 8 {
			in.Token = "guess" + string(rune('a'+i))
			_, last = f.ob.Accept(ctxb(), in)
		}
		if code(last) != apperr.RateLimited {
			t.Fatalf("not throttled: %v", last)
		}
	})
}

// Any password set for an account ends its unused invitation links: a
// printed notice kept somewhere must not take the account over after HR
// issued a temporary password (the page or the command line) or the person
// set their own (a review found the old link still set a new password).
func TestPasswordSetEndsInvitations(t *testing.T) {
	known, err := auth.HashPassword("correct horse battery")
	must(t, err)
	cases := []struct {
		name string
		set  func(t *testing.T, db *store.DB, f *onboardingFixture, u *auth.User)
	}{
		{"hr reset", func(t *testing.T, _ *store.DB, f *onboardingFixture, u *auth.User) {
			_, err := f.s.ResetPassword(ctxb(), f.hr, u.ID)
			must(t, err)
		}},
		{"command-line reset", func(t *testing.T, _ *store.DB, f *onboardingFixture, u *auth.User) {
			h, mc := known, true
			_, err := f.s.UpdateUser(ctxb(), f.tn.ID, sys, u.ID, auth.UserUpdate{PasswordHash: &h, MustChange: &mc, Action: "user.password_reset"})
			must(t, err)
		}},
		{"own change", func(t *testing.T, db *store.DB, f *onboardingFixture, u *auth.User) {
			// A password the person knows, written beside the services.
			if _, err := db.SQL.ExecContext(ctxb(), db.Rebind(`UPDATE users SET password_hash = ? WHERE tenant_id = ? AND id = ?`), known, f.tn.ID, u.ID); err != nil {
				t.Fatal(err)
			}
			p := &auth.Principal{TenantID: f.tn.ID, UserID: u.ID, LoginID: u.LoginID, Roles: []auth.Role{auth.Staff}}
			_, err := f.s.ChangePassword(ctxb(), p, "correct horse battery", "natsu-no-umi-2026", "natsu-no-umi-2026")
			must(t, err)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				f := newOnboarding(t, db)
				issued, err := f.ob.CreateAccounts(ctxb(), f.hr, auth.BulkAccounts{StaffIDs: []int64{f.staff["1001"].ID, f.staff["2001"].ID}, Method: auth.ByInvitation})
				must(t, err)
				u, err := f.s.UserByLogin(ctxb(), f.tn.ID, "1001")
				must(t, err)
				c.set(t, db, f, u)
				if _, err := f.ob.Invitation(ctxb(), f.tn.Slug, issued[0].Token); key(err) != "golive.invite_invalid" {
					t.Errorf("the old link still shows its page: %v", err)
				}
				in := auth.AcceptInvitation{Tenant: f.tn.Slug, Token: issued[0].Token, Password: "taken-over-2026!", Confirm: "taken-over-2026!", ClientAddr: "10.0.0.3"}
				if _, err := f.ob.Accept(ctxb(), in); key(err) != "golive.invite_invalid" {
					t.Fatalf("the old link set a password: %v", err)
				}
				if _, err := f.s.SignIn(ctxb(), auth.SignIn{Tenant: f.tn.Slug, LoginID: "1001", Password: in.Password, ClientAddr: "10.0.0.3"}); err == nil {
					t.Fatal("signed in with the password set through the old link")
				}
				if n := auditCount(t, db, f.tn.ID, "user.invitation_end"); n != 1 {
					t.Errorf("invitation_end entries: %d", n)
				}
				// The other person's link is untouched.
				in.Token = issued[1].Token
				if _, err := f.ob.Accept(ctxb(), in); err != nil {
					t.Fatalf("another account's link: %v", err)
				}
			})
		})
	}
}
