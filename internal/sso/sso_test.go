package sso

import (
	"testing"

	"telework/internal/apperr"
	"telework/internal/auth"
)

func TestCheckIssuer(t *testing.T) {
	tests := []struct {
		issuer string
		ok     bool
	}{
		{"https://login.microsoftonline.com/0b1c2d3e-aaaa-bbbb-cccc-123456789abc/v2.0", true},
		{"https://keycloak.city.example.lg.jp/realms/matsumoto", true},
		{"http://127.0.0.1:43121", true},
		{"http://localhost:8080/realms/test", true},
		{"http://[::1]:9000", true},
		{"http://keycloak.city.example.lg.jp/realms/x", false}, // plain http off the loopback
		{"http://127.0.0.1.example.com", false},
		{"ftp://idp.example.jp", false},
		{"https://idp.example.jp/?tenant=1", false},
		{"https://idp.example.jp/#x", false},
		{"https://user:pw@idp.example.jp", false},
		{"idp.example.jp", false},
		{"https://", false},
		{"", false},
	}
	for _, tt := range tests {
		if err := CheckIssuer(tt.issuer); (err == nil) != tt.ok {
			t.Errorf("CheckIssuer(%q) = %v, want ok=%v", tt.issuer, err, tt.ok)
		}
	}
}

func TestValidate(t *testing.T) {
	fields := func(err error) map[string]string {
		out := map[string]string{}
		if e := apperr.As(err); e != nil {
			for _, f := range e.Fields {
				out[f.Field] = f.Key
			}
		}
		return out
	}
	tests := []struct {
		name   string
		s      Settings
		secret string
		want   map[string]string
	}{
		{"enabled and complete", Settings{Enabled: true, Issuer: " https://idp.example.jp/realms/a/ ", ClientID: " telework ", Claim: ClaimSub}, "", map[string]string{}},
		{"disabled may be empty", Settings{Claim: ClaimEmail}, "", map[string]string{}},
		{"enabled needs issuer and client", Settings{Enabled: true, Claim: ClaimSub}, "",
			map[string]string{FieldIssuer: "field.required", FieldClientID: "field.required"}},
		{"http issuer off loopback", Settings{Issuer: "http://idp.example.jp", Claim: ClaimSub}, "", map[string]string{FieldIssuer: "field.sso_issuer"}},
		{"unknown claim", Settings{Claim: "upn"}, "", map[string]string{FieldClaim: "field.choice"}},
		{"mandatory without enabled", Settings{Mandatory: true, Claim: ClaimSub}, "", map[string]string{FieldMand: "field.sso_mandatory_needs_enabled"}},
		{"secret too long", Settings{Claim: ClaimSub}, string(make([]byte, 501)), map[string]string{FieldSecret: "field.too_long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.s
			got := fields(s.Validate(tt.secret))
			if len(got) != len(tt.want) {
				t.Fatalf("fields = %v, want %v", got, tt.want)
			}
			for f, k := range tt.want {
				if got[f] != k {
					t.Errorf("field %s = %q, want %q", f, got[f], k)
				}
			}
		})
	}
	s := Settings{Enabled: true, Issuer: " https://idp.example.jp/realms/a/ ", ClientID: " telework ", Claim: ClaimSub}
	_ = s.Validate("")
	if s.Issuer != "https://idp.example.jp/realms/a" || s.ClientID != "telework" {
		t.Errorf("not cleaned: %q %q", s.Issuer, s.ClientID)
	}
}

func TestPasswordAllowed(t *testing.T) {
	staff := []auth.Role{auth.Staff}
	it := []auth.Role{auth.Staff, auth.ITAdmin}
	hr := []auth.Role{auth.Staff, auth.HRAdmin}
	tests := []struct {
		name  string
		s     *Settings
		roles []auth.Role
		want  bool
	}{
		{"no settings", nil, staff, true},
		{"SSO off", &Settings{Mandatory: true}, staff, true},
		{"SSO optional", &Settings{Enabled: true}, staff, true},
		{"mandatory: staff refused", &Settings{Enabled: true, Mandatory: true}, staff, false},
		{"mandatory: HR refused", &Settings{Enabled: true, Mandatory: true}, hr, false},
		// Auditors never sign in through the IdP (the IT admin's): their
		// password stays their way in.
		{"mandatory: auditor keeps the password", &Settings{Enabled: true, Mandatory: true}, []auth.Role{auth.Auditor}, true},
		{"mandatory: IT admin break-glass", &Settings{Enabled: true, Mandatory: true}, it, true},
	}
	for _, tt := range tests {
		if got := PasswordAllowed(tt.s, tt.roles); got != tt.want {
			t.Errorf("%s: PasswordAllowed = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDecide(t *testing.T) {
	yes, no := true, false
	sub := &Settings{Enabled: true, Claim: ClaimSub}
	subJIT := &Settings{Enabled: true, Claim: ClaimSub, JITLink: true}
	email := &Settings{Enabled: true, Claim: ClaimEmail}
	emailJIT := &Settings{Enabled: true, Claim: ClaimEmail, JITLink: true}
	acct := func(id int64, subject string) *Account {
		return &Account{UserID: id, StaffID: id * 10, Subject: subject}
	}
	match := func(staffID int64, a *Account) StaffMatch { return StaffMatch{StaffID: staffID, Account: a} }
	tests := []struct {
		name string
		s    *Settings
		id   Identity
		c    Candidates
		want Decision
	}{
		{"sub: bound account signs in", sub, Identity{Subject: "s1"}, Candidates{BySubject: acct(1, "s1")},
			Decision{Outcome: SignIn, UserID: 1}},
		{"sub: bound account wins over a changed e-mail", sub, Identity{Subject: "s1", Email: "new@x.jp"},
			Candidates{BySubject: acct(1, "s1"), ByEmail: []StaffMatch{match(20, acct(2, ""))}}, Decision{Outcome: SignIn, UserID: 1}},
		{"sub: bound but disabled", sub, Identity{Subject: "s1"}, Candidates{BySubject: &Account{UserID: 1, Subject: "s1", Disabled: true}},
			refuse(Disabled)},
		{"sub: bound but staff retired", sub, Identity{Subject: "s1"}, Candidates{BySubject: &Account{UserID: 1, Subject: "s1", StaffRetired: true, Disabled: true}},
			refuse(Retired)},
		{"sub: first sign-in binds through e-mail", sub, Identity{Subject: "s1", Email: "a@x.jp"},
			Candidates{ByEmail: []StaffMatch{match(10, acct(1, ""))}}, Decision{Outcome: SignIn, UserID: 1, Bind: true}},
		{"sub: account bound to another subject", sub, Identity{Subject: "s2", Email: "a@x.jp"},
			Candidates{ByEmail: []StaffMatch{match(10, acct(1, "s1"))}}, refuse(BoundElsewhere)},
		{"sub: nothing bound, no e-mail", sub, Identity{Subject: "s1"}, Candidates{}, refuse(NoAccount)},
		{"sub: JIT binds the new account", subJIT, Identity{Subject: "s1", Email: "a@x.jp"},
			Candidates{ByEmail: []StaffMatch{match(10, nil)}}, Decision{Outcome: Provision, StaffID: 10, Bind: true}},
		{"email: match signs in", email, Identity{Subject: "s1", Email: "A@X.jp", EmailVerified: &yes},
			Candidates{ByEmail: []StaffMatch{match(10, acct(1, ""))}}, Decision{Outcome: SignIn, UserID: 1}},
		{"email: claim missing", email, Identity{Subject: "s1"}, Candidates{}, refuse(EmailMissing)},
		{"email: unverified", email, Identity{Subject: "s1", Email: "a@x.jp", EmailVerified: &no},
			Candidates{ByEmail: []StaffMatch{match(10, acct(1, ""))}}, refuse(EmailUnverified)},
		{"email: no staff record", email, Identity{Email: "a@x.jp"}, Candidates{}, refuse(NoAccount)},
		{"email: staff without account, JIT off", email, Identity{Email: "a@x.jp"},
			Candidates{ByEmail: []StaffMatch{match(10, nil)}}, refuse(NoAccount)},
		{"email: staff without account, JIT on", emailJIT, Identity{Email: "a@x.jp"},
			Candidates{ByEmail: []StaffMatch{match(10, nil)}}, Decision{Outcome: Provision, StaffID: 10}},
		{"email: only a retired record", emailJIT, Identity{Email: "a@x.jp"},
			Candidates{ByEmail: []StaffMatch{{StaffID: 10, Retired: true}}}, refuse(Retired)},
		{"email: retired record beside the current one", email, Identity{Email: "a@x.jp"},
			Candidates{ByEmail: []StaffMatch{{StaffID: 9, Retired: true, Account: acct(9, "")}, match(10, acct(1, ""))}},
			Decision{Outcome: SignIn, UserID: 1}},
		{"email: shared by two current records", emailJIT, Identity{Email: "a@x.jp"},
			Candidates{ByEmail: []StaffMatch{match(10, acct(1, "")), match(11, nil)}}, refuse(Ambiguous)},
		{"email: disabled account", email, Identity{Email: "a@x.jp"},
			Candidates{ByEmail: []StaffMatch{match(10, &Account{UserID: 1, Disabled: true})}}, refuse(Disabled)},
		{"email: the subject plays no part", email, Identity{Subject: "other", Email: "a@x.jp"},
			Candidates{ByEmail: []StaffMatch{match(10, acct(1, "s1"))}}, Decision{Outcome: SignIn, UserID: 1}},
	}
	for _, tt := range tests {
		if got := Decide(tt.s, tt.id, tt.c); got != tt.want {
			t.Errorf("%s: Decide = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
