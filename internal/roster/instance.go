// Package roster owns the rotation-roster planner of SPEC §7: given one
// section's staff, business days, leave, on-site minimums, duties, cohorts,
// caps and preferences (the roster-instance/1 JSON of shared/roster/FORMAT.md),
// it assigns each person ONSITE, TELE or LEAVE on each day and proves the plan
// optimal for the FORMAT.md objective, or reports its gap at the time limit.
//
// The planner is a pure function (Solve) with no storage, HTTP or external
// solver: a compact 0/1 model is solved by branch and bound over a bounded
// dual simplex written here. Infeasible instances are solved
// lexicographically: least violation cost first, then the objective, and
// every violation is described in Japanese and English.
package roster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Modes of a plan cell.
const (
	Onsite = "ONSITE"
	Tele   = "TELE"
	Leave  = "LEAVE"
)

// Instance is a roster-instance/1 document as read from JSON. Numbers that
// enter the objective exactly are kept as json.Number so their decimal text,
// never a float, decides the arithmetic.
type Instance struct {
	Schema           string                 `json:"schema"`
	Name             string                 `json:"name"`
	Section          string                 `json:"section,omitempty"`
	Days             []string               `json:"days"`
	Staff            []Staff                `json:"staff"`
	Leave            map[string][]string    `json:"leave,omitempty"`
	MinOnsite        []int                  `json:"minOnsite"`
	Duties           []Duty                 `json:"duties,omitempty"`
	MaxTelePerWeek   *int                   `json:"maxTelePerWeek"`
	Cohorts          *Cohorts               `json:"cohorts"`
	TargetReduction  *json.Number           `json:"targetReduction"`
	Preferences      []Preference           `json:"preferences,omitempty"`
	PreviousPlan     map[string][]string    `json:"previousPlan"`
	Weights          map[string]json.Number `json:"weights,omitempty"`
	Fairness         *Fairness              `json:"fairness,omitempty"`
	ViolationWeights map[string]json.Number `json:"violationWeights,omitempty"`
}

// Staff is one person of the section.
type Staff struct {
	ID             string   `json:"id"`
	Name           string   `json:"name,omitempty"`
	Qualifications []string `json:"qualifications,omitempty"`
	Cohort         *string  `json:"cohort,omitempty"`
}

// Duty is a counter or phone rota (窓口当番, 電話当番, 非常時優先業務 …) with a
// per-day minimum of qualified people on site.
type Duty struct {
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	MinOnsite []int  `json:"minOnsite"`
}

// Cohorts splits the section into groups that, with NeverMeet, are never on
// site on the same day.
type Cohorts struct {
	Names     []string `json:"names"`
	NeverMeet bool     `json:"neverMeet"`
}

// Preference is a wish of one person for one day.
type Preference struct {
	Staff string `json:"staff"`
	Day   string `json:"day"`
	Mode  string `json:"mode"`
}

// Fairness chooses the reference the fairness term measures against.
type Fairness struct {
	Reference string       `json:"reference,omitempty"`
	Share     *json.Number `json:"share,omitempty"`
	Tolerance *json.Number `json:"tolerance,omitempty"`
}

// DefaultViolationWeights are FORMAT.md's prices of one unit of slack.
var DefaultViolationWeights = map[string]int64{
	"minOnsite": 10, "duty": 10, "cohort": 10, "maxTelePerWeek": 1, "targetReduction": 1,
}

// ParseInstance decodes and checks an instance. Unknown fields are allowed:
// the format may grow.
func ParseInstance(data []byte) (*Instance, error) {
	// A file saved by Notepad or PowerShell starts with a UTF-8 byte order
	// mark, which is no JSON.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	// The shapes first, on a generic decoding: an error names the item
	// (duties[1] (phone).minOnsite[3], staff[4].id) and what it must be,
	// where the typed decoding could only say "duties.minOnsite".
	if err := checkShapes(data); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var in Instance
	// maxTelePerWeek is read as a number so that any integer verify.py
	// accepts is accepted (100000000000000000000 does not fit an int).
	type plain Instance
	// Weights as verify.py reads them: its three keys (numbers, checked
	// above); any other key is ignored, whatever its value.
	aux := struct {
		*plain
		MaxTelePerWeek *json.Number   `json:"maxTelePerWeek"`
		Weights        map[string]any `json:"weights"`
	}{plain: (*plain)(&in)}
	if err := dec.Decode(&aux); err != nil {
		var typ *json.UnmarshalTypeError
		var syn *json.SyntaxError
		switch {
		case errors.As(err, &typ) && typ.Field != "":
			// Not Go's words ("into Go struct field Instance.maxTelePerWeek
			// of type int"): the member and what it must be.
			field := strings.TrimPrefix(typ.Field, "plain.") // the decoding's wrapper, below
			return nil, malformed("%s must be %s, not the JSON %s (at byte %d)", field, jsonKind(typ.Type), typ.Value, typ.Offset)
		case errors.As(err, &syn):
			return nil, malformed("the file is not valid JSON at byte %d: %v", syn.Offset, err)
		case errors.Is(err, io.EOF):
			return nil, malformed("the file is empty")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, malformed("the file is not valid JSON: it ends before the instance's object is closed")
		}
		return nil, malformed("%v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, malformed("text after the instance's JSON object")
	}
	for _, k := range []string{"fairness", "preference", "change"} {
		if n, ok := aux.Weights[k].(json.Number); ok {
			if in.Weights == nil {
				in.Weights = map[string]json.Number{}
			}
			in.Weights[k] = n
		}
	}
	if aux.MaxTelePerWeek != nil {
		c, ok := new(big.Int).SetString(string(*aux.MaxTelePerWeek), 10)
		if !ok || c.Sign() < 0 {
			return nil, malformed("maxTelePerWeek must be null or a non-negative integer, not the JSON number %s", *aux.MaxTelePerWeek)
		}
		// An ISO week has at most 7 days, so any cap of 7 or more allows
		// every day at home: the same constraint, in an int.
		v := 7
		if c.IsInt64() && c.Int64() < 7 {
			v = int(c.Int64())
		}
		in.MaxTelePerWeek = &v
	}
	if err := numbersAreNumbers(data); err != nil {
		return nil, err
	}
	if _, err := in.compile(); err != nil {
		return nil, err
	}
	return &in, nil
}

// numbersAreNumbers refuses a quoted number where FORMAT.md has a number
// (json.Number would read "0.5" as 0.5; verify.py refuses it).
func numbersAreNumbers(data []byte) error {
	var raw struct {
		TargetReduction  any            `json:"targetReduction"`
		Weights          map[string]any `json:"weights"`
		Fairness         map[string]any `json:"fairness"`
		ViolationWeights map[string]any `json:"violationWeights"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil // the typed decoding has said what is wrong
	}
	isNum := func(v any) bool { _, ok := v.(json.Number); return ok }
	if raw.TargetReduction != nil && !isNum(raw.TargetReduction) {
		return malformed("targetReduction must be null or a number")
	}
	for _, m := range []struct {
		name string
		vals map[string]any
		keys []string
	}{{"weights", raw.Weights, []string{"fairness", "preference", "change"}}, {"fairness", raw.Fairness, []string{"share", "tolerance"}}, {"violationWeights", raw.ViolationWeights, nil}} {
		for k, v := range m.vals {
			if m.keys != nil && (v == nil || !slices.Contains(m.keys, k)) {
				continue // fairness: the other reference's member may be null or absent
			}
			if !isNum(v) {
				return malformed("%s.%s must be a number", m.name, k)
			}
		}
	}
	return nil
}

// jsonKind names what a Go type reads from JSON, as FORMAT.md says it.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem()) + " or null"
	}
	if t == reflect.TypeOf(json.Number("")) {
		return "a number"
	}
	return "a " + t.String()
}

// MalformedError says why an instance does not follow FORMAT.md.
type MalformedError struct{ Msg string }

func (e *MalformedError) Error() string { return "malformed roster instance: " + e.Msg }

func malformed(format string, a ...any) error {
	return &MalformedError{Msg: fmt.Sprintf(format, a...)}
}

// num is the exact value of a JSON number the way verify.py reads it: an
// integer text exactly, anything else through the shortest decimal of its
// float64 (which is its own text for every number with ≤15 significant digits).
func num(n json.Number) (*big.Rat, error) {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			return nil, malformed("not a number: %q", s)
		}
		return r, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, malformed("not a finite number: %q", s)
	}
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
	if !ok {
		return nil, malformed("not a number: %q", s)
	}
	return r, nil
}

// problem is the instance reduced to indices, with every derived fact the
// model and the exact evaluation need.
type problem struct {
	in        *Instance
	N, D      int
	ids       []string
	idx       map[string]int
	dayIdx    map[string]int
	week      []int // week number 0.. of each day (ISO weeks in order)
	nWeeks    int
	leave     [][]bool // [p][d]
	avail     []int    // a_p
	A         int
	quals     [][]bool // [p][k]
	minOnsite []int
	dutyMin   [][]int // [k][d]
	cap       int     // -1 = none
	neverMeet bool
	cohortOf  []int // -1 = none
	nCohorts  int
	cohortNms []string
	hasTarget bool
	r         float64
	onsiteCap int
	pref      [][]int8 // [p][d]: 0 none, 1 wants ONSITE, 2 wants TELE
	prev      [][]int8 // [p][d]: -1 none, else mode index
	wFair     *big.Rat
	wPref     *big.Rat
	wChange   *big.Rat
	mean      bool
	share     *big.Rat
	tol       *big.Rat
	lo, hi    []int // share band per person
	// meanFix, when set, holds the total of TELE days at meanFix.T and
	// prices the mean reference exactly for that total (mean.go).
	meanFix *meanFixed
	vw      map[string]*big.Rat
}

const (
	mOnsite int8 = 0
	mTele   int8 = 1
	mLeave  int8 = 2
)

func modeIndex(s string) int8 {
	switch s {
	case Onsite:
		return mOnsite
	case Tele:
		return mTele
	case Leave:
		return mLeave
	}
	return -1
}

var modeNames = [3]string{Onsite, Tele, Leave}

func (in *Instance) compile() (*problem, error) {
	if in.Schema != "roster-instance/1" {
		return nil, malformed("schema must be roster-instance/1")
	}
	D := len(in.Days)
	if D == 0 {
		return nil, malformed("days must be a non-empty list of ISO dates")
	}
	pb := &problem{in: in, D: D, dayIdx: map[string]int{}, idx: map[string]int{}}
	var prevT time.Time
	lastWeek := [2]int{-1, -1}
	for i, s := range in.Days {
		t, err := parseISODate(s)
		if err != nil {
			return nil, malformed("bad date in days: %q (days[%d]; an ISO date such as 2026-06-01)", s, i)
		}
		if i > 0 && !t.After(prevT) {
			return nil, malformed("days must be strictly increasing")
		}
		prevT = t
		pb.dayIdx[s] = i
		y, w := t.ISOWeek()
		if [2]int{y, w} != lastWeek {
			lastWeek = [2]int{y, w}
			pb.nWeeks++
		}
		pb.week = append(pb.week, pb.nWeeks-1)
	}
	N := len(in.Staff)
	if N == 0 {
		return nil, malformed("staff must be a non-empty list")
	}
	pb.N = N
	for i, s := range in.Staff {
		if s.ID == "" {
			return nil, malformed("staff ids must be non-empty strings")
		}
		if _, dup := pb.idx[s.ID]; dup {
			return nil, malformed("staff id %q appears twice", s.ID)
		}
		pb.idx[s.ID] = i
		pb.ids = append(pb.ids, s.ID)
	}
	perDay := func(name string, a []int) error {
		if len(a) != D {
			return malformed("%s must be a list of %d integers", name, D)
		}
		for _, v := range a {
			if v < 0 {
				return malformed("%s must hold non-negative integers", name)
			}
		}
		return nil
	}
	if err := perDay("minOnsite", in.MinOnsite); err != nil {
		return nil, err
	}
	pb.minOnsite = in.MinOnsite
	dutyIdx := map[string]int{}
	for k, du := range in.Duties {
		// An empty id is a string, as verify.py accepts it.
		if _, dup := dutyIdx[du.ID]; dup {
			return nil, malformed("duty ids must be unique strings: duties[%d] repeats %q", k, du.ID)
		}
		dutyIdx[du.ID] = k
		if err := perDay("duties["+du.ID+"].minOnsite", du.MinOnsite); err != nil {
			return nil, err
		}
		pb.dutyMin = append(pb.dutyMin, du.MinOnsite)
	}
	pb.quals = make([][]bool, N)
	for p, s := range in.Staff {
		pb.quals[p] = make([]bool, len(in.Duties))
		for _, q := range s.Qualifications {
			k, ok := dutyIdx[q]
			if !ok {
				return nil, malformed("staff %s: qualification %q names no duty of the instance", s.ID, q)
			}
			pb.quals[p][k] = true
		}
	}
	pb.leave = make([][]bool, N)
	for p := range pb.leave {
		pb.leave[p] = make([]bool, D)
	}
	for sid, days := range in.Leave {
		p, ok := pb.idx[sid]
		if !ok {
			return nil, malformed("leave names unknown staff %q", sid)
		}
		for _, ds := range days {
			d, ok := pb.dayIdx[ds]
			if !ok {
				return nil, malformed("leave day %q of %s is not a business day of the instance", ds, sid)
			}
			pb.leave[p][d] = true
		}
	}
	pb.avail = make([]int, N)
	for p := range pb.avail {
		for d := 0; d < D; d++ {
			if !pb.leave[p][d] {
				pb.avail[p]++
			}
		}
		pb.A += pb.avail[p]
	}
	pb.cap = -1
	if in.MaxTelePerWeek != nil {
		if *in.MaxTelePerWeek < 0 {
			return nil, malformed("maxTelePerWeek must be null or a non-negative integer")
		}
		pb.cap = *in.MaxTelePerWeek
	}
	pb.cohortOf = make([]int, N)
	for p := range pb.cohortOf {
		pb.cohortOf[p] = -1
	}
	if c := in.Cohorts; c != nil && len(c.Names) > 0 {
		seen := map[string]int{}
		for i, n := range c.Names {
			if _, dup := seen[n]; dup {
				return nil, malformed("cohorts.names must be unique")
			}
			seen[n] = i
		}
		pb.neverMeet = c.NeverMeet
		pb.nCohorts = len(c.Names)
		pb.cohortNms = c.Names
		for p, s := range in.Staff {
			if s.Cohort == nil {
				if c.NeverMeet {
					return nil, malformed("staff %s has no cohort but cohorts.neverMeet is on", s.ID)
				}
				continue
			}
			ci, ok := seen[*s.Cohort]
			if !ok {
				return nil, malformed("staff %s: cohort %q not in cohorts.names", s.ID, *s.Cohort)
			}
			pb.cohortOf[p] = ci
		}
	} else if c != nil && (c.NeverMeet || c.Names != nil) {
		return nil, malformed("cohorts.names must be a list of unique names")
	}
	if in.TargetReduction != nil {
		r, err := num(*in.TargetReduction)
		if err != nil {
			return nil, err
		}
		if r.Sign() < 0 || r.Cmp(big.NewRat(1, 1)) > 0 {
			return nil, malformed("targetReduction must be in [0, 1]")
		}
		pb.hasTarget = true
		pb.r, _ = strconv.ParseFloat(string(*in.TargetReduction), 64)
		// H6 is defined in float64 arithmetic (verify.py); the explicit
		// conversion forbids a fused multiply-add that could round differently.
		pb.onsiteCap = int(math.Floor(float64((1-pb.r)*float64(pb.A)) + 1e-9))
	}
	pb.pref = make([][]int8, N)
	for p := range pb.pref {
		pb.pref[p] = make([]int8, D)
	}
	for i, pr := range in.Preferences {
		p, ok1 := pb.idx[pr.Staff]
		d, ok2 := pb.dayIdx[pr.Day]
		switch {
		case !ok1:
			return nil, malformed("bad preference preferences[%d]: staff %q is not a staff id of the instance", i, pr.Staff)
		case !ok2:
			return nil, malformed("bad preference preferences[%d] of %s: day %q is not one of days", i, pr.Staff, pr.Day)
		case pr.Mode != Onsite && pr.Mode != Tele:
			return nil, malformed("bad preference preferences[%d] of %s on %s: mode %q must be ONSITE or TELE", i, pr.Staff, pr.Day, pr.Mode)
		}
		if pb.pref[p][d] != 0 {
			return nil, malformed("two preferences for %s on %s", pr.Staff, pr.Day)
		}
		if pr.Mode == Onsite {
			pb.pref[p][d] = 1
		} else {
			pb.pref[p][d] = 2
		}
	}
	if in.PreviousPlan != nil {
		if len(in.PreviousPlan) != N {
			return nil, malformed("previousPlan must have exactly one row per staff id")
		}
		pb.prev = make([][]int8, N)
		for sid, row := range in.PreviousPlan {
			p, ok := pb.idx[sid]
			if !ok {
				return nil, malformed("previousPlan names unknown staff %q", sid)
			}
			if len(row) != D {
				return nil, malformed("previousPlan row %s must have %d entries", sid, D)
			}
			pb.prev[p] = make([]int8, D)
			for d, v := range row {
				m := modeIndex(v)
				if m < 0 {
					return nil, malformed("previousPlan row %s: %q is not ONSITE/TELE/LEAVE", sid, v)
				}
				pb.prev[p][d] = m
			}
		}
	}
	w := func(key string) (*big.Rat, error) {
		v, ok := in.Weights[key]
		if !ok {
			return new(big.Rat), nil
		}
		r, err := num(v)
		if err != nil {
			return nil, err
		}
		if r.Sign() < 0 {
			return nil, malformed("weights must be non-negative")
		}
		return r, nil
	}
	var err error
	if pb.wFair, err = w("fairness"); err != nil {
		return nil, err
	}
	if pb.wPref, err = w("preference"); err != nil {
		return nil, err
	}
	if pb.wChange, err = w("change"); err != nil {
		return nil, err
	}
	fz := in.Fairness
	if fz == nil {
		fz = &Fairness{Reference: "share"}
		switch {
		case in.TargetReduction != nil:
			fz.Share = in.TargetReduction
		case pb.wFair.Sign() == 0:
			zero := json.Number("0")
			fz.Share = &zero
		}
	}
	switch fz.Reference {
	case "", "share":
	case "mean":
		pb.mean = true
	default:
		return nil, malformed("fairness.reference must be 'share' or 'mean'")
	}
	pb.tol = new(big.Rat)
	if fz.Tolerance != nil {
		if pb.tol, err = num(*fz.Tolerance); err != nil {
			return nil, err
		}
		if pb.tol.Sign() < 0 {
			return nil, malformed("fairness.tolerance must be >= 0")
		}
	}
	if !pb.mean {
		if fz.Share == nil {
			return nil, malformed("fairness.share is required when fairness.reference is 'share'")
		}
		if pb.share, err = num(*fz.Share); err != nil {
			return nil, err
		}
		if pb.share.Sign() < 0 || pb.share.Cmp(big.NewRat(1, 1)) > 0 {
			return nil, malformed("fairness.share must be in [0, 1]")
		}
		if !pb.tol.IsInt() {
			return nil, malformed("fairness.tolerance must be a whole number of days with reference 'share'")
		}
		k := pb.tol.Num().Int64()
		pb.lo, pb.hi = make([]int, N), make([]int, N)
		for p := 0; p < N; p++ {
			pb.lo[p], pb.hi[p] = shareBand(pb.share, k, pb.avail[p])
		}
	}
	pb.vw = map[string]*big.Rat{}
	for k, v := range DefaultViolationWeights {
		pb.vw[k] = big.NewRat(v, 1)
	}
	for k, v := range in.ViolationWeights {
		r, err := num(v)
		if err != nil {
			return nil, err
		}
		if r.Sign() < 0 {
			return nil, malformed("violationWeights must be non-negative")
		}
		pb.vw[k] = r
	}
	return pb, nil
}

// shareBand is FORMAT.md's fair band of TELE days for a available days:
// [⌊θa⌋−k, ⌈θa⌉+k] clipped to [0, a], θa computed exactly.
func shareBand(theta *big.Rat, k int64, a int) (lo, hi int) {
	c := new(big.Rat).Mul(theta, big.NewRat(int64(a), 1))
	fl := new(big.Int).Quo(c.Num(), c.Denom()) // c ≥ 0, so truncation is floor
	f := fl.Int64()
	ce := f
	if !c.IsInt() {
		ce = f + 1
	}
	lo64 := f - k
	hi64 := ce + k
	if lo64 < 0 {
		lo64 = 0
	}
	if hi64 > int64(a) {
		hi64 = int64(a)
	}
	return int(lo64), int(hi64)
}
