package sso

import (
	"context"
	"time"

	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/org"
	"telework/internal/sso/rp"
)

// Store is what the service reads and runs transactions on; internal/store
// implements it. Not-found is an apperr NotFound error.
type Store interface {
	FindTenantBySlug(ctx context.Context, slug string) (*org.Tenant, error)
	FindTenantByID(ctx context.Context, id int64) (*org.Tenant, error)
	FindUserByID(ctx context.Context, tenantID, id int64) (*auth.User, error)
	FindUserByLogin(ctx context.Context, tenantID int64, loginID string) (*auth.User, error)
	// FindSSOSettings is NotFound when the tenant has never saved any.
	FindSSOSettings(ctx context.Context, tenantID int64) (*Settings, error)
	// SSOClientSecret is the stored client secret ("" when none is set).
	SSOClientSecret(ctx context.Context, tenantID int64) (string, error)
	// SSOStoredSecrets lists every tenant's stored, non-empty client secret
	// (the start-up step that seals them; instance-wide).
	SSOStoredSecrets(ctx context.Context) ([]StoredSecret, error)
	// ReplaceSSOStoredSecret writes next over the tenant's stored secret
	// only while it is still old (a save in between wins).
	ReplaceSSOStoredSecret(ctx context.Context, tenantID int64, old, next string) error
	// CreateSSOState stores a sign-in in progress (and sweeps expired ones).
	CreateSSOState(ctx context.Context, st *State) error
	// ConsumeSSOState takes the state out in one statement, so that only
	// one callback gets it; an unknown, used or expired state is NotFound.
	ConsumeSSOState(ctx context.Context, stateHash string) (*State, error)
	InSSOTx(ctx context.Context, fn func(Tx) error) error
}

// Tx is what one SSO action reads and writes inside its transaction.
type Tx interface {
	FindSSOSettings(ctx context.Context, tenantID int64) (*Settings, error)
	// InsertSSOSettings writes the first settings row (s.Version,
	// s.UpdatedAt as given); a row already there is Conflict error.duplicate.
	InsertSSOSettings(ctx context.Context, tenantID int64, s *Settings, secret string) error
	// UpdateSSOSettings writes s over the row at expectVersion (stale
	// Conflict when it moved on); newSecret nil keeps the stored secret.
	UpdateSSOSettings(ctx context.Context, tenantID int64, s *Settings, newSecret *string, expectVersion int64) error
	// UnbindSSOSubjects clears every bound subject of the tenant.
	UnbindSSOSubjects(ctx context.Context, tenantID int64) (int64, error)

	// FindSSOCandidates gathers what Decide needs for one identity.
	FindSSOCandidates(ctx context.Context, tenantID int64, subject, email string) (Candidates, error)
	FindSSOStaff(ctx context.Context, tenantID, staffID int64) (*org.Staff, error)
	FindSSOUser(ctx context.Context, tenantID, userID int64) (*auth.User, error)
	// SSOLoginTaken reports whether an account of the tenant has loginID.
	SSOLoginTaken(ctx context.Context, tenantID int64, loginID string) (bool, error)
	// InsertUser writes a new account row (no audit entry).
	InsertUser(ctx context.Context, tenantID int64, u *auth.User) error
	// FindSSOSubject is the subject bound to an account ("" = none).
	FindSSOSubject(ctx context.Context, tenantID, userID int64) (string, error)
	// BindSSOSubject binds subject to an account that has none; Conflict
	// when it has one already (a concurrent first sign-in won).
	BindSSOSubject(ctx context.Context, tenantID, userID int64, subject string) error
	// SetSSOSubject binds, replaces or (subject "") unbinds; NotFound for
	// an unknown account, Conflict error.duplicate for a subject bound to
	// another account.
	SetSSOSubject(ctx context.Context, tenantID, userID int64, subject string) error
	// ReplaceSSOPassword sets the password hash and clears must-change on
	// the account at expectVersion (stale Conflict otherwise).
	ReplaceSSOPassword(ctx context.Context, tenantID, userID, expectVersion int64, hash string) error
	// DeleteSSOUserSessions ends every session of the account.
	DeleteSSOUserSessions(ctx context.Context, tenantID, userID int64) error

	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// RelyingParty runs the OpenID Connect protocol with a tenant's identity
// provider; *rp.Client is the real one.
type RelyingParty interface {
	AuthURL(ctx context.Context, cfg rp.Config, sec rp.Secrets) (string, error)
	Exchange(ctx context.Context, cfg rp.Config, code, verifier, nonceHash string) (rp.Identity, error)
}

const (
	// StateTTL is how long a sign-in in progress may take.
	StateTTL = 10 * time.Minute
	// idpTimeout bounds every request to an identity provider; discovery
	// documents are kept for idpCacheTTL.
	idpTimeout  = 10 * time.Second
	idpCacheTTL = time.Hour
)

// Service holds the sso workflows: it checks rules and relationships, opens
// the one transaction of each user action and writes the change with its
// audit entry. Handlers, the CLI and the demo call it; it never sees HTTP
// requests (the protocol with the provider runs through its RelyingParty).
type Service struct {
	st  Store
	now func() time.Time
	// rp is this service's relying party: its discovery cache lives as
	// long as the service, not in a package variable.
	rp RelyingParty
	// egress is what issuers the server may connect to (rp.Egress).
	egress rp.Egress
	// keys seal client secrets at rest (nil: stored as typed).
	keys *SecretKeys
}

// NewService returns the service over st; now is the clock (tests move
// it). Its relying party connects to https issuers at public addresses
// only until SetEgress says otherwise.
func NewService(st Store, now func() time.Time) *Service {
	return &Service{st: st, now: now, rp: rp.New(idpTimeout, idpCacheTTL, rp.Egress{})}
}

// SetEgress sets the operator's rules for connecting to identity providers
// (allow-listed issuer hosts; http on loopback for tests) and starts a
// relying party that follows them.
func (s *Service) SetEgress(e rp.Egress) {
	s.egress = e
	s.rp = rp.New(idpTimeout, idpCacheTTL, e)
}

// SetRelyingParty replaces the relying party (tests use a fake provider).
func (s *Service) SetRelyingParty(r RelyingParty) { s.rp = r }
