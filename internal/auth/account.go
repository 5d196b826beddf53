package auth

import (
	"regexp"
	"time"
)

// Accounts, sessions and API tokens as the services and the store share them.

// User is a tenant sign-in account. Granted holds the roles an HR admin
// gave; staff and supervisor follow from the linked staff record.
type User struct {
	ID           int64
	TenantID     int64
	LoginID      string
	PasswordHash string
	StaffID      int64
	Granted      []Role
	MustChange   bool
	Disabled     bool
	Locale       string
	Wareki       bool
	Version      int64
	// From the staff record, when linked.
	StaffName    string
	UnitID       int64
	IsSupervisor bool
}

// Roles is the account's effective role list.
func (u *User) Roles() []Role {
	return EffectiveRoles(u.Granted, u.StaffID != 0, u.IsSupervisor)
}

// UserUpdate changes an account; nil fields stay as they are.
type UserUpdate struct {
	Granted       *[]Role
	Disabled      *bool
	Locale        *string
	Wareki        *bool
	PasswordHash  *string
	MustChange    *bool
	ExpectVersion int64 // 0 = do not check (settings made by the user themself)
	Action        string
}

// Session is a signed-in browser.
type Session struct {
	TokenHash  string
	TenantID   int64 // 0 = operator
	UserID     int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
}

// APIToken is a personal access token. It acts with its owner's current
// roles (never more); ReadOnly tokens may only read.
type APIToken struct {
	ID         int64
	TenantID   int64 // 0 = an operator's token
	UserID     int64
	Name       string
	Prefix     string
	ReadOnly   bool
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
	// OwnerLogin is the owner's login id, set by the tenant-wide listing.
	OwnerLogin string
}

// OperatorAccount is an instance-level account.
type OperatorAccount struct {
	ID           int64
	LoginID      string
	PasswordHash string
	MustChange   bool
	Locale       string
	Wareki       bool
	Version      int64
}

// Active reports whether the token can be used at now.
func (t *APIToken) Active(now time.Time) bool { return t.RevokedAt.IsZero() && now.Before(t.ExpiresAt) }

var loginRE = regexp.MustCompile(`^[A-Za-z0-9._@-]{2,64}$`)

// ValidLogin reports whether s is a usable login id: 2–64 letters, digits
// and . _ @ - (職員番号 or a name such as jinji01).
func ValidLogin(s string) bool { return loginRE.MatchString(s) }

// UserAudit is how an account appears in the audit log: never its hash.
type UserAudit struct {
	ID         int64  `json:"id"`
	LoginID    string `json:"login_id"`
	StaffID    int64  `json:"staff_id"`
	Roles      string `json:"roles"`
	MustChange bool   `json:"must_change_password"`
	Disabled   bool   `json:"disabled"`
	Locale     string `json:"locale"`
	Wareki     bool   `json:"wareki"`
	Version    int64  `json:"version"`
}

// AuditView is the account as the audit log keeps it.
func (u *User) AuditView() UserAudit {
	return UserAudit{u.ID, u.LoginID, u.StaffID, JoinRoles(u.Granted), u.MustChange, u.Disabled, u.Locale, u.Wareki, u.Version}
}

// TokenAudit is how an API token appears in the audit log: never its hash;
// always whose it is (the account, and its login id as it was).
type TokenAudit struct {
	ID        int64  `json:"id"`
	UserID    int64  `json:"user_id"`
	LoginID   string `json:"login_id"`
	Name      string `json:"name"`
	Prefix    string `json:"prefix"`
	ReadOnly  bool   `json:"read_only"`
	ExpiresAt string `json:"expires_at"`
	Revoked   bool   `json:"revoked"`
}

// AuditView is the token as the audit log keeps it.
func (t *APIToken) AuditView() TokenAudit {
	return TokenAudit{t.ID, t.UserID, t.OwnerLogin, t.Name, t.Prefix, t.ReadOnly, t.ExpiresAt.Format(time.RFC3339), !t.RevokedAt.IsZero()}
}
