package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/route"
)

// recorder keeps a copy of what a handler wrote, for idempotent replay.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (rw *recorder) WriteHeader(code int) { rw.status = code; rw.ResponseWriter.WriteHeader(code) }
func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	rw.buf.Write(b)
	return rw.ResponseWriter.Write(b)
}

// idempotent runs a POST once per Idempotency-Key: a retry with the same
// key and body replays the stored response; the same key with another body
// is refused; a retry while the first is still running gets 409.
func (s *API) idempotent(w http.ResponseWriter, r *http.Request, p *auth.Principal, next http.HandlerFunc) {
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 200 {
		var v apperr.Validation
		v.Add("Idempotency-Key", "field.too_long", map[string]any{"Max": 200})
		s.problem(w, r, http.StatusBadRequest, v.Err())
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.problem(w, r, http.StatusRequestEntityTooLarge, apperr.New(apperr.Invalid, "error.too_large"))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	hash := requestFingerprint(r, body)
	// Not the request's context, here either: on PostgreSQL a client gone
	// during the claim cancelled the call after the server had committed
	// the row, and the key then stayed claimed with nothing run — refused
	// for its 24 hours (a review). A claim that fails otherwise is not
	// released: the row may be another request's, still running.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Second)
	defer cancel()
	claimed, prev, err := s.svc.Idempotency.ClaimIdempotencyKey(ctx, p.TenantID, p.UserID, key, hash)
	if err != nil {
		s.problem(w, r, http.StatusInternalServerError, err)
		return
	}
	if !claimed {
		// A key claimed before the fingerprint compared JSON by its
		// meaning holds the hash of the raw bytes (keys live 24 hours, and
		// nodes are upgraded one by one): the same request under either.
		legacy := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), body...))
		switch {
		case prev.RequestHash != hash && prev.RequestHash != hex.EncodeToString(legacy[:]):
			s.problem(w, r, http.StatusUnprocessableEntity, apperr.New(apperr.Invalid, "api.idempotency_mismatch"))
		case prev.Status == 0 && prev.Abandoned:
			s.problem(w, r, http.StatusConflict, apperr.New(apperr.Conflict, "api.idempotency_unknown"))
		case prev.Status == 0:
			s.problem(w, r, http.StatusConflict, apperr.New(apperr.Conflict, "api.idempotency_running"))
		default:
			if prev.Location != "" {
				w.Header().Set("Location", prev.Location)
			}
			w.Header().Set("Content-Type", prev.ContentType)
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(prev.Status)
			_, _ = io.WriteString(w, prev.Body)
		}
		return
	}
	rec := &recorder{ResponseWriter: w}
	next(rec, r)
	// Not the request's context: a client gone mid-request cancels it, and
	// the release or the stored answer must still be written (else the key
	// waits for IdempotencyLease; a review found it stuck).
	ctx, cancel = context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Second)
	defer cancel()
	// A refusal to run now (429: imports busy, sign-in throttled) is not a
	// result: the retry after Retry-After must run, not replay it.
	if rec.status >= 500 || rec.status == 0 || rec.status == http.StatusTooManyRequests || rec.status == route.StatusClientGone {
		_ = s.svc.Idempotency.ReleaseIdempotencyKey(ctx, p.TenantID, p.UserID, key)
		return
	}
	if err := s.svc.Idempotency.CompleteIdempotencyKey(ctx, p.TenantID, p.UserID, key, storeIdem(rec)); err != nil {
		s.log.Error("idempotency store", "request_id", requestID(r), "err", err)
	}
}

// requestFingerprint is what makes two requests under one key "the same
// content": the method, the path, the query (its parameters in order) and
// the body — a JSON body as its meaning, not its bytes: a client that
// serialises its retry again (keys in another order, other spacing) sends
// the same request (a review found such a retry refused as a different
// one). A body that is not JSON counts byte for byte.
func requestFingerprint(r *http.Request, body []byte) string {
	h := sha256.New()
	_, _ = io.WriteString(h, r.Method+" "+r.URL.Path+"?"+r.URL.Query().Encode()+"\n")
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // 1.0 and 1 stay as sent
	if err := dec.Decode(&v); err == nil && dec.Decode(new(any)) == io.EOF {
		if canon, err := json.Marshal(v); err == nil {
			body = append([]byte("json:"), canon...)
		}
	}
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

func storeIdem(rec *recorder) route.Idempotent {
	return route.Idempotent{Status: rec.status, ContentType: rec.Header().Get("Content-Type"),
		Location: rec.Header().Get("Location"), Body: rec.buf.String()}
}

// Small helpers every handler file uses.
