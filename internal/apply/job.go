package apply

import (
	"context"
	"maps"
	"time"

	"telework/internal/calendar"
	"telework/internal/jobrun"
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
// applicants, reports overdue to the applicant and the approver, and
// absences that start today to their delegates. Each day's report is told
// once per stage (the day's ReportNoted, written with the notifications):
// a run after missed days tells of every report that became late
// meanwhile, and no day is told late twice.
func (s *Service) RunDaily(ctx context.Context, node string) (*DailyResult, error) {
	today := s.Today()
	res := &DailyResult{Day: today.String()}
	var err error
	res.Ran, err = jobrun.EachTenant(ctx, s.st, DailyJob, res.Day, node, func(ctx context.Context, tenantID int64) error {
		n, err := s.dailyFor(ctx, tenantID)
		res.Sent += n
		return err
	})
	return res, err
}

// dailyFor writes one tenant's notifications of the day, in one
// transaction.
func (s *Service) dailyFor(ctx context.Context, tenantID int64) (int, error) {
	today := s.Today()
	// Deadlines as the policy and the calendar now say (a version saved
	// or closure days added since the days were approved) before they are
	// told due or late.
	if _, err := s.RecomputeReportDue(ctx, tenantID); err != nil {
		return 0, err
	}
	set, err := s.st.FindApplySettings(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	var notes []notify.Notification
	if set.ReminderHours > 0 {
		waiting, err := s.st.FindApplications(ctx, tenantID, Filter{Decisions: []Status{Submitted},
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
	reports, err := s.st.FindReportNotes(ctx, tenantID, today)
	if err != nil {
		return 0, err
	}
	more, dueIDs, lateIDs := reportNotes(reports, today)
	notes = append(notes, more...)
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
	return len(notes), s.st.InApplyTx(ctx, func(tx Tx) error {
		if err := tx.MarkReportsNoted(ctx, tenantID, dueIDs, ReportNotedDue); err != nil {
			return err
		}
		if err := tx.MarkReportsNoted(ctx, tenantID, lateIDs, ReportNotedOverdue); err != nil {
			return err
		}
		return tx.InsertNotifications(ctx, tenantID, notify.Stamp(notes, s.now()))
	})
}

// ReportNoted is what the daily job has told of a day's report.
type ReportNoted string

const (
	ReportNotedNone    ReportNoted = ""        // nothing yet
	ReportNotedDue     ReportNoted = "due"     // due today (to the applicant)
	ReportNotedOverdue ReportNoted = "overdue" // late (to the applicant and the approver)
)

// ReportNote is a day whose report the daily job may have to tell of.
type ReportNote struct {
	DayID, ApplicationID int64
	Date, Due            calendar.Date
	Noted                ReportNoted
	StaffID              int64
	StaffName            string
	FirstApproverID      int64
	SecondApproverID     int64
}

// reportNotes are the notifications of the days read (by application, in
// day order): one "due today" to the applicant per application with days
// due today, one "overdue" to the applicant and one to the final approver
// per application with days late and not yet told, each naming the days;
// and the days to mark at each stage.
func reportNotes(rs []ReportNote, today calendar.Date) (notes []notify.Notification, dueIDs, lateIDs []int64) {
	type group struct {
		r         ReportNote
		due, late []calendar.Date
	}
	var order []int64
	groups := map[int64]*group{}
	for _, r := range rs {
		g := groups[r.ApplicationID]
		if g == nil {
			g = &group{r: r}
			groups[r.ApplicationID] = g
			order = append(order, r.ApplicationID)
		}
		switch {
		case r.Due.Before(today) && r.Noted != ReportNotedOverdue:
			g.late = append(g.late, r.Date)
			lateIDs = append(lateIDs, r.DayID)
		case r.Due == today && r.Noted == ReportNotedNone:
			g.due = append(g.due, r.Date)
			dueIDs = append(dueIDs, r.DayID)
		}
	}
	for _, id := range order {
		g := groups[id]
		if len(g.due) > 0 {
			notes = append(notes, notify.New(g.r.StaffID, notify.ReportDue, id,
				map[string]any{"Dates": DatesText(g.due), "Count": len(g.due)}))
		}
		if len(g.late) > 0 {
			args := map[string]any{"Name": g.r.StaffName, "Dates": DatesText(g.late), "Count": len(g.late)}
			// The person's own copy speaks to them (「あなたの…」), the
			// approver's names them.
			own := maps.Clone(args)
			own["Own"] = true
			notes = append(notes, notify.New(g.r.StaffID, notify.ReportOverdue, id, own))
			a := Application{FirstApproverID: g.r.FirstApproverID, SecondApproverID: g.r.SecondApproverID}
			if ap := a.finalApprover(); ap != 0 && ap != g.r.StaffID {
				notes = append(notes, notify.New(ap, notify.ReportOverdue, id, args))
			}
		}
	}
	return notes, dueIDs, lateIDs
}
