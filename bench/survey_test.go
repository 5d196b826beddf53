package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/survey"
)

// TestSurveyBreakdownPercentiles measures the results of a closed survey
// of 5,000 respondents and 40 questions (issue 16: every k-safe breakdown
// by one attribute < 200 ms p95, a two-attribute cross tabulation < 500 ms,
// both engines). One sample is what a results page or the API does for a
// request: read the 5,000 answers, decode and code them, merge small
// groups, and tabulate every item with primary and complementary
// suppression, then encode the tables as JSON. Report only; run with
// TELEWORK_BENCH=1.
func TestSurveyBreakdownPercentiles(t *testing.T) {
	if os.Getenv("TELEWORK_BENCH") != "1" {
		t.Skip("set TELEWORK_BENCH=1 to measure")
	}
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			db := storetest.Open(t, eng)
			ctx := context.Background()
			svc := survey.NewService(db, db.Now)
			tn := &org.Tenant{Slug: "bench", Name: "ベンチ市", Kind: org.Municipality, StaffSize: 6000, GeneralAdminStaff: 5000}
			storetest.Must(t, storetest.F(db).CreateTenant(ctx, audit.Actor{Label: "bench"}, tn, nil))
			// A survey opens only for a target of at least K people (the
			// answers below stand for them: this measures the tabulation).
			unit := &org.Unit{Code: "100", Name: "総務課", Level: "課"}
			storetest.Must(t, storetest.F(db).CreateUnit(ctx, tn.ID, audit.Actor{Label: "bench"}, unit, calendar.Date{}))
			for i := range 6 {
				storetest.Must(t, storetest.F(db).CreateStaff(ctx, tn.ID, audit.Actor{Label: "bench"}, &org.Staff{StaffNo: fmt.Sprintf("%04d", 1000+i),
					Name: fmt.Sprintf("職員 %d", i), Kana: "しょくいん", UnitID: unit.ID, Rank: org.RankStaff, Employment: org.Regular,
					JobType: "general"}, calendar.Date{}))
			}
			custom := []survey.Question{
				{Type: survey.Scale5, Text: "独自1"}, {Type: survey.Scale5, Text: "独自2"}, {Type: survey.Scale5, Text: "独自3"},
				{Type: survey.Scale5, Text: "独自4"}, {Type: survey.Single, Text: "独自5", Options: []survey.Option{{Label: "はい"}, {Label: "いいえ"}}},
				{Type: survey.Single, Text: "独自6", Options: []survey.Option{{Label: "A"}, {Label: "B"}, {Label: "C"}}},
				{Type: survey.Number, Text: "日数"}, {Type: survey.Text, Text: "意見"},
			}
			today := svc.Today()
			id, err := svc.Create(ctx, tn.ID, audit.Actor{Label: "bench"}, survey.Draft{Kind: survey.KindPost, Title: "事後", OpensOn: today,
				ClosesOn: today, Custom: custom})
			storetest.Must(t, err)
			sv, _ := svc.Get(ctx, tn.ID, id)
			if len(sv.Questions) != 40 {
				t.Fatalf("%d questions, want 40", len(sv.Questions))
			}
			storetest.Must(t, svc.Open(ctx, tn.ID, audit.Actor{Label: "bench"}, id, 1))
			storetest.Must(t, svc.Close(ctx, tn.ID, audit.Actor{Label: "bench"}, id, 2))
			rng := rand.New(rand.NewPCG(16, 5000))
			tx, err := db.SQL.BeginTx(ctx, nil)
			storetest.Must(t, err)
			ins := db.Rebind(`INSERT INTO survey_answers (tenant_id, survey_id, pseudonym, submitted, body) VALUES (?, ?, ?, ?, ?)`)
			for i := 0; i < 5000; i++ {
				a := survey.Answer{}
				for _, q := range sv.Questions {
					switch q.Type {
					case survey.Single, survey.Scale5:
						j := 0
						for j < len(q.Options)-1 && rng.IntN(3) == 0 {
							j++
						}
						a[q.ID] = []string{q.Options[j].Value}
					case survey.Multi:
						for _, o := range q.Options {
							if rng.IntN(3) == 0 {
								a[q.ID] = append(a[q.ID], o.Value)
							}
						}
					case survey.Number:
						a[q.ID] = []string{fmt.Sprint(rng.IntN(20))}
					case survey.Text:
						if rng.IntN(4) == 0 {
							a[q.ID] = []string{"在宅の日は集中できた"}
						}
					}
				}
				b, _ := json.Marshal(a)
				if _, err := tx.ExecContext(ctx, ins, tn.ID, id, fmt.Sprintf("%064x", i), true, string(b)); err != nil {
					t.Fatal(err)
				}
			}
			storetest.Must(t, tx.Commit())
			if eng == store.Postgres {
				_, _ = db.SQL.ExecContext(ctx, `ANALYZE survey_answers`)
			}
			sample := func(by, by2 string) (time.Duration, int) {
				t0 := time.Now()
				res, err := svc.Results(ctx, tn.ID, id, "ja")
				if err != nil {
					t.Fatal(err)
				}
				tables := res.Tables(by, by2)
				if _, err := json.Marshal(tables); err != nil {
					t.Fatal(err)
				}
				return time.Since(t0), len(tables)
			}
			// Cold: a new service (no cached dataset), as on the first
			// request after closing or a restart.
			var cold []time.Duration
			for rep := 0; rep < 5; rep++ {
				fresh := survey.NewService(db, db.Now)
				t0 := time.Now()
				res, err := fresh.Results(ctx, tn.ID, id, "ja")
				storetest.Must(t, err)
				_, _ = json.Marshal(res.Tables(survey.AttrGender, ""))
				cold = append(cold, time.Since(t0))
			}
			sort.Slice(cold, func(i, j int) bool { return cold[i] < cold[j] })
			t.Logf("%s: cold (read and code 5,000 answers, then one breakdown) p50=%v max=%v", eng, percentile(cold, .5), cold[len(cold)-1])
			attrs := survey.AttrKeys
			sample("", "") // warm
			var one, two []time.Duration
			for rep := 0; rep < 5; rep++ {
				for _, a := range attrs {
					d, n := sample(a, "")
					if n < 40 {
						t.Fatalf("by %s: %d tables", a, n)
					}
					one = append(one, d)
				}
			}
			for i, a := range attrs {
				for _, b := range attrs[i+1:] {
					d, _ := sample(a, b)
					two = append(two, d)
				}
			}
			sort.Slice(one, func(i, j int) bool { return one[i] < one[j] })
			sort.Slice(two, func(i, j int) bool { return two[i] < two[j] })
			t.Logf("%s: 5,000 respondents × 40 questions: by one attribute (all items, %d samples) p50=%v p95=%v max=%v; "+
				"two-attribute cross tabulation (all items, %d pairs) p50=%v p95=%v max=%v", eng, len(one), percentile(one, .5),
				percentile(one, .95), one[len(one)-1], len(two), percentile(two, .5), percentile(two, .95), two[len(two)-1])
		})
	}
}
