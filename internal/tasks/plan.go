package tasks

import (
	"context"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/org"
	"telework/internal/policy"
)

// PlanTask is one task of the inventory as the application pages show it:
// picked on the form, named on the application and in the inbox.
type PlanTask struct {
	ID      int64
	UnitID  int64
	Name    string
	Content string
	Missing bool // no longer on the inventory (deleted since it was picked)
}

// PlanChoices are the tasks a person may pick as planned work on an
// application: the approved tasks of the sheets of their unit and of the
// units above it (their section), in sheet order, nearest unit first.
// Proposed tasks are left out: the 所属長 has not taken them on the sheet.
// A person without a unit has none.
func (s *Service) PlanChoices(ctx context.Context, tenantID int64, who *auth.Principal) ([]PlanTask, error) {
	if who.UnitID == 0 {
		return nil, nil
	}
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	tr := org.NewTree(units)
	var out []PlanTask
	for u := tr.Unit(who.UnitID); u != nil; u = tr.Unit(u.ParentID) {
		ts, err := s.st.FindSheetTasks(ctx, tenantID, u.ID)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if t.Status == Approved {
				out = append(out, PlanTask{ID: t.ID, UnitID: t.UnitID, Name: t.Name, Content: t.Content})
			}
		}
		if u.ParentID == 0 || u.ParentID == u.ID {
			break
		}
	}
	return out, nil
}

// PlanTasks names the tasks an application of a person of unitID lists,
// in its order. Whoever may see the application may see the names of its
// planned tasks — those on the sheets of the applicant's unit and the
// units above it, which the applicant reads; any other (a task deleted
// since, or one of another section, which an application must not reveal)
// is marked Missing.
func (s *Service) PlanTasks(ctx context.Context, tenantID, unitID int64, ids []int64) ([]PlanTask, error) {
	out := make([]PlanTask, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	tr := org.NewTree(units)
	for _, id := range ids {
		t, err := s.st.FindSheetTask(ctx, tenantID, id)
		switch {
		case apperr.CodeOf(err) == apperr.NotFound, err == nil && !tr.IsWithin(unitID, t.UnitID):
			out = append(out, PlanTask{ID: id, Missing: true})
		case err != nil:
			return nil, err
		default:
			out = append(out, PlanTask{ID: t.ID, UnitID: t.UnitID, Name: t.Name, Content: t.Content})
		}
	}
	return out, nil
}

// UnknownTasks lists the ids among ids that PlanTasks marks Missing: not
// on a sheet of unitID or a unit above it (deleted, never there, or
// another section's — alike, so that the answer reveals no id).
func (s *Service) UnknownTasks(ctx context.Context, tenantID, unitID int64, ids []int64) ([]int64, error) {
	ts, err := s.PlanTasks(ctx, tenantID, unitID, ids)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, t := range ts {
		if t.Missing {
			out = append(out, t.ID)
		}
	}
	return out, nil
}

// planPlaceCode maps the application's place codes to the inventory's
// targets: 自宅同等の場所 is rated as home, 外出先 as mobile; a satellite
// office is named by the application's place name.
func planPlaceCode(mode policy.Mode, place string) (policy.Mode, string) {
	switch place {
	case policy.PlaceHomeEquivalent:
		return mode, "home"
	case policy.PlaceMobile:
		return policy.Mobile, ""
	}
	return mode, place
}

// missingTask is the finding for a planned task no longer on the
// inventory: a warning (the approver decides), not an error that would
// block the approval of an application picked before the deletion.
func missingTask(id int64) policy.Finding {
	return policy.Finding{Rule: "tasks.feasibility", Severity: policy.Warning, Key: "tasks.plan.missing", Args: map[string]any{"ID": id}}
}
