package schedule

import (
	"context"

	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/presence"
	"telework/internal/worktime"
)

// The day's one-line plan and result on the feed (見える化): shown where
// the feed's owner may see them (presence.Sharing.PlanVisible): their own,
// their people's when they head the section, and their colleagues' only
// where the section opted in to sharing plans with the team.

// PlanReads is what the feed reads to add the plans and results.
type PlanReads interface {
	FindStaffByID(ctx context.Context, tenantID, id int64) (*org.Staff, error)
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
	FindPlanSharingUnits(ctx context.Context, tenantID int64) ([]int64, error)
	FindWorktimeDays(ctx context.Context, tenantID int64, staffIDs []int64, from, to calendar.Date) ([]worktime.Day, error)
}

// withPlans fills the plan and result of the entries the feed's owner may
// see.
func (s *Service) withPlans(ctx context.Context, f *Feed, es []Entry, from, to calendar.Date) error {
	if len(es) == 0 {
		return nil
	}
	owner, err := s.st.FindStaffByID(ctx, f.TenantID, f.OwnerStaffID)
	if err != nil {
		return err
	}
	units, err := s.st.FindUnits(ctx, f.TenantID)
	if err != nil {
		return err
	}
	shared, err := s.st.FindPlanSharingUnits(ctx, f.TenantID)
	if err != nil {
		return err
	}
	vis := presence.NewSharing(org.NewTree(units), shared)
	viewer := presence.Viewer{StaffID: owner.ID, UnitID: owner.UnitID, Supervisor: owner.IsSupervisor && !owner.Retired}
	if owner.Retired {
		viewer = presence.Viewer{}
	}
	unitOf := map[int64]int64{}
	var ids []int64
	for _, e := range es {
		if _, ok := unitOf[e.StaffID]; ok {
			continue
		}
		st, err := s.st.FindStaffByID(ctx, f.TenantID, e.StaffID)
		if err != nil {
			return err
		}
		unitOf[e.StaffID] = st.UnitID
		if vis.PlanVisible(viewer, st.ID, st.UnitID) {
			ids = append(ids, st.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	days, err := s.st.FindWorktimeDays(ctx, f.TenantID, ids, from, to)
	if err != nil {
		return err
	}
	type key struct {
		staff int64
		date  calendar.Date
	}
	byDay := map[key]worktime.Day{}
	for _, d := range days {
		byDay[key{d.StaffID, d.Date}] = d
	}
	for i, e := range es {
		if d, ok := byDay[key{e.StaffID, e.Date}]; ok {
			es[i].Plan, es[i].Result = d.Plan, d.Result
		}
	}
	return nil
}
