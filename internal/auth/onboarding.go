package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
)

// Accounts in bulk (issue 9 §3): HR creates the accounts of everyone in
// service who has none (or of a selection) in one transaction, each with
// either a one-time invitation link (a random token of which only the
// SHA-256 is stored, valid InvitationTTL, used once: the person sets their
// own password through it) or a temporary password that must be changed at
// the first sign-in. The links and passwords are returned once, for the
// 通知書 printed one per person and the clerk's xlsx; login ids are the
// 職員番号.

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 14 * 24 * time.Hour

// MaxBulkAccounts bounds one batch (a city of several thousand creates
// its accounts unit by unit or in a few batches).
const MaxBulkAccounts = 3000

// Bulk methods.
const (
	ByInvitation = "invite"
	ByPassword   = "password"
)

// Candidate is a person in service without an account.
type Candidate struct {
	StaffID  int64
	StaffNo  string
	Name     string
	Kana     string
	Email    string
	UnitID   int64
	UnitName string
}

// CandidateFilter narrows the people without an account: a unit and its
// subtree, a search of 氏名・かな・職員番号, or given staff ids.
type CandidateFilter struct {
	UnitID int64
	Query  string
	IDs    []int64
	Limit  int
	Offset int
}

// Invitation is a stored invitation (never its token).
type Invitation struct {
	ID        int64
	TenantID  int64
	UserID    int64
	LoginID   string // of the account, when read with it
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// OnboardingStore is what bulk accounts and invitations read, and their
// transaction; internal/store implements it.
type OnboardingStore interface {
	InOnboardingTx(ctx context.Context, fn func(OnboardingTx) error) error
	FindTenantRefBySlug(ctx context.Context, slug string) (TenantRef, error)
	FindUserByLogin(ctx context.Context, tenantID int64, loginID string) (*User, error)
	// FindStaffWithoutAccount lists people in service with no account, in
	// 職員番号 order: one page and the total.
	FindStaffWithoutAccount(ctx context.Context, tenantID int64, f CandidateFilter) ([]*Candidate, int, error)
	// FindInvitation reads an invitation of the tenant by its token hash
	// with its account's login id, or NotFound.
	FindInvitation(ctx context.Context, tenantID int64, tokenHash string) (*Invitation, error)
	RecordLoginAttempt(ctx context.Context, keyHashes ...string) ([]int64, error)
	DeleteLoginAttempts(ctx context.Context, ids []int64) error
	CountLoginFailures(ctx context.Context, keyHash string, since time.Time) (int, error)
}

// OnboardingTx is what one bulk creation or one acceptance writes.
type OnboardingTx interface {
	Tx
	InsertInvitation(ctx context.Context, inv *Invitation, tokenHash string) error
	// ClaimInvitation marks the invitation used at at if it is unused and
	// unexpired then, and returns it; NotFound otherwise.
	ClaimInvitation(ctx context.Context, tenantID int64, tokenHash string, at time.Time) (*Invitation, error)
	// FindStaffWithoutAccount inside the transaction (f.IDs set).
	FindStaffWithoutAccount(ctx context.Context, tenantID int64, f CandidateFilter) ([]*Candidate, int, error)
}

// Onboarding holds the bulk creation of accounts and the invitations.
type Onboarding struct {
	svc *Service
	st  OnboardingStore
	now func() time.Time
}

// NewOnboarding returns the workflows over st; accounts are written with
// svc's rules and audit entries.
func NewOnboarding(svc *Service, st OnboardingStore, now func() time.Time) *Onboarding {
	return &Onboarding{svc: svc, st: st, now: now}
}

// Candidates lists the people in service without an account (HR only).
func (o *Onboarding) Candidates(ctx context.Context, p *Principal, f CandidateFilter) ([]*Candidate, int, error) {
	if !p.Has(HRAdmin) {
		return nil, 0, apperr.Forbid()
	}
	var v apperr.Validation
	v.Search("q", f.Query, "golive.bulk_search")
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	return o.st.FindStaffWithoutAccount(ctx, p.TenantID, f)
}

// BulkAccounts is a request to create accounts: the people selected by
// StaffIDs, or with All everyone Filter finds.
type BulkAccounts struct {
	StaffIDs []int64
	All      bool
	Filter   CandidateFilter
	Method   string // ByInvitation or ByPassword
}

// Issued is one account created, with what its 通知書 says: shown once.
type Issued struct {
	Candidate
	LoginID  string
	Password string    // ByPassword: the temporary password
	Token    string    // ByInvitation: the link's token
	Expires  time.Time // ByInvitation
}

// BulkProblem is one person whose account cannot be created as asked.
type BulkProblem struct {
	StaffNo, Name string
	Key           string
	Args          map[string]any
}

// BulkRefused is the error of a batch refused whole: nothing was written.
type BulkRefused struct{ Problems []BulkProblem }

func (e *BulkRefused) Error() string { return "auth: bulk accounts refused" }

// CreateAccounts creates the accounts in ONE transaction, all or none,
// each with its user.create audit entry (and user.invite for a link), and
// one user.bulk_create entry for the batch. A person whose 職員番号 is not
// a usable login id or is taken refuses the batch (*BulkRefused listing
// everyone concerned). Only HR may; the accounts hold no granted role.
func (o *Onboarding) CreateAccounts(ctx context.Context, p *Principal, in BulkAccounts) ([]*Issued, error) {
	if !p.Has(HRAdmin) {
		return nil, apperr.Forbid()
	}
	var v apperr.Validation
	if in.Method != ByInvitation && in.Method != ByPassword {
		v.Add("method", "field.choice", nil)
	}
	if !in.All && len(in.StaffIDs) == 0 {
		v.Add("staff", "golive.bulk_none_selected", nil)
	}
	if len(in.StaffIDs) > MaxBulkAccounts {
		v.Add("staff", "golive.bulk_too_many", map[string]any{"Max": MaxBulkAccounts})
	}
	if in.All {
		v.Search("q", in.Filter.Query, "golive.bulk_search")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	f := in.Filter
	if !in.All {
		f = CandidateFilter{IDs: in.StaffIDs}
	}
	f.Limit, f.Offset = MaxBulkAccounts+1, 0
	people, _, err := o.st.FindStaffWithoutAccount(ctx, p.TenantID, f)
	if err != nil {
		return nil, err
	}
	switch {
	case len(people) == 0:
		v.Add("staff", "golive.bulk_none_left", nil)
	case len(people) > MaxBulkAccounts:
		v.Add("staff", "golive.bulk_too_many", map[string]any{"Max": MaxBulkAccounts})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var problems []BulkProblem
	issued := make([]*Issued, len(people))
	for i, c := range people {
		issued[i] = &Issued{Candidate: *c, LoginID: c.StaffNo}
		switch _, err := o.st.FindUserByLogin(ctx, p.TenantID, c.StaffNo); {
		case !ValidLogin(c.StaffNo):
			problems = append(problems, BulkProblem{c.StaffNo, c.Name, "golive.bulk_login_invalid", nil})
		case err == nil:
			problems = append(problems, BulkProblem{c.StaffNo, c.Name, "golive.bulk_login_taken", nil})
		case apperr.CodeOf(err) != apperr.NotFound:
			return nil, err
		}
	}
	if len(problems) > 0 {
		return nil, &BulkRefused{Problems: problems}
	}
	users, err := o.prepare(issued, in.Method)
	if err != nil {
		return nil, err
	}
	actor := ActorOf(p)
	ids := make([]int64, len(people))
	for i, c := range people {
		ids[i] = c.StaffID
	}
	err = o.st.InOnboardingTx(ctx, func(tx OnboardingTx) error {
		// Someone may have created one of these accounts since: the batch
		// is for people who have none.
		still, _, err := tx.FindStaffWithoutAccount(ctx, p.TenantID, CandidateFilter{IDs: ids, Limit: len(ids) + 1})
		if err != nil {
			return err
		}
		if len(still) != len(ids) {
			return &apperr.Error{Code: apperr.Conflict, Key: "golive.bulk_changed"}
		}
		for i, it := range issued {
			if err := o.svc.CreateUserIn(ctx, tx, p.TenantID, actor, users[i]); err != nil {
				return err
			}
			if it.Token == "" {
				continue
			}
			inv := &Invitation{TenantID: p.TenantID, UserID: users[i].ID, CreatedAt: o.now().UTC(), ExpiresAt: it.Expires}
			if err := tx.InsertInvitation(ctx, inv, HashToken(it.Token)); err != nil {
				return err
			}
			if err := tx.Audit(ctx, p.TenantID, actor, audit.Change{Action: "user.invite", ObjectType: "user", ObjectID: itoa(users[i].ID),
				After: map[string]any{"invitation_id": inv.ID, "expires_at": it.Expires.Format(time.RFC3339)}}); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, p.TenantID, actor, audit.Change{Action: "user.bulk_create", ObjectType: "user_batch",
			After: map[string]any{"count": len(issued), "method": in.Method}})
	})
	if err != nil {
		if apperr.IsDuplicate(err) {
			return nil, &apperr.Error{Code: apperr.Conflict, Key: "golive.bulk_changed"}
		}
		return nil, err
	}
	return issued, nil
}

// prepare makes each account's credentials: a token, or a temporary
// password and its argon2id hash (a few at a time: each takes ~30 ms and
// 19 MiB).
func (o *Onboarding) prepare(issued []*Issued, method string) ([]*User, error) {
	users := make([]*User, len(issued))
	expires := o.now().Add(InvitationTTL).UTC().Truncate(time.Second)
	for i, it := range issued {
		users[i] = &User{LoginID: it.LoginID, StaffID: it.StaffID}
		if method == ByInvitation {
			// No password until the person sets one through the link: an
			// empty hash matches nothing at sign-in.
			it.Token, it.Expires = newInvitationToken(), expires
			continue
		}
		it.Password = RandomPassword()
		users[i].MustChange = true
	}
	if method != ByPassword {
		return users, nil
	}
	var wg sync.WaitGroup
	errs := make([]error, len(issued))
	work := make(chan int)
	for range 4 {
		wg.Go(func() {
			for i := range work {
				users[i].PasswordHash, errs[i] = HashPassword(issued[i].Password)
			}
		})
	}
	for i := range issued {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return users, nil
}

func newInvitationToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// --- accepting an invitation ---

// InvitationInfo is what the invitation page shows before the person
// chooses a password.
type InvitationInfo struct {
	TenantName string
	LoginID    string
	ExpiresAt  time.Time
}

func errInvitation() error { return apperr.New(apperr.Invalid, "golive.invite_invalid") }

// Invitation checks a link: the tenant's unused, unexpired invitation
// with this token, or Invalid (golive.invite_invalid) alike for an
// unknown, used or expired one.
func (o *Onboarding) Invitation(ctx context.Context, tenantSlug, token string) (*InvitationInfo, error) {
	t, inv, err := o.find(ctx, tenantSlug, token)
	if err != nil {
		return nil, err
	}
	return &InvitationInfo{TenantName: t.Name, LoginID: inv.LoginID, ExpiresAt: inv.ExpiresAt}, nil
}

func (o *Onboarding) find(ctx context.Context, tenantSlug, token string) (TenantRef, *Invitation, error) {
	if token == "" || len(token) > 100 || tenantSlug == "" {
		return TenantRef{}, nil, errInvitation()
	}
	t, err := o.st.FindTenantRefBySlug(ctx, tenantSlug)
	if err != nil {
		return TenantRef{}, nil, errInvitation()
	}
	inv, err := o.st.FindInvitation(ctx, t.ID, HashToken(token))
	switch {
	case apperr.CodeOf(err) == apperr.NotFound:
		return t, nil, errInvitation()
	case err != nil:
		return t, nil, err
	case !inv.UsedAt.IsZero() || !o.now().Before(inv.ExpiresAt):
		return t, nil, errInvitation()
	}
	return t, inv, nil
}

// AcceptInvitation is the person choosing their password through a link.
type AcceptInvitation struct {
	Tenant, Token     string
	Password, Confirm string
	ClientAddr        string
}

// Accept sets the password of the invitation's account (the rules of
// ValidateNewPassword) and uses the link up, in one transaction with a
// user.invitation_accept audit entry; the account can then sign in. Wrong
// links count as failed sign-ins from the client's address and are
// throttled like them (RateLimited past MaxAccountFailures in the window),
// so tokens cannot be guessed.
func (o *Onboarding) Accept(ctx context.Context, in AcceptInvitation) (*SignedIn, error) {
	key := HashToken("invite|" + in.ClientAddr)
	ids, err := o.st.RecordLoginAttempt(ctx, key)
	if err != nil {
		return nil, err
	}
	l := o.svc.limits
	n, err := o.st.CountLoginFailures(ctx, key, o.now().Add(-l.ThrottleWindow))
	if err != nil {
		return nil, err
	}
	if n > l.MaxAccountFailures {
		_ = o.st.DeleteLoginAttempts(ctx, ids)
		return nil, o.svc.throttled()
	}
	t, inv, err := o.find(ctx, in.Tenant, in.Token)
	if err != nil {
		return nil, err // the attempt's row stays: it is the failure
	}
	// The link was right: what follows is not a guess.
	_ = o.st.DeleteLoginAttempts(ctx, ids)
	if err := ValidateNewPassword(in.Password, in.Confirm, inv.LoginID); err != nil {
		return nil, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	actor := audit.Actor{ID: inv.UserID, Label: inv.LoginID}
	f := false
	err = o.st.InOnboardingTx(ctx, func(tx OnboardingTx) error {
		if _, err := tx.ClaimInvitation(ctx, t.ID, HashToken(in.Token), o.now().UTC()); err != nil {
			if apperr.CodeOf(err) == apperr.NotFound {
				return errInvitation() // used meanwhile (a double click)
			}
			return err
		}
		u, err := o.svc.updateUser(ctx, tx, t.ID, actor, inv.UserID,
			UserUpdate{PasswordHash: &hash, MustChange: &f, Action: "user.invitation_accept"}, "")
		if err != nil {
			return err
		}
		if u.Disabled {
			return errInvitation()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SignedIn{TenantID: t.ID, UserID: inv.UserID, LoginID: inv.LoginID}, nil
}
