package roadmap

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"telework/internal/apperr"
	"telework/internal/attach"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/invisible"
	"telework/internal/org"
)

// Reader reads a tenant's roadmap.
type Reader interface {
	// FindRoadmapSteps lists the steps the tenant has saved, by number.
	FindRoadmapSteps(ctx context.Context, tenantID int64) ([]Step, error)
	// FindRoadmapChecks lists the checklist items the tenant has saved
	// (without their files).
	FindRoadmapChecks(ctx context.Context, tenantID int64) ([]Check, error)
	// FindRoadmapEvidence lists the files attached to checklist items,
	// without their data, oldest first.
	FindRoadmapEvidence(ctx context.Context, tenantID int64) ([]attach.File, error)
	// FindRoadmapReviewSettings reads the review cadence (ok false: none).
	FindRoadmapReviewSettings(ctx context.Context, tenantID int64) (ReviewSettings, bool, error)
	// FindRoadmapReviews lists the reviews held, newest first.
	FindRoadmapReviews(ctx context.Context, tenantID int64) ([]Review, error)
	// FindTrialFile reads one attached file with its data; NotFound when
	// the tenant has none with that id.
	FindTrialFile(ctx context.Context, tenantID, id int64) (attach.File, error)
}

// Store is what the service reads and runs its transactions on;
// internal/store implements it.
type Store interface {
	Reader
	// FindTenants lists every tenant (the reminder job visits each).
	FindTenants(ctx context.Context) ([]*org.Tenant, error)
	// ClaimJobRun claims one run of a periodic job; one caller wins.
	ClaimJobRun(ctx context.Context, job, key, node string) (bool, error)
	// FinishJobRun marks a claimed run as done (else it is taken over
	// after the store's lease and run again).
	FinishJobRun(ctx context.Context, job, key string) error
	InRoadmapTx(ctx context.Context, fn func(Tx) error) error
}

// Tx is what one roadmap change writes, with its audit entry.
type Tx interface {
	Reader
	// SaveRoadmapStep inserts (Version 0) or updates the step at its
	// Version; a stale version is a Conflict (error.stale).
	SaveRoadmapStep(ctx context.Context, tenantID int64, s Step, at time.Time) error
	// SaveRoadmapCheck inserts (Version 0) or updates the item at its
	// Version; a stale version is a Conflict (error.stale).
	SaveRoadmapCheck(ctx context.Context, tenantID int64, c Check) error
	// InsertTrialFile stores an attached file and returns its id.
	InsertTrialFile(ctx context.Context, tenantID int64, f attach.File) (int64, error)
	// DeleteTrialFile removes an attached file and returns it (without
	// data); NotFound when there is none.
	DeleteTrialFile(ctx context.Context, tenantID, id int64) (attach.File, error)
	// SaveRoadmapReviewSettings writes the review cadence.
	SaveRoadmapReviewSettings(ctx context.Context, tenantID int64, s ReviewSettings) error
	// InsertRoadmapReview records a review and returns its id.
	InsertRoadmapReview(ctx context.Context, tenantID int64, r Review) (int64, error)
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// ReviewNotifier delivers a PDCA review reminder inside the reminder's
// transaction (so that an outbox row commits with it). The notification
// outbox arrives with issue 11: app wires it through SetReviewNotifier;
// until then the reminder is the audit entry and the banner on the
// roadmap pages.
// overdue says the date has passed (the reminder's wording says so).
type ReviewNotifier func(ctx context.Context, tx Tx, tenantID int64, due calendar.Date, overdue bool) error

// Service holds the roadmap workflows. Handlers call it; it never sees
// HTTP.
type Service struct {
	st     Store
	now    func() time.Time
	notify ReviewNotifier
}

// NewService returns the service over st; now is the clock.
func NewService(st Store, now func() time.Time) *Service { return &Service{st: st, now: now} }

// SetReviewNotifier sets the hook that delivers review reminders.
func (s *Service) SetReviewNotifier(n ReviewNotifier) { s.notify = n }

// Today is the current date in Japan.
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.now()) }

// Board reads the tenant's whole roadmap: all 10 steps (those never saved
// as not started), every checklist item with its files, the reviews.
func (s *Service) Board(ctx context.Context, tenantID int64) (Board, error) {
	return loadBoard(ctx, s.st, tenantID)
}

func loadBoard(ctx context.Context, r Reader, tenantID int64) (Board, error) {
	b := Board{Steps: make([]Step, len(Steps)), Checks: map[string]Check{}}
	for i := range b.Steps {
		b.Steps[i] = Step{N: i + 1, Status: NotStarted}
	}
	saved, err := r.FindRoadmapSteps(ctx, tenantID)
	if err != nil {
		return b, err
	}
	for _, st := range saved {
		if st.N >= 1 && st.N <= len(Steps) {
			b.Steps[st.N-1] = st
		}
	}
	checks, err := r.FindRoadmapChecks(ctx, tenantID)
	if err != nil {
		return b, err
	}
	for _, c := range checks {
		b.Checks[c.Item] = c
	}
	files, err := r.FindRoadmapEvidence(ctx, tenantID)
	if err != nil {
		return b, err
	}
	for _, f := range files {
		c := b.Checks[f.Owner.CheckItem]
		c.Item = f.Owner.CheckItem
		c.Files = append(c.Files, f)
		b.Checks[c.Item] = c
	}
	if b.Settings, _, err = r.FindRoadmapReviewSettings(ctx, tenantID); err != nil {
		return b, err
	}
	b.Reviews, err = r.FindRoadmapReviews(ctx, tenantID)
	return b, err
}

// SaveStep saves one step's owners, status, dates and note (the page's
// form, which sends them all). st.Version is the version the person read
// (0 for a step never saved); a save that changes nothing writes nothing.
// Audited as "roadmap.step_update".
func (s *Service) SaveStep(ctx context.Context, tenantID int64, actor audit.Actor, st Step) (Step, error) {
	return s.saveStep(ctx, tenantID, actor, st.N, st.Version, func(Step) Step { return st })
}

// StepUpdate changes some of a step's fields: a nil member keeps the
// stored value, a non-nil one replaces it (an empty list or date clears).
type StepUpdate struct {
	N                                int
	Owners                           *[]Owner
	Status                           *Status
	PlannedStart, PlannedEnd, DoneOn *calendar.Date
	Note                             *string
	Version                          int64 // as read; 0 for a step never saved
}

// over is the stored step with u's members put over it. A done date not
// given stays while the step stays done (one becoming done gets today
// through Validate) and goes when it no longer is.
func (u StepUpdate) over(old Step) Step {
	st := old
	setIf(&st.Owners, u.Owners)
	setIf(&st.Status, u.Status)
	setIf(&st.PlannedStart, u.PlannedStart)
	setIf(&st.PlannedEnd, u.PlannedEnd)
	setIf(&st.DoneOn, u.DoneOn)
	setIf(&st.Note, u.Note)
	if u.DoneOn == nil && st.Status != Done {
		st.DoneOn = calendar.Date{}
	}
	return st
}

func setIf[T any](dst, src *T) {
	if src != nil {
		*dst = *src
	}
}

// UpdateStep is SaveStep of the members u gives, the others as stored (the
// API), merged inside the transaction over the version u.Version names.
func (s *Service) UpdateStep(ctx context.Context, tenantID int64, actor audit.Actor, u StepUpdate) (Step, error) {
	return s.saveStep(ctx, tenantID, actor, u.N, u.Version, u.over)
}

// saveStep saves step n as change makes it from the stored one, if the
// stored one is at version.
func (s *Service) saveStep(ctx context.Context, tenantID int64, actor audit.Actor, n int, version int64, change func(old Step) Step) (Step, error) {
	if n < 1 || n > len(Steps) {
		var v apperr.Validation
		v.Add("step", "field.range", map[string]any{"Min": 1, "Max": len(Steps)})
		return Step{N: n}, v.Err()
	}
	var st Step
	err := s.st.InRoadmapTx(ctx, func(tx Tx) error {
		b, err := loadBoard(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		old := b.Steps[n-1]
		st = change(old)
		st.N, st.Version = n, version
		if err := st.Validate(s.Today()); err != nil {
			return err
		}
		if old.Version != version {
			return apperr.ConflictStale()
		}
		if sameStep(old, st) {
			st = old
			return nil
		}
		st.UpdatedAt, st.UpdatedBy = s.now(), actor.Label
		if err := tx.SaveRoadmapStep(ctx, tenantID, st, st.UpdatedAt); err != nil {
			return err
		}
		st.Version++
		var before any
		if old.Version > 0 {
			before = old.AuditView()
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "roadmap.step_update", ObjectType: "roadmap_step",
			ObjectID: strconv.Itoa(st.N), Before: before, After: st.AuditView()})
	})
	return st, err
}

func sameStep(a, b Step) bool {
	return a.Version > 0 && a.Status == b.Status && a.PlannedStart == b.PlannedStart && a.PlannedEnd == b.PlannedEnd &&
		a.DoneOn == b.DoneOn && a.Note == b.Note && strings.Join(ownerStrings(a.Owners), ",") == strings.Join(ownerStrings(b.Owners), ",")
}

func ownerStrings(os []Owner) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = string(o)
	}
	return out
}

// SetCheck ticks or unticks a checklist item with an optional note (the
// evidence in words); version is the item's version as read (0 for an
// item never saved). Who did it is recorded on the item. Audited as
// "roadmap.check".
func (s *Service) SetCheck(ctx context.Context, tenantID int64, actor audit.Actor, item string, done bool, note string, version int64) (Check, error) {
	c := Check{Item: item, Done: done, Note: strings.TrimSpace(note), Version: version}
	var v apperr.Validation
	if _, ok := ItemByCode(item); !ok {
		v.Add("item", "field.choice", nil)
	}
	invisible.Optional(&v, "note", c.Note, MaxNote, true, nil)
	if err := v.Err(); err != nil {
		return c, err
	}
	err := s.st.InRoadmapTx(ctx, func(tx Tx) error {
		b, err := loadBoard(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		old := b.Checks[item]
		if old.Version != version {
			return apperr.ConflictStale()
		}
		if old.Version > 0 && old.Done == c.Done && old.Note == c.Note {
			c = old
			return nil
		}
		c.CheckedBy, c.CheckedAt, c.Files = actor.Label, s.now(), old.Files
		if err := tx.SaveRoadmapCheck(ctx, tenantID, c); err != nil {
			return err
		}
		c.Version++
		var before any
		if old.Version > 0 {
			before = old.AuditView()
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "roadmap.check", ObjectType: "roadmap_check",
			ObjectID: item, Before: before, After: c.AuditView()})
	})
	return c, err
}

// AttachEvidence attaches a file to a checklist item as its evidence.
// Audited as "roadmap.evidence_add" (name, size and digest, never the
// content).
func (s *Service) AttachEvidence(ctx context.Context, tenantID int64, actor audit.Actor, item, name string, data []byte) (attach.File, error) {
	if _, ok := ItemByCode(item); !ok {
		var v apperr.Validation
		v.Add("item", "field.choice", nil)
		return attach.File{}, v.Err()
	}
	f, err := attach.New("file", name, data, attach.Owner{CheckItem: item}, actor.Label, s.now())
	if err != nil {
		return f, err
	}
	err = s.st.InRoadmapTx(ctx, func(tx Tx) error {
		if f.ID, err = tx.InsertTrialFile(ctx, tenantID, f); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "roadmap.evidence_add", ObjectType: "roadmap_check",
			ObjectID: item, After: f.AuditView()})
	})
	return f, err
}

// Evidence reads one evidence file with its data; NotFound for a file of
// another tenant or one that is not roadmap evidence.
func (s *Service) Evidence(ctx context.Context, tenantID, id int64) (attach.File, error) {
	f, err := s.st.FindTrialFile(ctx, tenantID, id)
	if err == nil && f.Owner.CheckItem == "" {
		return attach.File{}, apperr.NotFoundErr("file")
	}
	return f, err
}

// RemoveEvidence deletes an evidence file. Audited as
// "roadmap.evidence_remove".
func (s *Service) RemoveEvidence(ctx context.Context, tenantID int64, actor audit.Actor, id int64) error {
	return s.st.InRoadmapTx(ctx, func(tx Tx) error {
		f, err := tx.FindTrialFile(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if f.Owner.CheckItem == "" {
			return apperr.NotFoundErr("file")
		}
		if _, err := tx.DeleteTrialFile(ctx, tenantID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "roadmap.evidence_remove", ObjectType: "roadmap_check",
			ObjectID: f.Owner.CheckItem, Before: f.AuditView()})
	})
}

// SetReviewCadence sets how often the PDCA review (Step 10, 図表12) is
// held and the date of the next one. Audited as "roadmap.review_cadence".
func (s *Service) SetReviewCadence(ctx context.Context, tenantID int64, actor audit.Actor, months int, next calendar.Date) error {
	var v apperr.Validation
	CheckInterval(&v, months)
	if next.IsZero() {
		v.Add("next_on", "field.date", nil)
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.st.InRoadmapTx(ctx, func(tx Tx) error {
		old, had, err := tx.FindRoadmapReviewSettings(ctx, tenantID)
		if err != nil {
			return err
		}
		set := ReviewSettings{IntervalMonths: months, NextOn: next, RemindedFor: old.RemindedFor, OverdueRemindedFor: old.OverdueRemindedFor}
		if had && old.IntervalMonths == months && old.NextOn == next {
			return nil
		}
		if err := tx.SaveRoadmapReviewSettings(ctx, tenantID, set); err != nil {
			return err
		}
		var before any
		if had {
			before = map[string]any{"interval_months": old.IntervalMonths, "next_on": old.NextOn.String()}
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "roadmap.review_cadence", ObjectType: "roadmap_review",
			ObjectID: "settings", Before: before, After: map[string]any{"interval_months": months, "next_on": next.String()}})
	})
}

// CheckInterval adds the error of a review interval outside 1–12 months
// to v: the forms and the API check it with the date they read, so that
// both are reported at once.
func CheckInterval(v *apperr.Validation, months int) {
	if (months < MinInterval || months > MaxInterval) && !v.Has("interval_months") {
		v.Add("interval_months", "field.range", map[string]any{"Min": MinInterval, "Max": MaxInterval})
	}
}

// RecordReview records a review held on heldOn (not in the future) with
// its note; with a cadence set, the next review moves to heldOn plus the
// interval. Audited as "roadmap.review".
func (s *Service) RecordReview(ctx context.Context, tenantID int64, actor audit.Actor, heldOn calendar.Date, note string) (Review, error) {
	r := Review{HeldOn: heldOn, Note: strings.TrimSpace(note), RecordedBy: actor.Label, RecordedAt: s.now()}
	var v apperr.Validation
	if heldOn.IsZero() {
		v.Add("held_on", "field.date", nil)
	} else if s.Today().Before(heldOn) {
		v.Add("held_on", "field.trial_not_future", nil)
	}
	invisible.Optional(&v, "note", r.Note, MaxNote, true, nil)
	if err := v.Err(); err != nil {
		return r, err
	}
	err := s.st.InRoadmapTx(ctx, func(tx Tx) error {
		var err error
		if r.ID, err = tx.InsertRoadmapReview(ctx, tenantID, r); err != nil {
			return err
		}
		after := map[string]any{"held_on": heldOn.String(), "note_chars": utf8.RuneCountInString(r.Note)}
		set, had, err := tx.FindRoadmapReviewSettings(ctx, tenantID)
		if err != nil {
			return err
		}
		if had {
			if next := AddMonths(heldOn, set.IntervalMonths); set.NextOn.Before(next) {
				set.NextOn = next
				if err := tx.SaveRoadmapReviewSettings(ctx, tenantID, set); err != nil {
					return err
				}
				after["next_on"] = next.String()
			}
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "roadmap.review", ObjectType: "roadmap_review",
			ObjectID: strconv.FormatInt(r.ID, 10), After: after})
	})
	return r, err
}

// ReminderJob is the reminder job's name in job_runs.
const ReminderJob = "roadmap_review_reminder"

// ReminderResult is what one run of the reminder job did.
type ReminderResult struct {
	Day      calendar.Date
	Ran      bool
	Reminded []int64 // tenant ids
}

// RunReviewReminders sends, once per Tokyo day on any number of nodes,
// the reminders due (ReviewSettings.ReminderDue): for each review date,
// one from ReminderLeadDays days before it ("approaching") and one after
// it has passed without a review recorded ("overdue"), each once. Before,
// the only reminder went out once the date had come, saying it was
// approaching. In one transaction per tenant: the delivery hook (see
// ReviewNotifier) and a "roadmap.review_reminder" audit entry by the
// system. The roadmap pages show a due review whether or not it was sent.
func (s *Service) RunReviewReminders(ctx context.Context, node string) (ReminderResult, error) {
	res := ReminderResult{Day: s.Today()}
	ok, err := s.st.ClaimJobRun(ctx, ReminderJob, res.Day.String(), node)
	if err != nil || !ok {
		return res, err
	}
	res.Ran = true
	tenants, err := s.st.FindTenants(ctx)
	if err != nil {
		return res, err
	}
	for _, t := range tenants {
		err := s.st.InRoadmapTx(ctx, func(tx Tx) error {
			set, had, err := tx.FindRoadmapReviewSettings(ctx, t.ID)
			if err != nil || !had {
				return err
			}
			which := set.ReminderDue(res.Day)
			if which == "" {
				return nil
			}
			overdue := which == "overdue"
			if s.notify != nil {
				if err := s.notify(ctx, tx, t.ID, set.NextOn, overdue); err != nil {
					return err
				}
			}
			// The overdue one stands for the approaching one too: a date
			// first reminded after it passed is not "approaching".
			set.RemindedFor = set.NextOn
			if overdue {
				set.OverdueRemindedFor = set.NextOn
			}
			if err := tx.SaveRoadmapReviewSettings(ctx, t.ID, set); err != nil {
				return err
			}
			res.Reminded = append(res.Reminded, t.ID)
			return tx.Audit(ctx, t.ID, audit.Actor{Label: "system:roadmap"}, audit.Change{Action: "roadmap.review_reminder",
				ObjectType: "roadmap_review", ObjectID: "settings", After: map[string]any{"due": set.NextOn.String(), "overdue": overdue}})
		})
		if err != nil {
			return res, err
		}
	}
	return res, s.st.FinishJobRun(ctx, ReminderJob, res.Day.String())
}
