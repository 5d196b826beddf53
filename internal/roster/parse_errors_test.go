package roster

import (
	"strings"
	"testing"
)

// TestParseErrorsSayWhatIsWrong: a file saved with a byte order mark is
// read; a wrong type names the member and what it must be (not Go's struct
// and field names); bad JSON and an empty file say so.
func TestParseErrorsSayWhatIsWrong(t *testing.T) {
	ok := `{"schema":"roster-instance/1","name":"alt","days":["2026-06-01","2026-06-02"],"staff":[{"id":"a"},{"id":"b"}],
		"minOnsite":[1,1],"maxTelePerWeek":1,"cohorts":null,"targetReduction":0.5,"previousPlan":null,"weights":{"fairness":1}}`
	if _, err := ParseInstance([]byte(ok)); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseInstance(append([]byte("\xef\xbb\xbf"), ok...)); err != nil {
		t.Errorf("with a byte order mark: %v", err)
	}
	for _, tc := range []struct{ in, want, not string }{
		{strings.Replace(ok, `"maxTelePerWeek":1`, `"maxTelePerWeek":2.5`, 1), "maxTelePerWeek must be an integer, not the JSON number", "Go struct"},
		{`{"days":["2030-01-07"],`, "not valid JSON", ""},
		{``, "empty", ""},
		{`{"days": 3}`, "days must be an array", "Go struct"},
	} {
		_, err := ParseInstance([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) || tc.not != "" && strings.Contains(err.Error(), tc.not) {
			t.Errorf("%q: %v, want %q", tc.in, err, tc.want)
		}
	}
}
