package devices_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// staffIn makes n people of one unit of tenant tn, as signed in.
func staffIn(t *testing.T, db *store.DB, tn *org.Tenant, n int) []*auth.Principal {
	t.Helper()
	ctx := context.Background()
	u := &org.Unit{Code: "9", Name: "情報政策課", Level: "課"}
	storetest.Must(t, storetest.F(db).CreateUnit(ctx, tn.ID, op, u, calendar.Date{}))
	out := make([]*auth.Principal, n)
	for i := range out {
		s := &org.Staff{StaffNo: strconv.Itoa(7000 + i), Name: "職員" + strconv.Itoa(i), Kana: "しょくいん", UnitID: u.ID,
			Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
		storetest.Must(t, storetest.F(db).CreateStaff(ctx, tn.ID, op, s, calendar.Date{}))
		out[i] = &auth.Principal{TenantID: tn.ID, UserID: int64(200 + i), StaffID: s.ID, UnitID: u.ID, Roles: []auth.Role{auth.Staff}}
	}
	return out
}

// TestEarlyLendHoldsFromToday (issue 14 review): a PC lent before its
// reserved day was not counted until that day, so the only unit was
// promised to someone else meanwhile. On both engines: lent early, the
// unit is out from the lending day (taken within the capacity, refused
// naming the first day without a unit); a return frees what was held;
// a reservation whose period has ended is not lent; and an early lending
// racing a reservation of one of its days lets exactly one through.
func TestEarlyLendHoldsFromToday(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) // 09:00 in Japan
		tn := tenantAt(t, db, &now, "saga", "佐賀県")
		p := staffIn(t, db, tn, 4)
		it := &auth.Principal{TenantID: tn.ID, UserID: 1, Roles: []auth.Role{auth.ITAdmin}}
		svc := devices.NewService(db, db.Now)
		pool := func(name string, capacity, days int) *devices.Pool {
			x := &devices.Pool{Name: name, Kind: devices.LoanPC, Capacity: capacity, LoanDays: days}
			storetest.Must(t, svc.SavePool(ctx, tn.ID, it, x))
			return x
		}
		date := func(m, d int) calendar.Date { return calendar.Date{Year: 2026, Month: time.Month(m), Day: d} }
		reserve := func(who *auth.Principal, pl *devices.Pool, d calendar.Date) (*devices.Reservation, error) {
			return svc.Reserve(ctx, tn.ID, who, devices.Request{PoolID: pl.ID, Day: d})
		}
		pc := pool("貸出PC", 1, 3)
		a, err := reserve(p[0], pc, date(12, 10)) // out 12/10–12/12
		storetest.Must(t, err)
		now = time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
		lent, err := svc.Lend(ctx, tn.ID, it, a.ID, "PC-0012")
		if err != nil || lent.HeldFrom() != date(12, 4) || lent.HeldTo != date(12, 12) {
			t.Fatalf("lent early: %+v %v", lent, err)
		}
		var after string
		storetest.Must(t, db.SQL.QueryRowContext(ctx, db.Rebind(`SELECT after_json FROM audit_log WHERE tenant_id = ? AND action = 'devices.lent'`), tn.ID).Scan(&after))
		if !strings.Contains(after, `"held_from":"2026-12-04"`) {
			t.Fatalf("the audit entry records the new held range: %s", after)
		}
		for _, d := range []calendar.Date{date(12, 4), date(12, 7), date(12, 9)} {
			if _, err := reserve(p[1], pc, d); apperr.CodeOf(err) != apperr.Conflict {
				t.Fatalf("the only PC is out from 12/4; a reservation of %s: %v", d, err)
			}
		}
		// Back on 12/5: 12/6 on are free again.
		now = time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
		back, err := svc.Return(ctx, tn.ID, it, a.ID)
		if err != nil || back.HeldTo != date(12, 5) {
			t.Fatalf("return: %+v %v", back, err)
		}
		b, err := reserve(p[1], pc, date(12, 6)) // 12/6–12/8
		if err != nil {
			t.Fatalf("after the return: %v", err)
		}
		// Lending early where a day has no unit left: refused, naming it.
		c, err := reserve(p[2], pc, date(12, 20))
		storetest.Must(t, err)
		_, err = svc.Lend(ctx, tn.ID, it, c.ID, "PC-0013")
		if e := apperr.As(err); e == nil || e.Code != apperr.Conflict || e.Key != "devices.refused.lend_early_full" ||
			!strings.Contains(i18n.Error("ja", err), "12月5日(土)") || !strings.Contains(i18n.Error("en", err), "Sat 5 Dec") {
			t.Fatalf("lending early over a full day: %v (%s)", err, i18n.Error("ja", err))
		}
		if got, _ := svc.Reservation(ctx, tn.ID, it, c.ID); got.Status != devices.Reserved || !got.LentAt.IsZero() {
			t.Fatalf("a refused lending changes nothing: %+v", got)
		}
		var used int
		storetest.Must(t, db.SQL.QueryRowContext(ctx, db.Rebind(`SELECT COALESCE(MAX(used), 0) FROM device_slots WHERE tenant_id = ? AND pool_id = ?`),
			tn.ID, pc.ID).Scan(&used))
		if used != 1 {
			t.Fatalf("counters: max %d, want 1", used)
		}
		// After the period has ended: not lent.
		now = time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC)
		_, err = svc.Lend(ctx, tn.ID, it, b.ID, "PC-0014")
		if e := apperr.As(err); e == nil || e.Key != "devices.refused.lend_after" || !strings.Contains(i18n.Error("ja", err), "12月6日(日)〜12月8日(火)") {
			t.Fatalf("lending after the period: %v (%s)", err, i18n.Error("ja", err))
		}

		// The race: each pool has one unit for one day; a reservation of
		// 12/20 lent early (12/9–12/19) against another person's
		// reservation of 12/15, all at once.
		const rounds = 6
		pools := make([]*devices.Pool, rounds)
		res := make([]*devices.Reservation, rounds)
		for i := range pools {
			pools[i] = pool("LTEルーター"+strconv.Itoa(i), 1, 1)
			res[i], err = reserve(p[0], pools[i], date(12, 20))
			storetest.Must(t, err)
		}
		var wg sync.WaitGroup
		lends, reservations := make([]error, rounds), make([]error, rounds)
		for i := range pools {
			wg.Add(2)
			go func() {
				defer wg.Done()
				_, lends[i] = svc.Lend(ctx, tn.ID, it, res[i].ID, "LTE-"+strconv.Itoa(i))
			}()
			go func() {
				defer wg.Done()
				_, reservations[i] = reserve(p[3], pools[i], date(12, 15))
			}()
		}
		wg.Wait()
		for i := range pools {
			if (lends[i] == nil) == (reservations[i] == nil) {
				t.Errorf("pool %d: lend %v, reserve %v; want exactly one", i, lends[i], reservations[i])
			}
			for _, err := range []error{lends[i], reservations[i]} {
				if err != nil && apperr.CodeOf(err) != apperr.Conflict {
					t.Errorf("pool %d: %v, want a conflict", i, err)
				}
			}
			storetest.Must(t, db.SQL.QueryRowContext(ctx, db.Rebind(`SELECT COALESCE(MAX(used), 0) FROM device_slots WHERE tenant_id = ? AND pool_id = ?`),
				tn.ID, pools[i].ID).Scan(&used))
			if used != 1 {
				t.Errorf("pool %d: a day with %d units out of 1", i, used)
			}
		}
	})
}
