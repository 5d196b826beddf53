package apply

import (
	"slices"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
)

func d(m time.Month, day int) calendar.Date { return calendar.Date{Year: 2026, Month: m, Day: day} }

func TestStateMachine(t *testing.T) {
	tests := []struct {
		from Status
		act  Action
		to   Status // "" = refused
	}{
		{Draft, ActSubmit, Submitted},
		{Returned, ActSubmit, Submitted},
		{Submitted, ActSubmit, ""},
		{Submitted, ActApprove, Approved},
		{Submitted, ActReturn, Returned},
		{Submitted, ActReject, Rejected},
		{Submitted, ActWithdraw, Withdrawn},
		{Approved, ActWithdraw, ""},
		{Approved, ActApprove, ""},
		{Rejected, ActApprove, ""},
		{Withdrawn, ActApprove, ""},
		{Cancelled, ActApprove, ""},
		{Approved, ActCancel, Cancelled},
		{Submitted, ActCancel, Cancelled},
		{Started, ActCancel, ""},
		{Approved, ActStart, Started},
		{Started, ActFinish, Finished},
		{Approved, ActFinish, ""},
		{Finished, ActReport, Reported},
		{Approved, ActReport, Reported},
		{Reported, ActConfirm, Confirmed},
		{Finished, ActConfirm, ""},
		{Confirmed, ActReport, ""},
	}
	for _, tt := range tests {
		got, err := Next(tt.from, tt.act)
		if tt.to == "" {
			e := apperr.As(err)
			if e == nil || e.Code != apperr.Conflict || e.Key != "apply.state."+string(tt.from) {
				t.Errorf("%s from %s: want a state conflict, got %v %v", tt.act, tt.from, got, err)
			}
			continue
		}
		if err != nil || got != tt.to {
			t.Errorf("%s from %s = %s, %v; want %s", tt.act, tt.from, got, err, tt.to)
		}
	}
	if _, err := Next(Draft, "fly"); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("unknown action: %v", err)
	}
}

func TestSummary(t *testing.T) {
	days := func(ss ...Status) []Day {
		var out []Day
		for _, s := range ss {
			out = append(out, Day{Status: s})
		}
		return out
	}
	tests := []struct {
		decision Status
		days     []Day
		want     Status
	}{
		{Submitted, days(Submitted, Submitted), Submitted},
		{Withdrawn, days(Withdrawn), Withdrawn},
		{Approved, days(Approved, Cancelled), Approved},
		{Approved, days(Reported, Confirmed), Reported},
		{Approved, days(Confirmed, Cancelled), Confirmed},
		{Approved, days(Cancelled, Cancelled), Cancelled},
		{Cancelled, days(Cancelled), Cancelled},
		{Approved, days(Started, Approved), Approved},
	}
	for _, tt := range tests {
		if got := Summary(tt.decision, tt.days); got != tt.want {
			t.Errorf("Summary(%s, %v) = %s, want %s", tt.decision, tt.days, got, tt.want)
		}
	}
}

// testCal: weekends off, 2026-07-20 (海の日) and a closure day 2026-07-22.
type testCal struct{}

func (testCal) IsBusinessDay(x calendar.Date) bool {
	w := x.Weekday()
	return w != time.Saturday && w != time.Sunday && x != d(time.July, 20) && x != d(time.July, 22)
}

func (c testCal) Reason(x calendar.Date) string {
	switch {
	case x == d(time.July, 20):
		return "海の日"
	case x == d(time.July, 22):
		return "閉庁日"
	case !c.IsBusinessDay(x):
		return "週末"
	}
	return ""
}

func TestExpand(t *testing.T) {
	tests := []struct {
		name    string
		req     Request
		days    []calendar.Date
		skipped []calendar.Date
		field   string // the error's field, "" = none
	}{
		{"one day", Request{Dates: []calendar.Date{d(time.July, 21)}}, []calendar.Date{d(time.July, 21)}, nil, ""},
		{"dates sorted, repeated once", Request{Dates: []calendar.Date{d(time.July, 23), d(time.July, 21), d(time.July, 23)}},
			[]calendar.Date{d(time.July, 21), d(time.July, 23)}, nil, ""},
		{"a holiday named is skipped", Request{Dates: []calendar.Date{d(time.July, 20), d(time.July, 21)}},
			[]calendar.Date{d(time.July, 21)}, []calendar.Date{d(time.July, 20)}, ""},
		{"range", Request{From: d(time.July, 17), To: d(time.July, 23)},
			[]calendar.Date{d(time.July, 17), d(time.July, 21), d(time.July, 23)},
			[]calendar.Date{d(time.July, 18), d(time.July, 19), d(time.July, 20), d(time.July, 22)}, ""},
		{"every Monday and Wednesday", Request{Recurrence: &Recurrence{From: d(time.July, 13), To: d(time.July, 29),
			Weekdays: []time.Weekday{time.Monday, time.Wednesday}}},
			[]calendar.Date{d(time.July, 13), d(time.July, 15), d(time.July, 27), d(time.July, 29)},
			[]calendar.Date{d(time.July, 20), d(time.July, 22)}, ""},
		{"nothing", Request{}, nil, nil, "dates"},
		{"two kinds", Request{Dates: []calendar.Date{d(time.July, 21)}, From: d(time.July, 21), To: d(time.July, 21)}, nil, nil, "dates"},
		{"backwards", Request{From: d(time.July, 23), To: d(time.July, 21)}, nil, nil, "range.to"},
		{"too long", Request{From: d(time.July, 1), To: d(time.July, 1).AddDays(MaxSpanDays)}, nil, nil, "range.to"},
		{"no weekdays", Request{Recurrence: &Recurrence{From: d(time.July, 1), To: d(time.July, 9)}}, nil, nil, "recurrence.weekdays"},
		{"only days off", Request{From: d(time.July, 18), To: d(time.July, 20)}, nil,
			[]calendar.Date{d(time.July, 18), d(time.July, 19), d(time.July, 20)}, "range"},
	}
	for _, tt := range tests {
		days, skipped, err := Expand(tt.req, testCal{})
		if tt.field != "" {
			e := apperr.As(err)
			if e == nil || len(e.Fields) == 0 || e.Fields[0].Field != tt.field {
				t.Errorf("%s: want an error on %s, got %v", tt.name, tt.field, err)
			}
		} else if err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if !slices.Equal(days, tt.days) {
			t.Errorf("%s: days %v, want %v", tt.name, days, tt.days)
		}
		var sk []calendar.Date
		for _, s := range skipped {
			sk = append(sk, s.Date)
			if s.Reason == "" {
				t.Errorf("%s: %s skipped without a reason", tt.name, s.Date)
			}
		}
		if !slices.Equal(sk, tt.skipped) {
			t.Errorf("%s: skipped %v, want %v", tt.name, sk, tt.skipped)
		}
	}
}

func TestRequestClean(t *testing.T) {
	tests := []struct {
		name  string
		req   Request
		field string
	}{
		{"ok", Request{Mode: policy.Home}, ""},
		{"mode required", Request{}, "mode"},
		{"unknown mode", Request{Mode: "moon"}, "mode"},
		{"unknown place", Request{Mode: policy.Home, Place: "beach"}, "place"},
		{"hourly needs times", Request{Mode: policy.Home, TimeUnit: policy.Hourly}, "start"},
		{"end before start", Request{Mode: policy.Home, Start: "13:00", End: "09:00"}, "end"},
		{"bad time", Request{Mode: policy.Home, Start: "9時"}, "start"},
		{"device", Request{Mode: policy.Home, Devices: []string{"abacus"}}, "devices"},
		{"segments overlap", Request{Mode: policy.Mobile, Segments: []Segment{{Mode: policy.Mobile, Start: "08:30", End: "12:00"},
			{Mode: ModeOffice, Start: "11:00", End: "17:00"}}}, "segments.time"},
		{"segments all office", Request{Mode: policy.Home, Segments: []Segment{{Mode: ModeOffice, Start: "08:30", End: "17:00"}}}, "segments.mode"},
		{"segments ok", Request{Mode: policy.Mobile, Segments: []Segment{{Mode: policy.Mobile, Start: "08:30", End: "11:00"},
			{Mode: ModeOffice, Start: "11:00", End: "13:00"}, {Mode: policy.Satellite, Start: "13:00", End: "17:15", PlaceName: "駅前"}}}, ""},
		{"plan too long", Request{Mode: policy.Home, Plan: string(make([]rune, MaxPlanRunes+1))}, "plan"},
		// Invisible and control characters are refused; a plan may have
		// several lines.
		{"plan of several lines", Request{Mode: policy.Home, Plan: "起案\n\t決裁"}, ""},
		{"plan with a bidi override", Request{Mode: policy.Home, Plan: "起案\u202e"}, "plan"},
		{"plan with a control character", Request{Mode: policy.Home, Plan: "起案\x00"}, "plan"},
		{"place name with a line break", Request{Mode: policy.Satellite, PlaceName: "駅前\nオフィス"}, "place_name"},
		{"place name with a zero-width space", Request{Mode: policy.Satellite, PlaceName: "駅\u200b前"}, "place_name"},
		{"place reason with a bidi override", Request{Mode: policy.Home, PlaceKind: "parents_home", Place: policy.PlaceHomeEquivalent, PlaceReason: "介護\u202e"}, "place_reason"},
		{"segment place name", Request{Mode: policy.Mobile, Segments: []Segment{{Mode: policy.Mobile, Start: "08:30", End: "11:00"},
			{Mode: policy.Satellite, Start: "13:00", End: "17:15", PlaceName: "駅前\u202e"}}}, "segments.place_name"},
	}
	for _, tt := range tests {
		err := tt.req.Clean()
		e := apperr.As(err)
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.field != "" && (e == nil || !slices.ContainsFunc(e.Fields, func(f apperr.FieldError) bool { return f.Field == tt.field })):
			t.Errorf("%s: want an error on %s, got %v", tt.name, tt.field, err)
		}
	}
	r := Request{Mode: policy.Satellite, PlaceName: "東部支所"}
	if err := r.Clean(); err != nil || r.Place != policy.PlaceSatellite || r.TimeUnit != policy.FullDay {
		t.Errorf("defaults: %+v %v", r, err)
	}
	// A satellite office is named, on the application or on its part of
	// the day; a segment's time is told as malformed or out of order, with
	// its row.
	for _, c := range []struct {
		req        Request
		field, key string
	}{
		{Request{Mode: policy.Satellite}, "place_name", "apply.place_name_required"},
		{Request{Mode: policy.Home, Segments: []Segment{{Mode: policy.Home, Start: "08:30", End: "12:00"},
			{Mode: policy.Satellite, Start: "13:00", End: "17:15"}}}, "segments.place_name", "apply.segment_place_name_required"},
		{Request{Mode: policy.Home, Segments: []Segment{{Mode: policy.Home, Start: "08:30", End: "25:00"}}}, "segments.time", "apply.segment_time_hm"},
		{Request{Mode: policy.Home, Segments: []Segment{{Mode: policy.Home, Start: "08:30", End: "12:60"}}}, "segments.time", "apply.segment_time_hm"},
		{Request{Mode: policy.Home, Segments: []Segment{{Mode: policy.Home, Start: "08:30"}}}, "segments.time", "apply.segment_time_hm"},
		{Request{Mode: policy.Home, Segments: []Segment{{Mode: policy.Home, Start: "12:00", End: "08:30"}}}, "segments.time", "apply.segment_time_order"},
	} {
		e := apperr.As(c.req.Clean())
		if e == nil || !slices.ContainsFunc(e.Fields, func(f apperr.FieldError) bool { return f.Field == c.field && f.Key == c.key }) {
			t.Errorf("%+v: want %s on %s, got %v", c.req, c.key, c.field, e)
		}
	}
	// A part of the day at 自宅同等の場所 keeps the application's kind and
	// reason, for the policy's rules on such places; without one they go.
	part := func(place string) Request {
		return Request{Mode: policy.Home, PlaceKind: "parents_home", PlaceReason: "介護",
			Segments: []Segment{{Mode: policy.Home, Place: place, Start: "08:30", End: "12:00"}, {Mode: ModeOffice, Start: "13:00", End: "17:15"}}}
	}
	r = part(policy.PlaceHomeEquivalent)
	if err := r.Clean(); err != nil || r.PlaceKind != "parents_home" || r.PlaceReason != "介護" {
		t.Errorf("home-equivalent part: %+v %v", r, err)
	}
	if p := r.PolicyApplication(0, nil); p.PlaceKind != "parents_home" || p.Segments[0].Place != policy.PlaceHomeEquivalent {
		t.Errorf("home-equivalent part as the policy sees it: %+v", p)
	}
	r = part(policy.PlaceHome)
	if err := r.Clean(); err != nil || r.PlaceKind != "" || r.PlaceReason != "" {
		t.Errorf("home part: %+v %v", r, err)
	}
	r = part(policy.PlaceHomeEquivalent)
	r.PlaceKind = "moon"
	if e := apperr.As(r.Clean()); e == nil || e.Fields[0].Field != "place_kind" {
		t.Errorf("unknown kind of a home-equivalent part: %v", e)
	}
}

func TestRoute(t *testing.T) {
	units := []*org.Unit{{ID: 1, Code: "100"}, {ID: 2, ParentID: 1, Code: "110"}, {ID: 3, ParentID: 2, Code: "111"},
		{ID: 4, ParentID: 2, Code: "112"}}
	tr := org.NewTree(units)
	heads := []Head{{StaffID: 10, UnitID: 1, Rank: org.RankExecutive}, {StaffID: 20, UnitID: 2, Rank: org.RankManager},
		{StaffID: 30, UnitID: 3, Rank: org.RankChief}}
	tests := []struct {
		name          string
		staff, unit   int64
		set           Settings
		first, second int64
	}{
		{"所属長 by default", 99, 3, Settings{Approver: ApproverSection}, 20, 0},
		{"係長 where set", 99, 3, Settings{Approver: ApproverTeam}, 30, 0},
		{"a team without its own head", 99, 4, Settings{Approver: ApproverTeam}, 20, 0},
		{"the 係長 applies", 30, 3, Settings{Approver: ApproverTeam}, 20, 0},
		{"the 課長 applies", 20, 2, Settings{Approver: ApproverSection}, 10, 0},
		{"two steps", 99, 3, Settings{Approver: ApproverSection, TwoStep: true}, 30, 20},
		{"two steps where both are one person", 99, 4, Settings{TwoStep: true}, 20, 0},
		{"two steps for a unit and below", 99, 3, Settings{Approver: ApproverSection, TwoStepUnits: []int64{2}}, 30, 20},
		{"two steps for another unit", 99, 3, Settings{Approver: ApproverSection, TwoStepUnits: []int64{4}}, 20, 0},
	}
	for _, tt := range tests {
		f, s, err := Route(tr, heads, tt.staff, tt.unit, tt.set)
		if err != nil || f != tt.first || s != tt.second {
			t.Errorf("%s: %d, %d, %v; want %d, %d", tt.name, f, s, err, tt.first, tt.second)
		}
	}
	// A second head marked in a unit: a 課長補佐 in the 課 (40), a 主任 in
	// the 係 (50). Neither approves the head above them; the 課長補佐 is
	// approved by the 課長, and staff of the 係 still go to its 係長.
	more := append(slices.Clone(heads), Head{StaffID: 40, UnitID: 2, Rank: org.RankAssistantManager},
		Head{StaffID: 50, UnitID: 3, Rank: org.RankSenior}, Head{StaffID: 60, UnitID: 3, Rank: org.RankChief})
	for _, tt := range []struct {
		name        string
		staff, unit int64
		set         Settings
		first       int64
	}{
		{"the 課長 with a 課長補佐 marked as head", 20, 2, Settings{Approver: ApproverSection}, 10},
		{"the 課長補佐 applies", 40, 2, Settings{Approver: ApproverTeam}, 20},
		{"the 係長 with a 主任 marked as head", 30, 3, Settings{Approver: ApproverTeam}, 20},
		{"a second 係長 of the same rank", 60, 3, Settings{Approver: ApproverTeam}, 20},
		{"the 主任 marked as head", 50, 3, Settings{Approver: ApproverTeam}, 30},
		{"staff of the 係", 99, 3, Settings{Approver: ApproverTeam}, 30},
	} {
		f, _, err := Route(tr, more, tt.staff, tt.unit, tt.set)
		if err != nil || f != tt.first {
			t.Errorf("%s: %d, %v; want %d", tt.name, f, err, tt.first)
		}
	}
	if _, _, err := Route(tr, nil, 99, 3, Settings{}); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("no head: %v", err)
	}
	if got := Chain(tr, 3); !slices.Equal(got, []int64{3, 2, 1}) {
		t.Errorf("chain %v", got)
	}
}

func TestDelegations(t *testing.T) {
	abs := Delegation{ApproverID: 1, DelegateID: 2, Kind: DelegateAbsence, From: d(time.June, 1), To: d(time.June, 3)}
	proxy := Delegation{ApproverID: 5, DelegateID: 2, Kind: DelegateProxy}
	for _, tt := range []struct {
		day  calendar.Date
		want []int64
	}{{d(time.May, 31), []int64{2, 5}}, {d(time.June, 1), []int64{2, 1, 5}}, {d(time.June, 3), []int64{2, 1, 5}}, {d(time.June, 4), []int64{2, 5}}} {
		got := ActingFor(2, []Delegation{abs, proxy}, tt.day)
		slices.Sort(got)
		slices.Sort(tt.want)
		if !slices.Equal(got, tt.want) {
			t.Errorf("on %s: %v, want %v", tt.day, got, tt.want)
		}
	}
	bad := []Delegation{
		{ApproverID: 1, DelegateID: 1, Kind: DelegateProxy},
		{ApproverID: 1, DelegateID: 2, Kind: "forever"},
		{ApproverID: 1, DelegateID: 2, Kind: DelegateAbsence, From: d(time.June, 3), To: d(time.June, 1)},
		{ApproverID: 1, DelegateID: 2, Kind: DelegateAbsence},
	}
	for _, x := range bad {
		if err := x.Validate(); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("%+v: %v", x, err)
		}
	}
}

func TestEndMinutes(t *testing.T) {
	for s, want := range map[string]int{"17:15": 1035, "24:00": 1440, "25:30": 1530, "47:59": 2879, "48:00": -1, "2a:00": -1,
		"3z:00": -1, "4/:00": -1, "25:60": -1, "25:5": -1, "": -1, "1:30": 90} {
		if got := endMinutes(s); got != want {
			t.Errorf("endMinutes(%q) = %d, want %d", s, got, want)
		}
	}
}
