package devices_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/notify"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

var op = audit.Actor{Label: "op"}

// tenantAt makes a tenant on db, whose clock reads *now from then on.
func tenantAt(t *testing.T, db *store.DB, now *time.Time, slug, name string) *org.Tenant {
	t.Helper()
	db.Now = func() time.Time { return *now }
	tn := &org.Tenant{Slug: slug, Name: name, Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
	if err := storetest.F(db).CreateTenant(context.Background(), op, tn, nil); err != nil {
		t.Fatal(err)
	}
	return tn
}

// TestPoolCapacityReducedListsAndNotifies: lowering a pool's capacity below
// its reservations removes none; those beyond it (the latest of each day
// from today on) are listed to IT, audited and their people notified.
// Reservations are also made on someone's behalf here (supervisor, IT) and
// refused for anyone else.
func TestPoolCapacityReducedListsAndNotifies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		tn := tenantAt(t, db, &now, "kobe", "神戸市")
		unit := func(code string) *org.Unit {
			u := &org.Unit{Code: code, Name: "課" + code, Level: "課"}
			if err := storetest.F(db).CreateUnit(ctx, tn.ID, op, u, calendar.Date{}); err != nil {
				t.Fatal(err)
			}
			return u
		}
		u, other := unit("1"), unit("2")
		var staff []*org.Staff
		for i := range 6 {
			unitID := u.ID
			if i == 5 {
				unitID = other.ID
			}
			s := &org.Staff{StaffNo: strconv.Itoa(3000 + i), Name: "職員" + strconv.Itoa(i), Kana: "しょくいん", UnitID: unitID, Rank: org.RankStaff,
				Employment: org.Regular, JobType: "general"}
			if err := storetest.F(db).CreateStaff(ctx, tn.ID, op, s, calendar.Date{}); err != nil {
				t.Fatal(err)
			}
			staff = append(staff, s)
		}
		me := func(i int, roles ...auth.Role) *auth.Principal {
			return &auth.Principal{TenantID: tn.ID, UserID: int64(10 + i), StaffID: staff[i].ID, UnitID: staff[i].UnitID, Roles: append([]auth.Role{auth.Staff}, roles...)}
		}
		boss, it := me(0, auth.Supervisor), &auth.Principal{TenantID: tn.ID, UserID: 1, LoginID: "it", Roles: []auth.Role{auth.ITAdmin}}
		svc := devices.NewService(db, db.Now)
		pool := &devices.Pool{Name: "LTEドングル", Kind: devices.LTEDongle, Capacity: 4, LoanDays: 1}
		if err := svc.SavePool(ctx, tn.ID, it, pool); err != nil {
			t.Fatal(err)
		}
		today := calendar.DateOf(now)
		d1, d2 := today.AddDays(1), today.AddDays(2)
		reserve := func(who *auth.Principal, staffID int64, day calendar.Date) *devices.Reservation {
			t.Helper()
			now = now.Add(time.Second) // a distinct creation time each
			r, err := svc.Reserve(ctx, tn.ID, who, devices.Request{PoolID: pool.ID, Day: day, StaffID: staffID})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		// Day 1: four reservations, two by someone else; day 2: one.
		reserve(me(1), 0, d1)
		r2 := reserve(boss, staff[2].ID, d1)
		r3 := reserve(it, staff[3].ID, d1)
		r4 := reserve(me(4), 0, d1)
		reserve(me(1), 0, d2)
		// Refused on behalf: a colleague, another unit's person for the boss.
		for name, c := range map[string]struct {
			who    *auth.Principal
			target int64
		}{"colleague": {me(4), staff[1].ID}, "other unit": {boss, staff[5].ID}} {
			_, err := svc.Reserve(ctx, tn.ID, c.who, devices.Request{PoolID: pool.ID, Day: d2, StaffID: c.target})
			if e := apperr.As(err); e == nil || e.Key != "places.refused.on_behalf" {
				t.Errorf("%s: %v", name, err)
			}
		}
		for i, want := range map[int]int{1: 0, 2: 1, 3: 1, 4: 0} {
			if got := storetest.CountNotifications(t, db, tn.ID, staff[i].ID, notify.BookedForYou); got != want {
				t.Errorf("staff %d told %d times of a reservation for them, want %d", i, got, want)
			}
		}
		ents, _ := db.FindAuditEntries(ctx, tn.ID, audit.Filter{Action: "devices.reserve", ObjectID: strconv.FormatInt(r2.ID, 10)})
		if len(ents) != 1 || ents[0].ActorID != boss.UserID || !strings.Contains(string(ents[0].After), `"on_behalf":true`) {
			t.Fatalf("audit of a reservation on behalf: %v", ents)
		}
		// Cut to 2: r3 and r4 on day 1 are beyond; day 2 is within.
		p, _ := svc.Pool(ctx, tn.ID, pool.ID)
		p.Capacity = 2
		if err := svc.SavePool(ctx, tn.ID, it, p); err != nil {
			t.Fatal(err)
		}
		if len(p.Affected) != 2 || p.Affected[0].ID != r3.ID || p.Affected[1].ID != r4.ID {
			t.Fatalf("affected %v, want r3 and r4", p.Affected)
		}
		for i, want := range map[int]int{1: 0, 2: 0, 3: 1, 4: 1} {
			if got := storetest.CountNotifications(t, db, tn.ID, staff[i].ID, notify.DeviceCapacityReduced); got != want {
				t.Errorf("staff %d notified %d times, want %d", i, got, want)
			}
		}
		left, err := svc.Reservations(ctx, tn.ID, it, devices.Filter{PoolID: pool.ID})
		if err != nil || len(left) != 5 {
			t.Fatalf("reservations were removed: %d %v", len(left), err)
		}
		ents, _ = db.FindAuditEntries(ctx, tn.ID, audit.Filter{Action: "devices.pool_update"})
		if len(ents) != 1 || !strings.Contains(string(ents[0].After), `"over_capacity_reservations":[`+strconv.FormatInt(r3.ID, 10)+`,`+strconv.FormatInt(r4.ID, 10)+`]`) {
			t.Fatalf("audit of the cut: %v", ents)
		}
		// The cap is read with the counter: day 2 (1 of 2) takes one more, day 1 none.
		if _, err := svc.Reserve(ctx, tn.ID, me(2), devices.Request{PoolID: pool.ID, Day: d2}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Reserve(ctx, tn.ID, me(0), devices.Request{PoolID: pool.ID, Day: d1}); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("day 1 is beyond capacity: %v", err)
		}
		// Raising it again lists nobody.
		p.Capacity = 10
		if err := svc.SavePool(ctx, tn.ID, it, p); err != nil || len(p.Affected) != 0 {
			t.Fatalf("raise: %v %v", p.Affected, err)
		}
	})
}

func TestOverflowOfPools(t *testing.T) {
	d := calendar.Date{Year: 2026, Month: 12, Day: 7}
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	rs := []*devices.Reservation{
		{ID: 5, Day: d, HeldTo: d, Status: devices.Reserved, CreatedAt: t0},
		{ID: 2, Day: d, HeldTo: d, Status: devices.Lent, CreatedAt: t0.Add(time.Second)},
		{ID: 3, Day: d, HeldTo: d, Status: devices.Cancelled, CreatedAt: t0.Add(2 * time.Second)},
		{ID: 4, Day: d.AddDays(1), HeldTo: d.AddDays(1), Status: devices.Reserved, CreatedAt: t0.Add(3 * time.Second)},
		{ID: 1, Day: d, HeldTo: d, Status: devices.Reserved, CreatedAt: t0.Add(4 * time.Second)},
		{ID: 6, Day: d, HeldTo: d.AddDays(1), Status: devices.Returned, CreatedAt: t0.Add(5 * time.Second)},
	}
	for _, c := range []struct {
		cap  int
		want []int64
	}{{0, []int64{1, 2, 4, 5}}, {1, []int64{1, 2}}, {2, []int64{1}}, {3, nil}} {
		got := devices.Overflow(rs, c.cap, d)
		var ids []int64
		for _, r := range got {
			ids = append(ids, r.ID)
		}
		if !slices.Equal(ids, c.want) {
			t.Errorf("cap %d: got %v, want %v", c.cap, ids, c.want)
		}
	}
}

// TestOverflowOverLoanPeriods: a unit out for several days counts on each
// of them, from the day the capacity changes on.
func TestOverflowOverLoanPeriods(t *testing.T) {
	d := calendar.Date{Year: 2026, Month: 12, Day: 7}
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	rs := []*devices.Reservation{
		{ID: 1, Day: d.AddDays(-2), HeldTo: d.AddDays(1), Status: devices.Lent, CreatedAt: t0},                     // out 12/5–12/8
		{ID: 2, Day: d.AddDays(1), HeldTo: d.AddDays(3), Status: devices.Reserved, CreatedAt: t0.Add(time.Second)}, // 12/8–12/10
		{ID: 3, Day: d.AddDays(-3), HeldTo: d.AddDays(-1), Status: devices.Reserved, CreatedAt: t0.Add(2 * time.Second)},
	}
	var ids []int64
	for _, r := range devices.Overflow(rs, 1, d) {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []int64{2}) {
		t.Fatalf("beyond one unit from %s: %v, want [2] (1 and 2 are both out on 12/8; 3 ended before)", d, ids)
	}
}
