package devices_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// credentialWorld is a tenant (松本市) at 2026-12-01 09:00 JST with n
// people and an IT admin.
type credentialWorld struct {
	db     *store.DB
	tn     *org.Tenant
	now    time.Time
	today  calendar.Date
	people []*auth.Principal
	it     *auth.Principal
	svc    *devices.Service
}

func newCredentialWorld(t *testing.T, db *store.DB, n int) *credentialWorld {
	t.Helper()
	ctx := context.Background()
	w := &credentialWorld{db: db, now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	w.tn = tenantAt(t, db, &w.now, "matsumoto", "松本市")
	w.today = calendar.DateOf(w.now)
	u := &org.Unit{Code: "1", Name: "情報政策課", Level: "課"}
	if err := storetest.F(db).CreateUnit(ctx, w.tn.ID, op, u, calendar.Date{}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		s := &org.Staff{StaffNo: strconv.Itoa(5000 + i), Name: "職員" + strconv.Itoa(i), Kana: "しょくいん", UnitID: u.ID, Rank: org.RankStaff,
			Employment: org.Regular, JobType: "general"}
		if err := storetest.F(db).CreateStaff(ctx, w.tn.ID, op, s, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		w.people = append(w.people, &auth.Principal{TenantID: w.tn.ID, UserID: int64(100 + i), StaffID: s.ID, UnitID: u.ID,
			StaffName: s.Name, Roles: []auth.Role{auth.Staff}})
	}
	w.it = &auth.Principal{TenantID: w.tn.ID, UserID: 1, Roles: []auth.Role{auth.ITAdmin}}
	w.svc = devices.NewService(db, db.Now)
	return w
}

// approvedDay gives who an application approved for day (the state the
// application lifecycle leaves it in).
func (w *credentialWorld) approvedDay(t *testing.T, who *auth.Principal, day calendar.Date, status string) {
	t.Helper()
	exec := func(q string, args ...any) {
		if _, err := w.db.SQL.Exec(w.db.Rebind(q), args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO applications (tenant_id, staff_id, decision, status, mode, place, time_unit, first_day, last_day, created_at, updated_at)
		VALUES (?, ?, 'approved', 'approved', 'home', 'home', 'full_day', ?, ?, 1, 1)`, w.tn.ID, who.StaffID, day.String(), day.String())
	var appID int64
	if err := w.db.SQL.QueryRow(w.db.Rebind(`SELECT MAX(id) FROM applications WHERE tenant_id = ?`), w.tn.ID).Scan(&appID); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO application_days (tenant_id, application_id, staff_id, day, time_unit, status, updated_at)
		VALUES (?, ?, ?, ?, 'full_day', ?, 1)`, w.tn.ID, appID, who.StaffID, day.String(), status)
}

// used is the remote-ID pool's counter for day.
func (w *credentialWorld) used(t *testing.T, poolID int64, day calendar.Date) int {
	t.Helper()
	var n int
	err := w.db.SQL.QueryRow(w.db.Rebind(`SELECT COALESCE(SUM(used), 0) FROM device_slots WHERE tenant_id = ? AND pool_id = ? AND day = ?`),
		w.tn.ID, poolID, day.String()).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCredentialOnlyForTodaysTelework: a one-time remote-access ID is
// issued for today (Japan time) only, only to a person who teleworks today
// (an approved application day or a start in a telework mode), and takes
// one unit of the remote-ID pool: with a capacity of 2, the third person is
// refused; a second request by the same person takes no second unit; a
// person holding a reservation of the pool for today uses that unit.
func TestCredentialOnlyForTodaysTelework(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCredentialWorld(t, db, 7)
		pool := &devices.Pool{Name: "リモートアクセスID", Kind: devices.RemoteID, Capacity: 2}
		if err := w.svc.SavePool(ctx, w.tn.ID, w.it, pool); err != nil {
			t.Fatal(err)
		}
		approved, started, office, nothing, reserved, third, yesterday := w.people[0], w.people[1], w.people[2], w.people[3], w.people[4], w.people[5], w.people[6]
		w.approvedDay(t, approved, w.today, "approved")
		w.approvedDay(t, third, w.today, "started")
		w.approvedDay(t, yesterday, w.today.AddDays(-1), "approved")
		w.approvedDay(t, nothing, w.today, "rejected")
		wt := worktime.NewService(db, db.Now)
		if _, err := wt.Start(ctx, w.tn.ID, started, 0, worktime.Report{Mode: policy.Home, Place: "自宅"}); err != nil {
			t.Fatal(err)
		}
		if _, err := wt.Start(ctx, w.tn.ID, office, 0, worktime.Report{Mode: worktime.Office}); err != nil {
			t.Fatal(err)
		}

		// The day must be today: another day is refused on the date field.
		for _, day := range []calendar.Date{w.today.AddDays(1), w.today.AddDays(336), w.today.AddDays(-1)} {
			_, err := w.svc.IssueCredential(ctx, w.tn.ID, approved, day)
			if msg := i18n.FieldMessages("ja", err)["date"]; apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(msg, w.today.String()) {
				t.Fatalf("%s: %v %q", day, err, msg)
			}
		}
		// No telework today: refused, and no unit taken.
		for name, who := range map[string]*auth.Principal{"office": office, "nothing": nothing, "yesterday": yesterday} {
			_, err := w.svc.IssueCredential(ctx, w.tn.ID, who, w.today)
			if e := apperr.As(err); e == nil || e.Key != "devices.personal.error.no_telework" {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if n := w.used(t, pool.ID, w.today); n != 0 {
			t.Fatalf("refusals took %d units", n)
		}
		// An approved day, with the date given; a start at home, with none.
		if _, err := w.svc.IssueCredential(ctx, w.tn.ID, approved, w.today); err != nil {
			t.Fatal(err)
		}
		c, err := w.svc.IssueCredential(ctx, w.tn.ID, started, calendar.Date{})
		if err != nil || c.Day != w.today {
			t.Fatalf("no date: %+v %v", c, err)
		}
		if n := w.used(t, pool.ID, w.today); n != 2 {
			t.Fatalf("used %d", n)
		}
		// The pool is full.
		_, err = w.svc.IssueCredential(ctx, w.tn.ID, third, w.today)
		if e := apperr.As(err); e == nil || e.Code != apperr.Conflict || e.Key != "devices.personal.error.credentials_full" {
			t.Fatalf("third: %v", err)
		}
		// The same person again: refused, no second unit.
		if _, err := w.svc.IssueCredential(ctx, w.tn.ID, approved, w.today); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("again: %v", err)
		}
		if n := w.used(t, pool.ID, w.today); n != 2 {
			t.Fatalf("used %d after a second request", n)
		}
		var creds int
		if err := db.SQL.QueryRow(db.Rebind(`SELECT COUNT(*) FROM remote_credentials WHERE tenant_id = ?`), w.tn.ID).Scan(&creds); err != nil || creds != 2 {
			t.Fatalf("credentials: %d %v", creds, err)
		}
		// Remote-ID pools are not reserved ahead (a reservation beside the
		// credential would hold a second unit, or free the credential's on
		// cancel): the credential on the day takes the one unit.
		w.now = w.now.Add(24 * time.Hour)
		tomorrow := calendar.DateOf(w.now)
		w.approvedDay(t, reserved, tomorrow, "approved")
		if _, err := w.svc.Reserve(ctx, w.tn.ID, reserved, devices.Request{PoolID: pool.ID, Day: tomorrow}); apperr.As(err) == nil ||
			!strings.Contains(fmt.Sprint(apperr.As(err)), "devices.refused.remote_id") {
			t.Fatalf("reserving a remote ID: %v", err)
		}
		if _, err := w.svc.IssueCredential(ctx, w.tn.ID, reserved, tomorrow); err != nil {
			t.Fatal(err)
		}
		if n := w.used(t, pool.ID, tomorrow); n != 1 {
			t.Fatalf("used %d after the day's credential", n)
		}
	})
}

// TestCredentialsNeverExceedThePool: people with telework today ask at
// once for the last units; exactly the pool's capacity get one.
func TestCredentialsNeverExceedThePool(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCredentialWorld(t, db, 16)
		pool := &devices.Pool{Name: "リモートアクセスID", Kind: devices.RemoteID, Capacity: 5}
		if err := w.svc.SavePool(ctx, w.tn.ID, w.it, pool); err != nil {
			t.Fatal(err)
		}
		for _, p := range w.people {
			w.approvedDay(t, p, w.today, "approved")
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, full := 0, 0
		for _, p := range w.people {
			wg.Go(func() {
				_, err := w.svc.IssueCredential(ctx, w.tn.ID, p, w.today)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case apperr.CodeOf(err) == apperr.Conflict:
					full++
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if ok != 5 || full != 11 || w.used(t, pool.ID, w.today) != 5 {
			t.Fatalf("issued %d, refused %d, used %d", ok, full, w.used(t, pool.ID, w.today))
		}
	})
}

// TestPersonalDeviceMessagesNameTheRegistration: the errors of a personal
// device's request and decision name its own fields and speak of the
// registration, not of the staff record's 在職区分 or of a booking.
func TestPersonalDeviceMessagesNameTheRegistration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCredentialWorld(t, db, 1)
		me := w.people[0]
		d := &devices.PersonalDevice{Description: "自宅のノートPC", OS: "Windows 11"}
		if err := w.svc.RequestPersonalDevice(ctx, w.tn.ID, me, d); err != nil {
			t.Fatal(err)
		}
		requestErr := func(desc, os string) error {
			return w.svc.RequestPersonalDevice(ctx, w.tn.ID, me, &devices.PersonalDevice{Description: desc, OS: os})
		}
		decideErr := func(to devices.PersonalStatus, exp calendar.Date) error {
			_, err := w.svc.DecidePersonalDevice(ctx, w.tn.ID, w.it, d.ID, to, exp)
			return err
		}
		cases := []struct {
			name  string
			err   func() error
			field string // "": the summary
			want  []string
			never []string
		}{
			{"empty description", func() error { return requestErr(" ", "") }, "description", []string{"私用端末の説明", "入力"}, nil},
			{"long description", func() error { return requestErr(strings.Repeat("あ", 201), "") }, "description", []string{"私用端末の説明", "200文字以内"}, []string{"」を入力"}},
			{"long os", func() error { return requestErr("PC", strings.Repeat("a", 101)) }, "os", []string{"私用端末のOS", "100文字以内"}, nil},
			{"unknown decision", func() error { return decideErr("lost", calendar.Date{}) }, "status", []string{"私用端末の登録への決定"}, []string{"在職区分"}},
			{"approve without expiry", func() error { return decideErr(devices.Approved, calendar.Date{}) }, "expires_on", []string{"有効期限"}, nil},
			{"revoke before approval", func() error { return decideErr(devices.Revoked, calendar.Date{}) }, "", []string{"私用端末の登録", "承認済み"}, []string{"予約"}},
			{"approve twice", func() error {
				if err := decideErr(devices.Approved, w.today.AddDays(30)); err != nil {
					return err
				}
				return decideErr(devices.Rejected, calendar.Date{})
			}, "", []string{"私用端末の登録", "決定済み"}, []string{"予約"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := c.err()
				if err == nil {
					t.Fatal("accepted")
				}
				for _, lang := range i18n.Langs {
					got := i18n.Error(lang, err)
					if c.field != "" {
						got = i18n.FieldMessages(lang, err)[c.field]
					}
					if got == "" || strings.Contains(got, "devices.") || strings.Contains(got, "fieldname.") {
						t.Fatalf("%s: %q", lang, got)
					}
					if lang != "ja" {
						continue
					}
					for _, s := range c.want {
						if !strings.Contains(got, s) {
							t.Errorf("%q lacks %q", got, s)
						}
					}
					for _, s := range c.never {
						if strings.Contains(got, s) {
							t.Errorf("%q has %q", got, s)
						}
					}
				}
			})
		}
	})
}

// TestCredentialPoolCutListsTheHolders: cutting a remote-ID pool below the
// IDs already issued for today revokes none; the latest issued beyond the
// new capacity are listed (with names, never a secret), their holders are
// notified, the audit entry names them, and the IDs stay issued.
func TestCredentialPoolCutListsTheHolders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCredentialWorld(t, db, 4)
		pool := &devices.Pool{Name: "リモートアクセスID", Kind: devices.RemoteID, Capacity: 4}
		if err := w.svc.SavePool(ctx, w.tn.ID, w.it, pool); err != nil {
			t.Fatal(err)
		}
		var issued []*devices.Credential
		for _, p := range w.people[:3] {
			w.approvedDay(t, p, w.today, "approved")
			w.now = w.now.Add(time.Second) // a distinct issue time each
			c, err := w.svc.IssueCredential(ctx, w.tn.ID, p, w.today)
			if err != nil {
				t.Fatal(err)
			}
			if c.PoolID != pool.ID {
				t.Fatalf("credential holds pool %d, want %d", c.PoolID, pool.ID)
			}
			issued = append(issued, c)
		}
		p, err := w.svc.Pool(ctx, w.tn.ID, pool.ID)
		if err != nil {
			t.Fatal(err)
		}
		p.Capacity = 1
		if err := w.svc.SavePool(ctx, w.tn.ID, w.it, p); err != nil {
			t.Fatal(err)
		}
		got := p.AffectedCredentials
		if len(got) != 2 || got[0].ID != issued[1].ID || got[1].ID != issued[2].ID {
			t.Fatalf("affected %+v, want the second and third issued", got)
		}
		for i, c := range got {
			if c.StaffName != w.people[i+1].StaffName || c.Secret != "" || c.Login == "" || c.Day != w.today {
				t.Errorf("affected %d: %+v", i, c)
			}
		}
		for i, want := range []int{0, 1, 1, 0} {
			if n := storetest.CountNotifications(t, db, w.tn.ID, w.people[i].StaffID, devices.CapacityReduced); n != want {
				t.Errorf("person %d notified %d times, want %d", i, n, want)
			}
		}
		ents, _ := db.FindAuditEntries(ctx, w.tn.ID, audit.Filter{Action: "devices.pool_update"})
		want := fmt.Sprintf(`"over_capacity_credentials":[%d,%d]`, issued[1].ID, issued[2].ID)
		if len(ents) != 1 || !strings.Contains(string(ents[0].After), want) {
			t.Fatalf("audit of the cut: %v, want %s", ents, want)
		}
		if n := w.used(t, pool.ID, w.today); n != 3 {
			t.Fatalf("the cut released issued IDs: used %d", n)
		}
		// The fourth person is refused (3 out of 1).
		w.approvedDay(t, w.people[3], w.today, "approved")
		if _, err := w.svc.IssueCredential(ctx, w.tn.ID, w.people[3], w.today); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("beyond the cut: %v", err)
		}
		// Raising it lists nobody.
		p.Capacity = 5
		if err := w.svc.SavePool(ctx, w.tn.ID, w.it, p); err != nil || len(p.AffectedCredentials) != 0 {
			t.Fatalf("raise: %v %v", p.AffectedCredentials, err)
		}
	})
}
