package apply

import (
	"context"
	"slices"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
)

// env is what a check needs besides the application: the applicant, the
// organisation, the calendar and the policy in force.
type env struct {
	staff *org.Staff
	// chain is the person's unit and those above it, nearest first: the
	// tree below is built of it.
	chain  []*org.Unit
	tree   *org.Tree
	person policy.Person
	cal    *calendar.Calendar
	vers   []policy.Version
	// overrides are the emergencies meeting the days asked about.
	overrides []policy.Override
	// Read before the transaction (withRoute, withPlan), so that nothing
	// is read outside it while it holds its connection: the route, the
	// delegates of each approver absent today, the plan checker's
	// findings.
	first, second int64
	routeErr      error
	settings      Settings
	headNames     map[int64]string
	absent        map[int64][]int64
	planFs        []policy.Finding
}

// withRoute reads the routing settings and the heads and routes the
// applicant, and reads the delegates of the approvers absent today.
func (s *Service) withRoute(ctx context.Context, tenantID int64, e *env) error {
	set, err := s.st.FindApplySettings(ctx, tenantID)
	if err != nil {
		return err
	}
	heads, err := s.st.FindApplyHeads(ctx, tenantID, Chain(e.tree, e.staff.UnitID))
	if err != nil {
		return err
	}
	e.settings = set
	e.first, e.second, e.routeErr = Route(e.tree, heads, e.staff.ID, e.staff.UnitID, set)
	e.headNames = map[int64]string{}
	for _, h := range heads {
		e.headNames[h.StaffID] = h.Name
	}
	return s.withAbsent(ctx, tenantID, e, e.first, e.second)
}

// withAbsent reads who decides for each of the approvers during an
// absence today.
func (s *Service) withAbsent(ctx context.Context, tenantID int64, e *env, approvers ...int64) error {
	if e.absent == nil {
		e.absent = map[int64][]int64{}
	}
	for _, id := range approvers {
		if id == 0 {
			continue
		}
		ds, err := s.st.FindDelegations(ctx, tenantID, DelegationFilter{ApproverID: id, On: s.Today()})
		if err != nil {
			return err
		}
		for _, d := range ds {
			if d.Kind == DelegateAbsence {
				e.absent[id] = append(e.absent[id], d.DelegateID)
			}
		}
	}
	return nil
}

// withPlan asks the plan checker (the task inventory) about the tasks.
func (s *Service) withPlan(ctx context.Context, tenantID int64, e *env, taskIDs []int64, mode policy.Mode, place string, segs []Segment) error {
	e.planFs = nil
	if s.plan == nil || len(taskIDs) == 0 {
		return nil
	}
	// The tasks are checked where the day is worked: the application's
	// mode and place, and each telework segment's (午前はサテライト、午後は
	// 在宅), each place once; the same finding is told once.
	type where struct {
		mode  policy.Mode
		place string
	}
	places := []where{{mode, place}}
	for _, sg := range segs {
		if sg.Mode == "" || sg.Mode == ModeOffice {
			continue
		}
		w := where{sg.Mode, planPlace(sg.Place, sg.PlaceName)}
		if sg.Mode == policy.Satellite && sg.PlaceName != "" {
			w.place = sg.PlaceName
		}
		if !slices.Contains(places, w) {
			places = append(places, w)
		}
	}
	seen := map[string]bool{}
	for _, w := range places {
		more, err := s.plan.CheckPlan(ctx, tenantID, e.staff.UnitID, taskIDs, w.mode, w.place)
		if err != nil {
			return err
		}
		for _, f := range more {
			// The inventory warns; only the policy refuses.
			if f.Severity == policy.Error {
				f.Severity = policy.Warning
			}
			if k := f.Message("ja"); !seen[k] {
				seen[k] = true
				e.planFs = append(e.planFs, f)
			}
		}
	}
	return nil
}

// loadEnv reads the applicant's record, the unit tree, the facts, the
// policy versions and the calendar of the years around today and the days
// from..to.
func (s *Service) loadEnv(ctx context.Context, tenantID, staffID int64, from, to calendar.Date) (*env, error) {
	st, err := s.st.FindStaffByID(ctx, tenantID, staffID)
	if err != nil {
		return nil, err
	}
	// The person's unit and those above it are all the rules and the
	// routing look at (a few rows, not the tenant's whole tree).
	units, err := s.st.FindUnitChain(ctx, tenantID, st.UnitID)
	if err != nil {
		return nil, err
	}
	tr := org.NewTree(units)
	facts, err := s.st.FindPolicyFacts(ctx, tenantID, staffID)
	if err != nil {
		return nil, err
	}
	vers, err := s.st.FindPolicyVersions(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	y0, y1 := s.Today().Year, s.Today().Year
	for _, d := range []calendar.Date{from, to} {
		if !d.IsZero() {
			y0, y1 = min(y0, d.Year), max(y1, d.Year)
		}
	}
	cal, err := s.st.LoadCalendar(ctx, tenantID, y0-1, y1+1)
	if err != nil {
		return nil, err
	}
	ovs, err := s.st.FindPolicyOverrides(ctx, tenantID, from, to)
	if err != nil {
		return nil, err
	}
	return &env{staff: st, chain: units, tree: tr, person: policy.PersonOf(tr, st, facts), cal: cal, vers: vers, overrides: ovs}, nil
}

// describe fills the joined fields of a new application: the applicant's
// name, number and unit, and the approver's name.
func (e *env) describe(a *Application) {
	a.StaffName, a.StaffNo, a.UnitID = e.staff.Name, e.staff.StaffNo, e.staff.UnitID
	if u := e.tree.Unit(e.staff.UnitID); u != nil {
		a.UnitName = u.Name
	}
	a.ApproverName = e.headNames[a.ApproverID]
}

// version is the policy in force on d, else (a day before the first
// version, such as a day already past) the one in force today; a Conflict
// error.no_policy when neither is.
func (e *env) version(d, today calendar.Date) (policy.Version, error) {
	v, ok := policy.InForce(e.vers, d)
	if !ok {
		v, ok = policy.InForce(e.vers, today)
	}
	if !ok {
		return policy.Version{}, errNoPolicy()
	}
	return v, nil
}

// dayVersions are the policy versions in force on the days of an
// application: each day is checked, approved and reported under its own.
type dayVersions struct {
	e     *env
	today calendar.Date
	days  map[calendar.Date]policy.Version
}

// versions is the version of each of days (see version).
func (e *env) versions(days []calendar.Date, today calendar.Date) (dayVersions, error) {
	out := dayVersions{e: e, today: today, days: map[calendar.Date]policy.Version{}}
	for _, d := range days {
		v, err := e.version(d, today)
		if err != nil {
			return dayVersions{}, err
		}
		out.days[d] = v
	}
	return out, nil
}

// on is the version of day d (of the application or not: a cancelled day).
func (vs dayVersions) on(d calendar.Date) policy.Version {
	if v, ok := vs.days[d]; ok {
		return v
	}
	v, _ := vs.e.version(d, vs.today)
	return v
}

// autoApproval: the version of every day approves at once.
func (vs dayVersions) autoApproval() bool {
	for _, v := range vs.days {
		if !v.Policy.AutoApproval {
			return false
		}
	}
	return len(vs.days) > 0
}

// travelOrder: the version of some day treats home telework as a trip.
func (vs dayVersions) travelOrder() bool {
	for _, v := range vs.days {
		if v.Policy.TravelOrder {
			return true
		}
	}
	return false
}

// capWindow is the span whose other applications the caps count: the
// weeks and months of the first and last day.
func capWindow(days []calendar.Date) (calendar.Date, calendar.Date) {
	first, last := days[0], days[0]
	for _, d := range days {
		if d.Before(first) {
			first = d
		}
		if last.Before(d) {
			last = d
		}
	}
	from := calendar.Date{Year: first.Year, Month: first.Month, Day: 1}.AddDays(-7)
	to := calendar.Date{Year: last.Year, Month: last.Month, Day: 1}.AddDays(40)
	return from, to
}

// evaluate checks app (on its active days) at stage as of now, with the
// person's other applications read in tx, and adds the plan checker's
// findings (read by withPlan), the missing plan at submission and the days
// on a personal device without an approved registration.
func (s *Service) evaluate(ctx context.Context, tx checkReader, tenantID int64, e *env, app policy.Application,
	stage policy.Stage, now time.Time) ([]policy.Finding, dayVersions, error) {
	if len(app.Dates) == 0 {
		return nil, dayVersions{}, apperr.New(apperr.Conflict, "apply.state.cancelled")
	}
	ver, err := e.versions(app.Dates, calendar.DateOf(now))
	if err != nil {
		return nil, ver, err
	}
	from, to := capWindow(app.Dates)
	others, err := tx.FindStaffTelework(ctx, tenantID, e.staff.ID, from, to)
	if err != nil {
		return nil, ver, err
	}
	fs := policy.EvaluateByDay(policy.Input{Calendar: e.cal, Person: e.person, App: app,
		Others: others, Stage: stage, Now: now, Overrides: e.overrides}, func(d calendar.Date) (int64, policy.Policy) {
		v := ver.on(d)
		return v.ID, v.Policy
	})
	if e.staff.Retired {
		fs = append(fs, policy.Finding{Rule: "apply.retired", Severity: policy.Error, Key: "apply.retired"})
	}
	if stage == policy.AtSubmit && app.NoPlan {
		// The approver decides on what is planned (何をどこまで): a
		// submission without it is told so and goes to the approver with
		// this warning, never past them (a warning stops auto-approval).
		// It does not block: a heavy procedure kills telework, and the
		// approver may know the plan from the day's talk (松本市: 事前に
		// メールで予定を報告) or return the application for it.
		fs = append(fs, policy.Finding{Rule: "plan.required", Severity: policy.Warning, Key: "apply.plan_missing"})
	}
	byod, err := personalDeviceFindings(ctx, tx, tenantID, e.staff.ID, app)
	if err != nil {
		return nil, ver, err
	}
	fs = append(fs, byod...)
	fs = append(fs, e.planFs...)
	return fs, ver, nil
}

// personalDeviceFindings refuses each day of app on a personal device
// (私用端末) for which the person has no registration approved by IT and
// unexpired on that day (issue 14: registered on request and approved
// before use). A registration is of the person's own device, whatever its
// kind, so any usable one admits every personal device type.
func personalDeviceFindings(ctx context.Context, r PersonalDeviceReader, tenantID, staffID int64,
	app policy.Application) ([]policy.Finding, error) {
	if !slices.ContainsFunc(app.Devices, func(d string) bool { return slices.Contains(policy.PersonalDeviceTypes, d) }) {
		return nil, nil
	}
	regs, err := r.FindPersonalDeviceRegistrations(ctx, tenantID, staffID)
	if err != nil {
		return nil, err
	}
	var out []policy.Finding
	for _, d := range app.Dates {
		if !slices.ContainsFunc(regs, func(p PersonalDevice) bool { return p.UsableOn(d) }) {
			out = append(out, policy.Finding{Rule: "devices.personal_unregistered", Severity: policy.Error, Date: d,
				Key: "apply.personal_device_unregistered"})
		}
	}
	return out, nil
}

// hasWarnings reports a finding that asks the approver to decide.
func hasWarnings(fs []policy.Finding) bool {
	return slices.ContainsFunc(fs, func(f policy.Finding) bool { return f.Severity == policy.Warning })
}

// reportDue is the last day of the report of day d under the policy's
// report rule (zero: no report, or no deadline: 翌日以降, 実施後).
func reportDue(r policy.Report, cal policy.BusinessCalendar, d calendar.Date) calendar.Date {
	if !r.Required || r.Timing != "" {
		return calendar.Date{}
	}
	if r.DueDays == 0 {
		return d
	}
	return cal.AddBusinessDays(d, r.DueDays)
}
