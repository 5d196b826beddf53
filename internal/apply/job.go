package apply

import (
	"context"
	"errors"
	"fmt"
	"time"

	"telework/internal/notify"
)

// DailyJob names the daily notification job in job_runs.
const DailyJob = "apply-daily"

// DailyResult says what one run of the daily job did.
type DailyResult struct {
	Day  string
	Ran  bool // this node claimed the day
	Sent int  // notifications written
}

// RunDaily writes the day's notifications for every tenant, once per day
// across the nodes (the day is claimed in job_runs): reminders to approvers
// of applications waiting longer than the tenant's ReminderHours (one
// notification per approver with the count), reports due today to the
// applicants, reports that became overdue (due yesterday) to the applicant
// and the approver, and absences that start today to their delegates.
func (s *Service) RunDaily(ctx context.Context, node string) (*DailyResult, error) {
	today := s.Today()
	res := &DailyResult{Day: today.String()}
	ok, err := s.st.ClaimJobRun(ctx, DailyJob, res.Day, node)
	if err != nil || !ok {
		return res, err
	}
	res.Ran = true
	tenants, err := s.st.FindTenants(ctx)
	if err != nil {
		return res, err
	}
	var errs []error
	for _, t := range tenants {
		n, err := s.dailyFor(ctx, t.ID)
		res.Sent += n
		if err != nil {
			errs = append(errs, fmt.Errorf("tenant %d: %w", t.ID, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return res, err
	}
	return res, s.st.FinishJobRun(ctx, DailyJob, res.Day)
}

// dailyFor writes one tenant's notifications of the day, in one
// transaction.
func (s *Service) dailyFor(ctx context.Context, tenantID int64) (int, error) {
	today := s.Today()
	set, err := s.st.FindApplySettings(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	var notes []notify.Notification
	if set.ReminderHours > 0 {
		waiting, err := s.st.FindApplications(ctx, tenantID, Filter{Statuses: []Status{Submitted},
			SubmittedBefore: s.now().Add(-time.Duration(set.ReminderHours) * time.Hour), Limit: 100000})
		if err != nil {
			return 0, err
		}
		count := map[int64]int{}
		var order []int64
		for _, a := range waiting {
			if a.ApproverID == 0 {
				continue
			}
			if count[a.ApproverID] == 0 {
				order = append(order, a.ApproverID)
			}
			count[a.ApproverID]++
		}
		for _, id := range order {
			notes = append(notes, notify.New(id, notify.Reminder, 0, map[string]any{"Count": count[id]}))
		}
	}
	due, err := s.st.FindApplications(ctx, tenantID, Filter{ReportDueOn: today, Limit: 100000})
	if err != nil {
		return 0, err
	}
	for _, a := range due {
		notes = append(notes, notify.New(a.StaffID, notify.ReportDue, a.ID, map[string]any{"Dates": today.String()}))
	}
	late, err := s.st.FindApplications(ctx, tenantID, Filter{ReportDueOn: today.AddDays(-1), Limit: 100000})
	if err != nil {
		return 0, err
	}
	for _, a := range late {
		args := map[string]any{"Name": a.StaffName, "Dates": today.AddDays(-1).String()}
		notes = append(notes, notify.New(a.StaffID, notify.ReportOverdue, a.ID, args))
		if ap := a.finalApprover(); ap != 0 {
			notes = append(notes, notify.New(ap, notify.ReportOverdue, a.ID, args))
		}
	}
	starting, err := s.st.FindDelegations(ctx, tenantID, DelegationFilter{StartsOn: today})
	if err != nil {
		return 0, err
	}
	for _, d := range starting {
		notes = append(notes, notify.New(d.DelegateID, notify.DelegationStarted, 0,
			map[string]any{"Name": d.ApproverName, "To": dateText(d.To)}))
	}
	if len(notes) == 0 {
		return 0, nil
	}
	return len(notes), s.st.InApplyTx(ctx, func(tx Tx) error { return tx.InsertNotifications(ctx, tenantID, notify.Stamp(notes, s.now())) })
}
