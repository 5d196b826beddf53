package retention

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
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
	// one kind older than cutoff and returns how many it touched.
	ApplyRetentionKind(ctx context.Context, tenantID int64, kind string, cutoff time.Time) (int64, error)
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
// claimant works. Each kind's removal is one transaction with a
// "retention.apply" audit entry counting what was removed.
func (s *Service) RunDaily(ctx context.Context, node string) (*DailyResult, error) {
	now := s.now()
	res := &DailyResult{Day: calendar.DateOf(now)}
	key := res.Day.String()
	ok, err := s.st.ClaimJobRun(ctx, JobName, key, node)
	if err != nil || !ok {
		return res, err
	}
	res.Ran, res.Removed = true, map[string]int64{}
	tenants, err := s.st.FindTenants(ctx)
	if err != nil {
		return res, err
	}
	for _, t := range tenants {
		set, err := s.st.FindRetention(ctx, t.ID)
		if err != nil {
			return res, err
		}
		eff := Effective(set)
		for _, k := range Kinds {
			days := eff[k.Name]
			if days == 0 {
				continue // kept forever
			}
			n, err := s.apply(ctx, t.ID, k.Name, now.Add(-time.Duration(days)*24*time.Hour))
			if err != nil {
				return res, fmt.Errorf("retention %s/%s: %w", t.Slug, k.Name, err)
			}
			if n > 0 {
				res.Removed[t.Slug+"/"+k.Name] = n
			}
		}
	}
	return res, s.st.FinishJobRun(ctx, JobName, key)
}

// apply removes one kind older than cutoff for a tenant and records the
// count in the tenant's chain, in the same transaction.
func (s *Service) apply(ctx context.Context, tenantID int64, kind string, cutoff time.Time) (int64, error) {
	var n int64
	err := s.st.InRetentionTx(ctx, func(tx Tx) error {
		var err error
		if n, err = tx.ApplyRetentionKind(ctx, tenantID, kind, cutoff); err != nil || n == 0 {
			return err
		}
		return tx.Audit(ctx, tenantID, audit.Actor{Label: "system:retention"}, audit.Change{Action: "retention.apply", ObjectType: kind,
			After: map[string]any{"kind": kind, "removed": n, "older_than": cutoff.UTC().Format(time.RFC3339)}})
	})
	return n, err
}
