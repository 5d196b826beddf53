package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"telework/internal/apperr"
)

// Argon2id parameters: RFC 9106's second recommended option (64 MiB, 3
// passes) would cost 64 MiB per concurrent sign-in on a 2-core machine; 19 MiB
// with 2 passes is OWASP's minimum and keeps a sign-in near 30 ms.
type hashParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
	keyLen  uint32
}

var defaultParams = hashParams{memory: 19 * 1024, time: 2, threads: 1, keyLen: 32}

// HashPassword returns a PHC-format argon2id hash.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: reading salt: %w", err)
	}
	p := defaultParams
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, p.keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

var errBadHash = errors.New("auth: malformed password hash")

// CheckPassword reports whether pw matches the stored hash, in constant time.
func CheckPassword(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, errBadHash
	}
	var p hashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return false, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked when the account does not exist, so that a missing
// account and a wrong password take the same time.
var dummyHash, _ = HashPassword("telework-dummy-password")

// CheckDummy spends the time of one password check.
func CheckDummy(pw string) { _, _ = CheckPassword(dummyHash, pw) }

// ValidateNewPassword applies the password rule: at least 10 characters,
// not the login id, at most 128. Long passphrases beat composition rules
// (NIST SP 800-63B), so no character classes are demanded.
func ValidateNewPassword(pw, confirm, loginID string) error {
	var v apperr.Validation
	switch n := utf8.RuneCountInString(pw); {
	case n < 10:
		v.Add("new_password", "field.password_short", map[string]any{"Min": 10})
	case n > 128:
		v.Add("new_password", "field.too_long", map[string]any{"Max": 128})
	case strings.EqualFold(pw, loginID):
		v.Add("new_password", "field.password_is_login", nil)
	}
	if pw != confirm {
		v.Add("confirm_password", "field.password_mismatch", nil)
	}
	return v.Err()
}

// RandomPassword makes a temporary password for admin resets: 16 characters
// from an alphabet without look-alikes (0/O, 1/l/I).
func RandomPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679"
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
