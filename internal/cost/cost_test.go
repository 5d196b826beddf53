package cost_test

import (
	"context"
	"strings"
	"testing"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/cost"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tabular"
)

func d(s string) calendar.Date { x, _ := calendar.ParseDate(s); return x }

func TestFiscalYear(t *testing.T) {
	for in, want := range map[string]int{"2026-03-31": 2025, "2026-04-01": 2026, "2027-01-15": 2026, "2020-04-01": 2020} {
		if got := cost.FiscalYear(d(in)); got != want {
			t.Errorf("FiscalYear(%s) = %d, want %d", in, got, want)
		}
	}
}

func TestValidateSpecialGrant(t *testing.T) {
	tests := []struct {
		name string
		c    cost.Cost
		key  string
	}{
		{"PCs bought for the trial", cost.Cost{Kind: "ict_device", Description: "モバイルPC 20台", AmountYen: 3_000_000, PaidOn: d("2026-06-01"), Initial: true, SpecialGrant: true}, ""},
		{"licences", cost.Cost{Kind: "license", Description: "Web会議", AmountYen: 500_000, PaidOn: d("2021-05-01"), Initial: true, SpecialGrant: true}, ""},
		{"光熱費 never qualifies", cost.Cost{Kind: "utility_allowance", Description: "在宅勤務手当", AmountYen: 10_000, PaidOn: d("2026-06-01"), Initial: true, SpecialGrant: true}, "special_grant:field.cost_grant_kind"},
		{"通信費 never qualifies", cost.Cost{Kind: "communication", Description: "回線", AmountYen: 10_000, PaidOn: d("2026-06-01"), Initial: true, SpecialGrant: true}, "special_grant:field.cost_grant_kind"},
		{"a running cost does not", cost.Cost{Kind: "license", Description: "更新", AmountYen: 10_000, PaidOn: d("2026-06-01"), SpecialGrant: true}, "special_grant:field.cost_grant_initial"},
		{"before 令和2年度", cost.Cost{Kind: "ict_device", Description: "PC", AmountYen: 10_000, PaidOn: d("2020-03-31"), Initial: true, SpecialGrant: true}, "special_grant:field.cost_grant_year"},
		{"amount", cost.Cost{Kind: "software", Description: "x", AmountYen: 0, PaidOn: d("2026-06-01")}, "amount_yen:field.range"},
		{"kind", cost.Cost{Kind: "coffee", Description: "x", AmountYen: 1, PaidOn: d("2026-06-01")}, "kind:field.cost_kind"},
		{"description", cost.Cost{Kind: "software", Description: "  ", AmountYen: 1, PaidOn: d("2026-06-01")}, "description:field.required"},
	}
	for _, tt := range tests {
		err := tt.c.Validate()
		got := ""
		if e := apperr.As(err); e != nil && len(e.Fields) > 0 {
			got = e.Fields[0].Field + ":" + e.Fields[0].Key
		}
		if got != tt.key {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.key)
		}
	}
}

func TestCostsOnBothEngines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b, _, _ := storetest.TrialTenants(t, db)
		svc := cost.NewService(db, db.Now)
		act := audit.Actor{ID: 1, Label: "it"}
		add := func(c cost.Cost) cost.Cost {
			t.Helper()
			out, err := svc.Add(ctx, a.ID, act, c)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		pc := add(cost.Cost{Kind: "ict_device", Description: "モバイルPC", AmountYen: 1_000_001, PaidOn: d("2026-04-01"), Initial: true, SpecialGrant: true})
		add(cost.Cost{Kind: "utility_allowance", Description: "在宅勤務手当", AmountYen: 30_000, PaidOn: d("2027-03-31")})
		add(cost.Cost{Kind: "license", Description: "前年度", AmountYen: 5_000, PaidOn: d("2026-03-31")})
		tot, err := svc.Totals(ctx, a.ID, 2026)
		if err != nil || tot.Count != 2 || tot.Total != 1_030_001 || tot.SpecialGrant != 1_000_001 || tot.Estimate != 500_000 ||
			tot.ByKind["utility_allowance"] != 30_000 {
			t.Fatalf("totals = %+v, %v", tot, err)
		}
		// Update at the version read; stale refused; other tenant cannot.
		pc.AmountYen = 900_000
		upd, err := svc.Update(ctx, a.ID, act, pc)
		if err != nil || upd.Version != 2 {
			t.Fatalf("update = %+v, %v", upd, err)
		}
		if _, err := svc.Update(ctx, a.ID, act, pc); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("stale update: %v", err)
		}
		if _, err := svc.Get(ctx, b.ID, pc.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("another tenant's cost: %v", err)
		}
		if err := svc.Delete(ctx, b.ID, act, pc.ID, 0); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("another tenant deleted a cost: %v", err)
		}
		// The export: a row per cost and the totals.
		out, _, err := svc.Export(ctx, a.ID, 2026, tabular.CSV, "ja")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"2026,2026-04-01,ICT機器,モバイルPC,900000,○,○,", "合計,,930000", "特別交付税措置の対象,,900000", "措置額の見込み(財政力補正前),,450000"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("export lacks %q:\n%s", want, out)
			}
		}
		ys, _ := svc.Years(ctx, a.ID)
		if len(ys) < 2 {
			t.Fatalf("years = %v", ys)
		}
		if err := svc.Delete(ctx, a.ID, act, pc.ID, upd.Version); err != nil {
			t.Fatal(err)
		}
		entries, _ := db.FindAuditEntries(ctx, a.ID, audit.Filter{Action: "cost.", Limit: 20})
		if len(entries) != 5 {
			t.Fatalf("%d cost audit entries, want 5", len(entries))
		}
	})
}
