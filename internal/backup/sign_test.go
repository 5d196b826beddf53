package backup

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// Issue 10 #12: an archive edited with recomputed checksums (the review
// turned an account into an administrator this way) restored silently.
// Signed archives refuse it; unsigned ones are refused without the
// operator's explicit allowance; the summary names the admin accounts.
func TestSignedArchives(t *testing.T) {
	key := bytes.Repeat([]byte("k"), MinKeyBytes)
	src := storetest.Open(t, store.SQLite)
	seedTown(t, src, "matsumoto", "松本市")
	if _, err := src.SQL.Exec(`UPDATE users SET roles = 'hr_admin' WHERE login_id = 'jinji01'`); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := Create(ctx, src, &b, Options{Producer: "test", Now: fixedNow, Key: key}); err != nil {
		t.Fatal(err)
	}
	signed := b.Bytes()
	if _, err := Create(ctx, src, &bytes.Buffer{}, Options{Key: []byte("short")}); err == nil {
		t.Error("a key of 5 bytes was accepted")
	}

	a, err := Open(bytes.NewReader(signed))
	if err != nil {
		t.Fatal(err)
	}
	if !a.Signed() {
		t.Fatal("not signed")
	}
	var be *Error
	if err := a.Verify(bytes.Repeat([]byte("x"), MinKeyBytes), true); !errors.As(err, &be) || be.Kind != Corrupt {
		t.Errorf("another key (even with allowUnsigned): %v", err)
	}
	if err := a.Verify(nil, false); !errors.As(err, &be) || be.Kind != Unsigned || !strings.Contains(be.Ja, "鍵が指定されていない") {
		t.Errorf("signed, no key: %v", err)
	}
	if err := a.Restore(ctx, storetest.Open(t, store.SQLite)); err == nil || !strings.Contains(err.Error(), "Verify") {
		t.Errorf("restore before Verify: %v", err)
	}
	if err := a.Verify(key, false); err != nil {
		t.Fatalf("the right key: %v", err)
	}
	sum := a.Summary()
	if len(sum.Tenants) != 1 || sum.Tenants[0].Slug != "matsumoto" || sum.Rows != a.Manifest.Rows() {
		t.Errorf("summary: %+v", sum)
	}
	if len(sum.Admins) == 0 || sum.Admins[0].LoginID != "jinji01" || !strings.Contains(sum.String(), "matsumoto / jinji01: hr_admin") {
		t.Errorf("summary admins: %+v\n%s", sum.Admins, sum)
	}
	dst := storetest.Open(t, store.SQLite)
	if err := a.Restore(ctx, dst); err != nil {
		t.Fatal(err)
	}

	// The review's edit: the staff account yamada made HR (and auditor),
	// users.jsonl's checksum and count recomputed in the manifest: every
	// check but the signature holds.
	edited := editManifest(t, signed, nil, "users.jsonl", func(data []byte) []byte {
		return bytes.Replace(data, []byte(`"login_id":"yamada","password_hash":"h1","staff_id":1,"roles":""`),
			[]byte(`"login_id":"yamada","password_hash":"h1","staff_id":1,"roles":"hr_admin,auditor"`), 1)
	})
	// editManifest drops nothing: the old signature travels with the new manifest.
	e, err := Open(bytes.NewReader(edited))
	if err != nil {
		t.Fatalf("the edited archive should pass the checksums: %v", err)
	}
	if !strings.Contains(e.Summary().String(), "matsumoto / yamada: hr_admin, auditor") {
		t.Errorf("the summary does not show the new roles:\n%s", e.Summary())
	}
	if err := e.Verify(key, false); !errors.As(err, &be) || be.Kind != Corrupt || !strings.Contains(be.En, "signature does not match") {
		t.Fatalf("edited archive with recomputed checksums: %v", err)
	}
	if err := e.Restore(ctx, storetest.Open(t, store.SQLite)); err == nil {
		t.Fatal("the edited archive was restored")
	}

	// An unsigned archive: refused unless allowed.
	unsigned := create(t, src, "")
	u, err := Open(bytes.NewReader(unsigned))
	if err != nil {
		t.Fatal(err)
	}
	if u.Signed() {
		t.Fatal("signed without a key")
	}
	for _, k := range [][]byte{nil, key} {
		if err := u.Verify(k, false); !errors.As(err, &be) || be.Kind != Unsigned {
			t.Errorf("unsigned archive (key %v): %v", k != nil, err)
		}
	}
	if err := u.Verify(nil, true); err != nil {
		t.Errorf("unsigned, allowed: %v", err)
	}
	// A signature stripped from a signed archive makes it unsigned.
	stripped := rewrite(t, signed, func(name string, data []byte) []byte {
		if name == SignatureFile {
			return nil
		}
		return data
	})
	s, err := Open(bytes.NewReader(stripped))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(key, false); !errors.As(err, &be) || be.Kind != Unsigned {
		t.Errorf("stripped signature: %v", err)
	}
}
