package app

import (
	"context"
	"log/slog"
	"time"

	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/org"
	"telework/internal/orgio"
	"telework/internal/policy"
	"telework/internal/retention"
	"telework/internal/sso"
	"telework/internal/staffio"
	"telework/internal/store"
	"telework/internal/web"
)

// NewServices wires every domain service on one database. The clock is
// read through db.Now on each call, so a test that moves db.Now moves them.
func NewServices(db *store.DB) web.Services {
	now := func() time.Time { return db.Now() }
	orgs := org.NewService(db, now)
	orgs.SetPolicyTemplates(policy.OrgTemplates{})
	accounts := auth.NewService(db, now)
	signOn := sso.NewService(db, now)
	// Password sign-in is refused where the tenant made SSO mandatory.
	accounts.SetPasswordPolicy(signOn.PasswordSignInAllowed)
	staff := staffio.NewService(db, now)
	// The organisation import passes the same gate as the staff import.
	units := orgio.NewService(db, now)
	units.SetGate(staff.Gate())
	rules := policy.NewService(db, now)
	// The simulation replays the stored applications.
	rules.SetPastApplications(db)
	return web.Services{
		Org:         orgs,
		Auth:        accounts,
		Policy:      rules,
		SSO:         signOn,
		Calendar:    calendar.NewService(db, now),
		Retention:   retention.NewService(db, now),
		Audit:       audit.NewService(db, now),
		Staffio:     staff,
		Orgio:       units,
		Onboarding:  auth.NewOnboarding(accounts, db, now),
		Health:      db,
		Idempotency: db,
		Apply:       apply.NewService(db, now),
		Notify:      notify.NewService(db, now),
	}
}

// Env is an opened, migrated database with its services, for the CLI.
type Env struct {
	web.Services
	db *store.DB
}

// Open opens and migrates the database named by dsn and wires the services.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*Env, error) {
	db, err := OpenDB(ctx, dsn, log)
	if err != nil {
		return nil, err
	}
	return &Env{Services: NewServices(db), db: db}, nil
}

// Close closes the database.
func (e *Env) Close() error { return e.db.Close() }
