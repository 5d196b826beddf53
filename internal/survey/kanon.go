package survey

import (
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The k-anonymous tabulation (k = K = 5). How:
//
//   - Attribute answers are merged into fixed groups once per survey
//     (mergeGroups): every group has at least K respondents. Fewer than
//     two groups: no breakdown by that attribute.
//   - Every table a view can show a variable in (overall, by each
//     attribute, by each pair of attributes) is one system of counts with
//     the equations that tie them (a line of cells adds up to its total,
//     in any table), together with the shared counts (the total, the
//     groups, the pairs of groups), suppressed together (suppress.go), so
//     that what an attacker holding every published number of every view
//     can derive is bounded, not only what one line gives.
//   - A count of 1..K-1 is hidden, and so is everything that adds up to a
//     hidden count. Then complementary suppression: interval propagation
//     over all the equations to its fixpoint (a line with one unknown pins
//     it, the result feeds the crossing lines, and so on) must leave every
//     hidden count of 1..K-1 at least K possible values, and the hidden
//     cells of every line, together, too when they are 1..K-1 people;
//     until they do, the smallest published cell of the line that narrows
//     them most is hidden as well.
//   - Results come only from a closed survey, whose answers are fixed:
//     asking again later cannot difference two states of the data.
//
// kanon_test.go publishes every table of generated surveys and attacks
// the published numbers with its own fixpoint over every set they count.

// Variable is one tabulated item: a single-choice or scale question, one
// option of a multiple-choice question (selected or not), or a number
// question (answered or not).
type Variable struct {
	ID     string // question id, or "qid:option" for a multiple-choice option
	QID    string
	Type   QType
	Values []string // codes in display order; "" = 無回答 / not selected
	labels []string
}

// Label is the label of value index i.
func (v *Variable) Label(i int) string { return v.labels[i] }

// Group is one published group of an attribute: one or more answer
// categories (merged when small).
type Group struct {
	Values []string // option values; "" = 無回答
	Labels []string
	N      int
}

// Label joins the labels of the categories of a merged group.
func (g Group) Label() string { return strings.Join(g.Labels, "・") }

// Dataset is the answers of one closed survey, coded for tabulation. It
// holds no identity: records are anonymous and in no meaningful order.
type Dataset struct {
	K      int
	N      int
	vars   []*Variable
	byID   map[string]*Variable
	codes  map[string][]uint8 // variable id → value index per record
	nums   map[string][]float64
	groups map[string][]Group
	gcode  map[string][]uint8 // attribute → group index per record
	attrQ  map[string]*Question
	texts  map[string][]string
	locale string
	qs     []Question
	// A linked (pre/post) dataset: its total or some of its groups may be
	// hidden because they differ from the post-trial ones by 1..K-1.
	nHidden bool
	ghidden map[string][]bool
	// A comparison's groups lie inside the post-trial survey's (and its
	// total inside the post-trial total): their sizes, published there.
	postN int
	postG map[string][]int
	// The suppression (suppress.go): the shared counts, protected when the
	// dataset is made, and each variable's tables, protected together the
	// first time one of them is asked for.
	shared *system
	nCell  int
	gCell  map[string][]int
	acCell map[string][]int
	mu     sync.Mutex
	items  map[string]*item
}

// linkedOnly reports whether v cannot be a table of d: in a linked
// (pre/post) dataset the attribute questions are there to group the
// changes by, and their own counts (the linked people of each answer, of
// each pair of groups) differ from the post-trial survey's by the people
// who answered only one of the two — a handful, with their answers. The
// group sizes are published through the breakdowns, protected there.
func (d *Dataset) linkedOnly(v *Variable) bool { return d.ghidden != nil && d.attrOf(v) != "" }

// published reports whether anything of the dataset may be shown.
func (d *Dataset) published() bool { return d.N >= d.K && !d.nHidden }

// noAnswerLabel is how 無回答 is shown.
func noAnswerLabel(locale string) string {
	if locale == "en" {
		return "No answer"
	}
	return "無回答"
}

func newDataset(qs []Question, answers []Answer, locale string) *Dataset {
	d := &Dataset{K: K, N: len(answers), byID: map[string]*Variable{}, codes: map[string][]uint8{},
		nums: map[string][]float64{}, groups: map[string][]Group{}, gcode: map[string][]uint8{},
		attrQ: map[string]*Question{}, texts: map[string][]string{}, locale: locale, qs: qs}
	na := noAnswerLabel(locale)
	for i := range qs {
		q := &qs[i]
		switch q.Type {
		case Single, Scale5:
			v := &Variable{ID: q.ID, QID: q.ID, Type: q.Type}
			for _, o := range q.Options {
				v.Values = append(v.Values, o.Value)
				v.labels = append(v.labels, q.OptionLabel(o.Value, locale))
			}
			v.Values, v.labels = append(v.Values, ""), append(v.labels, na)
			idx := map[string]uint8{}
			for j, val := range v.Values {
				idx[val] = uint8(j)
			}
			c := make([]uint8, len(answers))
			for r, a := range answers {
				val := ""
				if vs := a[q.ID]; len(vs) == 1 {
					val = vs[0]
				}
				j, ok := idx[val]
				if !ok {
					j = idx[""]
				}
				c[r] = j
			}
			d.add(v, c)
			if q.Attr != "" {
				d.attrQ[q.Attr] = q
			}
		case Multi:
			for _, o := range q.Options {
				v := &Variable{ID: q.ID + ":" + o.Value, QID: q.ID, Type: Multi, Values: []string{"1", ""}}
				sel, not := "選択", "非選択"
				if locale == "en" {
					sel, not = "Selected", "Not selected"
				}
				v.labels = []string{sel, not}
				c := make([]uint8, len(answers))
				for r, a := range answers {
					if !slices.Contains(a[q.ID], o.Value) {
						c[r] = 1
					}
				}
				d.add(v, c)
			}
		case Number:
			v := &Variable{ID: q.ID, QID: q.ID, Type: Number, Values: []string{"1", ""}}
			v.labels = []string{"回答あり", na}
			if locale == "en" {
				v.labels[0] = "Answered"
			}
			c := make([]uint8, len(answers))
			n := make([]float64, len(answers))
			for r, a := range answers {
				c[r] = 1
				if vs := a[q.ID]; len(vs) == 1 {
					if f, err := strconv.ParseFloat(vs[0], 64); err == nil {
						c[r], n[r] = 0, f
					}
				}
			}
			d.add(v, c)
			d.nums[q.ID] = n
		case Text:
			for _, a := range answers {
				if vs := a[q.ID]; len(vs) == 1 && vs[0] != "" {
					d.texts[q.ID] = append(d.texts[q.ID], vs[0])
				}
			}
			sort.Strings(d.texts[q.ID]) // no order to match against anything
		}
	}
	return d
}

// NewDataset codes answers of the questionnaire qs for tabulation; labels
// are in locale.
func NewDataset(qs []Question, answers []Answer, locale string) *Dataset {
	d := newDataset(qs, answers, locale)
	for attr, q := range d.attrQ {
		d.mergeGroups(attr, q)
	}
	d.buildShared()
	return d
}

func (d *Dataset) add(v *Variable, c []uint8) {
	d.vars = append(d.vars, v)
	d.byID[v.ID] = v
	d.codes[v.ID] = c
}

// Variables lists the tabulated items in questionnaire order.
func (d *Dataset) Variables() []*Variable { return d.vars }

// Variable returns the tabulated item with id.
func (d *Dataset) Variable(id string) (*Variable, bool) {
	v, ok := d.byID[id]
	return v, ok
}

// mergeGroups fixes the published groups of an attribute: categories with
// fewer than K respondents are merged into one group; while that group
// still has 1..K-1, the smallest other category joins it.
func (d *Dataset) mergeGroups(attr string, q *Question) {
	v := d.byID[q.ID]
	counts := make([]int, len(v.Values))
	for _, c := range d.codes[q.ID] {
		counts[c]++
	}
	var big, small []int
	for i, n := range counts {
		switch {
		case n >= d.K:
			big = append(big, i)
		case n > 0:
			small = append(small, i)
		}
	}
	sum := func(ix []int) int {
		s := 0
		for _, i := range ix {
			s += counts[i]
		}
		return s
	}
	for len(small) > 0 && sum(small) < d.K && len(big) > 0 {
		m := 0
		for j := range big {
			if counts[big[j]] < counts[big[m]] {
				m = j
			}
		}
		small = append(small, big[m])
		big = slices.Delete(big, m, m+1)
	}
	slices.Sort(small)
	var groups [][]int
	for _, i := range big {
		groups = append(groups, []int{i})
	}
	if len(small) > 0 {
		groups = append(groups, small)
	}
	sort.Slice(groups, func(a, b int) bool { return groups[a][0] < groups[b][0] })
	if len(groups) < 2 || len(small) > 0 && sum(small) < d.K {
		return // no breakdown by this attribute
	}
	d.applyGroups(attr, v, counts, groups)
}

// applyGroups fixes the groups of an attribute (each a list of value
// indexes of its question) and recodes the attribute's question by them.
func (d *Dataset) applyGroups(attr string, v *Variable, counts []int, groups [][]int) {
	gOf := make([]uint8, len(v.Values))
	var out []Group
	for gi, g := range groups {
		grp := Group{}
		for _, i := range g {
			grp.Values = append(grp.Values, v.Values[i])
			grp.Labels = append(grp.Labels, v.labels[i])
			grp.N += counts[i]
			gOf[i] = uint8(gi)
		}
		out = append(out, grp)
	}
	gc := make([]uint8, d.N)
	for r, c := range d.codes[v.ID] {
		gc[r] = gOf[c]
	}
	d.groups[attr], d.gcode[attr] = out, gc
	// The question itself is tabulated by the same groups: a small
	// category never appears anywhere, not even in the overall table.
	gv := &Variable{ID: v.ID, QID: v.QID, Type: v.Type}
	for gi, g := range out {
		gv.Values = append(gv.Values, "g"+strconv.Itoa(gi))
		gv.labels = append(gv.labels, g.Label())
	}
	*v = *gv
	d.codes[v.ID] = gc
}

// Attrs lists the attributes results can be broken down by (at least two
// groups of K or more), in the guide's order.
func (d *Dataset) Attrs() []string {
	var out []string
	for _, a := range AttrKeys {
		if _, ok := d.groups[a]; ok {
			out = append(out, a)
		}
	}
	return out
}

// Groups are the published groups of an attribute.
func (d *Dataset) Groups(attr string) []Group { return d.groups[attr] }

// AttrQuestion is the question an attribute was asked with.
func (d *Dataset) AttrQuestion(attr string) *Question { return d.attrQ[attr] }

// Cell is one published count; Hidden cells show no number.
type Cell struct {
	Count  int  `json:"count"`
	Hidden bool `json:"hidden"`
}

// Row is one row of a table: a group (or the whole) with its size, its
// cells per value, and the mean where it may be shown.
type Row struct {
	Label string
	N     Cell
	Cells []Cell
	Mean  *float64
}

// Table is a question broken down by zero, one or two attributes.
type Table struct {
	Var   *Variable
	Attrs []string
	Rows  []Row
	Total Row // everyone
}

// ErrNoBreakdown is asked-for attributes that cannot be shown.
var ErrNoBreakdown = errors.New("survey: no k-safe breakdown by that attribute")

// ErrTooFew is a survey with fewer than K answers: nothing is published.
var ErrTooFew = errors.New("survey: fewer answers than k")

func cells(counts []int, hidden []bool) []Cell {
	out := make([]Cell, len(counts))
	for i, c := range counts {
		out[i] = Cell{Count: c, Hidden: hidden[i]}
		if hidden[i] {
			out[i].Count = 0
		}
	}
	return out
}

// overall is the distribution of v over everyone (line total: N).
func (d *Dataset) overall(v *Variable) ([]int, []bool) {
	it := d.item(v)
	return it.s.read(it.overall)
}

// attrOf is the attribute a variable tabulates by its groups ("" for an
// ordinary question).
func (d *Dataset) attrOf(v *Variable) string {
	for a, q := range d.attrQ {
		if q.ID == v.ID {
			if _, ok := d.groups[a]; ok {
				return a
			}
		}
	}
	return ""
}

// byAttr is v by the groups of attr: [group][value]. An attribute question
// by another attribute is the two-attribute table itself (one table per
// set of people, so two suppressions of the same counts never differ).
func (d *Dataset) byAttr(v *Variable, attr string) ([]int, []bool) {
	if c := d.attrOf(v); c != "" {
		if slices.Index(AttrKeys, attr) < slices.Index(AttrKeys, c) {
			return d.attrCross(attr, c)
		}
		counts, hidden := d.attrCross(c, attr)
		nc, na := len(d.groups[c]), len(d.groups[attr])
		tc, th := make([]int, len(counts)), make([]bool, len(counts))
		for i := 0; i < nc; i++ {
			for j := 0; j < na; j++ {
				tc[j*nc+i], th[j*nc+i] = counts[i*na+j], hidden[i*na+j]
			}
		}
		return tc, th
	}
	it := d.item(v)
	return it.s.read(it.by[attr])
}

// attrCross is the respondents by two attributes: [group a][group b].
func (d *Dataset) attrCross(a, b string) ([]int, []bool) {
	return d.shared.read(d.acCell[a+"|"+b])
}

// cross is v by two attributes: [group a][group b][value].
func (d *Dataset) cross(v *Variable, a, b string) ([]int, []bool, []int, []bool) {
	it := d.item(v)
	counts, hidden := it.s.read(it.cross[a+"|"+b])
	ab, hAB := d.attrCross(a, b)
	return counts, hidden, ab, hAB
}

// item is the protected tables of one variable: every table any view of
// the results can show it in, suppressed together.
type item struct {
	s       *system
	overall []int
	by      map[string][]int // attribute → [group][value]
	cross   map[string][]int // "a|b" (AttrKeys order) → [group a][group b][value]
}

func (s *system) read(ix []int) ([]int, []bool) {
	counts, hidden := make([]int, len(ix)), make([]bool, len(ix))
	for i, c := range ix {
		counts[i], hidden[i] = s.val[c], s.hidden[c]
	}
	return counts, hidden
}

// buildShared protects the counts every table of the survey shares: the
// total, the groups of each attribute and the pairs of groups of two
// attributes. A survey's sizes are never hidden to protect another count.
// A comparison's groups are: each lies inside the post-trial group, whose
// size is published, so the people of that group who answered only the
// post-trial survey are a count of their own, never shown and protected
// like any other.
func (d *Dataset) buildShared() {
	linked := d.postG != nil
	s := &system{max: max(d.N, d.postN)}
	d.nCell = s.cell(d.N, true, d.K)
	d.gCell, d.acCell, d.items = map[string][]int{}, map[string][]int{}, map[string]*item{}
	outside := func(in, n int) {
		post, rest := s.cell(n, true, d.K), s.cell(n-s.val[in], true, d.K)
		s.equation(post, []int{in, rest})
		s.hide(rest)
	}
	if linked {
		outside(d.nCell, d.postN)
	}
	attrs := d.Attrs()
	for _, a := range attrs {
		var cs []int
		for gi, g := range d.groups[a] {
			c := s.cell(g.N, !linked, d.K)
			if linked {
				outside(c, d.postG[a][gi])
			}
			cs = append(cs, c)
		}
		s.equation(d.nCell, cs)
		d.gCell[a] = cs
	}
	if !linked { // a comparison publishes no pair of groups
		for i, a := range attrs {
			for _, b := range attrs[i+1:] {
				ga, gb := d.gCell[a], d.gCell[b]
				counts := make([]int, len(ga)*len(gb))
				ca, cb := d.gcode[a], d.gcode[b]
				for r := range ca {
					counts[int(ca[r])*len(gb)+int(cb[r])]++
				}
				cs := make([]int, len(counts))
				for j, n := range counts {
					cs[j] = s.cell(n, false, d.K)
				}
				d.lines(s, cs, []int{len(ga), len(gb)}, [][]int{gb, ga})
				d.acCell[a+"|"+b] = cs
			}
		}
	}
	if !d.published() {
		s.hide(d.nCell)
	}
	d.suppress(s)
	d.shared = s
}

// lines writes the equations of a grid of cells (shape, row-major): the
// line along axis x adds up to totals[x][the line's other coordinates, in
// row-major order].
func (d *Dataset) lines(s *system, cs []int, shape []int, totals [][]int) {
	strides := make([]int, len(shape))
	n := 1
	for x := len(shape) - 1; x >= 0; x-- {
		strides[x] = n
		n *= shape[x]
	}
	for x := range shape {
		for start := 0; start < n; start++ {
			if start/strides[x]%shape[x] != 0 {
				continue
			}
			rest, m := 0, 1
			for y := len(shape) - 1; y >= 0; y-- {
				if y != x {
					rest += start / strides[y] % shape[y] * m
					m *= shape[y]
				}
			}
			parts := make([]int, shape[x])
			for j := range parts {
				parts[j] = cs[start+j*strides[x]]
			}
			s.equation(totals[x][rest], parts)
		}
	}
}

// suppress hides the counts of 1..K-1 (and the marked ones) with what lies
// under them, then protects them.
func (d *Dataset) suppress(s *system) {
	for i := range s.val {
		if s.hidden[i] || s.sens[i] && !s.fixed[i] {
			s.hide(i)
		}
	}
	s.protect(d.K)
}

// item builds (once) the protected tables of v: overall, by each
// attribute, by each pair of attributes, with the shared counts.
func (d *Dataset) item(v *Variable) *item {
	d.mu.Lock()
	defer d.mu.Unlock()
	if it := d.items[v.ID]; it != nil {
		return it
	}
	s := d.shared.clone()
	it := &item{s: s, by: map[string][]int{}, cross: map[string][]int{}}
	d.items[v.ID] = it
	if c := d.attrOf(v); c != "" { // its tables are the groups and pairs of groups
		it.overall = d.gCell[c]
		return it
	}
	nv, vc := len(v.Values), d.codes[v.ID]
	grid := func(n int, at func(r int) int) []int {
		counts := make([]int, n)
		for r := range vc {
			counts[at(r)]++
		}
		cs := make([]int, n)
		for i, c := range counts {
			cs[i] = s.cell(c, false, d.K)
		}
		return cs
	}
	it.overall = grid(nv, func(r int) int { return int(vc[r]) })
	s.equation(d.nCell, it.overall)
	attrs := d.Attrs()
	for _, a := range attrs {
		ng, gc := len(d.groups[a]), d.gcode[a]
		it.by[a] = grid(ng*nv, func(r int) int { return int(gc[r])*nv + int(vc[r]) })
		d.lines(s, it.by[a], []int{ng, nv}, [][]int{it.overall, d.gCell[a]})
	}
	if d.ghidden == nil {
		for i, a := range attrs {
			for _, b := range attrs[i+1:] {
				na, nb, ca, cb := len(d.groups[a]), len(d.groups[b]), d.gcode[a], d.gcode[b]
				cs := grid(na*nb*nv, func(r int) int { return (int(ca[r])*nb+int(cb[r]))*nv + int(vc[r]) })
				d.lines(s, cs, []int{na, nb, nv}, [][]int{it.by[b], it.by[a], d.acCell[a+"|"+b]})
				it.cross[a+"|"+b] = cs
			}
		}
	}
	d.suppress(s)
	return it
}

func (d *Dataset) mean(v *Variable, in func(r int) bool) *float64 {
	sum, n := 0.0, 0
	switch v.Type {
	case Scale5:
		for r, c := range d.codes[v.ID] {
			if v.Values[c] != "" && in(r) {
				f, _ := strconv.ParseFloat(v.Values[c], 64)
				sum, n = sum+f, n+1
			}
		}
	case Number:
		nums := d.nums[v.QID]
		for r, c := range d.codes[v.ID] {
			if c == 0 && in(r) {
				sum, n = sum+nums[r], n+1
			}
		}
	default:
		return nil
	}
	if n < d.K {
		return nil
	}
	m := sum / float64(n)
	return &m
}

// rowMean is the mean of a row when it may be shown: every cell of the row
// published (a mean and the published cells would otherwise pin down the
// hidden ones).
func (d *Dataset) rowMean(v *Variable, cs []Cell, in func(r int) bool) *float64 {
	for _, c := range cs {
		if c.Hidden {
			return nil
		}
	}
	return d.mean(v, in)
}

func (d *Dataset) totalRow(v *Variable) Row {
	counts, hidden := d.overall(v)
	cs := cells(counts, hidden)
	lbl := "全体"
	if d.locale == "en" {
		lbl = "All"
	}
	return Row{Label: lbl, N: Cell{Count: d.N, Hidden: !d.published()}, Cells: cs, Mean: d.rowMean(v, cs, func(int) bool { return true })}
}

// Overall is the distribution of variable id over everyone.
func (d *Dataset) Overall(id string) (*Table, error) {
	v, ok := d.byID[id]
	if !ok || d.linkedOnly(v) {
		return nil, ErrNoBreakdown
	}
	if !d.published() {
		return nil, ErrTooFew
	}
	return &Table{Var: v, Total: d.totalRow(v)}, nil
}

// Breakdown is variable id by the groups of attr.
func (d *Dataset) Breakdown(id, attr string) (*Table, error) {
	v, ok := d.byID[id]
	gs, okA := d.groups[attr]
	if !ok || !okA || d.attrOf(v) == attr || d.linkedOnly(v) {
		return nil, ErrNoBreakdown
	}
	if !d.published() {
		return nil, ErrTooFew
	}
	counts, hidden := d.byAttr(v, attr)
	nv := len(v.Values)
	t := &Table{Var: v, Attrs: []string{attr}, Total: d.totalRow(v)}
	gc := d.gcode[attr]
	for gi, g := range gs {
		cs := cells(counts[gi*nv:(gi+1)*nv], hidden[gi*nv:(gi+1)*nv])
		gi8 := uint8(gi)
		n := Cell{Count: g.N}
		if d.ghidden[attr] != nil && d.ghidden[attr][gi] {
			n = Cell{Hidden: true}
		}
		t.Rows = append(t.Rows, Row{Label: g.Label(), N: n, Cells: cs,
			Mean: d.rowMean(v, cs, func(r int) bool { return gc[r] == gi8 })})
	}
	return t, nil
}

// Cross is variable id by the groups of two attributes: a row per pair of
// groups, its size published or hidden as in the two-attribute table.
func (d *Dataset) Cross(id, a, b string) (*Table, error) {
	v, ok := d.byID[id]
	ga, okA := d.groups[a]
	gb, okB := d.groups[b]
	// An attribute question by two more attributes would be a third
	// arrangement of three-attribute counts: not offered. Nor is a linked
	// dataset by two attributes: its pairs of groups are not protected
	// against the post-trial survey's (only its groups are).
	if !ok || !okA || !okB || a == b || d.attrOf(v) != "" || d.ghidden != nil {
		return nil, ErrNoBreakdown
	}
	if slices.Index(AttrKeys, a) > slices.Index(AttrKeys, b) {
		// One canonical table per pair, whichever way it is asked for.
		a, b, ga, gb = b, a, gb, ga
	}
	if !d.published() {
		return nil, ErrTooFew
	}
	counts, hidden, ab, hAB := d.cross(v, a, b)
	nb, nv := len(gb), len(v.Values)
	t := &Table{Var: v, Attrs: []string{a, b}, Total: d.totalRow(v)}
	ca, cb := d.gcode[a], d.gcode[b]
	for i, g := range ga {
		for j, h := range gb {
			k := i*nb + j
			cs := cells(counts[k*nv:(k+1)*nv], hidden[k*nv:(k+1)*nv])
			n := Cell{Count: ab[k], Hidden: hAB[k]}
			if n.Hidden {
				n.Count = 0
			}
			i8, j8 := uint8(i), uint8(j)
			t.Rows = append(t.Rows, Row{Label: g.Label() + " × " + h.Label(), N: n, Cells: cs,
				Mean: d.rowMean(v, cs, func(r int) bool { return ca[r] == i8 && cb[r] == j8 })})
		}
	}
	return t, nil
}

// Texts are the free text answers to question id, sorted (no order that
// could be matched with anything), only when at least K people answered
// the survey. The caller shows them only when the survey allows it, and
// never next to attributes.
func (d *Dataset) Texts(id string) []string {
	if !d.published() {
		return nil
	}
	return d.texts[id]
}
