package survey

import "slices"

// Pre/post comparison (Step 5: 事前と事後を比較). The answers of one person
// to the pre-trial and the post-trial survey carry the same pseudonym
// (HMAC of the staff id under the surveys' shared key), so they can be
// paired without knowing whose they are. For each 5-point item asked in
// both, a pair is 改善 (the post answer is higher, or lower where a higher
// answer is worse), 変化なし or 悪化; the
// comparison is a dataset of its own, tabulated with the same rules.

// Change values of a compared item.
const (
	ChangeUp   = "up"
	ChangeSame = "same"
	ChangeDown = "down"
)

// ComparePrefix starts the id of a compared item ("Δr01").
const ComparePrefix = "Δ"

// lowerIsBetter lists the compared items where a higher answer is the
// worse outcome: 「普段発生しない経費があったか」 (r15) — more unexpected
// expenses than expected is no improvement. Every other 5-point item of
// 図表7 asks about a benefit.
var lowerIsBetter = map[string]bool{"r15": true}

// Pair is one person's pre and post answers.
type Pair struct{ Pre, Post Answer }

// Compared lists the 5-point items asked in both questionnaires.
func Compared(pre, post []Question) []Question {
	var out []Question
	for _, q := range post {
		if q.Type != Scale5 {
			continue
		}
		for _, p := range pre {
			if p.ID == q.ID && p.Type == Scale5 {
				out = append(out, q)
			}
		}
	}
	return out
}

// NewComparison tabulates the changes of the pairs. post is the post-trial
// dataset (its attribute groups are used, so a group of the comparison is
// a subset of the same group of the post-trial results) and nPre the
// number of pre-trial answers. The comparison's total is hidden unless it
// and its differences from both surveys' totals are 0 or ≥ K; a group is
// hidden (with everything in it) when it or its difference from the same
// post-trial group is 1..K-1, then protected with the rest (buildShared).
func NewComparison(post *Dataset, postQs []Question, compared []Question, pairs []Pair, nPre int, locale string) *Dataset {
	qs := make([]Question, 0, len(compared)+6)
	var attrs []Question
	for _, q := range postQs {
		if q.Attr != "" {
			attrs = append(attrs, q)
		}
	}
	qs = append(qs, attrs...)
	lbl := map[string][3]string{"ja": {"改善", "変化なし", "悪化"}, "en": {"Improved", "Unchanged", "Worsened"}}[locale]
	if lbl[0] == "" {
		lbl = [3]string{"改善", "変化なし", "悪化"}
	}
	for _, q := range compared {
		qs = append(qs, Question{ID: ComparePrefix + q.ID, Type: Single, Text: q.Text, TextEn: q.TextEn,
			Options: []Option{{Value: ChangeUp, Label: lbl[0]}, {Value: ChangeSame, Label: lbl[1]}, {Value: ChangeDown, Label: lbl[2]}}})
	}
	answers := make([]Answer, len(pairs))
	for i, p := range pairs {
		a := Answer{}
		for _, q := range attrs {
			a[q.ID] = p.Post[q.ID]
		}
		for _, q := range compared {
			pre, post := p.Pre[q.ID], p.Post[q.ID]
			if len(pre) != 1 || len(post) != 1 {
				continue
			}
			if !q.Custom && lowerIsBetter[q.ID] {
				pre, post = post, pre
			}
			switch {
			case post[0] > pre[0]:
				a[ComparePrefix+q.ID] = []string{ChangeUp}
			case post[0] < pre[0]:
				a[ComparePrefix+q.ID] = []string{ChangeDown}
			default:
				a[ComparePrefix+q.ID] = []string{ChangeSame}
			}
		}
		answers[i] = a
	}
	d := newDataset(qs, answers, locale)
	small := func(n int) bool { return n > 0 && n < d.K }
	d.nHidden = d.N < d.K || small(post.N-d.N) || small(nPre-d.N)
	d.ghidden, d.postN, d.postG = map[string][]bool{}, post.N, map[string][]int{}
	for attr, q := range d.attrQ {
		pg, ok := post.groups[attr]
		if !ok {
			continue
		}
		v := d.byID[q.ID]
		counts := make([]int, len(v.Values))
		for _, c := range d.codes[q.ID] {
			counts[c]++
		}
		groups := make([][]int, len(pg))
		for gi, g := range pg {
			for _, val := range g.Values {
				groups[gi] = append(groups[gi], slices.Index(v.Values, val))
			}
		}
		d.applyGroups(attr, v, counts, groups)
		for _, g := range pg {
			d.postG[attr] = append(d.postG[attr], g.N)
		}
	}
	d.buildShared()
	for attr, cs := range d.gCell {
		_, d.ghidden[attr] = d.shared.read(cs)
	}
	return d
}

// GroupHidden reports whether a group's size is hidden (comparisons only).
func (d *Dataset) GroupHidden(attr string, gi int) bool {
	return d.ghidden[attr] != nil && d.ghidden[attr][gi]
}
