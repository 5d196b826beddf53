package apply_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// revise saves a version of 松本市's policy from d changed by edit.
func (f *fixture) revise(t *testing.T, db *store.DB, d calendar.Date, edit func(p *policy.Policy)) {
	t.Helper()
	ps := policy.NewService(db, func() time.Time { return f.now })
	tp, _ := policy.TemplateByName("matsumoto")
	p := tp.Policy
	edit(&p)
	storetest.Must(t, ps.Save(context.Background(), f.a.ID, hr, &policy.Version{Effective: d, Policy: p}))
}

// rangeReq is a full-day home range from..to, submitted.
func rangeReq(from, to calendar.Date) apply.Request {
	r := oneDay(from)
	r.Dates, r.From, r.To = nil, from, to
	return r
}

// ruleDays are the days of the findings of fs on rule.
func ruleDays(fs []policy.Finding, rule string) []calendar.Date {
	var out []calendar.Date
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f.Date)
		}
	}
	return out
}

var noHome = func(p *policy.Policy) { p.Modes = []policy.Mode{policy.Satellite} }

// TestRangeAcrossARevision: a range 6/8–6/12 that crosses a revision from
// 6/10 forbidding home telework is checked day by day under the version of
// each day — at submission and again at approval — and each day's report
// form is its own version's.
func TestRangeAcrossARevision(t *testing.T) {
	tests := []struct {
		name string
		// reviseFirst: the revision is saved before the submission (else
		// between submission and approval).
		reviseFirst bool
	}{
		{"at submission", true},
		{"at approval", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				f := newFixture(t, db)
				if tc.reviseFirst {
					f.revise(t, db, day(time.June, 10), noHome)
				}
				res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], rangeReq(day(time.June, 8), day(time.June, 12)))
				if !tc.reviseFirst {
					storetest.Must(t, err)
					f.revise(t, db, day(time.June, 10), noHome)
					_, err = f.svc.Approve(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{})
				}
				var ref *apply.Refused
				if !errors.As(err, &ref) {
					t.Fatalf("home on days of a version forbidding it: %v", err)
				}
				if got := ruleDays(ref.Findings, "mode.disabled"); !slices.Equal(got, []calendar.Date{day(time.June, 10)}) {
					t.Fatalf("mode refused from %v, want from 6/10: %+v", got, ref.Findings)
				}
			})
		})
	}
	// The days before the revision alone pass.
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.revise(t, db, day(time.June, 10), noHome)
		_, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], rangeReq(day(time.June, 8), day(time.June, 9)))
		storetest.Must(t, err)
	})
}

// TestReportFormOfEachDay: the report form of each day is its version's
// (掛川市's 申出書兼報告書 from 6/10), not today's.
func TestReportFormOfEachDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.revise(t, db, day(time.June, 10), func(p *policy.Policy) {
			p.Report = policy.Report{Required: true, Form: "combined_form"}
		})
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], rangeReq(day(time.June, 8), day(time.June, 11)))
		storetest.Must(t, err)
		forms, err := f.svc.ReportForms(ctx, f.a.ID, res.Application)
		storetest.Must(t, err)
		for d, want := range map[calendar.Date]string{day(time.June, 8): "verbal_by_supervisor", day(time.June, 9): "verbal_by_supervisor",
			day(time.June, 10): "combined_form", day(time.June, 11): "combined_form"} {
			if forms[d] != want {
				t.Errorf("%s: form %q, want %q", d, forms[d], want)
			}
		}
	})
}

// TestAutoApprovalAcrossARevision: auto-approval needs every day's version
// to allow it.
func TestAutoApprovalAcrossARevision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.revise(t, db, day(time.June, 2), func(p *policy.Policy) { p.AutoApproval = true })
		f.revise(t, db, day(time.June, 10), func(p *policy.Policy) {})
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], rangeReq(day(time.June, 8), day(time.June, 11)))
		storetest.Must(t, err)
		if res.AutoApproved || res.Application.Status != apply.Submitted {
			t.Fatalf("auto-approved days the version of 6/10 leaves to the approver: %+v", res.Application)
		}
		res, err = f.svc.Create(ctx, f.a.ID, f.who["staff"], rangeReq(day(time.June, 4), day(time.June, 5)))
		storetest.Must(t, err)
		if !res.AutoApproved {
			t.Fatalf("days under the auto-approving version: %+v", res.Application)
		}
	})
}
