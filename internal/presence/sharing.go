package presence

import (
	"context"
	"slices"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/org"
)

// Plan sharing (見える化): the day's one-line plan and result are shared
// with the supervisor, and with the team only where the section opts in.
// Every place that shows them (the board, its API, the section's
// iCalendar feed) asks Sharing.PlanVisible.

// Tx is what the audited changes of the plan sharing and of a person's
// automatic 退席中 write.
type Tx interface {
	// SetPlanSharing turns a unit's sharing on or off and reports whether
	// that changed anything.
	SetPlanSharing(ctx context.Context, tenantID, unitID int64, on bool) (bool, error)
	// SaveAutoAway keeps the person's choice of automatic 退席中 and
	// reports whether the stored choice changed.
	SaveAutoAway(ctx context.Context, tenantID, staffID int64, on bool) (bool, error)
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Sharing is the tenant's opt-ins as read once, over its unit tree.
type Sharing struct {
	tree *org.Tree
	on   map[int64]bool
}

// NewSharing is the sharing of the units that opted in (their subtrees
// share too).
func NewSharing(tr *org.Tree, units []int64) Sharing {
	on := map[int64]bool{}
	for _, id := range units {
		on[id] = true
	}
	return Sharing{tree: tr, on: on}
}

// Shares reports whether unitID or a unit above it opted in.
func (s Sharing) Shares(unitID int64) bool {
	for id := range s.on {
		if s.tree.IsWithin(unitID, id) {
			return true
		}
	}
	return false
}

// Viewer is who looks at someone's plan: a person with their unit, whether
// they head it (supervisor) and whether they are HR.
type Viewer struct {
	StaffID, UnitID int64
	Supervisor, HR  bool
}

// ViewerOf is the signed-in person as a viewer.
func ViewerOf(who *auth.Principal) Viewer {
	if who == nil {
		return Viewer{}
	}
	return Viewer{StaffID: who.StaffID, UnitID: who.UnitID, Supervisor: who.Has(auth.Supervisor), HR: who.Has(auth.HRAdmin)}
}

// PlanVisible reports whether v may see the plan and result of the person
// staffID of unitID: their own, a supervisor whose unit holds the person's,
// HR, or a member of the same section where that section opted in — the
// team, not the whole tenant: a viewer outside the opted-in section (a
// sibling section on the parent's board, a retired or moved feed owner)
// does not see them.
func (s Sharing) PlanVisible(v Viewer, staffID, unitID int64) bool {
	switch {
	case v.StaffID != 0 && v.StaffID == staffID, v.HR:
		return true
	case v.Supervisor && v.UnitID != 0 && s.tree.IsWithin(unitID, v.UnitID):
		return true
	}
	return v.UnitID != 0 && s.sharedBetween(unitID, v.UnitID)
}

// sharedBetween reports whether an opted-in unit holds both units.
func (s Sharing) sharedBetween(a, b int64) bool {
	for id := range s.on {
		if s.tree.IsWithin(a, id) && s.tree.IsWithin(b, id) {
			return true
		}
	}
	return false
}

// PlanSharingState is a unit's setting: its own opt-in, and whether a unit
// above it shares (which includes it whatever its own setting).
type PlanSharingState struct {
	UnitID    int64
	Enabled   bool
	Inherited bool
	// CanChange: the viewer may turn it on or off.
	CanChange bool
}

func (s *Service) sharingOf(ctx context.Context, tenantID int64, who *auth.Principal, unitID int64) (*org.Tree, PlanSharingState, error) {
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, PlanSharingState{}, err
	}
	if !slices.ContainsFunc(units, func(u *org.Unit) bool { return u.ID == unitID }) {
		return nil, PlanSharingState{}, apperr.NotFoundErr("unit")
	}
	tr := org.NewTree(units)
	ids, err := s.st.FindPlanSharingUnits(ctx, tenantID)
	if err != nil {
		return nil, PlanSharingState{}, err
	}
	st := PlanSharingState{UnitID: unitID, Enabled: slices.Contains(ids, unitID),
		CanChange: who.Has(auth.HRAdmin) || who.Has(auth.Supervisor) && who.UnitID != 0 && tr.IsWithin(unitID, who.UnitID)}
	if u := tr.Unit(unitID); u != nil && u.ParentID != 0 {
		st.Inherited = NewSharing(tr, ids).Shares(u.ParentID)
	}
	return tr, st, nil
}

// PlanSharing reads a unit's plan sharing (anyone of the tenant: people
// should know whether their plans reach the team).
func (s *Service) PlanSharing(ctx context.Context, tenantID int64, who *auth.Principal, unitID int64) (PlanSharingState, error) {
	if who == nil {
		return PlanSharingState{}, apperr.Forbid()
	}
	_, st, err := s.sharingOf(ctx, tenantID, who, unitID)
	return st, err
}

// SetPlanSharing turns on or off the sharing of the day's plans and
// results with the team of unitID and below (見える化): the head of the
// unit (a supervisor over it) or HR, audited with before and after.
func (s *Service) SetPlanSharing(ctx context.Context, tenantID int64, who *auth.Principal, unitID int64, on bool) (PlanSharingState, error) {
	if who == nil || who.ReadOnly {
		return PlanSharingState{}, apperr.Forbid()
	}
	_, st, err := s.sharingOf(ctx, tenantID, who, unitID)
	if err != nil {
		return PlanSharingState{}, err
	}
	if !st.CanChange {
		return PlanSharingState{}, apperr.Forbid()
	}
	before := st.Enabled
	err = s.st.InPresenceTx(ctx, func(tx Tx) error {
		changed, err := tx.SetPlanSharing(ctx, tenantID, unitID, on)
		if err != nil || !changed {
			return err
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "presence.plan_sharing", ObjectType: "unit",
			ObjectID: strconv.FormatInt(unitID, 10), Before: map[string]any{"plan_sharing": before},
			After: map[string]any{"plan_sharing": on}})
	})
	if err != nil {
		return PlanSharingState{}, err
	}
	st.Enabled = on
	return st, nil
}
