package roster

import (
	"math"
	"sort"
)

// factor holds the basis inverse as B = L·U (up to permutations), with
// the simplex pivots since as etas: B⁻¹ = U_k⋯U_1 · P · U⁻¹ · L⁻¹. L is a
// product of column etas (multipliers below the pivot of each elimination
// step, row space), U is kept by columns (each step's entries in rows pivoted
// before it, and its diagonal), P sends each step's pivot row to the basis
// position of its column. Cohort cuts push the rows of the roster model past
// two thousand, where a dense inverse costs milliseconds a pivot; the basis
// itself is very sparse (mostly ±1, many slack and singleton columns).
type factor struct {
	m       int
	lower   []eta // L etas in elimination order (piv unused)
	upper   []eta // U columns in elimination order: r pivot row, piv diagonal
	rowPos  []int // rowPos[r_t] = basis position of step t's column
	posRow  []int // the inverse permutation
	updates []eta // simplex pivots since the factorisation (position space)
	work    []float64
}

// eta is the identity but for column r: r holds piv, the others the values
// of idx/val; applying its inverse divides by piv and subtracts.
type eta struct {
	r   int
	piv float64
	idx []int
	val []float64
}

func (e *eta) ftran(v []float64) {
	vr := v[e.r]
	if vr == 0 {
		return
	}
	vr /= e.piv
	v[e.r] = vr
	for k, i := range e.idx {
		v[i] -= e.val[k] * vr
	}
}

func (e *eta) btran(u []float64) {
	s := u[e.r]
	for k, i := range e.idx {
		s -= e.val[k] * u[i]
	}
	u[e.r] = s / e.piv
}

// ftran overwrites v (indexed by row) with B⁻¹v (indexed by position).
func (f *factor) ftran(v []float64) {
	for t := range f.lower {
		e := &f.lower[t]
		if vr := v[e.r]; vr != 0 {
			for k, i := range e.idx {
				v[i] -= e.val[k] * vr
			}
		}
	}
	for t := len(f.upper) - 1; t >= 0; t-- {
		e := &f.upper[t]
		vr := v[e.r]
		if vr == 0 {
			continue
		}
		vr /= e.piv
		v[e.r] = vr
		for k, i := range e.idx {
			v[i] -= e.val[k] * vr
		}
	}
	w := f.work
	for r, p := range f.rowPos {
		w[p] = v[r]
	}
	copy(v, w)
	for t := range f.updates {
		f.updates[t].ftran(v)
	}
}

// btran overwrites u (indexed by position) with uᵀB⁻¹ (indexed by row).
func (f *factor) btran(u []float64) {
	for t := len(f.updates) - 1; t >= 0; t-- {
		f.updates[t].btran(u)
	}
	w := f.work
	for p, r := range f.posRow {
		w[r] = u[p]
	}
	copy(u, w)
	for t := range f.upper {
		f.upper[t].btran(u)
	}
	for t := len(f.lower) - 1; t >= 0; t-- {
		e := &f.lower[t]
		s := u[e.r]
		for k, i := range e.idx {
			s -= e.val[k] * u[i]
		}
		u[e.r] = s
	}
}

// update records the simplex pivot at position r with entering column
// alpha = B⁻¹a_q (position space).
func (f *factor) update(r int, alpha []float64) {
	e := eta{r: r, piv: alpha[r]}
	for i, a := range alpha {
		if i != r && a != 0 {
			e.idx = append(e.idx, i)
			e.val = append(e.val, a)
		}
	}
	f.updates = append(f.updates, e)
}

// factorize eliminates the basis of s: slack columns on their own rows
// first, then the structural columns fewest-remaining-entries first, each
// pivoting on the largest-enough entry of the row with fewest remaining
// entries (a Markowitz-like order that keeps the etas sparse).
func (s *lp) factorize() error {
	m, n := s.m, s.n
	f := &factor{m: m, rowPos: make([]int, m), posRow: make([]int, m), work: make([]float64, m)}
	done := make([]bool, m) // rows pivoted
	for i := range f.rowPos {
		f.rowPos[i] = -1
	}
	var structPos []int
	for p := 0; p < m; p++ {
		j := s.head[p]
		if j >= n {
			r := j - n
			f.upper = append(f.upper, eta{r: r, piv: -1})
			f.lower = append(f.lower, eta{r: r})
			f.rowPos[r] = p
			done[r] = true
			continue
		}
		structPos = append(structPos, p)
	}
	// Remaining entries per row and per column within the active rows.
	rowCnt := make([]int, m)
	colCnt := make([]int, m)
	for _, p := range structPos {
		j := s.head[p]
		for t := s.cbeg[j]; t < s.cbeg[j+1]; t++ {
			if r := s.crow[t]; !done[r] {
				rowCnt[r]++
				colCnt[p]++
			}
		}
	}
	// Order the structural columns: column singletons first (nothing to
	// eliminate below them), row singletons last (in reverse: no later
	// column meets their row, so they cause no fill), the rest in between,
	// fewest entries first.
	prefRow := make([]int, m)
	for i := range prefRow {
		prefRow[i] = -1
	}
	alive := make([]bool, m) // positions not yet ordered
	for _, p := range structPos {
		alive[p] = true
	}
	rowDone := append([]bool(nil), done...)
	var front, back []int
	removeCol := func(p int) {
		alive[p] = false
		j := s.head[p]
		for t := s.cbeg[j]; t < s.cbeg[j+1]; t++ {
			if r := s.crow[t]; !rowDone[r] {
				rowCnt[r]--
			}
		}
	}
	removeRow := func(r int) {
		rowDone[r] = true
		for t := s.rbeg[r]; t < s.rbeg[r+1]; t++ {
			if q := s.pos[s.rcol[t]]; q >= 0 && alive[q] {
				colCnt[q]--
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, p := range structPos {
			if !alive[p] || colCnt[p] != 1 {
				continue
			}
			j := s.head[p]
			for t := s.cbeg[j]; t < s.cbeg[j+1]; t++ {
				if r := s.crow[t]; !rowDone[r] {
					prefRow[p] = r
					front = append(front, p)
					removeCol(p)
					removeRow(r)
					changed = true
					break
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for r := 0; r < m; r++ {
			if rowDone[r] || rowCnt[r] != 1 {
				continue
			}
			// The one live column of row r.
			for t := s.rbeg[r]; t < s.rbeg[r+1]; t++ {
				if q := s.pos[s.rcol[t]]; q >= 0 && alive[q] {
					prefRow[q] = r
					back = append(back, q)
					removeCol(q)
					removeRow(r)
					changed = true
					break
				}
			}
		}
	}
	var nucleus []int
	for _, p := range structPos {
		if alive[p] {
			nucleus = append(nucleus, p)
		}
	}
	sort.Slice(nucleus, func(a, b int) bool { return colCnt[nucleus[a]] < colCnt[nucleus[b]] })
	order := append(front, nucleus...)
	for i := len(back) - 1; i >= 0; i-- {
		order = append(order, back[i])
	}
	// Counts again, for the dynamic choice of pivot rows in the nucleus.
	for r := range rowCnt {
		rowCnt[r] = 0
	}
	for _, p := range structPos {
		j := s.head[p]
		for t := s.cbeg[j]; t < s.cbeg[j+1]; t++ {
			if r := s.crow[t]; !done[r] {
				rowCnt[r]++
			}
		}
	}
	v := make([]float64, m)
	var touched []int
	for _, p := range order {
		j := s.head[p]
		touched = touched[:0]
		for t := s.cbeg[j]; t < s.cbeg[j+1]; t++ {
			v[s.crow[t]] = s.cval[t]
		}
		for t := range f.lower {
			e := &f.lower[t]
			if vr := v[e.r]; vr != 0 {
				for k, i := range e.idx {
					v[i] -= e.val[k] * vr
				}
			}
		}
		// Pivot row: the preferred one when its entry is sturdy enough,
		// else among active rows with |v| ≥ 0.1·max, fewest entries.
		mx := 0.0
		for r := 0; r < m; r++ {
			if v[r] != 0 {
				touched = append(touched, r)
				if !done[r] && math.Abs(v[r]) > mx {
					mx = math.Abs(v[r])
				}
			}
		}
		if mx < 1e-9 {
			for _, r := range touched {
				v[r] = 0
			}
			return errSingular
		}
		pr := -1
		if r := prefRow[p]; r >= 0 && !done[r] && math.Abs(v[r]) >= 0.1*mx {
			pr = r
		}
		for _, r := range touched {
			if pr >= 0 && prefRow[p] == pr {
				break
			}
			if done[r] || math.Abs(v[r]) < 0.1*mx {
				continue
			}
			if pr < 0 || rowCnt[r] < rowCnt[pr] || (rowCnt[r] == rowCnt[pr] && math.Abs(v[r]) > math.Abs(v[pr])) {
				pr = r
			}
		}
		piv := v[pr]
		up := eta{r: pr, piv: piv}
		lo := eta{r: pr}
		for _, r := range touched {
			if r != pr && math.Abs(v[r]) > 1e-13 {
				if done[r] {
					up.idx = append(up.idx, r)
					up.val = append(up.val, v[r])
				} else {
					lo.idx = append(lo.idx, r)
					lo.val = append(lo.val, v[r]/piv)
				}
			}
			v[r] = 0
		}
		f.upper = append(f.upper, up)
		f.lower = append(f.lower, lo)
		f.rowPos[pr] = p
		done[pr] = true
		for t := s.cbeg[j]; t < s.cbeg[j+1]; t++ {
			rowCnt[s.crow[t]]--
		}
	}
	for r, p := range f.rowPos {
		if p < 0 {
			return errSingular
		}
		f.posRow[p] = r
	}
	s.fac = f
	return nil
}
