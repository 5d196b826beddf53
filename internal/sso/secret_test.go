package sso_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"telework/internal/sso"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

func newKey(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func mustKeys(t *testing.T, text string) *sso.SecretKeys {
	t.Helper()
	k, err := sso.ParseSecretKeys(text)
	if err != nil || k == nil {
		t.Fatalf("ParseSecretKeys: %v", err)
	}
	return k
}

func TestSecretKeys(t *testing.T) {
	if k, err := sso.ParseSecretKeys("\n# no key yet\n"); k != nil || err != nil {
		t.Errorf("no key: %v %v", k, err)
	}
	for _, bad := range []string{"short", base64.StdEncoding.EncodeToString(make([]byte, 16)), "!!!!"} {
		if _, err := sso.ParseSecretKeys(bad); err == nil || strings.Contains(err.Error(), bad) {
			t.Errorf("key %q: err = %v (must be refused without echoing the key)", bad, err)
		}
	}
	k1, k2 := newKey(t), newKey(t)
	old := mustKeys(t, k1)
	sealed, err := old.Seal(7, "client-secret-value")
	if err != nil || !strings.HasPrefix(sealed, "enc:v1:"+old.ID()+":") || strings.Contains(sealed, "client-secret") {
		t.Fatalf("sealed = %q, %v", sealed, err)
	}
	again, _ := old.Seal(7, "client-secret-value")
	if again == sealed {
		t.Error("two seals of one value are equal (nonce reused)")
	}
	if got, err := old.Open(7, sealed); err != nil || got != "client-secret-value" {
		t.Errorf("open = %q, %v", got, err)
	}
	// Bound to its tenant, and to its bytes.
	if _, err := old.Open(8, sealed); err == nil {
		t.Error("another tenant's sealed secret opened")
	}
	// Two characters changed (whatever they were: a seal ending in "AA"
	// must not leave the "tampered" value equal to it).
	swap := "AA"
	if strings.HasSuffix(sealed, swap) {
		swap = "BB"
	}
	tampered := sealed[:len(sealed)-2] + swap
	if _, err := old.Open(7, tampered); err == nil {
		t.Error("an altered value opened")
	}
	// Plaintext from before the key passes through; a missing key is an error.
	if got, err := old.Open(7, "plain"); err != nil || got != "plain" {
		t.Errorf("plaintext = %q, %v", got, err)
	}
	var none *sso.SecretKeys
	if _, err := none.Open(7, sealed); !errors.Is(err, sso.ErrSecretKey) {
		t.Errorf("no key configured: %v", err)
	}
	if _, err := mustKeys(t, k2).Open(7, sealed); !errors.Is(err, sso.ErrSecretKey) {
		t.Errorf("another key: %v", err)
	}
	// Rotation: new key first, old after it (file lines or commas).
	rotated := mustKeys(t, "# new\n"+k2+"\n"+strings.TrimRight(k1, "=")+"\n")
	if got, err := rotated.Open(7, sealed); err != nil || got != "client-secret-value" {
		t.Errorf("old value under rotated keys = %q, %v", got, err)
	}
	if rotated.ID() == old.ID() || mustKeys(t, k2+","+k1).ID() != rotated.ID() {
		t.Error("the first key is not the current one")
	}
}

// TestClientSecretsAtRest: with a key, a saved secret is stored sealed and
// the code exchange gets it as typed; secrets saved before the key, or
// under an older key, are sealed with the current key by ReSealSecrets.
func TestClientSecretsAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, db)
		tid := f.tenant.ID
		// Saved without a key: as typed; the start-up step counts it.
		f.enable(t, sso.ClaimEmail, false)
		if got, _ := db.SSOClientSecret(ctx, tid); got != "s3cret" {
			t.Fatalf("without a key: stored %q", got)
		}
		if rep, err := f.svc.ReSealSecrets(ctx); err != nil || rep != (sso.SecretReport{Plain: 1}) {
			t.Errorf("report without a key: %+v %v", rep, err)
		}
		// A key is configured: the start-up step seals it.
		k1, k2 := newKey(t), newKey(t)
		f.svc.SetSecretKeys(mustKeys(t, k1))
		if rep, err := f.svc.ReSealSecrets(ctx); err != nil || rep != (sso.SecretReport{Sealed: 1}) {
			t.Errorf("report with a key: %+v %v", rep, err)
		}
		stored, _ := db.SSOClientSecret(ctx, tid)
		if !strings.HasPrefix(stored, "enc:v1:") || strings.Contains(stored, "s3cret") {
			t.Fatalf("after the start-up step: stored %q", stored)
		}
		if rep, _ := f.svc.ReSealSecrets(ctx); rep != (sso.SecretReport{}) {
			t.Errorf("second run: %+v", rep)
		}
		staff := f.staff(t, "1001", "山田 太郎")
		f.account(t, "yamada", staff.ID, false)
		f.rp.as("sub-1", "p1001@city.example.lg.jp")
		if _, err := f.signIn(t); err != nil || f.rp.secret != "s3cret" {
			t.Fatalf("sign-in with a sealed secret: %v, exchange sent %q", err, f.rp.secret)
		}
		// A new secret typed on a save is stored sealed.
		st, _ := f.svc.Settings(ctx, tid)
		typed := "new-secret-typed"
		if err := f.svc.SaveSettings(ctx, tid, admin, st, &typed); err != nil {
			t.Fatal(err)
		}
		if stored, _ := db.SSOClientSecret(ctx, tid); !strings.HasPrefix(stored, "enc:v1:") || strings.Contains(stored, typed) {
			t.Errorf("saved with a key: stored %q", stored)
		}
		// Rotation: the new key first, the old one after it.
		f.svc.SetSecretKeys(mustKeys(t, k2+"\n"+k1))
		if rep, err := f.svc.ReSealSecrets(ctx); err != nil || rep != (sso.SecretReport{Sealed: 1}) {
			t.Errorf("rotation: %+v %v", rep, err)
		}
		f.svc.SetSecretKeys(mustKeys(t, k2))
		if _, err := f.signIn(t); err != nil || f.rp.secret != typed {
			t.Errorf("after rotation: %v, exchange sent %q", err, f.rp.secret)
		}
		// Without the key the secret cannot be used, and the step says so.
		f.svc.SetSecretKeys(nil)
		if rep, _ := f.svc.ReSealSecrets(ctx); rep != (sso.SecretReport{Unopened: 1}) {
			t.Errorf("key missing: %+v", rep)
		}
		if _, err := f.signIn(t); !errors.Is(err, sso.ErrSecretKey) {
			t.Errorf("sign-in without the key: %v", err)
		}
	})
}
