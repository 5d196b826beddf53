package presence

import (
	"context"
	"slices"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/worktime"
)

// boardPeople is whom unit unitID's board shows (0: the caller's unit),
// for a caller who may see it: anyone in the unit, above it or below it,
// and HR; the tenant's units with them.
func (s *Service) boardPeople(ctx context.Context, tenantID int64, who *auth.Principal, unitID int64) ([]*org.Unit, []*org.Staff, error) {
	if who == nil {
		return nil, nil, apperr.Forbid()
	}
	if unitID == 0 {
		unitID = who.UnitID
	}
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	tr := org.NewTree(units)
	if !slices.ContainsFunc(units, func(u *org.Unit) bool { return u.ID == unitID }) {
		return nil, nil, apperr.NotFoundErr("unit")
	}
	if !who.Has(auth.HRAdmin) && (who.UnitID == 0 || !tr.IsWithin(unitID, who.UnitID) && !tr.IsWithin(who.UnitID, unitID)) {
		return nil, nil, apperr.Forbid()
	}
	people, _, err := s.st.FindStaff(ctx, tenantID, org.StaffFilter{UnitID: unitID, Limit: MaxBoard})
	return units, people, err
}

// BoardMembers is the set of people unit unitID's board shows, for a
// caller who may see it (Board's rule): an open board's stream passes on
// their changes only, not the whole tenant's (a review found every board
// reloading on any change anywhere, and the stream open on units whose
// board the caller may not see).
func (s *Service) BoardMembers(ctx context.Context, tenantID int64, who *auth.Principal, unitID int64) (map[int64]bool, error) {
	_, people, err := s.boardPeople(ctx, tenantID, who, unitID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(people))
	for _, p := range people {
		out[p.ID] = true
	}
	return out, nil
}

// BoardRow is one person on the team board.
type BoardRow struct {
	StaffID  int64
	Name     string
	UnitID   int64
	UnitName string
	Status   Status // as of now
	Note     string
	Until    time.Time
	// Place is where they work today: the start report's place, else the
	// presence's, with the mode of the day.
	Place string
	Mode  string
	// Planned: Mode and Place are today's approved application's, the
	// person not started yet (「今日だれがどこで」 before the start report).
	Planned bool
	State   worktime.State
	// Plan and Result are today's one-line plan and result when the
	// viewer may see them (Sharing.PlanVisible): their own, a supervisor
	// over them, HR, or the team where the section opts in.
	Plan   string
	Result string
}

// MaxBoard is the most people a board shows.
const MaxBoard = 300

// Board is the team board of unitID (0: the viewer's unit) and the units
// below it: who works where today, who is reachable, today's plans. The
// viewer's own unit, a unit above it or below it (HR: any).
func (s *Service) Board(ctx context.Context, tenantID int64, who *auth.Principal, unitID int64) ([]BoardRow, error) {
	units, people, err := s.boardPeople(ctx, tenantID, who, unitID)
	if err != nil {
		return nil, err
	}
	tr := org.NewTree(units)
	ids := make([]int64, len(people))
	for k, p := range people {
		ids[k] = p.ID
	}
	now := s.now()
	today := calendar.DateOf(now)
	pres, days := map[int64]Presence{}, []worktime.Day(nil)
	if len(ids) > 0 {
		if pres, err = s.st.FindPresence(ctx, tenantID, ids); err != nil {
			return nil, err
		}
		// Yesterday's too: a day still open past midnight is today's.
		if days, err = s.st.FindWorktimeDays(ctx, tenantID, ids, today.AddDays(-1), today); err != nil {
			return nil, err
		}
	}
	name := map[int64]string{}
	for _, u := range units {
		name[u.ID] = u.Name
	}
	planned, err := s.plannedToday(ctx, tenantID, ids, days, now)
	if err != nil {
		return nil, err
	}
	sharing, err := s.st.FindPlanSharingUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	vis := NewSharing(tr, sharing)
	viewer := ViewerOf(who)
	out := make([]BoardRow, len(people))
	for k, p := range people {
		pr, ok := pres[p.ID]
		if !ok {
			pr = Presence{StaffID: p.ID}
		}
		var day *worktime.Day
		if d, ok := worktime.Current(days, p.ID, now); ok {
			day = &d
		}
		pr = Effective(pr, day, now)
		r := BoardRow{StaffID: p.ID, Name: p.Name, UnitID: p.UnitID, UnitName: name[p.UnitID], Status: pr.Status,
			Note: pr.Note, Until: pr.Until, Place: pr.Place, State: worktime.NotStarted}
		if a, ok := planned[p.ID]; ok && day == nil {
			// The place the person set themselves stays (a review).
			r.Mode, r.Planned = string(a.Mode), true
			if r.Place == "" {
				r.Place = a.PlaceName
			}
		}
		if d := day; d != nil {
			r.State, r.Mode = worktime.Working, string(d.Mode)
			if d.Place != "" {
				r.Place = d.Place
			}
			if !d.End.IsZero() {
				r.State = worktime.Finished
			}
			if vis.PlanVisible(viewer, p.ID, p.UnitID) {
				r.Plan, r.Result = d.Plan, d.Result
			}
		}
		out[k] = r
	}
	return out, nil
}

// plannedToday is, for each of ids without a working day now, today's
// approved application (its mode, and the satellite office's name as the
// place: home is told by the mode): the board says where people work
// today from the morning on, not only once they report their start (a
// review found it blank until each start).
func (s *Service) plannedToday(ctx context.Context, tenantID int64, ids []int64, days []worktime.Day, now time.Time) (map[int64]*apply.Application, error) {
	var idle []int64
	for _, id := range ids {
		if _, ok := worktime.Current(days, id, now); !ok {
			idle = append(idle, id)
		}
	}
	out := map[int64]*apply.Application{}
	if len(idle) == 0 {
		return out, nil
	}
	today := calendar.DateOf(now)
	as, err := s.st.FindApplications(ctx, tenantID, apply.Filter{StaffIDs: idle, From: today, To: today,
		DayStatuses: []apply.Status{apply.Approved}, HideDrafts: true})
	if err != nil {
		return nil, err
	}
	for _, a := range as { // each has a day approved today (the filter)
		if _, seen := out[a.StaffID]; !seen {
			out[a.StaffID] = a
		}
	}
	return out, nil
}
