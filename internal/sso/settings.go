package sso

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/sso/rp"
)

// Settings returns the tenant's settings, or the defaults (SSO off) when
// it has never saved any.
func (s *Service) Settings(ctx context.Context, tenantID int64) (*Settings, error) {
	st, err := s.st.FindSSOSettings(ctx, tenantID)
	if apperr.CodeOf(err) == apperr.NotFound {
		return Defaults(tenantID), nil
	}
	return st, err
}

// PasswordSignInAllowed applies "SSO mandatory" to a password sign-in of
// an account of the tenant holding roles (see PasswordAllowed for the
// break-glass).
func (s *Service) PasswordSignInAllowed(ctx context.Context, tenantID int64, roles []auth.Role) (bool, error) {
	st, err := s.Settings(ctx, tenantID)
	if err != nil {
		return false, err
	}
	return PasswordAllowed(st, roles), nil
}

// settingsSnapshot is how SSO settings appear in the audit log: the client
// secret only as "set" and "changed on this save", never its value.
type settingsSnapshot struct {
	Enabled       bool   `json:"enabled"`
	Mandatory     bool   `json:"mandatory"`
	Issuer        string `json:"issuer"`
	ClientID      string `json:"client_id"`
	Claim         string `json:"claim"`
	JITLink       bool   `json:"jit_link"`
	SecretSet     bool   `json:"client_secret_set"`
	SecretChanged bool   `json:"client_secret_changed,omitempty"`
	Cleared       int64  `json:"subjects_unbound,omitempty"`
	Version       int64  `json:"version"`
}

func snapSettings(s *Settings) settingsSnapshot {
	return settingsSnapshot{Enabled: s.Enabled, Mandatory: s.Mandatory, Issuer: s.Issuer, ClientID: s.ClientID,
		Claim: string(s.Claim), JITLink: s.JITLink, SecretSet: s.SecretSet, Version: s.Version}
}

// SaveSettings validates and stores the tenant's settings. in.Version is
// the version the form was based on (0 = none saved yet); a concurrent save
// makes this one stale (Conflict). newSecret replaces the stored client
// secret when not nil ("" removes it); nil keeps it. Enabled settings are
// checked against the provider's discovery document, so that a mistyped
// issuer shows now, not at the first sign-in (the cause is in the error's
// Err, for the log). When the issuer or the client id changes, every bound
// subject of the tenant is unbound: a subject means something only at its
// issuer, and Entra ID even gives each application registration its own
// subjects. On success in holds the saved settings.
func (s *Service) SaveSettings(ctx context.Context, tenantID int64, actor audit.Actor, in *Settings, newSecret *string) error {
	typed := ""
	if newSecret != nil {
		typed = *newSecret
	}
	if err := in.Validate(typed); err != nil {
		return err
	}
	if in.Issuer != "" {
		if err := s.egress.CheckURL(in.Issuer); err != nil {
			return &apperr.Error{Code: apperr.Invalid, Key: "error.invalid",
				Fields: []apperr.FieldError{{Field: FieldIssuer, Key: issuerRefusal(in.Issuer)}}, Err: err}
		}
	}
	if in.Enabled {
		if _, err := s.rp.AuthURL(ctx, rp.Config{Issuer: in.Issuer, ClientID: in.ClientID}, rp.NewSecrets()); err != nil {
			key := "field.sso_discovery"
			if rp.IsEgressError(err) {
				key = "field.sso_issuer_address"
			}
			return &apperr.Error{Code: apperr.Invalid, Key: "error.invalid",
				Fields: []apperr.FieldError{{Field: FieldIssuer, Key: key}}, Err: err}
		}
	}
	stored, err := s.sealSecret(tenantID, typed)
	if err != nil {
		return err
	}
	var storedNew *string
	if newSecret != nil {
		storedNew = &stored
	}
	return s.st.InSSOTx(ctx, func(tx Tx) error {
		before, err := tx.FindSSOSettings(ctx, tenantID)
		switch {
		case apperr.CodeOf(err) == apperr.NotFound:
			before = nil
		case err != nil:
			return err
		}
		after := *in
		after.TenantID, after.UpdatedAt = tenantID, s.now().UTC().Truncate(time.Microsecond)
		if newSecret != nil {
			after.SecretSet = *newSecret != ""
		} else {
			after.SecretSet = before != nil && before.SecretSet
		}
		var snapBefore any
		if before == nil {
			if in.Version != 0 {
				return apperr.ConflictStale()
			}
			after.Version = 1
			if err := tx.InsertSSOSettings(ctx, tenantID, &after, stored); err != nil {
				if e := apperr.As(err); e != nil && e.Code == apperr.Conflict {
					return apperr.ConflictStale() // another IT admin saved first
				}
				return err
			}
		} else {
			if in.Version != before.Version {
				return apperr.ConflictStale()
			}
			after.Version = before.Version + 1
			if err := tx.UpdateSSOSettings(ctx, tenantID, &after, storedNew, before.Version); err != nil {
				return err
			}
			snapBefore = snapSettings(before)
		}
		sa := snapSettings(&after)
		sa.SecretChanged = newSecret != nil
		if before != nil && (before.Issuer != after.Issuer || before.ClientID != after.ClientID) {
			if sa.Cleared, err = tx.UnbindSSOSubjects(ctx, tenantID); err != nil {
				return err
			}
		}
		if err := tx.Audit(ctx, tenantID, actor, audit.Change{Action: "sso.settings", ObjectType: "sso_settings",
			ObjectID: strconv.FormatInt(tenantID, 10), Before: snapBefore, After: sa}); err != nil {
			return err
		}
		*in = after
		return nil
	})
}

// issuerRefusal is the message key for an issuer the egress rules refuse:
// plain http, or a host not on the operator's allow-list.
func issuerRefusal(issuer string) string {
	if strings.HasPrefix(strings.ToLower(issuer), "http:") {
		return "field.sso_issuer"
	}
	return "field.sso_issuer_not_allowed"
}

// SetSubject lets the IT admin bind an IdP subject to the account with
// loginID by hand (accounts without a staff record, such as an auditor's,
// have no e-mail to be found by), replace it, or unbind it (subject "").
// An unknown account, an overlong subject and a subject bound to another
// account are field errors; so is binding an account holding the auditor
// role: the IdP is the IT admin's to configure, and a binding would let the
// IT admin sign in as the one who audits IT (separation of duties, issue 10
// item 14 — a review did exactly that). Auditors sign in with a password.
func (s *Service) SetSubject(ctx context.Context, tenantID int64, actor audit.Actor, loginID, subject string) error {
	var v apperr.Validation
	var u *auth.User
	if loginID == "" {
		v.Add("login_id", "field.required", nil)
	} else if found, err := s.st.FindUserByLogin(ctx, tenantID, loginID); apperr.CodeOf(err) == apperr.NotFound {
		v.Add("login_id", "field.account_unknown", nil)
	} else if err != nil {
		return err
	} else {
		u = found
		if subject != "" && slices.Contains(u.Granted, auth.Auditor) {
			v.Add("login_id", "field.sso_auditor", nil)
		}
	}
	if len(subject) > 255 {
		v.Add("sso_subject", "field.too_long", map[string]any{"Max": 255})
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.st.InSSOTx(ctx, func(tx Tx) error {
		old, err := tx.FindSSOSubject(ctx, tenantID, u.ID)
		if err != nil {
			return err
		}
		if err := tx.SetSSOSubject(ctx, tenantID, u.ID, subject); err != nil {
			if e := apperr.As(err); e != nil && e.Code == apperr.Conflict {
				var v apperr.Validation
				v.Add("sso_subject", "field.taken", nil)
				return v.Err()
			}
			return err
		}
		action := "user.sso_bind"
		if subject == "" {
			action = "user.sso_unbind"
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: action, ObjectType: "user",
			ObjectID: strconv.FormatInt(u.ID, 10), Before: map[string]any{"sso_subject": old},
			After: map[string]any{"sso_subject": subject}})
	})
}
