package secretkey

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// Ring seals and opens one area's values at rest with keys of its own,
// derived from the server's keys (HMAC-SHA256 of each with the area's
// label): the first seals, all open. Values are
//
//	enc:v1:<key id>:<base64(nonce ‖ AES-256-GCM ciphertext)>
//
// with the caller's additional data (the tenant and the record), so that a
// value copied to another record does not open.
type Ring struct{ keys []ringKey }

type ringKey struct {
	id   string
	aead cipher.AEAD
}

// ErrNoKey is a value sealed or opened on a server without a key, or
// sealed with a key this server does not have.
var ErrNoKey = errors.New("secretkey: the server has no key for this value")

// ErrNotOpened is a sealed value that the key named in it does not open:
// altered, moved to another record, or malformed.
var ErrNotOpened = errors.New("secretkey: a sealed value does not open (altered or moved)")

// NewRing reads the server's keys (the format of Raw) and derives the
// area's keys with label. No key at all is (nil, nil).
func NewRing(text, label string) (*Ring, error) {
	raws, err := Raw(text)
	if err != nil {
		return nil, err
	}
	var r Ring
	for _, raw := range raws {
		m := hmac.New(sha256.New, raw)
		m.Write([]byte(label))
		id, aead, err := AEAD(m.Sum(nil))
		if err != nil {
			return nil, err
		}
		r.keys = append(r.keys, ringKey{id: id, aead: aead})
	}
	if len(r.keys) == 0 {
		return nil, nil
	}
	return &r, nil
}

// Seal encrypts plain with the current key.
func (r *Ring) Seal(ad, plain []byte) (string, error) {
	if r == nil {
		return "", ErrNoKey
	}
	cur := r.keys[0]
	nonce := make([]byte, cur.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := cur.aead.Seal(nonce, nonce, plain, ad)
	return Prefix + cur.id + ":" + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts a sealed value with the key that sealed it.
func (r *Ring) Open(ad []byte, stored string) ([]byte, error) {
	id, data, ok := strings.Cut(strings.TrimPrefix(stored, Prefix), ":")
	if !IsSealed(stored) || !ok {
		return nil, ErrNotOpened
	}
	if r == nil {
		return nil, ErrNoKey
	}
	for _, key := range r.keys {
		if key.id != id {
			continue
		}
		raw, err := base64.RawStdEncoding.DecodeString(data)
		n := key.aead.NonceSize()
		if err != nil || len(raw) < n {
			return nil, ErrNotOpened
		}
		plain, err := key.aead.Open(nil, raw[:n], raw[n:], ad)
		if err != nil {
			return nil, ErrNotOpened
		}
		return plain, nil
	}
	return nil, ErrNoKey
}

// Current reports whether stored is sealed with the current key.
func (r *Ring) Current(stored string) bool {
	return r != nil && strings.HasPrefix(stored, Prefix+r.keys[0].id+":")
}
