package roster

import (
	"container/heap"
	"math"
	"time"
)

// bound change of one variable in a branch.
type fix struct {
	j      int
	lo, hi float64
}

type node struct {
	bound float64
	depth int
	fixes []fix
}

type nodeHeap []*node

func (h nodeHeap) Len() int { return len(h) }
func (h nodeHeap) Less(a, b int) bool {
	if h[a].bound != h[b].bound {
		return h[a].bound < h[b].bound
	}
	return h[a].depth > h[b].depth
}
func (h nodeHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *nodeHeap) Push(x any)   { *h = append(*h, x.(*node)) }
func (h *nodeHeap) Pop() any {
	old := *h
	n := old[len(old)-1]
	*h = old[:len(old)-1]
	return n
}

// bnbResult is what one phase's search proved.
type bnbResult struct {
	x          []float64 // best integral point, nil if none
	value      float64   // its model objective (with offset)
	bound      float64   // proven lower bound on the optimum
	infeasible bool      // proven: no integral point at all
	complete   bool      // search finished: value is optimal (or infeasible proven)
	// rootInfeasible: the LP relaxation itself has no point (with or
	// without a seed): the restriction has no plan at all.
	rootInfeasible bool
	nodes          int
}

// branchAndBound minimises the model. Best-bound search with plunging: after
// branching it dives into the child the LP leans to and shelves the other, so
// integral points come early and the shelf is ordered by bound.
func branchAndBound(md *model, deadline time.Time, seed []float64, seedValue float64) bnbResult {
	return branchAndBoundFixed(md, deadline, seed, seedValue, nil)
}

// branchAndBoundFixed is branchAndBound with the bounds of base imposed on
// the whole search (a restriction of the model: what it proves holds for the
// restriction only).
func branchAndBoundFixed(md *model, deadline time.Time, seed []float64, seedValue float64, base []fix) bnbResult {
	res := bnbResult{value: math.Inf(1), bound: math.Inf(-1)}
	if seed != nil {
		res.x, res.value = seed, seedValue
	}
	if time.Now().After(deadline) {
		// Not even the LP's set-up (tens of ms on thousands of cells)
		// when the time is already up.
		return res
	}
	s := newLP(md.n, md.rows, md.rlo, md.rhi, md.c, md.lo, md.hi)
	// cutoff: a node can only help if its bound is below value − step.
	prunable := func(z float64) bool {
		if math.IsInf(res.value, 1) {
			return false
		}
		tol := 1e-6 * math.Max(1, math.Abs(res.value))
		if md.gran > 0 {
			return z > res.value-md.gran+tol
		}
		return z > res.value-tol
	}
	globalLo := append([]float64(nil), md.lo...)
	globalHi := append([]float64(nil), md.hi...)
	for _, f := range base {
		globalLo[f.j] = math.Max(globalLo[f.j], f.lo)
		globalHi[f.j] = math.Min(globalHi[f.j], f.hi)
	}
	apply := func(fx []fix) {
		for j := 0; j < md.n; j++ {
			s.lo[j], s.hi[j] = globalLo[j], globalHi[j]
		}
		for _, f := range fx {
			s.lo[f.j] = math.Max(s.lo[f.j], f.lo)
			s.hi[f.j] = math.Min(s.hi[f.j], f.hi)
		}
		s.resync()
	}
	added := make([]bool, len(md.vubs))
	// With every day's cohort fixed by base, the links o_pd ≤ y_dc (+ z_dc)
	// follow from the bounds and the aggregated rows (Σ o ≤ n·y + z with
	// o ≥ 0 gives each o ≤ z when y = 0; o ≤ 1 ≤ y + z when y = 1), so
	// none is added: thousands of rows on 80 staff for nothing.
	linksImplied := md.y != nil
	for _, yd := range md.y {
		for _, j := range yd {
			if globalLo[j] != globalHi[j] {
				linksImplied = false
			}
		}
	}
	var open nodeHeap
	cur := &node{bound: math.Inf(-1)}
	rootDone := false
	for {
		if cur == nil {
			if len(open) == 0 {
				res.complete = true
				break
			}
			cur = heap.Pop(&open).(*node)
			if prunable(cur.bound) {
				cur = nil
				continue
			}
		}
		if now := time.Now(); now.After(deadline) || (res.x == nil && !md.soft.IsZero() && now.After(md.soft)) {
			heap.Push(&open, cur)
			break
		}
		apply(cur.fixes)
		// Without an incumbent, the soft deadline also bounds the LP
		// itself: a root LP of thousands of rows must not eat the time
		// kept for the fallback searches.
		lpEnd := deadline
		if res.x == nil && !md.soft.IsZero() && md.soft.Before(lpEnd) {
			lpEnd = md.soft
		}
		st := s.solve(lpEnd, 1<<30)
		res.nodes++
		if st == lpLimit {
			heap.Push(&open, cur)
			break
		}
		for st == lpOptimal && len(md.vubs) > 0 && !linksImplied {
			if time.Now().After(lpEnd) {
				// The LP ended on time, but adding the links (thousands
				// of rows at the root, one refactorisation) and solving
				// again is not to start past the end: the full model's
				// root on mean sections with day cohorts ran 0.2–0.3 s
				// past the limit here.
				st = lpLimit
				break
			}
			// Cohort links the LP breaks become rows, then re-solve.
			var rows [][]entry
			for i, v := range md.vubs {
				if added[i] {
					continue
				}
				viol := s.x[v.o] - s.x[v.y]
				if v.z >= 0 {
					viol -= s.x[v.z]
				}
				// At the root every link goes in at once: one round
				// instead of many small ones, each a refactorisation.
				if viol > 1e-6 || !rootDone {
					r := []entry{{v.o, 1}, {v.y, -1}}
					if v.z >= 0 {
						r = append(r, entry{v.z, -1})
					}
					rows = append(rows, r)
					added[i] = true
				}
			}
			if len(rows) == 0 {
				break
			}
			lo := make([]float64, len(rows))
			hi := make([]float64, len(rows))
			for i := range lo {
				lo[i] = math.Inf(-1)
			}
			s.addRows(rows, lo, hi)
			st = s.solve(lpEnd, 1<<30)
		}
		if st == lpLimit {
			// Out of time while re-solving with the new links: the basis
			// is not optimal (nor primal feasible), so nothing may be read.
			heap.Push(&open, cur)
			break
		}
		if st == lpInfeasible {
			if !rootDone {
				res.complete, res.infeasible = true, res.x == nil
				res.rootInfeasible = true
				res.bound = math.Inf(1)
				return res
			}
			cur = nil
			continue
		}
		z := s.objective() + md.offset
		if !rootDone {
			rootDone = true
			res.bound = z
		}
		if prunable(z) {
			cur = nil
			continue
		}
		// Branch on the most fractional cohort choice first (it fixes a
		// whole day), then on the most fractional cell.
		bj, bf := -1, 1e-6
		for _, j := range md.intVars {
			f := s.x[j] - math.Floor(s.x[j])
			frac := math.Min(f, 1-f)
			if frac <= 1e-6 {
				continue
			}
			score := frac
			if md.y != nil && md.c[j] == 0 && isCohortVar(md, j) {
				score += 1
			}
			if score > bf {
				bj, bf = j, score
			}
		}
		if bj < 0 {
			// Integral: a new incumbent.
			res.x = append([]float64(nil), s.x[:md.n]...)
			res.value = z
			cur = nil
			continue
		}
		v := s.x[bj]
		down := md.branchFixes(cur.fixes, bj, 0)
		up := md.branchFixes(cur.fixes, bj, 1)
		dn := &node{bound: z, depth: cur.depth + 1, fixes: down}
		un := &node{bound: z, depth: cur.depth + 1, fixes: up}
		if v >= 0.5 {
			heap.Push(&open, dn)
			cur = un
		} else {
			heap.Push(&open, un)
			cur = dn
		}
	}
	lb := res.value
	for _, nd := range open {
		if nd.bound < lb {
			lb = nd.bound
		}
	}
	if res.complete {
		lb = res.value
		if res.x == nil {
			res.infeasible = true
		}
	}
	res.bound = lb
	return res
}

func isCohortVar(md *model, j int) bool {
	first := md.y[0][0]
	last := md.y[len(md.y)-1][len(md.y[0])-1]
	return j >= first && j <= last
}

// branchFixes returns the parent's fixes plus x_j = v and what it implies:
// a cohort ruled out for a day (y = 0) sends its members home that day, and a
// cohort chosen (y = 1) rules out the others. Without slack on the cohort
// link (phaseFeasible) those cells are fixed outright.
func (md *model) branchFixes(parent []fix, j int, v float64) []fix {
	out := make([]fix, len(parent), len(parent)+8)
	copy(out, parent)
	out = append(out, fix{j, v, v})
	if md.y == nil || md.ph != phaseFeasible || !isCohortVar(md, j) {
		return out
	}
	for d := range md.y {
		for c, yj := range md.y[d] {
			if yj != j {
				continue
			}
			if v == 0 {
				for _, o := range md.cohortMembers[d][c] {
					out = append(out, fix{o, 0, 0})
				}
				return out
			}
			for c2, yj2 := range md.y[d] {
				if c2 == c {
					continue
				}
				out = append(out, fix{yj2, 0, 0})
				for _, o := range md.cohortMembers[d][c2] {
					out = append(out, fix{o, 0, 0})
				}
			}
			return out
		}
	}
	return out
}
