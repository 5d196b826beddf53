package roster

import (
	"fmt"
	"math/big"
	"strings"
)

// Violation is one non-zero slack of a hard constraint, in FORMAT.md's
// families. Day is set for minOnsite, duty and cohort; Staff and Week for
// maxTelePerWeek; targetReduction covers the whole horizon.
type Violation struct {
	Family  string `json:"family"`
	Day     string `json:"day,omitempty"`
	Duty    string `json:"duty,omitempty"`
	Staff   string `json:"staff,omitempty"`
	Week    string `json:"week,omitempty"`
	Amount  int    `json:"amount"`
	Message string `json:"message"`
	English string `json:"messageEn"`
}

// evaluation is the exact value of one plan, computed the way verify.py does.
type evaluation struct {
	objective  *big.Rat
	fairness   *big.Rat
	prefMissed int
	changes    int
	vcost      *big.Rat
	violations []Violation
}

// broken reports whether the plan breaks a hard constraint: any violation,
// also one of a family priced at 0 (its cost is 0, the constraint is still
// broken, and such a plan is never "optimal" or "feasible").
func (ev evaluation) broken() bool { return len(ev.violations) > 0 }

// evaluate recomputes everything from the plan cells, independently of the
// model that produced them, so a modelling slip shows up as a mismatch in
// tests instead of a wrong number in the output. x[p][d] is a mode index;
// cohort[d] is the on-site cohort of day d (ignored without neverMeet).
func (pb *problem) evaluate(x [][]int8, cohort []int) evaluation {
	ev := evaluation{vcost: new(big.Rat)}
	// Leave is never relaxed: the solver only produces plans with it, so
	// the families below are the ones priced by violationWeights.
	onsite := make([]int, pb.D)
	for d := 0; d < pb.D; d++ {
		for p := 0; p < pb.N; p++ {
			if x[p][d] == mOnsite {
				onsite[d]++
			}
		}
	}
	add := func(v Violation) {
		ev.violations = append(ev.violations, v)
		ev.vcost.Add(ev.vcost, new(big.Rat).Mul(pb.vw[v.Family], big.NewRat(int64(v.Amount), 1)))
	}
	for d := 0; d < pb.D; d++ {
		day := pb.in.Days[d]
		if n := onsite[d]; n < pb.minOnsite[d] {
			short := pb.minOnsite[d] - n
			add(Violation{Family: "minOnsite", Day: day, Amount: short,
				Message: fmt.Sprintf("%s: 出勤者が%d名不足(最低%d名、出勤%d名)", jaDay(day), short, pb.minOnsite[d], n),
				English: fmt.Sprintf("%s: %d on site short (minimum %d, on site %d)", day, short, pb.minOnsite[d], n)})
		}
		for k, du := range pb.in.Duties {
			have := 0
			for p := 0; p < pb.N; p++ {
				if x[p][d] == mOnsite && pb.quals[p][k] {
					have++
				}
			}
			if need := pb.dutyMin[k][d]; have < need {
				name := du.Name
				if name == "" {
					name = du.ID
				}
				add(Violation{Family: "duty", Duty: du.ID, Day: day, Amount: need - have,
					Message: fmt.Sprintf("%s: %sの有資格者が%d名不足", jaDay(day), name, need-have),
					English: fmt.Sprintf("%s: %d qualified for %s short (need %d, on site %d)", day, need-have, du.ID, need, have)})
			}
		}
	}
	if pb.cap >= 0 {
		for p := 0; p < pb.N; p++ {
			per := make([]int, pb.nWeeks)
			for d := 0; d < pb.D; d++ {
				if x[p][d] == mTele {
					per[pb.week[d]]++
				}
			}
			for w, n := range per {
				if n > pb.cap {
					wk := pb.isoWeek(w)
					add(Violation{Family: "maxTelePerWeek", Staff: pb.ids[p], Week: wk, Amount: n - pb.cap,
						Message: fmt.Sprintf("%s(%s): %sの週のテレワークが上限%d日を%d日超過", pb.staffName(p), pb.ids[p], pb.jaWeek(w), pb.cap, n-pb.cap),
						English: fmt.Sprintf("%s week %s: %d TELE days over the cap of %d", pb.ids[p], wk, n-pb.cap, pb.cap)})
				}
			}
		}
	}
	if pb.neverMeet {
		for d := 0; d < pb.D; d++ {
			outside := 0
			var who []string
			for p := 0; p < pb.N; p++ {
				if x[p][d] == mOnsite && pb.cohortOf[p] != cohort[d] {
					outside++
					who = append(who, pb.ids[p])
				}
			}
			if outside > 0 {
				day := pb.in.Days[d]
				c := pb.cohortNms[cohort[d]]
				add(Violation{Family: "cohort", Day: day, Amount: outside,
					Message: fmt.Sprintf("%s: 出勤班%s以外の職員%d名が出勤(%s)", jaDay(day), c, outside, strings.Join(who, ", ")),
					English: fmt.Sprintf("%s: %d on site outside cohort %s (%s)", day, outside, c, strings.Join(who, ", "))})
			}
		}
	}
	if pb.hasTarget {
		total := 0
		for _, n := range onsite {
			total += n
		}
		if total > pb.onsiteCap {
			over := total - pb.onsiteCap
			add(Violation{Family: "targetReduction", Amount: over,
				Message: fmt.Sprintf("期間全体: 出勤が削減目標の上限%d人日を%d人日超過", pb.onsiteCap, over),
				English: fmt.Sprintf("whole horizon: %d on-site person-days over the cap of %d", over, pb.onsiteCap)})
		}
	}

	tele := make([]int, pb.N)
	T := 0
	for p := 0; p < pb.N; p++ {
		for d := 0; d < pb.D; d++ {
			if x[p][d] == mTele {
				tele[p]++
			}
		}
		T += tele[p]
	}
	ev.fairness = new(big.Rat)
	if pb.A > 0 {
		for p := 0; p < pb.N; p++ {
			if !pb.mean {
				dev := 0
				if pb.lo[p]-tele[p] > dev {
					dev = pb.lo[p] - tele[p]
				}
				if tele[p]-pb.hi[p] > dev {
					dev = tele[p] - pb.hi[p]
				}
				ev.fairness.Add(ev.fairness, big.NewRat(int64(dev), 1))
				continue
			}
			// |T_p − a_p·T/A| − τ, clipped at 0 (a_p = 0 gives |0| − τ ≤ 0).
			dev := new(big.Rat).Sub(big.NewRat(int64(tele[p]), 1), big.NewRat(int64(pb.avail[p]*T), int64(pb.A)))
			dev.Abs(dev)
			dev.Sub(dev, pb.tol)
			if dev.Sign() > 0 {
				ev.fairness.Add(ev.fairness, dev)
			}
		}
	}
	for p := 0; p < pb.N; p++ {
		for d := 0; d < pb.D; d++ {
			if pb.leave[p][d] {
				continue
			}
			if (pb.pref[p][d] == 1 && x[p][d] != mOnsite) || (pb.pref[p][d] == 2 && x[p][d] != mTele) {
				ev.prefMissed++
			}
		}
	}
	if pb.prev != nil {
		for p := 0; p < pb.N; p++ {
			for d := 0; d < pb.D; d++ {
				if x[p][d] != pb.prev[p][d] {
					ev.changes++
				}
			}
		}
	}
	ev.objective = new(big.Rat).Mul(pb.wFair, ev.fairness)
	ev.objective.Add(ev.objective, new(big.Rat).Mul(pb.wPref, big.NewRat(int64(ev.prefMissed), 1)))
	ev.objective.Add(ev.objective, new(big.Rat).Mul(pb.wChange, big.NewRat(int64(ev.changes), 1)))
	return ev
}

// jaDay writes an ISO date the way 人事 reads it on a roster: 6月10日.
func jaDay(iso string) string {
	t, err := parseISODate(iso)
	if err != nil {
		return iso
	}
	return fmt.Sprintf("%d月%d日", int(t.Month()), t.Day())
}

func (pb *problem) firstDayOfWeek(w int) string {
	for d := 0; d < pb.D; d++ {
		if pb.week[d] == w {
			return pb.in.Days[d]
		}
	}
	return ""
}

// isoWeek is the week's label as verify.py prints it (2026-W24).
func (pb *problem) isoWeek(w int) string {
	t, _ := parseISODate(pb.firstDayOfWeek(w))
	y, n := t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, n)
}

// jaWeek names a week by its first business day in the horizon: 「6月8日から」.
func (pb *problem) jaWeek(w int) string {
	return jaDay(pb.firstDayOfWeek(w)) + "から"
}

func (pb *problem) staffName(p int) string {
	if n := pb.in.Staff[p].Name; n != "" {
		return n
	}
	return pb.ids[p]
}
