package org_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

var hr = audit.Actor{ID: 1, Label: "hr"}

// failingStore runs the real store but makes one Tx write fail, to prove
// that a workflow's earlier writes roll back with it.
type failingStore struct {
	*store.DB
	failPolicy, failRetire bool
}

type failingTx struct {
	org.Tx
	s *failingStore
}

var errInjected = errors.New("injected failure")

func (f *failingStore) InOrgTx(ctx context.Context, fn func(org.Tx) error) error {
	return f.DB.InOrgTx(ctx, func(tx org.Tx) error { return fn(failingTx{tx, f}) })
}

func (t failingTx) InsertPolicyVersionJSON(ctx context.Context, tenantID int64, eff calendar.Date, body []byte, note, by string) (int64, error) {
	if t.s.failPolicy {
		return 0, errInjected
	}
	return t.Tx.InsertPolicyVersionJSON(ctx, tenantID, eff, body, note, by)
}

func (t failingTx) SetStaffRetiredRow(ctx context.Context, tenantID, id, expect int64, retired bool) error {
	if t.s.failRetire {
		return errInjected
	}
	return t.Tx.SetStaffRetiredRow(ctx, tenantID, id, expect, retired)
}

func service(st org.Store, db *store.DB) *org.Service {
	s := org.NewService(st, db.Now)
	s.SetPolicyTemplates(policy.OrgTemplates{})
	return s
}

func codeKey(err error) string {
	e := apperr.As(err)
	if e == nil {
		return ""
	}
	if len(e.Fields) > 0 {
		return string(e.Code) + ":" + e.Fields[0].Field + ":" + e.Fields[0].Key
	}
	return string(e.Code) + ":" + e.Key
}

func TestCreateTenantIsOneTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		fs := &failingStore{DB: db, failPolicy: true}
		in := org.NewTenant{Tenant: org.Tenant{Slug: "kobe", Name: "神戸市", Kind: org.DesignatedCity, StaffSize: 20000, GeneralAdminStaff: 8000},
			AdminLogin: "jinji01", PolicyTemplate: "kobe"}
		if _, err := service(fs, db).CreateTenant(ctx, hr, in); !errors.Is(err, errInjected) {
			t.Fatalf("failing last step: %v", err)
		}
		if _, err := db.FindTenantBySlug(ctx, "kobe"); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("a failed creation left the tenant behind: %v", err)
		}
		if n, err := db.VerifyAuditChain(ctx, 0); err != nil || n != 0 {
			t.Errorf("instance chain after the failure: %d entries, %v", n, err)
		}

		// The same request succeeds whole: tenant, HR admin, first policy.
		res, err := service(db, db).CreateTenant(ctx, hr, in)
		if err != nil {
			t.Fatal(err)
		}
		if res.TempPassword == "" || res.Tenant.ID == 0 {
			t.Fatalf("result %+v", res)
		}
		u, err := db.FindUserByLogin(ctx, res.Tenant.ID, "jinji01")
		if err != nil || !u.MustChange || !slices.Equal(u.Granted, []auth.Role{auth.HRAdmin}) {
			t.Errorf("first admin: %+v %v", u, err)
		}
		if ok, _ := auth.CheckPassword(u.PasswordHash, res.TempPassword); !ok {
			t.Error("the temporary password does not sign in")
		}
		vs, err := db.FindPolicyVersions(ctx, res.Tenant.ID)
		if err != nil || len(vs) != 1 || vs[0].Effective != calendar.DateOf(db.Now()) {
			t.Errorf("first policy: %+v %v", vs, err)
		}
		entries, _ := db.FindAuditEntries(ctx, res.Tenant.ID, audit.Filter{})
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		if !slices.Equal(actions, []string{"policy.save", "user.create", "tenant.create"}) {
			t.Errorf("tenant chain: %v", actions)
		}

		// Refusals name the field and write nothing.
		for _, c := range []struct {
			in   org.NewTenant
			want string
		}{
			{org.NewTenant{Tenant: in.Tenant}, "invalid:slug:field.taken"},
			{org.NewTenant{Tenant: org.Tenant{Slug: "saga", Name: "佐賀県", Kind: org.Prefecture}, PolicyTemplate: "tokyo"}, "invalid:policy_template:field.choice"},
			{org.NewTenant{Tenant: org.Tenant{Slug: "saga", Name: "佐賀県", Kind: org.Prefecture}, AdminLogin: "人事 01"}, "invalid:admin_login:field.login_format"},
		} {
			if _, err := service(db, db).CreateTenant(ctx, hr, c.in); codeKey(err) != c.want {
				t.Errorf("%+v: %v, want %s", c.in, err, c.want)
			}
		}
		if ts, _ := db.FindTenants(ctx); len(ts) != 1 {
			t.Errorf("refused creations left %d tenants", len(ts))
		}
	})
}

func TestUpdateTenant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := service(db, db)
		res, err := s.CreateTenant(ctx, hr, org.NewTenant{Tenant: org.Tenant{Slug: "fukaya", Name: "深谷市", Kind: org.Municipality, StaffSize: 900, GeneralAdminStaff: 500}})
		if err != nil {
			t.Fatal(err)
		}
		name, size := "深谷市役所", 1000
		after, err := s.UpdateTenant(ctx, hr, res.Tenant.ID, org.TenantUpdate{Name: &name, StaffSize: &size, ExpectVersion: 1})
		if err != nil || after.Name != name || after.StaffSize != 1000 || after.GeneralAdminStaff != 500 || after.Version != 2 || after.Slug != "fukaya" {
			t.Fatalf("update: %+v %v", after, err)
		}
		if _, err := s.UpdateTenant(ctx, hr, res.Tenant.ID, org.TenantUpdate{Name: &name, ExpectVersion: 1}); codeKey(err) != "conflict:error.stale" {
			t.Errorf("stale version: %v", err)
		}
		small := 10
		if _, err := s.UpdateTenant(ctx, hr, res.Tenant.ID, org.TenantUpdate{StaffSize: &small, ExpectVersion: 2}); codeKey(err) != "invalid:general_admin_staff:field.general_admin_le_staff" {
			t.Errorf("invalid sizes: %v", err)
		}
		if _, err := s.UpdateTenant(ctx, hr, 99999, org.TenantUpdate{ExpectVersion: 1}); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("unknown tenant: %v", err)
		}
		// The same values again: nothing written, the version stays.
		if same, err := s.UpdateTenant(ctx, hr, res.Tenant.ID, org.TenantUpdate{Name: &name, StaffSize: &size, ExpectVersion: 2}); err != nil || same.Version != 2 {
			t.Errorf("no-op update: %+v %v", same, err)
		}
		got, _ := db.FindTenantByID(ctx, res.Tenant.ID)
		if got.Version != 2 || got.StaffSize != 1000 {
			t.Errorf("refused updates changed the row: %+v", got)
		}
		// Recorded in the instance chain and the tenant's own.
		for _, chain := range []int64{0, res.Tenant.ID} {
			es, _ := db.FindAuditEntries(ctx, chain, audit.Filter{Action: "tenant.update"})
			if len(es) != 1 {
				t.Errorf("chain %d: %d tenant.update entries", chain, len(es))
			}
		}
	})
}

func TestUnitAndStaffRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		fs := &failingStore{DB: db}
		s := service(fs, db)
		res, err := s.CreateTenant(ctx, hr, org.NewTenant{Tenant: org.Tenant{Slug: "shibuya", Name: "渋谷区", Kind: org.Municipality}})
		if err != nil {
			t.Fatal(err)
		}
		tid := res.Tenant.ID
		unit := func(parent int64, code, name string) *org.Unit {
			u := &org.Unit{ParentID: parent, Code: code, Name: name, Level: "課"}
			storetest.Must(t, s.CreateUnit(ctx, tid, hr, u, calendar.Date{}))
			return u
		}
		dept, old, dst := unit(0, "100", "総務部"), unit(0, "200", "旧課"), unit(0, "300", "新課")
		storetest.Must(t, s.RetireUnit(ctx, tid, hr, old.ID, old.Version, calendar.Date{}))

		// Nothing goes into a closed unit.
		if err := s.CreateUnit(ctx, tid, hr, &org.Unit{ParentID: old.ID, Code: "201", Name: "係", Level: "係"}, calendar.Date{}); codeKey(err) != "invalid:parent_id:field.unit_retired" {
			t.Errorf("unit under a closed unit: %v", err)
		}
		st := &org.Staff{StaffNo: "1001", Name: "渋谷 一郎", Kana: "しぶや いちろう", UnitID: old.ID, Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
		if err := s.CreateStaff(ctx, tid, hr, st, calendar.Date{}); codeKey(err) != "invalid:unit_id:field.unit_retired" {
			t.Errorf("staff into a closed unit: %v", err)
		}
		st.UnitID = dept.ID
		storetest.Must(t, s.CreateStaff(ctx, tid, hr, st, calendar.Date{}))
		closed := old.ID
		if _, err := s.UpdateStaff(ctx, tid, hr, st.ID, org.StaffUpdate{UnitID: &closed, ExpectVersion: st.Version}); codeKey(err) != "invalid:unit_id:field.unit_retired" {
			t.Errorf("move into a closed unit: %v", err)
		}
		if _, err := s.UpdateUnit(ctx, tid, hr, dst.ID, org.UnitUpdate{ParentID: &closed, ExpectVersion: dst.Version}); codeKey(err) != "invalid:parent_id:field.unit_retired" {
			t.Errorf("unit moved under a closed unit: %v", err)
		}
		self := dept.ID
		if _, err := s.UpdateUnit(ctx, tid, hr, dept.ID, org.UnitUpdate{ParentID: &self, ExpectVersion: dept.Version}); codeKey(err) != "invalid:parent_id:field.unit_cycle" {
			t.Errorf("unit under itself: %v", err)
		}
		if err := s.RetireUnit(ctx, tid, hr, dept.ID, dept.Version, calendar.Date{}); codeKey(err) != "conflict:error.unit_not_empty" {
			t.Errorf("retiring a unit with staff: %v", err)
		}

		// A PATCH that moves and retires at once is one transaction: when
		// the retirement fails, the move is not kept either.
		fs.failRetire = true
		to, yes, title := dst.ID, true, "主任"
		if _, err := s.UpdateStaff(ctx, tid, hr, st.ID, org.StaffUpdate{UnitID: &to, Title: &title, Retired: &yes, ExpectVersion: st.Version}); !errors.Is(err, errInjected) {
			t.Fatalf("failing retirement: %v", err)
		}
		got, _ := db.FindStaffByID(ctx, tid, st.ID)
		if got.UnitID != dept.ID || got.Title != "" || got.Retired || got.Version != st.Version {
			t.Errorf("half-applied change: %+v", got)
		}
		hist, _ := db.FindStaffHistory(ctx, tid, st.ID)
		if len(hist) != 1 {
			t.Errorf("history of a rolled-back move: %+v", hist)
		}
		fs.failRetire = false
		after, err := s.UpdateStaff(ctx, tid, hr, st.ID, org.StaffUpdate{UnitID: &to, Title: &title, Retired: &yes, ExpectVersion: st.Version})
		if err != nil || after.UnitID != dst.ID || !after.Retired || after.Version != st.Version+2 {
			t.Fatalf("move and retire: %+v %v", after, err)
		}
		// A save that changes nothing writes nothing.
		before, _ := db.FindAuditEntries(ctx, tid, audit.Filter{})
		if _, err := s.UpdateStaff(ctx, tid, hr, st.ID, org.StaffUpdate{Title: &title, ExpectVersion: after.Version}); err != nil {
			t.Fatal(err)
		}
		if now, _ := db.FindAuditEntries(ctx, tid, audit.Filter{}); len(now) != len(before) {
			t.Errorf("a no-op save wrote %d audit entries", len(now)-len(before))
		}
		if _, err := db.VerifyAuditChain(ctx, tid); err != nil {
			t.Error(err)
		}
	})
}

// TestStaffChangeDatedLaterIsScheduled: a transfer entered now for a later
// 発令日 leaves the record as it is and is kept as a scheduled change with
// its audit entry; a date in the past is applied at once.
func TestStaffChangeDatedLaterIsScheduled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2027, time.March, 10, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		s := service(db, db)
		res, err := s.CreateTenant(ctx, hr, org.NewTenant{Tenant: org.Tenant{Slug: "kakegawa", Name: "掛川市", Kind: org.Municipality}})
		if err != nil {
			t.Fatal(err)
		}
		tid := res.Tenant.ID
		from := &org.Unit{Code: "100", Name: "総務課", Level: "課"}
		to := &org.Unit{Code: "200", Name: "企画課", Level: "課"}
		storetest.Must(t, s.CreateUnit(ctx, tid, hr, from, calendar.Date{}))
		storetest.Must(t, s.CreateUnit(ctx, tid, hr, to, calendar.Date{}))
		st := &org.Staff{StaffNo: "3001", Name: "掛川 一", Kana: "かけがわ はじめ", UnitID: from.ID, Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
		storetest.Must(t, s.CreateStaff(ctx, tid, hr, st, calendar.Date{}))

		april := calendar.Date{Year: 2027, Month: time.April, Day: 1}
		unit, title := to.ID, "主任"
		got, err := s.UpdateStaff(ctx, tid, hr, st.ID, org.StaffUpdate{UnitID: &unit, Title: &title, Effective: april, ExpectVersion: st.Version})
		if err != nil || got.UnitID != from.ID || got.Version != st.Version {
			t.Fatalf("dated later: %+v %v (the record must stay as it is)", got, err)
		}
		cur, _ := db.FindStaffByID(ctx, tid, st.ID)
		if cur.UnitID != from.ID || cur.Title != "" || cur.Version != st.Version {
			t.Errorf("moved early: %+v", cur)
		}
		pending, err := db.FindScheduledChanges(ctx, tid, org.ScheduleFilter{Status: []string{org.SchedulePending}})
		if err != nil || len(pending) != 1 || pending[0].StaffID != st.ID || pending[0].Effective != april ||
			!slices.Equal(pending[0].Body.Fields, []string{org.FieldUnit, org.FieldTitle}) || pending[0].Changes[0].After != "企画課" {
			t.Fatalf("scheduled: %+v %v", pending, err)
		}
		if es, _ := db.FindAuditEntries(ctx, tid, audit.Filter{Action: "staff.schedule"}); len(es) != 1 {
			t.Errorf("%d staff.schedule entries, want 1", len(es))
		}
		// Into a closed unit: refused now, nothing scheduled.
		storetest.Must(t, s.RetireUnit(ctx, tid, hr, to.ID, to.Version, calendar.Date{}))
		if _, err := s.UpdateStaff(ctx, tid, hr, st.ID, org.StaffUpdate{UnitID: &unit, Effective: april, ExpectVersion: st.Version}); codeKey(err) != "invalid:unit_id:field.unit_retired" {
			t.Errorf("scheduled into a closed unit: %v", err)
		}
		// A past date is applied at once.
		newTitle := "主事"
		after, err := s.UpdateStaff(ctx, tid, hr, st.ID, org.StaffUpdate{Title: &newTitle, Effective: calendar.Date{Year: 2027, Month: time.March, Day: 1}, ExpectVersion: st.Version})
		if err != nil || after.Title != "主事" || after.Version != st.Version+1 {
			t.Errorf("dated earlier: %+v %v", after, err)
		}
	})
}
