// Package policy owns a tenant's telework rules (制度) as data — which modes,
// who is eligible, deadlines, caps, places, hours, take-out and reporting —
// versioned by effective date, and the engine that checks an application
// against them and explains each finding in Japanese and English. It is a
// pure function of its inputs: no HTTP, no SQL.
package policy

import (
	"slices"
	"sort"

	"telework/internal/calendar"
	"telework/internal/org"
)

// Mode is a form of telework.
type Mode string

const (
	Home      Mode = "home"      // 在宅勤務
	Satellite Mode = "satellite" // サテライトオフィス勤務
	Mobile    Mode = "mobile"    // モバイルワーク
)

// Modes in display order.
var Modes = []Mode{Home, Satellite, Mobile}

// Office marks a part of a day spent at the office (出勤): not telework, so
// never a mode of the policy, but one a segment of a day may take.
const Office Mode = "office"

// PlaceOffice is the office, the place of an Office segment.
const PlaceOffice = "office"

// PlacesOf are the places a mode is worked at: 在宅勤務 at home or a place
// treated like home (第6章: 自宅同等の場所), サテライトオフィス勤務 at a
// satellite office, モバイルワーク on the move (外出先), 出勤 at the office.
// An unknown mode has none.
func PlacesOf(m Mode) []string {
	switch m {
	case Home:
		return []string{PlaceHome, PlaceHomeEquivalent}
	case Satellite:
		return []string{PlaceSatellite}
	case Mobile:
		return []string{PlaceMobile}
	case Office:
		return []string{PlaceOffice}
	}
	return nil
}

// Noon is where a morning (午前) ends and an afternoon (午後) starts, in
// minutes after midnight: the policy's hours give a day's start and end
// but no half-day boundary, so an afternoon starts at 12:00 (as the
// deadline 「事前に」 of an afternoon does) and a morning ends there.
const Noon = 12 * 60

// TimeUnit is how much of a day an application covers.
type TimeUnit string

const (
	FullDay TimeUnit = "full_day" // 終日
	AM      TimeUnit = "am"       // 午前
	PM      TimeUnit = "pm"       // 午後
	Hourly  TimeUnit = "hourly"   // 時間単位
)

// TimeUnits in display order.
var TimeUnits = []TimeUnit{FullDay, AM, PM, Hourly}

// PartDay reports whether the unit covers part of the day (午前, 午後,
// 時間単位): the core time is not asked of it.
func (u TimeUnit) PartDay() bool { return u == AM || u == PM || u == Hourly }

// Place kinds.
const (
	PlaceHome           = "home"            // 自宅
	PlaceHomeEquivalent = "home_equivalent" // 自宅同等の場所
	PlaceSatellite      = "satellite"       // サテライトオフィス
	PlaceMobile         = "mobile"          // 外出先
)

// HomeEquivalentKinds are the places 第6章 treats like home: 実家 and
// 病院 (茨城県), 介護を要する親族の家 and 帰省先 (佐賀県).
var HomeEquivalentKinds = []string{"parents_home", "care_place", "hometown", "hospital"}

// Reasons a person may declare for eligibility (育児・介護).
var Reasons = []string{"childcare", "nursing"}

// Device types for print/save rules (図表33: 貸出用端末, 席上端末の持ち帰り, 私用端末).
var DeviceTypes = []string{"loan_pc", "office_pc", "personal_pc", "tablet"}

// PersonalDeviceTypes are the person's own devices (私用端末, BYOD): used
// only once registered and approved by IT, until the approval expires.
var PersonalDeviceTypes = []string{"personal_pc"}

// Data classes for take-out rules.
var DataClasses = []string{"personal_info", "confidential", "general"}

// Policy is one version of a tenant's rules.
type Policy struct {
	Modes       []Mode      `json:"modes"`
	Eligibility Eligibility `json:"eligibility"`
	// UnitRules narrow the tenant rules for a unit and everything below it
	// (Step 8: 各部署…所属長と都度相談の上、実施形態を決める).
	UnitRules    []UnitRule `json:"unit_rules,omitempty"`
	Deadline     Deadline   `json:"deadline"`
	Caps         Caps       `json:"caps"`
	TimeUnits    []TimeUnit `json:"time_units"`
	Places       Places     `json:"places"`
	Hours        Hours      `json:"hours"`
	MidDayBreak  string     `json:"mid_day_break"` // hourly_leave | not_allowed | allowed
	TravelOrder  bool       `json:"travel_order"`  // record 在宅勤務 as a 旅行命令 (茨城県, 渋谷区)
	Report       Report     `json:"report"`
	TakeOut      TakeOut    `json:"take_out"`
	Presence     string     `json:"presence"` // none | signed_in
	QuietHours   bool       `json:"quiet_hours"`
	AutoApproval bool       `json:"auto_approval"`
}

// Eligibility says who may telework. Empty lists mean "no limit".
type Eligibility struct {
	Employments      []org.Employment `json:"employments,omitempty"`
	ExcludedJobTypes []string         `json:"excluded_job_types,omitempty"`
	UnitCodes        []string         `json:"unit_codes,omitempty"` // these units and below
	Ranks            []org.Rank       `json:"ranks,omitempty"`
	Reasons          []string         `json:"reasons,omitempty"` // one of these declared (育児・介護 first)
	RequireTerminal  bool             `json:"require_terminal,omitempty"`
	ExcludeSeconded  bool             `json:"exclude_seconded,omitempty"`
	TrialStaffNos    []string         `json:"trial_staff_nos,omitempty"` // named trial members only
	// TrialOnly limits telework to the trial's members: those HR marked
	// 試行の対象者 (a fact, set per person, in bulk or by import) and those
	// named in TrialStaffNos.
	TrialOnly bool `json:"trial_only,omitempty"`
}

// UnitRule narrows the rules for one unit's subtree. A unit can only make
// them stricter: its eligibility applies in addition, its caps apply when
// lower, its modes are intersected.
type UnitRule struct {
	UnitCode       string       `json:"unit_code"`
	Eligibility    *Eligibility `json:"eligibility,omitempty"`
	Modes          []Mode       `json:"modes,omitempty"`
	WeeklyMaxDays  int          `json:"weekly_max_days,omitempty"`
	MonthlyMaxDays int          `json:"monthly_max_days,omitempty"`
}

// Deadline says by when an application must be submitted or approved.
type Deadline struct {
	On      string `json:"on"`       // none | submission | approval | both
	Days    int    `json:"days"`     // N days before the telework day
	DayKind string `json:"day_kind"` // business | calendar
	Cutoff  string `json:"cutoff"`   // HH:MM on the deadline day; "" = end of that day
	// BeforeStart: 「事前に」 and nothing more — the deadline is the start
	// of the work on the day itself (the planned start, else the standard
	// start; 12:00 for an afternoon). Days, DayKind and Cutoff are then
	// not used.
	BeforeStart  bool `json:"before_start,omitempty"`
	PriorConsent bool `json:"prior_consent"`
}

// Caps limit how often. Zero means no limit.
type Caps struct {
	WeeklyMaxDays        int  `json:"weekly_max_days"`
	MonthlyMaxDays       int  `json:"monthly_max_days"`
	MinOfficeDaysPerWeek int  `json:"min_office_days_per_week"` // 原則: a warning
	HalfDayCountsHalf    bool `json:"half_day_counts_half"`
}

// Places says where, besides the office.
type Places struct {
	HomeEquivalent      bool     `json:"home_equivalent"`
	HomeEquivalentKinds []string `json:"home_equivalent_kinds,omitempty"`
}

// Hours are the working-time rules.
type Hours struct {
	Start        string   `json:"start"` // standard day, e.g. 08:30
	End          string   `json:"end"`   // e.g. 17:15
	BreakMinutes int      `json:"break_minutes"`
	Staggered    []string `json:"staggered,omitempty"` // allowed start times (時差勤務); empty = any
	// StaggeredWork: 時差勤務 may be used on telework days (a start other
	// than the standard one is shown as 時差勤務). Staggered, when given,
	// lists the start times the tenant allows.
	StaggeredWork bool   `json:"staggered_work,omitempty"`
	Flex          bool   `json:"flex"`
	CoreStart     string `json:"core_start,omitempty"`
	CoreEnd       string `json:"core_end,omitempty"`
	WindowStart   string `json:"window_start,omitempty"` // allowed window, e.g. 05:00
	WindowEnd     string `json:"window_end,omitempty"`   // e.g. 22:00
	Overtime      string `json:"overtime"`               // prohibited | prior_approval | allowed
	NoLateNight   bool   `json:"no_late_night"`          // 22:00–05:00 prohibited
}

// Report is the post-day report rule.
type Report struct {
	Required bool   `json:"required"`
	Form     string `json:"form"`     // phone_then_form | planned_actual | combined_form | verbal_by_supervisor | chat | system
	DueDays  int    `json:"due_days"` // with Timing "": 0 = the same day, 1 = by the next day …
	// Timing: "" = within DueDays; "from_next_day" = 翌日以降 (from the
	// next day on, no deadline); "after" = 実施後 (no deadline given).
	Timing string `json:"timing,omitempty"`
}

// ReportTimings are the choices of Report.Timing.
var ReportTimings = []string{"", "from_next_day", "after"}

// TakeOut covers paper and data taken home, printing and saving.
type TakeOut struct {
	Paper               string   `json:"paper"` // allowed | consent | banned
	BannedPaperClasses  []string `json:"banned_paper_classes,omitempty"`
	Data                string   `json:"data"` // allowed | consent | banned
	BannedDataClasses   []string `json:"banned_data_classes,omitempty"`
	PrintAllowedDevices []string `json:"print_allowed_devices,omitempty"`
	SaveAllowedDevices  []string `json:"save_allowed_devices,omitempty"`
}

// Version is a policy with the date it takes effect.
type Version struct {
	ID        int64
	Effective calendar.Date
	Policy    Policy
	Note      string
}

// InForce returns the version in force on d (the latest effective on or
// before d), or false when none is.
func InForce(versions []Version, d calendar.Date) (Version, bool) {
	vs := slices.Clone(versions)
	sort.Slice(vs, func(i, j int) bool { return vs[i].Effective.Before(vs[j].Effective) })
	var out Version
	found := false
	for _, v := range vs {
		if !d.Before(v.Effective) {
			out, found = v, true
		}
	}
	return out, found
}
