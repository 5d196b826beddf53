package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/demo"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/telemetry"
	"telework/internal/web"
)

// TestDemoStaffAppliesToSupervisor: in the demo tenant, the account staff
// applies through the API for a business day three business days ahead
// under the policy in force; it stays submitted for the account
// supervisor (no auto-approval); withdrawn reads withdrawn, approved reads
// approved.
func TestDemoStaffAppliesToSupervisor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, svc, tn, cookie := demoWorld(t, db)
		staff, sup := cookie("staff"), cookie("supervisor")
		supUser, _ := svc.Auth.UserByLogin(ctx, tn.ID, "supervisor")
		today := calendar.DateOf(time.Now())
		cal, err := db.LoadCalendar(ctx, tn.ID, today.Year, today.Year+1)
		if err != nil {
			t.Fatal(err)
		}
		day := cal.AddBusinessDays(today, 3)
		apply := func(d calendar.Date) appJSON {
			r := w.call("POST", "/api/v1/applications", fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"資料作成"}`, d), "", "Cookie", staff)
			var a appJSON
			decode(t, r, &a)
			if r.code != http.StatusCreated || a.Status != "submitted" || a.Approver != supUser.StaffID {
				t.Fatalf("apply for %s: %d %s", d, r.code, r.body)
			}
			return a
		}
		a := apply(day)
		r := w.call("POST", fmt.Sprintf("/api/v1/applications/%d/withdraw", a.ID), "", "", "Cookie", staff)
		if r.code != 200 || !strings.Contains(r.body, `"status":"withdrawn"`) {
			t.Fatalf("withdraw: %d %s", r.code, r.body)
		}
		b := apply(day)
		r = w.call("GET", "/api/v1/approvals", "", "", "Cookie", sup)
		if r.code != 200 || !strings.Contains(r.body, fmt.Sprintf(`"id":%d`, b.ID)) {
			t.Fatalf("supervisor's inbox: %d %s", r.code, r.body)
		}
		r = w.call("POST", fmt.Sprintf("/api/v1/applications/%d/approve", b.ID), "", "", "Cookie", sup)
		if r.code != 200 || !strings.Contains(r.body, `"status":"approved"`) {
			t.Fatalf("approve: %d %s", r.code, r.body)
		}
		r = w.call("GET", fmt.Sprintf("/api/v1/applications/%d", b.ID), "", "", "Cookie", staff)
		if r.code != 200 || !strings.Contains(r.body, `"status":"approved"`) {
			t.Fatalf("read: %d %s", r.code, r.body)
		}
	})
}

// demoWorld seeds the demo tenant (with its history) on db and serves it;
// cookie signs a demo account in.
func demoWorld(t *testing.T, db *store.DB) (*world, web.Services, *org.Tenant, func(login string) string) {
	t.Helper()
	ctx := context.Background()
	svc := app.NewServices(db)
	res, err := demo.Seed(ctx, demo.Services{Org: svc.Org, Auth: svc.Auth, Apply: svc.Apply}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(svc, telemetry.NewLogger(&syncBuffer{}, slog.LevelDebug), telemetry.NewMetrics(nil), web.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	checker, err := newAPIChecker(srv.OpenAPIJSON())
	if err != nil {
		t.Fatal(err)
	}
	w := &world{db: db, srv: srv, api: checker}
	t.Cleanup(func() {
		for _, p := range checker.report() {
			t.Error(p)
		}
	})
	tn := res.Tenant
	cookie := func(login string) string {
		u, err := svc.Auth.UserByLogin(ctx, tn.ID, login)
		if err != nil {
			t.Fatal(err)
		}
		token, hash := auth.NewSessionToken()
		if err := db.CreateSession(ctx, &auth.Session{TokenHash: hash, TenantID: tn.ID, UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		return "telework_session=" + token
	}
	return w, svc, tn, cookie
}
