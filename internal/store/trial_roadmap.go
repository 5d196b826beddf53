package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"telework/internal/attach"
	"telework/internal/calendar"
	"telework/internal/roadmap"
)

// The roadmap of issue 16 and the files attached to the trial's records
// (trial_files). The rules are in roadmap.Service; this file runs the SQL.

var (
	_ roadmap.Store = (*DB)(nil)
	_ roadmap.Tx    = (*Tx)(nil)
)

// InRoadmapTx runs one roadmap change in a transaction.
func (db *DB) InRoadmapTx(ctx context.Context, fn func(roadmap.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

// civil reads a stored civil date ("" is the zero date).
func civil(s string) calendar.Date {
	d, _ := calendar.ParseDate(s)
	return d
}

func findRoadmapSteps(ctx context.Context, q querier, tenantID int64) ([]roadmap.Step, error) {
	out, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (roadmap.Step, error) {
		var s roadmap.Step
		var owners, status, ps, pe, done string
		var at int64
		err := sc.Scan(&s.N, &owners, &status, &ps, &pe, &done, &s.Note, &s.Version, &at, &s.UpdatedBy)
		for _, o := range strings.Split(owners, ",") {
			if o != "" {
				s.Owners = append(s.Owners, roadmap.Owner(o))
			}
		}
		s.Status, s.PlannedStart, s.PlannedEnd, s.DoneOn, s.UpdatedAt = roadmap.Status(status), civil(ps), civil(pe), civil(done), fromMicros(at)
		return s, err
	}, `SELECT step, owners, status, planned_start, planned_end, done_on, note, version, updated_at, updated_by
		FROM roadmap_steps WHERE tenant_id = ? ORDER BY step`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: roadmap steps: %w", err)
	}
	return out, nil
}

func findRoadmapChecks(ctx context.Context, q querier, tenantID int64) ([]roadmap.Check, error) {
	out, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (roadmap.Check, error) {
		var c roadmap.Check
		var at int64
		err := sc.Scan(&c.Item, &c.Done, &c.Note, &c.CheckedBy, &at, &c.Version)
		c.CheckedAt = fromMicros(at)
		return c, err
	}, `SELECT item, done, note, checked_by, checked_at, version FROM roadmap_checks WHERE tenant_id = ? ORDER BY item`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: roadmap checks: %w", err)
	}
	return out, nil
}

const fileCols = `id, check_item, page_id, briefing_id, name, content_type, size, sha256, created_at, created_by`

func scanFile(sc interface{ Scan(...any) error }) (attach.File, error) {
	var f attach.File
	var item sql.NullString
	var page, briefing sql.NullInt64
	var at int64
	err := sc.Scan(&f.ID, &item, &page, &briefing, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &at, &f.CreatedBy)
	f.Owner = attach.Owner{CheckItem: item.String, PageID: page.Int64, BriefingID: briefing.Int64}
	f.CreatedAt = fromMicros(at)
	return f, err
}

func findRoadmapEvidence(ctx context.Context, q querier, tenantID int64) ([]attach.File, error) {
	out, err := queryAll(ctx, q, scanFile, `SELECT `+fileCols+` FROM trial_files WHERE tenant_id = ? AND check_item IS NOT NULL ORDER BY id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: roadmap evidence: %w", err)
	}
	return out, nil
}

func findTrialFiles(ctx context.Context, q querier, tenantID int64, o attach.Owner) ([]attach.File, error) {
	col, arg := "check_item", any(o.CheckItem)
	switch {
	case o.PageID != 0:
		col, arg = "page_id", o.PageID
	case o.BriefingID != 0:
		col, arg = "briefing_id", o.BriefingID
	}
	out, err := queryAll(ctx, q, scanFile, `SELECT `+fileCols+` FROM trial_files WHERE tenant_id = ? AND `+col+` = ? ORDER BY id`, tenantID, arg)
	if err != nil {
		return nil, fmt.Errorf("store: attached files: %w", err)
	}
	return out, nil
}

func findTrialFile(ctx context.Context, q rowQuerier, tenantID, id int64) (attach.File, error) {
	var item sql.NullString
	var page, briefing sql.NullInt64
	var at int64
	var data string
	f := attach.File{ID: id}
	err := q.row(ctx, `SELECT check_item, page_id, briefing_id, name, content_type, size, sha256, created_at, created_by, data
		FROM trial_files WHERE tenant_id = ? AND id = ?`, tenantID, id).
		Scan(&item, &page, &briefing, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &at, &f.CreatedBy, &data)
	if err != nil {
		return attach.File{}, mapErr(err)
	}
	if f.Data, err = base64.StdEncoding.DecodeString(data); err != nil {
		return attach.File{}, fmt.Errorf("store: attached file %d: %w", id, err)
	}
	f.Owner = attach.Owner{CheckItem: item.String, PageID: page.Int64, BriefingID: briefing.Int64}
	f.CreatedAt = fromMicros(at)
	return f, nil
}

func findRoadmapReviewSettings(ctx context.Context, q rowQuerier, tenantID int64) (roadmap.ReviewSettings, bool, error) {
	var s roadmap.ReviewSettings
	var next, reminded, overdue string
	err := q.row(ctx, `SELECT interval_months, next_on, reminded_for, overdue_reminded_for FROM roadmap_review_settings WHERE tenant_id = ?`, tenantID).
		Scan(&s.IntervalMonths, &next, &reminded, &overdue)
	if isNotFound(err) {
		return s, false, nil
	}
	if err != nil {
		return s, false, fmt.Errorf("store: review settings: %w", err)
	}
	s.NextOn, s.RemindedFor, s.OverdueRemindedFor = civil(next), civil(reminded), civil(overdue)
	return s, true, nil
}

func findRoadmapReviews(ctx context.Context, q querier, tenantID int64) ([]roadmap.Review, error) {
	out, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (roadmap.Review, error) {
		var r roadmap.Review
		var held string
		var at int64
		err := sc.Scan(&r.ID, &held, &r.Note, &r.RecordedBy, &at)
		r.HeldOn, r.RecordedAt = civil(held), fromMicros(at)
		return r, err
	}, `SELECT id, held_on, note, recorded_by, recorded_at FROM roadmap_reviews WHERE tenant_id = ? ORDER BY held_on DESC, id DESC`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: reviews: %w", err)
	}
	return out, nil
}

// FindRoadmapSteps lists the tenant's saved steps.
func (db *DB) FindRoadmapSteps(ctx context.Context, tenantID int64) ([]roadmap.Step, error) {
	return findRoadmapSteps(ctx, db, tenantID)
}

// FindRoadmapSteps is FindRoadmapSteps inside a transaction.
func (tx *Tx) FindRoadmapSteps(ctx context.Context, tenantID int64) ([]roadmap.Step, error) {
	return findRoadmapSteps(ctx, tx, tenantID)
}

// FindRoadmapChecks lists the tenant's saved checklist items.
func (db *DB) FindRoadmapChecks(ctx context.Context, tenantID int64) ([]roadmap.Check, error) {
	return findRoadmapChecks(ctx, db, tenantID)
}

// FindRoadmapChecks is FindRoadmapChecks inside a transaction.
func (tx *Tx) FindRoadmapChecks(ctx context.Context, tenantID int64) ([]roadmap.Check, error) {
	return findRoadmapChecks(ctx, tx, tenantID)
}

// FindRoadmapEvidence lists the evidence files (no data).
func (db *DB) FindRoadmapEvidence(ctx context.Context, tenantID int64) ([]attach.File, error) {
	return findRoadmapEvidence(ctx, db, tenantID)
}

// FindRoadmapEvidence is FindRoadmapEvidence inside a transaction.
func (tx *Tx) FindRoadmapEvidence(ctx context.Context, tenantID int64) ([]attach.File, error) {
	return findRoadmapEvidence(ctx, tx, tenantID)
}

// FindRoadmapReviewSettings reads the review cadence.
func (db *DB) FindRoadmapReviewSettings(ctx context.Context, tenantID int64) (roadmap.ReviewSettings, bool, error) {
	return findRoadmapReviewSettings(ctx, db, tenantID)
}

// FindRoadmapReviewSettings is FindRoadmapReviewSettings inside a transaction.
func (tx *Tx) FindRoadmapReviewSettings(ctx context.Context, tenantID int64) (roadmap.ReviewSettings, bool, error) {
	return findRoadmapReviewSettings(ctx, tx, tenantID)
}

// FindRoadmapReviews lists the reviews held, newest first.
func (db *DB) FindRoadmapReviews(ctx context.Context, tenantID int64) ([]roadmap.Review, error) {
	return findRoadmapReviews(ctx, db, tenantID)
}

// FindRoadmapReviews is FindRoadmapReviews inside a transaction.
func (tx *Tx) FindRoadmapReviews(ctx context.Context, tenantID int64) ([]roadmap.Review, error) {
	return findRoadmapReviews(ctx, tx, tenantID)
}

// FindTrialFile reads one attached file with its data.
func (db *DB) FindTrialFile(ctx context.Context, tenantID, id int64) (attach.File, error) {
	return findTrialFile(ctx, db, tenantID, id)
}

// FindTrialFile is FindTrialFile inside a transaction.
func (tx *Tx) FindTrialFile(ctx context.Context, tenantID, id int64) (attach.File, error) {
	return findTrialFile(ctx, tx, tenantID, id)
}

// FindTrialFiles lists one owner's files (no data).
func (db *DB) FindTrialFiles(ctx context.Context, tenantID int64, o attach.Owner) ([]attach.File, error) {
	return findTrialFiles(ctx, db, tenantID, o)
}

// FindTrialFiles is FindTrialFiles inside a transaction.
func (tx *Tx) FindTrialFiles(ctx context.Context, tenantID int64, o attach.Owner) ([]attach.File, error) {
	return findTrialFiles(ctx, tx, tenantID, o)
}

// SaveRoadmapStep inserts (Version 0) or updates a step at its version.
func (tx *Tx) SaveRoadmapStep(ctx context.Context, tenantID int64, s roadmap.Step, at time.Time) error {
	owners := make([]string, len(s.Owners))
	for i, o := range s.Owners {
		owners[i] = string(o)
	}
	args := []any{strings.Join(owners, ","), string(s.Status), s.PlannedStart.String(), s.PlannedEnd.String(), s.DoneOn.String(),
		s.Note, micros(at), s.UpdatedBy}
	if s.Version == 0 {
		_, err := tx.exec(ctx, `INSERT INTO roadmap_steps (owners, status, planned_start, planned_end, done_on, note, updated_at,
			updated_by, tenant_id, step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(args, tenantID, s.N)...)
		if isDuplicate(mapErr(err)) {
			return staleErr()
		}
		return mapErr(err)
	}
	return staleIfNone(tx.exec(ctx, `UPDATE roadmap_steps SET owners = ?, status = ?, planned_start = ?, planned_end = ?, done_on = ?,
		note = ?, updated_at = ?, updated_by = ?, version = version + 1 WHERE tenant_id = ? AND step = ? AND version = ?`,
		append(args, tenantID, s.N, s.Version)...))
}

// SaveRoadmapCheck inserts (Version 0) or updates a checklist item.
func (tx *Tx) SaveRoadmapCheck(ctx context.Context, tenantID int64, c roadmap.Check) error {
	args := []any{c.Done, c.Note, c.CheckedBy, micros(c.CheckedAt)}
	if c.Version == 0 {
		_, err := tx.exec(ctx, `INSERT INTO roadmap_checks (done, note, checked_by, checked_at, tenant_id, item)
			VALUES (?, ?, ?, ?, ?, ?)`, append(args, tenantID, c.Item)...)
		if isDuplicate(mapErr(err)) {
			return staleErr()
		}
		return mapErr(err)
	}
	return staleIfNone(tx.exec(ctx, `UPDATE roadmap_checks SET done = ?, note = ?, checked_by = ?, checked_at = ?, version = version + 1
		WHERE tenant_id = ? AND item = ? AND version = ?`, append(args, tenantID, c.Item, c.Version)...))
}

// InsertTrialFile stores an attached file.
func (tx *Tx) InsertTrialFile(ctx context.Context, tenantID int64, f attach.File) (int64, error) {
	var item any
	if f.Owner.CheckItem != "" {
		item = f.Owner.CheckItem
	}
	var id int64
	err := tx.row(ctx, `INSERT INTO trial_files (tenant_id, check_item, page_id, briefing_id, name, content_type, size, sha256, data,
		created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, tenantID, item, nullID(f.Owner.PageID),
		nullID(f.Owner.BriefingID), f.Name, f.ContentType, f.Size, f.SHA256, base64.StdEncoding.EncodeToString(f.Data), micros(f.CreatedAt), f.CreatedBy).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: attach file: %w", mapErr(err))
	}
	return id, nil
}

// DeleteTrialFile removes an attached file and returns it (no data).
func (tx *Tx) DeleteTrialFile(ctx context.Context, tenantID, id int64) (attach.File, error) {
	f, err := findTrialFile(ctx, tx, tenantID, id)
	if err != nil {
		return f, err
	}
	f.Data = nil
	return f, affectedOne(tx.exec(ctx, `DELETE FROM trial_files WHERE tenant_id = ? AND id = ?`, tenantID, id))
}

// SaveRoadmapReviewSettings writes the review cadence.
func (tx *Tx) SaveRoadmapReviewSettings(ctx context.Context, tenantID int64, s roadmap.ReviewSettings) error {
	_, err := tx.exec(ctx, `INSERT INTO roadmap_review_settings (tenant_id, interval_months, next_on, reminded_for, overdue_reminded_for)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET interval_months = excluded.interval_months, next_on = excluded.next_on,
		reminded_for = excluded.reminded_for, overdue_reminded_for = excluded.overdue_reminded_for`,
		tenantID, s.IntervalMonths, s.NextOn.String(), s.RemindedFor.String(), s.OverdueRemindedFor.String())
	if err != nil {
		return fmt.Errorf("store: review settings: %w", mapErr(err))
	}
	return nil
}

// InsertRoadmapReview records a review.
func (tx *Tx) InsertRoadmapReview(ctx context.Context, tenantID int64, r roadmap.Review) (int64, error) {
	var id int64
	err := tx.row(ctx, `INSERT INTO roadmap_reviews (tenant_id, held_on, note, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		tenantID, r.HeldOn.String(), r.Note, r.RecordedBy, micros(r.RecordedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: review: %w", mapErr(err))
	}
	return id, nil
}
