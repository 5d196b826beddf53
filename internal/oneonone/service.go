package oneonone

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/secretkey"
)

// Reader is what the 1on1 workflows read.
type Reader interface {
	FindOneOnOnePair(ctx context.Context, tenantID, id int64) (Pair, error)
	// OneOnOneStaffActive reports whether a current staff member exists
	// in the tenant (NotFound otherwise).
	OneOnOneStaffActive(ctx context.Context, tenantID, staffID int64) error
}

// Store is what the service reads and runs transactions on.
type Store interface {
	Reader
	// FindOneOnOnePairs lists the pairs one staff member belongs to (0:
	// every pair of the tenant, for counts).
	FindOneOnOnePairs(ctx context.Context, tenantID, staffID int64) ([]Pair, error)
	// FindOneOnOneMeetings lists a pair's meetings, newest first, with
	// their bodies sealed.
	FindOneOnOneMeetings(ctx context.Context, tenantID, pairID int64) ([]SealedMeeting, error)
	// CountOneOnOneMeetingsSince counts the tenant's meetings held on or
	// after a date.
	CountOneOnOneMeetingsSince(ctx context.Context, tenantID int64, since string) (int, error)
	// OneOnOneStoredBodies lists every meeting's sealed body (all
	// tenants), for the start-up re-seal.
	OneOnOneStoredBodies(ctx context.Context) ([]StoredBody, error)
	// ReplaceOneOnOneBody writes next over a meeting's body while it is
	// still old (a save in between wins).
	ReplaceOneOnOneBody(ctx context.Context, tenantID, id int64, old, next string) error
	InOneOnOneTx(ctx context.Context, fn func(Tx) error) error
}

// StoredBody is one meeting's body as the database holds it.
type StoredBody struct {
	TenantID, ID, PairID int64
	Stored               string
}

// Tx is what one 1on1 action writes with its audit entry.
type Tx interface {
	Reader
	InsertOneOnOnePair(ctx context.Context, p *Pair) error
	UpdateOneOnOnePairRow(ctx context.Context, p *Pair) error
	FindOneOnOneMeeting(ctx context.Context, tenantID, id int64) (SealedMeeting, error)
	InsertOneOnOneMeeting(ctx context.Context, tenantID int64, m *SealedMeeting, at time.Time) error
	UpdateOneOnOneMeetingRow(ctx context.Context, tenantID int64, m *SealedMeeting, at time.Time) error
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// SealedMeeting is a meeting as stored: the log body is ciphertext.
type SealedMeeting struct {
	ID, PairID int64
	HeldOn     string
	Mode       Mode
	Body       string
	Version    int64
}

// Service holds the 1on1 workflows.
type Service struct {
	st   Store
	now  func() time.Time
	keys *Keys
}

// NewService returns the service over st; logs need SetKeys.
func NewService(st Store, now func() time.Time) *Service { return &Service{st: st, now: now} }

// SetKeys gives the service the server's key for log bodies.
func (s *Service) SetKeys(k *Keys) { s.keys = k }

// HasKey reports whether logs can be written and read.
func (s *Service) HasKey() bool { return s.keys != nil }

// Today is the date in Japan.
func (s *Service) Today() string { return s.now().In(jst).Format("2006-01-02") }

func pairView(p *Pair) map[string]any {
	return map[string]any{"lead_id": p.LeadID, "member_id": p.MemberID, "cadence_days": p.CadenceDays, "minutes": p.Minutes,
		"mode": p.Mode, "active": p.Active}
}

// meetingView is what the audit log shows of a meeting: never the log.
func meetingView(m *SealedMeeting) map[string]any {
	return map[string]any{"pair_id": m.PairID, "held_on": m.HeldOn, "mode": m.Mode}
}

// CreatePair makes a pair. Anyone may pair themselves with a colleague;
// HR may pair any two people (hr). Audited as "oneonone.pair_create".
func (s *Service) CreatePair(ctx context.Context, tenantID int64, actor audit.Actor, actorStaff int64, hr bool, p Pair) (int64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	if !hr && !p.Has(actorStaff) {
		return 0, apperr.Forbid()
	}
	p.TenantID, p.Active, p.CreatedAt, p.Version = tenantID, true, s.now(), 1
	err := s.st.InOneOnOneTx(ctx, func(tx Tx) error {
		for field, id := range map[string]int64{"lead_id": p.LeadID, "member_id": p.MemberID} {
			if err := tx.OneOnOneStaffActive(ctx, tenantID, id); apperr.CodeOf(err) == apperr.NotFound {
				var v apperr.Validation
				v.Add(field, "field.oneonone_staff", nil)
				return v.Err()
			} else if err != nil {
				return err
			}
		}
		if err := tx.InsertOneOnOnePair(ctx, &p); apperr.CodeOf(err) == apperr.Conflict {
			var v apperr.Validation
			v.Add("member_id", "field.oneonone_pair_exists", nil)
			return v.Err()
		} else if err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "oneonone.pair_create", ObjectType: "oneonone_pair",
			ObjectID: strconv.FormatInt(p.ID, 10), After: pairView(&p)})
	})
	return p.ID, err
}

// UpdatePair changes a pair's cadence, length, mode or activity; one of
// the two (or HR) may. Audited as "oneonone.pair_update".
func (s *Service) UpdatePair(ctx context.Context, tenantID int64, actor audit.Actor, actorStaff int64, hr bool, id, version int64, cadence, minutes int, mode Mode, active bool) error {
	return s.st.InOneOnOneTx(ctx, func(tx Tx) error {
		p, err := tx.FindOneOnOnePair(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if !hr && !p.Has(actorStaff) {
			return apperr.NotFoundErr("oneonone_pair")
		}
		if p.Version != version {
			return apperr.ConflictStale()
		}
		before := pairView(&p)
		p.CadenceDays, p.Minutes, p.Mode, p.Active = cadence, minutes, mode, active
		if err := p.Validate(); err != nil {
			return err
		}
		if err := tx.UpdateOneOnOnePairRow(ctx, &p); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "oneonone.pair_update", ObjectType: "oneonone_pair",
			ObjectID: strconv.FormatInt(id, 10), Before: before, After: pairView(&p)})
	})
}

// MyPairs lists the pairs a staff member belongs to.
func (s *Service) MyPairs(ctx context.Context, tenantID, staffID int64) ([]Pair, error) {
	if staffID == 0 {
		return nil, nil
	}
	return s.st.FindOneOnOnePairs(ctx, tenantID, staffID)
}

// Pair returns a pair to one of its two people; to anyone else it does
// not exist.
func (s *Service) Pair(ctx context.Context, tenantID, staffID, id int64) (Pair, error) {
	p, err := s.st.FindOneOnOnePair(ctx, tenantID, id)
	if err != nil {
		return p, err
	}
	if !p.Has(staffID) {
		return Pair{}, apperr.NotFoundErr("oneonone_pair")
	}
	return p, nil
}

// PairFor returns a pair just made by its creator (who may be HR, not one
// of the two): its settings and names, never a log.
func (s *Service) PairFor(ctx context.Context, tenantID, id int64) (Pair, error) {
	return s.st.FindOneOnOnePair(ctx, tenantID, id)
}

// Meetings opens a pair's logs for one of its two people.
func (s *Service) Meetings(ctx context.Context, tenantID, staffID, pairID int64) (Pair, []Meeting, error) {
	p, err := s.Pair(ctx, tenantID, staffID, pairID)
	if err != nil {
		return p, nil, err
	}
	sealed, err := s.st.FindOneOnOneMeetings(ctx, tenantID, pairID)
	if err != nil {
		return p, nil, err
	}
	out := make([]Meeting, 0, len(sealed))
	for _, sm := range sealed {
		m, err := s.open(tenantID, &sm)
		if err != nil {
			return p, nil, err
		}
		out = append(out, m)
	}
	return p, out, nil
}

func (s *Service) open(tenantID int64, sm *SealedMeeting) (Meeting, error) {
	m := Meeting{ID: sm.ID, PairID: sm.PairID, HeldOn: sm.HeldOn, Mode: sm.Mode, Version: sm.Version}
	plain, err := s.keys.Open(tenantID, sm.PairID, sm.Body)
	if err == ErrNoKey {
		return m, apperr.New(apperr.Conflict, "oneonone.no_key")
	}
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(plain, &m.Log)
}

func (s *Service) seal(tenantID int64, m *Meeting) (SealedMeeting, error) {
	sm := SealedMeeting{ID: m.ID, PairID: m.PairID, HeldOn: m.HeldOn, Mode: m.Mode, Version: m.Version}
	plain, err := json.Marshal(m.Log)
	if err != nil {
		return sm, err
	}
	sm.Body, err = s.keys.Seal(tenantID, m.PairID, plain)
	if err == ErrNoKey {
		return sm, apperr.New(apperr.Conflict, "oneonone.no_key")
	}
	return sm, err
}

// SaveMeeting writes a meeting's log (new when m.ID is 0), by one of the
// two people only. Audited as "oneonone.meeting_create" or
// "oneonone.meeting_update" with the date and mode, never the log.
func (s *Service) SaveMeeting(ctx context.Context, tenantID int64, actor audit.Actor, staffID int64, m Meeting) (int64, error) {
	err := s.st.InOneOnOneTx(ctx, func(tx Tx) error {
		p, err := tx.FindOneOnOnePair(ctx, tenantID, m.PairID)
		if err != nil {
			return err
		}
		if !p.Has(staffID) {
			return apperr.NotFoundErr("oneonone_pair")
		}
		if err := m.Validate(); err != nil {
			return err
		}
		action := "oneonone.meeting_create"
		var before any
		if m.ID != 0 {
			old, err := tx.FindOneOnOneMeeting(ctx, tenantID, m.ID)
			if err != nil {
				return err
			}
			if old.PairID != m.PairID {
				return apperr.NotFoundErr("oneonone_meeting")
			}
			if old.Version != m.Version {
				return apperr.ConflictStale()
			}
			action, before = "oneonone.meeting_update", meetingView(&old)
		}
		sm, err := s.seal(tenantID, &m)
		if err != nil {
			return err
		}
		if m.ID == 0 {
			err = tx.InsertOneOnOneMeeting(ctx, tenantID, &sm, s.now())
		} else {
			err = tx.UpdateOneOnOneMeetingRow(ctx, tenantID, &sm, s.now())
		}
		if err != nil {
			return err
		}
		m.ID = sm.ID
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: action, ObjectType: "oneonone_meeting",
			ObjectID: strconv.FormatInt(sm.ID, 10), Before: before, After: meetingView(&sm)})
	})
	return m.ID, err
}

// CarriedActions are the actions agreed at the pair's latest meeting, to
// review at the next one (前回の振り返り).
func CarriedActions(ms []Meeting) []string {
	if len(ms) == 0 {
		return nil
	}
	return ms[0].Log.Actions
}

// Overdue lists the pairs a supervisor leads that have not met within
// their cadence: who and since when, never what was said.
func (s *Service) Overdue(ctx context.Context, tenantID, leadID int64) ([]Pair, error) {
	ps, err := s.MyPairs(ctx, tenantID, leadID)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	var out []Pair
	for _, p := range ps {
		if p.LeadID == leadID && p.Overdue(today) {
			out = append(out, p)
		}
	}
	return out, nil
}

// Counts is what HR sees of 1on1: numbers only.
type Counts struct {
	Pairs, Active, Overdue, Meetings30 int
	Online, Face                       int
}

// Counts counts the tenant's pairs and the meetings of the last 30 days.
func (s *Service) Counts(ctx context.Context, tenantID int64) (Counts, error) {
	ps, err := s.st.FindOneOnOnePairs(ctx, tenantID, 0)
	if err != nil {
		return Counts{}, err
	}
	today := s.Today()
	var c Counts
	for _, p := range ps {
		c.Pairs++
		if p.Active {
			c.Active++
			if p.Mode == Online {
				c.Online++
			} else {
				c.Face++
			}
		}
		if p.Overdue(today) {
			c.Overdue++
		}
	}
	since := s.now().In(jst).AddDate(0, 0, -30).Format("2006-01-02")
	c.Meetings30, err = s.st.CountOneOnOneMeetingsSince(ctx, tenantID, since)
	return c, err
}

// ReSealLogs is the start-up step for the logs (as for the SSO client
// secrets): with a key, every log sealed with an older server key is
// sealed again with the current one, so that the old key can leave the key
// file (docs/operations.md, rotation). A log no configured key opens is
// counted as Unopened and left; without a key every log is.
func (s *Service) ReSealLogs(ctx context.Context) (secretkey.Report, error) {
	var rep secretkey.Report
	rows, err := s.st.OneOnOneStoredBodies(ctx)
	if err != nil {
		return rep, err
	}
	for _, r := range rows {
		if s.keys.Current(r.Stored) {
			continue
		}
		plain, err := s.keys.Open(r.TenantID, r.PairID, r.Stored)
		if err != nil {
			rep.Unopened++
			continue
		}
		next, err := s.keys.Seal(r.TenantID, r.PairID, plain)
		if err != nil {
			return rep, err
		}
		if err := s.st.ReplaceOneOnOneBody(ctx, r.TenantID, r.ID, r.Stored, next); err != nil {
			return rep, err
		}
		rep.Sealed++
	}
	return rep, nil
}
