package auth

import (
	"context"
	"slices"
	"strings"

	"telework/internal/apperr"
	"telework/internal/audit"
)

// Separation of duties (issue 10 item 14): the auditor checks what HR and
// IT do, so HR must not be able to make itself (or a friend) the auditor or
// remove the one who is. The auditor role is granted and removed only by
// the operator (SetAuditor) or by another auditor; nobody grants a role to
// themselves.

// mayManageAuditor reports whether p may grant or remove the auditor role.
func mayManageAuditor(p *Principal) bool { return p.IsOperator() || p.Has(Auditor) }

// checkDuties refuses a change of before's granted roles to granted that p
// may not make.
func checkDuties(p *Principal, before *User, granted []Role) error {
	var v apperr.Validation
	if before.ID == p.UserID && !p.IsOperator() {
		for _, r := range granted {
			if !slices.Contains(before.Granted, r) {
				v.Add("roles", "field.self_grant", nil)
				return v.Err()
			}
		}
	}
	if slices.Contains(before.Granted, Auditor) != slices.Contains(granted, Auditor) && !mayManageAuditor(p) {
		v.Add("roles", "field.auditor_by_operator", nil)
	}
	return v.Err()
}

// checkAuditorAccount refuses p, who may not manage the auditor role, an
// action on an auditor's account that would hand it to someone else or put
// it out of service: a temporary password (HR would read it and could sign
// in as the auditor), disabling or re-enabling it (field names the form's
// field; key the rule). The operator's command line is not refused.
func checkAuditorAccount(p *Principal, u *User, field, key string) error {
	if !slices.Contains(u.Granted, Auditor) || mayManageAuditor(p) {
		return nil
	}
	var v apperr.Validation
	v.Add(field, key, nil)
	return v.Err()
}

// MayManageAuditor tells a page whether to offer the auditor role to p.
func MayManageAuditor(p *Principal) bool { return mayManageAuditor(p) }

// SetAuditor grants (grant) or removes the auditor role of the tenant's
// account loginID; only the operator calls it. It is recorded in the
// tenant's audit chain and in the instance's, like changes to a tenant,
// and revokes the account's API tokens like any change of roles. Errors:
// Forbidden (not the operator), Invalid (no such account).
func (s *Service) SetAuditor(ctx context.Context, p *Principal, tenantID int64, loginID string, grant bool) (*User, error) {
	if !p.IsOperator() {
		return nil, apperr.Forbid()
	}
	loginID = strings.TrimSpace(loginID)
	var v apperr.Validation
	u, err := s.st.FindUserByLogin(ctx, tenantID, loginID)
	switch {
	case loginID == "":
		v.Add("login_id", "field.required", nil)
	case apperr.CodeOf(err) == apperr.NotFound:
		v.Add("login_id", "field.account_unknown", nil)
	case err != nil:
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var after *User
	actor := ActorOf(p)
	err = s.st.InAuthTx(ctx, func(tx Tx) error {
		before, err := tx.FindUserForUpdate(ctx, tenantID, u.ID)
		if err != nil {
			return err
		}
		g := slices.DeleteFunc(slices.Clone(before.Granted), func(r Role) bool { return r == Auditor })
		if grant {
			g = append(g, Auditor)
		}
		if JoinRoles(g) == JoinRoles(before.Granted) {
			after = before
			return nil // nothing changes, nothing is written
		}
		if after, err = s.updateUser(ctx, tx, tenantID, actor, u.ID, UserUpdate{Granted: &g, Action: "user.roles"}, ""); err != nil {
			return err
		}
		return tx.Audit(ctx, 0, actor, audit.Change{Action: "operator.auditor", ObjectType: "user", ObjectID: itoa(u.ID),
			Before: map[string]any{"tenant_id": tenantID, "login_id": before.LoginID, "auditor": !grant},
			After:  map[string]any{"tenant_id": tenantID, "login_id": before.LoginID, "auditor": grant}})
	})
	if err != nil {
		return nil, err
	}
	return after, nil
}

// Auditors lists the tenant's accounts holding the auditor role (the
// operator's tenant page).
func (s *Service) Auditors(ctx context.Context, tenantID int64) ([]*User, error) {
	us, err := s.st.FindUsersWithRole(ctx, tenantID, Auditor)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(us, func(u *User) bool { return !slices.Contains(u.Granted, Auditor) }), nil
}
