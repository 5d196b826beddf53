package app

import (
	"context"
	"log/slog"
	"time"

	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/cost"
	"telework/internal/devices"
	"telework/internal/emergency"
	"telework/internal/handbook"
	"telework/internal/incident"
	"telework/internal/notify"
	"telework/internal/oneonone"
	"telework/internal/org"
	"telework/internal/orgio"
	"telework/internal/places"
	"telework/internal/policy"
	"telework/internal/presence"
	"telework/internal/retention"
	"telework/internal/roadmap"
	"telework/internal/rosterplan"
	"telework/internal/route"
	"telework/internal/schedule"
	"telework/internal/sso"
	"telework/internal/staffio"
	"telework/internal/store"
	"telework/internal/survey"
	"telework/internal/tasks"
	"telework/internal/web"
	"telework/internal/worktime"
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
	// The planned tasks of an application are rated for its mode and place
	// (issue 13): the applicant and the approver see what cannot move.
	taskSvc := tasks.NewService(db, now)
	applications := apply.NewService(db, now)
	applications.SetPlanChecker(taskSvc)
	// A transfer, a retirement or a head no longer marked hands on the
	// applications waiting for an approver who may no longer decide them
	// (a failed hand-on is retried by the hourly job, applyLoop).
	// Waiting overtime requests are handed on the same way.
	overtime := worktime.NewOvertimeService(db, applications, now)
	reroute := func(ctx context.Context, tenantID int64) {
		if _, err := applications.Reroute(ctx, tenantID); err != nil {
			slog.Default().Error("handing on applications after an organisation change", "tenant", tenantID, "err", err)
		}
		if _, err := overtime.Reroute(ctx, tenantID); err != nil {
			slog.Default().Error("handing on overtime requests after an organisation change", "tenant", tenantID, "err", err)
		}
	}
	orgs.Changed.Set(reroute)
	// The seats and devices booked for an application's days that no
	// longer happen (withdrawn, rejected, cancelled) are freed at once.
	seats, loans := places.NewService(db, now), devices.NewService(db, now)
	applications.SetRelease(func(ctx context.Context, tenantID int64, who *auth.Principal, a *apply.Application, days, unlinked []calendar.Date) {
		for _, free := range []func(context.Context, int64, *auth.Principal, int64, int64, []calendar.Date, []calendar.Date) error{seats.ReleaseFor, loans.ReleaseFor} {
			if err := free(ctx, tenantID, who, a.StaffID, a.ID, days, unlinked); err != nil {
				slog.Default().Error("freeing the bookings of an application's days", "tenant", tenantID, "application", a.ID, "err", err)
			}
		}
	})
	// A policy version saved or deleted sets the report deadlines of the
	// days already approved to its report rule.
	rules.Changed.Set(func(ctx context.Context, tenantID int64) {
		if _, err := applications.RecomputeReportDue(ctx, tenantID); err != nil {
			slog.Default().Error("report deadlines after a policy change", "tenant", tenantID, "err", err)
		}
	})
	staff.Changed.Set(reroute)
	units.Changed.Set(reroute)
	// Working time (issue 12): a start or end moves the day's application
	// and sets the presence; presence changes reach the boards of every
	// node (PostgreSQL LISTEN/NOTIFY).
	board := presence.NewService(db, store.NewPresenceHub(context.Background(), db), now)
	hours := worktime.NewService(db, now)
	hours.SetHooks(board, applications)
	// Publishing a roster creates its approved applications (issue 15).
	rosters := rosterplan.NewService(db, now)
	rosters.SetPublisher(applications)
	reviews := roadmap.NewService(db, now)
	reviews.SetReviewNotifier(reviewReminderHook(db)) // issue 12: reminders go through the outbox
	return web.Services{
		Org:        orgs,
		Auth:       accounts,
		Policy:     rules,
		SSO:        signOn,
		Calendar:   calendar.NewService(db, now),
		Retention:  retention.NewService(db, now),
		Audit:      audit.NewService(db, now),
		Staffio:    staff,
		Orgio:      units,
		Onboarding: auth.NewOnboarding(accounts, db, now),
		Trial: route.Trial{Roadmap: reviews, Incident: incident.NewService(db, now),
			Cost: cost.NewService(db, now), Handbook: handbook.NewService(db, now)},
		Health:      db,
		Idempotency: db,
		Survey:      survey.NewService(db, now),
		OneOnOne:    oneonone.NewService(db, now),
		Tasks:       taskSvc,
		Apply:       applications,
		Notify:      notify.NewService(db, now),
		Worktime:    hours,
		Presence:    board,
		Places:      seats,
		Devices:     loans,
		Emergency:   emergency.NewService(db, now),
		Roster:      rosters,
		Delivery:    notify.NewDeliveryService(db, now),
		Schedule:    schedule.NewService(db, now),
		// Prior overtime requests go to the approver of the person's
		// applications (issue 12).
		Overtime: overtime,
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
