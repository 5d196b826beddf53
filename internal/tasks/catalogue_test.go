package tasks

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/width"
)

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
		{"会議", true, "会議議事録作成", 3},           // example by prefix, then contained
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

// TestTaskTypesAsTheGuideWritesThem: every task type of 図表14〜17 is named
// as the guide names it, and every example and tip of the catalogue is the
// guide's (its words, spaces and the width of brackets aside; a tip may
// shorten the guide's sentence, so it is checked by its first words).
func TestTaskTypesAsTheGuideWritesThem(t *testing.T) {
	var guide []byte
	for _, dir := range []string{"../../../shared/reference", "../../../../shared/reference", "../../../../../shared/reference"} {
		if b, err := os.ReadFile(filepath.Join(dir, "telework-guide-soumu-2021.txt")); err == nil {
			guide = b
			break
		}
	}
	if guide == nil {
		t.Skip("the guide's text (shared/reference/telework-guide-soumu-2021.txt) is not beside the repository")
	}
	norm := func(s string) string {
		s = width.Fold.String(s)
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	text := norm(string(guide))
	for _, tt := range TaskTypes {
		if !strings.Contains(text, norm(tt.Name)) {
			t.Errorf("type %q is not the guide's", tt.Name)
		}
		for _, ex := range tt.Examples {
			// The guide nests some examples (職員の個人情報扱う業務 - 人事給与システム …).
			head := []rune(norm(ex))
			if !strings.Contains(text, string(head[:min(len(head), 6)])) {
				t.Errorf("%s: example %q is not the guide's", tt.Name, ex)
			}
		}
	}
	tips := map[string][]string{}
	for _, tt := range TaskTypes {
		tips[tt.Name] = tt.Tips
	}
	for typ, want := range map[string]string{
		"資料作成業務": "事前に資料の内容の方向性を調整",
		"現場での確認・調査・情報発信等を行う業務": "イベントの状況を外出先から団体のWebサイトに反映",
	} {
		if !slices.ContainsFunc(tips[typ], func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("%s: the guide's tip %q is missing", typ, want)
		}
	}
}
