package audit

import (
	"context"
	"errors"
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
	// FindAuditEntries lists a tenant's entries, newest first, narrowed by f
	// (already normalised).
	FindAuditEntries(ctx context.Context, tenantID int64, f Filter) ([]*Entry, error)
	// AuditChainTenants lists every tenant id that has a chain, 0 included.
	AuditChainTenants(ctx context.Context) ([]int64, error)
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
	Entries  int64  // entries verified (before the break, if any)
	Break    *Break // nil when the chain is intact
}

// VerifyChains checks the chains of tenantIDs, or every chain when
// tenantIDs is empty. A broken chain is a result, not an error; the error
// is for a failure to read.
func (s *Service) VerifyChains(ctx context.Context, tenantIDs []int64) ([]ChainResult, error) {
	if len(tenantIDs) == 0 {
		ids, err := s.st.AuditChainTenants(ctx)
		if err != nil {
			return nil, err
		}
		tenantIDs = ids
	}
	out := make([]ChainResult, 0, len(tenantIDs))
	for _, id := range tenantIDs {
		n, err := VerifyChain(ctx, s.st, id)
		r := ChainResult{TenantID: id, Entries: n}
		if err != nil && !errors.As(err, &r.Break) {
			return out, err
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
	if err := r.EachAuditEntry(ctx, tenantID, v.Add); err != nil {
		return v.Count, err
	}
	seq, last, err := r.FindAuditHead(ctx, tenantID)
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return v.Count, err
	}
	return v.Count, v.Finish(seq, last)
}
