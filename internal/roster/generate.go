package roster

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"time"
)

// GenSpec describes a synthetic section for tests and the benchmark.
type GenSpec struct {
	Staff int
	Days  int // business days, 20–22 for a month
	// Kind: "plain", "cohort2" (A/B), "cohort3" (A/B/C), "replan" (a
	// previous plan, then someone falls ill), "mean" (fairness against the
	// mean) or "infeasible" (more duty cover than the qualified can give).
	Kind string
	Seed int64
}

var genFamily = []string{"山崎", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤", "吉田", "山田", "松本", "井上", "木村", "林"}
var genGiven = []string{"舞", "健", "陽子", "翔", "美咲", "大輔", "恵", "誠", "由美", "拓也", "直子", "亮"}

// Generate builds a reproducible instance from the spec. Sizes and ratios
// follow what a 課 of a 市役所 looks like: about a third on site each day,
// counter and phone rotas, a 3-day weekly telework cap and a 50–60 %
// reduction target, some leave and personal wishes.
func Generate(sp GenSpec) *Instance {
	rng := rand.New(rand.NewSource(sp.Seed))
	in := &Instance{Schema: "roster-instance/1", Section: "福祉課",
		Name: fmt.Sprintf("s%d-d%d-%s-%d", sp.Staff, sp.Days, sp.Kind, sp.Seed)}
	day := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	holiday := day.AddDate(0, 0, 7+rng.Intn(14)) // one closure day somewhere
	for len(in.Days) < sp.Days {
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday && !day.Equal(holiday) {
			in.Days = append(in.Days, day.Format("2006-01-02"))
		}
		day = day.AddDate(0, 0, 1)
	}
	cohorts := 0
	switch sp.Kind {
	case "cohort2":
		cohorts = 2
	case "cohort3":
		cohorts = 3
	}
	names := []string{"A", "B", "C"}
	for i := 0; i < sp.Staff; i++ {
		s := Staff{ID: fmt.Sprintf("p%03d", i+1),
			Name: genFamily[rng.Intn(len(genFamily))] + " " + genGiven[rng.Intn(len(genGiven))]}
		if rng.Float64() < 0.45 {
			s.Qualifications = append(s.Qualifications, "counter")
		}
		if rng.Float64() < 0.4 {
			s.Qualifications = append(s.Qualifications, "phone")
		}
		if cohorts > 0 {
			c := names[i%cohorts]
			s.Cohort = &c
		}
		in.Staff = append(in.Staff, s)
	}
	in.Leave = map[string][]string{}
	for _, s := range in.Staff {
		if rng.Float64() < 0.3 {
			n := 1 + rng.Intn(3)
			d0 := rng.Intn(sp.Days - n + 1)
			for d := d0; d < d0+n; d++ {
				in.Leave[s.ID] = append(in.Leave[s.ID], in.Days[d])
			}
		}
	}
	// Per-day minimums sized on the smallest group that may be on site.
	group := sp.Staff
	if cohorts > 0 {
		group = sp.Staff / cohorts
	}
	base := max(1, group*3/10)
	in.MinOnsite = make([]int, sp.Days)
	counter := make([]int, sp.Days)
	phone := make([]int, sp.Days)
	for d := range in.MinOnsite {
		in.MinOnsite[d] = base + rng.Intn(2)
		counter[d] = max(1, group/10) - rng.Intn(2)
		phone[d] = max(1, group/12)
		if counter[d] < 0 {
			counter[d] = 0
		}
	}
	in.Duties = []Duty{{ID: "counter", Name: "窓口当番", MinOnsite: counter}, {ID: "phone", Name: "電話当番", MinOnsite: phone}}
	capDays := 3
	if cohorts == 3 {
		capDays = 4 // three cohorts need three on-site days a week between them
	}
	in.MaxTelePerWeek = &capDays
	if cohorts > 0 {
		in.Cohorts = &Cohorts{Names: names[:cohorts], NeverMeet: true}
	}
	r := json.Number("0.6")
	if cohorts == 3 || rng.Intn(2) == 0 {
		r = json.Number("0.5")
	}
	in.TargetReduction = &r
	seen := map[[2]int]bool{}
	for k := 0; k < sp.Staff*sp.Days/8; k++ {
		p, d := rng.Intn(sp.Staff), rng.Intn(sp.Days)
		if seen[[2]int{p, d}] {
			continue
		}
		seen[[2]int{p, d}] = true
		mode := Tele
		if rng.Intn(3) == 0 {
			mode = Onsite
		}
		in.Preferences = append(in.Preferences, Preference{Staff: in.Staff[p].ID, Day: in.Days[d], Mode: mode})
	}
	in.Weights = map[string]json.Number{"fairness": "2", "preference": "1", "change": "3"}
	share := json.Number("0.5")
	tol := json.Number("0")
	in.Fairness = &Fairness{Reference: "share", Share: &share, Tolerance: &tol}
	switch sp.Kind {
	case "mean":
		t := json.Number("0.5")
		in.Fairness = &Fairness{Reference: "mean", Tolerance: &t}
	case "infeasible":
		// The phone rota asks for more than the qualified can cover on a
		// few days, and the counter rota one day more.
		for k := 0; k < 3; k++ {
			d := rng.Intn(sp.Days)
			q := 0
			for _, s := range in.Staff {
				for _, x := range s.Qualifications {
					if x == "phone" {
						q++
					}
				}
			}
			phone[d] = q + 1
		}
		counter[rng.Intn(sp.Days)] += sp.Staff
	case "replan":
		// A plan made last week, then one person falls ill for a few days.
		prev, err := Solve(in, Options{TimeLimit: 5 * time.Second})
		if err == nil {
			in.PreviousPlan = prev.Assignments
		}
		ill := in.Staff[rng.Intn(sp.Staff)].ID
		d0 := rng.Intn(sp.Days - 3)
		have := map[string]bool{}
		for _, d := range in.Leave[ill] {
			have[d] = true
		}
		for d := d0; d < d0+3; d++ {
			if !have[in.Days[d]] {
				in.Leave[ill] = append(in.Leave[ill], in.Days[d])
			}
		}
		sortDays(in, ill)
		// Preferences stay as they were; the change term now dominates.
	}
	return in
}

func sortDays(in *Instance, id string) {
	idx := map[string]int{}
	for i, d := range in.Days {
		idx[d] = i
	}
	l := in.Leave[id]
	for i := 1; i < len(l); i++ {
		for j := i; j > 0 && idx[l[j]] < idx[l[j-1]]; j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
}
