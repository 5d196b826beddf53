package i18n

import (
	"regexp"
	"slices"
	"telework/internal/apperr"
	"testing"
)

var keyRE = regexp.MustCompile(`(?m)^"([^"]+)"\s*=`)

// TestBothLanguagesHaveTheSameMessages keeps the ja and en message files
// in step: a key in one language only would show its id to half the
// users; a key defined twice would make one definition silently win.
func TestBothLanguagesHaveTheSameMessages(t *testing.T) {
	keys := map[string][]string{}
	for _, l := range Langs {
		for _, name := range MessageFiles(l) {
			b, err := files.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range keyRE.FindAllSubmatch(b, -1) {
				keys[l] = append(keys[l], string(m[1]))
			}
		}
		slices.Sort(keys[l])
		for i := 1; i < len(keys[l]); i++ {
			if keys[l][i] == keys[l][i-1] {
				t.Errorf("%s is defined twice in the %s messages", keys[l][i], l)
			}
		}
	}
	for _, k := range keys["ja"] {
		if _, ok := slices.BinarySearch(keys["en"], k); !ok {
			t.Errorf("%s is in ja.toml but not in en.toml", k)
		}
	}
	for _, k := range keys["en"] {
		if _, ok := slices.BinarySearch(keys["ja"], k); !ok {
			t.Errorf("%s is in en.toml but not in ja.toml", k)
		}
	}
}

// An unknown member is named as it was sent, even when another field
// elsewhere has a label under the same name.
func TestUnknownFieldIsNamedAsSent(t *testing.T) {
	var v apperr.Validation
	v.Add("days", "field.unknown", nil)
	for lang, want := range map[string]string{"ja": "「days」という項目はありません。", "en": "There is no field days."} {
		if got := FieldMessages(lang, v.Err())["days"]; got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}
