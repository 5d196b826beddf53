package rosterplan

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/roster"
)

// MaxDays bounds a roster's horizon (calendar days).
const MaxDays = 62

// MaxTimeLimit bounds one solve.
const MaxTimeLimit = 30 * time.Second

// Store is what the service reads, and its transactions.
type Store interface {
	PublicationStore
	PolicyStore
	InRosterTx(ctx context.Context, fn func(Tx) error) error
	FindStaffByID(ctx context.Context, tenantID, id int64) (*org.Staff, error)
	FindStaff(ctx context.Context, tenantID int64, f org.StaffFilter) ([]*org.Staff, int, error)
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
	LoadCalendar(ctx context.Context, tenantID int64, fromYear, toYear int) (*calendar.Calendar, error)
	// FindRosterQualifications returns the duties of each staff member
	// listed (none recorded: absent).
	FindRosterQualifications(ctx context.Context, tenantID int64, staffIDs []int64) (map[int64][]string, error)
	// FindRosterPreferences lists the preferences of the staff listed on
	// from..to, by day.
	FindRosterPreferences(ctx context.Context, tenantID int64, staffIDs []int64, from, to calendar.Date) ([]Preference, error)
	// FindApplications lists applications with their days (the section's
	// approved telework, read when an instance is built).
	FindApplications(ctx context.Context, tenantID int64, f apply.Filter) ([]*apply.Application, error)
}

// Tx is what one roster action writes.
type Tx interface {
	FindRosterQualifications(ctx context.Context, tenantID int64, staffIDs []int64) (map[int64][]string, error)
	ReplaceRosterQualifications(ctx context.Context, tenantID, staffID int64, duties []string) error
	// ReplaceRosterPreferences replaces a person's preferences on from..to.
	ReplaceRosterPreferences(ctx context.Context, tenantID, staffID int64, from, to calendar.Date, prefs []Preference, at time.Time) error
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Service keeps the roster inputs and builds and solves rosters.
//
// Who may do what: HR, for anyone of the tenant; a 所属長 (supervisor)
// reads, builds and solves the rosters of their own section (to propose
// one to HR) but does not edit qualifications; staff enter and read their
// own preferences.
type Service struct {
	st  Store
	now func() time.Time
	pub Publisher
}

// NewService returns the service over st; now is the clock.
func NewService(st Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: now}
}

// SetQualifications records the duties a person is qualified for (HR
// only). Audited as "roster.qualifications"; a save that changes nothing
// writes nothing.
func (s *Service) SetQualifications(ctx context.Context, tenantID int64, who *auth.Principal, staffID int64, duties []string) error {
	if !who.Has(auth.HRAdmin) {
		return apperr.Forbid()
	}
	for _, d := range duties {
		if !slices.Contains(DutyCodes(), d) {
			var v apperr.Validation
			v.Add("duties", "field.choice", nil)
			return v.Err()
		}
	}
	duties = slices.Clone(duties)
	slices.Sort(duties)
	duties = slices.Compact(duties)
	if _, err := s.st.FindStaffByID(ctx, tenantID, staffID); err != nil {
		return err
	}
	return s.st.InRosterTx(ctx, func(tx Tx) error {
		cur, err := tx.FindRosterQualifications(ctx, tenantID, []int64{staffID})
		if err != nil {
			return err
		}
		before := cur[staffID]
		if slices.Equal(before, duties) {
			return nil
		}
		if err := tx.ReplaceRosterQualifications(ctx, tenantID, staffID, duties); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "roster.qualifications", ObjectType: "staff",
			ObjectID: strconv.FormatInt(staffID, 10), Before: map[string]any{"duties": before}, After: map[string]any{"duties": duties}})
	})
}

// Qualifications reads the duties of the staff listed (HR, or a
// supervisor for their section's people, or one's own).
func (s *Service) Qualifications(ctx context.Context, tenantID int64, staffIDs []int64) (map[int64][]string, error) {
	return s.st.FindRosterQualifications(ctx, tenantID, staffIDs)
}

// SetPreferences replaces the caller's own preferences on from..to (days
// outside it are refused). Audited as "roster.preferences" with the
// number of days only.
func (s *Service) SetPreferences(ctx context.Context, tenantID int64, who *auth.Principal, from, to calendar.Date, prefs []Preference) error {
	if who == nil || who.StaffID == 0 {
		return apperr.Forbid()
	}
	var v apperr.Validation
	if to.Before(from) || from.DaysUntil(to) >= MaxDays {
		v.Add("to", "field.range", nil)
	}
	out := make([]Preference, 0, len(prefs))
	seen := map[calendar.Date]bool{}
	for _, p := range prefs {
		if p.Mode != roster.Onsite && p.Mode != roster.Tele {
			v.Add("mode", "field.choice", nil)
			break
		}
		if p.Day.Before(from) || to.Before(p.Day) || seen[p.Day] {
			v.Add("day", "field.range", nil)
			break
		}
		seen[p.Day] = true
		out = append(out, Preference{StaffID: who.StaffID, Day: p.Day, Mode: p.Mode})
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.st.InRosterTx(ctx, func(tx Tx) error {
		if err := tx.ReplaceRosterPreferences(ctx, tenantID, who.StaffID, from, to, out, s.now()); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "roster.preferences", ObjectType: "staff",
			ObjectID: strconv.FormatInt(who.StaffID, 10), After: map[string]any{"from": from.String(), "to": to.String(), "days": len(out)}})
	})
}

// Preferences reads the caller's own preferences on from..to.
func (s *Service) Preferences(ctx context.Context, tenantID int64, who *auth.Principal, from, to calendar.Date) ([]Preference, error) {
	if who == nil || who.StaffID == 0 {
		return nil, apperr.Forbid()
	}
	return s.st.FindRosterPreferences(ctx, tenantID, []int64{who.StaffID}, from, to)
}

// Request is what HR (or the 所属長) asks a roster for.
type Request struct {
	UnitID   int64
	From, To calendar.Date
	Settings Settings
	// Cohort assigns people to cohorts (staff id → name); unlisted people
	// have none.
	Cohort map[int64]string
	// Leave are the approved leave days (staff id → days), entered by HR:
	// the product keeps no leave records. Approved are approved telework
	// days given by the caller; BuildInstance adds to them the days of the
	// section's applications in an approved state (approved, started,
	// finished, reported, confirmed) within From..To.
	Leave, Approved map[int64][]calendar.Date
}

// BuildInstance builds the instance of a section (its staff and those of
// the units below it, not retired) over the business days of From..To.
// HR: any unit; a supervisor: their own section. Forbidden otherwise.
func (s *Service) BuildInstance(ctx context.Context, tenantID int64, who *auth.Principal, req Request) (*roster.Instance, error) {
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	tr := org.NewTree(units)
	u := tr.Unit(req.UnitID)
	if u == nil {
		return nil, apperr.NotFoundErr("unit")
	}
	if !who.Has(auth.HRAdmin) && !(who.Has(auth.Supervisor) && who.UnitID != 0 && tr.IsWithin(req.UnitID, who.UnitID)) {
		return nil, apperr.Forbid()
	}
	var v apperr.Validation
	switch {
	case req.From.IsZero():
		v.Add("from", "field.required", nil)
	case req.To.Before(req.From) || req.From.DaysUntil(req.To) >= MaxDays:
		v.Add("to", "field.range", nil)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	cal, err := s.st.LoadCalendar(ctx, tenantID, req.From.Year, req.To.Year)
	if err != nil {
		return nil, err
	}
	var days []calendar.Date
	for d := req.From; !req.To.Before(d); d = d.AddDays(1) {
		if cal.IsBusinessDay(d) {
			days = append(days, d)
		}
	}
	staff, _, err := s.st.FindStaff(ctx, tenantID, org.StaffFilter{UnitID: req.UnitID, Limit: 1000, ByID: true})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(staff))
	for _, st := range staff {
		ids = append(ids, st.ID)
	}
	if err := outsiders(ids, req); err != nil {
		return nil, err
	}
	quals, err := s.st.FindRosterQualifications(ctx, tenantID, ids)
	if err != nil {
		return nil, err
	}
	prefs, err := s.st.FindRosterPreferences(ctx, tenantID, ids, req.From, req.To)
	if err != nil {
		return nil, err
	}
	approved, err := s.approvedDays(ctx, tenantID, ids, req)
	if err != nil {
		return nil, err
	}
	// The weekly cap of the rules in force (with an emergency's overrides
	// while it lasts) holds unless the request asks for a stricter one; a
	// looser one is refused: publishing would approve telework the rules
	// do not allow.
	if len(days) > 0 {
		cr, err := s.capRules(ctx, tenantID, tr, days[0], days[len(days)-1])
		if err != nil {
			return nil, err
		}
		if pc := cr.strictest(req.UnitID, days); pc > 0 {
			switch c := req.Settings.MaxTelePerWeek; {
			case c == nil:
				req.Settings.MaxTelePerWeek = &pc
			case *c > pc:
				v.Add("max_tele_per_week", "rosterplan.cap_looser", map[string]any{"Cap": pc, "Asked": *c})
				return nil, v.Err()
			}
		}
	}
	in := Input{Section: u.Name, Days: days, Leave: req.Leave, Approved: approved, Preferences: prefs, Settings: req.Settings}
	// Whoever the request puts in no cohort is given the one of their place
	// in the order of 職員番号 (A, B, A, B …), the same on the page and the
	// API.
	byNo := slices.Clone(staff)
	slices.SortStableFunc(byNo, func(a, b *org.Staff) int { return strings.Compare(a.StaffNo, b.StaffNo) })
	for i, st := range byNo {
		c := req.Cohort[st.ID]
		if c == "" && len(req.Settings.Cohorts) > 0 {
			c = req.Settings.Cohorts[i%len(req.Settings.Cohorts)]
		}
		in.People = append(in.People, Person{StaffID: st.ID, StaffNo: st.StaffNo, Name: st.Name, Duties: quals[st.ID], Cohort: c})
	}
	inst, err := Build(in)
	if err != nil {
		return nil, err
	}
	// A re-plan: the plan published for the same days and people is the
	// previous plan, so the new one changes as little as possible.
	prev, err := s.st.FindLatestRosterPublication(ctx, tenantID, req.UnitID, req.From, req.To)
	if err != nil {
		return nil, err
	}
	if prev != nil && slices.Equal(prev.Days, inst.Days) && len(prev.Assignments) == len(inst.Staff) {
		same := true
		for _, st := range inst.Staff {
			same = same && len(prev.Assignments[st.ID]) == len(inst.Days)
		}
		if same {
			inst.PreviousPlan = prev.Assignments
		}
	}
	return inst, nil
}

// Solve plans an instance with roster.Solve within limit (at most
// MaxTimeLimit; zero: 5 s).
func (s *Service) Solve(inst *roster.Instance, limit time.Duration) (*roster.Plan, error) {
	if limit <= 0 {
		limit = 5 * time.Second
	}
	plan, err := roster.Solve(inst, roster.Options{TimeLimit: min(limit, MaxTimeLimit)})
	if err != nil {
		var v apperr.Validation
		v.Add("instance", "rosterplan.malformed", map[string]any{"Detail": err.Error()})
		return nil, v.Err()
	}
	return plan, nil
}

// approvedStates are the day states of an approved application that still
// holds its day.
var approvedStates = []apply.Status{apply.Approved, apply.Started, apply.Finished, apply.Reported, apply.Confirmed}

// approvedDays is req.Approved with the telework days of the staff's
// applications in an approved state within From..To (office segments are
// not telework).
func (s *Service) approvedDays(ctx context.Context, tenantID int64, ids []int64, req Request) (map[int64][]calendar.Date, error) {
	out := map[int64][]calendar.Date{}
	for sid, ds := range req.Approved {
		out[sid] = append(out[sid], ds...)
	}
	if len(ids) == 0 {
		return out, nil
	}
	apps, err := s.st.FindApplications(ctx, tenantID, apply.Filter{StaffIDs: ids, DayStatuses: approvedStates,
		From: req.From, To: req.To, Limit: 10000, Ascending: true})
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		if a.Mode == apply.ModeOffice {
			continue
		}
		for _, d := range a.Days {
			if slices.Contains(approvedStates, d.Status) && !d.Date.Before(req.From) && !req.To.Before(d.Date) {
				out[a.StaffID] = append(out[a.StaffID], d.Date)
			}
		}
	}
	return out, nil
}

// outsiders refuses leave, approved days or a cohort given for someone not
// in the section (a mistyped id, another section's person): the API
// dropped them without a word, so approved leave went unhonoured (a
// review); the page already names such a line.
func outsiders(ids []int64, req Request) error {
	var v apperr.Validation
	check := func(field string, id int64) {
		if !slices.Contains(ids, id) {
			v.Add(field, "rosterplan.unknown_staff_id", map[string]any{"ID": id})
		}
	}
	for _, id := range slices.Sorted(maps.Keys(req.Leave)) {
		check("leave."+strconv.FormatInt(id, 10), id)
	}
	for _, id := range slices.Sorted(maps.Keys(req.Approved)) {
		check("approved."+strconv.FormatInt(id, 10), id)
	}
	for _, id := range slices.Sorted(maps.Keys(req.Cohort)) {
		check("cohort_of", id)
	}
	return v.Err()
}
