package policy

import (
	"context"
	"slices"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
)

// Store is what the service reads and runs transactions on; internal/store
// implements it. The staff, unit and calendar reads keep the store's own
// names, so *store.DB satisfies them as it is.
type Store interface {
	// InPolicyTx runs fn in one transaction, committed when fn returns nil.
	InPolicyTx(ctx context.Context, fn func(Tx) error) error
	// FindPolicyVersions lists a tenant's versions by effective date.
	FindPolicyVersions(ctx context.Context, tenantID int64) ([]Version, error)
	// FindPolicyFacts returns a staff member's facts (zero when none were
	// recorded); NotFound when the tenant has no such staff member.
	FindPolicyFacts(ctx context.Context, tenantID, staffID int64) (Facts, error)
	FindStaffByID(ctx context.Context, tenantID, id int64) (*org.Staff, error)
	FindStaffByNo(ctx context.Context, tenantID int64, staffNo string) (*org.Staff, error)
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
	LoadCalendar(ctx context.Context, tenantID int64, fromYear, toYear int) (*calendar.Calendar, error)
	// FindPolicyOverrides lists the emergencies (issue 15) meeting
	// from..to as the engine applies them.
	FindPolicyOverrides(ctx context.Context, tenantID int64, from, to calendar.Date) ([]Override, error)
}

// Tx is what one policy action reads and writes inside its transaction.
type Tx interface {
	// LockPolicyVersions makes the tenant's changes of versions run one
	// after another (the read of the versions, then the write): two saves
	// of one date at once must not both find none.
	LockPolicyVersions(ctx context.Context, tenantID int64) error
	FindPolicyVersions(ctx context.Context, tenantID int64) ([]Version, error)
	// InsertPolicyVersion sets v.ID; a second version on the same date is
	// a Conflict.
	InsertPolicyVersion(ctx context.Context, tenantID int64, actor audit.Actor, v *Version) error
	// UpdatePolicyVersion replaces the body and note of version v.ID.
	UpdatePolicyVersion(ctx context.Context, tenantID int64, actor audit.Actor, v *Version) error
	DeletePolicyVersion(ctx context.Context, tenantID, id int64) error
	FindPolicyFacts(ctx context.Context, tenantID, staffID int64) (Facts, error)
	UpsertPolicyFacts(ctx context.Context, tenantID, staffID int64, f Facts) error
	// UpsertPolicyReasons writes the reasons alone, the other facts staying
	// as they are in the database (so a concurrent change by HR is kept).
	UpsertPolicyReasons(ctx context.Context, tenantID, staffID int64, reasons []string) error
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Service holds the policy workflows: it checks rules and relationships, opens
// the one transaction of each user action and writes the change with its
// audit entry. Handlers, the CLI and the demo call it; it never sees HTTP.
type Service struct {
	st   Store
	now  func() time.Time
	past PastApplications
	// Changed is told of every version saved or deleted (the days already
	// approved take the new report rule: apply.Service.RecomputeReportDue).
	Changed org.ChangeHook
}

// NewService returns the service over st; now is the clock (tests move it).
func NewService(st Store, now func() time.Time) *Service {
	return &Service{st: st, now: now}
}

// Today is the business date now (Asia/Tokyo).
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.now()) }

// VersionState is a version with where it stands today.
type VersionState struct {
	Version
	InForce bool // the version in force today
	// Future: not in force yet. Only such versions may be edited or
	// deleted; past and in-force ones stay as they were, so the rules
	// applied to earlier applications stay on record.
	Future bool
}

// States marks each version as in force, future or past on today.
func States(vs []Version, today calendar.Date) []VersionState {
	cur, ok := InForce(vs, today)
	out := make([]VersionState, 0, len(vs))
	for _, v := range vs {
		out = append(out, VersionState{Version: v, InForce: ok && v.ID == cur.ID, Future: today.Before(v.Effective)})
	}
	return out
}

// Versions lists the tenant's versions by effective date, each with its
// state today.
func (s *Service) Versions(ctx context.Context, tenantID int64) ([]VersionState, error) {
	vs, err := s.st.FindPolicyVersions(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	return States(vs, s.Today()), nil
}

// FindVersion returns one version with its state, or NotFound.
func (s *Service) FindVersion(ctx context.Context, tenantID, id int64) (VersionState, error) {
	vs, err := s.Versions(ctx, tenantID)
	if err != nil {
		return VersionState{}, err
	}
	i := slices.IndexFunc(vs, func(v VersionState) bool { return v.ID == id })
	if i < 0 {
		return VersionState{}, apperr.NotFoundErr("policy")
	}
	return vs[i], nil
}

// InForce returns the version in force on d, or a Conflict
// (error.no_policy) when the tenant has none on that day.
func (s *Service) InForce(ctx context.Context, tenantID int64, d calendar.Date) (Version, error) {
	vs, err := s.st.FindPolicyVersions(ctx, tenantID)
	if err != nil {
		return Version{}, err
	}
	v, ok := InForce(vs, d)
	if !ok {
		return Version{}, errNoPolicy()
	}
	return v, nil
}

func errNoPolicy() error { return &apperr.Error{Code: apperr.Conflict, Key: "error.no_policy"} }

// ValidateVersion checks a version before it is saved: its rules, and an
// effective date of today or later. Forms call it to show every problem at
// once; Save calls it again.
func (s *Service) ValidateVersion(v Version) error {
	var val apperr.Validation
	switch {
	case v.Effective.IsZero():
		val.Add("effective_from", "field.required", nil)
	case v.Effective.Before(s.Today()):
		val.Add("effective_from", "field.policy_past", nil)
	}
	if err := v.Policy.Validate(); err != nil {
		e := apperr.As(err)
		if e == nil || e.Code != apperr.Invalid {
			return err
		}
		for _, fe := range e.Fields {
			if !val.Has(fe.Field) {
				val.Add(fe.Field, fe.Key, fe.Args)
			}
		}
	}
	return val.Err()
}

// Save stores the version taking effect on v.Effective and sets v.ID. A
// version already scheduled for that day is replaced while it is still in
// the future; one in force (or past) is immutable: schedule a new one.
func (s *Service) Save(ctx context.Context, tenantID int64, actor audit.Actor, v *Version) error {
	if err := s.ValidateVersion(*v); err != nil {
		return err
	}
	// Rules name units by code: an unknown code would never apply.
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return err
	}
	if err := v.Policy.CheckUnitCodes(units); err != nil {
		return err
	}
	today := s.Today()
	return s.Changed.After(ctx, tenantID, s.st.InPolicyTx(ctx, func(tx Tx) error {
		if err := tx.LockPolicyVersions(ctx, tenantID); err != nil {
			return err
		}
		vs, err := tx.FindPolicyVersions(ctx, tenantID)
		if err != nil {
			return err
		}
		var before any
		if i := slices.IndexFunc(vs, func(o Version) bool { return o.Effective == v.Effective }); i >= 0 {
			old := vs[i]
			if !today.Before(old.Effective) {
				var val apperr.Validation
				val.Add("effective_from", "field.policy_in_force", nil)
				return val.Err()
			}
			v.ID = old.ID
			if err := tx.UpdatePolicyVersion(ctx, tenantID, actor, v); err != nil {
				return err
			}
			before = versionSnapshot(old)
		} else if err := tx.InsertPolicyVersion(ctx, tenantID, actor, v); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "policy.save", ObjectType: "policy_version",
			ObjectID: strconv.FormatInt(v.ID, 10), Before: before, After: versionSnapshot(*v)})
	}))
}

// Delete removes a version that has not taken effect yet; one in force or
// past is a Conflict (error.policy_in_force).
func (s *Service) Delete(ctx context.Context, tenantID int64, actor audit.Actor, id int64) error {
	today := s.Today()
	return s.Changed.After(ctx, tenantID, s.st.InPolicyTx(ctx, func(tx Tx) error {
		if err := tx.LockPolicyVersions(ctx, tenantID); err != nil {
			return err
		}
		vs, err := tx.FindPolicyVersions(ctx, tenantID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(vs, func(v Version) bool { return v.ID == id })
		if i < 0 {
			return apperr.NotFoundErr("policy")
		}
		if !today.Before(vs[i].Effective) {
			return &apperr.Error{Code: apperr.Conflict, Key: "error.policy_in_force"}
		}
		if err := tx.DeletePolicyVersion(ctx, tenantID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "policy.delete", ObjectType: "policy_version",
			ObjectID: strconv.FormatInt(id, 10), Before: versionSnapshot(vs[i])})
	}))
}

func versionSnapshot(v Version) map[string]any {
	return map[string]any{"effective_from": v.Effective.String(), "note": v.Note, "policy": v.Policy}
}
