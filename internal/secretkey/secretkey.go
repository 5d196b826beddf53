// Package secretkey reads the server's secret keys (TELEWORK_SECRET_KEY or
// --secret-key-file) and builds the AES-256-GCM cipher each area seals its
// values with. The SSO client secrets, the SMTP passwords and the 1on1
// logs share the format.
package secretkey

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// Raw reads keys written as base64 (standard or URL alphabet, padded or
// not) of 32 random bytes, separated by newlines or commas; blank lines
// and lines starting with # are skipped. The keys come back in order
// (the first seals, all open).
func Raw(text string) ([][]byte, error) {
	var out [][]byte
	for i, f := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' }) {
		f = strings.TrimSpace(f)
		if f == "" || strings.HasPrefix(f, "#") {
			continue
		}
		raw, err := decode(f)
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("secret key %d: want the base64 of 32 bytes (openssl rand -base64 32)", i+1)
		}
		out = append(out, raw)
	}
	return out, nil
}

func decode(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawURLEncoding.DecodeString(s)
}

// AEAD is AES-256-GCM over key, with the key's id: the first 8 hex digits
// of its SHA-256 (so that a rotation knows which key sealed a value).
func AEAD(key []byte) (id string, aead cipher.AEAD, err error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", nil, err
	}
	if aead, err = cipher.NewGCM(block); err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:4]), aead, nil
}

// Prefix marks a sealed value (enc:v1:<key id>:<base64>); a stored secret
// without it is plaintext from before a key was configured.
const Prefix = "enc:v1:"

// IsSealed reports whether stored is a sealed value.
func IsSealed(stored string) bool { return strings.HasPrefix(stored, Prefix) }

// Keys seal and open secrets at rest (sso.SecretKeys): the first key
// seals, all open.
type Keys interface {
	Seal(tenantID int64, plain string) (string, error)
	Open(tenantID int64, stored string) (string, error)
	// Current reports whether stored is sealed with the current key.
	Current(stored string) bool
}

// Report is what a start-up re-seal of stored secrets found and did.
type Report struct {
	Plain    int // stored as typed (no key was configured when they were saved)
	Sealed   int // sealed again with the current key now
	Unopened int // sealed with a key this server does not have
}

// ReSeal is the start-up step for one stored secret. Without keys (nil)
// it only counts plaintext and sealed values (those cannot be opened).
// With keys, a value not sealed with the current key (plaintext, or an
// older key) comes back sealed with it, replace true, counted as Sealed
// (the caller writes it over the stored one); a value no key opens is
// counted as Unopened and left as it is.
func (r *Report) ReSeal(k Keys, tenantID int64, stored string) (next string, replace bool, err error) {
	if k == nil {
		if IsSealed(stored) {
			r.Unopened++
		} else {
			r.Plain++
		}
		return "", false, nil
	}
	if k.Current(stored) {
		return "", false, nil
	}
	plain, err := k.Open(tenantID, stored)
	if err != nil {
		r.Unopened++
		return "", false, nil
	}
	if next, err = k.Seal(tenantID, plain); err != nil {
		return "", false, err
	}
	r.Sealed++
	return next, true, nil
}
