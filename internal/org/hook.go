package org

import "context"

// ChangeHook tells another part of the product, after the commit, that a
// tenant's staff or units changed: the applications waiting for a decision
// are handed on when their approver may no longer decide them (a transfer,
// a retirement, a head no longer marked; apply.Service.Reroute, wired in
// internal/app). The services that change staff or units (this package's,
// the staff and unit imports, the dated changes) each hold one.
type ChangeHook struct {
	fn func(ctx context.Context, tenantID int64)
}

// Set names what is told (nil: nothing).
func (h *ChangeHook) Set(fn func(ctx context.Context, tenantID int64)) { h.fn = fn }

// After tells of a change of tenantID that committed (err nil) and returns
// err unchanged.
func (h *ChangeHook) After(ctx context.Context, tenantID int64, err error) error {
	if err == nil && h.fn != nil {
		h.fn(ctx, tenantID)
	}
	return err
}
