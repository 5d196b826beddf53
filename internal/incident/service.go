package incident

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/invisible"
)

// Filter narrows the review list.
type Filter struct {
	Status     Status // "" = all
	Kind       Kind   // "" = all
	ReporterID int64  // 0 = everyone's (a person's own list sets it)
	Limit      int
	Offset     int
}

// Reader reads reports.
type Reader interface {
	// FindIncidents lists reports newest first, with the total matching.
	FindIncidents(ctx context.Context, tenantID int64, f Filter) ([]Incident, int, error)
	// FindIncident reads one report with its actions; NotFound when the
	// tenant has none with that id.
	FindIncident(ctx context.Context, tenantID, id int64) (Incident, error)
}

// Store is what the service reads and runs its transactions on.
type Store interface {
	Reader
	InIncidentTx(ctx context.Context, fn func(Tx) error) error
}

// Tx is what one change writes, with its audit entry.
type Tx interface {
	Reader
	// InsertIncident stores a new report and returns its id.
	InsertIncident(ctx context.Context, tenantID int64, i Incident) (int64, error)
	// UpdateIncidentStatus sets the status at the version read; a stale
	// version is a Conflict (error.stale).
	UpdateIncidentStatus(ctx context.Context, tenantID, id, version int64, to Status, at time.Time) error
	// InsertIncidentAction records a review step.
	InsertIncidentAction(ctx context.Context, tenantID, incidentID int64, a Action) (int64, error)
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// AnonymousActor is the audit actor of an anonymous report: no account id
// and a label that names no one.
var AnonymousActor = audit.Actor{Label: "system:anonymous"}

// Service holds the report and review workflows.
type Service struct {
	st  Store
	now func() time.Time
}

// NewService returns the service over st; now is the clock.
func NewService(st Store, now func() time.Time) *Service { return &Service{st: st, now: now} }

// Report records a report by the signed-in account reporterID (with its
// audit actor). An anonymous report stores no reporter, only the day, and
// is audited by AnonymousActor; the caller must also keep the account out
// of its own logs. Audited as "incident.report".
func (s *Service) Report(ctx context.Context, tenantID int64, actor audit.Actor, reporterID int64, r Report) (Incident, error) {
	today := calendar.DateOf(s.now())
	if err := r.Validate(today); err != nil {
		return Incident{}, err
	}
	in := Incident{Kind: r.Kind, Category: r.Category, OccurredOn: r.OccurredOn, Summary: r.Summary, Detail: r.Detail,
		Anonymous: r.Anonymous, ReporterID: reporterID, ReportedOn: today, Status: StatusNew, Version: 1, UpdatedAt: s.now()}
	if r.Anonymous {
		in.ReporterID, actor = 0, AnonymousActor
		// The day only: a time of day could be matched to a sign-in.
		in.UpdatedAt = today.Time().UTC()
	}
	err := s.st.InIncidentTx(ctx, func(tx Tx) error {
		var err error
		if in.ID, err = tx.InsertIncident(ctx, tenantID, in); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "incident.report", ObjectType: "incident",
			ObjectID: strconv.FormatInt(in.ID, 10), After: in.AuditView()})
	})
	return in, err
}

// List lists reports for review (IT admin).
func (s *Service) List(ctx context.Context, tenantID int64, f Filter) ([]Incident, int, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	return s.st.FindIncidents(ctx, tenantID, f)
}

// Mine lists the reports a person made under their name (anonymous ones
// cannot be found again by anyone).
func (s *Service) Mine(ctx context.Context, tenantID, reporterID int64) ([]Incident, error) {
	if reporterID == 0 {
		return nil, nil
	}
	out, _, err := s.st.FindIncidents(ctx, tenantID, Filter{ReporterID: reporterID, Limit: 200})
	return out, err
}

// Get reads one report for review (IT admin).
func (s *Service) Get(ctx context.Context, tenantID, id int64) (Incident, error) {
	return s.st.FindIncident(ctx, tenantID, id)
}

// GetOwn reads one report its named reporter made: NotFound for anyone
// else's, and for every anonymous report.
func (s *Service) GetOwn(ctx context.Context, tenantID, reporterID, id int64) (Incident, error) {
	in, err := s.st.FindIncident(ctx, tenantID, id)
	if err != nil {
		return in, err
	}
	if reporterID == 0 || in.ReporterID != reporterID {
		return Incident{}, apperr.NotFoundErr("incident")
	}
	return in, nil
}

// Review records one review step by IT admin: a move to status to (the
// same status for a note only) with a note, at the version read. A note
// is required when nothing else changes. Audited as "incident.review"
// (the note as its length).
func (s *Service) Review(ctx context.Context, tenantID int64, actor audit.Actor, id, version int64, to Status, note string) (Incident, error) {
	note = strings.TrimSpace(note)
	var v apperr.Validation
	if !slices.Contains(Statuses, to) {
		v.Add("status", "field.incident_status", nil)
	}
	invisible.Optional(&v, "note", note, MaxDetail, true, nil)
	if err := v.Err(); err != nil {
		return Incident{}, err
	}
	var in Incident
	err := s.st.InIncidentTx(ctx, func(tx Tx) error {
		var err error
		if in, err = tx.FindIncident(ctx, tenantID, id); err != nil {
			return err
		}
		if in.Version != version {
			return apperr.ConflictStale()
		}
		if !CanMove(in.Status, to) {
			var v apperr.Validation
			v.Add("status", "field.incident_transition", nil)
			return v.Err()
		}
		if to == in.Status && note == "" {
			var v apperr.Validation
			v.Add("note", "field.required", nil)
			return v.Err()
		}
		before := in.AuditView()
		a := Action{At: s.now(), By: actor.Label, StatusFrom: in.Status, StatusTo: to, Note: note}
		if to != in.Status {
			if err := tx.UpdateIncidentStatus(ctx, tenantID, id, version, to, a.At); err != nil {
				return err
			}
			in.Status, in.Version, in.UpdatedAt = to, in.Version+1, a.At
		}
		if a.ID, err = tx.InsertIncidentAction(ctx, tenantID, id, a); err != nil {
			return err
		}
		in.Actions = append(in.Actions, a)
		after := in.AuditView()
		after["note_chars"] = utf8.RuneCountInString(note)
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "incident.review", ObjectType: "incident",
			ObjectID: strconv.FormatInt(id, 10), Before: before, After: after})
	})
	return in, err
}

// Counts summarises reports by kind, category and status (the figure 図表6
// 「セキュリティ上の問題の有無」 for the verification).
type Counts struct {
	ByCategory map[string]int
	ByStatus   map[Status]int
	Total      int
}

// Summary counts all the tenant's reports.
func (s *Service) Summary(ctx context.Context, tenantID int64) (Counts, error) {
	c := Counts{ByCategory: map[string]int{}, ByStatus: map[Status]int{}}
	for off := 0; ; off += 200 {
		page, total, err := s.st.FindIncidents(ctx, tenantID, Filter{Limit: 200, Offset: off})
		if err != nil {
			return c, err
		}
		c.Total = total
		for _, in := range page {
			c.ByCategory[in.Category]++
			c.ByStatus[in.Status]++
		}
		if len(page) < 200 {
			return c, nil
		}
	}
}
