package apply

import (
	"context"
	"slices"
	"testing"

	"telework/internal/org"
	"telework/internal/policy"
)

// placesChecked records where the plan was checked.
type placesChecked struct{ got []string }

func (p *placesChecked) CheckPlan(_ context.Context, _, _ int64, _ []int64, mode policy.Mode, place string) ([]policy.Finding, error) {
	p.got = append(p.got, string(mode)+":"+place)
	return []policy.Finding{{Rule: "tasks.feasibility", Severity: policy.Warning, Key: "tasks.plan.missing", Args: map[string]any{"ID": 1}}}, nil
}

func (p *placesChecked) UnknownTasks(context.Context, int64, int64, []int64) ([]int64, error) {
	return nil, nil
}

// TestPlanCheckedWhereTheDayIsWorked: the planned tasks are checked at the
// application's place and at each telework segment's (an afternoon at
// home is checked as home, not only the morning's satellite office), each
// place once, the office segment not at all, and one finding told once.
func TestPlanCheckedWhereTheDayIsWorked(t *testing.T) {
	pc := &placesChecked{}
	s := &Service{plan: pc}
	e := &env{staff: &org.Staff{UnitID: 7}}
	segs := []Segment{
		{Mode: policy.Satellite, Place: policy.PlaceSatellite, PlaceName: "東部支所", Start: "09:00", End: "12:00"},
		{Mode: ModeOffice, Start: "12:00", End: "13:00"},
		{Mode: policy.Home, Place: policy.PlaceHome, Start: "13:00", End: "17:00"},
		{Mode: policy.Satellite, Place: policy.PlaceSatellite, PlaceName: "東部支所", Start: "17:00", End: "18:00"},
	}
	if err := s.withPlan(context.Background(), 1, e, []int64{1}, policy.Satellite, "東部支所", segs); err != nil {
		t.Fatal(err)
	}
	if want := []string{"satellite:東部支所", "home:home"}; !slices.Equal(pc.got, want) {
		t.Errorf("checked at %q, want %q", pc.got, want)
	}
	if len(e.planFs) != 1 {
		t.Errorf("the same finding told %d times", len(e.planFs))
	}
}
