package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/store/storetest"
	"telework/internal/telemetry"
	"telework/internal/web"
)

func TestTokenCommands(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			dsn := storetest.DSN(t, eng)
			if code, out, errb := cli(t, "tenant", "create", "--db", dsn, "--slug", "saga", "--name", "佐賀県", "--kind", "prefecture",
				"--staff-size", "3000", "--general-admin-staff", "2500", "--admin-login", "jinji01"); code != 0 {
				t.Fatalf("tenant create: %d %s %s", code, out, errb)
			}
			// Usage errors name what is missing.
			if code, _, errb := cli(t, "token", "create", "--db", dsn, "--tenant", "saga"); code != 2 || !strings.Contains(errb, "--login") {
				t.Errorf("missing --login: %d %s", code, errb)
			}
			if code, _, errb := cli(t, "token", "create", "--db", dsn, "--tenant", "saga", "--login", "nobody", "--name", "x"); code != 1 || !strings.Contains(errb, "nobody") {
				t.Errorf("unknown login: %d %s", code, errb)
			}
			if code, _, errb := cli(t, "token", "create", "--db", dsn, "--tenant", "saga", "--login", "jinji01", "--name", "x", "--days", "9999"); code != 1 || !strings.Contains(errb, "365") || !strings.Contains(errb, "--days:") {
				t.Errorf("too long a life: %d %s", code, errb)
			}
			code, out, errb := cli(t, "token", "create", "--db", dsn, "--tenant", "saga", "--login", "jinji01", "--name", "人事給与連携", "--days", "30", "--read-only")
			secret := strings.TrimSpace(out)
			if code != 0 || !strings.HasPrefix(secret, "tw_") || strings.Contains(secret, "\n") || !strings.Contains(errb, "read-only") {
				t.Fatalf("token create: %d %q %s", code, out, errb)
			}
			// Times are Japan time whatever the machine's zone (the test
			// binary runs with the zone it was given; JST is said).
			if exp := time.Now().AddDate(0, 0, 30).In(calendar.Tokyo).Format("2006-01-02"); !strings.Contains(errb, exp) || !strings.Contains(errb, " JST") {
				t.Errorf("token create: expiry not in Japan time (%s JST): %s", exp, errb)
			}
			if !strings.Contains(errb, "仮パスワード") {
				t.Errorf("no warning that the account must change its password first: %s", errb)
			}

			// Once the person has set a password, the token works against
			// the API with the account's roles, read-only as asked.
			env, err := app.Open(context.Background(), dsn, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			ctx := context.Background()
			tn, _ := env.Org.TenantBySlug(ctx, "saga")
			acct, _ := env.Auth.UserByLogin(ctx, tn.ID, "jinji01")
			no := false
			if _, err := env.Auth.UpdateUser(ctx, tn.ID, audit.Actor{Label: "test"}, acct.ID, auth.UserUpdate{MustChange: &no}); err != nil {
				t.Fatal(err)
			}
			srv, err := web.New(env.Services, telemetry.NewLogger(&strings.Builder{}, 0), telemetry.NewMetrics(nil), web.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			get := httptest.NewRequest("GET", "/api/v1/me", nil)
			get.Header.Set("Authorization", "Bearer "+secret)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, get)
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"jinji01"`) {
				t.Fatalf("GET /api/v1/me with the token: %d %s", rec.Code, rec.Body.String())
			}
			post := httptest.NewRequest("POST", "/api/v1/units", strings.NewReader(`{"code":"1","name":"総務部","level":"部"}`))
			post.Header.Set("Authorization", "Bearer "+secret)
			post.Header.Set("Content-Type", "application/json")
			rec = httptest.NewRecorder()
			srv.ServeHTTP(rec, post)
			if rec.Code != 403 {
				t.Errorf("read-only token wrote: %d %s", rec.Code, rec.Body.String())
			}

			code, out, _ = cli(t, "token", "list", "--db", dsn, "--tenant", "saga", "--login", "jinji01")
			if code != 0 || !strings.Contains(out, "人事給与連携") || !strings.Contains(out, "active") || !strings.Contains(out, "ro") || strings.Contains(out, secret) {
				t.Fatalf("token list: %d %s", code, out)
			}
			id := strings.SplitN(out, "\t", 2)[0]
			if code, out, errb := cli(t, "token", "revoke", "--db", dsn, "--tenant", "saga", "--login", "jinji01", "--id", id); code != 0 {
				t.Fatalf("token revoke: %d %s %s", code, out, errb)
			}
			if _, out, _ = cli(t, "token", "list", "--db", dsn, "--tenant", "saga", "--login", "jinji01"); !strings.Contains(out, "revoked") {
				t.Errorf("after revoke: %s", out)
			}
			rec = httptest.NewRecorder()
			srv.ServeHTTP(rec, get)
			if rec.Code != 401 {
				t.Errorf("revoked token still works: %d", rec.Code)
			}
			if code, _, _ := cli(t, "token", "revoke", "--db", dsn, "--tenant", "saga", "--login", "jinji01", "--id", "99999"); code != 1 {
				t.Errorf("revoking an unknown token: exit %d", code)
			}

			// Both changes are audited as done from the command line.
			entries, err := env.Audit.FindEntries(context.Background(), tn.ID, audit.Filter{ObjectType: "api_token"})
			if err != nil || len(entries) != 2 || entries[0].Action != "token.revoke" || entries[1].Action != "token.create" || entries[1].ActorLabel != "cli" {
				t.Errorf("audit: %v %+v", err, entries)
			}
			if code, out, _ := cli(t, "audit", "verify", "--db", dsn, "--tenant", "saga"); code != 0 {
				t.Errorf("audit verify: %d %s", code, out)
			}
		})
	}
}
