package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"telework/internal/apperr"
	"telework/internal/survey"
)

// Surveys (issue 16). The answers table has no staff id and no time; the
// respondents table says who has answered and nothing else. The rules
// (who may answer, the k-anonymous tables) are in survey.Service.

var (
	_ survey.Store = (*DB)(nil)
	_ survey.Tx    = (*Tx)(nil)
)

// InSurveyTx runs one survey action in a transaction.
func (db *DB) InSurveyTx(ctx context.Context, fn func(survey.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

const surveyCols = `id, tenant_id, kind, title, description, COALESCE(pre_id, 0), opens_on, closes_on, target, questions,
	status, show_free_text, version, created_at, closed_at`

func scanSurvey(sc interface{ Scan(...any) error }) (survey.Survey, error) {
	var s survey.Survey
	var target, questions string
	var created, closed int64
	if err := sc.Scan(&s.ID, &s.TenantID, &s.Kind, &s.Title, &s.Description, &s.PreID, &s.OpensOn, &s.ClosesOn, &target,
		&questions, &s.Status, &s.ShowFreeText, &s.Version, &created, &closed); err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(target), &s.Target); err != nil {
		return s, fmt.Errorf("store: survey %d target: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(questions), &s.Questions); err != nil {
		return s, fmt.Errorf("store: survey %d questions: %w", s.ID, err)
	}
	s.CreatedAt = fromMicros(created)
	if closed != 0 {
		s.ClosedAt = fromMicros(closed)
	}
	return s, nil
}

// FindSurvey returns a survey and its pseudonym key.
func (db *DB) FindSurvey(ctx context.Context, tenantID, id int64) (survey.Survey, string, error) {
	return findSurveyRow(ctx, db, tenantID, id)
}

// FindSurvey is FindSurvey inside a transaction.
func (t *Tx) FindSurvey(ctx context.Context, tenantID, id int64) (survey.Survey, string, error) {
	return findSurveyRow(ctx, t, tenantID, id)
}

func findSurveyRow(ctx context.Context, q querier, tenantID, id int64) (survey.Survey, string, error) {
	var key string
	out, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (survey.Survey, error) {
		return scanSurvey(keyScanner{sc, &key})
	}, `SELECT `+surveyCols+`, pseudonym_key FROM surveys WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if err != nil {
		return survey.Survey{}, "", err
	}
	if len(out) == 0 {
		return survey.Survey{}, "", apperr.NotFoundErr("survey")
	}
	return out[0], key, nil
}

// keyScanner appends the key column to a survey scan.
type keyScanner struct {
	sc  interface{ Scan(...any) error }
	key *string
}

func (k keyScanner) Scan(dest ...any) error { return k.sc.Scan(append(dest, k.key)...) }

// FindSurveys lists the tenant's surveys, newest first.
func (db *DB) FindSurveys(ctx context.Context, tenantID int64) ([]survey.Survey, error) {
	return queryAll(ctx, db, scanSurvey, `SELECT `+surveyCols+` FROM surveys WHERE tenant_id = ? ORDER BY id DESC`, tenantID)
}

// FindOpenSurveys lists the tenant's open surveys.
func (db *DB) FindOpenSurveys(ctx context.Context, tenantID int64) ([]survey.Survey, error) {
	return queryAll(ctx, db, scanSurvey, `SELECT `+surveyCols+` FROM surveys WHERE tenant_id = ? AND status = ? ORDER BY id`,
		tenantID, survey.StatusOpen)
}

func surveyJSON(s *survey.Survey) (string, string, error) {
	t, err := json.Marshal(s.Target)
	if err != nil {
		return "", "", err
	}
	q, err := json.Marshal(s.Questions)
	return string(t), string(q), err
}

// InsertSurvey adds a survey and sets its id.
func (t *Tx) InsertSurvey(ctx context.Context, s *survey.Survey, key string) error {
	target, questions, err := surveyJSON(s)
	if err != nil {
		return err
	}
	at := micros(s.CreatedAt)
	return mapErr(t.row(ctx, `INSERT INTO surveys (tenant_id, kind, title, description, pre_id, opens_on, closes_on, target,
		questions, status, show_free_text, pseudonym_key, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`, s.TenantID, s.Kind, s.Title, s.Description,
		nullID(s.PreID), s.OpensOn, s.ClosesOn, target, questions, s.Status, s.ShowFreeText, key, at, at).Scan(&s.ID))
}

// UpdateSurveyRow saves a survey when its version matches.
func (t *Tx) UpdateSurveyRow(ctx context.Context, s *survey.Survey) error {
	target, questions, err := surveyJSON(s)
	if err != nil {
		return err
	}
	closed := int64(0)
	if !s.ClosedAt.IsZero() {
		closed = micros(s.ClosedAt)
	}
	err = staleIfNone(t.exec(ctx, `UPDATE surveys SET title = ?, description = ?, opens_on = ?, closes_on = ?, target = ?,
		questions = ?, status = ?, show_free_text = ?, closed_at = ?, updated_at = ?, version = version + 1
		WHERE tenant_id = ? AND id = ? AND version = ?`, s.Title, s.Description, s.OpensOn, s.ClosesOn, target, questions,
		s.Status, s.ShowFreeText, closed, micros(t.db.Now()), s.TenantID, s.ID, s.Version))
	if err == nil {
		s.Version++
	}
	return err
}

// LockSurvey holds a survey's row until the transaction ends: shared (an
// answer being saved) or exclusive (the survey changing state). On
// PostgreSQL a close waits for the answers being saved and an answer
// saved after it waits for the close and then reads it; SQLite runs one
// write transaction at a time.
func (t *Tx) LockSurvey(ctx context.Context, tenantID, id int64, exclusive bool) error {
	lock := t.db.forShare()
	if exclusive && t.db.Engine == Postgres {
		lock = " FOR NO KEY UPDATE"
	}
	_, err := queryAll(ctx, t, scanID, `SELECT id FROM surveys WHERE tenant_id = ? AND id = ?`+lock, tenantID, id)
	return err
}

// EraseSurveyKey forgets a survey's pseudonym key for good.
func (t *Tx) EraseSurveyKey(ctx context.Context, tenantID, id int64) error {
	_, err := t.exec(ctx, `UPDATE surveys SET pseudonym_key = '' WHERE tenant_id = ? AND id = ?`, tenantID, id)
	return err
}

// SaveSurveyAnswer writes the answer body under a pseudonym, unless the
// answer stored there is already submitted (false: nothing written).
func (t *Tx) SaveSurveyAnswer(ctx context.Context, tenantID, surveyID int64, pseudonym, body string, submitted bool) (bool, error) {
	res, err := t.exec(ctx, `INSERT INTO survey_answers (tenant_id, survey_id, pseudonym, submitted, body) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, survey_id, pseudonym) DO UPDATE SET body = excluded.body, submitted = excluded.submitted
		WHERE survey_answers.submitted = ?`,
		tenantID, surveyID, pseudonym, submitted, body, false)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// SurveyAnswerRows lists every answer row of a survey, drafts included,
// by pseudonym.
func (t *Tx) SurveyAnswerRows(ctx context.Context, tenantID, surveyID int64) ([]survey.StoredAnswer, error) {
	return queryAll(ctx, t, func(sc interface{ Scan(...any) error }) (survey.StoredAnswer, error) {
		var a survey.StoredAnswer
		return a, sc.Scan(&a.Pseudonym, &a.Body, &a.Submitted)
	}, `SELECT pseudonym, body, submitted FROM survey_answers WHERE tenant_id = ? AND survey_id = ? ORDER BY pseudonym`,
		tenantID, surveyID)
}

// DeleteSurveyAnswers deletes every answer row of a survey.
func (t *Tx) DeleteSurveyAnswers(ctx context.Context, tenantID, surveyID int64) error {
	_, err := t.exec(ctx, `DELETE FROM survey_answers WHERE tenant_id = ? AND survey_id = ?`, tenantID, surveyID)
	return err
}

// surveyAnswerBatch is how many rows one INSERT writes: 5 parameters a
// row stay far below both engines' limits.
const surveyAnswerBatch = 500

// InsertSurveyAnswers writes answer rows of a survey, in the order given.
func (t *Tx) InsertSurveyAnswers(ctx context.Context, tenantID, surveyID int64, rows []survey.StoredAnswer) error {
	for len(rows) > 0 {
		n := min(len(rows), surveyAnswerBatch)
		args := make([]any, 0, 5*n)
		for _, a := range rows[:n] {
			args = append(args, tenantID, surveyID, a.Pseudonym, a.Submitted, a.Body)
		}
		q := `INSERT INTO survey_answers (tenant_id, survey_id, pseudonym, submitted, body) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", n), ", ")
		if _, err := t.exec(ctx, q, args...); err != nil {
			return mapErr(err)
		}
		rows = rows[n:]
	}
	return nil
}

// SubmittedSurveyPseudonyms lists the pseudonyms of the submitted answers,
// sorted.
func (db *DB) SubmittedSurveyPseudonyms(ctx context.Context, tenantID, surveyID int64) ([]string, error) {
	return queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (string, error) {
		var p string
		return p, sc.Scan(&p)
	}, `SELECT pseudonym FROM survey_answers WHERE tenant_id = ? AND survey_id = ? AND submitted = ? ORDER BY pseudonym`,
		tenantID, surveyID, true)
}

func findSurveyAnswer(ctx context.Context, q rowQuerier, tenantID, surveyID int64, pseudonym string) (string, bool, bool, error) {
	var body string
	var submitted bool
	err := q.row(ctx, `SELECT body, submitted FROM survey_answers WHERE tenant_id = ? AND survey_id = ? AND pseudonym = ?`,
		tenantID, surveyID, pseudonym).Scan(&body, &submitted)
	if isNotFound(err) {
		return "", false, false, nil
	}
	return body, submitted, err == nil, err
}

// FindSurveyAnswer returns the answer body stored under a pseudonym.
func (db *DB) FindSurveyAnswer(ctx context.Context, tenantID, surveyID int64, pseudonym string) (string, bool, bool, error) {
	return findSurveyAnswer(ctx, db, tenantID, surveyID, pseudonym)
}

// FindSurveyAnswer is FindSurveyAnswer inside a transaction.
func (t *Tx) FindSurveyAnswer(ctx context.Context, tenantID, surveyID int64, pseudonym string) (string, bool, bool, error) {
	return findSurveyAnswer(ctx, t, tenantID, surveyID, pseudonym)
}

// FindSurveyAnswers returns the submitted answer bodies by pseudonym.
func (db *DB) FindSurveyAnswers(ctx context.Context, tenantID, surveyID int64) (map[string]string, error) {
	rows, err := db.query(ctx, `SELECT pseudonym, body FROM survey_answers WHERE tenant_id = ? AND survey_id = ? AND submitted = ?`,
		tenantID, surveyID, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var p, b string
		if err := rows.Scan(&p, &b); err != nil {
			return nil, err
		}
		out[p] = b
	}
	return out, rows.Err()
}

func surveyTargetIDs(ctx context.Context, q querier, tenantID int64, t survey.Target) ([]int64, error) {
	marks := func(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }
	var b strings.Builder
	var args []any
	if len(t.UnitIDs) > 0 {
		// the units named and every unit below them
		b.WriteString(`WITH RECURSIVE sub(id) AS (SELECT id FROM units WHERE tenant_id = ? AND id IN (` + marks(len(t.UnitIDs)) + `)
			UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id WHERE u.tenant_id = ?) `)
		args = append(args, tenantID)
		for _, id := range t.UnitIDs {
			args = append(args, id)
		}
		args = append(args, tenantID)
	}
	b.WriteString(`SELECT s.id FROM staff s WHERE s.tenant_id = ? AND s.retired = ?`)
	args = append(args, tenantID, false)
	if len(t.UnitIDs) > 0 {
		b.WriteString(` AND s.unit_id IN (SELECT id FROM sub)`)
	}
	if t.TrialsOnly {
		b.WriteString(` AND EXISTS (SELECT 1 FROM staff_policy_facts f WHERE f.tenant_id = s.tenant_id AND f.staff_id = s.id AND f.trial = ?)`)
		args = append(args, true)
	}
	if len(t.Ranks) > 0 {
		b.WriteString(` AND s.rank IN (` + marks(len(t.Ranks)) + `)`)
		for _, r := range t.Ranks {
			args = append(args, r)
		}
	}
	b.WriteString(` ORDER BY s.id`)
	return queryAll(ctx, q, scanID, b.String(), args...)
}

// SurveyTargetIDs lists the current staff a target reaches, by id.
func (db *DB) SurveyTargetIDs(ctx context.Context, tenantID int64, t survey.Target) ([]int64, error) {
	return surveyTargetIDs(ctx, db, tenantID, t)
}

// SurveyTargetIDs is SurveyTargetIDs inside a transaction.
func (t *Tx) SurveyTargetIDs(ctx context.Context, tenantID int64, tg survey.Target) ([]int64, error) {
	return surveyTargetIDs(ctx, t, tenantID, tg)
}

// SurveyStoredKeys lists every survey's pseudonym key as stored, across
// tenants (the start-up re-seal), erased keys left out.
func (db *DB) SurveyStoredKeys(ctx context.Context) ([]survey.StoredKey, error) {
	return queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (survey.StoredKey, error) {
		var k survey.StoredKey
		err := sc.Scan(&k.TenantID, &k.ID, &k.Stored)
		return k, err
	}, `SELECT tenant_id, id, pseudonym_key FROM surveys WHERE pseudonym_key <> '' ORDER BY tenant_id, id`)
}

// ReplaceSurveyKey writes next over a survey's stored key while it is
// still old: an erasure (survey closed) in between wins.
func (db *DB) ReplaceSurveyKey(ctx context.Context, tenantID, id int64, old, next string) error {
	_, err := db.exec(ctx, `UPDATE surveys SET pseudonym_key = ? WHERE tenant_id = ? AND id = ? AND pseudonym_key = ?`, next, tenantID, id, old)
	return mapErr(err)
}
