package audit

import (
	"context"
	"errors"
	"slices"
	"time"

	"telework/internal/apperr"
)

// ChainReader streams a tenant's chain in sequence order and reads the head
// the store keeps beside it.
type ChainReader interface {
	// EachAuditEntry calls fn for every entry of the tenant's chain in seq
	// order, stopping at fn's first error.
	EachAuditEntry(ctx context.Context, tenantID int64, fn func(*Entry) error) error
	// FindAuditHead returns the chain head: the last seq and hash. NotFound
	// when the tenant has no chain.
	FindAuditHead(ctx context.Context, tenantID int64) (seq int64, hash string, err error)
}

// Store is what the service reads; internal/store implements it. Entries
// are written by the other services through their Tx's Audit.
type Store interface {
	ChainReader
	Reader
	// FindAuditEntries lists a tenant's entries, newest first, narrowed by f
	// (already normalised).
	FindAuditEntries(ctx context.Context, tenantID int64, f Filter) ([]*Entry, error)
	// AuditChainTenants lists every tenant id that has a chain, 0 included,
	// and every tenant.
	AuditChainTenants(ctx context.Context) ([]int64, error)
	// FindAuditHeads lists the head the store keeps for every chain, in
	// tenant id order, each with its tenant's slug ("" for tenant 0).
	FindAuditHeads(ctx context.Context) ([]Head, error)
	// ClaimJobRun claims one run of a periodic job; exactly one caller
	// gets true for a (job, key), however many nodes try at once.
	ClaimJobRun(ctx context.Context, job, key, node string) (bool, error)
	// FinishJobRun marks a claimed run as done.
	FinishJobRun(ctx context.Context, job, key string) error
}

// Service reads the audit log and verifies its chains. Handlers and the CLI
// call it; it never sees HTTP.
type Service struct {
	st  Store
	now func() time.Time
}

// NewService returns the service over st; now is the clock (tests move it).
func NewService(st Store, now func() time.Time) *Service {
	return &Service{st: st, now: now}
}

// FindEntries lists a tenant's entries, newest first, narrowed by f.
func (s *Service) FindEntries(ctx context.Context, tenantID int64, f Filter) ([]*Entry, error) {
	f.Normalize()
	return s.st.FindAuditEntries(ctx, tenantID, f)
}

// ChainTenants lists every tenant id that has a chain, the instance's (0)
// included.
func (s *Service) ChainTenants(ctx context.Context) ([]int64, error) {
	return s.st.AuditChainTenants(ctx)
}

// VerifyChain checks one tenant's chain. It returns the number of entries
// verified and a *Break at the first fault.
func (s *Service) VerifyChain(ctx context.Context, tenantID int64) (int64, error) {
	return VerifyChain(ctx, s.st, tenantID)
}

// ChainResult is the outcome of verifying one chain.
type ChainResult struct {
	TenantID int64
	Slug     string // "" for the instance's chain, or a tenant that is gone
	Entries  int64  // entries verified (before the break, if any)
	SavedSeq int64  // the highest saved head checked, 0 when none
	Break    *Break // nil when the chain is intact
}

// Label names the chain for people: "3 (kobe)".
func (r ChainResult) Label() string { return ChainLabel(r.TenantID, r.Slug) }

// VerifyChains checks the chains of tenantIDs, or every chain when
// tenantIDs is empty. A broken chain is a result, not an error; the error
// is for a failure to read.
func (s *Service) VerifyChains(ctx context.Context, tenantIDs []int64) ([]ChainResult, error) {
	return s.VerifyChainsAgainst(ctx, tenantIDs, nil)
}

// VerifyChainsAgainst checks the chains as VerifyChains does and also
// that each reaches every head in saved (kept outside the database): the
// entry at the head's seq exists and has the head's hash. A tenant named
// in saved is checked even when the database no longer knows its chain (a
// wiped chain is a Saved break, not a silent OK). When tenantIDs is given,
// only their heads are checked.
func (s *Service) VerifyChainsAgainst(ctx context.Context, tenantIDs []int64, saved []Head) ([]ChainResult, error) {
	heads, err := s.st.FindAuditHeads(ctx)
	if err != nil {
		return nil, err
	}
	slugs := make(map[int64]string, len(heads))
	for _, h := range heads {
		slugs[h.TenantID] = h.Slug
	}
	want := map[int64]bool{}
	for _, id := range tenantIDs {
		want[id] = true
	}
	if len(tenantIDs) == 0 {
		if tenantIDs, err = s.st.AuditChainTenants(ctx); err != nil {
			return nil, err
		}
		for _, id := range tenantIDs {
			want[id] = true
		}
		for _, h := range saved {
			if !want[h.TenantID] {
				want[h.TenantID] = true
				tenantIDs = append(tenantIDs, h.TenantID)
			}
		}
		slices.Sort(tenantIDs)
	}
	byTenant := map[int64][]Head{}
	for _, h := range saved {
		if want[h.TenantID] {
			byTenant[h.TenantID] = append(byTenant[h.TenantID], h)
			if _, ok := slugs[h.TenantID]; !ok {
				slugs[h.TenantID] = h.Slug
			}
		}
	}
	out := make([]ChainResult, 0, len(tenantIDs))
	for _, id := range tenantIDs {
		v := NewVerifier(id)
		r := ChainResult{TenantID: id, Slug: slugs[id]}
		for _, h := range byTenant[id] {
			v.Expect(h.Seq, h.Hash)
			r.SavedSeq = max(r.SavedSeq, h.Seq)
		}
		err := verifyChain(ctx, s.st, v)
		r.Entries = v.Count
		if err != nil && !errors.As(err, &r.Break) {
			return out, err
		}
		if r.Break == nil && r.Entries == 0 && id != 0 {
			// A tenant's creation is the first entry of its own chain: a
			// tenant with none had its chain erased with its head (a
			// review found that reported as OK without a saved head).
			r.Break = &Break{TenantID: id, Seq: 1, Reason: "the chain is empty, but a tenant's chain begins with its creation: erased"}
		}
		out = append(out, r)
	}
	return out, nil
}

// VerifyChain streams tenantID's chain from r through a Verifier and checks
// its end against the stored head, so a long log is never held in memory.
// It returns the number of entries verified and a *Break at the first fault.
func VerifyChain(ctx context.Context, r ChainReader, tenantID int64) (int64, error) {
	v := NewVerifier(tenantID)
	err := verifyChain(ctx, r, v)
	return v.Count, err
}

func verifyChain(ctx context.Context, r ChainReader, v *Verifier) error {
	if err := r.EachAuditEntry(ctx, v.TenantID, v.Add); err != nil {
		return err
	}
	seq, last, err := r.FindAuditHead(ctx, v.TenantID)
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return err
	}
	return v.Finish(seq, last)
}

// Heads returns the head of each chain of tenantIDs as the store keeps it,
// or of every chain (the instance's included) when tenantIDs is empty.
func (s *Service) Heads(ctx context.Context, tenantIDs []int64) ([]Head, error) {
	heads, err := s.st.FindAuditHeads(ctx)
	if err != nil || len(tenantIDs) == 0 {
		return heads, err
	}
	out := heads[:0]
	for _, h := range heads {
		if slices.Contains(tenantIDs, h.TenantID) {
			out = append(out, h)
		}
	}
	return out, nil
}

// HeadJobName is the daily head job's name in job_runs.
const HeadJobName = "audit-heads"

// japan is the zone of the day a head job runs for (no summer time).
var japan = time.FixedZone("Asia/Tokyo", 9*60*60)

// DailyHeads says what one day's head job did.
type DailyHeads struct {
	Day   string // YYYY-MM-DD in Tokyo
	At    time.Time
	Ran   bool // false when another node had already claimed the day
	Heads []Head
}

// RunDailyHeads reads every chain's head once for the Tokyo calendar day
// of now, for the caller to write into the log: the server calls it every
// hour on every node, the day is claimed in job_runs and only the claimant
// returns heads (Ran). It writes nothing into the chains, which would move
// the heads it reports.
func (s *Service) RunDailyHeads(ctx context.Context, node string) (*DailyHeads, error) {
	now := s.now()
	res := &DailyHeads{Day: now.In(japan).Format("2006-01-02"), At: now}
	ok, err := s.st.ClaimJobRun(ctx, HeadJobName, res.Day, node)
	if err != nil || !ok {
		return res, err
	}
	if res.Heads, err = s.st.FindAuditHeads(ctx); err != nil {
		return res, err
	}
	res.Ran = true
	return res, s.st.FinishJobRun(ctx, HeadJobName, res.Day)
}

// Now is the service's clock, for pages that say when heads were read.
func (s *Service) Now() time.Time { return s.now() }
