package tasks

import (
	"fmt"
	"slices"

	"telework/internal/apperr"
)

// MaxRateTasks bounds one stateless rating request.
const MaxRateTasks = 20000

// reservedPlaceIDs are the members of a rated task in the API's answer
// besides the place ids.
var reservedPlaceIDs = []string{"home", "mobile", "id", "name", "level", "level_label", "targets"}

// Validate checks the input of a rating, naming each field as the JSON
// spells it (systems[0].segment); an empty paper is "none" and an empty
// system or place name is its id.
func (in *Input) Validate() error {
	var v apperr.Validation
	choice := func(field string, ok bool) {
		if !ok {
			v.Add(field, "field.choice", nil)
		}
	}
	for i, d := range in.Tenant.Devices {
		choice(fmt.Sprintf("tenant.devices[%d]", i), slices.Contains(Devices, d))
	}
	sysIDs := map[string]bool{}
	for i := range in.Systems {
		s := &in.Systems[i]
		f := fmt.Sprintf("systems[%d].", i)
		switch {
		case s.ID == "":
			v.Add(f+"id", "field.required", nil)
		case sysIDs[s.ID]:
			v.Add(f+"id", "tasks.field.duplicate_id", map[string]any{"ID": s.ID})
		}
		sysIDs[s.ID] = true
		if s.Name == "" {
			s.Name = s.ID
		}
		choice(f+"segment", slices.Contains(Segments, s.Segment))
		for j, c := range s.DataClasses {
			choice(fmt.Sprintf("%sdata_classes[%d]", f, j), slices.Contains(DataClasses, c))
		}
		for j, r := range s.Routes {
			choice(fmt.Sprintf("%sroutes[%d]", f, j), slices.Contains(Routes, r))
		}
	}
	placeIDs := map[string]bool{}
	for i := range in.Places {
		p := &in.Places[i]
		f := fmt.Sprintf("places[%d].", i)
		switch {
		case p.ID == "":
			v.Add(f+"id", "field.required", nil)
		case slices.Contains(reservedPlaceIDs, p.ID):
			v.Add(f+"id", "tasks.field.reserved_place_id", map[string]any{"ID": p.ID})
		case placeIDs[p.ID]:
			v.Add(f+"id", "tasks.field.duplicate_id", map[string]any{"ID": p.ID})
		}
		placeIDs[p.ID] = true
		if p.Name == "" {
			p.Name = p.ID
		}
		choice(f+"kind", slices.Contains(PlaceKinds, p.Kind))
		choice(f+"network", slices.Contains(Networks, p.Network))
	}
	if len(in.Tasks) > MaxRateTasks {
		v.Add("tasks", "tasks.field.too_many", map[string]any{"Max": MaxRateTasks})
		return v.Err()
	}
	taskIDs := map[string]bool{}
	for i := range in.Tasks {
		t := &in.Tasks[i]
		f := fmt.Sprintf("tasks[%d].", i)
		switch {
		case t.ID == "":
			v.Add(f+"id", "field.required", nil)
		case taskIDs[t.ID]:
			v.Add(f+"id", "tasks.field.duplicate_id", map[string]any{"ID": t.ID})
		}
		taskIDs[t.ID] = true
		if t.Paper == "" {
			t.Paper = PaperNone
		}
		choice(f+"paper", slices.Contains(Papers, t.Paper))
		for j, id := range t.Systems {
			if !sysIDs[id] {
				v.Add(fmt.Sprintf("%ssystems[%d]", f, j), "tasks.field.unknown_system", map[string]any{"ID": id})
			}
		}
		if t.Hours < 0 {
			v.Add(f+"hours_per_year", "field.range", map[string]any{"Min": 0, "Max": 8760})
		}
	}
	return v.Err()
}
