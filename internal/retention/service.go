package retention

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/jobrun"
	"telework/internal/org"
)

// Store is what the service reads and runs transactions on; internal/store
// implements it.
type Store interface {
	// FindRetention returns the tenant's own settings (kind → days).
	FindRetention(ctx context.Context, tenantID int64) (map[string]int, error)
	// FindTenants lists every tenant (the daily job visits each).
	FindTenants(ctx context.Context) ([]*org.Tenant, error)
	// ClaimJobRun claims one run of a periodic job; exactly one caller
	// gets true for a (job, key), however many nodes try at once.
	ClaimJobRun(ctx context.Context, job, key, node string) (bool, error)
	// FinishJobRun marks a claimed run as done.
	FinishJobRun(ctx context.Context, job, key string) error
	InRetentionTx(ctx context.Context, fn func(Tx) error) error
}

// Tx is what one retention change writes, with its audit entry.
type Tx interface {
	FindRetention(ctx context.Context, tenantID int64) (map[string]int, error)
	// SetRetentionDays stores one kind's period for the tenant.
	SetRetentionDays(ctx context.Context, tenantID int64, kind string, days int, at time.Time) error
	// ApplyRetentionKind removes (or anonymises) the tenant's records of
	// one kind older than cutoff and says how many it touched, with the
	// copies of their data it cleared elsewhere.
	ApplyRetentionKind(ctx context.Context, tenantID int64, kind string, cutoff time.Time) (Applied, error)
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Service holds the retention workflows: a tenant's settings, and the
// daily job that applies them. Handlers and the server's loop call it.
type Service struct {
	st  Store
	now func() time.Time
}

// NewService returns the service over st; now is the clock (tests move it).
func NewService(st Store, now func() time.Time) *Service {
	return &Service{st: st, now: now}
}

// Settings returns the tenant's own settings (kind → days); kinds it has
// not set are absent (Effective fills in the defaults).
func (s *Service) Settings(ctx context.Context, tenantID int64) (map[string]int, error) {
	return s.st.FindRetention(ctx, tenantID)
}

// ValidateSettings checks every setting of set (field errors named by kind).
func ValidateSettings(set map[string]int) error {
	var v apperr.Validation
	for _, k := range Kinds {
		if d, ok := set[k.Name]; ok {
			addFields(&v, Validate(k.Name, d))
		}
	}
	for name, d := range set {
		if _, ok := Find(name); !ok {
			addFields(&v, Validate(name, d))
		}
	}
	return v.Err()
}

func addFields(v *apperr.Validation, err error) {
	if e := apperr.As(err); e != nil {
		for _, f := range e.Fields {
			v.Add(f.Field, f.Key, f.Args)
		}
	}
}

// SetSettings stores the tenant's settings after checking each one, with
// the periods in force before and after in a "retention.settings" audit
// entry, in one transaction.
func (s *Service) SetSettings(ctx context.Context, tenantID int64, actor audit.Actor, set map[string]int) error {
	if err := ValidateSettings(set); err != nil {
		return err
	}
	return s.st.InRetentionTx(ctx, func(tx Tx) error {
		before, err := tx.FindRetention(ctx, tenantID)
		if err != nil {
			return err
		}
		now := s.now()
		after := make(map[string]int, len(before)+len(set))
		for k, d := range before {
			after[k] = d
		}
		for k, d := range set {
			after[k] = d
		}
		if maps.Equal(before, after) {
			return nil // nothing changed: nothing written, no audit entry
		}
		for _, k := range Kinds { // a fixed order, not the map's
			d, ok := set[k.Name]
			if old, had := before[k.Name]; !ok || (had && old == d) {
				continue
			}
			if err := tx.SetRetentionDays(ctx, tenantID, k.Name, d, now); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "retention.settings", ObjectType: "tenant",
			ObjectID: strconv.FormatInt(tenantID, 10), Before: Effective(before), After: Effective(after)})
	})
}

// Applied is what one kind's removal touched: the records of the kind and
// the copies of their data kept elsewhere that went with them.
type Applied struct {
	// Removed counts the kind's own records (people anonymised, tokens and
	// attendance days deleted).
	Removed int64
	// Cleared counts the copies cleared beside them, by where they were
	// (ClearedNotifications …); each is a field of the retention.apply
	// entry.
	Cleared map[string]int64
}

// Where copies of removed data are cleared (the retention.apply entry's
// fields).
const (
	// ClearedNotifications: notifications (of any recipient) whose
	// arguments named a person whose data was erased.
	ClearedNotifications = "notifications"
	// ClearedDeliveries: e-mail deliveries addressed to such a person.
	ClearedDeliveries = "deliveries"
	// ClearedApplicationDays: application days whose start, finish and
	// reported times (the attendance record's copy) were cleared.
	ClearedApplicationDays = "application_days"
)

func (a Applied) any() bool {
	if a.Removed > 0 {
		return true
	}
	for _, n := range a.Cleared {
		if n > 0 {
			return true
		}
	}
	return false
}

// JobName is the retention job's name in job_runs.
const JobName = "retention"

// DailyResult says what one day's run did.
type DailyResult struct {
	Day     calendar.Date
	Ran     bool             // false when another node had already claimed the day
	Removed map[string]int64 // "tenant-slug/kind" → records removed
}

// RunDaily applies every tenant's retention settings once for the Tokyo
// calendar day of now. Any number of nodes may call it at once, and the
// server calls it every hour: the day is claimed in job_runs and only the
// claimant works (jobrun.EachTenant, like the other daily jobs: a tenant
// that fails does not stop the others, and a run some tenant failed in is
// recorded as failed). Each kind's removal is one transaction with a
// "retention.apply" audit entry counting what was removed.
func (s *Service) RunDaily(ctx context.Context, node string) (*DailyResult, error) {
	now := s.now()
	res := &DailyResult{Day: calendar.DateOf(now), Removed: map[string]int64{}}
	var slugs map[int64]string
	ran, err := jobrun.EachTenant(ctx, s.st, JobName, res.Day.String(), node, func(ctx context.Context, tenantID int64) error {
		if slugs == nil {
			slugs = map[int64]string{}
			if ts, err := s.st.FindTenants(ctx); err == nil {
				for _, t := range ts {
					slugs[t.ID] = t.Slug
				}
			}
		}
		slug := slugs[tenantID]
		if slug == "" {
			slug = strconv.FormatInt(tenantID, 10)
		}
		set, err := s.st.FindRetention(ctx, tenantID)
		if err != nil {
			return err
		}
		eff := Effective(set)
		var errs []error
		for _, k := range Kinds {
			days := eff[k.Name]
			if days == 0 {
				continue // kept forever
			}
			n, err := s.apply(ctx, tenantID, k.Name, now.Add(-time.Duration(days)*24*time.Hour))
			if err != nil {
				errs = append(errs, fmt.Errorf("retention %s/%s: %w", slug, k.Name, err))
				continue
			}
			if n > 0 {
				res.Removed[slug+"/"+k.Name] = n
			}
		}
		return errors.Join(errs...)
	})
	res.Ran = ran
	return res, err
}

// apply removes one kind older than cutoff for a tenant and records the
// counts in the tenant's chain, in the same transaction.
func (s *Service) apply(ctx context.Context, tenantID int64, kind string, cutoff time.Time) (int64, error) {
	var a Applied
	err := s.st.InRetentionTx(ctx, func(tx Tx) error {
		var err error
		if a, err = tx.ApplyRetentionKind(ctx, tenantID, kind, cutoff); err != nil || !a.any() {
			return err
		}
		after := map[string]any{"kind": kind, "removed": a.Removed, "older_than": cutoff.UTC().Format(time.RFC3339)}
		for k, n := range a.Cleared {
			if n > 0 {
				after[k] = n
			}
		}
		return tx.Audit(ctx, tenantID, audit.Actor{Label: "system:retention"}, audit.Change{Action: "retention.apply", ObjectType: kind,
			After: after})
	})
	return a.Removed, err
}
