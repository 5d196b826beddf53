package sso

import "time"

// A sign-in in progress.

// State is a sign-in in progress, stored between the redirect to the
// identity provider and its callback.
type State struct {
	StateHash   string
	TenantID    int64
	BrowserHash string
	NonceHash   string
	Verifier    string
	Issuer      string
	ClientID    string
	RedirectURI string
	Next        string
	ExpiresAt   time.Time
}
