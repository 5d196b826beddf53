package policy

import (
	"context"
	"slices"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
)

// CheckInput is an application to check against the policy in force on
// its first day.
type CheckInput struct {
	StaffID int64 // whose application; 0 means the asker's own
	App     Application
	Stage   Stage // AtSubmit when empty
	// SubmittedAt and ApprovedAt ask "what if it had been submitted
	// (approved) then": the submission is checked as of SubmittedAt, and
	// when ApprovedAt is given the approval is checked as of it too (the
	// findings of both, each once). Zero means now.
	SubmittedAt time.Time
	ApprovedAt  time.Time
}

// CheckResult is the verdict: the version applied and its findings.
type CheckResult struct {
	Version  Version
	Findings []Finding
}

// OK reports whether nothing refuses the application.
func (c *CheckResult) OK() bool { return !HasErrors(c.Findings) }

// validateApplication refuses what no policy knows (an unknown mode, time
// unit, place, kind of place, device or class), naming the field, so that
// a finding never shows an unknown choice. An empty time unit is a full
// day.
func validateApplication(v *apperr.Validation, a *Application) {
	switch {
	case a.Mode == "":
		v.Add("application.mode", "field.required", nil)
	case !slices.Contains(Modes, a.Mode):
		v.Add("application.mode", "field.choice", nil)
	}
	if a.TimeUnit == "" {
		a.TimeUnit = FullDay
	}
	if !slices.Contains(TimeUnits, a.TimeUnit) {
		v.Add("application.time_unit", "field.choice", nil)
	}
	if a.Place != "" && !slices.Contains([]string{PlaceHome, PlaceHomeEquivalent, PlaceSatellite, PlaceMobile}, a.Place) {
		v.Add("application.place", "field.choice", nil)
	}
	if a.PlaceKind != "" && !slices.Contains(HomeEquivalentKinds, a.PlaceKind) {
		v.Add("application.place_kind", "field.choice", nil)
	}
	if a.Device != "" && !slices.Contains(DeviceTypes, a.Device) {
		v.Add("application.device", "field.choice", nil)
	}
	subset(v, "application.devices", a.Devices, DeviceTypes)
	for _, sg := range a.Segments {
		if sg.Mode != Office && !slices.Contains(Modes, sg.Mode) {
			v.Add("application.segments", "field.choice", nil)
			break
		}
	}
	subset(v, "application.paper_classes", a.PaperClasses, DataClasses)
	subset(v, "application.data_classes", a.DataClasses, DataClasses)
}

// Check evaluates an application, each day against the version in force
// on that day (Version is the first day's), for people planning and for
// other systems that keep their own workflow. Staff may check only their own; supervisors their section; HR
// anyone (Forbidden otherwise). No version in force is a Conflict
// (error.no_policy).
func (s *Service) Check(ctx context.Context, tenantID int64, who *auth.Principal, in CheckInput) (*CheckResult, error) {
	if who == nil {
		return nil, apperr.Forbid()
	}
	var v apperr.Validation
	if len(in.App.Dates) == 0 {
		v.Add("dates", "field.required", nil)
	}
	if in.Stage == "" {
		in.Stage = AtSubmit
	}
	if in.Stage != AtSubmit && in.Stage != AtApprove {
		v.Add("stage", "field.choice", nil)
	}
	validateApplication(&v, &in.App)
	if !in.SubmittedAt.IsZero() && !in.ApprovedAt.IsZero() && in.ApprovedAt.Before(in.SubmittedAt) {
		v.Add("approved_at", "field.datetime_order", nil)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if in.StaffID == 0 {
		in.StaffID = who.StaffID
	}
	st, err := s.st.FindStaffByID(ctx, tenantID, in.StaffID)
	if err != nil {
		return nil, err
	}
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	tr := org.NewTree(units)
	if !who.Has(auth.HRAdmin) && who.StaffID != st.ID &&
		!(who.Has(auth.Supervisor) && who.UnitID != 0 && tr.IsWithin(st.UnitID, who.UnitID)) {
		return nil, apperr.Forbid()
	}
	vs, err := s.st.FindPolicyVersions(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	byDay := map[calendar.Date]Version{}
	for _, d := range in.App.Dates {
		v, ok := InForce(vs, d)
		if !ok {
			return nil, errNoPolicy()
		}
		byDay[d] = v
	}
	ver := byDay[in.App.Dates[0]]
	policyOn := func(d calendar.Date) (int64, Policy) { return byDay[d].ID, byDay[d].Policy }
	per, err := s.person(ctx, tenantID, tr, st)
	if err != nil {
		return nil, err
	}
	cal, err := s.calendar(ctx, tenantID, in.App.Dates...)
	if err != nil {
		return nil, err
	}
	at := func(t time.Time) time.Time {
		if t.IsZero() {
			return s.now()
		}
		return t
	}
	from, to := spanOf(in.App.Dates)
	ovs, err := s.st.FindPolicyOverrides(ctx, tenantID, from, to)
	if err != nil {
		return nil, err
	}
	base := Input{Policy: ver.Policy, Calendar: cal, Person: per, App: in.App, Overrides: ovs}
	var fs []Finding
	if in.Stage == AtSubmit || !in.SubmittedAt.IsZero() {
		sub := base
		sub.Stage, sub.Now = AtSubmit, at(in.SubmittedAt)
		fs = EvaluateByDay(sub, policyOn)
	}
	if in.Stage == AtApprove || !in.ApprovedAt.IsZero() {
		appr := base
		appr.Stage, appr.Now = AtApprove, at(in.ApprovedAt)
		fs = mergeFindings(fs, EvaluateByDay(appr, policyOn))
	}
	return &CheckResult{Version: ver, Findings: fs}, nil
}

// spanOf is the first and last of dates (not empty).
func spanOf(dates []calendar.Date) (calendar.Date, calendar.Date) {
	from, to := dates[0], dates[0]
	for _, d := range dates {
		if d.Before(from) {
			from = d
		}
		if to.Before(d) {
			to = d
		}
	}
	return from, to
}

// mergeFindings adds to a the findings of b on a rule and day a has not
// already reported.
func mergeFindings(a, b []Finding) []Finding {
	for _, f := range b {
		if !slices.ContainsFunc(a, func(g Finding) bool { return g.Rule == f.Rule && g.Date == f.Date }) {
			a = append(a, f)
		}
	}
	sortFindings(a)
	return a
}

// calendar loads the tenant's business calendar (national holidays, 年末年始
// and closure days) for the years around today and the given dates.
func (s *Service) calendar(ctx context.Context, tenantID int64, dates ...calendar.Date) (BusinessCalendar, error) {
	from, to := s.Today().Year, s.Today().Year
	for _, d := range dates {
		from, to = min(from, d.Year), max(to, d.Year)
	}
	return s.st.LoadCalendar(ctx, tenantID, from-1, to+1)
}

// person gathers what the rules need to know about a staff member; tr is
// the tenant's unit tree (loaded once by the caller, which may ask for many
// people).
func (s *Service) person(ctx context.Context, tenantID int64, tr *org.Tree, st *org.Staff) (Person, error) {
	facts, err := s.st.FindPolicyFacts(ctx, tenantID, st.ID)
	if err != nil {
		return Person{}, err
	}
	return PersonOf(tr, st, facts), nil
}

// PersonOf is what the rules know of st: its record, its unit's code with
// the codes of the units above, and its facts.
func PersonOf(tr *org.Tree, st *org.Staff, f Facts) Person {
	var codes []string
	for id := st.UnitID; id != 0; {
		u := tr.Unit(id)
		if u == nil || slices.Contains(codes, u.Code) {
			break
		}
		codes = append(codes, u.Code)
		id = u.ParentID
	}
	return Person{StaffNo: st.StaffNo, Employment: st.Employment, JobType: st.JobType, Rank: st.Rank,
		UnitCodes: codes, Reasons: f.Reasons, HasTerminal: f.HasTerminal, Seconded: f.Seconded, Trial: f.Trial}
}
