package i18n

import (
	"regexp"
	"slices"
	"testing"
)

var keyRE = regexp.MustCompile(`(?m)^"([^"]+)"\s*=`)

// TestBothLanguagesHaveTheSameMessages keeps ja.toml and en.toml in step:
// a key in one file only would show its id to half the users.
func TestBothLanguagesHaveTheSameMessages(t *testing.T) {
	keys := map[string][]string{}
	for _, l := range Langs {
		b, err := files.ReadFile("messages/" + l + ".toml")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllSubmatch(b, -1) {
			keys[l] = append(keys[l], string(m[1]))
		}
		slices.Sort(keys[l])
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
