package auth

import (
	"context"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
)

// SignIn is one password sign-in attempt.
type SignIn struct {
	Tenant     string // slug; empty for an operator
	LoginID    string
	Password   string
	Operator   bool
	ClientAddr string
}

// SignedIn names the account a sign-in succeeded for.
type SignedIn struct {
	TenantID, UserID int64
	LoginID          string
}

// SignIn checks a password with throttling (issue 10, items 5 and 7):
//
//   - more than MaxAccountFailures failures for one account from one client
//     address, or more than MaxAccountTotalFailures for the account from
//     all addresses, refuse even a correct password for the window;
//   - failures from an address past MaxAddressFailures (many accounts tried
//     from behind one NAT) are answered only after AddressDelay, whether the
//     account exists or not, but a correct password still signs in: a city
//     hall is one address, and one person's typos must not lock out the
//     rest.
//
// The attempt is recorded before the password is checked and the counts
// are read after, so N concurrent attempts each see the others: no more
// than the limit can get past the count. An attempt refused by the count is
// forgotten again (it does not extend the lock), as is a successful one.
//
// Unknown accounts cost the same argon2id time as known ones, and
// SSO-mandatory is checked only after the password, so the answer tells
// nothing about which accounts exist. Errors: Invalid (missing fields),
// RateLimited, Unauthorized, Forbidden (password sign-in disabled).
func (s *Service) SignIn(ctx context.Context, in SignIn) (*SignedIn, error) {
	var v apperr.Validation
	if !in.Operator && in.Tenant == "" {
		v.Add("tenant", "field.required", nil)
	}
	if in.LoginID == "" {
		v.Add("login_id", "field.required", nil)
	}
	if in.Password == "" {
		v.Add("password", "field.required", nil)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	scope := "op"
	if !in.Operator {
		scope = "t:" + in.Tenant
	}
	account := scope + "|" + strings.ToLower(in.LoginID)
	pairKey := HashToken("pair|" + in.ClientAddr + "|" + account)
	acctKey := HashToken("acct|" + account)
	addrKey := HashToken("addr|" + in.ClientAddr)
	ids, err := s.st.RecordLoginAttempt(ctx, pairKey, acctKey, addrKey)
	if err != nil {
		return nil, err
	}
	since := s.now().Add(-s.limits.ThrottleWindow)
	var n [3]int
	for i, k := range []string{pairKey, acctKey, addrKey} {
		if n[i], err = s.st.CountLoginFailures(ctx, k, since); err != nil {
			return nil, err
		}
	}
	l := s.limits
	if l.MaxAccountTotalFailures <= 0 {
		l.MaxAccountTotalFailures = DefaultLimits().MaxAccountTotalFailures
	}
	if n[0] > l.MaxAccountFailures || n[1] > l.MaxAccountTotalFailures {
		_ = s.st.DeleteLoginAttempts(ctx, ids)
		CheckDummy(in.Password)
		return nil, s.throttled()
	}
	out := &SignedIn{}
	var hash string
	var roles []Role
	if in.Operator {
		if op, err := s.st.FindOperatorByLogin(ctx, in.LoginID); err == nil {
			out.UserID, hash, out.LoginID = op.ID, op.PasswordHash, op.LoginID
		}
	} else if t, err := s.st.FindTenantRefBySlug(ctx, in.Tenant); err == nil {
		if u, err := s.st.FindUserByLogin(ctx, t.ID, in.LoginID); err == nil && !u.Disabled {
			out.TenantID, out.UserID, hash, out.LoginID, roles = t.ID, u.ID, u.PasswordHash, u.LoginID, u.Roles()
		}
	}
	ok := false
	if hash != "" {
		ok, _ = CheckPassword(hash, in.Password)
	} else {
		CheckDummy(in.Password) // same time whether or not the account exists
	}
	if !ok {
		// The attempt's rows stay: they are the failure.
		if out.UserID != 0 {
			_ = s.audit(ctx, out.TenantID, audit.Actor{ID: out.UserID, Label: out.LoginID},
				audit.Change{Action: "auth.login_failed", ObjectType: "user", ObjectID: itoa(out.UserID)})
		}
		if l.MaxAddressFailures > 0 && n[2] > l.MaxAddressFailures {
			delay := l.AddressDelay
			if delay == 0 {
				delay = DefaultLimits().AddressDelay
			}
			if err := sleep(ctx, delay); err != nil {
				return nil, err
			}
		}
		return nil, apperr.New(apperr.Unauthorized, "login.failed")
	}
	_ = s.st.DeleteLoginAttempts(ctx, ids)
	if !in.Operator && s.password != nil {
		allowed, err := s.password(ctx, out.TenantID, roles)
		if err != nil {
			return nil, err
		}
		if !allowed {
			return nil, apperr.New(apperr.Forbidden, "sso.password_disabled")
		}
	}
	_ = s.st.ClearLoginFailures(ctx, pairKey)
	_ = s.st.ClearLoginFailures(ctx, acctKey)
	return out, nil
}

func (s *Service) throttled() error {
	return &apperr.Error{Code: apperr.RateLimited, Key: "login.throttled",
		Args: map[string]any{"Minutes": int(s.limits.ThrottleWindow.Minutes())}}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
