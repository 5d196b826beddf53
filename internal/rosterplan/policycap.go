package rosterplan

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
)

// PolicyStore reads the rules in force (implemented by internal/store):
// the policy versions and the emergencies whose overrides apply on top.
type PolicyStore interface {
	FindPolicyVersions(ctx context.Context, tenantID int64) ([]policy.Version, error)
	FindPolicyOverrides(ctx context.Context, tenantID int64, from, to calendar.Date) ([]policy.Override, error)
}

// capRules is the weekly telework cap in force, day by day, the way the
// policy engine reads it (internal/policy: the version in force that day,
// the latest emergency covering the person's unit applied on top, the unit
// rules of the unit and those above it, the stricter cap winning).
type capRules struct {
	versions  []policy.Version
	overrides []policy.Override
	tree      *org.Tree
}

func (s *Service) capRules(ctx context.Context, tenantID int64, tr *org.Tree, from, to calendar.Date) (*capRules, error) {
	vs, err := s.st.FindPolicyVersions(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	ovs, err := s.st.FindPolicyOverrides(ctx, tenantID, from, to)
	if err != nil {
		return nil, err
	}
	return &capRules{versions: vs, overrides: ovs, tree: tr}, nil
}

// codes are the unit's code and those of the units above it.
func (cr *capRules) codes(unitID int64) []string {
	var out []string
	for id := unitID; id != 0; {
		u := cr.tree.Unit(id)
		if u == nil || slices.Contains(out, u.Code) {
			break
		}
		out = append(out, u.Code)
		id = u.ParentID
	}
	return out
}

// weekly is the cap on day d for a person of the unit with codes (0: none).
func (cr *capRules) weekly(d calendar.Date, codes []string) int {
	v, ok := policy.InForce(cr.versions, d)
	if !ok {
		return 0
	}
	p := v.Policy
	k := -1
	for i, o := range cr.overrides {
		if o.Covers(d, codes) && (k < 0 || o.ID > cr.overrides[k].ID) {
			k = i
		}
	}
	if k >= 0 {
		p = cr.overrides[k].Rules.Apply(p)
	}
	c := p.Caps.WeeklyMaxDays
	for _, ur := range p.UnitRules {
		if slices.Contains(codes, ur.UnitCode) && ur.WeeklyMaxDays > 0 && (c == 0 || ur.WeeklyMaxDays < c) {
			c = ur.WeeklyMaxDays
		}
	}
	return c
}

// strictest is the lowest cap in force on any of days for the unit (0:
// none on any day): the one number an instance's maxTelePerWeek holds.
func (cr *capRules) strictest(unitID int64, days []calendar.Date) int {
	codes := cr.codes(unitID)
	out := 0
	for _, d := range days {
		if c := cr.weekly(d, codes); c > 0 && (out == 0 || c < out) {
			out = c
		}
	}
	return out
}

// isoWeek names the ISO week of d (2026-W50).
func isoWeek(d calendar.Date) string {
	y, w := d.Time().ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// checkWeeklyCaps refuses telework days that break the weekly cap in force
// for the person (with an emergency's overrides while it lasts): every
// person-week over it is named, in Japanese, with the cap and the count.
// tele maps a person to their TELE days; unitOf and label name them.
func (cr *capRules) checkWeeklyCaps(tele map[int64][]calendar.Date, unitOf map[int64]int64, label map[int64]string) error {
	var v apperr.Validation
	for _, id := range slices.Sorted(maps.Keys(tele)) {
		codes := cr.codes(unitOf[id])
		type week struct {
			n, cap int
			first  calendar.Date
		}
		weeks := map[string]*week{}
		var order []string
		for _, d := range tele[id] {
			key := isoWeek(d)
			w, ok := weeks[key]
			if !ok {
				w = &week{first: d}
				weeks[key] = w
				order = append(order, key)
			}
			w.n++
			if c := cr.weekly(d, codes); c > 0 && (w.cap == 0 || c < w.cap) {
				w.cap = c
			}
		}
		slices.Sort(order)
		for _, key := range order {
			if w := weeks[key]; w.cap > 0 && w.n > w.cap {
				v.Add("assignments", "rosterplan.weekly_cap", map[string]any{"Name": label[id], "Week": key,
					"Day": w.first.String(), "Cap": w.cap, "Count": w.n})
			}
		}
	}
	return v.Err()
}
