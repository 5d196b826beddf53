package store

import (
	"context"
	"fmt"

	"telework/internal/apply"
	"telework/internal/calendar"
)

// The report reminders of the daily job (apply.Service.RunDaily): the days
// whose report is due or late and not yet told at that stage, and the mark
// that they were.

func scanReportNote(sc interface{ Scan(...any) error }) (apply.ReportNote, error) {
	var n apply.ReportNote
	var date, due string
	if err := sc.Scan(&n.DayID, &n.ApplicationID, &date, &due, &n.Noted, &n.StaffID, &n.StaffName,
		&n.FirstApproverID, &n.SecondApproverID); err != nil {
		return n, err
	}
	n.Date, n.Due = civil(date), civil(due)
	return n, nil
}

// FindReportNotes lists the days with a report still to file (approved,
// started or finished) that are due on today and not yet told, or due
// before today and not yet told late, by application and day.
func (db *DB) FindReportNotes(ctx context.Context, tenantID int64, today calendar.Date) ([]apply.ReportNote, error) {
	args := append([]any{tenantID, today.String()}, reportPending...)
	args = append(args, string(apply.ReportNotedOverdue), today.String(), string(apply.ReportNotedDue))
	out, err := queryAll(ctx, db, scanReportNote, `SELECT d.id, d.application_id, d.day, d.report_due, d.report_noted,
		a.staff_id, s.name, COALESCE(a.first_approver_id, 0), COALESCE(a.second_approver_id, 0)
		FROM application_days d
		JOIN applications a ON a.tenant_id = d.tenant_id AND a.id = d.application_id
		JOIN staff s ON s.tenant_id = a.tenant_id AND s.id = a.staff_id
		WHERE d.tenant_id = ? AND d.report_due <> '' AND d.report_due <= ? AND d.status IN (?, ?, ?)
			AND d.report_noted <> ? AND (d.report_due < ? OR d.report_noted <> ?)
		ORDER BY d.application_id, d.day`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: report notes: %w", err)
	}
	return out, nil
}

// MarkReportsNoted records that the days were told at stage.
func (tx *Tx) MarkReportsNoted(ctx context.Context, tenantID int64, dayIDs []int64, stage apply.ReportNoted) error {
	for start := 0; start < len(dayIDs); start += 500 {
		ids := dayIDs[start:min(start+500, len(dayIDs))]
		args := []any{string(stage), tenantID}
		if _, err := tx.exec(ctx, `UPDATE application_days SET report_noted = ? WHERE tenant_id = ?`+andIn("id", ids, &args),
			args...); err != nil {
			return fmt.Errorf("store: mark reports noted: %w", err)
		}
	}
	return nil
}
