package rosterplan

import (
	"context"
	"fmt"
	"slices"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/roster"
)

// Publication is a published roster.
type Publication struct {
	ID          int64
	UnitID      int64
	From, To    calendar.Date
	Days        []string            // the roster's business days
	Assignments map[string][]string // staff no → mode per day
	Apps        []int64             // applications created by it (and kept by later ones)
	PublishedAt time.Time
	PublishedBy string
	// Violations are the constraints the published plan breaks (a plan
	// edited by hand, or an infeasible roster), said back to HR; not stored.
	Violations []roster.Violation
}

// PublicationStore reads and writes publications (implemented by
// internal/store on *DB and *Tx).
type PublicationStore interface {
	// FindLatestRosterPublication returns the latest publication of the
	// unit whose period meets from..to (nil when none).
	FindLatestRosterPublication(ctx context.Context, tenantID, unitID int64, from, to calendar.Date) (*Publication, error)
}

// PublicationTx writes one.
type PublicationTx interface {
	InsertRosterPublication(ctx context.Context, tenantID int64, p *Publication) error
	// PriorRosterApps lists the applications of every earlier
	// publication of the unit meeting from..to, under the unit's
	// publication lock, for the transaction that publishes.
	PriorRosterApps(ctx context.Context, tenantID, unitID int64, from, to calendar.Date) ([]int64, error)
}

// SetPublisher gives the service the application lifecycle (wiring).
func (s *Service) SetPublisher(p Publisher) { s.pub = p }

// Publisher is the application lifecycle's publication (apply.Service).
type Publisher interface {
	PublishRoster(ctx context.Context, tenantID int64, who *auth.Principal, in apply.RosterPublish, also func(apply.Tx, apply.RosterResult) error) (apply.RosterResult, error)
}

// Publish publishes the plan of a section's roster (HR only): in one
// transaction the telework days become approved applications, the days an
// earlier publication of the unit had and this plan drops are cancelled,
// and the publication is recorded (apply.Service.PublishRoster, audited
// there). The plan must give every person of the instance one mode per day
// and keep the leave days LEAVE.
func (s *Service) Publish(ctx context.Context, tenantID int64, who *auth.Principal, unitID int64,
	inst *roster.Instance, assignments map[string][]string) (*Publication, apply.RosterResult, error) {
	var res apply.RosterResult
	if !who.Has(auth.HRAdmin) {
		return nil, res, apperr.Forbid()
	}
	if s.pub == nil {
		return nil, res, fmt.Errorf("rosterplan: no publisher (SetPublisher)")
	}
	if inst == nil || len(inst.Days) == 0 {
		var v apperr.Validation
		v.Add("instance", "field.required", nil)
		return nil, res, v.Err()
	}
	if err := CheckAssignments(inst, assignments); err != nil {
		return nil, res, err
	}
	// Publishing is HR's decision, a plan that leaves the counter short
	// included; but it is said, not published in silence.
	checked, err := roster.Evaluate(inst, assignments)
	if err != nil {
		var v apperr.Validation
		v.Add("instance", "rosterplan.malformed", map[string]any{"Detail": err.Error()})
		return nil, res, v.Err()
	}
	from, err := calendar.ParseDate(inst.Days[0])
	if err != nil {
		return nil, res, err
	}
	to, _ := calendar.ParseDate(inst.Days[len(inst.Days)-1])
	staff, _, err := s.st.FindStaff(ctx, tenantID, org.StaffFilter{UnitID: unitID, Limit: 1000, ByID: true})
	if err != nil {
		return nil, res, err
	}
	byNo := map[string]int64{}
	for _, st := range staff {
		byNo[st.StaffNo] = st.ID
	}
	in := apply.RosterPublish{Days: map[int64][]calendar.Date{}, Note: fmt.Sprintf("ローテーション表 %s %s〜%s", inst.Section, from, to), From: from, To: to}
	unitOf, label := map[int64]int64{}, map[int64]string{}
	for _, st := range staff {
		unitOf[st.ID], label[st.ID] = st.UnitID, fmt.Sprintf("%s(%s)", st.Name, st.StaffNo)
	}
	for no, modes := range assignments {
		id, ok := byNo[no]
		if !ok {
			var v apperr.Validation
			v.Add("assignments", "rosterplan.unknown_staff", map[string]any{"StaffNo": no})
			return nil, res, v.Err()
		}
		in.Days[id] = nil
		for i, m := range modes {
			if m == roster.Tele {
				d, _ := calendar.ParseDate(inst.Days[i])
				in.Days[id] = append(in.Days[id], d)
			}
		}
	}
	// The approved applications it creates keep the rules in force: a
	// person-week over the weekly cap (an emergency's included, while it
	// lasts) is refused, each named. It used to approve them all, with
	// violations [] (the instance's own cap was none).
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, res, err
	}
	cr, err := s.capRules(ctx, tenantID, org.NewTree(units), from, to)
	if err != nil {
		return nil, res, err
	}
	if err := cr.checkWeeklyCaps(in.Days, unitOf, label); err != nil {
		return nil, res, err
	}
	// The earlier publications are read in the publishing transaction,
	// under the unit's lock: read before it, two publishes at once both
	// found none and each approved every day again.
	in.Prior = func(tx apply.Tx) ([]int64, error) {
		ptx, ok := tx.(PublicationTx)
		if !ok {
			return nil, fmt.Errorf("rosterplan: the application transaction cannot read publications")
		}
		return ptx.PriorRosterApps(ctx, tenantID, unitID, from, to)
	}
	p := &Publication{UnitID: unitID, From: from, To: to, Days: slices.Clone(inst.Days), Assignments: assignments,
		PublishedAt: s.now(), PublishedBy: auth.ActorOf(who).Label, Violations: checked.Violations}
	res, err = s.pub.PublishRoster(ctx, tenantID, who, in, func(tx apply.Tx, r apply.RosterResult) error {
		ptx, ok := tx.(PublicationTx)
		if !ok {
			return fmt.Errorf("rosterplan: the application transaction cannot record a publication")
		}
		p.Apps = append(slices.Clone(r.Created), r.Kept...)
		return ptx.InsertRosterPublication(ctx, tenantID, p)
	})
	if err != nil {
		return nil, res, err
	}
	return p, res, nil
}

// CheckAssignments refuses a plan that does not give every person of the
// instance exactly one known mode per day, or moves a leave day.
func CheckAssignments(inst *roster.Instance, a map[string][]string) error {
	var v apperr.Validation
	for _, st := range inst.Staff {
		modes, ok := a[st.ID]
		if !ok || len(modes) != len(inst.Days) {
			v.Add("assignments", "rosterplan.plan_shape", map[string]any{"StaffNo": st.ID})
			return v.Err()
		}
		for i, m := range modes {
			leave := slices.Contains(inst.Leave[st.ID], inst.Days[i])
			key := ""
			switch {
			case m != roster.Onsite && m != roster.Tele && m != roster.Leave, leave && m != roster.Leave:
				key = "rosterplan.plan_mode"
			case m == roster.Leave && !leave:
				key = "rosterplan.plan_not_leave"
			}
			if key != "" {
				v.Add("assignments", key, map[string]any{"StaffNo": st.ID, "Day": inst.Days[i]})
				return v.Err()
			}
		}
	}
	if len(a) != len(inst.Staff) {
		v.Add("assignments", "rosterplan.plan_shape", map[string]any{"StaffNo": ""})
	}
	return v.Err()
}
