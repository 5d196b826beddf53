package api

import (
	"context"
	"net/http"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
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
