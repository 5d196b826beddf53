package tasks

import "testing"

func names(ss []Suggestion) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Name)
	}
	return out
}

func TestSuggestions(t *testing.T) {
	cases := []struct {
		q     string
		tasks bool
		first string
		n     int
	}{
		{"じんじ", false, "人事給与システム", 1},
		{"ジンジ", false, "人事給与システム", 1},        // カタカナ
		{"ｼﾞﾝｼﾞ", false, "人事給与システム", 1},      // 半角カナ
		{"財務", false, "財務会計システム", 1},         // prefix of the name
		{"システム", false, "住民記録システム", 14},      // contained, in catalogue order
		{"しりょう", true, "資料作成業務", 1},          // type by its reading
		{"会議", true, "会議議事録作成", 2},           // example by prefix, then contained
		{"窓口", true, "紙書類での申請・届出等への対応事務", 1}, // contained in an example: offered under its type
		{"議", true, "議会対応", 1},               // one character: prefix only
		{"", true, "", 0},
	}
	for _, c := range cases {
		var got []Suggestion
		if c.tasks {
			got = SuggestTasks(c.q, 0)
		} else {
			got = SuggestSystems(c.q, 0)
		}
		if len(got) != c.n {
			t.Errorf("%q: %d suggestions %v, want %d", c.q, len(got), names(got), c.n)
			continue
		}
		if c.n > 0 && got[0].Name != c.first && !(c.q == "窓口" && got[0].Type == c.first) {
			t.Errorf("%q: first %q (%v), want %q", c.q, got[0].Name, names(got), c.first)
		}
	}
	if s := SuggestTasks("けんたい", 0); len(s) != 0 {
		t.Errorf("examples have no reading: %v", names(s))
	}
	if s := SuggestTasks("こじんばんごう", 0); len(s) != 1 || s[0].Level != Level4 || s[0].Figure != "図表17" || len(s[0].Tips) != 1 {
		t.Errorf("%+v", s)
	}
}
