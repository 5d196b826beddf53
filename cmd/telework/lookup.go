package main

import (
	"context"
	"fmt"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/org"
)

// findTenant is the tenant a --tenant flag names. Only a tenant that is not
// there is said to be missing (in both languages, with where to look); a
// database error stays that error.
func findTenant(ctx context.Context, orgs interface {
	TenantBySlug(context.Context, string) (*org.Tenant, error)
}, slug string) (*org.Tenant, error) {
	t, err := orgs.TenantBySlug(ctx, slug)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, fmt.Errorf("団体コード %q の団体が見つかりません。telework tenant list で団体コードを確かめてください"+
			" / no tenant with the organisation code %q: see telework tenant list", slug, slug)
	}
	return t, err
}

// findAccount is the account a --login flag names in tenant t.
func findAccount(ctx context.Context, accounts interface {
	UserByLogin(context.Context, int64, string) (*auth.User, error)
}, t *org.Tenant, login string) (*auth.User, error) {
	u, err := accounts.UserByLogin(ctx, t.ID, login)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, fmt.Errorf("ログインID %q のアカウントが %s にありません / no account with the login %q in %s", login, t.Slug, login, t.Slug)
	}
	return u, err
}
