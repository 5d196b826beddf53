package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"telework/internal/handbook"
)

// The handbook pages and briefing sessions of issue 16. The rules are in
// handbook.Service; this file runs the SQL.

var (
	_ handbook.Store = (*DB)(nil)
	_ handbook.Tx    = (*Tx)(nil)
)

// InHandbookTx runs one handbook change in a transaction.
func (db *DB) InHandbookTx(ctx context.Context, fn func(handbook.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

const pageCols = `id, title, body, slot, published, sort, version, updated_at, updated_by`

func scanPage(sc interface{ Scan(...any) error }) (handbook.Page, error) {
	var p handbook.Page
	var slot sql.NullString
	var at int64
	err := sc.Scan(&p.ID, &p.Title, &p.Body, &slot, &p.Published, &p.Sort, &p.Version, &at, &p.UpdatedBy)
	p.Slot, p.UpdatedAt = slot.String, fromMicros(at)
	return p, err
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func findHandbookPages(ctx context.Context, q querier, tenantID int64, drafts bool) ([]handbook.Page, error) {
	query := `SELECT ` + pageCols + ` FROM handbook_pages WHERE tenant_id = ?`
	args := []any{tenantID}
	if !drafts {
		query += ` AND published = ?`
		args = append(args, true)
	}
	out, err := queryAll(ctx, q, scanPage, query+` ORDER BY sort, title, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: handbook pages: %w", err)
	}
	return out, nil
}

func findHandbookPage(ctx context.Context, q rowQuerier, tenantID, id int64) (handbook.Page, error) {
	p, err := scanPage(q.row(ctx, `SELECT `+pageCols+` FROM handbook_pages WHERE tenant_id = ? AND id = ?`, tenantID, id))
	return p, mapErr(err)
}

func findHandbookPageBySlot(ctx context.Context, q rowQuerier, tenantID int64, slot string) (handbook.Page, error) {
	p, err := scanPage(q.row(ctx, `SELECT `+pageCols+` FROM handbook_pages WHERE tenant_id = ? AND slot = ?`, tenantID, slot))
	return p, mapErr(err)
}

const briefingCols = `id, title, held_on, start_time, place, audience, topics, note, version, updated_at`

func scanBriefing(sc interface{ Scan(...any) error }) (handbook.Briefing, error) {
	var b handbook.Briefing
	var held, topics string
	var at int64
	err := sc.Scan(&b.ID, &b.Title, &held, &b.StartTime, &b.Place, &b.Audience, &topics, &b.Note, &b.Version, &at)
	b.HeldOn, b.UpdatedAt = civil(held), fromMicros(at)
	if topics != "" {
		b.Topics = strings.Split(topics, ",")
	}
	return b, err
}

func findBriefings(ctx context.Context, q querier, tenantID int64) ([]handbook.Briefing, error) {
	out, err := queryAll(ctx, q, scanBriefing, `SELECT `+briefingCols+` FROM briefings WHERE tenant_id = ? ORDER BY held_on DESC, id DESC`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: briefings: %w", err)
	}
	return out, nil
}

func findBriefing(ctx context.Context, q rowQuerier, tenantID, id int64) (handbook.Briefing, error) {
	b, err := scanBriefing(q.row(ctx, `SELECT `+briefingCols+` FROM briefings WHERE tenant_id = ? AND id = ?`, tenantID, id))
	return b, mapErr(err)
}

// FindHandbookPages lists pages.
func (db *DB) FindHandbookPages(ctx context.Context, tenantID int64, drafts bool) ([]handbook.Page, error) {
	return findHandbookPages(ctx, db, tenantID, drafts)
}

// FindHandbookPages is FindHandbookPages inside a transaction.
func (tx *Tx) FindHandbookPages(ctx context.Context, tenantID int64, drafts bool) ([]handbook.Page, error) {
	return findHandbookPages(ctx, tx, tenantID, drafts)
}

// FindHandbookPage reads one page.
func (db *DB) FindHandbookPage(ctx context.Context, tenantID, id int64) (handbook.Page, error) {
	return findHandbookPage(ctx, db, tenantID, id)
}

// FindHandbookPage is FindHandbookPage inside a transaction.
func (tx *Tx) FindHandbookPage(ctx context.Context, tenantID, id int64) (handbook.Page, error) {
	return findHandbookPage(ctx, tx, tenantID, id)
}

// FindHandbookPageBySlot reads the page in a slot.
func (db *DB) FindHandbookPageBySlot(ctx context.Context, tenantID int64, slot string) (handbook.Page, error) {
	return findHandbookPageBySlot(ctx, db, tenantID, slot)
}

// FindHandbookPageBySlot is FindHandbookPageBySlot inside a transaction.
func (tx *Tx) FindHandbookPageBySlot(ctx context.Context, tenantID int64, slot string) (handbook.Page, error) {
	return findHandbookPageBySlot(ctx, tx, tenantID, slot)
}

// FindBriefings lists briefings, newest first.
func (db *DB) FindBriefings(ctx context.Context, tenantID int64) ([]handbook.Briefing, error) {
	return findBriefings(ctx, db, tenantID)
}

// FindBriefings is FindBriefings inside a transaction.
func (tx *Tx) FindBriefings(ctx context.Context, tenantID int64) ([]handbook.Briefing, error) {
	return findBriefings(ctx, tx, tenantID)
}

// FindBriefing reads one briefing.
func (db *DB) FindBriefing(ctx context.Context, tenantID, id int64) (handbook.Briefing, error) {
	return findBriefing(ctx, db, tenantID, id)
}

// FindBriefing is FindBriefing inside a transaction.
func (tx *Tx) FindBriefing(ctx context.Context, tenantID, id int64) (handbook.Briefing, error) {
	return findBriefing(ctx, tx, tenantID, id)
}

// InsertHandbookPage stores a page; a slot in use is a duplicate.
func (tx *Tx) InsertHandbookPage(ctx context.Context, tenantID int64, p handbook.Page) (int64, error) {
	var id int64
	err := tx.row(ctx, `INSERT INTO handbook_pages (tenant_id, title, body, slot, published, sort, version, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`, tenantID, p.Title, p.Body, nullText(p.Slot), p.Published, p.Sort,
		micros(p.UpdatedAt), p.UpdatedBy).Scan(&id)
	return id, mapErr(err)
}

// UpdateHandbookPage writes a page at its version.
func (tx *Tx) UpdateHandbookPage(ctx context.Context, tenantID int64, p handbook.Page) error {
	res, err := tx.exec(ctx, `UPDATE handbook_pages SET title = ?, body = ?, slot = ?, published = ?, sort = ?, updated_at = ?,
		updated_by = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?`, p.Title, p.Body, nullText(p.Slot),
		p.Published, p.Sort, micros(p.UpdatedAt), p.UpdatedBy, tenantID, p.ID, p.Version)
	return staleIfNone(res, mapErr(err))
}

// DeleteHandbookPage removes a page and its files.
func (tx *Tx) DeleteHandbookPage(ctx context.Context, tenantID, id int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM trial_files WHERE tenant_id = ? AND page_id = ?`, tenantID, id); err != nil {
		return fmt.Errorf("store: page files: %w", err)
	}
	return affectedOne(tx.exec(ctx, `DELETE FROM handbook_pages WHERE tenant_id = ? AND id = ?`, tenantID, id))
}

// InsertBriefing stores a briefing.
func (tx *Tx) InsertBriefing(ctx context.Context, tenantID int64, b handbook.Briefing) (int64, error) {
	var id int64
	err := tx.row(ctx, `INSERT INTO briefings (tenant_id, title, held_on, start_time, place, audience, topics, note, version, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING id`, tenantID, b.Title, b.HeldOn.String(), b.StartTime, b.Place, b.Audience,
		strings.Join(b.Topics, ","), b.Note, micros(b.UpdatedAt)).Scan(&id)
	return id, mapErr(err)
}

// UpdateBriefing writes a briefing at its version.
func (tx *Tx) UpdateBriefing(ctx context.Context, tenantID int64, b handbook.Briefing) error {
	return staleIfNone(tx.exec(ctx, `UPDATE briefings SET title = ?, held_on = ?, start_time = ?, place = ?, audience = ?, topics = ?,
		note = ?, updated_at = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?`, b.Title, b.HeldOn.String(),
		b.StartTime, b.Place, b.Audience, strings.Join(b.Topics, ","), b.Note, micros(b.UpdatedAt), tenantID, b.ID, b.Version))
}

// DeleteBriefing removes a briefing and its files.
func (tx *Tx) DeleteBriefing(ctx context.Context, tenantID, id int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM trial_files WHERE tenant_id = ? AND briefing_id = ?`, tenantID, id); err != nil {
		return fmt.Errorf("store: briefing files: %w", err)
	}
	return affectedOne(tx.exec(ctx, `DELETE FROM briefings WHERE tenant_id = ? AND id = ?`, tenantID, id))
}
