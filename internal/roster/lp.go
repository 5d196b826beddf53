package roster

import (
	"errors"
	"math"
	"sort"
	"time"
)

// lp is a bounded dual simplex for min cᵀx subject to row activities
// Ax = s with lo ≤ (x, s) ≤ hi. Every structural variable of the roster
// model has finite bounds, so any basis is made dual feasible by putting each
// nonbasic variable on the bound its reduced cost points to: that is what
// lets branch and bound re-solve a node from whatever basis the previous
// node left, with only bound changes in between.
//
// The basis inverse is a sparse product form (factor.go), refactorised
// every so often and whenever the two computations of a pivot element
// disagree.
type lp struct {
	m, n int // rows; structural columns. Variable n+i is the slack (activity) of row i.

	cbeg []int // structural columns, compressed
	crow []int
	cval []float64
	rbeg []int // the same matrix by rows, for pivot rows
	rcol []int
	rval []float64

	c      []float64 // costs, n+m (slacks cost nothing)
	lo, hi []float64 // bounds, n+m

	head []int     // head[i]: variable basic in position i
	pos  []int     // pos[j]: position of basic j, or -1
	x    []float64 // values of all variables
	d    []float64 // reduced costs
	fac  *factor

	beta  []float64 // dual steepest-edge weights ‖row i of B⁻¹‖²
	since int       // pivots since the last refactorisation
	iters int

	// scratch
	rho, alphaRow, alphaCol, tau []float64
	cand                         []ratioCand
}

type ratioCand struct {
	j     int
	ratio float64
	abs   float64
}

const (
	primalTol = 1e-7
	dualTol   = 1e-9
	pivotTol  = 1e-9
)

var errSingular = errors.New("roster: singular basis")

type lpStatus int

const (
	lpOptimal lpStatus = iota
	lpInfeasible
	lpLimit
)

// newLP builds the matrix from row lists. rows[i] lists (column, value).
func newLP(n int, rows [][]entry, rlo, rhi []float64, c, lo, hi []float64) *lp {
	m := len(rows)
	s := &lp{m: m, n: n}
	s.rbeg = make([]int, m+1)
	cnt := make([]int, n)
	for i, r := range rows {
		s.rbeg[i+1] = s.rbeg[i] + len(r)
		for _, e := range r {
			s.rcol = append(s.rcol, e.j)
			s.rval = append(s.rval, e.v)
			cnt[e.j]++
		}
	}
	s.cbeg = make([]int, n+1)
	for j := 0; j < n; j++ {
		s.cbeg[j+1] = s.cbeg[j] + cnt[j]
	}
	s.crow = make([]int, s.cbeg[n])
	s.cval = make([]float64, s.cbeg[n])
	fill := append([]int(nil), s.cbeg[:n]...)
	for i, r := range rows {
		for _, e := range r {
			s.crow[fill[e.j]] = i
			s.cval[fill[e.j]] = e.v
			fill[e.j]++
		}
	}
	s.c = make([]float64, n+m)
	copy(s.c, c)
	s.lo = append(append([]float64(nil), lo...), rlo...)
	s.hi = append(append([]float64(nil), hi...), rhi...)
	s.x = make([]float64, n+m)
	s.d = make([]float64, n+m)
	s.scratch()
	s.slackBasis()
	return s
}

type entry struct {
	j int
	v float64
}

// slackBasis starts from B = −I (all row activities basic).
func (s *lp) slackBasis() {
	m, n := s.m, s.n
	s.head = make([]int, m)
	s.pos = make([]int, n+m)
	for j := range s.pos {
		s.pos[j] = -1
	}
	for i := 0; i < m; i++ {
		s.head[i] = n + i
		s.pos[n+i] = i
	}
	_ = s.factorize() // −I never fails
	s.since = 0
	s.beta = make([]float64, m)
	for i := range s.beta {
		s.beta[i] = 1
	}
	s.computeDuals()
	s.placeNonbasic()
	s.computeXB()
}

func (s *lp) scratch() {
	s.rho = make([]float64, s.m)
	s.alphaRow = make([]float64, s.n+s.m)
	s.alphaCol = make([]float64, s.m)
	s.tau = make([]float64, s.m)
}

// placeNonbasic puts every nonbasic variable on the bound that keeps the
// basis dual feasible.
func (s *lp) placeNonbasic() {
	for j := 0; j < s.n+s.m; j++ {
		if s.pos[j] >= 0 {
			continue
		}
		l, h := s.lo[j], s.hi[j]
		switch {
		case l == h:
			s.x[j] = l
		case s.d[j] > dualTol && !math.IsInf(l, -1):
			s.x[j] = l
		case s.d[j] < -dualTol && !math.IsInf(h, 1):
			s.x[j] = h
		case s.x[j] == h && !math.IsInf(h, 1):
		case !math.IsInf(l, -1):
			s.x[j] = l
		case !math.IsInf(h, 1):
			s.x[j] = h
		default:
			s.x[j] = 0
		}
	}
}

// computeXB sets the basic values from the nonbasic ones: x_B = −B⁻¹·N·x_N.
func (s *lp) computeXB() {
	m, n := s.m, s.n
	r := make([]float64, m)
	for j := 0; j < n; j++ {
		if s.pos[j] >= 0 || s.x[j] == 0 {
			continue
		}
		xj := s.x[j]
		for k := s.cbeg[j]; k < s.cbeg[j+1]; k++ {
			r[s.crow[k]] -= s.cval[k] * xj
		}
	}
	for i := 0; i < m; i++ {
		if s.pos[n+i] < 0 {
			r[i] += s.x[n+i]
		}
	}
	s.fac.ftran(r)
	for i := 0; i < m; i++ {
		s.x[s.head[i]] = r[i]
	}
}

// computeDuals sets the reduced costs d = c − (c_B·B⁻¹)·[A −I].
func (s *lp) computeDuals() {
	m, n := s.m, s.n
	y := make([]float64, m)
	for i := 0; i < m; i++ {
		y[i] = s.c[s.head[i]]
	}
	s.fac.btran(y)
	for j := 0; j < n; j++ {
		if s.pos[j] >= 0 {
			s.d[j] = 0
			continue
		}
		v := s.c[j]
		for k := s.cbeg[j]; k < s.cbeg[j+1]; k++ {
			v -= y[s.crow[k]] * s.cval[k]
		}
		s.d[j] = v
	}
	for i := 0; i < m; i++ {
		if s.pos[n+i] >= 0 {
			s.d[n+i] = 0
		} else {
			s.d[n+i] = s.c[n+i] + y[i]
		}
	}
}

// refactor rebuilds the factorisation of the basis; the steepest-edge
// weights belong to the basis, not to its factors, and are kept.
func (s *lp) refactor() error {
	if err := s.factorize(); err != nil {
		return err
	}
	s.since = 0
	return nil
}

// solve runs dual simplex iterations until the basis is primal feasible
// (optimal), the dual is unbounded (the LP is infeasible), or the limit.
func (s *lp) solve(deadline time.Time, maxIter int) lpStatus {
	m, n := s.m, s.n
	for it := 0; ; it++ {
		if it >= maxIter || (it&15 == 15 && time.Now().After(deadline)) {
			return lpLimit
		}
		if s.since >= 100 {
			s.reinvert()
		}
		// Leaving row: dual steepest edge, the largest violation relative
		// to the norm of its row of B⁻¹.
		r, best := -1, 0.0
		var delta float64
		for i := 0; i < m; i++ {
			j := s.head[i]
			xv := s.x[j]
			if v := s.lo[j] - xv; v > primalTol {
				if sc := v * v / s.beta[i]; sc > best {
					r, best, delta = i, sc, xv-s.lo[j]
				}
			} else if v := xv - s.hi[j]; v > primalTol {
				if sc := v * v / s.beta[i]; sc > best {
					r, best, delta = i, sc, xv-s.hi[j]
				}
			}
		}
		if r < 0 {
			return lpOptimal
		}
		leaving := s.head[r]
		toLower := delta < 0
		// Pivot row α_r = ρ·[A −I], ρ = row r of B⁻¹.
		rho := s.rho
		for i := range rho {
			rho[i] = 0
		}
		rho[r] = 1
		s.fac.btran(rho)
		ar := s.alphaRow
		for j := 0; j < n; j++ {
			ar[j] = 0
		}
		for i, ri := range rho {
			if ri == 0 {
				ar[n+i] = 0
				continue
			}
			ar[n+i] = -ri
			for t := s.rbeg[i]; t < s.rbeg[i+1]; t++ {
				ar[s.rcol[t]] += ri * s.rval[t]
			}
		}
		// Ratio test (Harris, two passes) over the nonbasic variables that
		// move x_r towards its violated bound.
		cand := s.cand[:0]
		for j := 0; j < n+m; j++ {
			if s.pos[j] >= 0 || s.lo[j] == s.hi[j] {
				continue
			}
			a := ar[j]
			if math.Abs(a) < pivotTol {
				continue
			}
			atLo := s.x[j] == s.lo[j]
			atHi := s.x[j] == s.hi[j]
			free := !atLo && !atHi
			ok := false
			if delta < 0 {
				ok = (atLo && a < 0) || (atHi && a > 0) || free
			} else {
				ok = (atLo && a > 0) || (atHi && a < 0) || free
			}
			if !ok {
				continue
			}
			ratio := math.Abs(s.d[j]) / math.Abs(a)
			cand = append(cand, ratioCand{j: j, ratio: ratio, abs: math.Abs(a)})
		}
		s.cand = cand
		if len(cand) == 0 {
			return lpInfeasible
		}
		// Bound flipping: pass over boxed candidates (flipping them to
		// their other bound) while the dual objective still improves; the
		// entering variable is where its slope turns.
		sort.Slice(cand, func(a, b int) bool {
			if cand[a].ratio != cand[b].ratio {
				return cand[a].ratio < cand[b].ratio
			}
			return cand[a].abs > cand[b].abs
		})
		slope := math.Abs(delta)
		q, k := -1, 0
		for ; k < len(cand); k++ {
			j := cand[k].j
			rng := s.hi[j] - s.lo[j]
			if math.IsInf(rng, 1) {
				q = j
				break
			}
			slope -= cand[k].abs * rng
			if slope <= primalTol {
				q = j
				break
			}
		}
		if q >= 0 && cand[k].abs < 1e-7 {
			// Prefer a sturdier pivot among the near-ties.
			// Swap it into place so the flips before it stay the same.
			for t := k + 1; t < len(cand) && cand[t].ratio <= cand[k].ratio+dualTol; t++ {
				if cand[t].abs > cand[k].abs {
					cand[k], cand[t] = cand[t], cand[k]
					q = cand[k].j
				}
			}
		}
		flips := cand[:k]
		if q < 0 {
			flips = cand
		}
		if len(flips) > 0 && !(len(flips) == 1 && flips[0].j == q) {
			// x_B −= B⁻¹·(Σ M_j·dx_j) over the flipped variables.
			fc := s.alphaCol
			for i := range fc {
				fc[i] = 0
			}
			for _, c := range flips {
				j := c.j
				if j == q {
					continue
				}
				var dx float64
				if s.x[j] == s.lo[j] {
					dx = s.hi[j] - s.lo[j]
					s.x[j] = s.hi[j]
				} else {
					dx = s.lo[j] - s.hi[j]
					s.x[j] = s.lo[j]
				}
				if j < n {
					for t := s.cbeg[j]; t < s.cbeg[j+1]; t++ {
						fc[s.crow[t]] += s.cval[t] * dx
					}
				} else {
					fc[j-n] -= dx
				}
			}
			s.fac.ftran(fc)
			for i, v := range fc {
				if v != 0 {
					s.x[s.head[i]] -= v
				}
			}
		}
		if q < 0 {
			// Every candidate flipped and row r is still out of bounds:
			// the dual is unbounded, no point satisfies the rows.
			return lpInfeasible
		}
		// The leaving variable goes to the bound it violated; after the
		// flips the remaining distance is what the pivot covers.
		if toLower {
			delta = s.x[leaving] - s.lo[leaving]
		} else {
			delta = s.x[leaving] - s.hi[leaving]
		}
		// Entering column α_q = B⁻¹·M_q.
		ac := s.alphaCol
		for i := range ac {
			ac[i] = 0
		}
		if q < n {
			for t := s.cbeg[q]; t < s.cbeg[q+1]; t++ {
				ac[s.crow[t]] = s.cval[t]
			}
		} else {
			ac[q-n] = -1
		}
		s.fac.ftran(ac)
		arq := ar[q]
		if math.Abs(ac[r]-arq) > 1e-7*(1+math.Abs(arq)) {
			// The inverse has drifted: rebuild it and price again.
			s.reinvert()
			continue
		}
		thetaD := s.d[q] / arq
		for j := 0; j < n+m; j++ {
			if s.pos[j] < 0 && ar[j] != 0 {
				s.d[j] -= thetaD * ar[j]
			}
		}
		s.d[q] = 0
		s.d[leaving] = -thetaD
		thetaP := delta / ac[r]
		s.x[q] += thetaP
		for i := 0; i < m; i++ {
			if ac[i] != 0 {
				s.x[s.head[i]] -= thetaP * ac[i]
			}
		}
		if toLower {
			s.x[leaving] = s.lo[leaving]
		} else {
			s.x[leaving] = s.hi[leaving]
		}
		// Dual steepest-edge weights: row i of the new inverse is
		// row_i − (α_i/α_r)·ρ, so with τ = B⁻¹ρᵀ (row_i·ρ = τ_i)
		// β_i ← β_i − 2(α_i/α_r)τ_i + (α_i/α_r)²‖ρ‖².
		pn := 0.0
		tau := s.tau
		for i, v := range rho {
			tau[i] = v
			pn += v * v
		}
		s.fac.ftran(tau)
		inv := 1 / ac[r]
		for i := 0; i < m; i++ {
			if i == r || ac[i] == 0 {
				continue
			}
			f := ac[i] * inv
			b := s.beta[i] - 2*f*tau[i] + f*f*pn
			if b < 1e-12 {
				b = 1e-12
			}
			s.beta[i] = b
		}
		s.beta[r] = pn * inv * inv
		s.fac.update(r, ac)
		s.head[r] = q
		s.pos[q] = r
		s.pos[leaving] = -1
		s.since++
		s.iters++
	}
}

// reinvert rebuilds B⁻¹ and the values that depend on it; a singular basis
// (numerical breakdown) falls back to the slack basis, which is always valid.
func (s *lp) reinvert() {
	if err := s.refactor(); err != nil {
		s.slackBasis()
		return
	}
	s.computeDuals()
	s.placeNonbasic()
	s.computeXB()
}

// objective is cᵀx at the current point.
func (s *lp) objective() float64 {
	v := 0.0
	for j := 0; j < s.n; j++ {
		v += s.c[j] * s.x[j]
	}
	return v
}

// resync re-establishes dual feasibility and basic values after bound changes.
func (s *lp) resync() {
	s.placeNonbasic()
	s.computeXB()
}

// addRows appends cuts. Each new row's activity becomes basic, so
// B⁻¹ grows by one row per cut: [[B⁻¹, 0], [a_B·B⁻¹, −1]], and the basis
// stays dual feasible; a violated cut is simply a primal infeasibility the
// next solve removes.
func (s *lp) addRows(rows [][]entry, rlo, rhi []float64) {
	m0, n := s.m, s.n
	k := len(rows)
	m := m0 + k
	for _, r := range rows {
		for _, e := range r {
			s.rcol = append(s.rcol, e.j)
			s.rval = append(s.rval, e.v)
		}
		s.rbeg = append(s.rbeg, len(s.rcol))
	}
	// Rebuild the column copy from the rows.
	cnt := make([]int, n)
	for _, j := range s.rcol {
		cnt[j]++
	}
	s.cbeg = make([]int, n+1)
	for j := 0; j < n; j++ {
		s.cbeg[j+1] = s.cbeg[j] + cnt[j]
	}
	s.crow = make([]int, len(s.rcol))
	s.cval = make([]float64, len(s.rcol))
	fill := append([]int(nil), s.cbeg[:n]...)
	for i := 0; i < m; i++ {
		for t := s.rbeg[i]; t < s.rbeg[i+1]; t++ {
			j := s.rcol[t]
			s.crow[fill[j]] = i
			s.cval[fill[j]] = s.rval[t]
			fill[j]++
		}
	}
	for t, r := range rows {
		i := m0 + t
		act := 0.0
		for _, e := range r {
			act += e.v * s.x[e.j]
		}
		s.c = append(s.c, 0)
		s.lo = append(s.lo, rlo[t])
		s.hi = append(s.hi, rhi[t])
		s.x = append(s.x, act)
		s.d = append(s.d, 0)
		s.pos = append(s.pos, i)
		s.head = append(s.head, n+i)
	}
	s.m = m
	s.scratch()
	if err := s.refactor(); err != nil {
		s.slackBasis()
		return
	}
	// The new rows of B⁻¹ are [a_B·B⁻¹, −1]: their weights by one
	// backward solve each; the old rows only grow by zeros.
	u := make([]float64, m)
	for t := 0; t < k; t++ {
		for i := range u {
			u[i] = 0
		}
		u[m0+t] = 1
		s.fac.btran(u)
		b := 0.0
		for _, v := range u {
			b += v * v
		}
		s.beta = append(s.beta, b)
	}
}
