package devices_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestLoanPeriodCountsEveryDay: a device is out for its pool's whole loan
// period, so one PC lent for three days cannot be promised to anyone else
// on the second or third (issue 14 review); cancelling frees every day; an
// early return frees the days after it; an asset number is out once; a
// device not back keeps counting day by day, and its person is told once.
func TestLoanPeriodCountsEveryDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) // 09:00 in Japan
		tn := tenantAt(t, db, &now, "kobe", "神戸市")
		u := &org.Unit{Code: "1", Name: "課", Level: "課"}
		if err := storetest.F(db).CreateUnit(ctx, tn.ID, op, u, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		var p []*auth.Principal
		for i := range 3 {
			s := &org.Staff{StaffNo: strconv.Itoa(4000 + i), Name: "職員" + strconv.Itoa(i), Kana: "しょくいん", UnitID: u.ID,
				Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
			if err := storetest.F(db).CreateStaff(ctx, tn.ID, op, s, calendar.Date{}); err != nil {
				t.Fatal(err)
			}
			p = append(p, &auth.Principal{TenantID: tn.ID, UserID: int64(10 + i), StaffID: s.ID, UnitID: u.ID, Roles: []auth.Role{auth.Staff}})
		}
		it := &auth.Principal{TenantID: tn.ID, UserID: 1, Roles: []auth.Role{auth.ITAdmin}}
		svc := devices.NewService(db, db.Now)
		if err := svc.SavePool(ctx, tn.ID, it, &devices.Pool{Name: "x", Kind: devices.LoanPC, Capacity: 1, LoanDays: -1}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("loan days -1: %v", err)
		}
		pool := &devices.Pool{Name: "貸出PC", Kind: devices.LoanPC, Capacity: 1, LoanDays: 3}
		if err := svc.SavePool(ctx, tn.ID, it, pool); err != nil {
			t.Fatal(err)
		}
		day := calendar.DateOf(now).AddDays(2) // 12/3; out 12/3–12/5
		reserve := func(who *auth.Principal, d calendar.Date) (*devices.Reservation, error) {
			return svc.Reserve(ctx, tn.ID, who, devices.Request{PoolID: pool.ID, Day: d})
		}
		key := func(err error) string {
			if e := apperr.As(err); e != nil {
				return e.Key
			}
			return ""
		}
		// A reservation links only to the person's own application of
		// that day (places.CheckApplication): an unknown id is a 422 on
		// application_id, not a foreign-key error.
		if _, err := svc.Reserve(ctx, tn.ID, p[0], devices.Request{PoolID: pool.ID, Day: day, ApplicationID: 999999}); apperr.CodeOf(err) != apperr.Invalid ||
			!strings.Contains(fmt.Sprint(apperr.As(err)), "application_id") {
			t.Fatalf("an unknown application: %v", err)
		}
		a, err := reserve(p[0], day)
		if err != nil || a.DueDay != day.AddDays(2) || a.HeldTo != a.DueDay {
			t.Fatalf("reserve: %+v %v", a, err)
		}
		// The forecast and the reports count the unit on each day it is out.
		in, err := db.FindDemandInputs(ctx, tn.ID, day.AddDays(-2), day.AddDays(4))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range in.Reservations {
			out = append(out, fmt.Sprintf("%s:%d", c.Day, c.Count))
		}
		if got, want := strings.Join(out, " "), "2026-12-03:1 2026-12-04:1 2026-12-05:1"; got != want {
			t.Fatalf("units out by day: %s, want %s", got, want)
		}
		for _, d := range []calendar.Date{day, day.AddDays(1), day.AddDays(2), day.AddDays(-2)} {
			if _, err := reserve(p[1], d); apperr.CodeOf(err) != apperr.Conflict {
				t.Fatalf("a second person on %s while the only PC is out 12/3–12/5 (or would be out from %s on): %v", day, d, err)
			}
		}
		if _, err := reserve(p[0], day.AddDays(2)); key(err) != "devices.refused.overlap" {
			t.Fatalf("the same person again within the period: %v", err)
		}
		b, err := reserve(p[1], day.AddDays(3))
		if err != nil {
			t.Fatalf("after the period: %v", err)
		}
		// Cancelling frees every day of the period.
		if err := svc.Cancel(ctx, tn.ID, p[0], a.ID); err != nil {
			t.Fatal(err)
		}
		c, err := reserve(p[2], day.AddDays(-1)) // 12/2–12/4
		if err != nil {
			t.Fatalf("after the cancellation: %v", err)
		}
		// Lent: its asset number is out once; a lent reservation is
		// returned, not cancelled.
		if _, err := svc.Lend(ctx, tn.ID, it, c.ID, "PC-1"); err != nil {
			t.Fatal(err)
		}
		// The same label typed in 全角, lower case or with a space is
		// the same device.
		for _, same := range []string{"PC-1", "ＰＣ－１", "pc-1", " PC -1 ", "PC−1"} {
			if _, err := svc.Lend(ctx, tn.ID, it, b.ID, same); key(err) != "devices.refused.asset_out" {
				t.Fatalf("an asset number out twice, %q: %v", same, err)
			}
		}
		if err := svc.Cancel(ctx, tn.ID, p[2], c.ID); key(err) != "devices.error.cancel_lent" {
			t.Fatalf("cancelling a lent one: %v", err)
		}
		// Back early, on 12/2: 12/3 and 12/4 are free again.
		now = now.AddDate(0, 0, 1)
		if r, err := svc.Return(ctx, tn.ID, it, c.ID); err != nil || r.HeldTo != calendar.DateOf(now) {
			t.Fatalf("return: %+v %v", r, err)
		}
		d2, err := reserve(p[0], day) // 12/3–12/5
		if err != nil {
			t.Fatalf("after the early return: %v", err)
		}
		// Lent on 12/2, a day before its period, it would be out on 12/2
		// too, where c still counts (returned today): refused. On its day
		// it is lent.
		if _, err := svc.Lend(ctx, tn.ID, it, d2.ID, "PC-1"); key(err) != "devices.refused.lend_early_full" {
			t.Fatalf("lent a day early onto c's last day: %v", err)
		}
		now = now.AddDate(0, 0, 1) // 12/3
		if _, err := svc.Lend(ctx, tn.ID, it, d2.ID, "PC-1"); err != nil {
			t.Fatalf("the asset came back, lend it again: %v", err)
		}
		// Not back by 12/5: on 12/6 it still counts (12/6 is b's first
		// day: b is beyond the capacity now), and the person is told once.
		now = now.AddDate(0, 0, 3) // 12/6
		ext, told, err := svc.SweepOverdue(ctx, tn.ID)
		if err != nil || ext != 1 || told != 1 {
			t.Fatalf("sweep: %d %d %v", ext, told, err)
		}
		if _, err := reserve(p[2], calendar.DateOf(now)); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("a device not back still counts: %v", err)
		}
		if ext, told, _ := svc.SweepOverdue(ctx, tn.ID); ext != 0 || told != 0 {
			t.Fatalf("the same day again: %d %d", ext, told)
		}
		now = now.AddDate(0, 0, 1)
		if ext, told, _ := svc.SweepOverdue(ctx, tn.ID); ext != 1 || told != 0 {
			t.Fatalf("the next day: %d %d (told once only)", ext, told)
		}
		var n int
		if err := db.SQL.QueryRowContext(ctx, db.Rebind(`SELECT COUNT(*) FROM notifications WHERE tenant_id = ? AND kind = 'device_overdue' AND staff_id = ?`),
			tn.ID, p[0].StaffID).Scan(&n); err != nil || n != 1 {
			t.Fatalf("overdue notices: %d %v", n, err)
		}
		// Back on 12/7: from 12/8 on the unit is free again.
		if _, err := svc.Return(ctx, tn.ID, it, d2.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.Cancel(ctx, tn.ID, p[1], b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := reserve(p[2], calendar.DateOf(now).AddDays(1)); err != nil {
			t.Fatalf("after the late return: %v", err)
		}
		var used int
		if err := db.SQL.QueryRowContext(ctx, db.Rebind(`SELECT COALESCE(MAX(used), 0) FROM device_slots WHERE tenant_id = ? AND pool_id = ? AND day > ?`),
			tn.ID, pool.ID, calendar.DateOf(now).String()).Scan(&used); err != nil || used != 1 {
			t.Fatalf("counters after the late return: %d %v", used, err)
		}
	})
}
