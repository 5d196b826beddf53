package auth

import (
	"context"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
)

// HR's view of the tenant's API tokens (issue 10 item 2): every token of
// every account, with its owner, never its secret (only a hash is stored),
// and the power to revoke any of them.

// TenantTokens lists every token of the principal's tenant, newest first,
// each with OwnerLogin set. Only HR may (Forbidden otherwise).
func (s *Service) TenantTokens(ctx context.Context, p *Principal) ([]*APIToken, error) {
	if !p.Has(HRAdmin) {
		return nil, apperr.Forbid()
	}
	return s.st.FindTenantAPITokens(ctx, p.TenantID)
}

// RevokeTenantToken revokes any token of the principal's tenant (HR only;
// NotFound for another tenant's). Revoking a revoked token changes nothing.
func (s *Service) RevokeTenantToken(ctx context.Context, p *Principal, id int64) error {
	if !p.Has(HRAdmin) {
		return apperr.Forbid()
	}
	return s.st.InAuthTx(ctx, func(tx Tx) error {
		before, err := tx.FindTenantAPITokenForUpdate(ctx, p.TenantID, id)
		if err != nil {
			return err
		}
		if !before.RevokedAt.IsZero() {
			return nil
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		if err := tx.RevokeAPITokenRow(ctx, p.TenantID, id, now); err != nil {
			return err
		}
		after := *before
		after.RevokedAt = now
		return tx.Audit(ctx, p.TenantID, ActorOf(p), audit.Change{Action: "token.revoke", ObjectType: "api_token",
			ObjectID: itoa(id), Before: tokenOwnerView(before), After: tokenOwnerView(&after)})
	})
}

// tokenOwnerView is a token in the audit log with its owner, for a
// revocation by someone else.
func tokenOwnerView(t *APIToken) map[string]any {
	return map[string]any{"token": t.AuditView(), "owner_id": t.UserID, "owner_login": t.OwnerLogin}
}
