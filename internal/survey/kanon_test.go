package survey

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// testQuestions is a questionnaire with every kind of tabulated item.
func testQuestions() []Question {
	qs := attributeQuestions()
	qs = append(qs, scaleItems("r", "result", resultItems[:3])...)
	qs = append(qs, workDone())
	qs = append(qs, Question{ID: "n1", Type: Number, Text: "日数"}, Question{ID: "t1", Type: Text, Text: "意見"})
	qs = append(qs, Question{ID: "p01", Type: Single, Text: "課題", Options: yesNo()})
	return qs
}

// generate answers with skewed attribute distributions, so that small
// groups and small cells are common.
func generate(rng *rand.Rand, qs []Question, n int) []Answer {
	out := make([]Answer, n)
	for i := range out {
		a := Answer{}
		for _, q := range qs {
			if rng.IntN(12) == 0 {
				continue // 無回答
			}
			switch q.Type {
			case Single, Scale5:
				// geometric-ish: the first options are far more common
				j := 0
				for j < len(q.Options)-1 && rng.IntN(3) == 0 {
					j++
				}
				a[q.ID] = []string{q.Options[j].Value}
			case Multi:
				for _, o := range q.Options {
					if rng.IntN(4) == 0 {
						a[q.ID] = append(a[q.ID], o.Value)
					}
				}
			case Number:
				a[q.ID] = []string{fmt.Sprint(rng.IntN(20))}
			case Text:
				a[q.ID] = []string{fmt.Sprintf("意見 %d", rng.IntN(1000))}
			}
		}
		out[i] = a
	}
	return out
}

// published is every count a survey's results show, by the set it counts:
// a conjunction of predicates "attr:<a>=<group>" and "var:<id>=<value>".
type published struct {
	counts map[string]int
	dims   map[string]int // dimension → number of values
	hidden map[string]bool
	truth  map[string]int           // true counts of hidden sets, when given
	count  func(map[string]int) int // else the true count of a set
}

func newPublished() *published {
	return &published{counts: map[string]int{}, dims: map[string]int{}, hidden: map[string]bool{}, truth: map[string]int{}}
}

// countIn counts the records of d in a set ("attr:<a>=<group>",
// "var:<id>=<value>").
func countIn(d *Dataset, preds map[string]int) int {
	n := 0
	for r := 0; r < d.N; r++ {
		in := true
		for k, x := range preds {
			dim, name, _ := strings.Cut(k, ":")
			if dim == "attr" && int(d.gcode[name][r]) != x || dim == "var" && int(d.codes[name][r]) != x {
				in = false
				break
			}
		}
		if in {
			n++
		}
	}
	return n
}

func key(preds map[string]int) string {
	ks := make([]string, 0, len(preds))
	for k, v := range preds {
		ks = append(ks, k+"="+strconv.Itoa(v))
	}
	sort.Strings(ks)
	return strings.Join(ks, "&")
}

func parseKey(k string) map[string]int {
	out := map[string]int{}
	if k == "" {
		return out
	}
	for _, p := range strings.Split(k, "&") {
		d, v, _ := strings.Cut(p, "=")
		var n int
		fmt.Sscan(v, &n)
		out[d] = n
	}
	return out
}

func (p *published) add(t *testing.T, preds map[string]int, c Cell) {
	t.Helper()
	k := key(preds)
	if c.Hidden {
		p.hidden[k] = true
		return
	}
	if prev, ok := p.counts[k]; ok && prev != c.Count {
		t.Fatalf("%s published as %d and as %d", k, prev, c.Count)
	}
	p.counts[k] = c.Count
}

// varDim is the predicate of a variable: an attribute question is the
// attribute's groups themselves.
func varDim(d *Dataset, v *Variable) string {
	for a, q := range d.attrQ {
		if q.ID == v.ID {
			if _, ok := d.groups[a]; ok {
				return "attr:" + a
			}
		}
	}
	return "var:" + v.ID
}

// publishAll asks for every table the results can show: each item
// overall, by every attribute, and by every pair of attributes (both ways).
func publishAll(t *testing.T, d *Dataset) *published {
	p := newPublished()
	p.count = func(m map[string]int) int { return countIn(d, m) }
	if d.N < d.K {
		if _, err := d.Overall(d.vars[0].ID); err == nil {
			t.Fatal("a survey with fewer than k answers published a table")
		}
		return p
	}
	p.add(t, map[string]int{}, Cell{Count: d.N})
	attrs := d.Attrs()
	for _, a := range attrs {
		p.dims["attr:"+a] = len(d.groups[a])
		for gi, g := range d.groups[a] {
			p.add(t, map[string]int{"attr:" + a: gi}, Cell{Count: g.N})
		}
	}
	rowPreds := func(tb *Table, ri int) map[string]int {
		m := map[string]int{}
		switch len(tb.Attrs) {
		case 1:
			m["attr:"+tb.Attrs[0]] = ri
		case 2:
			nb := len(d.groups[tb.Attrs[1]])
			m["attr:"+tb.Attrs[0]], m["attr:"+tb.Attrs[1]] = ri/nb, ri%nb
		}
		return m
	}
	record := func(tb *Table) {
		vd := varDim(d, tb.Var)
		p.dims[vd] = len(tb.Var.Values)
		rows := append([]Row{tb.Total}, tb.Rows...)
		for ri, row := range rows {
			m := map[string]int{}
			if ri > 0 {
				m = rowPreds(tb, ri-1)
			}
			p.add(t, m, row.N)
			for vi, c := range row.Cells {
				cm := map[string]int{}
				for k, v := range m {
					cm[k] = v
				}
				if old, ok := cm[vd]; ok {
					// an attribute question by its own attribute: only the
					// matching cell is a set; the others are empty.
					if old != vi && (c.Count != 0 || c.Hidden) && !(c.Hidden && row.N.Hidden) {
						if !c.Hidden {
							t.Fatalf("%s: impossible cell %d", key(cm), c.Count)
						}
					}
					if old != vi {
						continue
					}
				}
				cm[vd] = vi
				p.add(t, cm, c)
			}
		}
	}
	for _, v := range d.vars {
		tb, err := d.Overall(v.ID)
		if err != nil {
			t.Fatal(err)
		}
		record(tb)
		for _, a := range attrs {
			tb, err := d.Breakdown(v.ID, a)
			if d.attrOf(v) == a {
				if err == nil {
					t.Fatal("an attribute broken down by itself")
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			record(tb)
			for _, b := range attrs {
				if a == b {
					continue
				}
				tb, err := d.Cross(v.ID, a, b)
				if d.attrOf(v) != "" {
					if err == nil {
						t.Fatal("an attribute by two attributes")
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				record(tb)
			}
		}
	}
	return p
}

// leaks lists every small group the published counts give away: a count
// of 1..k-1, the difference of two counts of which one's set is inside the
// other's by definition (every predicate of the larger is one of the
// smaller's), and a total minus the published cells of one of its lines.
func leaks(p *published, k int) []string {
	var out []string
	small := func(n int) bool { return n > 0 && n < k }
	for kx, cx := range p.counts {
		if small(cx) {
			out = append(out, fmt.Sprintf("%s = %d", kx, cx))
		}
		px := parseKey(kx)
		names := make([]string, 0, len(px))
		for n := range px {
			names = append(names, n)
		}
		// every proper sub-conjunction: every published superset
		for mask := 0; mask < 1<<len(names)-1; mask++ {
			sub := map[string]int{}
			for i, n := range names {
				if mask&(1<<i) != 0 {
					sub[n] = px[n]
				}
			}
			if cy, ok := p.counts[key(sub)]; ok && small(cy-cx) {
				out = append(out, fmt.Sprintf("%s (%d) − %s (%d) = %d", key(sub), cy, kx, cx, cy-cx))
			}
		}
		// every line below this total
		for dim, nv := range p.dims {
			if _, in := px[dim]; in {
				continue
			}
			rest, any := cx, false
			for v := 0; v < nv; v++ {
				child := map[string]int{dim: v}
				for n, x := range px {
					child[n] = x
				}
				if c, ok := p.counts[key(child)]; ok {
					rest -= c
					any = true
				}
			}
			if any && small(rest) {
				out = append(out, fmt.Sprintf("%s (%d) minus its published cells by %s = %d", kx, cx, dim, rest))
			}
		}
	}
	slices.Sort(out)
	return out
}

// attack is someone who holds every published count and knows how the
// sets nest: each set is the sum of its parts along any dimension it does
// not fix. Hidden counts start as 0..N; every such equation narrows them
// (a line with one unknown pins it, and what is pinned feeds the next
// line) until nothing moves. It lists every hidden set of 1..k-1 people
// narrowed to fewer than k possible counts (pinned ones included). A comparison's sets carry
// "linked=0"; their complements in the post-trial sets ("linked=1": who
// answered only the post-trial survey) are unknowns too.
func attack(p *published, k int) []string {
	n := p.counts[""]
	id := map[string]int{}
	var names []string
	var lo, hi []int
	add := func(x string, l, h int) {
		if _, ok := id[x]; !ok {
			id[x] = len(names)
			names, lo, hi = append(names, x), append(lo, l), append(hi, h)
		}
	}
	for x, c := range p.counts {
		add(x, c, c)
	}
	for x := range p.hidden {
		add(x, 0, n)
	}
	if _, ok := p.dims["linked"]; ok {
		for _, x := range slices.Clone(names) {
			px := parseKey(x)
			if l, ok := px["linked"]; !ok || l != 0 || strings.Contains(x, "var:"+ComparePrefix) {
				continue
			}
			px["linked"] = 1
			y := key(px)
			p.hidden[y] = true
			add(y, 0, n)
		}
	}
	var eqs [][]int // [total, parts...]
	for xi, x := range names {
		px := parseKey(x)
		for dim, nv := range p.dims {
			if _, in := px[dim]; in {
				continue
			}
			e := []int{xi}
			for v := 0; v < nv; v++ {
				px[dim] = v
				c, ok := id[key(px)]
				if !ok {
					e = nil
					break
				}
				e = append(e, c)
			}
			delete(px, dim)
			if len(e) > 1 {
				eqs = append(eqs, e)
			}
		}
	}
	of := make([][]int, len(names))
	for i, e := range eqs {
		for _, x := range e {
			of[x] = append(of[x], i)
		}
	}
	queue, queued := []int{}, make([]bool, len(eqs))
	for i := range eqs {
		queue, queued[i] = append(queue, i), true
	}
	for len(queue) > 0 {
		e := eqs[queue[0]]
		queued[queue[0]] = false
		queue = queue[1:]
		var moved []int
		t, sl, sh := e[0], 0, 0
		for _, x := range e[1:] {
			sl, sh = sl+lo[x], sh+hi[x]
		}
		if sl > lo[t] || sh < hi[t] {
			lo[t], hi[t] = max(lo[t], sl), min(hi[t], sh)
			moved = append(moved, t)
		}
		for _, x := range e[1:] {
			l, h := max(lo[x], lo[t]-(sh-hi[x])), min(hi[x], hi[t]-(sl-lo[x]))
			if l != lo[x] || h != hi[x] {
				sl, sh = sl-lo[x]+l, sh-hi[x]+h
				lo[x], hi[x] = l, h
				moved = append(moved, x)
			}
		}
		for _, x := range moved {
			for _, i := range of[x] {
				if !queued[i] {
					queue, queued[i] = append(queue, i), true
				}
			}
		}
	}
	var out []string
	for x := range p.hidden {
		v, ok := p.truth[x]
		if !ok {
			v = p.count(parseKey(x))
		}
		if i := id[x]; v > 0 && v < k && hi[i]-lo[i]+1 < k {
			out = append(out, fmt.Sprintf("%s = %d (narrowed to %d..%d)", x, v, lo[i], hi[i]))
		}
	}
	slices.Sort(out)
	return out
}

// TestNoSmallGroupCanBeDerived publishes every breakdown and every pair of
// breakdowns of generated surveys of many sizes and checks every nesting
// pair and every line of published counts.
func TestNoSmallGroupCanBeDerived(t *testing.T) {
	qs := testQuestions()
	for _, n := range []int{0, 3, 4, 5, 6, 9, 14, 23, 40, 77, 150, 400} {
		for seed := uint64(1); seed <= 6; seed++ {
			rng := rand.New(rand.NewPCG(seed, uint64(n)))
			d := NewDataset(qs, generate(rng, qs, n), "ja")
			p := publishAll(t, d)
			if l := leaks(p, K); len(l) > 0 {
				t.Fatalf("n=%d seed=%d: %d small groups derivable, e.g. %v", n, seed, len(l), l[:min(5, len(l))])
			}
			if l := attack(p, K); len(l) > 0 {
				t.Fatalf("n=%d seed=%d: %d small groups narrowed, e.g. %v", n, seed, len(l), l[:min(5, len(l))])
			}
			if n >= 150 && len(p.counts) < 100 {
				t.Fatalf("n=%d: only %d counts published: the test publishes almost nothing", n, len(p.counts))
			}
		}
	}
}

// TestLeakCheckFindsDifferencing makes sure the checks above can fail: the
// counts of a table with only primary suppression give away small groups,
// and so do the reviewer's tables (issue 16: 50代以上 そう思う = 1 through
// a line with one hidden cell and the crossing line).
func TestLeakCheckFindsDifferencing(t *testing.T) {
	p := newPublished()
	p.dims = map[string]int{"attr:gender": 2, "var:q": 2}
	p.counts[""] = 20
	p.counts["attr:gender=0"] = 12
	p.counts["attr:gender=1"] = 8
	p.counts["attr:gender=0&var:q=0"] = 9 // the row's other cell is 3
	p.counts["var:q=0"] = 15
	if l := leaks(p, K); len(l) == 0 {
		t.Fatal("the leak check found nothing in a leaking table")
	}
	// The reviewer's table: every line has 0 or ≥ 2 hidden cells adding up
	// to 0 or ≥ K, yet the fixpoint pins 50代以上 × そう思う to 1.
	r := newPublished()
	r.dims = map[string]int{"attr:age": 4, "var:r": 6}
	grid := [][]int{{20, 29, 25, 11, 0, 0}, {10, 11, 14, 2, 0, 0}, {8, 14, 25, 13, 0, 0}, {1, 3, 6, 3, 0, 0}}
	shown := [][]bool{{true, true, true, true, true, true}, {true, false, true, false, true, true},
		{false, true, true, true, true, true}, {false, false, true, false, true, true}}
	r.counts[""] = 195
	for v := range 6 {
		sum := 0
		for g := range 4 {
			sum += grid[g][v]
		}
		r.counts[key(map[string]int{"var:r": v})] = sum
	}
	for g := range 4 {
		n := 0
		for v := range 6 {
			k := key(map[string]int{"attr:age": g, "var:r": v})
			r.truth[k] = grid[g][v]
			if shown[g][v] {
				r.counts[k] = grid[g][v]
			} else {
				r.hidden[k] = true
			}
			n += grid[g][v]
		}
		r.counts[key(map[string]int{"attr:age": g})] = n
	}
	if l := attack(r, K); !slices.ContainsFunc(l, func(s string) bool { return strings.HasPrefix(s, "attr:age=3&var:r=0 = 1 ") }) {
		t.Fatalf("the attacker did not pin 50代以上 × そう思う: %v", l)
	}
	// and the same table through the suppression publishes nothing that
	// leaks: every line with a hidden cell has another one, and the
	// attacker narrows no small cell below K values.
	s := &system{max: 195}
	total := s.cell(195, true, K)
	var rowsT, colsT, cs []int
	for g := range 4 {
		n := 0
		for v := range 6 {
			n += grid[g][v]
		}
		rowsT = append(rowsT, s.cell(n, true, K))
	}
	for v := range 6 {
		colsT = append(colsT, s.cell(r.counts[key(map[string]int{"var:r": v})], true, K))
	}
	s.equation(total, rowsT)
	s.equation(total, colsT)
	for g := range 4 {
		for v := range 6 {
			cs = append(cs, s.cell(grid[g][v], false, K))
		}
	}
	(&Dataset{K: K}).lines(s, cs, []int{4, 6}, [][]int{colsT, rowsT})
	(&Dataset{K: K}).suppress(s)
	lo, hi := s.bounds()
	for i, c := range cs {
		if v := grid[i/6][i%6]; v > 0 && v < K && (!s.hidden[c] || hi[c]-lo[c] < K) {
			t.Errorf("cell %d (%d): hidden %v, narrowed to %d..%d", i, v, s.hidden[c], lo[c], hi[c])
		}
	}
}

func TestMergeGroups(t *testing.T) {
	qs := attributeQuestions()[:1] // gender: 1 男性, 2 女性, 3 その他
	mk := func(vals ...string) []Answer {
		var out []Answer
		for _, v := range vals {
			if v == "" {
				out = append(out, Answer{})
			} else {
				out = append(out, Answer{"a_gender": {v}})
			}
		}
		return out
	}
	rep := func(v string, n int) []string { return slices.Repeat([]string{v}, n) }
	cases := []struct {
		name string
		vals []string
		want []int // group sizes; nil = no breakdown
	}{
		{"all big", slices.Concat(rep("1", 10), rep("2", 7), rep("3", 5)), []int{10, 7, 5}},
		{"small merged", slices.Concat(rep("1", 10), rep("2", 7), rep("3", 2), rep("", 3)), []int{10, 7, 5}},
		{"small joined by the smallest big", slices.Concat(rep("1", 10), rep("2", 7), rep("3", 2)), []int{10, 9}},
		{"one group left", slices.Concat(rep("1", 10), rep("3", 2)), nil},
		{"too few", rep("1", 4), nil},
	}
	for _, c := range cases {
		d := NewDataset(qs, mk(c.vals...), "ja")
		var got []int
		for _, g := range d.Groups(AttrGender) {
			got = append(got, g.N)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: groups %v, want %v", c.name, got, c.want)
		}
	}
}

// TestComparisonLeaksNothing pairs generated pre and post answers (some
// people answered only one of them) and checks the comparison's counts
// together with the post-trial results: a comparison count is the same set
// as the post-trial one with "linked" added, so every subtraction between
// the two is tried too.
func TestComparisonLeaksNothing(t *testing.T) {
	pre, post := PreQuestions(), PostQuestions()
	compared := Compared(pre, post)
	if len(compared) != 16 { // the 15 results and the intention to telework
		t.Fatalf("%d items compared, want 16", len(compared))
	}
	for _, n := range []int{4, 8, 12, 30, 90, 300} {
		for seed := uint64(1); seed <= 3; seed++ {
			rng := rand.New(rand.NewPCG(seed, uint64(n)+7))
			postAns := generate(rng, post, n)
			preAns := generate(rng, pre, n)
			var pairs []Pair
			for i := range postAns {
				if rng.IntN(5) > 0 {
					pairs = append(pairs, Pair{Pre: preAns[i], Post: postAns[i]})
				}
			}
			pd := NewDataset(post, postAns, "ja")
			cd := NewComparison(pd, post, compared, pairs, len(preAns), "ja")
			p := publishAll(t, pd)
			p.dims["linked"] = 2
			p.count = func(m map[string]int) int {
				l, ok := m["linked"]
				delete(m, "linked")
				switch {
				case !ok:
					return countIn(pd, m)
				case l == 0:
					return countIn(cd, m)
				}
				return countIn(pd, m) - countIn(cd, m)
			}
			if cd.published() {
				small := func(x int) bool { return x > 0 && x < K }
				if small(cd.N) || small(len(preAns)-cd.N) || small(pd.N-cd.N) {
					t.Fatalf("n=%d: linked total %d published", n, cd.N)
				}
				p.add(t, map[string]int{"linked": 0}, Cell{Count: cd.N})
				// Every table the comparison gives, as the page, the API and
				// the export ask for it (the attribute questions' own tables
				// included, when it gives them).
				tbs := cd.Tables("", "")
				for _, a := range cd.Attrs() {
					tbs = append(tbs, cd.Tables(a, "")...)
					for _, b := range cd.Attrs() {
						if x := cd.Tables(a, b); len(x) > 0 {
							t.Fatalf("n=%d: a comparison by two attributes (%s × %s) was given", n, a, b)
						}
					}
				}
				for _, tb := range tbs {
					v := tb.Var
					if cd.attrOf(v) != "" {
						t.Fatalf("n=%d: the comparison gave the attribute question %s as a table", n, v.ID)
					}
					vd := "var:" + v.ID
					p.dims[vd] = len(v.Values)
					rows := append([]Row{tb.Total}, tb.Rows...)
					for ri, row := range rows {
						m := map[string]int{"linked": 0}
						if ri > 0 {
							m["attr:"+tb.Attrs[0]] = ri - 1
						}
						p.add(t, m, row.N)
						for vi, c := range row.Cells {
							cm := map[string]int{vd: vi}
							for k, x := range m {
								cm[k] = x
							}
							p.add(t, cm, c)
						}
					}
				}
			}
			if l := leaks(p, K); len(l) > 0 {
				t.Fatalf("n=%d seed=%d: %d small groups derivable, e.g. %v", n, seed, len(l), l[:min(5, len(l))])
			}
			if l := attack(p, K); len(l) > 0 {
				t.Fatalf("n=%d seed=%d: %d small groups narrowed, e.g. %v", n, seed, len(l), l[:min(5, len(l))])
			}
		}
	}
}

// TestComparisonDirection: a change is 改善 when the outcome got better,
// which for 「普段発生しない経費」 (r15) is a lower answer.
func TestComparisonDirection(t *testing.T) {
	pre, post := PreQuestions(), PostQuestions()
	compared := Compared(pre, post)
	for _, tc := range []struct {
		item     string
		from, to string
		want     string
	}{
		{"r01", "2", "4", ChangeUp}, // better use of time than expected
		{"r01", "4", "2", ChangeDown},
		{"r15", "1", "5", ChangeDown}, // expected no extra costs, had them
		{"r15", "5", "1", ChangeUp},
		{"r15", "3", "3", ChangeSame},
	} {
		var pairs []Pair
		for i := 0; i < 10; i++ {
			pairs = append(pairs, Pair{Pre: Answer{tc.item: {tc.from}}, Post: Answer{tc.item: {tc.to}}})
		}
		postAns := make([]Answer, len(pairs))
		for i, p := range pairs {
			postAns[i] = p.Post
		}
		cd := NewComparison(NewDataset(post, postAns, "ja"), post, compared, pairs, len(pairs), "ja")
		tb, err := cd.Overall(ComparePrefix + tc.item)
		if err != nil {
			t.Fatal(err)
		}
		want := slices.Index([]string{ChangeUp, ChangeSame, ChangeDown}, tc.want)
		if c := tb.Total.Cells[want]; c.Count != 10 || c.Hidden {
			t.Errorf("%s %s→%s: %+v, want all 10 as %s", tc.item, tc.from, tc.to, tb.Total.Cells, tc.want)
		}
	}
}
