// Package secretkey reads the server's secret keys (TELEWORK_SECRET_KEY or
// --secret-key-file) and builds the AES-256-GCM cipher each area seals its
// values with. The SSO client secrets and the 1on1 logs share the format.
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
