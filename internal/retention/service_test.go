package retention_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/org"
	"telework/internal/retention"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

func TestRunDailyOncePerDayAcrossNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := audit.Actor{Label: "test"}
		tn := &org.Tenant{Slug: "kobe", Name: "神戸市", Kind: org.DesignatedCity, StaffSize: 10, GeneralAdminStaff: 5}
		if err := storetest.F(db).CreateTenant(ctx, actor, tn, nil); err != nil {
			t.Fatal(err)
		}
		u := &org.Unit{Code: "1", Name: "行財政局", Level: "局"}
		if err := storetest.F(db).CreateUnit(ctx, tn.ID, actor, u, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		// Two people left three years ago, one left last month.
		past := time.Now().Add(-3 * 365 * 24 * time.Hour)
		var people []*org.Staff
		for i, name := range []string{"古川 一", "古川 二", "新井 三"} {
			s := &org.Staff{StaffNo: "90" + string(rune('0'+i)), Name: name, Kana: "ふるかわ", Email: "x@kobe.example.lg.jp", UnitID: u.ID,
				Rank: org.RankStaff, Employment: org.Regular, JobType: "general", Sensitive: &org.Sensitive{Gender: "male"}}
			if err := storetest.F(db).CreateStaff(ctx, tn.ID, actor, s, calendar.Date{}); err != nil {
				t.Fatal(err)
			}
			people = append(people, s)
		}
		for i, s := range people {
			if i < 2 {
				db.Now = func() time.Time { return past }
			}
			if err := storetest.F(db).SetStaffRetired(ctx, tn.ID, actor, s.ID, s.Version, true); err != nil {
				t.Fatal(err)
			}
			db.Now = time.Now
		}
		if err := retention.NewService(db, db.Now).SetSettings(ctx, tn.ID, actor, map[string]int{"retired_staff": 2 * 365}); err != nil {
			t.Fatal(err)
		}
		daily := func(at time.Time) *retention.Service { return retention.NewService(db, func() time.Time { return at }) }
		// Four nodes start the day's job at once: exactly one runs it.
		now := time.Now()
		var wg sync.WaitGroup
		results := make(chan *retention.DailyResult, 4)
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := daily(now).RunDaily(ctx, "node"+string(rune('a'+i)))
				if err != nil {
					t.Error(err)
				}
				results <- res
			}()
		}
		wg.Wait()
		close(results)
		ran := 0
		for res := range results {
			if res != nil && res.Ran {
				ran++
				if res.Removed["kobe/retired_staff"] != 2 {
					t.Errorf("removed = %v, want 2 retired staff", res.Removed)
				}
			}
		}
		if ran != 1 {
			t.Fatalf("%d nodes ran the day's retention, want 1", ran)
		}
		for i, s := range people {
			got, _ := db.FindStaffByID(ctx, tn.ID, s.ID)
			erased := got.Email == "" && got.Sensitive == nil && got.Name != s.Name
			if erased != (i < 2) {
				t.Errorf("%s: erased=%v", s.Name, erased)
			}
		}
		// The removal is counted in the audit log, and the chain verifies.
		ents, _ := db.FindAuditEntries(ctx, tn.ID, audit.Filter{Action: "retention.apply"})
		if len(ents) != 1 || !containsAll(string(ents[0].After), `"removed":2`, `"retired_staff"`) {
			t.Errorf("audit of retention = %+v", ents)
		}
		if _, err := db.VerifyAuditChain(ctx, tn.ID); err != nil {
			t.Error(err)
		}
		// A later call the same day (the hourly loop) does nothing.
		if res, err := daily(now.Add(time.Minute)).RunDaily(ctx, "nodeb"); err != nil || res.Ran {
			t.Errorf("second call the same day: %+v %v", res, err)
		}
		// The next day runs again and finds nothing more to remove.
		res, err := daily(now.Add(24*time.Hour)).RunDaily(ctx, "nodea")
		if err != nil || !res.Ran || len(res.Removed) != 0 {
			t.Errorf("next day: %+v %v", res, err)
		}
	})
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

func TestSetSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := audit.Actor{ID: 3, Label: "hr01"}
		tn := &org.Tenant{Slug: "saga", Name: "佐賀県", Kind: org.Prefecture, StaffSize: 10, GeneralAdminStaff: 5}
		if err := storetest.F(db).CreateTenant(ctx, actor, tn, nil); err != nil {
			t.Fatal(err)
		}
		svc := retention.NewService(db, db.Now)
		// Refused, with a field error per setting; nothing is written.
		err := svc.SetSettings(ctx, tn.ID, actor, map[string]int{"retired_staff": 30, "api_tokens": -1, "nonsense": 5})
		e := apperr.As(err)
		if e == nil || e.Code != apperr.Invalid || len(e.Fields) != 3 {
			t.Fatalf("invalid settings: %v", err)
		}
		if set, _ := svc.Settings(ctx, tn.ID); len(set) != 0 {
			t.Errorf("refused settings stored: %v", set)
		}
		if err := svc.SetSettings(ctx, tn.ID, actor, map[string]int{"retired_staff": 0, "api_tokens": 90}); err != nil {
			t.Fatal(err)
		}
		if set, _ := svc.Settings(ctx, tn.ID); set["api_tokens"] != 90 || set["retired_staff"] != 0 || len(set) != 2 {
			t.Errorf("settings: %v", set)
		}
		// Saving the same settings again writes nothing.
		if err := svc.SetSettings(ctx, tn.ID, actor, map[string]int{"retired_staff": 0, "api_tokens": 90}); err != nil {
			t.Fatal(err)
		}
		// One entry with the periods in force before and after.
		ents, _ := db.FindAuditEntries(ctx, tn.ID, audit.Filter{Action: "retention.settings"})
		if len(ents) != 1 || !containsAll(string(ents[0].Before), `"api_tokens":365`) || !containsAll(string(ents[0].After), `"api_tokens":90`, `"retired_staff":0`) {
			t.Errorf("audit: %+v", ents)
		}
	})
}

// tenantWithUnit creates a tenant and one unit in it.
func tenantWithUnit(t *testing.T, db *store.DB, slug string) (*org.Tenant, *org.Unit) {
	t.Helper()
	ctx, actor := context.Background(), audit.Actor{Label: "test"}
	tn := &org.Tenant{Slug: slug, Name: slug, Kind: org.Municipality, StaffSize: 10, GeneralAdminStaff: 5}
	storetest.Must(t, storetest.F(db).CreateTenant(ctx, actor, tn, nil))
	u := &org.Unit{Code: "1", Name: "総務課", Level: "課"}
	storetest.Must(t, storetest.F(db).CreateUnit(ctx, tn.ID, actor, u, calendar.Date{}))
	return tn, u
}

// TestRetentionErasesTheCopies: the retired_staff pass erases the person's
// name where notifications (of any recipient) name them and the e-mail
// address their deliveries went to; the attendance pass clears the start,
// finish and reported times an application's old days keep (the day and
// its status stay). Both are counted in the pass's retention.apply entry,
// on both engines.
func TestRetentionErasesTheCopies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := audit.Actor{Label: "test"}
		tn, u := tenantWithUnit(t, db, "ibaraki")
		var people []*org.Staff
		for i, name := range []string{"石井 慎也", "森田 健"} {
			s := &org.Staff{StaffNo: "80" + string(rune('0'+i)), Name: name, Kana: "いしい", Email: fmt.Sprintf("p%d@ibaraki.example.lg.jp", i),
				UnitID: u.ID, Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
			storetest.Must(t, storetest.F(db).CreateStaff(ctx, tn.ID, actor, s, calendar.Date{}))
			people = append(people, s)
		}
		left, stays := people[0], people[1]
		// What the outbox holds: the colleague told of the person's
		// application and of a booking by them, the person told of the
		// colleague, and a notice naming nobody who left.
		ns := []notify.Notification{
			{StaffID: stays.ID, Kind: notify.Submitted, Args: map[string]any{"Name": left.Name, "Dates": "6/1", "Count": 1}},
			{StaffID: stays.ID, Kind: "booked_for_you", Args: map[string]any{"By": left.Name, "What": "北支所"}},
			{StaffID: left.ID, Kind: notify.Approved, Args: map[string]any{"Name": stays.Name}},
			{StaffID: stays.ID, Kind: notify.Reported, Args: map[string]any{"Name": stays.Name}},
		}
		storetest.Must(t, db.InNotifyTx(ctx, func(tx notify.Tx) error { return tx.InsertNotifications(ctx, tn.ID, ns) }))
		ds := []notify.Delivery{
			{NotificationID: ns[2].ID, Channel: notify.Email, Target: left.Email, NextAt: time.Now()},
			{NotificationID: ns[0].ID, Channel: notify.Email, Target: stays.Email, NextAt: time.Now()},
		}
		storetest.Must(t, db.InDeliveryTx(ctx, func(tx notify.DeliveryTx) error {
			return tx.PlanNotificationDeliveries(ctx, tn.ID, nil, ds, time.Now())
		}))
		// An application of the colleague with a day six years ago and one
		// last month, both started, finished and reported.
		old := calendar.DateOf(time.Now().AddDate(-6, 0, 0))
		recent := calendar.DateOf(time.Now().AddDate(0, -1, 0))
		at := time.Now().AddDate(-6, 0, 0)
		app := &apply.Application{StaffID: stays.ID, Status: apply.Approved, Decision: apply.Approved, Mode: "home", TimeUnit: "full_day",
			CreatedAt: at, UpdatedAt: at}
		for _, d := range []calendar.Date{old, recent} {
			app.Days = append(app.Days, apply.Day{Date: d, Status: apply.Confirmed, StartedAt: at, FinishedAt: at.Add(8 * time.Hour),
				Report: &apply.Report{PlannedStart: "08:30", PlannedEnd: "17:15", ActualStart: "08:31", ActualEnd: "17:20", BreakMinutes: 60,
					ActualMinutes: 469, Work: "予算資料の作成"}, UpdatedAt: at})
		}
		storetest.Must(t, db.InApplyTx(ctx, func(tx apply.Tx) error {
			if err := tx.InsertApplication(ctx, tn.ID, app); err != nil {
				return err
			}
			return tx.UpdateApplicationDays(ctx, tn.ID, app.Days) // the times and report, as a report writes them
		}))

		db.Now = func() time.Time { return time.Now().Add(-3 * 365 * 24 * time.Hour) }
		storetest.Must(t, storetest.F(db).SetStaffRetired(ctx, tn.ID, actor, left.ID, left.Version, true))
		db.Now = time.Now
		storetest.Must(t, retention.NewService(db, db.Now).SetSettings(ctx, tn.ID, actor, map[string]int{"retired_staff": 2 * 365}))
		res, err := retention.NewService(db, time.Now).RunDaily(ctx, "node")
		if err != nil || res.Removed["ibaraki/retired_staff"] != 1 {
			t.Fatalf("run: %+v %v", res, err)
		}

		// No notification names the person any more; the others are as
		// they were.
		for i, n := range ns {
			var args string
			storetest.Must(t, db.SQL.QueryRowContext(ctx, db.Rebind(`SELECT args FROM notifications WHERE tenant_id = ? AND id = ?`), tn.ID, n.ID).Scan(&args))
			if strings.Contains(args, left.Name) {
				t.Errorf("notification %d still names the person: %s", i, args)
			}
			if (i >= 2) != strings.Contains(args, stays.Name) {
				t.Errorf("notification %d: %s", i, args)
			}
		}
		for _, d := range []struct {
			id   int64
			want string
		}{{ns[2].ID, ""}, {ns[0].ID, stays.Email}} {
			var target string
			storetest.Must(t, db.SQL.QueryRowContext(ctx, db.Rebind(`SELECT target FROM notify_deliveries WHERE tenant_id = ? AND notification_id = ?`),
				tn.ID, d.id).Scan(&target))
			if target != d.want {
				t.Errorf("delivery of notification %d goes to %q, want %q", d.id, target, d.want)
			}
		}
		// The old day keeps its status and work, not its times; the recent
		// one is as it was.
		got, err := db.FindApplication(ctx, tn.ID, app.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range got.Days {
			cleared := d.StartedAt.IsZero() && d.FinishedAt.IsZero() && d.Report.ActualStart == "" && d.Report.ActualEnd == "" &&
				d.Report.BreakMinutes == 0 && d.Report.ActualMinutes == 0
			if cleared != (d.Date == old) || d.Status != apply.Confirmed || d.Report.Work != "予算資料の作成" || d.Report.PlannedStart != "08:30" {
				t.Errorf("day %s: cleared %v, %+v %+v", d.Date, cleared, d, d.Report)
			}
		}
		ents, _ := db.FindAuditEntries(ctx, tn.ID, audit.Filter{Action: "retention.apply"})
		var after []string
		for _, e := range ents {
			after = append(after, string(e.After))
		}
		joined := strings.Join(after, "\n")
		if !containsAll(joined, `"kind":"retired_staff"`, `"notifications":2`, `"deliveries":1`, `"kind":"attendance"`, `"application_days":1`) {
			t.Errorf("retention entries:\n%s", joined)
		}
		// The next day finds nothing more: no entry is written.
		if _, err := retention.NewService(db, func() time.Time { return time.Now().Add(24 * time.Hour) }).RunDaily(ctx, "node"); err != nil {
			t.Fatal(err)
		}
		if again, _ := db.FindAuditEntries(ctx, tn.ID, audit.Filter{Action: "retention.apply"}); len(again) != len(ents) {
			t.Errorf("the next day wrote %d more entries", len(again)-len(ents))
		}
	})
}

// failingStore fails the removal for one tenant.
type failingStore struct {
	*store.DB
	tenantID int64
}

func (f failingStore) InRetentionTx(ctx context.Context, fn func(retention.Tx) error) error {
	return f.DB.InRetentionTx(ctx, func(tx retention.Tx) error { return fn(failingTx{tx, f.tenantID}) })
}

type failingTx struct {
	retention.Tx
	tenantID int64
}

func (f failingTx) ApplyRetentionKind(ctx context.Context, tenantID int64, kind string, cutoff time.Time) (retention.Applied, error) {
	if tenantID == f.tenantID {
		return retention.Applied{}, fmt.Errorf("disk full")
	}
	return f.Tx.ApplyRetentionKind(ctx, tenantID, kind, cutoff)
}

// TestRunDailyGoesOnPastAFailingTenant: a tenant whose removal fails does
// not keep the tenants after it from theirs; the day's run is recorded as
// failed (not left to be taken over and rerun every hour) and the error
// names the tenant.
func TestRunDailyGoesOnPastAFailingTenant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := audit.Actor{Label: "test"}
		var tenants []*org.Tenant
		var people []*org.Staff
		for _, slug := range []string{"matsumoto", "shibuya"} {
			tn, u := tenantWithUnit(t, db, slug)
			s := &org.Staff{StaffNo: "1", Name: "古川 一", Kana: "ふるかわ", UnitID: u.ID, Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
			storetest.Must(t, storetest.F(db).CreateStaff(ctx, tn.ID, actor, s, calendar.Date{}))
			db.Now = func() time.Time { return time.Now().Add(-3 * 365 * 24 * time.Hour) }
			storetest.Must(t, storetest.F(db).SetStaffRetired(ctx, tn.ID, actor, s.ID, s.Version, true))
			db.Now = time.Now
			storetest.Must(t, retention.NewService(db, db.Now).SetSettings(ctx, tn.ID, actor, map[string]int{"retired_staff": 2 * 365}))
			tenants, people = append(tenants, tn), append(people, s)
		}
		res, err := retention.NewService(failingStore{db, tenants[0].ID}, time.Now).RunDaily(ctx, "node")
		if err == nil || !strings.Contains(err.Error(), "matsumoto") || !res.Ran || res.Removed["shibuya/retired_staff"] != 1 {
			t.Fatalf("run: %+v %v", res, err)
		}
		for i, s := range people {
			got, _ := db.FindStaffByID(ctx, tenants[i].ID, s.ID)
			if erased := got.Name != s.Name; erased != (i == 1) {
				t.Errorf("%s: erased %v", tenants[i].Slug, erased)
			}
		}
		var finished int64
		storetest.Must(t, db.SQL.QueryRowContext(ctx, db.Rebind(`SELECT finished_at FROM job_runs WHERE job = ? AND run_key = ?`),
			retention.JobName, res.Day.String()).Scan(&finished))
		if finished >= 0 {
			t.Errorf("the run is recorded with finished_at %d, want it failed (negative)", finished)
		}
	})
}
