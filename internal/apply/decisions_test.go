package apply_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestTravelOrderNumbersAreUnique: a morning and an afternoon application
// of one day get different 旅行命令 numbers, naming the 職員番号 (not the
// internal row id) and the application, whether approved by the approver
// or at once by the policy.
func TestTravelOrderNumbersAreUnique(t *testing.T) {
	for _, auto := range []bool{false, true} {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			ctx := context.Background()
			f := newFixture(t, db)
			f.revise(t, db, day(time.June, 2), func(p *policy.Policy) { p.TravelOrder, p.AutoApproval = true, auto })
			var nos []string
			for _, unit := range []policy.TimeUnit{policy.AM, policy.PM} {
				req := oneDay(day(time.June, 4))
				req.TimeUnit = unit
				res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], req)
				storetest.Must(t, err)
				id := res.Application.ID
				if !auto {
					_, err = f.svc.Approve(ctx, f.a.ID, f.who["kacho"], id, apply.Act{})
					storetest.Must(t, err)
				}
				d, err := f.svc.Get(ctx, f.a.ID, f.who["staff"], id)
				storetest.Must(t, err)
				no := d.TravelOrderNo
				want := "20260604-" + f.people["staff"].StaffNo + "-"
				if !d.TravelOrder || !strings.HasPrefix(no, want) || !strings.HasSuffix(no, "-"+strconv.FormatInt(id, 10)) {
					t.Fatalf("auto %v: number %q, want %s<application>", auto, no, want)
				}
				nos = append(nos, no)
			}
			if nos[0] == nos[1] {
				t.Fatalf("auto %v: same number %q for the morning and the afternoon", auto, nos[0])
			}
		})
	}
}

// TestAutoApprovalNamesTheSystem: the decision of an auto-approval is the
// system's, marked as such, audited with who decided, and the applicant
// may cancel at once (it is not someone else's decision just now).
func TestAutoApprovalNamesTheSystem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.revise(t, db, day(time.June, 2), func(p *policy.Policy) { p.AutoApproval = true })
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		id := res.Application.ID
		d, err := f.svc.Get(ctx, f.a.ID, f.who["staff"], id)
		storetest.Must(t, err)
		last := d.Decisions[len(d.Decisions)-1]
		if !last.Auto() || d.Decisions[0].Auto() {
			t.Fatalf("decisions: %+v", d.Decisions)
		}
		es := f.auditActions(t, "application.auto_approve")
		if len(es) != 1 || !strings.Contains(string(es[0].After), `"approved_by":"system_auto"`) {
			t.Fatalf("audit: %d entries, %s", len(es), es[0].After)
		}
		// Cancelled at once, without a version.
		a, err := f.svc.Cancel(ctx, f.a.ID, f.who["staff"], id, apply.Act{})
		storetest.Must(t, err)
		if a.Status != apply.Cancelled {
			t.Fatalf("cancel after auto-approval: %s", a.Status)
		}
	})
}

// TestFirstStepDecisionNamesItsDays: the 係長's step-1 decision of a
// two-step application records the days it covers, like the final one.
func TestFirstStepDecisionNamesItsDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		hr := f.who["jinji"]
		storetest.Must(t, f.svc.SaveSettings(ctx, f.a.ID, hr, apply.Settings{Approver: apply.ApproverTeam, ReminderHours: 24,
			TwoStepUnits: []int64{f.units["ka"].ID}}))
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], rangeReq(day(time.June, 8), day(time.June, 9)))
		storetest.Must(t, err)
		id := res.Application.ID
		_, err = f.svc.Approve(ctx, f.a.ID, f.who["kakaricho"], id, apply.Act{})
		storetest.Must(t, err)
		_, err = f.svc.Approve(ctx, f.a.ID, f.who["kacho"], id, apply.Act{})
		storetest.Must(t, err)
		d, err := f.svc.Get(ctx, f.a.ID, f.who["staff"], id)
		storetest.Must(t, err)
		want := res.Application.Dates()
		var steps int
		for _, dc := range d.Decisions {
			if dc.Action != apply.ActApprove {
				continue
			}
			steps++
			if !slices.Equal(dc.Dates, want) {
				t.Errorf("step %d decision dates %v, want %v", dc.Step, dc.Dates, want)
			}
		}
		if steps != 2 {
			t.Fatalf("%d approvals", steps)
		}
	})
}
