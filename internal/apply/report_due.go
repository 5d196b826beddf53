package apply

import (
	"context"
	"strconv"

	"telework/internal/audit"
	"telework/internal/calendar"
)

// reportDueActor is who moves report deadlines in the audit log.
var reportDueActor = audit.Actor{Label: "system:report_due"}

// RecomputeReportDue sets the report deadline of every day still waiting
// for its report (approved, started, finished) to what the policy in force
// on that day says now. A day's deadline was set when it was approved; a
// policy version saved later (a report rule added, its days or form
// changed) applies to the days already approved, as every other rule of
// the day's version does (docs/policy.md) — a review found such days never
// overdue. One transaction, one audit entry (application.report_due) with
// each day moved: before and after. Run after every save or deletion of a
// policy version, and daily.
func (s *Service) RecomputeReportDue(ctx context.Context, tenantID int64) (int, error) {
	days, err := s.st.FindUnreportedDays(ctx, tenantID)
	if err != nil || len(days) == 0 {
		return 0, err
	}
	vers, err := s.st.FindPolicyVersions(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	from, to := days[0].Date.Year, days[0].Date.Year
	for _, d := range days {
		from, to = min(from, d.Date.Year), max(to, d.Date.Year)
	}
	cal, err := s.st.LoadCalendar(ctx, tenantID, from, to+1)
	if err != nil {
		return 0, err
	}
	rules, today := &env{vers: vers}, s.Today()
	type move struct {
		day Day
		due calendar.Date
	}
	var moves []move
	for _, d := range days {
		ver, err := rules.version(d.Date, today)
		if err != nil {
			continue // no policy at all: nothing says when
		}
		if due := reportDue(ver.Policy.Report, cal, d.Date); due != d.ReportDue {
			moves = append(moves, move{day: d, due: due})
		}
	}
	if len(moves) == 0 {
		return 0, nil
	}
	moved := 0
	err = s.st.InApplyTx(ctx, func(tx Tx) error {
		before, after := map[string]any{}, map[string]any{}
		for _, m := range moves {
			ok, err := tx.SetReportDue(ctx, tenantID, m.day.ID, m.due)
			if err != nil {
				return err
			}
			if ok {
				key := strconv.FormatInt(m.day.ApplicationID, 10) + "/" + m.day.Date.String()
				before[key], after[key] = dueString(m.day.ReportDue), dueString(m.due)
				moved++
			}
		}
		if moved == 0 {
			return nil
		}
		return tx.Audit(ctx, tenantID, reportDueActor, audit.Change{Action: "application.report_due", ObjectType: "tenant",
			ObjectID: strconv.FormatInt(tenantID, 10), Before: map[string]any{"report_due": before}, After: map[string]any{"report_due": after}})
	})
	if err != nil {
		return 0, err
	}
	return moved, nil
}

// dueString is a deadline as the audit log keeps it ("" for none).
func dueString(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
