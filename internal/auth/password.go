package auth

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"
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

// MinPasswordLen is the shortest password a person may choose.
const MinPasswordLen = 12

//go:embed commonpasswords.txt
var commonPasswordsText string

// commonPasswords is the embedded list of the commonest passwords (see the
// head of commonpasswords.txt for its source and licence), lower-cased.
var commonPasswords = func() map[string]struct{} {
	m := make(map[string]struct{}, 10400)
	for _, l := range strings.Split(commonPasswordsText, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[strings.ToLower(l)] = struct{}{}
		}
	}
	return m
}()

// ValidateNewPassword applies the password rule of NIST SP 800-63B §5.1.1.2:
// at least 12 and at most 128 characters, not one of the commonest
// passwords (nor one of them with digits or symbols added at the end), not
// a repetition or run of characters (aaaa…, 1234…), and not containing the
// login id. Long passphrases beat composition rules, so no character
// classes are demanded. Each refusal says why.
func ValidateNewPassword(pw, confirm, loginID string) error {
	var v apperr.Validation
	switch n := utf8.RuneCountInString(pw); {
	case n < MinPasswordLen:
		v.Add("new_password", "field.password_short", map[string]any{"Min": MinPasswordLen})
	case n > 128:
		v.Add("new_password", "field.too_long", map[string]any{"Max": 128})
	case containsLogin(pw, loginID):
		v.Add("new_password", "field.password_has_login", nil)
	case IsCommonPassword(pw):
		v.Add("new_password", "field.password_common", nil)
	case isRepetitive(pw):
		v.Add("new_password", "field.password_pattern", nil)
	}
	if pw != confirm {
		v.Add("confirm_password", "field.password_mismatch", nil)
	}
	return v.Err()
}

// containsLogin reports whether pw contains the login id, ignoring case (a
// login id of one or two characters only when it is the whole password:
// "it" is in too many words).
func containsLogin(pw, loginID string) bool {
	pw, loginID = strings.ToLower(pw), strings.ToLower(loginID)
	if utf8.RuneCountInString(loginID) < 3 {
		return loginID != "" && pw == loginID
	}
	return strings.Contains(pw, loginID)
}

// IsCommonPassword reports whether pw is on the embedded list of the
// commonest passwords, ignoring case, also once digits, spaces and symbols
// added at its end are taken away ("Password2026!" is "password").
func IsCommonPassword(pw string) bool {
	l := strings.ToLower(pw)
	if _, ok := commonPasswords[l]; ok {
		return true
	}
	base := strings.TrimRightFunc(l, func(r rune) bool { return !unicode.IsLetter(r) })
	if utf8.RuneCountInString(base) >= 4 && base != l {
		_, ok := commonPasswords[base]
		return ok
	}
	return false
}

// isRepetitive reports a password that is one short unit repeated
// ("aaaaaaaaaaaa", "abcabcabcabc") or a run of consecutive characters
// ("123456789012", "abcdefghijkl").
func isRepetitive(pw string) bool {
	rs := []rune(strings.ToLower(pw))
	for unit := 1; unit <= 4 && unit < len(rs); unit++ {
		same := true
		for i := unit; i < len(rs); i++ {
			if rs[i] != rs[i-unit] {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	up, down := true, true
	for i := 1; i < len(rs); i++ {
		d := rs[i] - rs[i-1]
		// 9 → 0 continues a run of digits ("1234567890").
		wrap := rs[i-1] == '9' && rs[i] == '0' || rs[i-1] == '0' && rs[i] == '9'
		up = up && (d == 1 || wrap && rs[i] == '0')
		down = down && (d == -1 || wrap && rs[i] == '9')
	}
	return up || down
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
