package roster

import (
	"strings"
	"testing"
	"time"
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
		{strings.Replace(ok, `"maxTelePerWeek":1`, `"maxTelePerWeek":2.5`, 1), "maxTelePerWeek must be null or a non-negative integer, not the JSON number 2.5", "Go struct"},
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

// TestParseErrorsNameTheItem: a malformed member is named with its index
// (and id where it has one) and what it must be; what verify.py accepts is
// accepted (a cap beyond any week, an empty duty id, basic-format and week
// dates), and what it refuses is refused (fairness.tolerance null).
func TestParseErrorsNameTheItem(t *testing.T) {
	base := `{"schema":"roster-instance/1","name":"x","days":["2026-06-01","2026-06-02"],
		"staff":[{"id":"a","qualifications":["counter"]},{"id":"b"}],"minOnsite":[1,1],
		"duties":[{"id":"counter","minOnsite":[0,1]}],"maxTelePerWeek":1,"cohorts":null,"targetReduction":0.5,
		"preferences":[{"staff":"a","day":"2026-06-01","mode":"TELE"}],"previousPlan":null,"weights":{"fairness":1}}`
	if _, err := ParseInstance([]byte(base)); err != nil {
		t.Fatal(err)
	}
	rep := func(old, new string) string {
		if !strings.Contains(base, old) {
			t.Fatalf("%q not in the base instance", old)
		}
		return strings.Replace(base, old, new, 1)
	}
	for _, tc := range []struct {
		name, in, want string // want "" = accepted
	}{
		{"duty element", rep(`"minOnsite":[0,1]}`, `"minOnsite":[0,"x"]}`), `duties[0] (counter).minOnsite[1] must be a non-negative integer, not the JSON string "x"`},
		{"duty negative", rep(`"minOnsite":[0,1]}`, `"minOnsite":[0,-2]}`), `duties[0] (counter).minOnsite[1] must be a non-negative integer`},
		{"staff id number", rep(`{"id":"b"}`, `{"id":7}`), `staff[1].id must be a non-empty string, not the JSON number 7`},
		{"qualification", rep(`"qualifications":["counter"]`, `"qualifications":[3]`), `staff[0] (a).qualifications[0] must be a string`},
		{"minOnsite element", rep(`"minOnsite":[1,1]`, `"minOnsite":[1,1.5]`), `minOnsite[1] must be a non-negative integer, not the JSON number 1.5`},
		{"top-level array", `[]`, `the instance must be a JSON object`},
		{"top-level string", `"x"`, `the instance must be a JSON object`},
		{"preference staff", rep(`{"staff":"a","day"`, `{"staff":"zz","day"`), `preferences[0]: staff "zz" is not a staff id`},
		{"preference day", rep(`"day":"2026-06-01"`, `"day":"2026-06-03"`), `preferences[0] of a: day "2026-06-03" is not one of days`},
		{"preference mode", rep(`"mode":"TELE"`, `"mode":"HOME"`), `mode "HOME" must be ONSITE or TELE`},
		{"preference type", rep(`"mode":"TELE"`, `"mode":1`), `preferences[0].mode must be a string`},
		{"leave element", rep(`"cohorts":null`, `"cohorts":null,"leave":{"a":[20260601]}`), `leave["a"][0] must be a string`},
		{"cap fraction", rep(`"maxTelePerWeek":1`, `"maxTelePerWeek":2.5`), `maxTelePerWeek must be null or a non-negative integer, not the JSON number 2.5`},
		{"cap negative", rep(`"maxTelePerWeek":1`, `"maxTelePerWeek":-1`), `maxTelePerWeek must be null or a non-negative integer, not the JSON number -1`},
		{"cap huge", rep(`"maxTelePerWeek":1`, `"maxTelePerWeek":100000000000000000000`), ``},
		{"tolerance null", rep(`"weights"`, `"fairness":{"reference":"mean","tolerance":null},"weights"`), `fairness.tolerance must be a number`},
		{"tolerance absent", rep(`"weights"`, `"fairness":{"reference":"mean"},"weights"`), ``},
		{"empty duty id", strings.ReplaceAll(base, `"counter"`, `""`), ``},
		{"basic dates", strings.ReplaceAll(base, `2026-06-0`, `2026060`), ``},
		{"week dates", strings.ReplaceAll(strings.ReplaceAll(base, `2026-06-01`, `2026-W23-1`), `2026-06-02`, `2026W232`), ``},
		{"bad date", rep(`"2026-06-02"]`, `"2026-02-30"]`), `bad date in days: "2026-02-30" (days[1]`},
		{"week 53 of a 52-week year", rep(`"2026-06-02"]`, `"2025-W53-1"]`), `bad date in days`},
		{"weights array", rep(`"weights":{"fairness":1}`, `"weights":[1]`), `weights must be an object`},
		// What verify.py reads of the weights (reviewer's cases): its three
		// keys must be numbers (a bool is none); other keys are ignored;
		// every violation weight must be a number.
		{"weight bool", rep(`"weights":{"fairness":1}`, `"weights":{"fairness":1,"change":true}`), `weights.change must be a number (or left out, meaning 0), not the JSON true`},
		{"weight string", rep(`"weights":{"fairness":1}`, `"weights":{"fairness":"1"}`), `weights.fairness must be a number`},
		{"weight null", rep(`"weights":{"fairness":1}`, `"weights":{"fairness":null}`), `weights.fairness must be a number`},
		{"weight unknown key", rep(`"weights":{"fairness":1}`, `"weights":{"fairness":1,"note":"x","flag":true}`), ``},
		{"violation weight string", rep(`"weights"`, `"violationWeights":{"leave":"x"},"weights"`), `violationWeights.leave must be a number, not the JSON string "x"`},
		{"violation weight unknown number", rep(`"weights"`, `"violationWeights":{"leave":3},"weights"`), ``},
		{"qualifications null", rep(`"qualifications":["counter"]`, `"qualifications":null`), `staff[0] (a).qualifications must be an array of duty ids`},
		{"qualifications absent", rep(`,"qualifications":["counter"]`, ``), ``},
	} {
		in, err := ParseInstance([]byte(tc.in))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v, want accepted", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		case tc.want != "" && strings.Contains(err.Error(), "plain."):
			t.Errorf("%s: %v names the decoder's wrapper", tc.name, err)
		}
		if tc.name == "cap huge" && err == nil {
			if in.MaxTelePerWeek == nil || *in.MaxTelePerWeek != 7 {
				t.Errorf("cap huge: read as %v, want 7 (no week has more days)", in.MaxTelePerWeek)
			}
			if _, err := Solve(in, Options{TimeLimit: time.Second}); err != nil {
				t.Errorf("cap huge: %v", err)
			}
		}
		if tc.name == "week dates" && err == nil {
			pb, _ := in.compile()
			if pb.nWeeks != 1 || jaDay(in.Days[1]) != "6月2日" {
				t.Errorf("week dates: %d weeks, day 2 %s; want one week and 6月2日", pb.nWeeks, jaDay(in.Days[1]))
			}
		}
	}
}
