// Package sso owns a tenant's single sign-on (OpenID Connect) settings and
// the rules that turn a verified identity from the tenant's identity
// provider into one of the tenant's accounts. Its Service runs the
// workflows (settings, starting a sign-in, the callback with just-in-time
// linking in one transaction); the protocol with the provider is in package
// sso/rp, the SQL in internal/store, the HTTP side in internal/web.
package sso

import (
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"telework/internal/apperr"
	"telework/internal/auth"
)

// Claim names which claim of the ID token identifies the person.
type Claim string

const (
	// ClaimSub: the IdP's subject identifier, bound to an account. The first
	// sign-in of a person binds it (found through the e-mail claim, as with
	// ClaimEmail, or set by the IT admin); from then on only the subject
	// counts, so a changed or reused e-mail address cannot move the binding.
	ClaimSub Claim = "sub"
	// ClaimEmail: the e-mail claim matched, case-insensitively, to the
	// e-mail address on the staff record.
	ClaimEmail Claim = "email"
)

// Claims lists the choices in the order the settings page shows them.
var Claims = []Claim{ClaimSub, ClaimEmail}

// Settings are one tenant's SSO settings. The client secret is kept apart
// (SecretSet) because it is never shown back after saving.
type Settings struct {
	TenantID  int64
	Enabled   bool
	Mandatory bool // password sign-in refused, except for IT admins (break-glass)
	Issuer    string
	ClientID  string
	Claim     Claim
	// JITLink creates an account for a staff record that has none when the
	// e-mail claim matches it.
	JITLink   bool
	SecretSet bool
	Version   int64 // 0 = never saved
	UpdatedAt time.Time
}

// Defaults are the settings of a tenant that has never saved any.
func Defaults(tenantID int64) *Settings {
	return &Settings{TenantID: tenantID, Claim: ClaimSub}
}

// Field names as the settings form and the messages know them.
const (
	FieldIssuer   = "sso_issuer"
	FieldClientID = "sso_client_id"
	FieldSecret   = "sso_client_secret"
	FieldClaim    = "sso_claim"
	FieldEnabled  = "sso_enabled"
	FieldMand     = "sso_mandatory"
)

// Validate checks and cleans the settings. newSecret is the secret typed
// on this save ("" keeps the stored one).
func (s *Settings) Validate(newSecret string) error {
	var v apperr.Validation
	s.Issuer = strings.TrimRight(strings.TrimSpace(s.Issuer), "/")
	s.ClientID = strings.TrimSpace(s.ClientID)
	if s.Issuer == "" {
		if s.Enabled {
			v.Add(FieldIssuer, "field.required", nil)
		}
	} else if err := CheckIssuer(s.Issuer); err != nil {
		v.Add(FieldIssuer, "field.sso_issuer", nil)
	}
	if s.ClientID == "" {
		if s.Enabled {
			v.Add(FieldClientID, "field.required", nil)
		}
	} else if utf8.RuneCountInString(s.ClientID) > 200 {
		v.Add(FieldClientID, "field.too_long", map[string]any{"Max": 200})
	}
	if utf8.RuneCountInString(newSecret) > 500 {
		v.Add(FieldSecret, "field.too_long", map[string]any{"Max": 500})
	}
	if !slices.Contains(Claims, s.Claim) {
		v.Add(FieldClaim, "field.choice", nil)
	}
	if s.Mandatory && !s.Enabled {
		v.Add(FieldMand, "field.sso_mandatory_needs_enabled", nil)
	}
	return v.Err()
}

// CheckIssuer accepts an https URL without query or fragment. Plain http is
// accepted only for the loopback host, where the tests run their provider.
func CheckIssuer(issuer string) error {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || len(issuer) > 300 {
		return badIssuer()
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if host == "localhost" {
			return nil
		}
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return nil
		}
	}
	return badIssuer()
}

func badIssuer() error { return apperr.New(apperr.Invalid, "field.sso_issuer") }

// PasswordAllowed reports whether an account holding roles may sign in
// with a password under the tenant's settings. IT admins always may: a
// broken IdP configuration must not lock the tenant out of fixing it.
func PasswordAllowed(s *Settings, roles []auth.Role) bool {
	if s == nil || !s.Enabled || !s.Mandatory {
		return true
	}
	// IT admins keep the break-glass; auditors never sign in through the
	// IdP (Service.signIn), so their password is their only way in.
	return slices.Contains(roles, auth.ITAdmin) || slices.Contains(roles, auth.Auditor)
}

// NormalizeEmail is the form in which e-mail addresses are compared.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Identity is what a verified ID token says about the person.
type Identity struct {
	Subject string
	Email   string
	// EmailVerified is nil when the IdP does not send the claim (Entra ID
	// does not); an explicit false is refused.
	EmailVerified *bool
}

// Account is a tenant account as the matching rule sees it.
type Account struct {
	UserID       int64
	LoginID      string
	Disabled     bool
	StaffID      int64
	StaffRetired bool
	Subject      string // "" = not bound
}

// StaffMatch is a staff record whose e-mail matched, with its account if
// it has one.
type StaffMatch struct {
	StaffID int64
	Retired bool
	Account *Account
}

// Candidates are what the store found for one identity.
type Candidates struct {
	BySubject *Account     // the account bound to the subject (ClaimSub)
	ByEmail   []StaffMatch // staff records with the e-mail address
}

// Outcome is what to do with a sign-in.
type Outcome int

const (
	Refuse Outcome = iota
	SignIn
	Provision // create an account for StaffID (just-in-time linking)
)

// Reason says why a sign-in was refused; it is also the last part of the
// message key (sso.error.<reason>) and goes to the log as it is.
type Reason string

const (
	NoAccount       Reason = "no_account"
	Disabled        Reason = "disabled"
	Retired         Reason = "retired"
	Ambiguous       Reason = "ambiguous"
	EmailMissing    Reason = "email_missing"
	EmailUnverified Reason = "email_unverified"
	BoundElsewhere  Reason = "bound_elsewhere"
)

// Decision is the outcome of Decide.
type Decision struct {
	Outcome Outcome
	UserID  int64 // SignIn
	StaffID int64 // Provision
	// Bind: store the identity's subject on the account (SignIn) or the new
	// account (Provision); only with ClaimSub.
	Bind   bool
	Reason Reason // Refuse
}

func refuse(r Reason) Decision { return Decision{Outcome: Refuse, Reason: r} }

// Decide maps a verified identity to an account:
//
//   - ClaimSub: the account bound to the subject signs in. With no binding
//     yet, the e-mail rule below finds the account and the subject is bound
//     to it; an account already bound to another subject is refused.
//   - ClaimEmail: the one current (not retired) staff record whose e-mail
//     equals the claim, case-insensitively, signs in with its account. An
//     e-mail the IdP marks unverified is refused, and so is an address that
//     several current staff records share.
//   - A matching staff record without an account gets one when JITLink is
//     on; otherwise the sign-in is refused.
//   - Disabled accounts and retired staff are refused.
func Decide(s *Settings, id Identity, c Candidates) Decision {
	bind := s.Claim == ClaimSub
	if bind && c.BySubject != nil {
		return usable(c.BySubject, false)
	}
	if NormalizeEmail(id.Email) == "" {
		if bind {
			return refuse(NoAccount)
		}
		return refuse(EmailMissing)
	}
	if id.EmailVerified != nil && !*id.EmailVerified {
		return refuse(EmailUnverified)
	}
	var current []StaffMatch
	for _, m := range c.ByEmail {
		if !m.Retired {
			current = append(current, m)
		}
	}
	switch {
	case len(current) == 0 && len(c.ByEmail) > 0:
		return refuse(Retired)
	case len(current) == 0:
		return refuse(NoAccount)
	case len(current) > 1:
		return refuse(Ambiguous)
	}
	m := current[0]
	if m.Account == nil {
		if !s.JITLink {
			return refuse(NoAccount)
		}
		return Decision{Outcome: Provision, StaffID: m.StaffID, Bind: bind}
	}
	if bind && m.Account.Subject != "" && m.Account.Subject != id.Subject {
		return refuse(BoundElsewhere)
	}
	return usable(m.Account, bind)
}

func usable(a *Account, bind bool) Decision {
	switch {
	case a.StaffRetired:
		return refuse(Retired)
	case a.Disabled:
		return refuse(Disabled)
	}
	return Decision{Outcome: SignIn, UserID: a.UserID, Bind: bind && a.Subject == ""}
}
