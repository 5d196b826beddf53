package policy_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// Rules name units by code. Saving 「999999」 or 「総務部」 (a name) used to
// succeed and the rule never applied; now each is refused naming the
// field, a full-width code is stored as the unit's code, and a closed unit
// is refused.
func TestSaveChecksUnitCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		closed := &org.Unit{Code: "900", Name: "旧室", Level: "室"}
		storetest.Must(t, storetest.F(db).CreateUnit(ctx, f.a.ID, hr, closed, calendar.Date{}))
		storetest.Must(t, org.NewService(db, time.Now).RetireUnit(ctx, f.a.ID, hr, closed.ID, closed.Version, calendar.Date{}))
		base, _ := policy.TemplateByName("matsumoto")
		eff := calendar.Date{Year: 2026, Month: time.July, Day: 1}
		cases := []struct {
			name  string
			edit  func(p *policy.Policy)
			field string
			key   string
			want  string
		}{
			{"unknown eligibility code", func(p *policy.Policy) { p.Eligibility.UnitCodes = []string{"999999"} },
				"eligibility.unit_codes", "golive.policy_unit_unknown", "999999"},
			{"a name", func(p *policy.Policy) { p.Eligibility.UnitCodes = []string{"総務部"} },
				"eligibility.unit_codes", "golive.policy_unit_name", "所属コード 100"},
			{"unknown rule code", func(p *policy.Policy) {
				p.UnitRules = []policy.UnitRule{{UnitCode: "100", WeeklyMaxDays: 1}, {UnitCode: "市民課", WeeklyMaxDays: 1}}
			}, "unit_rules.1.unit_code", "golive.policy_rule_unit_unknown", "2行目"},
			{"closed unit", func(p *policy.Policy) { p.UnitRules = []policy.UnitRule{{UnitCode: "900", WeeklyMaxDays: 1}} },
				"unit_rules.0.unit_code", "golive.policy_rule_unit_retired", "廃止"},
		}
		for _, c := range cases {
			v := &policy.Version{Effective: eff, Policy: base.Policy}
			v.Policy.UnitRules = nil
			c.edit(&v.Policy)
			err := f.svc.Save(ctx, f.a.ID, hr, v)
			e := apperr.As(err)
			if e == nil || e.Code != apperr.Invalid || len(e.Fields) == 0 || e.Fields[0].Field != c.field || e.Fields[0].Key != c.key {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			if msg := i18n.FieldMessages("ja", err)[c.field]; !strings.Contains(msg, c.want) {
				t.Errorf("%s: message %q", c.name, msg)
			}
		}
		vs, _ := f.svc.Versions(ctx, f.a.ID)
		for _, v := range vs {
			if v.Effective == eff {
				t.Fatal("a refused version was saved")
			}
		}
		// A full-width code is the unit's code.
		v := &policy.Version{Effective: eff, Policy: base.Policy}
		v.Policy.Eligibility.UnitCodes = []string{"１００"}
		v.Policy.UnitRules = []policy.UnitRule{{UnitCode: " 100 ", WeeklyMaxDays: 1}}
		if err := f.svc.Save(ctx, f.a.ID, hr, v); err != nil {
			t.Fatal(err)
		}
		if v.Policy.Eligibility.UnitCodes[0] != "100" || v.Policy.UnitRules[0].UnitCode != "100" {
			t.Fatalf("stored codes: %v %v", v.Policy.Eligibility.UnitCodes, v.Policy.UnitRules)
		}
	})
}
