package oneonone

import (
	"errors"
	"fmt"
	"strconv"
	"telework/internal/secretkey"
)

// Logs at rest. The server's key (the same key file or environment
// variable that seals the SSO client secrets: --secret-key-file or
// TELEWORK_SECRET_KEY, base64 of 32 random bytes, newest first) is turned
// into a key of its own for 1on1 logs (HMAC-SHA256 of the key with a
// fixed label), and every log body is stored as
//
//	enc:v1:<key id>:<base64(nonce ‖ AES-256-GCM ciphertext)>
//
// with the tenant and the pair as additional data, so a body copied to
// another pair or tenant does not open. The database, its backups and
// anyone who reads them (the operator, an auditor, HR) hold ciphertext
// only. Without a key the server refuses to store a log (there is no
// "plaintext for now").

// Keys seal and open log bodies: the first seals, all open.
type Keys struct{ ring *secretkey.Ring }

// ErrNoKey is a log written or read on a server without a key.
var ErrNoKey = errors.New("oneonone: the server has no key for 1on1 logs")

// ParseKeys reads the server's keys in the format of TELEWORK_SECRET_KEY
// (base64 of 32 bytes, separated by newlines or commas, # comments) and
// derives the logs' own keys. No key at all is (nil, nil).
func ParseKeys(text string) (*Keys, error) {
	r, err := secretkey.NewRing(text, "telework 1on1 log key v1")
	if err != nil || r == nil {
		return nil, err
	}
	return &Keys{ring: r}, nil
}

func aad(tenantID, pairID int64) []byte {
	return []byte("telework 1on1 log|" + strconv.FormatInt(tenantID, 10) + "|" + strconv.FormatInt(pairID, 10))
}

// Seal encrypts a log body with the current key.
func (k *Keys) Seal(tenantID, pairID int64, plain []byte) (string, error) {
	if k == nil {
		return "", ErrNoKey
	}
	return k.ring.Seal(aad(tenantID, pairID), plain)
}

// Current reports whether stored is sealed with the current key.
func (k *Keys) Current(stored string) bool { return k != nil && k.ring.Current(stored) }

// Open decrypts a stored log body with the key that sealed it.
func (k *Keys) Open(tenantID, pairID int64, stored string) ([]byte, error) {
	if k == nil {
		return nil, ErrNoKey
	}
	plain, err := k.ring.Open(aad(tenantID, pairID), stored)
	switch {
	case errors.Is(err, secretkey.ErrNoKey):
		return nil, ErrNoKey
	case err != nil:
		return nil, fmt.Errorf("oneonone: a stored log of pair %d does not open (not sealed, altered or moved)", pairID)
	}
	return plain, nil
}
