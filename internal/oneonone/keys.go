package oneonone

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
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
type Keys struct{ keys []logKey }

type logKey struct {
	id   string
	aead cipher.AEAD
}

// ErrNoKey is a log written or read on a server without a key.
var ErrNoKey = errors.New("oneonone: the server has no key for 1on1 logs")

// ParseKeys reads the server's keys in the format of TELEWORK_SECRET_KEY
// (base64 of 32 bytes, separated by newlines or commas, # comments). No
// key at all is (nil, nil).
func ParseKeys(text string) (*Keys, error) {
	var ks Keys
	raws, err := secretkey.Raw(text)
	if err != nil {
		return nil, err
	}
	for _, raw := range raws {
		// A key of its own for the logs, derived from the server's key.
		m := hmac.New(sha256.New, raw)
		m.Write([]byte("telework 1on1 log key v1"))
		id, aead, err := secretkey.AEAD(m.Sum(nil))
		if err != nil {
			return nil, err
		}
		ks.keys = append(ks.keys, logKey{id: id, aead: aead})
	}
	if len(ks.keys) == 0 {
		return nil, nil
	}
	return &ks, nil
}

func aad(tenantID, pairID int64) []byte {
	return []byte("telework 1on1 log|" + strconv.FormatInt(tenantID, 10) + "|" + strconv.FormatInt(pairID, 10))
}

// Seal encrypts a log body with the current key.
func (k *Keys) Seal(tenantID, pairID int64, plain []byte) (string, error) {
	if k == nil {
		return "", ErrNoKey
	}
	cur := k.keys[0]
	nonce := make([]byte, cur.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := cur.aead.Seal(nonce, nonce, plain, aad(tenantID, pairID))
	return secretkey.Prefix + cur.id + ":" + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts a stored log body with the key that sealed it.
func (k *Keys) Open(tenantID, pairID int64, stored string) ([]byte, error) {
	if k == nil {
		return nil, ErrNoKey
	}
	id, data, ok := strings.Cut(strings.TrimPrefix(stored, secretkey.Prefix), ":")
	if !strings.HasPrefix(stored, secretkey.Prefix) || !ok {
		return nil, fmt.Errorf("oneonone: a stored log of pair %d is not sealed", pairID)
	}
	for _, key := range k.keys {
		if key.id != id {
			continue
		}
		raw, err := base64.RawStdEncoding.DecodeString(data)
		n := key.aead.NonceSize()
		if err != nil || len(raw) < n {
			return nil, fmt.Errorf("oneonone: a stored log of pair %d is malformed", pairID)
		}
		plain, err := key.aead.Open(nil, raw[:n], raw[n:], aad(tenantID, pairID))
		if err != nil {
			return nil, fmt.Errorf("oneonone: a stored log of pair %d does not open (altered or moved)", pairID)
		}
		return plain, nil
	}
	return nil, ErrNoKey
}
