package sso

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"telework/internal/secretkey"
)

// Client secrets at rest. With a key given to the server (env
// TELEWORK_SECRET_KEY or --secret-key-file), a tenant's client secret is
// stored as
//
//	enc:v1:<key id>:<base64(nonce ‖ AES-256-GCM ciphertext)>
//
// where the key id is the first 8 hex digits of the key's SHA-256 (so that
// a rotation knows which key sealed a value) and the tenant's id is the
// additional data (a value copied to another tenant's row does not open).
// A copy of the database, a backup or a stolen disk then holds no usable
// secret without the key. Without a key, secrets are stored as typed and
// the server says so at start-up.
//
// Rotation: configure the new key first and the old ones after it (one
// per line in the key file, comma-separated in the environment variable);
// values are opened with whichever key sealed them, and at start-up every
// secret not sealed with the first key is sealed again with it
// (ReSealSecrets). Once the start-up log reports none left, drop the old
// keys.

// SecretKeys are the keys client secrets are sealed with: the first seals,
// all open.
type SecretKeys struct {
	keys []secretKey
}

type secretKey struct {
	id   string
	aead cipher.AEAD
}

// ParseSecretKeys reads keys written as base64 (standard or URL alphabet,
// padded or not) of 32 random bytes (`openssl rand -base64 32`), separated
// by newlines or commas; blank lines and lines starting with # are
// skipped. No key at all is (nil, nil).
func ParseSecretKeys(text string) (*SecretKeys, error) {
	var ks SecretKeys
	raws, err := secretkey.Raw(text)
	if err != nil {
		return nil, err
	}
	for _, raw := range raws {
		id, aead, err := secretkey.AEAD(raw)
		if err != nil {
			return nil, err
		}
		ks.keys = append(ks.keys, secretKey{id: id, aead: aead})
	}
	if len(ks.keys) == 0 {
		return nil, nil
	}
	return &ks, nil
}

// ID is the current key's id (what the start-up log names).
func (k *SecretKeys) ID() string { return k.keys[0].id }

func aad(tenantID int64) []byte {
	return []byte("telework sso client secret, tenant " + strconv.FormatInt(tenantID, 10))
}

// Seal encrypts a tenant's secret with the current key ("" stays "").
func (k *SecretKeys) Seal(tenantID int64, plain string) (string, error) {
	if plain == "" {
		return "", nil
	}
	cur := k.keys[0]
	nonce := make([]byte, cur.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := cur.aead.Seal(nonce, nonce, []byte(plain), aad(tenantID))
	return secretkey.Prefix + cur.id + ":" + base64.RawStdEncoding.EncodeToString(out), nil
}

// ErrSecretKey is a sealed secret that no configured key opens (the key is
// missing or another one).
var ErrSecretKey = errors.New("sso: the client secret is encrypted with a key this server does not have")

// Open returns a stored secret as typed: plaintext as it is, a sealed
// value opened with the key that sealed it.
func (k *SecretKeys) Open(tenantID int64, stored string) (string, error) {
	if !secretkey.IsSealed(stored) { // plaintext from before a key was configured
		return stored, nil
	}
	id, data, ok := strings.Cut(strings.TrimPrefix(stored, secretkey.Prefix), ":")
	if k == nil || !ok {
		return "", ErrSecretKey
	}
	for _, key := range k.keys {
		if key.id != id {
			continue
		}
		raw, err := base64.RawStdEncoding.DecodeString(data)
		if err != nil || len(raw) < key.aead.NonceSize() {
			return "", fmt.Errorf("sso: stored client secret of tenant %d is malformed", tenantID)
		}
		n := key.aead.NonceSize()
		plain, err := key.aead.Open(nil, raw[:n], raw[n:], aad(tenantID))
		if err != nil {
			return "", fmt.Errorf("sso: stored client secret of tenant %d does not open with key %s (altered or moved)", tenantID, id)
		}
		return string(plain), nil
	}
	return "", ErrSecretKey
}

// Current reports whether stored is sealed with the current key.
func (k *SecretKeys) Current(stored string) bool {
	return strings.HasPrefix(stored, secretkey.Prefix+k.keys[0].id+":")
}

// SetSecretKeys gives the service the keys for client secrets at rest
// (nil: stored as typed).
func (s *Service) SetSecretKeys(k *SecretKeys) { s.keys = k }

// sealSecret is the stored form of a secret typed on a save.
func (s *Service) sealSecret(tenantID int64, plain string) (string, error) {
	if s.keys == nil {
		return plain, nil
	}
	return s.keys.Seal(tenantID, plain)
}

// clientSecret is the tenant's client secret as typed, for the code
// exchange.
func (s *Service) clientSecret(ctx context.Context, tenantID int64) (string, error) {
	stored, err := s.st.SSOClientSecret(ctx, tenantID)
	if err != nil {
		return "", err
	}
	return s.keys.Open(tenantID, stored)
}

// SecretReport is what ReSealSecrets found and did.
type SecretReport = secretkey.Report

// ReSealSecrets is the start-up step for client secrets at rest (see
// secretkey.Report.ReSeal): with a key, every secret not sealed with the
// current key is sealed with it; without one, plaintext and sealed values
// are counted.
func (s *Service) ReSealSecrets(ctx context.Context) (SecretReport, error) {
	var rep SecretReport
	rows, err := s.st.SSOStoredSecrets(ctx)
	if err != nil {
		return rep, err
	}
	var keys secretkey.Keys
	if s.keys != nil {
		keys = s.keys
	}
	for _, r := range rows {
		next, replace, err := rep.ReSeal(keys, r.TenantID, r.Stored)
		if err != nil {
			return rep, err
		}
		if replace {
			if err := s.st.ReplaceSSOStoredSecret(ctx, r.TenantID, r.Stored, next); err != nil {
				return rep, err
			}
		}
	}
	return rep, nil
}

// StoredSecret is a tenant's client secret as the database holds it.
type StoredSecret struct {
	TenantID int64
	Stored   string
}
