package emergency

import (
	"context"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
)

// Store is what the service reads, and its transactions.
type Store interface {
	InEmergencyTx(ctx context.Context, fn func(Tx) error) error
	// FindEmergencies lists the tenant's emergencies whose period meets
	// from..to (zero dates: no bound), latest first.
	FindEmergencies(ctx context.Context, tenantID int64, from, to calendar.Date) ([]Emergency, error)
	FindEmergency(ctx context.Context, tenantID, id int64) (Emergency, error)
}

// Tx is what one emergency action writes.
type Tx interface {
	FindEmergency(ctx context.Context, tenantID, id int64) (Emergency, error)
	// InsertEmergency stores e with its units (NotFound for a unit of
	// another tenant) and returns its id.
	InsertEmergency(ctx context.Context, tenantID int64, e Emergency) (int64, error)
	// EndEmergency sets the end, at the version read (Stale otherwise).
	EndEmergency(ctx context.Context, tenantID, id, version int64, to calendar.Date, at time.Time, by string) error
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Service declares, lists and ends emergencies. The routes allow HR only
// to declare and end; everyone signed in reads those in force (the banner).
type Service struct {
	st  Store
	now func() time.Time
}

// NewService returns the service over st; now is the clock.
func NewService(st Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: now}
}

// Today is the civil date in Tokyo.
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.now().In(calendar.Tokyo)) }

// Declare stores an emergency; audited as "emergency.declare".
func (s *Service) Declare(ctx context.Context, tenantID int64, actor audit.Actor, d Declaration) (Emergency, error) {
	if err := d.Validate(s.Today()); err != nil {
		return Emergency{}, err
	}
	e := Emergency{Kind: d.Kind, Title: d.Title, From: d.From, To: d.To, PlannedTo: d.To, UnitIDs: d.UnitIDs, Rules: d.Rules,
		DeclaredAt: s.now(), DeclaredBy: actor.Label, Version: 1}
	err := s.st.InEmergencyTx(ctx, func(tx Tx) error {
		var err error
		if e.ID, err = tx.InsertEmergency(ctx, tenantID, e); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "emergency.declare", ObjectType: "emergency",
			ObjectID: strconv.FormatInt(e.ID, 10), After: e.AuditView()})
	})
	if err != nil {
		return Emergency{}, err
	}
	return s.st.FindEmergency(ctx, tenantID, e.ID)
}

// End ends an emergency today: its rules apply up to and including today,
// as the page's button 「今日で終了する」 says (an emergency not yet begun
// is cancelled: it never applies). It used to end one at yesterday, so
// ending one on its first day recorded it as cancelled before it began —
// although applications had been decided under it that day. Applications already decided
// under its rules are not touched. Ending one already ended, or past, is
// a Conflict. Audited as "emergency.end".
func (s *Service) End(ctx context.Context, tenantID int64, actor audit.Actor, id, version int64) (Emergency, error) {
	today := s.Today()
	err := s.st.InEmergencyTx(ctx, func(tx Tx) error {
		e, err := tx.FindEmergency(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if version != 0 && version != e.Version {
			return apperr.ConflictStale()
		}
		if e.Ended() || e.To.Before(today) {
			return apperr.New(apperr.Conflict, "emergency.already_over")
		}
		before := e.AuditView()
		to := today
		if today.Before(e.From) {
			to = e.From.AddDays(-1)
		}
		if err := tx.EndEmergency(ctx, tenantID, id, e.Version, to, s.now(), actor.Label); err != nil {
			return err
		}
		e.To, e.EndedAt = to, s.now()
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "emergency.end", ObjectType: "emergency",
			ObjectID: strconv.FormatInt(id, 10), Before: before, After: e.AuditView()})
	})
	if err != nil {
		return Emergency{}, err
	}
	return s.st.FindEmergency(ctx, tenantID, id)
}

// List lists every emergency, latest first.
func (s *Service) List(ctx context.Context, tenantID int64) ([]Emergency, error) {
	return s.st.FindEmergencies(ctx, tenantID, calendar.Date{}, calendar.Date{})
}

// Get reads one.
func (s *Service) Get(ctx context.Context, tenantID, id int64) (Emergency, error) {
	return s.st.FindEmergency(ctx, tenantID, id)
}

// Current lists those in force today or declared for a later day, for the
// banner: soonest end first.
func (s *Service) Current(ctx context.Context, tenantID int64) ([]Emergency, error) {
	today := s.Today()
	es, err := s.st.FindEmergencies(ctx, tenantID, today, calendar.Date{})
	if err != nil {
		return nil, err
	}
	var out []Emergency
	for _, e := range es {
		if !e.Cancelled() {
			out = append(out, e)
		}
	}
	return out, nil
}
