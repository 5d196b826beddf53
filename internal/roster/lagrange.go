package roster

import (
	"math"
	"time"
)

// A Lagrangian bound for sections whose cohorts never meet, which avoids the
// root LP with every cohort link (thousands of rows on 80 staff). The day
// rows (headcount H2, duties H3), the reduction cap H6 and the links
// o_pd ≤ y_dc are priced by multipliers; what remains splits into one
// problem per person — on-site days under the weekly cap with the fair band,
// solved exactly by sorting (the weekly minimums take the cheapest days of
// each week, further days are taken cheapest first while they pay, and the
// fairness term is convex in the count) — and one per day: the cohort with
// the largest link price among those that can cover the day alone. Every
// multiplier vector gives a valid lower bound (weak duality); the projected
// subgradient method with Polyak steps towards the incumbent moves them up.
// The per-person problems have integral polytopes (interval rows), so the
// best bound is at least the LP bound, and restricting each day to cohorts
// that can cover it can only raise it.

type lagrangian struct {
	pb   *problem
	md   *model
	wF   float64
	gran float64
	// cells of each person in day order: cell index range per person.
	pStart []int
	cDay   []int
	cWeek  []int
	cCost  []float64
	// row prices: headcount per day, duty per (k, day), reduction cap.
	alpha []float64
	beta  [][]float64
	gamma float64
	mu    []float64 // per cell, link o_pd ≤ y_d,c(p)
	lam   []float64 // alpha, beta by duty, gamma, mu in one vector
	// working state of one evaluation
	o     []bool
	coh   []int
	r     []float64
	idx   []int
	opt   []int
	price []float64
}

func newLagrangian(md *model) *lagrangian {
	pb := md.pb
	lg := &lagrangian{pb: pb, md: md, wF: ratF(pb.wFair), gran: md.gran}
	for p := 0; p < pb.N; p++ {
		lg.pStart = append(lg.pStart, len(lg.cDay))
		for d := 0; d < pb.D; d++ {
			if j := md.cell[p][d]; j >= 0 {
				lg.cDay = append(lg.cDay, d)
				lg.cWeek = append(lg.cWeek, pb.week[d])
				lg.cCost = append(lg.cCost, md.c[j])
			}
		}
	}
	lg.pStart = append(lg.pStart, len(lg.cDay))
	nc := len(lg.cDay)
	// One flat vector of multipliers (the subgradient steps walk it as a
	// whole); alpha, beta and mu are views into it, gamma a copy of its
	// element D+K·D kept in step by lagrangeBound.
	D, K := pb.D, len(pb.dutyMin)
	lg.lam = make([]float64, D+K*D+1+nc)
	lg.alpha = lg.lam[:D:D]
	lg.beta = make([][]float64, K)
	for k := range lg.beta {
		lg.beta[k] = lg.lam[D+k*D : D+(k+1)*D : D+(k+1)*D]
	}
	lg.mu = lg.lam[D+K*D+1:]
	lg.o = make([]bool, nc)
	lg.r = make([]float64, nc)
	lg.coh = make([]int, pb.D)
	lg.price = make([]float64, pb.D*pb.nCohorts)
	return lg
}

// evaluate returns L at the current multipliers (less a margin for float
// rounding) and leaves the minimiser in
// lg.o and lg.coh; false when some day has no cohort that covers it or a
// person cannot keep the weekly cap (the section is then infeasible — the
// caller leaves that to the full model).
func (lg *lagrangian) evaluate(cover [][]bool) (float64, bool) {
	pb := lg.pb
	L, mag := lg.constant()
	// Per day: the cohort with the largest link price.
	for d := 0; d < pb.D; d++ {
		lg.coh[d] = -1
	}
	price := lg.linkPrices()
	for d := 0; d < pb.D; d++ {
		best := math.Inf(-1)
		for c := 0; c < pb.nCohorts; c++ {
			if cover[d][c] && price[d*pb.nCohorts+c] > best {
				best, lg.coh[d] = price[d*pb.nCohorts+c], c
			}
		}
		if lg.coh[d] < 0 {
			return 0, false
		}
		L -= best
		mag += math.Abs(best)
	}
	// Per person.
	for p := 0; p < pb.N; p++ {
		v, ok := lg.person(p, nil)
		if !ok {
			return 0, false
		}
		L += v
	}
	for i := range lg.r {
		mag += math.Abs(lg.r[i]) + lg.mu[i]
	}
	// Float rounding: sums of a few thousand terms err by far less than
	// 1e-10 of their magnitudes; what is returned is a certain bound.
	return L - 1e-10*(1+mag), true
}

// constant is the part of L that depends on the row prices only, and the
// sum of the magnitudes of its terms (for the rounding margin).
func (lg *lagrangian) constant() (L, mag float64) {
	pb := lg.pb
	L = lg.md.offset
	mag = math.Abs(L)
	for d := 0; d < pb.D; d++ {
		L += lg.alpha[d] * float64(pb.minOnsite[d])
		mag += lg.alpha[d] * float64(pb.minOnsite[d])
		for k := range lg.beta {
			L += lg.beta[k][d] * float64(pb.dutyMin[k][d])
			mag += lg.beta[k][d] * float64(pb.dutyMin[k][d])
		}
	}
	if pb.hasTarget {
		L -= lg.gamma * float64(pb.onsiteCap)
		mag += lg.gamma * float64(pb.onsiteCap)
	}
	return L, mag
}

// partialValue is the Lagrangian bound, at the current prices, of the
// section with the day cohorts of part held fixed (-1: free): each free day
// takes the covering cohort with the largest link price, as in evaluate,
// and each fixed day must be covered by its cohort. A valid lower bound on
// every plan whose day cohorts agree with part; with every day fixed it is
// fixedValue. +Inf when no such plan can keep the day minimums alone or
// someone's weekly cap.
func (lg *lagrangian) partialValue(part []int, cover [][]bool) float64 {
	pb := lg.pb
	L, mag := lg.constant()
	price := lg.price
	free := false
	for d, c := range part {
		if c >= 0 {
			if !cover[d][c] {
				return math.Inf(1)
			}
			continue
		}
		if !free {
			free = true
			lg.linkPrices()
		}
		best := math.Inf(-1)
		for c2 := 0; c2 < pb.nCohorts; c2++ {
			if cover[d][c2] && price[d*pb.nCohorts+c2] > best {
				best = price[d*pb.nCohorts+c2]
			}
		}
		if math.IsInf(best, -1) {
			return math.Inf(1)
		}
		L -= best
		mag += math.Abs(best)
	}
	for p := 0; p < pb.N; p++ {
		v, ok := lg.person(p, part)
		if !ok {
			return math.Inf(1)
		}
		L += v
		mag += math.Abs(v)
	}
	if free {
		for i := range lg.r {
			mag += math.Abs(lg.r[i]) + lg.mu[i]
		}
	}
	return L - 1e-10*(1+mag)
}

// fixedValue is the Lagrangian bound, at the current row prices, of the
// section with the day cohorts held at coh: a lower bound on the best plan
// with those day cohorts, +Inf when a day's cohort cannot cover the day
// alone or someone's weekly cap cannot hold on their cohort's days. Unlike
// the heuristic's surrogate it charges the day minimums through their
// prices, so it ranks choices of day cohorts much as their exact values do.
func (lg *lagrangian) fixedValue(coh []int, cover [][]bool) float64 {
	return lg.partialValue(coh, cover)
}

// person solves p's own problem at the current prices. coh holds some day
// cohorts fixed (nil: none; -1: the day is free). On a free day the link
// price mu applies and p may be on site; on a fixed day p may be on site
// only if it is their cohort's, the link holds outright and mu plays no
// part. false: the weekly cap cannot hold on the allowed days.
func (lg *lagrangian) person(p int, coh []int) (float64, bool) {
	pb := lg.pb
	s, e := lg.pStart[p], lg.pStart[p+1]
	c := pb.cohortOf[p]
	for i := s; i < e; i++ {
		d := lg.cDay[i]
		v := lg.cCost[i] - lg.alpha[d] + lg.gamma
		if coh == nil || coh[d] < 0 {
			v += lg.mu[i]
		}
		for k := range lg.beta {
			if pb.quals[p][k] {
				v -= lg.beta[k][d]
			}
		}
		lg.r[i] = v
		lg.o[i] = false
	}
	base, forced := 0.0, 0
	lg.opt = lg.opt[:0]
	for i := s; i < e; {
		j := i
		for j < e && lg.cWeek[j] == lg.cWeek[i] {
			j++
		}
		lg.idx = lg.idx[:0]
		for q := i; q < j; q++ {
			if coh == nil || coh[lg.cDay[q]] < 0 || coh[lg.cDay[q]] == c {
				lg.idx = append(lg.idx, q)
			}
		}
		lg.sortByR(lg.idx)
		need := 0
		if pb.cap >= 0 {
			need = (j - i) - pb.cap
		}
		if need > len(lg.idx) {
			return math.Inf(1), false
		}
		for q, c := range lg.idx {
			if q < need {
				lg.o[c] = true
				base += lg.r[c]
				forced++
			} else {
				lg.opt = append(lg.opt, c)
			}
		}
		i = j
	}
	lg.sortByR(lg.opt)
	dev := func(o int) float64 { return lg.fairDev(p, o) }
	bestK, bestV, acc := 0, base+dev(forced), base
	for k, c := range lg.opt {
		acc += lg.r[c]
		if v := acc + dev(forced+k+1); v < bestV {
			bestK, bestV = k+1, v
		}
	}
	for k := 0; k < bestK; k++ {
		lg.o[lg.opt[k]] = true
	}
	return bestV, true
}

// sortByR orders cell indices by their current price (insertion sort: a
// week has at most seven cells, a person a few dozen).
// linkPrices fills lg.price with each (day, cohort)'s link price: the sum
// of the multipliers of its members' cells that day. It returns lg.price.
func (lg *lagrangian) linkPrices() []float64 {
	pb, price := lg.pb, lg.price
	for i := range price {
		price[i] = 0
	}
	for p := 0; p < pb.N; p++ {
		c := pb.cohortOf[p]
		for i := lg.pStart[p]; i < lg.pStart[p+1]; i++ {
			price[lg.cDay[i]*pb.nCohorts+c] += lg.mu[i]
		}
	}
	return price
}

// fairDev is person p's fairness term with o of their available days on
// site: the weight times how far their TELE days fall outside [lo, hi].
func (lg *lagrangian) fairDev(p, o int) float64 {
	a := lg.pb.avail[p]
	if lg.wF == 0 || a == 0 {
		return 0
	}
	t := a - o
	return lg.wF * float64(max(0, lg.pb.lo[p]-t, t-lg.pb.hi[p]))
}

func (lg *lagrangian) sortByR(ix []int) {
	for i := 1; i < len(ix); i++ {
		c := ix[i]
		v := lg.r[c]
		j := i
		for j > 0 && lg.r[ix[j-1]] > v {
			ix[j] = ix[j-1]
			j--
		}
		ix[j] = c
	}
}

// lagrangeBound raises the Lagrangian bound towards target (the incumbent's
// value) until it proves target optimal (bound > target − gran), stalls, or
// the deadline passes. It returns the best bound found, the day cohorts of
// its minimiser (a good choice to try when target is not yet optimal) and
// the state at the best prices, to continue from with another target (nil
// starts afresh). Steps are Polyak's towards target along a deflected
// subgradient (Camerini–Fratta–Maffioli), which zigzags less over the
// thousands of link prices.
func lagrangeBound(md *model, lg *lagrangian, target float64, deadline time.Time) (float64, []int, *lagrangian) {
	pb := md.pb
	if !pb.neverMeet || pb.nCohorts < 2 || pb.mean || md.ph != phaseFeasible {
		return math.Inf(-1), nil, nil
	}
	if lg == nil {
		lg = newLagrangian(md)
	}
	cover := newSurrogate(pb).coverable
	tol := 1e-6 * math.Max(1, math.Abs(target))
	proven := func(b float64) bool {
		if md.gran > 0 {
			return b > target-md.gran+tol
		}
		return b > target-tol
	}
	D, K, nc := pb.D, len(pb.dutyMin), len(lg.mu)
	// Flat views: alpha, beta by duty, gamma, mu.
	nv := D + K*D + 1 + nc
	g := make([]float64, nv)
	dir := make([]float64, nv)
	bestLam := make([]float64, nv)
	bestCoh := make([]int, D)
	best := math.Inf(-1)
	theta, stall := 1.0, 0
	// Halve the step after this many iterations without real progress
	// (100: half the work of 200 for a bound a few tenths lower, which the
	// cohort tree makes up for at less cost).
	const stallMax = 100
	lam, gi := lg.lam, D+K*D
	for it := 0; ; it++ {
		if it&15 == 0 && time.Now().After(deadline) {
			break
		}
		L, ok := lg.evaluate(cover)
		if !ok {
			return math.Inf(-1), nil, nil
		}
		if L > best+1e-3*math.Max(1, math.Abs(target)) {
			stall = 0
		} else {
			stall++
		}
		if L > best {
			best = L
			copy(bestLam, lam)
			copy(bestCoh, lg.coh)
		}
		if proven(best) {
			break
		}
		if L < best-10*math.Max(1, target-best) {
			// Diverging (the target may lie above the optimum): back to
			// the best prices, with a shorter step and no deflection.
			copy(lam, bestLam)
			lg.gamma = lam[gi]
			for v := range dir {
				dir[v] = 0
			}
			theta /= 2
			stall = 0
			if theta < 1e-3 {
				break
			}
			continue
		}
		if stall >= stallMax {
			theta /= 2
			stall = 0
			if theta < 1e-3 {
				break
			}
		}
		// Subgradient.
		for d := 0; d < D; d++ {
			g[d] = float64(pb.minOnsite[d])
			for k := 0; k < K; k++ {
				g[D+k*D+d] = float64(pb.dutyMin[k][d])
			}
		}
		onsite := 0
		for p := 0; p < pb.N; p++ {
			c := pb.cohortOf[p]
			for i := lg.pStart[p]; i < lg.pStart[p+1]; i++ {
				d := lg.cDay[i]
				gi := 0.0
				if lg.o[i] {
					onsite++
					g[d]--
					for k := 0; k < K; k++ {
						if pb.quals[p][k] {
							g[D+k*D+d]--
						}
					}
					gi = 1
				}
				if lg.coh[d] == c {
					gi--
				}
				g[D+K*D+1+i] = gi
			}
		}
		g[D+K*D] = 0
		if pb.hasTarget {
			g[D+K*D] = float64(onsite - pb.onsiteCap)
		}
		// Deflect, then project on the multipliers held at zero.
		gd, dd := 0.0, 0.0
		for v := range g {
			gd += g[v] * dir[v]
			dd += dir[v] * dir[v]
		}
		beta := 0.0
		if gd < 0 && dd > 0 {
			beta = -1.5 * gd / dd
		}
		norm := 0.0
		for v := range g {
			x := g[v] + beta*dir[v]
			if x < 0 && lam[v] <= 0 {
				x = 0
			}
			dir[v] = x
			norm += x * x
		}
		if norm == 0 {
			// L's minimiser is feasible and complementary: L is optimal.
			break
		}
		step := theta * (target - L) / norm
		if step <= 0 {
			step = theta * 1e-3 / norm
		}
		for v, x := range dir {
			if x != 0 {
				if y := lam[v] + step*x; y > 0 {
					lam[v] = y
				} else {
					lam[v] = 0
				}
			}
		}
		lg.gamma = lam[gi]
	}
	if !math.IsInf(best, -1) {
		copy(lam, bestLam)
		lg.gamma = lam[gi]
	}
	return best, bestCoh, lg
}
