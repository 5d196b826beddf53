package backup

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"telework/internal/auth"
)

// Signing. The manifest holds every table file's SHA-256, so an HMAC of
// the manifest's exact bytes under a key the operator keeps outside the
// database and the archive covers the whole archive: someone who edits a
// row and recomputes the checksums (to turn a staff account into HR, say)
// cannot recompute the signature. The signature is the tar entry
// manifest.sig right after manifest.json: hex(HMAC-SHA256(key, manifest)).

// SignatureFile is the entry holding the manifest's signature.
const SignatureFile = "manifest.sig"

// MinKeyBytes is the shortest key accepted (256 bits).
const MinKeyBytes = 32

const maxSignatureSize = 256

// sign is the signature of the manifest's bytes.
func sign(key, manifest []byte) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write(manifest)
	return []byte(hex.EncodeToString(mac.Sum(nil)) + "\n")
}

// Signed reports whether the archive carries a signature.
func (a *Archive) Signed() bool { return a.sig != nil }

// Verify checks the archive's signature with key before Restore will write
// it. An archive whose signature does not match key is refused, always: it
// was altered, or signed with another key. One without a signature, or a
// signed one checked without a key (nil), is refused unless allowUnsigned
// (the operator's explicit --allow-unsigned, for archives made before
// signing or whose key is lost).
func (a *Archive) Verify(key []byte, allowUnsigned bool) error {
	switch {
	case a.sig != nil && key != nil:
		if !hmac.Equal(a.sig, sign(key, a.manifestRaw)) {
			return &Error{Kind: Corrupt,
				Ja: "バックアップの署名が鍵と一致しないため、何も書き込まずに中止しました。バックアップが改変されたか、別の鍵で署名されています",
				En: "the backup's signature does not match the key, nothing was written: the archive was altered or signed with another key"}
		}
	case allowUnsigned:
	case a.sig == nil:
		return &Error{Kind: Unsigned,
			Ja: "バックアップに署名がないため、何も書き込まずに中止しました。--backup-key で署名したバックアップを使うか、内容を確かめたうえで --allow-unsigned を付けてください",
			En: "the backup is not signed, nothing was written: use a backup signed with --backup-key, or give --allow-unsigned once you have checked its contents"}
	default:
		return &Error{Kind: Unsigned,
			Ja: "バックアップは署名されていますが、鍵が指定されていないため確かめられません。--backup-key（または TELEWORK_BACKUP_KEY_FILE）で鍵のファイルを指定してください",
			En: "the backup is signed but no key was given to check it: give the key file with --backup-key (or TELEWORK_BACKUP_KEY_FILE)"}
	}
	a.verified = true
	return nil
}

// Summary is what an operator should see before a restore: whose data it
// is, how much, and who will hold administrative roles afterwards (the
// accounts an edited archive would most want to change).
type Summary struct {
	Tenants   []SummaryTenant
	Rows      int64
	Admins    []SummaryAccount // accounts with hr_admin, it_admin or auditor
	Operators []string         // operator logins (whole-instance archives)
}

// SummaryTenant is one tenant of the archive.
type SummaryTenant struct {
	ID         int64
	Slug, Name string
	Users      int
}

// SummaryAccount is one account with an administrative role.
type SummaryAccount struct {
	TenantSlug string
	LoginID    string
	Roles      []string
}

// adminRoles are the roles the summary lists.
var adminRoles = []auth.Role{auth.HRAdmin, auth.ITAdmin, auth.Auditor}

// summarise records what Summary reports from one row.
func (a *Archive) summarise(t *Table, row []any) {
	str := func(col string) string { s, _ := row[t.column(col)].(string); return s }
	num := func(col string) int64 { n, _ := row[t.column(col)].(int64); return n }
	switch t.Name {
	case "tenants":
		a.summary.Tenants = append(a.summary.Tenants, SummaryTenant{ID: num("id"), Slug: str("slug"), Name: str("name")})
	case "operators":
		a.summary.Operators = append(a.summary.Operators, str("login_id"))
	case "users":
		tid := num("tenant_id")
		slug := fmt.Sprint(tid)
		for i := range a.summary.Tenants {
			if a.summary.Tenants[i].ID == tid {
				a.summary.Tenants[i].Users++
				slug = a.summary.Tenants[i].Slug
			}
		}
		var admin []string
		for _, r := range auth.ParseRoles(str("roles")) {
			if slices.Contains(adminRoles, r) {
				admin = append(admin, string(r))
			}
		}
		if len(admin) > 0 {
			a.summary.Admins = append(a.summary.Admins, SummaryAccount{TenantSlug: slug, LoginID: str("login_id"), Roles: admin})
		}
	}
}

// Summary describes the archive (after Open).
func (a *Archive) Summary() Summary {
	s := a.summary
	s.Rows = a.Manifest.Rows()
	return s
}

// String is the summary as the CLI prints it, in Japanese and English.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  団体 / tenants: %d, 行 / rows: %d\n", len(s.Tenants), s.Rows)
	for _, t := range s.Tenants {
		fmt.Fprintf(&b, "    %s %s（アカウント / accounts: %d）\n", t.Slug, t.Name, t.Users)
	}
	fmt.Fprintf(&b, "  管理の役割を持つアカウント / accounts with admin roles (hr_admin, it_admin, auditor): %d\n", len(s.Admins))
	for _, u := range s.Admins {
		fmt.Fprintf(&b, "    %s / %s: %s\n", u.TenantSlug, u.LoginID, strings.Join(u.Roles, ", "))
	}
	if len(s.Operators) > 0 {
		fmt.Fprintf(&b, "  運用者 / operators: %s\n", strings.Join(s.Operators, ", "))
	}
	return b.String()
}
