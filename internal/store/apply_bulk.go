package store

import (
	"context"
	"fmt"
	"strings"

	"telework/internal/apply"
)

// InsertApplicationHistory writes many complete applications (their
// states, route and days as given) in a few statements per thousand days,
// without decisions or audit entries: the history of a benchmark tenant.
// Each application's (staff, first day) must be unique in apps. It sets the
// ids.
func (db *DB) InsertApplicationHistory(ctx context.Context, tenantID int64, apps []*apply.Application) error {
	const appsPerStmt = 400
	return db.inBulkTx(ctx, func(tx *Tx) error {
		for start := 0; start < len(apps); start += appsPerStmt {
			chunk := apps[start:min(start+appsPerStmt, len(apps))]
			var rows []string
			var args []any
			byKey := map[string]*apply.Application{}
			for _, a := range chunk {
				vals := append([]any{tenantID}, appValues(a)...)
				vals = append(vals, micros(a.CreatedAt), max(a.Version, 1))
				rows = append(rows, `(`+marks(len(vals))+`)`)
				args = append(args, vals...)
				first, _ := appSpan(a)
				byKey[fmt.Sprint(a.StaffID, "/", first)] = a
			}
			q := `INSERT INTO applications (tenant_id, ` + appWriteCols + `, created_at, version) VALUES ` +
				strings.Join(rows, ", ") + ` RETURNING id, staff_id, first_day`
			res, err := tx.query(ctx, q, args...)
			if err != nil {
				return mapErr(fmt.Errorf("store: application history: %w", err))
			}
			for res.Next() {
				var id, staff int64
				var first string
				if err := res.Scan(&id, &staff, &first); err != nil {
					res.Close()
					return err
				}
				if a := byKey[fmt.Sprint(staff, "/", first)]; a != nil {
					a.ID, a.TenantID = id, tenantID
				}
			}
			res.Close()
			if err := res.Err(); err != nil {
				return mapErr(err)
			}
			var dayRows []string
			var dayArgs []any
			flush := func() error {
				if len(dayRows) == 0 {
					return nil
				}
				_, err := tx.exec(ctx, `INSERT INTO application_days (tenant_id, application_id, staff_id, day, time_unit, status,
					report_due, report, updated_at) VALUES `+strings.Join(dayRows, ", "), dayArgs...)
				dayRows, dayArgs = dayRows[:0], dayArgs[:0]
				return mapErr(err)
			}
			for _, a := range chunk {
				if a.ID == 0 {
					return fmt.Errorf("store: application history: (staff, first day) repeated for staff %d", a.StaffID)
				}
				for _, d := range a.Days {
					report := ""
					if d.Report != nil {
						report = jsonText(d.Report)
					}
					dayRows = append(dayRows, `(?, ?, ?, ?, ?, ?, ?, ?, ?)`)
					dayArgs = append(dayArgs, tenantID, a.ID, a.StaffID, d.Date.String(), string(a.TimeUnit), string(d.Status),
						dueText(d.ReportDue), report, micros(a.UpdatedAt))
					if len(dayRows) == 1000 {
						if err := flush(); err != nil {
							return err
						}
					}
				}
			}
			if err := flush(); err != nil {
				return err
			}
		}
		return nil
	})
}
