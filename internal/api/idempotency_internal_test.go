package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"telework/internal/auth"
	"telework/internal/route"
)

// fakeIdem records what the idempotency wrapper asks of its store, and
// whether the context it was given had ended.
type fakeIdem struct {
	released, completed bool
	ctxDone             bool
}

func (f *fakeIdem) ClaimIdempotencyKey(ctx context.Context, tenantID, userID int64, key, reqHash string) (bool, route.Idempotent, error) {
	return true, route.Idempotent{}, nil
}

func (f *fakeIdem) CompleteIdempotencyKey(ctx context.Context, tenantID, userID int64, key string, it route.Idempotent) error {
	f.completed, f.ctxDone = true, ctx.Err() != nil
	return ctx.Err()
}

func (f *fakeIdem) ReleaseIdempotencyKey(ctx context.Context, tenantID, userID int64, key string) error {
	f.released, f.ctxDone = true, ctx.Err() != nil
	return ctx.Err()
}

// TestIdempotencyOutlivesTheClient: a client that goes away mid-request
// cancels the request's context; the key's release (the action failed) or
// its stored answer must still be written, else the retry is told "still
// running" (a review found the key stuck).
func TestIdempotencyOutlivesTheClient(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusCreated} {
		f := &fakeIdem{}
		s := &API{svc: route.Services{Idempotency: f}, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		ctx, cancel := context.WithCancel(context.Background())
		r := httptest.NewRequest("POST", "/api/v1/applications", strings.NewReader(`{}`)).WithContext(ctx)
		r.Header.Set("Idempotency-Key", "k")
		s.idempotent(httptest.NewRecorder(), r, &auth.Principal{TenantID: 1, UserID: 1}, func(w http.ResponseWriter, r *http.Request) {
			cancel() // the client is gone
			w.WriteHeader(status)
		})
		if (status >= 500 && !f.released) || (status < 500 && !f.completed) || f.ctxDone {
			t.Errorf("status %d: released %v, completed %v, with an ended context %v", status, f.released, f.completed, f.ctxDone)
		}
	}
}

// lateIdem is PostgreSQL's answer to a claim whose caller hung up: the
// server committed the row, the driver reports the cancellation.
type lateIdem struct {
	fakeIdem
	claimedWithEndedCtx bool
}

func (f *lateIdem) ClaimIdempotencyKey(ctx context.Context, tenantID, userID int64, key, reqHash string) (bool, route.Idempotent, error) {
	if ctx.Err() != nil {
		f.claimedWithEndedCtx = true // written, yet reported as failed
		return false, route.Idempotent{}, ctx.Err()
	}
	return true, route.Idempotent{}, nil
}

// TestIdempotencyClaimOutlivesTheClient: a client gone before the claim
// left the key claimed with nothing run, refused for its 24 hours (a
// review, on PostgreSQL); the claim is made under a context of its own and
// the action's failure releases it. Nothing reaches the error log.
func TestIdempotencyClaimOutlivesTheClient(t *testing.T) {
	f := &lateIdem{}
	var logs strings.Builder
	s := &API{svc: route.Services{Idempotency: f}, log: slog.New(slog.NewTextHandler(&logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the client is gone
	r := httptest.NewRequest("POST", "/api/v1/applications", strings.NewReader(`{}`)).WithContext(ctx)
	r.Header.Set("Idempotency-Key", "k")
	w := httptest.NewRecorder()
	ran := false
	s.idempotent(w, r, &auth.Principal{TenantID: 1, UserID: 1}, func(w http.ResponseWriter, r *http.Request) {
		ran = true
		s.problem(w, r, http.StatusInternalServerError, r.Context().Err())
	})
	if f.claimedWithEndedCtx || !ran || !f.released || f.ctxDone {
		t.Errorf("claimed with the ended context %v, ran %v, released %v (with an ended context %v)", f.claimedWithEndedCtx, ran, f.released, f.ctxDone)
	}
	if w.Code != route.StatusClientGone || strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("status %d, logs %s", w.Code, logs.String())
	}
}

// TestRequestFingerprint: a retry that serialises its JSON again is the
// same request; another value, path or query, or bytes of a body that is
// not JSON, is not.
func TestRequestFingerprint(t *testing.T) {
	fp := func(target, body string) string {
		return requestFingerprint(httptest.NewRequest("POST", target, strings.NewReader(body)), []byte(body))
	}
	base := fp("/api/v1/device-reservations", `{"pool_id":4,"date":"2027-01-20"}`)
	for _, c := range []struct {
		target, body string
		same         bool
	}{
		{"/api/v1/device-reservations", `{"date":"2027-01-20", "pool_id":4}`, true},
		{"/api/v1/device-reservations", "{\n  \"pool_id\": 4,\n  \"date\": \"2027-01-20\"\n}\n", true},
		{"/api/v1/device-reservations", `{"pool_id":4,"date":"2027-01-21"}`, false},
		{"/api/v1/device-reservations", `{"pool_id":4.0,"date":"2027-01-20"}`, false},
		{"/api/v1/device-reservations", `{"pool_id":4,"date":"2027-01-20"} {}`, false},
		{"/api/v1/bookings", `{"pool_id":4,"date":"2027-01-20"}`, false},
		{"/api/v1/device-reservations?dry_run=1", `{"pool_id":4,"date":"2027-01-20"}`, false},
	} {
		if got := fp(c.target, c.body) == base; got != c.same {
			t.Errorf("%s %s: same %v, want %v", c.target, c.body, got, c.same)
		}
	}
	if fp("/x?a=1&b=2", "") != fp("/x?b=2&a=1", "") || fp("/x", "a,b") == fp("/x", "a, b") {
		t.Error("query order counts, or a non-JSON body's bytes do not")
	}
}

// replayIdem answers every claim with a stored answer under reqHash.
type replayIdem struct{ fakeIdem }

var storedHash string

func (*replayIdem) ClaimIdempotencyKey(ctx context.Context, tenantID, userID int64, key, reqHash string) (bool, route.Idempotent, error) {
	return false, route.Idempotent{RequestHash: storedHash, Status: http.StatusCreated, ContentType: "application/json", Body: `{"id":7}`}, nil
}

// TestIdempotencyKeyFromBeforeTheUpgrade: a key stored with the hash of
// the raw bytes (before the fingerprint read JSON by meaning) still
// replays its answer to the same request; another request is refused.
func TestIdempotencyKeyFromBeforeTheUpgrade(t *testing.T) {
	body := `{"pool_id":4,"date":"2027-01-20"}`
	legacy := sha256.Sum256([]byte("POST /api/v1/device-reservations\n" + body))
	storedHash = hex.EncodeToString(legacy[:])
	s := &API{svc: route.Services{Idempotency: &replayIdem{}}, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, c := range []struct {
		body string
		want int
	}{{body, http.StatusCreated}, {`{"pool_id":5,"date":"2027-01-20"}`, http.StatusUnprocessableEntity}} {
		r := httptest.NewRequest("POST", "/api/v1/device-reservations", strings.NewReader(c.body))
		r.Header.Set("Idempotency-Key", "k")
		rec := httptest.NewRecorder()
		s.idempotent(rec, r, &auth.Principal{TenantID: 1, UserID: 1}, func(w http.ResponseWriter, r *http.Request) {
			t.Error("the handler ran again")
		})
		if rec.Code != c.want {
			t.Errorf("%s: %d, want %d", c.body, rec.Code, c.want)
		}
	}
}
