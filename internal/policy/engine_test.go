package policy

import (
	"slices"
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/org"
)

// fakeCal knows weekends and a few 2026 holidays; the real calendar is
// tested in package calendar.
type fakeCal map[calendar.Date]bool

func (c fakeCal) IsBusinessDay(d calendar.Date) bool {
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday && !c[d]
}

func (c fakeCal) AddBusinessDays(d calendar.Date, n int) calendar.Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsBusinessDay(d) {
			n--
		}
	}
	return d
}

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// jst is a moment in Tokyo time.
func jst(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Tokyo)
	if err != nil {
		panic(err)
	}
	return t
}

// 2026: 4/29 昭和の日, 5/3–5/6 GW (5/6 振替休日).
var cal2026 = fakeCal{day("2026-04-29"): true, day("2026-05-04"): true, day("2026-05-05"): true, day("2026-05-06"): true}

var clerk = Person{StaffNo: "100001", Employment: org.Regular, JobType: "general", Rank: org.RankStaff,
	UnitCodes: []string{"111", "110", "100"}, HasTerminal: true}

func app(mode Mode, unit TimeUnit, dates ...string) Application {
	a := Application{Mode: mode, Place: PlaceHome, TimeUnit: unit}
	if mode == Satellite {
		a.Place = PlaceSatellite
	}
	for _, d := range dates {
		a.Dates = append(a.Dates, day(d))
	}
	return a
}

// got renders findings as "rule@date severity" for exact comparison.
func got(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		s := f.Rule + " " + string(f.Severity)
		if !f.Date.IsZero() {
			s = f.Rule + "@" + f.Date.String() + " " + string(f.Severity)
		}
		out = append(out, s)
	}
	return out
}

func tpl(t *testing.T, name string) Policy {
	t.Helper()
	tp, ok := TemplateByName(name)
	if !ok {
		t.Fatalf("no template %s", name)
	}
	return tp.Policy
}

type tcase struct {
	name   string
	person func(Person) Person
	app    Application
	others []Application
	stage  Stage
	now    string
	edit   func(*Policy)
	want   []string
	// overrides are the emergencies in force (override_test.go).
	overrides []Override
}

func run(t *testing.T, policyName string, cases []tcase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(policyName+"/"+tc.name, func(t *testing.T) {
			p := tpl(t, policyName)
			if tc.edit != nil {
				tc.edit(&p)
			}
			per := clerk
			if tc.person != nil {
				per = tc.person(clerk)
			}
			stage := tc.stage
			if stage == "" {
				stage = AtSubmit
			}
			fs := Evaluate(Input{Policy: p, Calendar: cal2026, Person: per, App: tc.app, Others: tc.others, Stage: stage, Now: jst(tc.now), Overrides: tc.overrides})
			if g := got(fs); !slices.Equal(g, tc.want) {
				t.Errorf("findings\n got %q\nwant %q", g, tc.want)
				for _, f := range fs {
					t.Logf("  %s", f.Message("ja"))
				}
			}
			for _, f := range fs {
				if m := f.Message("ja"); strings.Contains(m, "policy.") || strings.Contains(m, "<no value>") || strings.Contains(m, "@") {
					t.Errorf("untranslated or incomplete message: %s", m)
				}
				if m := f.Message("en"); strings.Contains(m, "policy.") || strings.Contains(m, "<no value>") {
					t.Errorf("untranslated English message: %s", m)
				}
			}
		})
	}
}

func TestIbaraki(t *testing.T) {
	weekOf := func(days ...string) []Application {
		return []Application{{Mode: Home, TimeUnit: FullDay, Status: "approved", Dates: dates(days...)}}
	}
	run(t, "ibaraki", []tcase{
		{name: "the day before, morning: fine", app: app(Home, FullDay, "2026-05-13"), now: "2026-05-12 11:59",
			want: []string{"notice.travel_order info"}},
		{name: "the day before, afternoon: too late", app: app(Home, FullDay, "2026-05-13"), now: "2026-05-12 12:01",
			want: []string{"deadline.submission@2026-05-13 error", "notice.travel_order info"}},
		{name: "fifth day in a week", app: app(Home, FullDay, "2026-05-15"), now: "2026-05-01 09:00",
			others: weekOf("2026-05-11", "2026-05-12", "2026-05-13", "2026-05-14"),
			want:   []string{"caps.weekly@2026-05-15 error", "notice.travel_order info"}},
		{name: "fourth day is fine", app: app(Home, FullDay, "2026-05-14"), now: "2026-05-01 09:00",
			others: weekOf("2026-05-11", "2026-05-12", "2026-05-13"),
			want:   []string{"notice.travel_order info"}},
		{name: "cancelled days do not count", app: app(Home, FullDay, "2026-05-15"), now: "2026-05-01 09:00",
			others: append(weekOf("2026-05-11", "2026-05-12", "2026-05-13"), Application{Mode: Home, TimeUnit: FullDay, Status: "cancelled", Dates: dates("2026-05-14")}),
			want:   []string{"notice.travel_order info"}},
		{name: "no terminal", person: func(p Person) Person { p.HasTerminal = false; return p }, app: app(Home, FullDay, "2026-05-13"), now: "2026-05-01 09:00",
			want: []string{"eligibility.terminal error", "notice.travel_order info"}},
		{name: "会計年度任用職員 are eligible", person: func(p Person) Person { p.Employment = org.FiscalYear; return p }, app: app(Home, AM, "2026-05-13"), now: "2026-05-01 09:00",
			want: []string{"notice.travel_order info"}},
		{name: "知事部局 only", edit: func(p *Policy) { p.Eligibility.UnitCodes = []string{"200"} }, app: app(Home, FullDay, "2026-05-13"), now: "2026-05-01 09:00",
			want: []string{"eligibility.unit error", "notice.travel_order info"}},
		{name: "parents' home with a reason", app: withPlace(app(Home, FullDay, "2026-05-13"), "parents_home", "父の介護のため"), now: "2026-05-01 09:00",
			want: []string{"place.needs_approval info", "notice.travel_order info"}},
		{name: "hometown is not accepted", app: withPlace(app(Home, FullDay, "2026-05-13"), "hometown", "帰省"), now: "2026-05-01 09:00",
			want: []string{"place.kind_not_allowed error", "notice.travel_order info"}},
		{name: "hospital without a reason", app: withPlace(app(Home, FullDay, "2026-05-13"), "hospital", " "), now: "2026-05-01 09:00",
			want: []string{"place.reason_required error", "notice.travel_order info"}},
		{name: "neither kind nor reason: both told", app: withPlace(app(Home, FullDay, "2026-05-13"), "", ""), now: "2026-05-01 09:00",
			want: []string{"place.kind_required error", "place.reason_required error", "notice.travel_order info"}},
		{name: "hometown without a reason: both told", app: withPlace(app(Home, FullDay, "2026-05-13"), "hometown", ""), now: "2026-05-01 09:00",
			want: []string{"place.kind_not_allowed error", "place.reason_required error", "notice.travel_order info"}},
		{name: "a morning at parents' home with a reason", app: withHomeEquivalentPart(app(Home, FullDay, "2026-05-13"), "parents_home", "父の介護のため"), now: "2026-05-01 09:00",
			want: []string{"place.needs_approval info", "notice.travel_order info"}},
		{name: "a morning at the hometown is not accepted", app: withHomeEquivalentPart(app(Home, FullDay, "2026-05-13"), "hometown", "帰省"), now: "2026-05-01 09:00",
			want: []string{"place.kind_not_allowed error", "notice.travel_order info"}},
		{name: "a morning at a hospital without a reason", app: withHomeEquivalentPart(app(Home, FullDay, "2026-05-13"), "hospital", ""), now: "2026-05-01 09:00",
			want: []string{"place.reason_required error", "notice.travel_order info"}},
		{name: "staggered 7:00-15:45 within 5-22", app: withHours(app(Home, FullDay, "2026-05-13"), "07:00", "15:45", 60), now: "2026-05-01 09:00",
			want: []string{"hours.staggered_work info", "notice.travel_order info"}},
		{name: "4:30 start is outside the window and late night", app: withHours(app(Home, FullDay, "2026-05-13"), "04:30", "13:15", 60), now: "2026-05-01 09:00",
			want: []string{"hours.window error", "hours.late_night error", "hours.staggered_work info", "notice.travel_order info"}},
		{name: "overtime is prohibited", app: withHours(app(Home, FullDay, "2026-05-13"), "08:30", "18:30", 60), now: "2026-05-01 09:00",
			want: []string{"hours.overtime_prohibited error", "notice.travel_order info"}},
		{name: "saving on a personal PC", app: withDevice(app(Home, FullDay, "2026-05-13"), "personal_pc", false, true), now: "2026-05-01 09:00",
			want: []string{"take_out.save error", "notice.travel_order info"}},
		{name: "saving on a loan PC is allowed, printing is not", app: withDevice(app(Home, FullDay, "2026-05-13"), "loan_pc", true, true), now: "2026-05-01 09:00",
			want: []string{"take_out.print error", "notice.travel_order info"}},
		{name: "paper needs consent", app: withPaper(app(Home, FullDay, "2026-05-13"), "general"), now: "2026-05-01 09:00",
			want: []string{"take_out.paper_consent warning", "notice.travel_order info"}},
		{name: "a holiday and a past date", app: app(Home, FullDay, "2026-04-27", "2026-04-29"), now: "2026-04-28 09:00",
			want: []string{"date.past@2026-04-27 error", "date.non_business@2026-04-29 warning", "notice.travel_order info"}},
		{name: "today after the deadline", app: app(Home, FullDay, "2026-04-28"), now: "2026-04-28 07:00",
			want: []string{"deadline.submission@2026-04-28 error", "notice.travel_order info"}},
	})
}

func TestMatsumotoBusinessDays(t *testing.T) {
	run(t, "matsumoto", []tcase{
		// Thursday 5/7: 5/1 (Fri) is one business day before, 4/30 (Thu)
		// two — 5/2–5/6 are a weekend and Golden Week holidays.
		{name: "two business days before across Golden Week", app: app(Home, FullDay, "2026-05-07"), now: "2026-04-30 17:00", want: nil},
		{name: "the Friday before Golden Week is only one business day before", app: app(Home, FullDay, "2026-05-07"), now: "2026-05-01 09:00",
			want: []string{"deadline.submission@2026-05-07 error"}},
		{name: "one business day before is too late", app: app(Home, FullDay, "2026-05-08"), now: "2026-05-07 08:00",
			want: []string{"deadline.submission@2026-05-08 error"}},
		{name: "保育士 are excluded", person: func(p Person) Person { p.JobType = "childcare"; return p }, app: app(Home, FullDay, "2026-05-20"), now: "2026-05-01 09:00",
			want: []string{"eligibility.job_type error"}},
		{name: "再任用 are excluded (正規職員 only)", person: func(p Person) Person { p.Employment = org.Reappointed; return p }, app: app(Home, FullDay, "2026-05-20"), now: "2026-05-01 09:00",
			want: []string{"eligibility.employment error"}},
		{name: "personal information on paper is banned", app: withPaper(app(Home, FullDay, "2026-05-20"), "personal_info"), now: "2026-05-01 09:00",
			want: []string{"take_out.paper_class_banned error"}},
		// 松本市② (G:1533): サテライトオフィス勤務 with the same 事前申請;
		// モバイルワーク is not among the rules.
		{name: "satellite office, two business days before", app: app(Satellite, FullDay, "2026-05-20"), now: "2026-05-01 09:00", want: nil},
		{name: "mobile work is not part of the rules", app: app(Mobile, FullDay, "2026-05-20"), now: "2026-05-01 09:00",
			want: []string{"mode.disabled error"}},
		{name: "中抜け as hourly leave", app: func() Application { a := app(Home, FullDay, "2026-05-20"); a.MidDayBreak = true; return a }(), now: "2026-05-01 09:00",
			want: []string{"mid_day.hourly_leave info"}},
	})
}

func TestKobe(t *testing.T) {
	consent := func(a Application) Application { a.PriorConsent = true; return a }
	run(t, "kobe", []tcase{
		{name: "verbal consent, submitted the day before", app: consent(app(Home, FullDay, "2026-05-13")), now: "2026-05-12 17:00", want: nil},
		{name: "no prior consent", app: app(Home, FullDay, "2026-05-13"), now: "2026-05-12 09:00",
			want: []string{"deadline.prior_consent error"}},
		{name: "approval on the day is too late", app: consent(app(Home, FullDay, "2026-05-13")), stage: AtApprove, now: "2026-05-13 08:00",
			want: []string{"deadline.approval@2026-05-13 error"}},
		{name: "submitted on the day: approval at risk", app: consent(app(Home, FullDay, "2026-05-13")), now: "2026-05-13 07:30",
			want: []string{"deadline.approval_at_risk@2026-05-13 warning"}},
		{name: "flex must cover the core time 10-15", app: consent(withHours(app(Home, FullDay, "2026-05-13"), "10:30", "18:15", 60)), now: "2026-05-01 09:00",
			want: []string{"hours.core_time error"}},
		{name: "flex 7:30-16:15 covers it", app: consent(withHours(app(Home, FullDay, "2026-05-13"), "07:30", "16:15", 60)), now: "2026-05-01 09:00", want: nil},
		{name: "会計年度任用職員 are not eligible", person: func(p Person) Person { p.Employment = org.FiscalYear; return p }, app: consent(app(Home, FullDay, "2026-05-13")), now: "2026-05-01 09:00",
			want: []string{"eligibility.employment error"}},
		{name: "confidential paper is banned", app: consent(withPaper(app(Home, FullDay, "2026-05-13"), "confidential")), now: "2026-05-01 09:00",
			want: []string{"take_out.paper_class_banned error"}},
		{name: "a five-day week at once", app: consent(app(Home, FullDay, "2026-05-11", "2026-05-12", "2026-05-13", "2026-05-14", "2026-05-15")), now: "2026-05-01 09:00",
			want: []string{"caps.weekly@2026-05-15 error"}},
	})
}

func TestSaga(t *testing.T) {
	run(t, "saga", []tcase{
		{name: "four days leaves one office day", app: app(Home, FullDay, "2026-05-11", "2026-05-12", "2026-05-13", "2026-05-14"), now: "2026-05-01 09:00", want: nil},
		{name: "a whole week leaves none (原則週1回は出勤)", app: app(Home, FullDay, "2026-05-11", "2026-05-12", "2026-05-13", "2026-05-14", "2026-05-15"), now: "2026-05-01 09:00",
			want: []string{"caps.min_office@2026-05-11 warning"}},
		{name: "Golden Week: two business days, both at home", app: app(Home, FullDay, "2026-05-07", "2026-05-08"), now: "2026-05-01 09:00",
			want: []string{"caps.min_office@2026-05-04 warning"}},
		{name: "seconded staff are excluded", person: func(p Person) Person { p.Seconded = true; return p }, app: app(Mobile, FullDay, "2026-05-13"), now: "2026-05-01 09:00",
			want: []string{"eligibility.seconded error"}},
		// The guide says nothing of overtime for 佐賀県: not refused.
		{name: "overtime: the guide does not say", app: withHours(app(Home, FullDay, "2026-05-13"), "08:30", "19:00", 60), now: "2026-05-01 09:00",
			want: nil},
		{name: "with approval it is fine, but the break is short", app: func() Application {
			a := withHours(app(Home, FullDay, "2026-05-13"), "08:30", "19:00", 45)
			a.OvertimeApproved = true
			return a
		}(), now: "2026-05-01 09:00", want: []string{"hours.break warning"}},
	})
}

func TestShibuyaKakegawaFukaya(t *testing.T) {
	run(t, "shibuya", []tcase{
		{name: "pattern start 7:30", app: func() Application {
			a := withHours(app(Home, FullDay, "2026-05-13"), "07:30", "16:15", 60)
			a.PriorConsent = true
			return a
		}(), now: "2026-05-01 09:00",
			want: []string{"hours.staggered_work info", "notice.travel_order info"}},
		// The guide gives 7 patterns but not their times (G:1384): any start
		// until the tenant enters its own.
		{name: "8:15 until the tenant sets its patterns", app: func() Application {
			a := withHours(app(Home, FullDay, "2026-05-13"), "08:15", "17:00", 60)
			a.PriorConsent = true
			return a
		}(), now: "2026-05-01 09:00",
			want: []string{"hours.staggered_work info", "notice.travel_order info"}},
		{name: "8:15 is not one of the tenant's patterns", edit: func(p *Policy) { p.Hours.Staggered = []string{"07:30", "09:00"} }, app: func() Application {
			a := withHours(app(Home, FullDay, "2026-05-13"), "08:15", "17:00", 60)
			a.PriorConsent = true
			return a
		}(), now: "2026-05-01 09:00",
			want: []string{"hours.staggered error", "notice.travel_order info"}},
		{name: "現業 are excluded", person: func(p Person) Person { p.JobType = "manual"; return p }, app: func() Application { a := app(Mobile, FullDay, "2026-05-13"); a.PriorConsent = true; return a }(), now: "2026-05-01 09:00",
			want: []string{"eligibility.job_type error"}},
		{name: "managers first (the 2019 trial)", edit: func(p *Policy) { p.Eligibility.Ranks = []org.Rank{org.RankExecutive, org.RankManager} },
			app: func() Application { a := app(Satellite, FullDay, "2026-05-13"); a.PriorConsent = true; return a }(), now: "2026-05-01 09:00",
			want: []string{"eligibility.rank error"}},
	})
	run(t, "kakegawa", []tcase{
		{name: "satellite office the day before", app: app(Satellite, PM, "2026-05-13"), now: "2026-05-12 16:00", want: nil},
		// G:1559 在宅勤務に加え、サテライトオフィス勤務.
		{name: "home as well", app: app(Home, FullDay, "2026-05-13"), now: "2026-05-12 16:00", want: nil},
		{name: "mobile is not part of the rules", app: app(Mobile, FullDay, "2026-05-13"), now: "2026-05-12 16:00", want: []string{"mode.disabled error"}},
		// G:1566 前日までに所属長に提出し、承認を得る: submitted and
		// approved by the day before (SPEC §1).
		{name: "submitted on the day is too late", app: app(Satellite, AM, "2026-05-13"), now: "2026-05-13 08:00",
			want: []string{"deadline.submission@2026-05-13 error"}},
		{name: "approval on the day is too late (前日までに提出し承認)", app: app(Satellite, AM, "2026-05-13"), stage: AtApprove, now: "2026-05-13 08:00",
			want: []string{"deadline.approval@2026-05-13 error"}},
	})
	run(t, "fukaya", []tcase{
		// The guide says nothing of time units for 深谷市: 時間単位 allowed.
		{name: "hourly is allowed", app: app(Home, Hourly, "2026-05-13"), now: "2026-05-01 09:00", want: nil},
		{name: "anyone, a morning", person: func(p Person) Person { p.Employment = org.Temporary; p.HasTerminal = false; return p }, app: app(Home, AM, "2026-05-13"), now: "2026-05-01 09:00", want: nil},
	})
}

func TestUnitRulesNarrow(t *testing.T) {
	run(t, "ibaraki", []tcase{
		{name: "a 窓口 section allows two days a week and no mobile work", edit: func(p *Policy) {
			p.UnitRules = []UnitRule{{UnitCode: "110", WeeklyMaxDays: 2, Modes: []Mode{Home, Satellite}}}
		}, app: app(Mobile, FullDay, "2026-05-11", "2026-05-12", "2026-05-13"), now: "2026-05-01 09:00",
			want: []string{"mode.disabled error", "caps.weekly@2026-05-13 error"}},
		{name: "another unit's rule does not apply", edit: func(p *Policy) {
			p.UnitRules = []UnitRule{{UnitCode: "999", WeeklyMaxDays: 1}}
		}, app: app(Home, FullDay, "2026-05-11", "2026-05-12"), now: "2026-05-01 09:00",
			want: []string{"notice.travel_order info"}},
		{name: "a unit can require the 育児・介護 reason", edit: func(p *Policy) {
			p.UnitRules = []UnitRule{{UnitCode: "100", Eligibility: &Eligibility{Reasons: []string{"childcare", "nursing"}}}}
		}, app: app(Home, FullDay, "2026-05-11"), now: "2026-05-01 09:00",
			want: []string{"eligibility.unit_rule.reason error", "notice.travel_order info"}},
	})
}

func TestMonthlyCapAndHalfDays(t *testing.T) {
	run(t, "fukaya", []tcase{
		{name: "月に数回: the fourth day in a month with a cap of 3", edit: func(p *Policy) { p.Caps.MonthlyMaxDays = 3 },
			app: app(Home, FullDay, "2026-05-25"), others: []Application{{Mode: Home, TimeUnit: FullDay, Status: "submitted", Dates: dates("2026-05-08", "2026-05-15", "2026-05-22")}},
			now: "2026-05-01 09:00", want: []string{"caps.monthly@2026-05-25 error"}},
		{name: "half days count half", edit: func(p *Policy) { p.Caps.WeeklyMaxDays = 2; p.Caps.HalfDayCountsHalf = true },
			app: app(Home, AM, "2026-05-13"), others: []Application{{Mode: Home, TimeUnit: PM, Status: "approved", Dates: dates("2026-05-11", "2026-05-12")}},
			now: "2026-05-01 09:00", want: nil},
		{name: "a morning on a day with an afternoon is no duplicate", app: app(Home, AM, "2026-05-13"),
			others: []Application{{Mode: Home, TimeUnit: PM, Status: "approved", Dates: dates("2026-05-13")}}, now: "2026-05-01 09:00", want: nil},
		{name: "a full day twice is", app: app(Home, FullDay, "2026-05-13"),
			others: []Application{{Mode: Home, TimeUnit: FullDay, Status: "approved", Dates: dates("2026-05-13")}}, now: "2026-05-01 09:00",
			want: []string{"caps.duplicate@2026-05-13 error"}},
	})
}

func TestMessagesNameLimitAndValue(t *testing.T) {
	p := tpl(t, "ibaraki")
	fs := Evaluate(Input{Policy: p, Calendar: cal2026, Person: clerk, App: app(Home, FullDay, "2026-05-15"),
		Others: []Application{{Mode: Home, TimeUnit: FullDay, Status: "approved", Dates: dates("2026-05-11", "2026-05-12", "2026-05-13", "2026-05-14")}},
		Stage:  AtSubmit, Now: jst("2026-05-14 12:30")})
	want := map[string]string{
		"caps.weekly":         "5月15日(金): 週4日までの上限を超えています(この週は5日目)。",
		"deadline.submission": "5月15日(金): 申請の締切(1日前の12:00まで: 2026-05-14 12:00)を過ぎています(現在 2026-05-14 12:30)。",
	}
	for _, f := range fs {
		if w, ok := want[f.Rule]; ok {
			if m := f.Message("ja"); m != w {
				t.Errorf("%s:\n got %s\nwant %s", f.Rule, m, w)
			}
			delete(want, f.Rule)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing findings: %v", want)
	}
	en := Finding{Rule: "caps.weekly", Key: "policy.caps.weekly", Date: day("2026-05-15"), Args: map[string]any{"Max": 4, "Count": "5"}}.Message("en")
	if en != "Fri 15 May: Over the limit of 4 days a week (this is day 5 of the week)." {
		t.Errorf("English: %s", en)
	}
	el := Finding{Rule: "eligibility.employment", Key: "policy.eligibility.employment", Args: map[string]any{"Actual": "@employment.fiscal_year"}}.Message("ja")
	if el != "任用区分が「会計年度任用職員」の職員は対象外です。" {
		t.Errorf("choice label: %s", el)
	}
}

func TestTemplatesAreValid(t *testing.T) {
	if len(Templates()) != 7 {
		t.Fatalf("%d templates, want the seven 第6章 cases", len(Templates()))
	}
	for _, tp := range Templates() {
		if err := tp.Policy.Validate(); err != nil {
			t.Errorf("%s: %v", tp.Name, err)
		}
	}
	bad := tpl(t, "kobe")
	bad.Hours.CoreStart, bad.Hours.CoreEnd, bad.Deadline.DayKind, bad.Caps.WeeklyMaxDays = "15:00", "10:00", "lunar", 9
	err := bad.Validate()
	for _, f := range []string{"hours.core_end", "deadline.day_kind", "caps.weekly_max_days"} {
		if err == nil || !strings.Contains(err.Error(), f) {
			t.Errorf("Validate does not name %s: %v", f, err)
		}
	}
}

func TestInForce(t *testing.T) {
	vs := []Version{{ID: 1, Effective: day("2025-04-01")}, {ID: 3, Effective: day("2026-04-01")}, {ID: 2, Effective: day("2025-10-01")}}
	for _, tc := range []struct {
		d    string
		want int64
	}{{"2025-03-31", 0}, {"2025-04-01", 1}, {"2026-03-31", 2}, {"2026-04-01", 3}, {"2030-01-01", 3}} {
		v, ok := InForce(vs, day(tc.d))
		if (tc.want == 0) == ok || v.ID != tc.want {
			t.Errorf("InForce(%s) = %d %v, want %d", tc.d, v.ID, ok, tc.want)
		}
	}
}

func dates(ds ...string) []calendar.Date {
	var out []calendar.Date
	for _, d := range ds {
		out = append(out, day(d))
	}
	return out
}

func withPlace(a Application, kind, reason string) Application {
	a.Place, a.PlaceKind, a.PlaceReason = PlaceHomeEquivalent, kind, reason
	return a
}

// withHomeEquivalentPart splits the day: the morning at 自宅同等の場所 of
// kind with reason, the afternoon at the office.
func withHomeEquivalentPart(a Application, kind, reason string) Application {
	a.PlaceKind, a.PlaceReason = kind, reason
	a.Segments = []Segment{{Mode: Home, Place: PlaceHomeEquivalent, Start: "08:30", End: "12:00"}, {Mode: Office, Place: PlaceOffice, Start: "13:00", End: "17:15"}}
	return a
}

func withHours(a Application, start, end string, brk int) Application {
	a.Start, a.End, a.BreakMinutes = start, end, brk
	return a
}

func withDevice(a Application, dev string, print, save bool) Application {
	a.Device, a.PrintAtHome, a.SaveAtHome = dev, print, save
	return a
}

func withPaper(a Application, class string) Application {
	a.PaperOut, a.PaperClasses = true, []string{class}
	return a
}

// TestTrialMembers: a trial limited to its members admits those HR marked
// 試行の対象者 and those named by number, and nobody else.
func TestTrialMembers(t *testing.T) {
	trialOnly := func(p *Policy) { p.Eligibility.TrialOnly = true }
	named := func(p *Policy) { p.Eligibility.TrialStaffNos = []string{"000777"} }
	member := func(p Person) Person { p.Trial = true; return p }
	run(t, "saga", []tcase{
		{name: "trial only: a marked member", edit: trialOnly, person: member, app: app(Mobile, FullDay, "2026-05-13"), now: "2026-05-01 09:00", want: nil},
		{name: "trial only: not a member", edit: trialOnly, app: app(Mobile, FullDay, "2026-05-13"), now: "2026-05-01 09:00",
			want: []string{"eligibility.trial error"}},
		{name: "named trial: marked members are in too", edit: named, person: member, app: app(Mobile, FullDay, "2026-05-13"), now: "2026-05-01 09:00", want: nil},
		{name: "named trial: someone else", edit: named, app: app(Mobile, FullDay, "2026-05-13"), now: "2026-05-01 09:00",
			want: []string{"eligibility.trial error"}},
		{name: "no trial limit: the mark changes nothing", person: member, app: app(Mobile, FullDay, "2026-05-13"), now: "2026-05-01 09:00", want: nil},
	})
}

// Half days and days of segments are held to the hours rules through the
// times they plan (a review: 午後 13:00–23:30 passed 茨城県's window, its
// late-night and overtime bans, and 34条).
func TestHalfDaysAndSegmentsAreTimed(t *testing.T) {
	segs := func(a Application, s ...Segment) Application { a.Segments = s; return a }
	late := []Segment{{Mode: Office, Place: PlaceOffice, Start: "08:30", End: "17:15"}, {Mode: Home, Place: PlaceHome, Start: "20:00", End: "23:30"}}
	split := []Segment{{Mode: Home, Place: PlaceHome, Start: "08:30", End: "12:00"}, {Mode: Office, Place: PlaceOffice, Start: "13:00", End: "17:15"}}
	run(t, "ibaraki", []tcase{
		{name: "an afternoon until 23:30", app: withHours(app(Home, PM, "2026-05-13"), "13:00", "23:30", 0), now: "2026-05-01 09:00",
			want: []string{"hours.window error", "hours.late_night error", "hours.overtime_prohibited error", "hours.break warning", "notice.travel_order info"}},
		{name: "a morning from 3:00", app: withHours(app(Home, AM, "2026-05-13"), "03:00", "12:00", 0), now: "2026-05-01 09:00",
			want: []string{"hours.window error", "hours.late_night error", "hours.overtime_prohibited error", "hours.break warning", "notice.travel_order info"}},
		{name: "a standard afternoon", app: withHours(app(Home, PM, "2026-05-13"), "13:00", "17:15", 0), now: "2026-05-01 09:00",
			want: []string{"notice.travel_order info"}},
		{name: "a standard morning", app: withHours(app(Home, AM, "2026-05-13"), "08:30", "12:00", 0), now: "2026-05-01 09:00",
			want: []string{"notice.travel_order info"}},
		{name: "an afternoon 15 minutes long", app: withHours(app(Home, PM, "2026-05-13"), "13:00", "17:30", 0), now: "2026-05-01 09:00",
			want: []string{"hours.overtime_prohibited error", "notice.travel_order info"}},
		{name: "an evening part after the office", app: segs(app(Home, FullDay, "2026-05-13"), late...), now: "2026-05-01 09:00",
			want: []string{"hours.window error", "hours.late_night error", "hours.overtime_prohibited error", "notice.travel_order info"}},
		{name: "home in the morning, office after lunch", app: segs(app(Home, FullDay, "2026-05-13"), split...), now: "2026-05-01 09:00",
			want: []string{"notice.travel_order info"}},
		{name: "a morning with only its start", app: withHours(app(Home, AM, "2026-05-13"), "09:00", "", 0), now: "2026-05-01 09:00",
			want: []string{"notice.travel_order info"}},
		{name: "an afternoon with only its end, at 23:00", app: withHours(app(Home, PM, "2026-05-13"), "", "23:00", 0), now: "2026-05-01 09:00",
			want: []string{"hours.window error", "hours.late_night error", "notice.travel_order info"}},
	})
	run(t, "matsumoto", []tcase{
		{name: "a long afternoon needs prior approval", app: withHours(app(Home, PM, "2026-05-13"), "13:00", "19:00", 0), now: "2026-05-01 09:00",
			want: []string{"hours.overtime_needs_approval error"}},
		// The lunch hour stated as the break is the gap between the parts,
		// not an hour more: 08:30–12:00 and 13:00–18:15 is 8 h 45 min.
		{name: "parts with the lunch hour stated", app: func() Application {
			a := app(Home, FullDay, "2026-05-13")
			a.Segments = []Segment{{Mode: Home, Place: PlaceHome, Start: "08:30", End: "12:00"}, {Mode: Office, Place: PlaceOffice, Start: "13:00", End: "18:15"}}
			a.BreakMinutes = 60
			return a
		}(), now: "2026-05-01 09:00", want: []string{"hours.overtime_needs_approval error"}},
		{name: "with it, fine", app: func() Application {
			a := withHours(app(Home, PM, "2026-05-13"), "13:00", "19:00", 0)
			a.OvertimeApproved = true
			return a
		}(), now: "2026-05-01 09:00", want: nil},
	})
}

// A submission in the deadline's own minute, seconds after it, names the
// seconds: 「締切 12:00 … (現在 12:00)」 read as a contradiction (a review).
func TestLateInTheDeadlineMinute(t *testing.T) {
	p := tpl(t, "ibaraki")
	now := time.Date(2026, 5, 12, 12, 0, 30, 0, calendar.Tokyo)
	out := Evaluate(Input{Policy: p, Person: clerk, App: app(Home, FullDay, "2026-05-13"), Now: now, Stage: AtSubmit})
	for _, f := range out {
		if f.Rule == "deadline.submission" {
			if f.Args["Deadline"] != "2026-05-12 12:00" || f.Args["Now"] != "2026-05-12 12:00:30" {
				t.Fatalf("args %v", f.Args)
			}
			return
		}
	}
	t.Fatalf("no deadline finding in %v", got(out))
}
