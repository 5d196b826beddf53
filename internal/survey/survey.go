// Package survey owns the trial questionnaires (SPEC §6; the guide's Step 5
// and 図表7): the built-in pre-trial and post-trial questionnaires, custom
// questions, the schedule and target group, anonymous answers and the
// k-anonymous results (k = 5) with their differencing protection. See
// docs/survey.md for the anonymity design.
package survey

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/invisible"
	"telework/internal/org"
)

// K is the smallest group any published count may describe.
const K = 5

// Kind is what a survey is for.
type Kind string

const (
	KindPre    Kind = "pre"    // 事前: 期待すること、心配なこと
	KindPost   Kind = "post"   // 事後: 図表7
	KindCustom Kind = "custom" // the tenant's own questions only
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{KindPre, KindPost, KindCustom}

// Status is where a survey is in its life.
type Status string

const (
	StatusDraft  Status = "draft"  // being designed; nobody answers
	StatusOpen   Status = "open"   // target staff answer
	StatusClosed Status = "closed" // answers fixed; results published
)

// QType is the kind of a question.
type QType string

const (
	Single QType = "single" // one option
	Multi  QType = "multi"  // any options
	Scale5 QType = "scale5" // 5-point scale, 5 = そう思う … 1 = そう思わない
	Number QType = "number" // a number
	Text   QType = "text"   // free text
)

// QTypes lists the types a custom question may have.
var QTypes = []QType{Single, Multi, Scale5, Number, Text}

// Option is one choice of a question.
type Option struct {
	Value   string `json:"value"`
	Label   string `json:"label"`
	LabelEn string `json:"label_en,omitempty"`
}

// Question is one item of a questionnaire. Attr marks the 図表7 attribute
// questions that results can be broken down by.
type Question struct {
	ID       string   `json:"id"`
	Section  string   `json:"section"`
	Type     QType    `json:"type"`
	Text     string   `json:"text"`
	TextEn   string   `json:"text_en,omitempty"`
	Options  []Option `json:"options,omitempty"`
	Attr     string   `json:"attr,omitempty"`
	Required bool     `json:"required,omitempty"`
	Custom   bool     `json:"custom,omitempty"`
}

// Label is the question's text in the locale.
func (q *Question) Label(locale string) string {
	if locale == "en" && q.TextEn != "" {
		return q.TextEn
	}
	return q.Text
}

// labelArgs name the question in an answer's error by its text in each
// language (i18n.FieldMessages picks the reader's): its id (c1, r01) means
// nothing to the person answering.
func (q *Question) labelArgs() map[string]any {
	return map[string]any{"Labels": map[string]string{"ja": q.Label("ja"), "en": q.Label("en")}}
}

// OptionLabel is an option's label in the locale ("" when unknown).
func (q *Question) OptionLabel(value, locale string) string {
	for _, o := range q.Options {
		if o.Value == value {
			if locale == "en" && o.LabelEn != "" {
				return o.LabelEn
			}
			return o.Label
		}
	}
	return ""
}

// Target is who is asked: any of the units (with their sub-units), any of
// the ranks, and/or only trial members; an empty target is everyone.
type Target struct {
	UnitIDs    []int64  `json:"unit_ids,omitempty"`
	Ranks      []string `json:"ranks,omitempty"`
	TrialsOnly bool     `json:"trials_only,omitempty"`
}

// Survey is one questionnaire with its schedule.
type Survey struct {
	ID          int64
	TenantID    int64
	Kind        Kind
	Title       string
	Description string
	// PreID links a post-trial survey to the pre-trial one it is compared
	// with; both then share the pseudonym key.
	PreID        int64
	OpensOn      string // YYYY-MM-DD
	ClosesOn     string // YYYY-MM-DD, inclusive
	Target       Target
	Questions    []Question
	Status       Status
	ShowFreeText bool // free text answers listed (in aggregate, without attributes)
	Version      int64
	CreatedAt    time.Time
	ClosedAt     time.Time
}

// Question returns the question with id.
func (s *Survey) Question(id string) (*Question, bool) {
	for i := range s.Questions {
		if s.Questions[i].ID == id {
			return &s.Questions[i], true
		}
	}
	return nil, false
}

// StatusShown is the state the lists say on day (JST): an open survey
// whose period has ended is "ended" (nobody can answer it; HR closes it
// to publish the results), any other its status. A value receiver: the
// pages' templates call it on the surveys they range over.
func (s Survey) StatusShown(day string) string {
	if s.Status == StatusOpen && day > s.ClosesOn {
		return "ended"
	}
	return string(s.Status)
}

// Attrs lists the attribute questions of the survey, in order.
func (s *Survey) Attrs() []*Question {
	var out []*Question
	for i := range s.Questions {
		if s.Questions[i].Attr != "" {
			out = append(out, &s.Questions[i])
		}
	}
	return out
}

// Due reports whether the survey is open for answers on day (YYYY-MM-DD).
func (s *Survey) Due(day string) bool {
	return s.Status == StatusOpen && day >= s.OpensOn && day <= s.ClosesOn
}

// Draft is what HR edits: the survey without its identity and state.
type Draft struct {
	Kind         Kind
	Title        string
	Description  string
	PreID        int64
	OpensOn      string
	ClosesOn     string
	Target       Target
	Custom       []Question
	ShowFreeText bool
}

func validDate(s string) bool {
	t, err := time.Parse("2006-01-02", s)
	return err == nil && t.Format("2006-01-02") == s
}

// Validate checks and cleans a draft.
func (d *Draft) Validate() error {
	var v apperr.Validation
	switch d.Kind {
	case KindPre, KindPost, KindCustom:
	default:
		v.Add("survey_kind", "field.survey_kind", nil)
	}
	d.Title = strings.TrimSpace(d.Title)
	invisible.Required(&v, "survey_title", d.Title, 100, false, nil)
	d.Description = strings.TrimSpace(d.Description)
	invisible.Optional(&v, "description", d.Description, 2000, true, nil)
	if !validDate(d.OpensOn) {
		v.Add("opens_on", "field.date", nil)
	}
	if !validDate(d.ClosesOn) {
		v.Add("closes_on", "field.date", nil)
	} else if validDate(d.OpensOn) && d.ClosesOn < d.OpensOn {
		v.Add("closes_on", "field.survey_close_before_open", nil)
	}
	if d.Kind != KindPost {
		d.PreID = 0
	}
	if d.Kind == KindCustom && len(d.Custom) == 0 {
		v.Add("questions", "field.survey_no_questions", nil)
	}
	if len(d.Custom) > 60 {
		v.Add("questions", "field.max_items", map[string]any{"Max": 60})
	}
	for _, r := range d.Target.Ranks {
		if !slices.Contains(org.Ranks, org.Rank(r)) {
			v.Add("ranks", "field.choice", nil)
			break
		}
	}
	for i := range d.Custom {
		q := &d.Custom[i]
		q.ID = "c" + strconv.Itoa(i+1)
		q.Custom, q.Section, q.Attr = true, "custom", ""
		field := "questions." + strconv.Itoa(i+1)
		q.Text = strings.TrimSpace(q.Text)
		invisible.Required(&v, field, q.Text, 300, false, nil)
		switch q.Type {
		case Single, Multi:
			var opts []Option
			for _, o := range q.Options {
				if o.Label = strings.TrimSpace(o.Label); o.Label != "" {
					opts = append(opts, Option{Value: strconv.Itoa(len(opts) + 1), Label: o.Label})
				}
			}
			q.Options = opts
			if len(opts) < 2 || len(opts) > 20 {
				v.Add(field, "field.survey_options", map[string]any{"Min": 2, "Max": 20})
			}
		case Scale5:
			q.Options = scaleOptions()
		case Number, Text:
			q.Options = nil
		default:
			v.Add(field, "field.survey_qtype", nil)
		}
	}
	return v.Err()
}

// Questions builds the whole questionnaire of a draft: the built-in items
// of its kind followed by its custom questions.
func (d *Draft) Questions() []Question {
	var out []Question
	switch d.Kind {
	case KindPre:
		out = PreQuestions()
	case KindPost:
		out = PostQuestions()
	}
	return append(out, d.Custom...)
}

// Answer is one person's answers: question id → values (the chosen option
// values; one string for number and text).
type Answer map[string][]string

// maxText bounds one free text answer.
const maxText = 2000

// Clean checks an answer against the questionnaire. With final set the
// required questions must be answered (a draft saved as you go may be
// incomplete). Unknown questions and options are refused.
func (a Answer) Clean(qs []Question, final bool) (Answer, error) {
	var v apperr.Validation
	out := Answer{}
	byID := map[string]*Question{}
	for i := range qs {
		byID[qs[i].ID] = &qs[i]
	}
	for id, vals := range a {
		q, ok := byID[id]
		if !ok {
			v.Add(id, "field.survey_unknown_question", nil)
			continue
		}
		var kept []string
		for _, val := range vals {
			if val = strings.TrimSpace(val); val != "" {
				kept = append(kept, val)
			}
		}
		if len(kept) == 0 {
			continue
		}
		label := q.labelArgs()
		switch q.Type {
		case Single, Scale5:
			if len(kept) != 1 || q.OptionLabel(kept[0], "") == "" {
				v.Add(id, "field.survey_option", label)
				continue
			}
		case Multi:
			seen := map[string]bool{}
			var uniq []string
			for _, val := range kept {
				if q.OptionLabel(val, "") == "" {
					v.Add(id, "field.survey_option", label)
					break
				}
				if !seen[val] {
					seen[val] = true
					uniq = append(uniq, val)
				}
			}
			kept = uniq
		case Number:
			n, err := strconv.ParseFloat(toHalfWidth(kept[0]), 64)
			if err != nil || len(kept) != 1 || n < -1e9 || n > 1e9 {
				v.Add(id, "field.number", label)
				continue
			}
			kept = []string{strconv.FormatFloat(n, 'f', -1, 64)}
		case Text:
			t := strings.Join(kept, "\n")
			if !invisible.Optional(&v, id, t, maxText, true, label) {
				continue
			}
			kept = []string{t}
		}
		out[id] = kept
	}
	if final {
		for i := range qs {
			if qs[i].Required && len(out[qs[i].ID]) == 0 && !v.Has(qs[i].ID) {
				v.Add(qs[i].ID, "field.required", qs[i].labelArgs())
			}
		}
	}
	if final && len(out) == 0 && len(qs) > 0 && v.Err() == nil {
		// A submission cannot be changed: one tap on 送信 with nothing
		// filled in recorded an empty, permanent answer counted among
		// those who answered (a review).
		v.Add(qs[0].ID, "field.survey_empty", qs[0].labelArgs())
	}
	return out, v.Err()
}

func toHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '．':
			return '.'
		case r == '－' || r == 'ー':
			return '-'
		}
		return r
	}, s)
}
