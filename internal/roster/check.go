package roster

// Evaluate scores a plan made or edited by hand (the product's grid, issue
// 15) exactly as the solver scores its own: the objective, its terms and
// every violated constraint with its message. Each day's on-site cohort is
// the one with most people on site (ties go to the earlier name), as
// FORMAT.md says for a plan without cohortByDay. Status is "feasible" when
// no constraint is violated, else "infeasible"; Bound and Gap are not
// known (0). It returns an error for a malformed instance or a plan
// without a known mode for every person and day.
func Evaluate(in *Instance, assignments map[string][]string) (*Plan, error) {
	pb, err := in.compile()
	if err != nil {
		return nil, err
	}
	cells := make([][]int8, pb.N)
	for p, id := range pb.ids {
		row, ok := assignments[id]
		if !ok || len(row) != pb.D {
			return nil, malformed("plan: staff %s needs one mode per day", id)
		}
		cells[p] = make([]int8, pb.D)
		for d, m := range row {
			if cells[p][d] = modeIndex(m); cells[p][d] < 0 {
				return nil, malformed("plan: staff %s day %d: unknown mode %q", id, d, m)
			}
		}
	}
	var coh []int
	if pb.neverMeet {
		coh = make([]int, pb.D)
		for d := 0; d < pb.D; d++ {
			count := make([]int, pb.nCohorts)
			for p := 0; p < pb.N; p++ {
				if cells[p][d] == mOnsite && pb.cohortOf[p] >= 0 {
					count[pb.cohortOf[p]]++
				}
			}
			for c := range count {
				if count[c] > count[coh[d]] {
					coh[d] = c
				}
			}
		}
	}
	ev := pb.evaluate(cells, coh)
	status := StatusFeasible
	if len(ev.violations) > 0 {
		status = StatusInfeasible
	}
	pl := pb.report(cells, coh, ev, status, 0, 0, nil, 0)
	pl.Bound, pl.Gap = "", 0
	return pl, nil
}
