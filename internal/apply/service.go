package apply

import (
	"context"
	"time"

	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/org"
	"telework/internal/policy"
)

// Store is what the service reads and runs transactions on; internal/store
// implements it. The policy, staff, unit and calendar reads keep the
// store's own names, so *store.DB satisfies them as it is.
type Store interface {
	// InApplyTx runs fn in one transaction, committed when fn returns nil.
	InApplyTx(ctx context.Context, fn func(Tx) error) error
	// FindApplication returns an application with its days; NotFound when
	// the tenant has none with that id.
	FindApplication(ctx context.Context, tenantID, id int64) (*Application, error)
	// FindApplications lists applications (with their days) matching f,
	// newest first day first unless f.Ascending.
	FindApplications(ctx context.Context, tenantID int64, f Filter) ([]*Application, error)
	// FindApplicationDecisions lists an application's decisions in order.
	FindApplicationDecisions(ctx context.Context, tenantID, appID int64) ([]Decision, error)
	// FindApplyHeads lists the current heads (所属長・係長) of the units.
	FindApplyHeads(ctx context.Context, tenantID int64, unitIDs []int64) ([]Head, error)
	// FindWaitingRoutes lists the applications waiting for a decision,
	// each with its applicant's unit now (Reroute).
	FindWaitingRoutes(ctx context.Context, tenantID int64) ([]Waiting, error)
	// FindUnreportedDays lists the days waiting for their report
	// (RecomputeReportDue).
	FindUnreportedDays(ctx context.Context, tenantID int64) ([]Day, error)
	// FindApplySettings returns the tenant's routing settings
	// (DefaultSettings when none were saved).
	FindApplySettings(ctx context.Context, tenantID int64) (Settings, error)
	// FindDelegations lists delegations matching f.
	FindDelegations(ctx context.Context, tenantID int64, f DelegationFilter) ([]Delegation, error)
	TeleworkReader
	PersonalDeviceReader
	// FindLastApplication returns the person's latest application (any
	// state but draft), NotFound when none.
	FindLastApplication(ctx context.Context, tenantID, staffID int64) (*Application, error)

	FindPolicyVersions(ctx context.Context, tenantID int64) ([]policy.Version, error)
	FindPolicyFacts(ctx context.Context, tenantID, staffID int64) (policy.Facts, error)
	FindStaffByID(ctx context.Context, tenantID, id int64) (*org.Staff, error)
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
	// FindUnitChain returns a unit and the units above it (id, parent and
	// code), nearest first.
	FindUnitChain(ctx context.Context, tenantID, unitID int64) ([]*org.Unit, error)
	LoadCalendar(ctx context.Context, tenantID int64, fromYear, toYear int) (*calendar.Calendar, error)
	// FindPolicyOverrides lists the emergencies (issue 15) meeting from..to.
	FindPolicyOverrides(ctx context.Context, tenantID int64, from, to calendar.Date) ([]policy.Override, error)

	// For the periodic job (reminders, reports due and overdue).
	FindTenants(ctx context.Context) ([]*org.Tenant, error)
	// FindReportNotes lists the days with a report still to file whose
	// report is due today and not yet told (ReportNoted ""), or was due
	// before today and not yet told late (not ReportNotedOverdue), by
	// application and day.
	FindReportNotes(ctx context.Context, tenantID int64, today calendar.Date) ([]ReportNote, error)
	ClaimJobRun(ctx context.Context, job, key, node string) (bool, error)
	FinishJobRun(ctx context.Context, job, key string) error
}

// Tx is what one action reads and writes inside its transaction: the
// application, its days and decision, the audit entry and the outbox rows.
type Tx interface {
	notify.Tx
	// LockApplicant serialises the writers of one person's applications
	// (so two submissions cannot both take the last day of a cap).
	LockApplicant(ctx context.Context, tenantID, staffID int64) error
	// FindDelegationsLocked is FindDelegations in the transaction, the
	// rows locked against their end until it commits.
	FindDelegationsLocked(ctx context.Context, tenantID int64, f DelegationFilter) ([]Delegation, error)
	// FindDecider reads a decider's unit and head flag as they are now,
	// holding the organisation (HoldOrganisation) until the commit.
	FindDecider(ctx context.Context, tenantID, staffID int64) (unitID int64, supervisor bool, err error)
	// HoldOrganisation keeps the tenant's staff and units as they are
	// until the transaction commits (a shared lock a change of them waits
	// for).
	HoldOrganisation(ctx context.Context, tenantID int64) error
	// FindUnits reads the tenant's units in the transaction (the tree a
	// decision is judged on, read under HoldOrganisation).
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
	// FindStaffByID, FindUnitChain and FindApplyHeads read the applicant,
	// their unit with those above it and those units' heads in the
	// transaction: a submission is checked and routed on them as they are
	// at its commit (under HoldOrganisation), not as read before it.
	FindStaffByID(ctx context.Context, tenantID, id int64) (*org.Staff, error)
	FindUnitChain(ctx context.Context, tenantID, unitID int64) ([]*org.Unit, error)
	FindApplyHeads(ctx context.Context, tenantID int64, unitIDs []int64) ([]Head, error)
	FindApplication(ctx context.Context, tenantID, id int64) (*Application, error)
	TeleworkReader
	PersonalDeviceReader
	// InsertApplication writes a new application and its days, setting
	// their ids and a.Version = 1.
	InsertApplication(ctx context.Context, tenantID int64, a *Application) error
	// UpdateApplication writes the application's own fields if its version
	// is still version (a Conflict error.stale otherwise: another action
	// came first), and sets a.Version to the next.
	UpdateApplication(ctx context.Context, tenantID int64, a *Application, version int64) error
	// UpdateApplicationDays writes the state, times, report and report due
	// date of these days.
	UpdateApplicationDays(ctx context.Context, tenantID int64, days []Day) error
	// ReplaceApplicationDays replaces the days of an application being
	// edited (a draft or a returned one), setting their ids.
	ReplaceApplicationDays(ctx context.Context, tenantID, appID, staffID int64, days []Day) error
	InsertApplicationDecision(ctx context.Context, tenantID int64, d *Decision) error
	// FindLastApplicationDecision returns the application's latest
	// decision (who and when only); a zero Decision when none.
	FindLastApplicationDecision(ctx context.Context, tenantID, appID int64) (Decision, error)
	// FindApplicationCancels lists the applications' cancellations (the
	// days, who, whether a roster publication made them) in order.
	FindApplicationCancels(ctx context.Context, tenantID int64, appIDs []int64) ([]Decision, error)
	// DeleteApplication removes a draft with its days.
	DeleteApplication(ctx context.Context, tenantID, id int64) error
	// SaveApplySettings writes the settings if their version is still
	// s.Version (0: none saved yet); a Conflict error.stale otherwise.
	SaveApplySettings(ctx context.Context, tenantID int64, s *Settings) error
	FindApplySettings(ctx context.Context, tenantID int64) (Settings, error)
	InsertDelegation(ctx context.Context, tenantID int64, d *Delegation) error
	// DeleteDelegation removes a delegation and returns it; NotFound when
	// none.
	DeleteDelegation(ctx context.Context, tenantID, id int64) (Delegation, error)
	// MarkReportsNoted records that these days were told at stage.
	MarkReportsNoted(ctx context.Context, tenantID int64, dayIDs []int64, stage ReportNoted) error
	// SetReportDue sets a day's report deadline while it waits for its
	// report (false: it no longer does).
	SetReportDue(ctx context.Context, tenantID, dayID int64, due calendar.Date) (bool, error)
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// WorkTx is the part of a transaction that one action on an application
// writes: what another area's transaction must offer to carry it (the
// working-time start and end move the day's application in the same
// transaction as the attendance record).
type WorkTx interface {
	notify.Tx
	FindApplication(ctx context.Context, tenantID, id int64) (*Application, error)
	UpdateApplication(ctx context.Context, tenantID int64, a *Application, version int64) error
	UpdateApplicationDays(ctx context.Context, tenantID int64, days []Day) error
	InsertApplicationDecision(ctx context.Context, tenantID int64, d *Decision) error
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// TeleworkReader reads what the caps and the duplicate check count.
type TeleworkReader interface {
	// FindStaffTelework lists the person's applications that hold a day
	// from..to (inclusive), each with those of its days, as the policy
	// engine counts them (Status: the day's state).
	FindStaffTelework(ctx context.Context, tenantID, staffID int64, from, to calendar.Date) ([]policy.Application, error)
}

// PersonalDevice is a registration of the person's own device (BYOD), as
// internal/devices judges it: usable on a day when approved by IT and not
// expired then. (internal/devices links reservations to applications and
// so comes after this package: it is read through this interface.)
type PersonalDevice interface {
	UsableOn(day calendar.Date) bool
}

// PersonalDeviceReader reads the person's personal-device registrations: a
// day on a personal device needs one usable on that day.
type PersonalDeviceReader interface {
	FindPersonalDeviceRegistrations(ctx context.Context, tenantID, staffID int64) ([]PersonalDevice, error)
}

// checkReader is what a rule check reads, in the action's transaction or,
// for the live check, outside one.
type checkReader interface {
	TeleworkReader
	PersonalDeviceReader
}

// Filter chooses applications. Zero fields do not filter.
type Filter struct {
	StaffIDs []int64
	// NotStaffID: not this person's (an inbox leaves out one's own).
	NotStaffID int64
	// HideDrafts leaves out drafts but DraftsOf's: a draft is its author's
	// until it is submitted (a supervisor, HR or an auditor reading
	// someone's applications does not see what was never sent).
	HideDrafts bool
	DraftsOf   int64
	// ApproverIDs: waiting (submitted) for one of these approvers.
	ApproverIDs []int64
	// UnitIDs: the applicant's current unit is one of these.
	UnitIDs []int64
	// Statuses: the application's status as it reads (Application.Status,
	// the summary of the decision and the days: approved, started,
	// reported …).
	Statuses []Status
	// Decisions: the decision's own state (draft, submitted, approved …).
	Decisions []Status
	// DayStatuses: having a day in one of these states (within From–To
	// when given).
	DayStatuses []Status
	// From, To: having a day within (inclusive).
	From, To calendar.Date
	Mode     policy.Mode
	// ReportOverdue: having a day approved, started or finished whose
	// report was due before this date.
	ReportOverdue calendar.Date
	// ReportDueOn: having a day approved, started or finished whose report
	// is due on this date.
	ReportDueOn calendar.Date
	// SubmittedBefore: submitted before this moment (reminders).
	SubmittedBefore time.Time
	Ascending       bool
	Limit, Offset   int
	// After: only the applications after this one in the list's order
	// (first day, then id; descending unless Ascending) — a keyset page,
	// which neither skips nor repeats when the list changes between pages.
	After Key
	// Total, when not nil, receives how many applications match f without
	// Limit, Offset and After (one more query).
	Total *int
}

// Key is an application's place in a list: its first day, then its id.
type Key struct {
	FirstDay calendar.Date
	ID       int64
}

// KeyOf is a's place in a list.
func KeyOf(a *Application) Key {
	k := Key{ID: a.ID}
	for i, d := range a.Days {
		if i == 0 || d.Date.Before(k.FirstDay) {
			k.FirstDay = d.Date
		}
	}
	return k
}

// DelegationFilter chooses delegations; zero fields do not filter.
type DelegationFilter struct {
	ApproverID int64
	DelegateID int64
	// On: in force on this day (standing proxies always are).
	On calendar.Date
	// StartsOn: an absence starting on this day.
	StartsOn calendar.Date
}

// PlanChecker checks the planned work's tasks (the task inventory, issue
// 13): its findings (warnings) are added at submission and at approval.
type PlanChecker interface {
	CheckPlan(ctx context.Context, tenantID, unitID int64, taskIDs []int64, mode policy.Mode, place string) ([]policy.Finding, error)
	// UnknownTasks lists the ids that are not tasks on the sheets a person
	// of unitID may plan from: missing ones and other sections' alike.
	UnknownTasks(ctx context.Context, tenantID, unitID int64, taskIDs []int64) ([]int64, error)
}

// Service holds the application workflows: it checks the rules and the
// relationships, opens the one transaction of each action and writes the
// change with its decision, audit entry and notifications. Handlers, the
// CLI, the demo and the periodic job call it; it never sees HTTP.
type Service struct {
	st      Store
	now     func() time.Time
	plan    PlanChecker
	release Release
}

// NewService returns the service over st; now is the clock (tests move it).
func NewService(st Store, now func() time.Time) *Service {
	return &Service{st: st, now: now}
}

// SetPlanChecker installs the task inventory's check of the planned work
// (nil: none). Call it at wiring time, before the service is used.
func (s *Service) SetPlanChecker(c PlanChecker) { s.plan = c }

// Today is the business date now (Asia/Tokyo).
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.now()) }
