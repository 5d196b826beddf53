package api

import (
	"context"
	"net/http"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/route"
)

// Personal API tokens: created, listed and revoked by their owner, in the
// UI (/tokens, /operator/tokens) and through the API itself.

type tokenJSON struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	ReadOnly   bool       `json:"read_only"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func toTokenJSON(t *auth.APIToken) tokenJSON {
	j := tokenJSON{ID: t.ID, Name: t.Name, Prefix: t.Prefix, ReadOnly: t.ReadOnly, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt}
	if !t.LastUsedAt.IsZero() {
		l := t.LastUsedAt
		j.LastUsedAt = &l
	}
	if !t.RevokedAt.IsZero() {
		rv := t.RevokedAt
		j.RevokedAt = &rv
	}
	return j
}

type tokenInput struct {
	Name     string `json:"name"`
	Days     int    `json:"expires_in_days"`
	ReadOnly bool   `json:"read_only"`
}

// newToken issues a token for the principal's account.
func (s *API) newToken(ctx context.Context, p *auth.Principal, in tokenInput) (*auth.APIToken, string, error) {
	return s.svc.Auth.CreateToken(ctx, p, auth.NewToken{Name: in.Name, Days: in.Days, ReadOnly: in.ReadOnly})
}

func (s *API) apiListTokens(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	limit, after, err := paging(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	ts, err := s.svc.Auth.Tokens(r.Context(), p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := page[tokenJSON]{Items: []tokenJSON{}, Total: len(ts)}
	for _, t := range ts { // newest first: ids descend
		if (after == 0 || t.ID < after) && len(out.Items) < limit {
			out.Items = append(out.Items, toTokenJSON(t))
		}
	}
	if n := len(out.Items); n == limit && out.Items[n-1].ID != ts[len(ts)-1].ID {
		out.NextCursor = encodeCursor(out.Items[n-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiCreateToken(w http.ResponseWriter, r *http.Request) {
	in := tokenInput{Days: 90}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	t, secret, err := s.newToken(r.Context(), principal(r), in)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/tokens")
	writeJSON(w, http.StatusCreated, map[string]any{"token": secret, "info": toTokenJSON(t)})
}

func (s *API) apiRevokeToken(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, ok := pathID(r)
	if !ok {
		s.apiFail(w, r, apperr.NotFoundErr("token"))
		return
	}
	if err := s.svc.Auth.RevokeToken(r.Context(), p, id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// --- every token of the tenant (HR) ---

// tenantTokenRoutes let HR list and revoke any API token of the tenant
// (issue 10 item 2); the secret is never shown (only its hash is kept).
func (s *API) tenantTokenRoutes() []route.Route {
	return []route.Route{
		{Method: "GET", Pattern: "/api/v1/tenant/tokens", Rule: route.HROnly, Handler: s.apiListTenantTokens,
			API: &route.Op{ID: "listTenantTokens", Summary: "List every API token of your organisation's accounts, with the owner (HR; never the secret)", Tag: "tokens", Resp: "TenantToken", List: true, Query: pagingParams}},
		{Method: "DELETE", Pattern: "/api/v1/tenant/tokens/{id}", Rule: route.HROnly, Object: "token", Handler: s.apiRevokeTenantToken,
			API: &route.Op{ID: "revokeTenantToken", Summary: "Revoke any API token of your organisation (HR)", Tag: "tokens", Status: 204}},
	}
}

type tenantTokenJSON struct {
	tokenJSON
	UserID     int64  `json:"user_id"`
	OwnerLogin string `json:"owner_login_id"`
}

// tenantTokenSchema is the OpenAPI schema of tenantTokenJSON.
func tenantTokenSchema(tokenProps map[string]any) map[string]any {
	props := map[string]any{"user_id": integer("the owner's account id"), "owner_login_id": str("the owner's login id")}
	for k, v := range tokenProps {
		props[k] = v
	}
	return obj([]string{"id", "name", "prefix", "read_only", "created_at", "expires_at", "last_used_at", "revoked_at", "user_id", "owner_login_id"}, props)
}

func (s *API) apiListTenantTokens(w http.ResponseWriter, r *http.Request) {
	limit, after, err := paging(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	ts, err := s.svc.Auth.TenantTokens(r.Context(), principal(r))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := page[tenantTokenJSON]{Items: []tenantTokenJSON{}, Total: len(ts)}
	for _, t := range ts { // newest first: ids descend
		if (after == 0 || t.ID < after) && len(out.Items) < limit {
			out.Items = append(out.Items, tenantTokenJSON{toTokenJSON(t), t.UserID, t.OwnerLogin})
		}
	}
	if n := len(out.Items); n == limit && out.Items[n-1].ID != ts[len(ts)-1].ID {
		out.NextCursor = encodeCursor(out.Items[n-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiRevokeTenantToken(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.apiFail(w, r, apperr.NotFoundErr("token"))
		return
	}
	if err := s.svc.Auth.RevokeTenantToken(r.Context(), principal(r), id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
