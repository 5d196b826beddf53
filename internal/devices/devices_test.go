package devices_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

func TestDonglesNeverOverbooked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		tn, other := tenantAt(t, db, &now, "kobe", "神戸市"), tenantAt(t, db, &now, "nara", "奈良市")
		u := &org.Unit{Code: "1", Name: "課", Level: "課"}
		if err := storetest.F(db).CreateUnit(ctx, tn.ID, op, u, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		var people []*auth.Principal
		for i := range 30 {
			s := &org.Staff{StaffNo: strconv.Itoa(2000 + i), Name: "職員", Kana: "しょくいん", UnitID: u.ID, Rank: org.RankStaff,
				Employment: org.Regular, JobType: "general"}
			if err := storetest.F(db).CreateStaff(ctx, tn.ID, op, s, calendar.Date{}); err != nil {
				t.Fatal(err)
			}
			people = append(people, &auth.Principal{TenantID: tn.ID, UserID: int64(10 + i), StaffID: s.ID, UnitID: u.ID, Roles: []auth.Role{auth.Staff}})
		}
		it := &auth.Principal{TenantID: tn.ID, UserID: 1, Roles: []auth.Role{auth.ITAdmin}}
		svc := devices.NewService(db, db.Now)
		pool := &devices.Pool{Name: "LTEドングル", Kind: devices.LTEDongle, Capacity: 10, LoanDays: 1}
		if err := svc.SavePool(ctx, tn.ID, people[0], pool); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("staff may not create pools: %v", err)
		}
		if err := svc.SavePool(ctx, tn.ID, it, pool); err != nil {
			t.Fatal(err)
		}
		day := calendar.DateOf(now).AddDays(1)
		var ok atomic.Int32
		var wg sync.WaitGroup
		var first atomic.Int64
		for i := range 30 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := svc.Reserve(ctx, tn.ID, people[i], devices.Request{PoolID: pool.ID, Day: day})
				if err == nil {
					ok.Add(1)
					first.CompareAndSwap(0, r.ID)
				} else if apperr.CodeOf(err) != apperr.Conflict {
					t.Errorf("want a conflict: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 10 {
			t.Fatalf("%d reservations for 10 dongles", ok.Load())
		}
		// Another tenant cannot touch it.
		if _, err := svc.Lend(ctx, other.ID, &auth.Principal{TenantID: other.ID, UserID: 2, Roles: []auth.Role{auth.ITAdmin}}, first.Load(), "D-1"); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("cross-tenant: %v", err)
		}
		r, err := svc.Lend(ctx, tn.ID, it, first.Load(), " D-0001 ")
		if err != nil || r.AssetNo != "D-0001" {
			t.Fatalf("lend: %v %v", r, err)
		}
		now = now.AddDate(0, 0, 3)
		over, err := svc.Overdue(ctx, tn.ID, it, devices.Filter{})
		if err != nil || len(over) != 1 {
			t.Fatalf("overdue: %v %v", over, err)
		}
		if _, err := svc.Return(ctx, tn.ID, it, r.ID); err != nil {
			t.Fatal(err)
		}
		if over, _ := svc.Overdue(ctx, tn.ID, it, devices.Filter{}); len(over) != 0 {
			t.Fatal("returned but overdue")
		}
	})
}

func TestPersonalDevicesAndCredentials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		tn := tenantAt(t, db, &now, "matsumoto", "松本市")
		u := &org.Unit{Code: "1", Name: "課", Level: "課"}
		if err := storetest.F(db).CreateUnit(ctx, tn.ID, op, u, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		s := &org.Staff{StaffNo: "3001", Name: "職員", Kana: "しょくいん", UnitID: u.ID, Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
		if err := storetest.F(db).CreateStaff(ctx, tn.ID, op, s, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		me := &auth.Principal{TenantID: tn.ID, UserID: 10, StaffID: s.ID, UnitID: u.ID, Roles: []auth.Role{auth.Staff}}
		it := &auth.Principal{TenantID: tn.ID, UserID: 1, Roles: []auth.Role{auth.ITAdmin}}
		svc := devices.NewService(db, db.Now)
		today := calendar.DateOf(now)
		d := &devices.PersonalDevice{Description: "自宅のノートPC", OS: "Windows 11"}
		if err := svc.RequestPersonalDevice(ctx, tn.ID, me, d); err != nil {
			t.Fatal(err)
		}
		if d.UsableOn(today) {
			t.Fatal("usable before approval")
		}
		if _, err := svc.DecidePersonalDevice(ctx, tn.ID, me, d.ID, devices.Approved, today.AddDays(90)); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("staff approving: %v", err)
		}
		// An IT admin who is also the owner does not approve it.
		itOwner := &auth.Principal{TenantID: tn.ID, UserID: 11, StaffID: s.ID, UnitID: u.ID, Roles: []auth.Role{auth.Staff, auth.ITAdmin}}
		if _, err := svc.DecidePersonalDevice(ctx, tn.ID, itOwner, d.ID, devices.Approved, today.AddDays(90)); apperr.As(err) == nil ||
			apperr.As(err).Code != apperr.Forbidden || apperr.As(err).Key != "devices.personal.error.own" {
			t.Fatalf("approving one's own device: %v", err)
		}
		got, err := svc.DecidePersonalDevice(ctx, tn.ID, it, d.ID, devices.Approved, today.AddDays(90))
		if err != nil || !got.UsableOn(today) || got.UsableOn(today.AddDays(91)) {
			t.Fatalf("approved: %+v %v", got, err)
		}
		// Credentials only where the tenant uses them (a remote_id pool).
		if _, err := svc.IssueCredential(ctx, tn.ID, me, today); apperr.As(err) == nil || apperr.As(err).Key != "devices.error.no_credentials" {
			t.Fatalf("no remote IDs: %v", err)
		}
		if err := svc.SavePool(ctx, tn.ID, it, &devices.Pool{Name: "リモートアクセスID", Kind: devices.RemoteID, Capacity: 50}); err != nil {
			t.Fatal(err)
		}
		// Only on a telework day: here a start of work at home.
		if _, err := svc.IssueCredential(ctx, tn.ID, me, today); apperr.As(err) == nil || apperr.As(err).Key != "devices.personal.error.no_telework" {
			t.Fatalf("no telework: %v", err)
		}
		if _, err := worktime.NewService(db, db.Now).Start(ctx, tn.ID, me, 0, worktime.Report{Mode: policy.Home}); err != nil {
			t.Fatal(err)
		}
		c, err := svc.IssueCredential(ctx, tn.ID, me, today)
		if err != nil || len(c.Secret) != 16 || !c.ExpiresAt.Equal(today.AddDays(1).Time()) {
			t.Fatalf("issued: %+v %v", c, err)
		}
		if _, err := svc.IssueCredential(ctx, tn.ID, me, today); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("second issue: %v", err)
		}
		var stored string
		if err := db.SQL.QueryRowContext(ctx, `SELECT secret_hash FROM remote_credentials`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored == c.Secret || len(stored) != 64 {
			t.Fatalf("the secret is stored as %q", stored)
		}
	})
}

// TestPoolNameTakenSaysName: a pool's name already in use is refused on
// the field "name" labelled 名称 (devices.field_name), not a person's 氏名.
func TestPoolNameTakenSaysName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		tn := tenantAt(t, db, &now, "kobe", "神戸市")
		it := &auth.Principal{TenantID: tn.ID, UserID: 1, Roles: []auth.Role{auth.ITAdmin}}
		svc := devices.NewService(db, db.Now)
		if err := svc.SavePool(ctx, tn.ID, it, &devices.Pool{Name: "LTEドングル", Kind: devices.LTEDongle, Capacity: 10, LoanDays: 1}); err != nil {
			t.Fatal(err)
		}
		err := svc.SavePool(ctx, tn.ID, it, &devices.Pool{Name: "LTEドングル", Kind: devices.LTEDongle, Capacity: 5, LoanDays: 1})
		e := apperr.As(err)
		if e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "name" || e.Fields[0].Key != "field.taken" || e.Fields[0].Args["LabelKey"] != "devices.field_name" {
			t.Fatalf("a taken pool name: %+v", e)
		}
	})
}
