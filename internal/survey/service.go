package survey

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/org"
	"telework/internal/secretkey"
)

// Reader is what the survey workflows read.
type Reader interface {
	// FindSurvey returns a survey with its pseudonym key ("" once erased).
	FindSurvey(ctx context.Context, tenantID, id int64) (Survey, string, error)
	// SurveyTargetIDs lists the current staff the target reaches.
	SurveyTargetIDs(ctx context.Context, tenantID int64, t Target) ([]int64, error)
	// FindSurveyAnswer returns the stored answer body under a pseudonym.
	FindSurveyAnswer(ctx context.Context, tenantID, surveyID int64, pseudonym string) (body string, submitted, found bool, err error)
}

// Store is what the service reads and runs transactions on.
type Store interface {
	Reader
	// FindSurveys lists the tenant's surveys, newest first.
	FindSurveys(ctx context.Context, tenantID int64) ([]Survey, error)
	// FindOpenSurveys lists the tenant's open surveys.
	FindOpenSurveys(ctx context.Context, tenantID int64) ([]Survey, error)
	// FindSurveyAnswers returns the submitted answer bodies by pseudonym.
	FindSurveyAnswers(ctx context.Context, tenantID, surveyID int64) (map[string]string, error)
	// SurveyStoredKeys lists every survey's pseudonym key as stored (all
	// tenants; erased keys left out), for the start-up re-seal.
	SurveyStoredKeys(ctx context.Context) ([]StoredKey, error)
	// ReplaceSurveyKey writes next over a survey's stored key while it is
	// still old (an erasure in between wins).
	ReplaceSurveyKey(ctx context.Context, tenantID, id int64, old, next string) error
	// FindUnits lists the tenant's units (a target names some of them).
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
	// SubmittedSurveyPseudonyms lists the pseudonyms of the submitted
	// answers, sorted.
	SubmittedSurveyPseudonyms(ctx context.Context, tenantID, surveyID int64) ([]string, error)
	InSurveyTx(ctx context.Context, fn func(Tx) error) error
}

// Tx is what one survey action writes with its audit entry.
type Tx interface {
	Reader
	InsertSurvey(ctx context.Context, s *Survey, key string) error
	// UpdateSurveyRow saves design, schedule and status when the version
	// matches (stale otherwise).
	UpdateSurveyRow(ctx context.Context, s *Survey) error
	EraseSurveyKey(ctx context.Context, tenantID, id int64) error
	// LockSurvey holds the survey's row until the transaction ends,
	// shared or exclusive: a close (exclusive) waits for the answers
	// being saved (shared), and an answer saved later reads the close.
	LockSurvey(ctx context.Context, tenantID, id int64, exclusive bool) error
	// SurveyAnswerRows lists every answer row of a survey, drafts
	// included, by pseudonym.
	SurveyAnswerRows(ctx context.Context, tenantID, surveyID int64) ([]StoredAnswer, error)
	DeleteSurveyAnswers(ctx context.Context, tenantID, surveyID int64) error
	// InsertSurveyAnswers writes answer rows, in the order given.
	InsertSurveyAnswers(ctx context.Context, tenantID, surveyID int64, rows []StoredAnswer) error
	// SaveSurveyAnswer writes an answer under a pseudonym unless the one
	// stored there is submitted (false: nothing written).
	SaveSurveyAnswer(ctx context.Context, tenantID, surveyID int64, pseudonym, body string, submitted bool) (bool, error)
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Service holds the survey workflows.
type Service struct {
	st    Store
	now   func() time.Time
	cache *datasetCache
	keys  *secretkey.Ring // seals the pseudonym keys at rest (nil: stored as made)
}

// ParseKeys derives the ring that seals survey pseudonym keys from the
// server's keys (TELEWORK_SECRET_KEY or --secret-key-file). No key: nil.
func ParseKeys(text string) (*secretkey.Ring, error) {
	return secretkey.NewRing(text, "telework survey pseudonym key v1")
}

// SetKeys seals the pseudonym keys of surveys made from now on with r
// (nil: stored as made, which the server says at start-up). Sealed, the
// keys in the database and in its backups are ciphertext: the answers of an
// open survey (or of a pre-trial one waiting for its post-trial survey)
// cannot be linked to people from a copy of either without the server's
// key too.
func (s *Service) SetKeys(r *secretkey.Ring) { s.keys = r }

// StoredAnswer is one answer row: the body under a pseudonym.
type StoredAnswer struct {
	Pseudonym, Body string
	Submitted       bool
}

// StoredKey is a survey's pseudonym key as the database holds it.
type StoredKey struct {
	TenantID, ID int64
	Stored       string
}

// sealedKeys are the ring as secretkey.Keys: a tenant's pseudonym keys,
// sealed with the tenant as additional data; a key stored before the
// server had a key of its own opens as it is.
type sealedKeys struct{ r *secretkey.Ring }

func keyAD(tenantID int64) []byte {
	return []byte("telework survey pseudonym key|" + strconv.FormatInt(tenantID, 10))
}

func (k sealedKeys) Seal(tenantID int64, plain string) (string, error) {
	if k.r == nil {
		return plain, nil
	}
	return k.r.Seal(keyAD(tenantID), []byte(plain))
}

func (k sealedKeys) Open(tenantID int64, stored string) (string, error) {
	if !secretkey.IsSealed(stored) {
		return stored, nil
	}
	plain, err := k.r.Open(keyAD(tenantID), stored)
	return string(plain), err
}

func (k sealedKeys) Current(stored string) bool { return k.r.Current(stored) }

// ErrKeyUnopened is a survey whose pseudonym key no configured server key
// opens (removed from the key file too early): nobody can answer it, and
// its pre/post link is lost until the key is configured again.
var ErrKeyUnopened = errors.New("survey: the pseudonym key does not open with the server's keys")

// survey reads a survey and its pseudonym key in clear ("" once erased).
func (s *Service) survey(ctx context.Context, r Reader, tenantID, id int64) (Survey, string, error) {
	sv, stored, err := r.FindSurvey(ctx, tenantID, id)
	if err != nil || stored == "" {
		return sv, stored, err
	}
	plain, err := sealedKeys{s.keys}.Open(tenantID, stored)
	if err != nil {
		return sv, "", fmt.Errorf("survey %d: %w", id, ErrKeyUnopened)
	}
	return sv, plain, nil
}

// ReSealKeys is the start-up step for the pseudonym keys (as for the SSO
// client secrets, secretkey.Report.ReSeal): with a server key, every key
// stored as made or sealed with an older server key is sealed with the
// current one, so the old key can leave the key file (docs/operations.md).
// A key no configured key opens is counted as Unopened and left.
func (s *Service) ReSealKeys(ctx context.Context) (secretkey.Report, error) {
	var rep secretkey.Report
	rows, err := s.st.SurveyStoredKeys(ctx)
	if err != nil {
		return rep, err
	}
	var keys secretkey.Keys
	if s.keys != nil {
		keys = sealedKeys{s.keys}
	}
	for _, r := range rows {
		next, replace, err := rep.ReSeal(keys, r.TenantID, r.Stored)
		if err != nil {
			return rep, err
		}
		if replace {
			if err := s.st.ReplaceSurveyKey(ctx, r.TenantID, r.ID, r.Stored, next); err != nil {
				return rep, err
			}
		}
	}
	return rep, nil
}

// NewService returns the service over st.
func NewService(st Store, now func() time.Time) *Service {
	return &Service{st: st, now: now, cache: newDatasetCache(16)}
}

var jst = time.FixedZone("JST", 9*60*60)

// Today is the date in Japan.
func (s *Service) Today() string { return s.now().In(jst).Format("2006-01-02") }

// Pseudonym is the pseudonym of a staff member's answers under a survey
// key: HMAC-SHA256 of the tenant and staff id. Without the key it cannot
// be recomputed; there is no table from pseudonyms back to people.
func Pseudonym(key string, tenantID, staffID int64) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte("telework survey pseudonym|" + strconv.FormatInt(tenantID, 10) + "|" + strconv.FormatInt(staffID, 10)))
	return hex.EncodeToString(m.Sum(nil))
}

func newKey() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawStdEncoding.EncodeToString(b), nil
}

// auditView is what the audit log shows of a survey: its design and
// schedule, never an answer.
func auditView(s *Survey) map[string]any {
	return map[string]any{"kind": s.Kind, "title": s.Title, "opens_on": s.OpensOn, "closes_on": s.ClosesOn,
		"status": s.Status, "questions": len(s.Questions), "target": s.Target, "pre_id": s.PreID, "show_free_text": s.ShowFreeText}
}

// List lists the tenant's surveys.
func (s *Service) List(ctx context.Context, tenantID int64) ([]Survey, error) {
	return s.st.FindSurveys(ctx, tenantID)
}

// Get returns one survey.
func (s *Service) Get(ctx context.Context, tenantID, id int64) (Survey, error) {
	sv, _, err := s.st.FindSurvey(ctx, tenantID, id)
	return sv, err
}

func (s *Service) checkPre(ctx context.Context, r Reader, tenantID int64, d *Draft) (string, error) {
	if d.Kind != KindPost || d.PreID == 0 {
		return "", nil
	}
	pre, key, err := s.survey(ctx, r, tenantID, d.PreID)
	if apperr.CodeOf(err) == apperr.NotFound || err == nil && pre.Kind != KindPre {
		var v apperr.Validation
		v.Add("pre_id", "field.survey_pre", nil)
		return "", v.Err()
	}
	if err != nil {
		return "", err
	}
	if key == "" {
		var v apperr.Validation
		v.Add("pre_id", "field.survey_pre_unlinked", nil)
		return "", v.Err()
	}
	return key, nil
}

// checkUnits refuses a target naming a unit the tenant does not have (one
// of another tenant's, or none at all): it would reach nobody, in silence.
func (s *Service) checkUnits(ctx context.Context, tenantID int64, t Target) error {
	if len(t.UnitIDs) == 0 {
		return nil
	}
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return err
	}
	for _, id := range t.UnitIDs {
		if !slices.ContainsFunc(units, func(u *org.Unit) bool { return u.ID == id }) {
			var v apperr.Validation
			v.Add("unit_ids", "field.choice", nil)
			return v.Err()
		}
	}
	return nil
}

// Create saves a new survey as a draft. A post-trial survey linked to a
// pre-trial one shares its pseudonym key. Audited as "survey.create".
func (s *Service) Create(ctx context.Context, tenantID int64, actor audit.Actor, d Draft) (int64, error) {
	if err := d.Validate(); err != nil {
		return 0, err
	}
	if err := s.checkUnits(ctx, tenantID, d.Target); err != nil {
		return 0, err
	}
	sv := Survey{TenantID: tenantID, Kind: d.Kind, Title: d.Title, Description: d.Description, PreID: d.PreID,
		OpensOn: d.OpensOn, ClosesOn: d.ClosesOn, Target: d.Target, Questions: d.Questions(), Status: StatusDraft,
		ShowFreeText: d.ShowFreeText, CreatedAt: s.now(), Version: 1}
	err := s.st.InSurveyTx(ctx, func(tx Tx) error {
		key, err := s.checkPre(ctx, tx, tenantID, &d)
		if err != nil {
			return err
		}
		if key == "" {
			if key, err = newKey(); err != nil {
				return err
			}
		}
		if key, err = (sealedKeys{s.keys}).Seal(tenantID, key); err != nil {
			return err
		}
		if err := tx.InsertSurvey(ctx, &sv, key); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "survey.create", ObjectType: "survey",
			ObjectID: strconv.FormatInt(sv.ID, 10), After: auditView(&sv)})
	})
	return sv.ID, err
}

// Update changes a draft survey's design and schedule. Audited as
// "survey.update".
func (s *Service) Update(ctx context.Context, tenantID int64, actor audit.Actor, id, version int64, d Draft) error {
	if err := s.checkUnits(ctx, tenantID, d.Target); err != nil {
		return err
	}
	return s.st.InSurveyTx(ctx, func(tx Tx) error {
		sv, _, err := tx.FindSurvey(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if err := d.Validate(); err != nil {
			return err
		}
		if sv.Version != version {
			return apperr.ConflictStale()
		}
		if sv.Status != StatusDraft {
			return apperr.New(apperr.Conflict, "survey.not_draft")
		}
		if d.Kind != sv.Kind || d.PreID != sv.PreID {
			var v apperr.Validation
			v.Add("survey_kind", "field.survey_kind_fixed", nil)
			return v.Err()
		}
		before := auditView(&sv)
		sv.Title, sv.Description, sv.OpensOn, sv.ClosesOn = d.Title, d.Description, d.OpensOn, d.ClosesOn
		sv.Target, sv.Questions, sv.ShowFreeText = d.Target, d.Questions(), d.ShowFreeText
		if err := tx.UpdateSurveyRow(ctx, &sv); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "survey.update", ObjectType: "survey",
			ObjectID: strconv.FormatInt(id, 10), Before: before, After: auditView(&sv)})
	})
}

// Open lets the target group answer (from the opening date). Audited as
// "survey.open".
func (s *Service) Open(ctx context.Context, tenantID int64, actor audit.Actor, id, version int64) error {
	return s.transition(ctx, tenantID, actor, id, version, StatusDraft, StatusOpen, "survey.open")
}

// Close fixes the answers; results are published from then on. Closing a
// post-trial survey erases the pseudonym key of both surveys of the pair
// (and of a survey linked to none), so no answer can be linked to anyone
// after that. Audited as "survey.close".
func (s *Service) Close(ctx context.Context, tenantID int64, actor audit.Actor, id, version int64) error {
	return s.transition(ctx, tenantID, actor, id, version, StatusOpen, StatusClosed, "survey.close")
}

func (s *Service) transition(ctx context.Context, tenantID int64, actor audit.Actor, id, version int64, from, to Status, action string) error {
	return s.st.InSurveyTx(ctx, func(tx Tx) error {
		// The row first: a close must not commit while an answer that
		// read the survey as open is still being written (that answer
		// would land after the results were fixed).
		if err := tx.LockSurvey(ctx, tenantID, id, true); err != nil {
			return err
		}
		sv, _, err := tx.FindSurvey(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if sv.Version != version {
			return apperr.ConflictStale()
		}
		if sv.Status != from {
			return apperr.New(apperr.Conflict, "survey.not_"+string(from))
		}
		if to == StatusOpen && sv.ClosesOn < s.Today() {
			// Open, it would say 受付中 while nobody could answer.
			var v apperr.Validation
			v.Add("closes_on", "survey.closes_passed", nil)
			return v.Err()
		}
		if to == StatusOpen {
			// A target of fewer than K people can publish no result, and
			// its progress would tell whether each of them answered.
			targets, err := tx.SurveyTargetIDs(ctx, tenantID, sv.Target)
			if err != nil {
				return err
			}
			if len(targets) < K {
				var v apperr.Validation
				v.Add("target", "survey.target_too_small", map[string]any{"K": K, "Count": len(targets)})
				return v.Err()
			}
		}
		before := auditView(&sv)
		sv.Status = to
		if to == StatusClosed {
			sv.ClosedAt = s.now()
			if sv.Kind != KindPre {
				if err := tx.EraseSurveyKey(ctx, tenantID, id); err != nil {
					return err
				}
			}
			if sv.Kind == KindPost && sv.PreID != 0 {
				if err := tx.EraseSurveyKey(ctx, tenantID, sv.PreID); err != nil {
					return err
				}
			}
		}
		if err := tx.UpdateSurveyRow(ctx, &sv); err != nil {
			return err
		}
		after := auditView(&sv)
		if to == StatusClosed {
			n, drafts, err := fixAnswers(ctx, tx, tenantID, id)
			if err != nil {
				return err
			}
			after["answers"], after["drafts_deleted"] = n, drafts
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: action, ObjectType: "survey",
			ObjectID: strconv.FormatInt(id, 10), Before: before, After: after})
	})
}

// fixAnswers rewrites the submitted answer rows of a closing survey at
// once, in pseudonym order (a keyed hash: an order that means nothing),
// and deletes the drafts nobody submitted: they count nowhere, and kept
// they would stay in the database and its backups for good. It returns
// how many answers it kept and how many drafts it deleted. Each save
// wrote its row when the person sent it, so the rows' physical order and,
// on PostgreSQL, their xmin (the transaction that wrote them) followed the
// order in which people answered; matched with the time of anything else
// they did (a log line, a sign-in), that order tied answers to people.
// Rewritten in the close's transaction, all rows share its xmin and lie in
// pseudonym order.
func fixAnswers(ctx context.Context, tx Tx, tenantID, id int64) (kept, drafts int, err error) {
	rows, err := tx.SurveyAnswerRows(ctx, tenantID, id)
	if err != nil {
		return 0, 0, err
	}
	if err := tx.DeleteSurveyAnswers(ctx, tenantID, id); err != nil {
		return 0, 0, err
	}
	done := slices.DeleteFunc(rows, func(a StoredAnswer) bool { return !a.Submitted })
	return len(done), len(rows) - len(done), tx.InsertSurveyAnswers(ctx, tenantID, id, done)
}

// PreKeyKeep is how long a closed pre-trial survey keeps its pseudonym key
// for a post-trial survey to be linked to it: the trial (試行) runs for
// months, not years. After that, with no post-trial survey made or open,
// ExpireKeys erases it, so no answer of it can be linked to anyone.
const PreKeyKeep = 365 * 24 * time.Hour

// ExpireKeys erases the pseudonym keys of the tenant's pre-trial surveys
// closed more than PreKeyKeep ago that no post-trial survey in draft or
// open waits for (the periodic job calls it). Each erasure is audited as
// "survey.key_erased". It returns how many it erased.
func (s *Service) ExpireKeys(ctx context.Context, tenantID int64) (int, error) {
	all, err := s.st.FindSurveys(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	waiting := map[int64]bool{}
	for _, sv := range all {
		if sv.Kind == KindPost && sv.Status != StatusClosed {
			waiting[sv.PreID] = true
		}
	}
	n := 0
	for _, sv := range all {
		if sv.Kind != KindPre || sv.Status != StatusClosed || waiting[sv.ID] || s.now().Sub(sv.ClosedAt) < PreKeyKeep {
			continue
		}
		err := s.st.InSurveyTx(ctx, func(tx Tx) error {
			_, key, err := tx.FindSurvey(ctx, tenantID, sv.ID)
			if err != nil || key == "" {
				return err
			}
			n++
			if err := tx.EraseSurveyKey(ctx, tenantID, sv.ID); err != nil {
				return err
			}
			return tx.Audit(ctx, tenantID, audit.Actor{Label: "system:survey-keys"}, audit.Change{Action: "survey.key_erased",
				ObjectType: "survey", ObjectID: strconv.FormatInt(sv.ID, 10), After: map[string]any{"closed_at": sv.ClosedAt.Format(time.RFC3339)}})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Mine is an open survey as its target sees it.
type Mine struct {
	Survey
	Answered bool
}

// MySurveys lists the surveys open today for a staff member.
func (s *Service) MySurveys(ctx context.Context, tenantID, staffID int64) ([]Mine, error) {
	if staffID == 0 {
		return nil, nil
	}
	open, err := s.st.FindOpenSurveys(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	var out []Mine
	for _, sv := range open {
		if !sv.Due(today) {
			continue
		}
		ok, err := s.isTarget(ctx, s.st, tenantID, sv.Target, staffID)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		_, key, err := s.survey(ctx, s.st, tenantID, sv.ID)
		if errors.Is(err, ErrKeyUnopened) {
			// Listed, not answerable: one survey the server cannot open
			// must not hide the others.
			out = append(out, Mine{Survey: sv})
			continue
		}
		if err != nil {
			return nil, err
		}
		_, done, _, err := s.st.FindSurveyAnswer(ctx, tenantID, sv.ID, Pseudonym(key, tenantID, staffID))
		if err != nil {
			return nil, err
		}
		out = append(out, Mine{Survey: sv, Answered: done && key != ""})
	}
	return out, nil
}

func (s *Service) isTarget(ctx context.Context, r Reader, tenantID int64, t Target, staffID int64) (bool, error) {
	ids, err := r.SurveyTargetIDs(ctx, tenantID, t)
	if err != nil {
		return false, err
	}
	_, ok := slices.BinarySearch(ids, staffID)
	return ok, nil
}

// answerable returns the survey a staff member may answer now, and its key.
func (s *Service) answerable(ctx context.Context, r Reader, tenantID, staffID, id int64) (Survey, string, error) {
	sv, key, err := s.survey(ctx, r, tenantID, id)
	if err != nil {
		return sv, "", err
	}
	if staffID == 0 {
		return sv, "", apperr.New(apperr.Forbidden, "survey.no_staff")
	}
	// A draft is HR's alone (its title leaked to staff through the answer
	// page), and a survey that does not ask the person is as good as
	// absent for them whatever its state: both before any word of state.
	if sv.Status == StatusDraft {
		return sv, "", apperr.NotFoundErr("survey")
	}
	ok, err := s.isTarget(ctx, r, tenantID, sv.Target, staffID)
	if err != nil {
		return sv, "", err
	}
	if !ok {
		return sv, "", apperr.NotFoundErr("survey")
	}
	if !sv.Due(s.Today()) || key == "" {
		return sv, "", apperr.New(apperr.Conflict, "survey.not_open")
	}
	return sv, key, nil
}

// MyAnswer returns the survey and the person's own answer (a draft saved
// as they went, or what they submitted).
func (s *Service) MyAnswer(ctx context.Context, tenantID, staffID, id int64) (Survey, Answer, bool, error) {
	sv, key, err := s.answerable(ctx, s.st, tenantID, staffID, id)
	if err != nil {
		return sv, nil, false, err
	}
	body, submitted, found, err := s.st.FindSurveyAnswer(ctx, tenantID, id, Pseudonym(key, tenantID, staffID))
	if err != nil || !found {
		return sv, Answer{}, false, err
	}
	var a Answer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		return sv, nil, false, err
	}
	return sv, a, submitted, nil
}

// SaveAnswer stores the person's answer under their pseudonym: a draft
// (final false: saved as they go, incomplete allowed) or the submission
// (final: required questions answered). After submission the answer cannot
// change. Nothing else is written with it that names the person: whether
// someone has answered is whether their pseudonym's answer is submitted,
// known only while the key exists. No submission is audited one by one:
// an entry's exact time, next to the person's sign-in or other entries,
// would say who answered when (and, with the rows' order, what); the
// close's entry ("survey.close") records how many answers it fixed.
func (s *Service) SaveAnswer(ctx context.Context, tenantID, staffID, id int64, a Answer, final bool) error {
	return s.st.InSurveyTx(ctx, func(tx Tx) error {
		// Shared, before reading the status: a close waits for this
		// answer, or this answer waits for the close and reads it.
		if err := tx.LockSurvey(ctx, tenantID, id, false); err != nil {
			return err
		}
		sv, key, err := s.answerable(ctx, tx, tenantID, staffID, id)
		if err != nil {
			return err
		}
		pseudonym := Pseudonym(key, tenantID, staffID)
		if _, done, _, err := tx.FindSurveyAnswer(ctx, tenantID, id, pseudonym); err != nil || done {
			if err == nil {
				err = apperr.New(apperr.Conflict, "survey.already_answered")
			}
			return err
		}
		clean, err := a.Clean(sv.Questions, final)
		if err != nil {
			return err
		}
		body, err := json.Marshal(clean)
		if err != nil {
			return err
		}
		// Guarded as well: a concurrent submission may have come first.
		saved, err := tx.SaveSurveyAnswer(ctx, tenantID, id, pseudonym, string(body), final)
		if err != nil {
			return err
		}
		if !saved {
			return apperr.New(apperr.Conflict, "survey.already_answered")
		}
		return nil
	})
}

// Progress is how many people a survey reaches and how many answered:
// counts only, never who. Due is the difference of the two, not a count
// of the people in the target who have not answered: that count would
// tell whoever can move a person out of the target (人事異動, the trial
// flag) whether that person had answered.
type Progress struct {
	Targeted, Answered, Due int
	// Withheld: the target reaches fewer than K people now (moves since
	// it opened), so how many answered is not shown: with one person in
	// it, 「1人が回答済み」 would say who.
	Withheld bool
}

// Progress counts the target group and the submissions.
func (s *Service) Progress(ctx context.Context, tenantID, id int64) (Progress, error) {
	sv, _, err := s.st.FindSurvey(ctx, tenantID, id)
	if err != nil {
		return Progress{}, err
	}
	targets, err := s.st.SurveyTargetIDs(ctx, tenantID, sv.Target)
	if err != nil {
		return Progress{}, err
	}
	if len(targets) < K {
		return Progress{Targeted: len(targets), Withheld: true}, nil
	}
	done, err := s.st.SubmittedSurveyPseudonyms(ctx, tenantID, id)
	if err != nil {
		return Progress{}, err
	}
	return Progress{Targeted: len(targets), Answered: len(done), Due: max(0, len(targets)-len(done))}, nil
}

// due lists the people of an open survey's target whose answer is not
// submitted (the pseudonyms are recomputed with the key; none once it is
// erased), for the reminders only.
func (s *Service) due(ctx context.Context, tenantID int64, sv *Survey) ([]int64, error) {
	_, key, err := s.survey(ctx, s.st, tenantID, sv.ID)
	if err != nil || key == "" {
		return nil, err
	}
	targets, err := s.st.SurveyTargetIDs(ctx, tenantID, sv.Target)
	if err != nil {
		return nil, err
	}
	done, err := s.st.SubmittedSurveyPseudonyms(ctx, tenantID, sv.ID)
	if err != nil {
		return nil, err
	}
	var due []int64
	for _, id := range targets {
		if _, ok := slices.BinarySearch(done, Pseudonym(key, tenantID, id)); !ok {
			due = append(due, id)
		}
	}
	return due, nil
}

// Reminder is one open survey's people who have not answered yet, for the
// notification outbox (issue 11) to deliver. StaffIDs never leave the
// server's job: no page or API shows them, only Due.
type Reminder struct {
	TenantID, SurveyID int64
	Title, ClosesOn    string
	Due                int
	StaffIDs           []int64
}

// Reminders lists, for each survey of the tenant open today, who is due.
// The periodic job calls it and hands each reminder to the outbox.
func (s *Service) Reminders(ctx context.Context, tenantID int64) ([]Reminder, error) {
	open, err := s.st.FindOpenSurveys(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	var out []Reminder
	for i := range open {
		sv := &open[i]
		if !sv.Due(today) {
			continue
		}
		due, err := s.due(ctx, tenantID, sv)
		if errors.Is(err, ErrKeyUnopened) {
			continue // said at start-up (ReSealKeys); the others still go
		}
		if err != nil {
			return nil, err
		}
		if len(due) > 0 {
			out = append(out, Reminder{TenantID: tenantID, SurveyID: sv.ID, Title: sv.Title, ClosesOn: sv.ClosesOn, Due: len(due), StaffIDs: due})
		}
	}
	return out, nil
}

// Results are a closed survey's k-safe tables.
type Results struct {
	Survey Survey
	*Dataset
}

func (s *Service) answers(ctx context.Context, tenantID, id int64) (map[string]Answer, error) {
	bodies, err := s.st.FindSurveyAnswers(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Answer, len(bodies))
	for p, b := range bodies {
		var a Answer
		if err := json.Unmarshal([]byte(b), &a); err != nil {
			return nil, err
		}
		out[p] = a
	}
	return out, nil
}

func values(m map[string]Answer) []Answer {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // pseudonyms: an order that means nothing
	out := make([]Answer, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// Results tabulates a closed survey (its answers are fixed, so asking
// again later shows the same counts).
func (s *Service) Results(ctx context.Context, tenantID, id int64, locale string) (*Results, error) {
	sv, _, err := s.st.FindSurvey(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	if sv.Status != StatusClosed {
		return nil, apperr.New(apperr.Conflict, "survey.not_closed")
	}
	key := cacheKey{tenantID, id, 0, locale}
	if d := s.cache.get(key); d != nil {
		return &Results{Survey: sv, Dataset: d}, nil
	}
	ans, err := s.answers(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	d := NewDataset(sv.Questions, values(ans), locale)
	s.cache.put(key, d)
	return &Results{Survey: sv, Dataset: d}, nil
}

// Comparison is the pre/post comparison of a closed post-trial survey.
type Comparison struct {
	Pre, Post Survey
	*Dataset
	Items []Question
}

// Compare pairs the answers of a closed post-trial survey with those of
// its closed pre-trial survey through the pseudonyms.
func (s *Service) Compare(ctx context.Context, tenantID, postID int64, locale string) (*Comparison, error) {
	post, _, err := s.st.FindSurvey(ctx, tenantID, postID)
	if err != nil {
		return nil, err
	}
	if post.Kind != KindPost || post.PreID == 0 {
		return nil, apperr.New(apperr.Conflict, "survey.no_pre")
	}
	pre, _, err := s.st.FindSurvey(ctx, tenantID, post.PreID)
	if err != nil {
		return nil, err
	}
	if post.Status != StatusClosed || pre.Status != StatusClosed {
		return nil, apperr.New(apperr.Conflict, "survey.not_closed")
	}
	items := Compared(pre.Questions, post.Questions)
	key := cacheKey{tenantID, postID, pre.ID, locale}
	if d := s.cache.get(key); d != nil {
		return &Comparison{Pre: pre, Post: post, Items: items, Dataset: d}, nil
	}
	postAns, err := s.answers(ctx, tenantID, postID)
	if err != nil {
		return nil, err
	}
	preAns, err := s.answers(ctx, tenantID, pre.ID)
	if err != nil {
		return nil, err
	}
	var pairs []Pair
	for _, p := range slices.Sorted(maps.Keys(postAns)) {
		if a, ok := preAns[p]; ok {
			pairs = append(pairs, Pair{Pre: a, Post: postAns[p]})
		}
	}
	pd := NewDataset(post.Questions, values(postAns), locale)
	d := NewComparison(pd, post.Questions, items, pairs, len(preAns), locale)
	s.cache.put(key, d)
	return &Comparison{Pre: pre, Post: post, Items: items, Dataset: d}, nil
}
