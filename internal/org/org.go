// Package org owns tenants (団体), the organisation tree (部・局 → 課・室 →
// 係・担当), staff records and their validation. It knows nothing of HTTP or SQL.
package org

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"telework/internal/apperr"
	"telework/internal/calendar"
)

// TenantKind is the type of local government, which decides its bucket in
// the national comparison.
type TenantKind string

const (
	Prefecture     TenantKind = "prefecture"      // 都道府県
	DesignatedCity TenantKind = "designated_city" // 政令市
	Municipality   TenantKind = "municipality"    // 市区町村 (特別区 included)
)

// TenantKinds in display order.
var TenantKinds = []TenantKind{Prefecture, DesignatedCity, Municipality}

// Tenant is one 団体. Every other row belongs to exactly one tenant.
type Tenant struct {
	ID                int64
	Slug              string // short code used at sign-in, e.g. "matsumoto"
	Name              string // 松本市
	Kind              TenantKind
	StaffSize         int // 職員数
	GeneralAdminStaff int // 一般行政職員数, for the 101人以上 / 100人以下 bucket
	CreatedAt         time.Time
	Version           int64
}

var slugRE = regexp.MustCompile(`^[a-z][a-z0-9-]{1,39}$`)

// Validate checks the tenant's fields.
func (t *Tenant) Validate() error {
	var v apperr.Validation
	if !slugRE.MatchString(t.Slug) {
		v.Add("slug", "field.slug_format", nil)
	}
	t.Name = CleanText(t.Name)
	RequiredText(&v, "name", t.Name, 100, false, tenantNameLabel())
	if !slices.Contains(TenantKinds, t.Kind) {
		v.Add("kind", "field.choice", nil)
	}
	if t.StaffSize < 0 || t.StaffSize > 1_000_000 {
		v.Add("staff_size", "field.range", map[string]any{"Min": 0, "Max": 1000000})
	}
	if t.GeneralAdminStaff < 0 || t.GeneralAdminStaff > t.StaffSize {
		v.Add("general_admin_staff", "field.general_admin_le_staff", nil)
	}
	return v.Err()
}

// Unit is one node of the organisation tree. Level is the name of its tier
// as the tenant uses it (部, 局, 課, 室, 係, 担当 …); depth is free.
type Unit struct {
	ID        int64
	TenantID  int64
	ParentID  int64 // 0 for a top-level unit
	Code      string
	Name      string
	Level     string
	SortOrder int
	Retired   bool
	Version   int64
	// Filled by queries that need them.
	Path []string // names from the top, for display (総務部/人事課/人事係)
}

var codeRE = regexp.MustCompile(`^[0-9A-Za-z_-]{1,20}$`)

// Validate checks a unit's own fields; tree rules (no cycles) are checked
// by the service with the tree at hand.
func (u *Unit) Validate() error {
	var v apperr.Validation
	u.Code = strings.TrimSpace(u.Code)
	if !codeRE.MatchString(u.Code) {
		v.Add("code", "field.code_format", nil)
	}
	u.Name = CleanText(u.Name)
	RequiredText(&v, "name", u.Name, 60, false, unitNameLabel())
	u.Level = CleanText(u.Level)
	requireText(&v, "level", u.Level, 10)
	if u.SortOrder < 0 || u.SortOrder > MaxSortOrder {
		// Bounded as every number the product stores: PostgreSQL's INTEGER
		// refused a larger one with a 500 where SQLite stored it.
		v.Add("sort_order", "field.range", map[string]any{"Min": 0, "Max": MaxSortOrder})
	}
	return v.Err()
}

// Labels of the fields called "name" that are not a person's 氏名 (the
// product-wide label of "name"): messages about them say 団体名 and 所属名
// (a unit's name of 61 characters was refused as 「氏名」は60文字以内).
func tenantNameLabel() map[string]any { return map[string]any{"LabelKey": "fieldname.tenant_name"} }
func unitNameLabel() map[string]any   { return map[string]any{"LabelKey": "fieldname.unit_name"} }

// MaxSortOrder bounds a unit's 表示順.
const MaxSortOrder = 999999

// UnitChange is one entry of a unit's history (人事異動 every April).
type UnitChange struct {
	ID            int64
	UnitID        int64
	Kind          string // create, rename, move, retire
	OldName       string
	NewName       string
	OldParentID   int64
	NewParentID   int64
	EffectiveDate calendar.Date
	ChangedAt     time.Time
	ActorLabel    string
}

// Employment is the 任用区分.
type Employment string

const (
	Regular     Employment = "regular"     // 常勤
	Reappointed Employment = "reappointed" // 再任用
	FiscalYear  Employment = "fiscal_year" // 会計年度任用職員
	Temporary   Employment = "temporary"   // 臨時
)

// Employments in display order.
var Employments = []Employment{Regular, Reappointed, FiscalYear, Temporary}

// JobTypes is the built-in list of 職種. Eligibility rules name these codes
// (e.g. 保育士 excluded at 松本市, 現業 at 渋谷区).
var JobTypes = []string{"general", "technical", "childcare", "manual", "health", "welfare", "education", "firefighting"}

// Rank is the 職層, used by rules such as 渋谷区's 管理職 first.
type Rank string

const (
	RankExecutive        Rank = "executive"         // 部長級
	RankManager          Rank = "manager"           // 課長級
	RankAssistantManager Rank = "assistant_manager" // 課長補佐級
	RankChief            Rank = "chief"             // 係長級
	RankSenior           Rank = "senior"            // 主任級
	RankStaff            Rank = "staff"             // 主事・技師級
)

// Ranks in display order.
var Ranks = []Rank{RankExecutive, RankManager, RankAssistantManager, RankChief, RankSenior, RankStaff}

// IsManagerial reports 管理職 (課長級以上).
func (r Rank) IsManagerial() bool { return r == RankExecutive || r == RankManager }

// IsSupervisory reports whether r is a 管理監督職 rank: 係長級 and above
// (監督職 and 管理職).
func (r Rank) IsSupervisory() bool {
	return r == RankExecutive || r == RankManager || r == RankAssistantManager || r == RankChief
}

// Supervisory reports whether the person is 管理監督職員: a 所属長 or of a
// 管理監督職 rank (the guide's 渋谷区: 「在席確認者」(管理監督職員。通常は
// 所属長)).
func (s *Staff) Supervisory() bool { return s.IsSupervisor || s.Rank.IsSupervisory() }

// Sensitive analysis attributes: opt-in, visible to HR only.
var (
	Genders  = []string{"female", "male", "other", "no_answer"}
	AgeBands = []string{"10s", "20s", "30s", "40s", "50s", "60s"}
	Cares    = []string{"none", "childcare", "nursing", "both"}
)

// Sensitive holds the opt-in analysis attributes (SPEC §1). A nil pointer
// in Staff means the person has not opted in and nothing is stored.
type Sensitive struct {
	Gender         string
	AgeBand        string
	Care           string // 育児・介護 as an analysis attribute
	CommuteMinutes int
}

// Staff is one 職員.
type Staff struct {
	ID           int64
	TenantID     int64
	StaffNo      string // 職員番号
	Name         string // 氏名
	Kana         string // かな
	Email        string
	UnitID       int64
	Title        string // 役職名 as printed (課長, 係長, 主事 …)
	Rank         Rank
	IsSupervisor bool // 所属長・係長: 在席確認者 of the unit
	Employment   Employment
	JobType      string
	Sensitive    *Sensitive
	Retired      bool
	Version      int64
	UpdatedAt    time.Time
	// Filled by queries that need it.
	UnitName string
}

// Validate checks and cleans a staff record.
func (s *Staff) Validate() error {
	var v apperr.Validation
	s.StaffNo = strings.TrimSpace(s.StaffNo)
	if !codeRE.MatchString(s.StaffNo) {
		v.Add("staff_no", "field.code_format", nil)
	}
	s.Name = CleanText(s.Name)
	requireText(&v, "name", s.Name, 40)
	s.Kana = KanaForm(s.Kana)
	kanaVisible := requireText(&v, "kana", s.Kana, 60)
	if kanaVisible && s.Kana != "" && !isKana(s.Kana) {
		v.Add("kana", "field.kana_only", nil)
	}
	s.Email = strings.TrimSpace(s.Email)
	if s.Email != "" {
		if a, err := mail.ParseAddress(s.Email); err != nil || a.Address != s.Email || len(s.Email) > 254 {
			v.Add("email", "field.email", nil)
		}
	}
	if s.UnitID <= 0 {
		v.Add("unit_id", "field.required", nil)
	}
	s.Title = CleanText(s.Title)
	if utf8.RuneCountInString(s.Title) > 30 {
		v.Add("title", "field.too_long", map[string]any{"Max": 30})
	} else {
		visibleOnly(&v, "title", s.Title)
	}
	if !slices.Contains(Ranks, s.Rank) {
		v.Add("rank", "field.choice", nil)
	}
	if !slices.Contains(Employments, s.Employment) {
		v.Add("employment", "field.choice", nil)
	}
	if !slices.Contains(JobTypes, s.JobType) {
		v.Add("job_type", "field.choice", nil)
	}
	if p := s.Sensitive; p != nil {
		if p.Gender != "" && !slices.Contains(Genders, p.Gender) {
			v.Add("gender", "field.choice", nil)
		}
		if p.AgeBand != "" && !slices.Contains(AgeBands, p.AgeBand) {
			v.Add("age_band", "field.choice", nil)
		}
		if p.Care != "" && !slices.Contains(Cares, p.Care) {
			v.Add("care", "field.choice", nil)
		}
		if p.CommuteMinutes < 0 || p.CommuteMinutes > 600 {
			v.Add("commute_minutes", "field.range", map[string]any{"Min": 0, "Max": 600})
		}
	}
	return v.Err()
}

// isKana accepts ひらがな, カタカナ (full and half width), the long-vowel mark
// and spaces: the reading of a name.
func isKana(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'ぁ' && r <= 'ゟ', r >= '゠' && r <= 'ヿ', r >= 'ｦ' && r <= 'ﾟ', r == ' ', r == '　', r == '・':
		default:
			return false
		}
	}
	return true
}

// requireText checks a text people read (names, readings, titles): given,
// at most max characters, no invisible or control character (RequiredText).
// It reports whether s passed.
func requireText(v *apperr.Validation, field, s string, max int) bool {
	return RequiredText(v, field, s, max, false, nil)
}

// visibleOnly refuses s when it holds an invisible or control character,
// naming the character (U+202E) so that the person can find it.
func visibleOnly(v *apperr.Validation, field, s string) bool {
	return RefuseInvisible(v, field, s, false, nil)
}

// StaffChange is one entry of a person's history: moves between units and
// changes of title, with the date they took effect.
type StaffChange struct {
	ID            int64
	StaffID       int64
	EffectiveDate calendar.Date
	OldUnitID     int64
	NewUnitID     int64
	OldTitle      string
	NewTitle      string
	ChangedAt     time.Time
	ActorLabel    string
	OldUnitName   string
	NewUnitName   string
}

// Validate checks the search text (q: at most apperr.MaxSearchLen
// characters).
func (f StaffFilter) Validate() error {
	var v apperr.Validation
	v.Search("q", f.Query, "staff.search_label")
	return v.Err()
}

// StaffFilter narrows a staff search. Query matches 氏名, かな and 職員番号
// through SearchKey.
type StaffFilter struct {
	Query         string
	UnitID        int64 // with subtree
	Employment    Employment
	JobType       string
	IncludeRetire bool
	Limit         int
	Offset        int
	// AfterID switches to keyset paging in id order (the API's cursor).
	AfterID int64
	ByID    bool
}
