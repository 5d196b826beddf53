package web_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/auth"
	"telework/internal/demo"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/survey"
	"telework/internal/telemetry"
	"telework/internal/web"
)

// TestSurveyCompareExportByOneAttribute: a comparison has no
// two-attribute tables. Its export asked with by2 gave a CSV of the header
// alone with 200 (the page drops by2, the API answers 422); it is now the
// comparison by the first attribute, as the page shows it.
func TestSurveyCompareExportByOneAttribute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := app.NewServices(db)
		res, err := demo.Seed(ctx, demo.Services{Org: svc.Org, Auth: svc.Auth, Apply: svc.Apply,
			SurveyAt: func(now func() time.Time) *survey.Service { return survey.NewService(db, now) }}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		srv, err := web.New(svc, telemetry.NewLogger(&syncBuffer{}, slog.LevelDebug), telemetry.NewMetrics(nil), web.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		w := &world{db: db, srv: srv}
		u, err := svc.Auth.UserByLogin(ctx, res.Tenant.ID, "hr")
		if err != nil {
			t.Fatal(err)
		}
		token, hash := auth.NewSessionToken()
		if err := db.CreateSession(ctx, &auth.Session{TokenHash: hash, TenantID: res.Tenant.ID, UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		hr := "telework_session=" + token
		list, err := svc.Survey.List(ctx, res.Tenant.ID)
		if err != nil {
			t.Fatal(err)
		}
		var post int64
		for _, sv := range list {
			if sv.Kind == survey.KindPost && sv.Status == survey.StatusClosed {
				post = sv.ID
			}
		}
		if post == 0 {
			t.Fatal("the demo has no closed post-trial survey")
		}
		base := "/surveys/" + itoa(post) + "/export?compare=1&by=gender&format=csv"
		one := w.call("GET", base, "", "", "Cookie", hr)
		two := w.call("GET", base+"&by2=age", "", "", "Cookie", hr)
		if one.code != 200 || two.code != 200 {
			t.Fatalf("export: %d / %d", one.code, two.code)
		}
		if lines := strings.Count(two.body, "\n"); lines < 10 || two.body != one.body {
			t.Fatalf("the comparison export with by2 has %d lines and differs from the one by gender:\n%.300s", lines, two.body)
		}
	})
}
