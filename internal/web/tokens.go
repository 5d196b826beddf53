package web

import (
	"context"
	"net/http"

	"telework/internal/apperr"
	"telework/internal/auth"
)

// Personal API tokens: created, listed and revoked by their owner, in the
// UI (/tokens, /operator/tokens) and through the API itself.

type tokenInput struct {
	Name     string
	Days     int
	ReadOnly bool
}

// newToken issues a token for the principal's account.
func (s *Server) newToken(ctx context.Context, p *auth.Principal, in tokenInput) (*auth.APIToken, string, error) {
	return s.svc.Auth.CreateToken(ctx, p, auth.NewToken{Name: in.Name, Days: in.Days, ReadOnly: in.ReadOnly})
}

// --- pages ---

func tokensPath(p *auth.Principal) string {
	if p.IsOperator() {
		return "/operator/tokens"
	}
	return "/tokens"
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) {
	s.tokensPageWith(w, r, http.StatusOK, tokenInput{Days: 90}, "", nil)
}

func (s *Server) tokensPageWith(w http.ResponseWriter, r *http.Request, status int, in tokenInput, secret string, err error) {
	p := principal(r)
	ts, ferr := s.svc.Auth.Tokens(r.Context(), p)
	if ferr != nil {
		s.serverError(w, r, ferr)
		return
	}
	now := s.svc.Auth.Now()
	rows := make([]map[string]any, 0, len(ts))
	for _, t := range ts {
		rows = append(rows, map[string]any{"T": t, "Active": t.Active(now)})
	}
	s.render(w, r, status, "tokens", "tokens.title", map[string]any{
		"Tokens": rows, "Form": in, "Secret": secret, "Action": tokensPath(p), "Max": auth.MaxTokenDays}, err)
}

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	fm := newForm(r)
	in := tokenInput{Name: fm.str("name"), Days: fm.int("expires_in_days", 0), ReadOnly: fm.bool("read_only")}
	if err := fm.v.Err(); err != nil {
		s.tokensPageWith(w, r, http.StatusUnprocessableEntity, in, "", err)
		return
	}
	_, secret, err := s.newToken(r.Context(), principal(r), in)
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.tokensPageWith(w, r, http.StatusUnprocessableEntity, in, "", err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.tokensPageWith(w, r, http.StatusCreated, tokenInput{Days: 90}, secret, nil)
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.svc.Auth.RevokeToken(r.Context(), p, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, tokensPath(p), "flash.token_revoked")
}
