package roster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"time"
)

// checkShapes checks the JSON types of an instance's members on a generic
// decoding, so that an error names the item — duties[1] (phone).minOnsite[3],
// staff[4].id, preferences[2].day — and what it must be. Values and
// cross-references are compile's; a document that is not JSON at all is
// left to the typed decoding, which says where the syntax breaks.
func checkShapes(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return nil
	}
	top, ok := raw.(map[string]any)
	if !ok {
		return malformed("the instance must be a JSON object {\"schema\": \"roster-instance/1\", …}, not %s", jsonDescribe(raw))
	}
	var err error
	fail := func(path, want string, v any) {
		if err == nil {
			err = malformed("%s must be %s, not %s", path, want, jsonDescribe(v))
		}
	}
	isStr := func(v any) bool { _, ok := v.(string); return ok }
	isInt := func(v any) bool {
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, ok = new(big.Int).SetString(string(n), 10)
		return ok
	}
	// nonNegInts checks an array of non-negative integers (a per-day list).
	nonNegInts := func(path string, v any) {
		arr, ok := v.([]any)
		if !ok {
			fail(path, "an array of non-negative integers (one per day)", v)
			return
		}
		for i, e := range arr {
			if !isInt(e) || string(e.(json.Number))[0] == '-' {
				fail(fmt.Sprintf("%s[%d]", path, i), "a non-negative integer", e)
				return
			}
		}
	}
	// eachObject runs fn on each object of an array of objects, in order,
	// until fn says stop or an element is not an object.
	eachObject := func(path string, v any, shape string, fn func(i int, o map[string]any) bool) {
		arr, isArr := v.([]any)
		if !isArr {
			fail(path, "an array of objects", v)
		}
		for i, e := range arr {
			o, ok := e.(map[string]any)
			if !ok {
				fail(fmt.Sprintf("%s[%d]", path, i), shape, e)
				return
			}
			if !fn(i, o) {
				return
			}
		}
	}
	strArr := func(path string, v any, what string) {
		arr, ok := v.([]any)
		if !ok {
			fail(path, "an array of "+what, v)
			return
		}
		for i, e := range arr {
			if !isStr(e) {
				fail(fmt.Sprintf("%s[%d]", path, i), "a string", e)
				return
			}
		}
	}
	if v, ok := top["days"]; ok {
		strArr("days", v, "ISO dates")
	}
	if v, ok := top["staff"]; ok {
		eachObject("staff", v, "an object {\"id\": …}", func(i int, st map[string]any) bool {
			id, _ := st["id"].(string)
			where := fmt.Sprintf("staff[%d]", i)
			if id == "" {
				fail(where+".id", "a non-empty string", st["id"])
				return false
			}
			where = fmt.Sprintf("staff[%d] (%s)", i, id)
			if q, ok := st["qualifications"]; ok {
				// verify.py reads an absent list as none and refuses null.
				strArr(where+".qualifications", q, "duty ids (or left out, meaning none)")
			}
			if c, ok := st["cohort"]; ok && c != nil && !isStr(c) {
				fail(where+".cohort", "a string (a cohort name) or null", c)
			}
			if n, ok := st["name"]; ok && n != nil && !isStr(n) {
				fail(where+".name", "a string", n)
			}
			return true
		})
	}
	if v, ok := top["minOnsite"]; ok {
		nonNegInts("minOnsite", v)
	}
	if v, ok := top["duties"]; ok && v != nil {
		eachObject("duties", v, "an object {\"id\": …, \"minOnsite\": […]}", func(i int, du map[string]any) bool {
			id, ok := du["id"].(string)
			if !ok {
				fail(fmt.Sprintf("duties[%d].id", i), "a string", du["id"])
				return false
			}
			nonNegInts(fmt.Sprintf("duties[%d] (%s).minOnsite", i, id), du["minOnsite"])
			if n, ok := du["name"]; ok && n != nil && !isStr(n) {
				fail(fmt.Sprintf("duties[%d] (%s).name", i, id), "a string", n)
			}
			return true
		})
	}
	if v, ok := top["leave"]; ok && v != nil {
		m, isObj := v.(map[string]any)
		if !isObj {
			fail("leave", "an object {staff id: [dates]}", v)
		}
		for sid, days := range m {
			strArr(fmt.Sprintf("leave[%q]", sid), days, "dates")
		}
	}
	if v, ok := top["maxTelePerWeek"]; ok && v != nil && !isInt(v) {
		fail("maxTelePerWeek", "null or a non-negative integer", v)
	}
	if v, ok := top["cohorts"]; ok && v != nil {
		c, isObj := v.(map[string]any)
		if !isObj {
			fail("cohorts", "null or an object {\"names\": […], \"neverMeet\": …}", v)
		} else {
			if n, ok := c["names"]; ok && n != nil {
				strArr("cohorts.names", n, "cohort names")
			}
			if nm, ok := c["neverMeet"]; ok && nm != nil {
				if _, isBool := nm.(bool); !isBool {
					fail("cohorts.neverMeet", "true or false", nm)
				}
			}
		}
	}
	if v, ok := top["preferences"]; ok && v != nil {
		arr, isArr := v.([]any)
		if !isArr {
			fail("preferences", "an array of objects", v)
		}
		for i, e := range arr {
			pr, ok := e.(map[string]any)
			if !ok {
				fail(fmt.Sprintf("preferences[%d]", i), "an object {\"staff\", \"day\", \"mode\"}", e)
				break
			}
			for _, k := range []string{"staff", "day", "mode"} {
				if !isStr(pr[k]) {
					fail(fmt.Sprintf("preferences[%d].%s", i, k), "a string", pr[k])
				}
			}
		}
	}
	if v, ok := top["previousPlan"]; ok && v != nil {
		m, isObj := v.(map[string]any)
		if !isObj {
			fail("previousPlan", "null or an object {staff id: [modes]}", v)
		}
		for sid, row := range m {
			strArr(fmt.Sprintf("previousPlan[%q]", sid), row, "ONSITE/TELE/LEAVE")
		}
	}
	// Weights: verify.py reads fairness, preference and change (absent: 0)
	// and ignores any other key; every violation weight it reads, known
	// family or not. A bool is no number there either.
	isNum := func(v any) bool { _, ok := v.(json.Number); return ok }
	if v, ok := top["weights"]; ok && v != nil {
		if w, isObj := v.(map[string]any); !isObj {
			fail("weights", "an object {\"fairness\": …, \"preference\": …, \"change\": …}", v)
		} else {
			for _, k := range []string{"fairness", "preference", "change"} {
				if x, ok := w[k]; ok && !isNum(x) {
					fail("weights."+k, "a number (or left out, meaning 0)", x)
				}
			}
		}
	}
	if v, ok := top["violationWeights"]; ok && v != nil {
		if w, isObj := v.(map[string]any); !isObj {
			fail("violationWeights", "an object {family: number}", v)
		} else {
			for _, k := range slices.Sorted(maps.Keys(w)) {
				if !isNum(w[k]) {
					fail("violationWeights."+k, "a number", w[k])
				}
			}
		}
	}
	if v, ok := top["fairness"]; ok && v != nil {
		if fz, isObj := v.(map[string]any); isObj {
			// verify.py reads an absent tolerance as 0 and refuses null.
			if t, ok := fz["tolerance"]; ok && t == nil {
				fail("fairness.tolerance", "a number (or left out, meaning 0)", t)
			}
		}
	}
	return err
}

// jsonDescribe names a decoded JSON value for an error message.
func jsonDescribe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "the JSON " + strconv.FormatBool(x)
	case json.Number:
		return "the JSON number " + string(x)
	case string:
		if len(x) > 40 {
			x = x[:40] + "…"
		}
		return "the JSON string " + strconv.Quote(x)
	case []any:
		return "a JSON array"
	case map[string]any:
		return "a JSON object"
	}
	return fmt.Sprintf("%v", v)
}

// parseISODate reads the ISO 8601 calendar and week dates verify.py reads
// (Python's date.fromisoformat): 2026-06-01, 20260601, 2026-W23-1,
// 2026W231, 2026-W23 and 2026W23 (the Monday).
func parseISODate(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", "20060102"} {
		if len(s) == len(layout) {
			if t, err := time.Parse(layout, s); err == nil {
				return t, nil
			}
		}
	}
	digits := func(x string) (int, bool) {
		if x == "" {
			return 0, false
		}
		for _, r := range x {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
		n, err := strconv.Atoi(x)
		return n, err == nil
	}
	bad := fmt.Errorf("not an ISO date: %q", s)
	if len(s) < 7 {
		return time.Time{}, bad
	}
	year, ok := digits(s[:4])
	if !ok || year < 1 {
		return time.Time{}, bad
	}
	rest := s[4:]
	ext := rest[0] == '-'
	if ext {
		rest = rest[1:]
	}
	if len(rest) < 3 || rest[0] != 'W' {
		return time.Time{}, bad
	}
	week, ok := digits(rest[1:3])
	if !ok {
		return time.Time{}, bad
	}
	rest = rest[3:]
	day := 1
	switch {
	case rest == "":
	case ext && len(rest) == 2 && rest[0] == '-':
		day, ok = digits(rest[1:])
	case !ext && len(rest) == 1:
		day, ok = digits(rest)
	default:
		ok = false
	}
	if !ok || day < 1 || day > 7 || week < 1 || week > 53 {
		return time.Time{}, bad
	}
	// Monday of week 1 is the Monday on or before 4 January.
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
	mon := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	t := mon.AddDate(0, 0, (week-1)*7+day-1)
	if y, w := t.ISOWeek(); y != year || w != week {
		return time.Time{}, bad // week 53 of a year with 52
	}
	return t, nil
}
