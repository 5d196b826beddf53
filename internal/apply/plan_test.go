package apply_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// planChecker stands for the task inventory (issue 13): task 7 is not
// suitable for telework at home.
type planChecker struct{}

func (p *planChecker) CheckPlan(_ context.Context, _, _ int64, taskIDs []int64, mode policy.Mode, _ string) ([]policy.Finding, error) {
	if slices.Contains(taskIDs, 7) && mode == policy.Home {
		// An error from the inventory only warns: the policy refuses.
		return []policy.Finding{{Rule: "task.unsuitable", Severity: policy.Error, Key: "policy.notice.travel_order"}}, nil
	}
	return nil, nil
}

// UnknownTasks: the person's tasks are 1–10.
func (p *planChecker) UnknownTasks(_ context.Context, _, _ int64, taskIDs []int64) ([]int64, error) {
	var out []int64
	for _, id := range taskIDs {
		if id > 10 {
			out = append(out, id)
		}
	}
	return out, nil
}

// TestPlanRefusesUnknownAndTooManyTasks: at create, update and preview a
// task that is not the person's is refused on task_ids (not only a
// warning), and so are more than MaxTasks; nothing is written.
func TestPlanRefusesUnknownAndTooManyTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.svc.SetPlanChecker(&planChecker{})
		many := make([]int64, apply.MaxTasks+1)
		for i := range many {
			many[i] = int64(i%10 + 1)
		}
		for _, c := range []struct {
			ids []int64
			key string
		}{{[]int64{7, 999999}, "apply.task_unknown"}, {many, "field.max_items"}} {
			req := oneDay(day(time.June, 4))
			req.TaskIDs = c.ids
			_, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], req)
			_, perr := f.svc.Preview(ctx, f.a.ID, f.who["staff"], req)
			for _, err := range []error{err, perr} {
				if e := apperr.As(err); e == nil || e.Code != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "task_ids" || e.Fields[0].Key != c.key {
					t.Errorf("%v: %v, want %s on task_ids", c.ids, err, c.key)
				}
			}
		}
		if list, _ := f.svc.List(ctx, f.a.ID, f.who["staff"], apply.Filter{}); len(list) != 0 {
			t.Errorf("written: %d", len(list))
		}
		req := oneDay(day(time.June, 4))
		req.TaskIDs = []int64{7}
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], req)
		storetest.Must(t, err)
		req.TaskIDs = []int64{7, 11}
		if _, err := f.svc.Update(ctx, f.a.ID, f.who["staff"], res.Application.ID, req, 0); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("update with an unknown task: %v", err)
		}
	})
}

func TestPlanCheckerWarnsAtSubmitAndApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.svc.SetPlanChecker(&planChecker{})
		req := oneDay(day(time.June, 4))
		req.TaskIDs = []int64{7}
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], req)
		storetest.Must(t, err)
		has := func(fs []policy.Finding) bool {
			return slices.ContainsFunc(fs, func(x policy.Finding) bool { return x.Rule == "task.unsuitable" && x.Severity == policy.Warning })
		}
		if !has(res.Findings) || res.Application.Status != apply.Submitted {
			t.Fatalf("at submission: %+v", res.Findings)
		}
		r, err := f.svc.Approve(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{})
		storetest.Must(t, err)
		if !has(r.Findings) {
			t.Fatalf("at approval: %+v", r.Findings)
		}
		d, _ := f.svc.Get(ctx, f.a.ID, f.who["staff"], res.Application.ID)
		if got := d.Decisions[len(d.Decisions)-1].Findings; !slices.ContainsFunc(got, func(x apply.StoredFinding) bool { return x.Rule == "task.unsuitable" }) {
			t.Errorf("the approval does not record what the approver saw: %+v", got)
		}
		if !slices.Equal(d.TaskIDs, []int64{7}) {
			t.Errorf("task ids: %v", d.TaskIDs)
		}
	})
}

// TestDailyJobReportsDueAndOverdue: the daily job tells the applicant of a
// report due today, and the applicant and the approver of one overdue.
func TestDailyJobReportsDueAndOverdue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ps := policy.NewService(db, func() time.Time { return f.now })
		tp, _ := policy.TemplateByName("matsumoto")
		p := tp.Policy
		p.Report = policy.Report{Required: true, Form: "planned_actual", DueDays: 0}
		storetest.Must(t, ps.Save(ctx, f.a.ID, hr, &policy.Version{Effective: day(time.June, 2), Policy: p}))
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		a, err := f.svc.Approve(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{})
		storetest.Must(t, err)
		if a.Application.Days[0].ReportDue != day(time.June, 4) {
			t.Fatalf("report due %v", a.Application.Days[0].ReportDue)
		}
		kinds := func(k string) []notify.Kind {
			ns, _ := f.notes.List(ctx, f.a.ID, f.who[k], false, 50, 0)
			var out []notify.Kind
			for _, n := range ns {
				out = append(out, n.Kind)
			}
			return out
		}
		f.now = time.Date(2026, time.June, 4, 7, 0, 0, 0, calendar.Tokyo)
		_, err = f.svc.RunDaily(ctx, "n")
		storetest.Must(t, err)
		if !slices.Contains(kinds("staff"), notify.ReportDue) {
			t.Errorf("due today: %v", kinds("staff"))
		}
		f.now = time.Date(2026, time.June, 5, 7, 0, 0, 0, calendar.Tokyo)
		_, err = f.svc.RunDaily(ctx, "n")
		storetest.Must(t, err)
		if !slices.Contains(kinds("staff"), notify.ReportOverdue) || !slices.Contains(kinds("kacho"), notify.ReportOverdue) {
			t.Errorf("overdue: staff %v, approver %v", kinds("staff"), kinds("kacho"))
		}
	})
}
