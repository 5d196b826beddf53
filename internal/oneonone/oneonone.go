// Package oneonone owns the 1on1 meetings of the guide's 第5章 2. (a
// company case): pairs (usually a supervisor and a member, any two people
// allowed), a cadence of every 1–4 weeks of about 30 minutes, online or
// deliberately face to face, and a log that follows the guide's steps
// (アイスブレイク, 前回の振り返り, 本日のテーマ) with free notes and agreed
// actions carried to the next meeting. It is not a 人事評価 interview. The
// log is readable by the two people only: it is sealed with the server's
// key before it reaches the database (keys.go) and opened only for them.
package oneonone

import (
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/invisible"
)

// Mode is how a meeting is held.
type Mode string

const (
	Online Mode = "online" // Web会議
	Face   Mode = "face"   // 意識的に対面で
)

// Modes lists the modes.
var Modes = []Mode{Online, Face}

// Cadence bounds (the guide: 1週間～4週間に一度, 30分程度).
const (
	MinCadenceDays = 7
	MaxCadenceDays = 28
	DefaultMinutes = 30
)

// Pair is two people who meet. Lead is usually the supervisor (組織長), the
// listener; Member the one whose time it is (ユアタイム).
type Pair struct {
	ID          int64
	TenantID    int64
	LeadID      int64
	MemberID    int64
	CadenceDays int
	Minutes     int
	Mode        Mode
	Active      bool
	Version     int64
	CreatedAt   time.Time
	// Filled by queries.
	LeadName, MemberName string
	LastHeld             string // YYYY-MM-DD of the latest meeting, "" for none
}

// Has reports whether the staff member is one of the two.
func (p *Pair) Has(staffID int64) bool {
	return staffID != 0 && (p.LeadID == staffID || p.MemberID == staffID)
}

// NextDue is the date the next meeting is due.
func (p *Pair) NextDue() string {
	from := p.CreatedAt.In(jst)
	if p.LastHeld != "" {
		if t, err := time.ParseInLocation("2006-01-02", p.LastHeld, jst); err == nil {
			from = t
		}
	}
	return from.AddDate(0, 0, p.CadenceDays).Format("2006-01-02")
}

// Overdue reports whether an active pair has not met within its cadence.
func (p *Pair) Overdue(today string) bool { return p.Active && p.NextDue() < today }

var jst = time.FixedZone("JST", 9*60*60)

// Validate checks a pair's fields.
func (p *Pair) Validate() error {
	var v apperr.Validation
	if p.LeadID <= 0 {
		v.Add("lead_id", "field.required", nil)
	}
	if p.MemberID <= 0 {
		v.Add("member_id", "field.required", nil)
	} else if p.MemberID == p.LeadID {
		v.Add("member_id", "field.oneonone_same_person", nil)
	}
	if p.CadenceDays < MinCadenceDays || p.CadenceDays > MaxCadenceDays {
		v.Add("cadence_days", "field.range", map[string]any{"Min": MinCadenceDays, "Max": MaxCadenceDays})
	}
	if p.Minutes == 0 {
		p.Minutes = DefaultMinutes
	}
	if p.Minutes < 10 || p.Minutes > 120 {
		v.Add("minutes", "field.range", map[string]any{"Min": 10, "Max": 120})
	}
	if p.Mode != Online && p.Mode != Face {
		v.Add("mode", "field.oneonone_mode", nil)
	}
	return v.Err()
}

// Log is what the two write about one meeting, in the guide's steps.
type Log struct {
	IceBreak string   `json:"ice_break"` // アイスブレイク
	Review   string   `json:"review"`    // 前回の振り返り
	Theme    string   `json:"theme"`     // 本日のテーマ
	Notes    string   `json:"notes"`     // メモ
	Actions  []string `json:"actions"`   // 次回までに行うこと(合意したアクション)
}

// Meeting is one 1on1 of a pair.
type Meeting struct {
	ID      int64
	PairID  int64
	HeldOn  string // YYYY-MM-DD
	Mode    Mode
	Log     Log
	Version int64
}

const maxField = 4000

// Validate checks and cleans a meeting.
func (m *Meeting) Validate() error {
	var v apperr.Validation
	if t, err := time.Parse("2006-01-02", m.HeldOn); err != nil || t.Format("2006-01-02") != m.HeldOn {
		v.Add("held_on", "field.date", nil)
	}
	if m.Mode != Online && m.Mode != Face {
		v.Add("mode", "field.oneonone_mode", nil)
	}
	for _, f := range []struct {
		name string
		s    *string
	}{{"ice_break", &m.Log.IceBreak}, {"review", &m.Log.Review}, {"theme", &m.Log.Theme}, {"notes", &m.Log.Notes}} {
		*f.s = strings.TrimSpace(strings.ReplaceAll(*f.s, "\r\n", "\n"))
		invisible.Optional(&v, f.name, *f.s, maxField, true, nil)
	}
	var acts []string
	for _, a := range m.Log.Actions {
		if a = strings.TrimSpace(a); a != "" {
			invisible.Optional(&v, "actions", a, 300, false, nil)
			acts = append(acts, a)
		}
	}
	if len(acts) > 20 {
		v.Add("actions", "field.max_items", map[string]any{"Max": 20})
	}
	m.Log.Actions = acts
	return v.Err()
}

// Question is one entry of the question bank (質問集).
type Question struct {
	Step string // ice_break, review, theme, worry, growth
	Text string
	En   string
}

// Bank is the question bank: examples of what to ask at each step, for a
// listener (the guide: 上司の重要な役割は「聞き役」). Catalogue data, with
// the English next to the Japanese.
var Bank = []Question{
	{"ice_break", "最近、仕事以外で楽しかったことはありますか。", "Anything enjoyable outside work lately?"},
	{"ice_break", "テレワークの日は、どんなふうに一日を始めていますか。", "How do you start your day when teleworking?"},
	{"ice_break", "この1〜2週間の調子はどうですか。", "How have the last week or two been?"},
	{"review", "前回決めたことは、やってみてどうでしたか。", "How did the things we agreed last time go?"},
	{"review", "前回から状況が変わったことはありますか。", "Has anything changed since last time?"},
	{"theme", "今日はどんなことを話したいですか。", "What would you like to talk about today?"},
	{"theme", "いま一番時間を使っている仕事は何ですか。", "What takes most of your time now?"},
	{"theme", "進め方で迷っていることはありますか。", "Is there anything you are unsure how to go about?"},
	{"worry", "テレワーク中に、困ったことや不安に感じたことはありますか。", "Was anything difficult or worrying while teleworking?"},
	{"worry", "相談しづらいと感じることはありますか。", "Is there anything that feels hard to ask about?"},
	{"worry", "仕事の終わりのタイミングはつかめていますか。", "Can you tell when to stop work?"},
	{"growth", "これから挑戦してみたいことはありますか。", "Is there something you would like to try?"},
	{"growth", "わたし(上司)にしてほしいことはありますか。", "Is there anything you would like me to do?"},
	{"growth", "次回までに、何をやってみますか。", "What will you try before next time?"},
}
