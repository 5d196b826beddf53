package staffio

import (
	"strings"
	"unicode"

	"telework/internal/policy"
	"telework/internal/tabular"
)

// The policy facts as staff-file columns (テレワーク端末, 育児・介護の事由, 派遣中,
// 試行の対象者): optional, read like the other columns (○/✓/はい/1 for yes,
// blank/×/いいえ/0 for no), compared with what is stored, and written in
// the import's transaction with an audit entry per person whose facts
// change. A file without a fact column leaves the stored facts alone.

var factColumns = []string{"fact_terminal", "fact_reasons", "fact_seconded", "fact_trial"}

// reasonChoice reads the 育児・介護の事由 cell: a list of reasons.
var reasonChoice = newChoice("fact_reasons", policy.Reasons, map[string][]string{
	"childcare": {"育児", "子育て", "育児のため"},
	"nursing":   {"介護", "介護のため"},
})

// reasonNames is the export form of reasons: 育児、介護.
func reasonNames(rs []string) string {
	var out []string
	for _, r := range policy.Reasons {
		for _, x := range rs {
			if x == r {
				out = append(out, reasonChoice.name(r))
			}
		}
	}
	return strings.Join(out, "、")
}

// parseReasons reads 育児、介護 / 育児・介護 / 育児,介護 / なし.
func parseReasons(v string) ([]string, bool) {
	if f := foldValue(v); f == "" || f == foldValue("なし") || f == foldValue("無") || f == "-" || f == "ー" {
		return nil, true
	}
	var out []string
	for _, part := range strings.FieldsFunc(v, func(r rune) bool {
		return r == '、' || r == ',' || r == '，' || r == '・' || r == '/' || r == '／' || r == ';' || unicode.IsSpace(r)
	}) {
		r, ok := reasonChoice.parse(part)
		if !ok {
			return nil, false
		}
		out = append(out, r)
	}
	return policy.KnownReasons(out), true
}

// readFacts reads the row's fact columns over the stored facts; nil when
// the file has none.
func readFacts(rs *rowState, h *header, r tabular.Row, before policy.Facts) *policy.Facts {
	present := false
	for _, k := range factColumns {
		present = present || h.has(k)
	}
	if !present {
		return nil
	}
	f := before
	f.Reasons = append([]string(nil), before.Reasons...)
	flag := func(key string, dst *bool) {
		if !h.has(key) {
			return
		}
		v := h.cell(r, key)
		b, ok := parseFlag(v)
		if !ok {
			rs.fail("import.flag", key, map[string]any{"Value": v})
			return
		}
		*dst = b
	}
	flag("fact_terminal", &f.HasTerminal)
	flag("fact_seconded", &f.Seconded)
	flag("fact_trial", &f.Trial)
	if h.has("fact_reasons") {
		v := h.cell(r, "fact_reasons")
		list, ok := parseReasons(v)
		if !ok {
			rs.fail("import.choice", "fact_reasons", map[string]any{"Value": v, "Allowed": reasonChoice.allowed() + "、なし"})
		} else {
			f.Reasons = list
		}
	}
	return &f
}

// factsDiff lists the fact columns whose value changes.
func factsDiff(h *header, before policy.Facts, after *policy.Facts) []FieldChange {
	if after == nil {
		return nil
	}
	var out []FieldChange
	add := func(key, b, a string) {
		if h.has(key) && b != a {
			out = append(out, FieldChange{Field: key, Column: h.column(key), Before: b, After: a})
		}
	}
	add("fact_terminal", flagName(before.HasTerminal), flagName(after.HasTerminal))
	add("fact_reasons", reasonNames(before.Reasons), reasonNames(after.Reasons))
	add("fact_seconded", flagName(before.Seconded), flagName(after.Seconded))
	add("fact_trial", flagName(before.Trial), flagName(after.Trial))
	return out
}

// factCells are the export's fact columns of one person.
func factCells(f policy.Facts) []string {
	return []string{flagName(f.HasTerminal), reasonNames(f.Reasons), flagName(f.Seconded), flagName(f.Trial)}
}
