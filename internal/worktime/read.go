package worktime

import (
	"context"
	"slices"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
)

// DayView is a day with its warnings as of now.
type DayView struct {
	Day      Day
	Warnings []Warning
}

// MaxDays is the longest span Days reads.
const MaxDays = 62

// CheckPeriod refuses a period Days does not read: an end before the start,
// or more than MaxDays days after it (a field error on to naming both
// ends and the limit; the period is never narrowed silently).
func CheckPeriod(from, to calendar.Date) error {
	var v apperr.Validation
	calendar.PeriodOrder(&v, "to", from, to)
	if v.Err() == nil && from.AddDays(MaxDays).Before(to) {
		v.Add("to", "worktime.period_too_long", map[string]any{"Max": MaxDays})
	}
	return v.Err()
}

// Days lists a person's days from..to with their warnings: their own
// (staffID 0 or their own id), or, for a supervisor over them, another's
// (NotFound otherwise, as for an id of another tenant).
func (s *Service) Days(ctx context.Context, tenantID int64, who *auth.Principal, staffID int64, from, to calendar.Date) ([]DayView, error) {
	if who == nil || who.StaffID == 0 {
		return nil, apperr.Forbid()
	}
	if staffID == 0 {
		staffID = who.StaffID
	}
	if staffID != who.StaffID {
		st, err := s.st.FindStaffByID(ctx, tenantID, staffID)
		if err != nil {
			return nil, err
		}
		ok, err := s.oversees(ctx, tenantID, who, st)
		if err != nil {
			return nil, err
		}
		if !ok && !who.Has(auth.HRAdmin) {
			return nil, apperr.NotFoundErr("staff")
		}
	}
	if to.IsZero() {
		to = calendar.DateOf(s.now())
	}
	if from.IsZero() {
		from = to.AddDays(-30)
	}
	if err := CheckPeriod(from, to); err != nil {
		return nil, err
	}
	days, err := s.st.FindWorktimeDays(ctx, tenantID, []int64{staffID}, from, to)
	if err != nil {
		return nil, err
	}
	return s.views(ctx, tenantID, days)
}

func (s *Service) views(ctx context.Context, tenantID int64, days []Day) ([]DayView, error) {
	vs, err := s.st.FindPolicyVersions(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var grants map[Grant]string
	if len(days) > 0 {
		var ids []int64
		from, to := days[0].Date, days[0].Date
		for _, d := range days {
			if !slices.Contains(ids, d.StaffID) {
				ids = append(ids, d.StaffID)
			}
			if d.Date.Before(from) {
				from = d.Date
			}
			if to.Before(d.Date) {
				to = d.Date
			}
		}
		if grants, err = s.st.FindOvertimeGrants(ctx, tenantID, ids, from, to); err != nil {
			return nil, err
		}
	}
	out := make([]DayView, len(days))
	for i, d := range days {
		v, _ := PolicyOn(vs, d.Date)
		out[i] = DayView{Day: d, Warnings: warningsOf(v, grants, d, now)}
	}
	return out, nil
}

// State is where a person is in the day.
type State string

const (
	NotStarted State = "not_started" // 未始業
	Working    State = "working"     // 勤務中
	Finished   State = "finished"    // 終業
)

// TeamRow is one person of the supervisor's day view.
type TeamRow struct {
	StaffID  int64
	Name     string
	UnitID   int64
	State    State
	Day      *Day
	Warnings []Warning
	// CanEnter: the viewer oversees the person and may enter their start
	// or end on their behalf (Start, End with staffID). HR views the day
	// of any unit but enters for nobody: a review found 人事 offered
	// buttons that always failed.
	CanEnter bool
}

// MaxTeam is the most people the day view lists.
const MaxTeam = 500

// TeamDay is the supervisor's view of today: everyone of unitID (0: the
// supervisor's own unit) and below, who started, who has not, who finished
// and the open warnings. Supervisors over the unit and HR only.
func (s *Service) TeamDay(ctx context.Context, tenantID int64, who *auth.Principal, unitID int64) ([]TeamRow, error) {
	if who == nil {
		return nil, apperr.Forbid()
	}
	if unitID == 0 {
		unitID = who.UnitID
	}
	// The supervisor's tree: whom they oversee, whose start or end they
	// may enter on their behalf (HR views any unit, enters for nobody).
	var tree *org.Tree
	if who.Has(auth.Supervisor) && who.UnitID != 0 {
		units, err := s.st.FindUnits(ctx, tenantID)
		if err != nil {
			return nil, err
		}
		tree = org.NewTree(units)
	}
	if !who.Has(auth.HRAdmin) && (tree == nil || !tree.IsWithin(unitID, who.UnitID)) {
		return nil, apperr.Forbid()
	}
	people, _, err := s.st.FindStaff(ctx, tenantID, org.StaffFilter{UnitID: unitID, Limit: MaxTeam})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	today := calendar.DateOf(s.now())
	var days []Day
	if len(ids) > 0 {
		// Yesterday's too: a day still open past midnight is today's row.
		all, err := s.st.FindWorktimeDays(ctx, tenantID, ids, today.AddDays(-1), today)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if d, ok := Current(all, id, s.now()); ok {
				days = append(days, d)
			}
		}
	}
	views, err := s.views(ctx, tenantID, days)
	if err != nil {
		return nil, err
	}
	out := make([]TeamRow, len(people))
	for i, p := range people {
		r := TeamRow{StaffID: p.ID, Name: p.Name, UnitID: p.UnitID, State: NotStarted,
			CanEnter: tree != nil && tree.IsWithin(p.UnitID, who.UnitID)}
		if j := slices.IndexFunc(views, func(v DayView) bool { return v.Day.StaffID == p.ID }); j >= 0 {
			r.Day, r.Warnings, r.State = &views[j].Day, views[j].Warnings, Working
			if !views[j].Day.End.IsZero() {
				r.State = Finished
			}
		}
		out[i] = r
	}
	return out, nil
}
