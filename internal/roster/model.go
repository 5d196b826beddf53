package roster

import (
	"math"
	"math/big"
	"time"
)

// phase selects what the model minimises.
type phase int

const (
	// phaseFeasible: hard constraints H2–H6 hold, minimise the objective.
	phaseFeasible phase = iota
	// phaseViolation: H2–H6 get priced slacks, minimise the violation cost V.
	phaseViolation
	// phaseLex: slacks as in phaseViolation, V held at its minimum,
	// minimise the objective.
	phaseLex
)

// model is the 0/1 program of one phase: o[p][d] = 1 when p is ONSITE on
// available day d (0 = TELE; leave days are not variables), y[d][c] = 1 when
// cohort c is the day's on-site cohort, plus continuous fairness deviations
// and, outside phaseFeasible, the violation slacks.
type model struct {
	pb     *problem
	ph     phase
	n      int
	rows   [][]entry
	rlo    []float64
	rhi    []float64
	c      []float64
	lo, hi []float64
	offset float64 // constant part of the objective (leave cells, cell base costs)

	cell    [][]int // [p][d] variable or -1
	y       [][]int // [d][c] variable (neverMeet only)
	intVars []int
	isInt   []bool
	// cohortMembers[d][c] lists the o variables of cohort c on day d, so a
	// branch that rules a cohort out for a day can fix them all to 0.
	cohortMembers [][][]int
	// vubs are the disaggregated cohort links o_pd ≤ y_dc (+ z_dc), added
	// as cuts only where the LP breaks them: all of them would multiply
	// the rows, few are ever needed.
	vubs []vub
	gran float64 // lattice step of the objective, 0 if unknown
	// soft, if set, ends the search early when no integral point has
	// been found by then (the caller keeps the rest for other searches).
	soft time.Time
}

type vub struct{ o, y, z int }

func ratF(r *big.Rat) float64 { f, _ := r.Float64(); return f }

func (md *model) addVar(c, lo, hi float64, integer bool) int {
	j := md.n
	md.n++
	md.c = append(md.c, c)
	md.lo = append(md.lo, lo)
	md.hi = append(md.hi, hi)
	md.isInt = append(md.isInt, integer)
	if integer {
		md.intVars = append(md.intVars, j)
	}
	return j
}

func (md *model) addRow(r []entry, lo, hi float64) {
	md.rows = append(md.rows, r)
	md.rlo = append(md.rlo, lo)
	md.rhi = append(md.rhi, hi)
}

// buildModel writes the program of one phase. vmax bounds V in phaseLex.
func buildModel(pb *problem, ph phase, vmax *big.Rat) *model {
	md := &model{pb: pb, ph: ph}
	inf := math.Inf(1)
	useObj := ph != phaseViolation
	wP, wC := ratF(pb.wPref), ratF(pb.wChange)
	md.cell = make([][]int, pb.N)
	for p := 0; p < pb.N; p++ {
		md.cell[p] = make([]int, pb.D)
		for d := 0; d < pb.D; d++ {
			if pb.leave[p][d] {
				md.cell[p][d] = -1
				if useObj && pb.prev != nil && pb.prev[p][d] != mLeave {
					md.offset += wC
				}
				continue
			}
			// Cost of ONSITE and of TELE for this cell; the variable
			// carries their difference and the offset the TELE cost.
			var con, ctl float64
			if useObj {
				switch pb.pref[p][d] {
				case 1:
					ctl += wP
				case 2:
					con += wP
				}
				if pb.prev != nil {
					if pb.prev[p][d] != mOnsite {
						con += wC
					}
					if pb.prev[p][d] != mTele {
						ctl += wC
					}
				}
			}
			md.offset += ctl
			md.cell[p][d] = md.addVar(con-ctl, 0, 1, true)
		}
	}
	slack := ph != phaseFeasible
	var vterms []entry // V = Σ weight·slack, for the phaseLex cap
	vw := func(f string) float64 { return ratF(pb.vw[f]) }
	slackVar := func(family string, ub float64) int {
		w := vw(family)
		cost := 0.0
		if ph == phaseViolation {
			cost = w
		}
		j := md.addVar(cost, 0, ub, false)
		if w != 0 {
			vterms = append(vterms, entry{j, w})
		}
		return j
	}

	// H2 and H3, per day.
	for d := 0; d < pb.D; d++ {
		if need := pb.minOnsite[d]; need > 0 {
			var r []entry
			for p := 0; p < pb.N; p++ {
				if j := md.cell[p][d]; j >= 0 {
					r = append(r, entry{j, 1})
				}
			}
			if slack {
				r = append(r, entry{slackVar("minOnsite", float64(need)), 1})
			}
			md.addRow(r, float64(need), inf)
		}
		for k := range pb.dutyMin {
			need := pb.dutyMin[k][d]
			if need == 0 {
				continue
			}
			var r []entry
			for p := 0; p < pb.N; p++ {
				if j := md.cell[p][d]; j >= 0 && pb.quals[p][k] {
					r = append(r, entry{j, 1})
				}
			}
			if slack {
				r = append(r, entry{slackVar("duty", float64(need)), 1})
			}
			md.addRow(r, float64(need), inf)
		}
	}
	// H4: TELE ≤ cap per ISO week, i.e. ONSITE ≥ available − cap.
	if pb.cap >= 0 {
		for p := 0; p < pb.N; p++ {
			for w := 0; w < pb.nWeeks; w++ {
				var r []entry
				for d := 0; d < pb.D; d++ {
					if pb.week[d] == w && md.cell[p][d] >= 0 {
						r = append(r, entry{md.cell[p][d], 1})
					}
				}
				need := len(r) - pb.cap
				if need <= 0 {
					continue
				}
				if slack {
					r = append(r, entry{slackVar("maxTelePerWeek", float64(need)), 1})
				}
				md.addRow(r, float64(need), inf)
			}
		}
	}
	// H6: on-site person-days ≤ cap.
	if pb.hasTarget {
		var r []entry
		for p := 0; p < pb.N; p++ {
			for d := 0; d < pb.D; d++ {
				if j := md.cell[p][d]; j >= 0 {
					r = append(r, entry{j, 1})
				}
			}
		}
		if slack {
			r = append(r, entry{slackVar("targetReduction", float64(pb.A)), -1})
		}
		md.addRow(r, -inf, float64(pb.onsiteCap))
	}
	// H5: one on-site cohort a day. The aggregated link
	// Σ_{p∈c} o_pd ≤ n_cd·y_dc (+ slack) is exact for integral y; the
	// branching on y fixes the members' cells, so the LP stays small.
	if pb.neverMeet {
		md.y = make([][]int, pb.D)
		md.cohortMembers = make([][][]int, pb.D)
		for d := 0; d < pb.D; d++ {
			md.y[d] = make([]int, pb.nCohorts)
			md.cohortMembers[d] = make([][]int, pb.nCohorts)
			var one []entry
			for c := 0; c < pb.nCohorts; c++ {
				md.y[d][c] = md.addVar(0, 0, 1, true)
				one = append(one, entry{md.y[d][c], 1})
			}
			md.addRow(one, 1, 1)
			for c := 0; c < pb.nCohorts; c++ {
				var r []entry
				for p := 0; p < pb.N; p++ {
					if j := md.cell[p][d]; j >= 0 && pb.cohortOf[p] == c {
						r = append(r, entry{j, 1})
						md.cohortMembers[d][c] = append(md.cohortMembers[d][c], j)
					}
				}
				if len(r) == 0 {
					continue
				}
				r = append(r, entry{md.y[d][c], -float64(len(r))})
				z := -1
				if slack {
					z = slackVar("cohort", float64(len(r)-1))
					r = append(r, entry{z, -1})
				}
				md.addRow(r, -inf, 0)
				for _, o := range md.cohortMembers[d][c] {
					md.vubs = append(md.vubs, vub{o: o, y: md.y[d][c], z: z})
				}
			}
		}
	}
	// Fairness.
	wF := ratF(pb.wFair)
	if useObj && wF > 0 {
		if mf := pb.meanFix; mf != nil {
			mf.rows(md, pb)
		} else if !pb.mean {
			for p := 0; p < pb.N; p++ {
				a := pb.avail[p]
				if a == 0 {
					continue
				}
				var r []entry
				for d := 0; d < pb.D; d++ {
					if j := md.cell[p][d]; j >= 0 {
						r = append(r, entry{j, 1})
					}
				}
				// O_p + over − under ∈ [a−hi, a−lo]: over = TELE days above
				// the band, under = below it.
				over := md.addVar(wF, 0, float64(a), false)
				under := md.addVar(wF, 0, float64(a), false)
				r = append(r, entry{over, 1}, entry{under, -1})
				md.addRow(r, float64(a-pb.hi[p]), float64(a-pb.lo[p]))
			}
		} else {
			// T_p − a_p·T/A = a_p·O/A − O_p with O the on-site total.
			ov := md.addVar(0, 0, float64(pb.A), false)
			r := []entry{{ov, -1}}
			for p := 0; p < pb.N; p++ {
				for d := 0; d < pb.D; d++ {
					if j := md.cell[p][d]; j >= 0 {
						r = append(r, entry{j, 1})
					}
				}
			}
			md.addRow(r, 0, 0)
			tau := ratF(pb.tol)
			for p := 0; p < pb.N; p++ {
				a := pb.avail[p]
				if a == 0 {
					continue
				}
				e := md.addVar(wF, 0, float64(a), false)
				share := float64(a) / float64(pb.A)
				var plus, minus []entry
				for d := 0; d < pb.D; d++ {
					if j := md.cell[p][d]; j >= 0 {
						plus = append(plus, entry{j, 1})
						minus = append(minus, entry{j, -1})
					}
				}
				// e ≥ (a_p·O/A − O_p) − τ and e ≥ (O_p − a_p·O/A) − τ.
				plus = append(plus, entry{ov, -share}, entry{e, 1})
				minus = append(minus, entry{ov, share}, entry{e, 1})
				md.addRow(plus, -tau, inf)
				md.addRow(minus, -tau, inf)
			}
		}
	}
	if ph == phaseLex && len(vterms) > 0 {
		// Hold V at its minimum; the tolerance only absorbs float rounding
		// (V lives on a lattice far coarser than 1e-6).
		md.addRow(vterms, -inf, ratF(vmax)+1e-6)
	}
	if ph == phaseViolation {
		md.gran = latticeStep(violationLattice(pb))
	} else {
		md.gran = latticeStep(objectiveLattice(pb))
	}
	return md
}

// objectiveLattice lists rationals whose integer combinations contain every
// objective value, so a bound can be rounded up to the next reachable value.
func objectiveLattice(pb *problem) []*big.Rat {
	var g []*big.Rat
	if pb.wFair.Sign() > 0 {
		if pb.mean {
			g = append(g, new(big.Rat).Quo(pb.wFair, big.NewRat(int64(max(pb.A, 1)), 1)))
			if pb.tol.Sign() > 0 {
				g = append(g, new(big.Rat).Mul(pb.wFair, pb.tol))
			}
		} else {
			g = append(g, pb.wFair)
		}
	}
	if pb.wPref.Sign() > 0 {
		g = append(g, pb.wPref)
	}
	if pb.wChange.Sign() > 0 && pb.prev != nil {
		g = append(g, pb.wChange)
	}
	return g
}

func violationLattice(pb *problem) []*big.Rat {
	var g []*big.Rat
	for _, w := range pb.vw {
		if w.Sign() > 0 {
			g = append(g, w)
		}
	}
	return g
}

// latticeStep is the gcd of positive rationals: gcd(a/b, c/d) = gcd(ad, cb)/bd.
func latticeStep(vals []*big.Rat) float64 {
	var g *big.Rat
	for _, v := range vals {
		if g == nil {
			g = new(big.Rat).Set(v)
			continue
		}
		num := new(big.Int).GCD(nil, nil,
			new(big.Int).Mul(g.Num(), v.Denom()), new(big.Int).Mul(v.Num(), g.Denom()))
		g = new(big.Rat).SetFrac(num, new(big.Int).Mul(g.Denom(), v.Denom()))
	}
	if g == nil {
		return 0
	}
	return ratF(g)
}

// plan reads the cells and day cohorts off an integral solution.
func (md *model) plan(x []float64) ([][]int8, []int) {
	pb := md.pb
	out := make([][]int8, pb.N)
	for p := range out {
		out[p] = make([]int8, pb.D)
		for d := range out[p] {
			switch j := md.cell[p][d]; {
			case j < 0:
				out[p][d] = mLeave
			case x[j] > 0.5:
				out[p][d] = mOnsite
			default:
				out[p][d] = mTele
			}
		}
	}
	var coh []int
	if pb.neverMeet {
		coh = make([]int, pb.D)
		for d := range coh {
			best := -1.0
			for c, j := range md.y[d] {
				if x[j] > best+1e-9 {
					best, coh[d] = x[j], c
				}
			}
		}
	}
	return out, coh
}

// point writes a plan as a model point (cells and y; continuous variables
// are left for the caller to ignore), used to seed an incumbent.
func (md *model) point(x [][]int8, coh []int) []float64 {
	v := make([]float64, md.n)
	for p := range md.cell {
		for d, j := range md.cell[p] {
			if j >= 0 && x[p][d] == mOnsite {
				v[j] = 1
			}
		}
	}
	if md.y != nil {
		for d := range md.y {
			v[md.y[d][coh[d]]] = 1
		}
	}
	return v
}
