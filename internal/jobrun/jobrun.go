// Package jobrun runs the periodic jobs (the daily notifications, the
// scheduled changes, the sweeps) once per run key — a Tokyo day, an hour —
// however many app nodes try: the first node to claim the key in job_runs
// does the work for every tenant; the others do nothing. A run some tenant
// failed in is marked failed where the store can (FailJobRun), so that it
// shows as such; a run whose node died is taken over after the store's
// lease, and the tenants' own records (a day notified, a change applied)
// keep that run from repeating what succeeded.
package jobrun

import (
	"context"
	"errors"
	"fmt"

	"telework/internal/org"
)

// Store claims and finishes runs, and lists the tenants.
type Store interface {
	FindTenants(ctx context.Context) ([]*org.Tenant, error)
	ClaimJobRun(ctx context.Context, job, key, node string) (bool, error)
	FinishJobRun(ctx context.Context, job, key string) error
}

// EachTenant claims job's run key for node and, when it got it, runs fn
// for every tenant and finishes the run if fn succeeded for all (their
// errors are joined, each naming its tenant). It reports whether this node
// ran the job.
func EachTenant(ctx context.Context, st Store, job, key, node string, fn func(ctx context.Context, tenantID int64) error) (bool, error) {
	ok, err := st.ClaimJobRun(ctx, job, key, node)
	if err != nil || !ok {
		return false, err
	}
	tenants, err := st.FindTenants(ctx)
	if err != nil {
		return true, err
	}
	renew, _ := st.(interface {
		RenewJobRun(ctx context.Context, job, key, node string) error
	})
	var errs []error
	for _, t := range tenants {
		if err := fn(ctx, t.ID); err != nil {
			errs = append(errs, fmt.Errorf("tenant %d: %w", t.ID, err))
		}
		if renew != nil {
			// Still at work: a long run over many tenants keeps its claim.
			_ = renew.RenewJobRun(ctx, job, key, node)
		}
	}
	if err := errors.Join(errs...); err != nil {
		if f, ok := st.(interface {
			FailJobRun(ctx context.Context, job, key string) error
		}); ok {
			_ = f.FailJobRun(ctx, job, key)
		}
		return true, err
	}
	return true, st.FinishJobRun(ctx, job, key)
}
