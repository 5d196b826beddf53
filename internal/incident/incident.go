// Package incident records the security incidents and worries that staff
// meet during telework (the guide's 図表6 「セキュリティ上の問題の有無」 and
// 図表7 「課題」) and their review by IT admin (情報政策担当).
//
// Anonymity. A person may report anonymously. Then nothing that names them
// is stored: the report has no reporter, its date is the day only (no time
// that could be matched against sign-in records), the audit entry's actor
// is "system:anonymous" with no account id, and the web handler clears the
// account from the request's access-log line. What remains is the text the
// person wrote; the form says so. An anonymous reporter cannot follow the
// report afterwards: there is nothing linking it to them. The API offers no
// Idempotency-Key on reports (its replay cache keeps the account with the
// response). What remains is the audit entry's exact time, which the audit
// chain needs; someone who reads the audit log could set it beside the same
// person's other actions of that minute (docs/trial.md says so).
package incident

import (
	"slices"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/invisible"
)

// Kind is a security incident or a worry.
type Kind string

// The kinds.
const (
	KindIncident Kind = "incident" // セキュリティ上の事故・不安 (図表6, 図表7)
	KindWorry    Kind = "worry"    // 不便・不安 (図表7 課題)
)

// Kinds lists them.
var Kinds = []Kind{KindIncident, KindWorry}

// Category is what happened, from a fixed list per kind.
type Category struct {
	Code   string
	Kind   Kind
	JA, EN string
}

// Categories: the incident kinds a telework security rule guards against
// (端末・媒体, 誤送信, ウイルス, 不正アクセス, 持ち出し, のぞき見) and the
// worries the guide's 図表7 lists word for word.
var Categories = []Category{
	{"device_loss", KindIncident, "端末・記録媒体の紛失・盗難", "Lost or stolen device or storage medium"},
	{"misdelivery", KindIncident, "メール・ファイルの誤送信", "Mail or file sent to the wrong person"},
	{"malware", KindIncident, "ウイルス感染・不審なメール", "Virus infection or a suspicious mail"},
	{"unauthorized_access", KindIncident, "不正アクセス・不審な通信", "Unauthorised access or suspicious traffic"},
	{"take_out", KindIncident, "資料や紙・データの持ち出しに関する事象", "An event about taking out documents, paper or data"},
	{"overlooked", KindIncident, "画面ののぞき見・会話の漏れ聞こえ", "Screen seen or conversation overheard by others"},
	{"security_other", KindIncident, "その他、セキュリティ面で事故や不安を感じる事象", "Other security incident or worry"},
	{"trouble_others", KindWorry, "普段通り実施できず、関係者へ迷惑をかけた業務", "Work not done as usual, causing trouble to others"},
	{"family", KindWorry, "家族への負担", "Burden on the family"},
	{"communication", KindWorry, "コミュニケーションがとりづらい", "Hard to communicate"},
	{"not_digital", KindWorry, "作業に必要な資料が電子化されていない", "Documents needed are not digital"},
	{"it_env", KindWorry, "IT環境の整備が不十分", "IT environment insufficient"},
	{"distraction", KindWorry, "気が散る", "Distractions"},
	{"end_of_work", KindWorry, "終業のタイミングがつかめない", "Hard to tell when to stop working"},
	{"others_state", KindWorry, "相手の様子がわからない", "Cannot tell how others are doing"},
	{"worry_other", KindWorry, "その他、不便・不安に感じること", "Other inconvenience or worry"},
}

// CategoryByCode finds a category.
func CategoryByCode(code string) (Category, bool) {
	i := slices.IndexFunc(Categories, func(c Category) bool { return c.Code == code })
	if i < 0 {
		return Category{}, false
	}
	return Categories[i], true
}

// Status of a report under review.
type Status string

// The statuses: 受付 → 対応中 → 対応済 (and 対応不要 for a report that
// needs nothing); a closed report may be reopened to 対応中.
const (
	StatusNew        Status = "new"
	StatusInProgress Status = "in_progress"
	StatusResolved   Status = "resolved"
	StatusNoAction   Status = "no_action"
)

// Statuses lists them in order.
var Statuses = []Status{StatusNew, StatusInProgress, StatusResolved, StatusNoAction}

// CanMove reports whether a review may move a report from one status to
// another (a note without a status change is always allowed).
func CanMove(from, to Status) bool {
	if from == to {
		return true
	}
	switch from {
	case StatusNew:
		return to == StatusInProgress || to == StatusResolved || to == StatusNoAction
	case StatusInProgress:
		return to == StatusResolved || to == StatusNoAction
	case StatusResolved, StatusNoAction:
		return to == StatusInProgress // reopened
	}
	return false
}

// Incident is one report.
type Incident struct {
	ID         int64
	Kind       Kind
	Category   string
	OccurredOn calendar.Date // optional
	Summary    string
	Detail     string
	Anonymous  bool
	ReporterID int64 // the reporting account; 0 when anonymous
	ReportedOn calendar.Date
	Status     Status
	Version    int64
	UpdatedAt  time.Time
	Actions    []Action
}

// Action is one step of the review: a status change and/or a note.
type Action struct {
	ID         int64
	At         time.Time
	By         string
	StatusFrom Status
	StatusTo   Status
	Note       string
}

// Report is what a person submits.
type Report struct {
	Kind       Kind
	Category   string
	OccurredOn calendar.Date
	Summary    string
	Detail     string
	Anonymous  bool
}

// Limits of the free text.
const (
	MaxSummary = 200
	MaxDetail  = 4000
)

// Validate checks a report (trimmed in place); occurred must not be after
// today.
func (r *Report) Validate(today calendar.Date) error {
	var v apperr.Validation
	r.Summary, r.Detail = strings.TrimSpace(r.Summary), strings.TrimSpace(r.Detail)
	if !slices.Contains(Kinds, r.Kind) {
		v.Add("kind", "field.incident_kind", nil)
	}
	if c, ok := CategoryByCode(r.Category); !ok {
		v.Add("category", "field.choice", nil)
	} else if slices.Contains(Kinds, r.Kind) && c.Kind != r.Kind {
		// The category is in the list, under the other kind's heading.
		v.Add("category", "field.incident_category_kind", nil)
	}
	if !r.OccurredOn.IsZero() && today.Before(r.OccurredOn) {
		v.Add("occurred_on", "field.trial_not_future", nil)
	}
	invisible.Required(&v, "summary", r.Summary, MaxSummary, false, nil)
	invisible.Optional(&v, "detail", r.Detail, MaxDetail, true, nil)
	return v.Err()
}

// AuditView is what the audit log keeps of a report: its kind, category,
// status and whether it is anonymous — never the text, which may describe
// the reporter's home or family.
func (i Incident) AuditView() map[string]any {
	return map[string]any{"kind": string(i.Kind), "category": i.Category, "status": string(i.Status), "anonymous": i.Anonymous}
}
