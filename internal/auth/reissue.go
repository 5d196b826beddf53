package auth

import (
	"context"
	"slices"

	"telework/internal/apperr"
	"telework/internal/audit"
)

// HRAccounts lists a tenant's 人事 accounts (the operator's tenant page
// offers their temporary passwords again), by login id.
func (s *Service) HRAccounts(ctx context.Context, tenantID int64) ([]*User, error) {
	var out []*User
	for offset := 0; ; offset += 500 {
		page, total, err := s.st.FindUsers(ctx, tenantID, 500, offset)
		if err != nil {
			return nil, err
		}
		for _, u := range page {
			if slices.Contains(u.Granted, HRAdmin) {
				out = append(out, u)
			}
		}
		if len(page) == 0 || offset+len(page) >= total {
			return out, nil
		}
	}
}

// ReissueTempPassword gives a tenant's 人事 account a new temporary
// password on the operator's request — the first admin lost the one shown
// at creation — and returns it, to be shown once. Only an HR account is
// eligible; one that has already made its own password (MustChange is
// off: it has signed in and changed it) needs confirmed, the operator's
// explicit "reissue all the same". The account's sessions and tokens end,
// the next sign-in must change the password, and the change is written to
// the tenant's audit chain and to the instance chain (tenant 0), like the
// tenant's creation.
func (s *Service) ReissueTempPassword(ctx context.Context, actor audit.Actor, tenantID, userID int64, confirmed bool) (string, *User, error) {
	temp := RandomPassword()
	hash, err := HashPassword(temp)
	if err != nil {
		return "", nil, err
	}
	must := true
	var after *User
	err = s.st.InAuthTx(ctx, func(tx Tx) error {
		before, err := tx.FindUserForUpdate(ctx, tenantID, userID)
		if err != nil {
			return err
		}
		var v apperr.Validation
		switch {
		case !slices.Contains(before.Granted, HRAdmin):
			v.Add("user_id", "trial.reissue_not_hr", map[string]any{"Login": before.LoginID})
		case before.Disabled:
			v.Add("user_id", "trial.reissue_disabled", map[string]any{"Login": before.LoginID})
		case !before.MustChange && !confirmed:
			v.Add("confirm", "trial.reissue_confirm", map[string]any{"Login": before.LoginID})
		}
		if err := v.Err(); err != nil {
			return err
		}
		if after, err = s.updateUser(ctx, tx, tenantID, actor, userID,
			UserUpdate{PasswordHash: &hash, MustChange: &must, Action: "user.password_reset"}, ""); err != nil {
			return err
		}
		return tx.Audit(ctx, 0, actor, audit.Change{Action: "user.password_reset", ObjectType: "user", ObjectID: itoa(userID),
			Before: map[string]any{"tenant_id": tenantID, "account": before.AuditView()},
			After:  map[string]any{"tenant_id": tenantID, "account": after.AuditView(), "by_operator": true, "confirmed": confirmed}})
	})
	if err != nil {
		return "", nil, err
	}
	return temp, after, nil
}
