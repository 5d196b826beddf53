package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
)

const staffCols = `s.id, s.tenant_id, s.staff_no, s.name, s.kana, s.email, s.unit_id, s.title, s.rank, s.is_supervisor,
	s.employment, s.job_type, s.sensitive_opt_in, s.gender, s.age_band, s.care, s.commute_minutes, s.retired,
	s.version, s.updated_at, u.name`

const staffFrom = ` FROM staff s JOIN units u ON u.id = s.unit_id AND u.tenant_id = s.tenant_id`

func scanStaff(sc interface{ Scan(...any) error }) (*org.Staff, error) {
	var s org.Staff
	var optIn bool
	var sens org.Sensitive
	var upd int64
	if err := sc.Scan(&s.ID, &s.TenantID, &s.StaffNo, &s.Name, &s.Kana, &s.Email, &s.UnitID, &s.Title, &s.Rank,
		&s.IsSupervisor, &s.Employment, &s.JobType, &optIn, &sens.Gender, &sens.AgeBand, &sens.Care,
		&sens.CommuteMinutes, &s.Retired, &s.Version, &upd, &s.UnitName); err != nil {
		return nil, mapErr(err)
	}
	if optIn {
		s.Sensitive = &sens
	}
	s.UpdatedAt = fromMicros(upd)
	return &s, nil
}

func sensitiveArgs(s *org.Staff) (bool, string, string, string, int) {
	if p := s.Sensitive; p != nil {
		return true, p.Gender, p.AgeBand, p.Care, p.CommuteMinutes
	}
	return false, "", "", "", 0
}

// InsertStaff writes a new staff row and sets s.ID.
func (tx *Tx) InsertStaff(ctx context.Context, tenantID int64, s *org.Staff) error {
	if err := tx.lockOrg(ctx, tenantID, orgExclusive); err != nil {
		return err
	}
	return mapErr(tx.row(ctx, `INSERT INTO staff (`+staffInsertCols+`) VALUES `+placeholders(1, staffInsertN)+` RETURNING id`,
		staffInsertArgs(nil, tenantID, s, micros(tx.db.Now()))...).Scan(&s.ID))
}

// InsertStaffHistory records a move or a change of title.
func (tx *Tx) InsertStaffHistory(ctx context.Context, tenantID int64, c *org.StaffChange) error {
	_, err := tx.exec(ctx, `INSERT INTO staff_history (`+staffHistoryCols+`) VALUES `+placeholders(1, staffHistoryN),
		tenantID, c.StaffID, c.EffectiveDate.String(), nullID(c.OldUnitID), nullID(c.NewUnitID), c.OldTitle, c.NewTitle,
		micros(c.ChangedAt), c.ActorLabel)
	return err
}

// FindStaffByID reads one staff record inside the transaction.
func (tx *Tx) FindStaffByID(ctx context.Context, tenantID, id int64) (*org.Staff, error) {
	return tx.staffByID(ctx, tenantID, id)
}

// UpdateStaffRow writes s over the row if its version is still expectVersion.
func (tx *Tx) UpdateStaffRow(ctx context.Context, tenantID int64, s *org.Staff, expectVersion int64) error {
	return tx.updateStaffRow(ctx, tenantID, s, expectVersion, micros(tx.db.Now()))
}

// SetStaffRetiredRow sets the retired flag at the expected version.
func (tx *Tx) SetStaffRetiredRow(ctx context.Context, tenantID, id, expectVersion int64, retired bool) error {
	if err := tx.lockOrg(ctx, tenantID, orgExclusive); err != nil {
		return err
	}
	now := micros(tx.db.Now())
	retiredAt := int64(0)
	if retired {
		retiredAt = now
	}
	return staleIfNone(tx.exec(ctx, `UPDATE staff SET retired = ?, retired_at = ?, updated_at = ?, version = version + 1
		WHERE tenant_id = ? AND id = ? AND version = ?`, retired, retiredAt, now, tenantID, id, expectVersion))
}

// DisableStaffAccounts disables the person's accounts and deletes their
// sessions.
func (tx *Tx) DisableStaffAccounts(ctx context.Context, tenantID, staffID int64) error {
	if _, err := tx.exec(ctx, `UPDATE users SET disabled = TRUE, version = version + 1 WHERE tenant_id = ? AND staff_id = ?`, tenantID, staffID); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE tenant_id = ? AND user_id IN
		(SELECT id FROM users WHERE tenant_id = ? AND staff_id = ?)`, tenantID, tenantID, staffID)
	return err
}

// staffInsertCols are the columns a new staff record fills; CreateStaff
// and the import's CreateStaffBatch share them with staffInsertArgs.
const (
	staffInsertCols = `tenant_id, staff_no, name, kana, search_key, email, unit_id, title, rank, is_supervisor, employment,
		job_type, sensitive_opt_in, gender, age_band, care, commute_minutes, created_at, updated_at`
	staffInsertN = 19
)

func staffInsertArgs(args []any, tenantID int64, s *org.Staff, now int64) []any {
	optIn, g, a, c, cm := sensitiveArgs(s)
	return append(args, tenantID, s.StaffNo, s.Name, s.Kana, staffSearchKey(s), s.Email, s.UnitID, s.Title, s.Rank, s.IsSupervisor,
		s.Employment, s.JobType, optIn, g, a, c, cm, now, now)
}

// placeholders is rows groups of n question marks: (?, ?), (?, ?).
func placeholders(rows, n int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

// staffSearchKey is what search matches: 氏名, かな and 職員番号, each
// folded, separated by a character SearchKey never produces.
func staffSearchKey(s *org.Staff) string {
	return org.SearchKey(s.Name) + "\x1f" + org.SearchKey(s.Kana) + "\x1f" + org.SearchKey(s.StaffNo)
}

const (
	staffHistoryCols = `tenant_id, staff_id, effective_date, old_unit_id, new_unit_id, old_title, new_title, changed_at, actor_label`
	staffHistoryN    = 9
)

func (tx *Tx) staffHistoryArgs(args []any, tenantID int64, actor audit.Actor, staffID int64, effective calendar.Date,
	oldUnit, newUnit int64, oldTitle, newTitle string) []any {
	if effective.IsZero() {
		effective = calendar.DateOf(tx.db.Now())
	}
	return append(args, tenantID, staffID, effective.String(), nullID(oldUnit), nullID(newUnit), oldTitle, newTitle,
		micros(tx.db.Now()), actor.Label)
}

// FindStaffByID returns one staff record of the tenant or NotFound.
func (db *DB) FindStaffByID(ctx context.Context, tenantID, id int64) (*org.Staff, error) {
	return scanStaff(db.row(ctx, `SELECT `+staffCols+staffFrom+` WHERE s.tenant_id = ? AND s.id = ?`, tenantID, id))
}

func (tx *Tx) staffByID(ctx context.Context, tenantID, id int64) (*org.Staff, error) {
	return scanStaff(tx.row(ctx, `SELECT `+staffCols+staffFrom+` WHERE s.tenant_id = ? AND s.id = ?`, tenantID, id))
}

// FindStaffByNo returns a staff record by 職員番号 or NotFound.
func (db *DB) FindStaffByNo(ctx context.Context, tenantID int64, staffNo string) (*org.Staff, error) {
	return scanStaff(db.row(ctx, `SELECT `+staffCols+staffFrom+` WHERE s.tenant_id = ? AND s.staff_no = ?`, tenantID, staffNo))
}

// FindStaff searches staff. Query terms (split on spaces) must each match
// 氏名, かな or 職員番号 after folding. UnitID includes the unit's subtree.
// It returns one page and the total count.
func (db *DB) FindStaff(ctx context.Context, tenantID int64, f org.StaffFilter) ([]*org.Staff, int, error) {
	where := ` WHERE s.tenant_id = ?`
	args := []any{tenantID}
	if !f.IncludeRetire {
		where += ` AND s.retired = FALSE`
	}
	for _, term := range strings.Fields(f.Query) {
		if k := org.SearchKey(term); k != "" {
			where += ` AND s.search_key LIKE ? ESCAPE '\'`
			args = append(args, likeContains(k))
		}
	}
	if f.UnitID != 0 {
		// The subtree is resolved first (a tenant has a few hundred units):
		// with a literal list both planners use staff_unit, whereas
		// PostgreSQL estimates the recursive CTE at 200 rows and scans staff.
		ids, err := db.unitSubtree(ctx, tenantID, f.UnitID)
		if err != nil {
			return nil, 0, err
		}
		if len(ids) == 0 {
			return nil, 0, nil
		}
		where += ` AND s.unit_id IN (?` + strings.Repeat(`, ?`, len(ids)-1) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	if f.Employment != "" {
		where += ` AND s.employment = ?`
		args = append(args, f.Employment)
	}
	if f.JobType != "" {
		where += ` AND s.job_type = ?`
		args = append(args, f.JobType)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	// One pass: a LIKE '%…%' term cannot use an index, so every search
	// reads all of the tenant's staff, and a separate COUNT(*) did it twice.
	// The inner query finds the page's ids and the total from narrow rows;
	// only the page's rows are then read in full with their unit name.
	pageArgs := append(slices.Clip(args), limit, max(f.Offset, 0))
	inner := `SELECT s.id, s.kana, s.staff_no, COUNT(*) OVER () AS total FROM staff s` + where +
		` ORDER BY s.kana, s.staff_no LIMIT ? OFFSET ?`
	order := ` ORDER BY m.kana, m.staff_no`
	if f.ByID {
		// Keyset paging (the API): the page is a range of the primary key,
		// so it is read directly; the total is a separate narrow count. A
		// window count here would materialise the whole result per page.
		var total int
		if err := db.row(ctx, `SELECT COUNT(*) FROM staff s`+where, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("store: staff count: %w", err)
		}
		// The page is a range of the (tenant_id, id) index that keeps
		// tenants apart (migration 00009): both planners read just the
		// page, whatever other tenants hold.
		out, err := queryAll(ctx, db, scanStaff, `SELECT `+staffCols+staffFrom+where+` AND s.id > ? ORDER BY s.id LIMIT ?`,
			append(slices.Clip(args), max(f.AfterID, 0), limit)...)
		if err != nil {
			return nil, 0, fmt.Errorf("store: staff page: %w", err)
		}
		return out, total, nil
	}
	total := 0
	out, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (*org.Staff, error) {
		// Every row carries the total; the last one read is kept.
		return scanStaff(scanFunc(func(dest ...any) error { return sc.Scan(append(dest, &total)...) }))
	}, `SELECT `+staffCols+`, m.total FROM (`+inner+`) m
		JOIN staff s ON s.id = m.id JOIN units u ON u.id = s.unit_id AND u.tenant_id = s.tenant_id`+order, pageArgs...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: staff search: %w", err)
	}
	if len(out) == 0 && f.Offset > 0 {
		// Paged past the end: no row carries the total.
		if err := db.row(ctx, `SELECT COUNT(*) FROM staff s`+where, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("store: staff count: %w", err)
		}
	}
	return out, total, nil
}

// scanFunc adapts a function to the Scan interface scanStaff takes.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// unitSubtree returns the unit and all its descendants.
func (db *DB) unitSubtree(ctx context.Context, tenantID, unitID int64) ([]int64, error) {
	ids, err := queryAll(ctx, db, scanID, `WITH RECURSIVE sub(id) AS (SELECT id FROM units WHERE tenant_id = ? AND id = ?
		UNION ALL SELECT c.id FROM units c JOIN sub ON c.parent_id = sub.id WHERE c.tenant_id = ?) SELECT id FROM sub`,
		tenantID, unitID, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: unit subtree: %w", err)
	}
	return ids, nil
}

// updateStaffRow writes s over the row if its version is still version.
func (tx *Tx) updateStaffRow(ctx context.Context, tenantID int64, s *org.Staff, version, now int64) error {
	if err := tx.lockOrg(ctx, tenantID, orgExclusive); err != nil {
		return err
	}
	optIn, g, a, c, cm := sensitiveArgs(s)
	return staleIfNone(tx.exec(ctx, `UPDATE staff SET staff_no = ?, name = ?, kana = ?, search_key = ?, email = ?, unit_id = ?,
		title = ?, rank = ?, is_supervisor = ?, employment = ?, job_type = ?, sensitive_opt_in = ?, gender = ?,
		age_band = ?, care = ?, commute_minutes = ?, updated_at = ?, version = version + 1
		WHERE tenant_id = ? AND id = ? AND version = ?`, s.StaffNo, s.Name, s.Kana, staffSearchKey(s), s.Email, s.UnitID, s.Title,
		s.Rank, s.IsSupervisor, s.Employment, s.JobType, optIn, g, a, c, cm, now, tenantID, s.ID, version))
}

// FindStaffHistory lists a person's moves and title changes, newest first.
func (db *DB) FindStaffHistory(ctx context.Context, tenantID, staffID int64) ([]*org.StaffChange, error) {
	out, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (*org.StaffChange, error) {
		var c org.StaffChange
		var ou, nu sql.NullInt64
		var eff string
		var at int64
		if err := sc.Scan(&c.ID, &c.StaffID, &eff, &ou, &nu, &c.OldTitle, &c.NewTitle, &at, &c.ActorLabel,
			&c.OldUnitName, &c.NewUnitName); err != nil {
			return nil, err
		}
		c.OldUnitID, c.NewUnitID, c.ChangedAt = ou.Int64, nu.Int64, fromMicros(at)
		c.EffectiveDate, _ = calendar.ParseDate(eff)
		return &c, nil
	}, `SELECT h.id, h.staff_id, h.effective_date, h.old_unit_id, h.new_unit_id, h.old_title,
		h.new_title, h.changed_at, h.actor_label, COALESCE(ou.name, ''), COALESCE(nu.name, '')
		FROM staff_history h
		LEFT JOIN units ou ON ou.id = h.old_unit_id AND ou.tenant_id = h.tenant_id
		LEFT JOIN units nu ON nu.id = h.new_unit_id AND nu.tenant_id = h.tenant_id
		WHERE h.tenant_id = ? AND h.staff_id = ? ORDER BY h.effective_date DESC, h.id DESC`, tenantID, staffID)
	if err != nil {
		return nil, fmt.Errorf("store: staff history: %w", err)
	}
	return out, nil
}
