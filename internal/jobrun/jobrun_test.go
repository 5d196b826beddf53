package jobrun_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"telework/internal/jobrun"
	"telework/internal/org"
)

// fake is job_runs in memory: a key claimed once, finished or not.
type fake struct {
	claimed, finished map[string]bool
	tenants           []*org.Tenant
}

func (f *fake) FindTenants(context.Context) ([]*org.Tenant, error) { return f.tenants, nil }
func (f *fake) ClaimJobRun(_ context.Context, job, key, _ string) (bool, error) {
	if f.claimed[job+key] {
		return false, nil
	}
	f.claimed[job+key] = true
	return true, nil
}
func (f *fake) FinishJobRun(_ context.Context, job, key string) error {
	f.finished[job+key] = true
	return nil
}

// failing is a store that can also mark a run failed (store.DB can).
type failing struct {
	*fake
	failed map[string]bool
}

func (f *failing) FailJobRun(_ context.Context, job, key string) error {
	f.failed[job+key] = true
	return nil
}

// TestEachTenantMarksAFailedRun: a run a tenant failed in is marked failed
// where the store can, not left looking like the run of a dead node.
func TestEachTenantMarksAFailedRun(t *testing.T) {
	f := &failing{fake: &fake{claimed: map[string]bool{}, finished: map[string]bool{}, tenants: []*org.Tenant{{ID: 1}, {ID: 2}}},
		failed: map[string]bool{}}
	_, err := jobrun.EachTenant(context.Background(), f, "job", "k", "n", func(_ context.Context, id int64) error {
		if id == 2 {
			return errors.New("boom")
		}
		return nil
	})
	if err == nil || !f.failed["jobk"] || f.finished["jobk"] {
		t.Fatalf("err %v, failed %v, finished %v", err, f.failed, f.finished)
	}
}

func TestEachTenant(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name     string
		fail     int64 // the tenant whose fn fails (0: none)
		finished bool
	}{{"all succeed", 0, true}, {"one fails", 2, false}} {
		t.Run(c.name, func(t *testing.T) {
			f := &fake{claimed: map[string]bool{}, finished: map[string]bool{}, tenants: []*org.Tenant{{ID: 1}, {ID: 2}, {ID: 3}}}
			var seen []int64
			fn := func(_ context.Context, id int64) error {
				seen = append(seen, id)
				if id == c.fail {
					return errors.New("boom")
				}
				return nil
			}
			ran, err := jobrun.EachTenant(ctx, f, "job", "2026-12-02", "node-a", fn)
			if !ran || len(seen) != 3 || f.finished["job2026-12-02"] != c.finished {
				t.Fatalf("ran %v, tenants %v, finished %v", ran, seen, f.finished)
			}
			if c.fail != 0 && (err == nil || !strings.Contains(err.Error(), "tenant 2: boom")) {
				t.Fatalf("error %v, want one naming tenant 2", err)
			}
			// Another node (or a second try) the same key: nothing runs.
			seen = nil
			if ran, err := jobrun.EachTenant(ctx, f, "job", "2026-12-02", "node-b", fn); ran || err != nil || len(seen) != 0 {
				t.Fatalf("second claim ran %v %v %v", ran, err, seen)
			}
		})
	}
}
