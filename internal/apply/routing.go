package apply

import (
	"slices"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/org"
)

// Head is a 所属長・係長: a staff member marked as the head of a unit.
type Head struct {
	StaffID int64
	UnitID  int64
	Rank    org.Rank
	Name    string
}

// sectionRank reports a head of 課長級 or above: a 所属長.
func sectionRank(r org.Rank) bool {
	return r == org.RankManager || r == org.RankExecutive
}

// Route finds who approves an application of a person in unitID (the
// person being staffID): the step-1 approver and, for two steps, the
// step-2 one (0 otherwise).
//
// Walking up from the person's unit, the first head who is not the person
// (nor, when the person heads their own unit, of their rank or below) is
// the 係長 (the team head); the first of 課長級 or above is the 所属長
// (when none is, the team head stands in). With Approver = section the
// application goes to the 所属長, with team to the 係長; two steps (for the
// tenant, or for a unit at or above the person's) go 係長 → 課長, and are one
// step when both are the same person. No head anywhere above is a Conflict
// (apply.no_approver): the organisation needs a 所属長 for the unit.
func Route(tr *org.Tree, heads []Head, staffID, unitID int64, s Settings) (first, second int64, err error) {
	headsOf := routeHeads(heads, staffID, unitID)
	var team, section int64
	seen := map[int64]bool{}
	for id := unitID; id != 0 && !seen[id]; {
		seen[id] = true
		for _, h := range headsOf(id) {
			if team == 0 {
				team = h.StaffID
			}
			if section == 0 && sectionRank(h.Rank) {
				section = h.StaffID
			}
		}
		u := tr.Unit(id)
		if u == nil || section != 0 {
			break
		}
		id = u.ParentID
	}
	if team == 0 {
		return 0, 0, apperr.New(apperr.Conflict, "apply.no_approver")
	}
	if section == 0 {
		section = team
	}
	two := s.TwoStep
	for _, u := range s.TwoStepUnits {
		if tr.IsWithin(unitID, u) {
			two = true
		}
	}
	switch {
	case two && team != section:
		return team, section, nil
	case s.Approver == ApproverTeam:
		return team, 0, nil
	}
	return section, 0, nil
}

// routeHeads gives, for a unit, the heads who may decide for the person
// staffID of unitID, the senior first (then the lowest id): every head of
// the unit but the person, and, in the person's own unit when they head it,
// only those of a higher rank. A head's own application thus goes above
// them: a 課長補佐 marked as a head of the 課 does not approve the 課長, nor a
// second 係長 the first.
func routeHeads(heads []Head, staffID, unitID int64) func(unit int64) []Head {
	rank := func(r org.Rank) int { return len(org.Ranks) - slices.Index(org.Ranks, r) }
	byUnit := map[int64][]Head{}
	for _, h := range heads {
		byUnit[h.UnitID] = append(byUnit[h.UnitID], h)
	}
	selfRank, selfHead := 0, false
	for _, h := range byUnit[unitID] {
		if h.StaffID == staffID {
			selfRank, selfHead = rank(h.Rank), true
		}
	}
	return func(id int64) []Head {
		hs := slices.DeleteFunc(slices.Clone(byUnit[id]), func(h Head) bool {
			return h.StaffID == staffID || (id == unitID && selfHead && rank(h.Rank) <= selfRank)
		})
		slices.SortFunc(hs, func(a, b Head) int {
			if rank(a.Rank) != rank(b.Rank) {
				return rank(b.Rank) - rank(a.Rank)
			}
			return int(a.StaffID - b.StaffID)
		})
		return hs
	}
}

// MayDecide reports whether approverID, as the organisation is now, is a
// head who may decide for the person staffID of unitID: a head (not
// retired: heads holds the current ones) of the person's unit or of one
// above it, whom routeHeads leaves in. Reroute moves an application whose
// approver no longer may.
func MayDecide(tr *org.Tree, heads []Head, staffID, unitID, approverID int64) bool {
	headsOf := routeHeads(heads, staffID, unitID)
	for _, id := range Chain(tr, unitID) {
		if slices.ContainsFunc(headsOf(id), func(h Head) bool { return h.StaffID == approverID }) {
			return true
		}
	}
	return false
}

// Chain is unitID and the units above it, nearest first (the units whose
// heads Route considers).
func Chain(tr *org.Tree, unitID int64) []int64 {
	var out []int64
	for id := unitID; id != 0 && !slices.Contains(out, id); {
		out = append(out, id)
		u := tr.Unit(id)
		if u == nil {
			break
		}
		id = u.ParentID
	}
	return out
}

// ActingFor lists the approvers actorID may decide for on day: actorID
// themselves, and every approver who delegated to actorID (a standing
// 代決者, or during an absence covering day).
func ActingFor(actorID int64, ds []Delegation, day calendar.Date) []int64 {
	out := []int64{actorID}
	for _, d := range ds {
		if d.DelegateID == actorID && d.ActiveOn(day) && !slices.Contains(out, d.ApproverID) {
			out = append(out, d.ApproverID)
		}
	}
	return out
}
