// Package handbook is the tenant's own telework handbook (issue 16; 松本市's
// guideline, 茨城県's テレワークハンドブック): pages HR writes in Markdown,
// rendered on the server and sanitised, with attached files; slots that
// let other pages link the page people need there (the application form,
// the 持ち出し rules, the first sign-in); and the briefing sessions (説明会,
// 図表5) with their dates and materials.
package handbook

import (
	"bytes"
	"html/template"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"telework/internal/apperr"
	"telework/internal/attach"
	"telework/internal/calendar"
	"telework/internal/invisible"
	"telework/internal/roadmap"
)

// Slot names a place in the product that links to a handbook page.
type Slot struct {
	Code   string
	JA, EN string
}

// Slots lists the places; a page takes at most one and a slot at most one
// page.
var Slots = []Slot{
	{"apply_form", "テレワークの申請画面", "The application form"},
	{"take_out", "資料・データの持ち出しのルール", "The rules on taking documents and data out"},
	{"first_signin", "初めてのサインイン（パスワード設定）", "The first sign-in (setting a password)"},
	{"rules", "あなたのテレワークの制度", "Your telework rules"},
	{"security", "情報セキュリティ・事故の報告", "Information security and reporting incidents"},
}

// ValidSlot reports whether code names a slot ("" is no slot).
func ValidSlot(code string) bool {
	return code == "" || slices.ContainsFunc(Slots, func(s Slot) bool { return s.Code == code })
}

// Page is one handbook page.
type Page struct {
	ID        int64
	Title     string
	Body      string // Markdown
	Slot      string
	Published bool
	Sort      int
	Version   int64
	UpdatedAt time.Time
	UpdatedBy string
	Files     []attach.File
}

// Limits.
const (
	MaxTitle = 100
	MaxBody  = 100_000
)

// Validate checks a page as HR saves it (trimmed in place).
func (p *Page) Validate() error {
	var v apperr.Validation
	p.Title = strings.TrimSpace(p.Title)
	p.Body = strings.ReplaceAll(p.Body, "\r\n", "\n")
	switch n := utf8.RuneCountInString(p.Title); {
	case n == 0:
		v.Add("title", "field.handbook_title", nil)
	case n > MaxTitle:
		v.Add("title", "field.handbook_title_long", map[string]any{"Max": MaxTitle})
	default:
		invisible.Refuse(&v, "title", p.Title, false, nil)
	}
	invisible.Optional(&v, "body", p.Body, MaxBody, true, nil)
	if !ValidSlot(p.Slot) {
		v.Add("slot", "field.choice", nil)
	}
	if p.Sort < 0 || p.Sort > 9999 {
		v.Add("sort", "field.range", map[string]any{"Min": 0, "Max": 9999})
	}
	return v.Err()
}

// AuditView is what the audit log keeps of a page: the body as its length
// and digest-free size (the page is the tenant's own published text, but
// the log is not the place for 100,000 characters).
func (p Page) AuditView() map[string]any {
	return map[string]any{"title": p.Title, "slot": p.Slot, "published": p.Published, "sort": p.Sort,
		"body_chars": utf8.RuneCountInString(p.Body)}
}

// The Markdown renderer (CommonMark with tables, strikethrough and
// autolinks; raw HTML is not rendered) and the sanitiser that runs on its
// output anyway: links keep only http, https, mailto and relative targets,
// get rel="nofollow noopener", and no script, style, iframe, form or event
// attribute survives.
var (
	md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(headingShift{}, 100))))
	sanitizer = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.AllowURLSchemes("http", "https", "mailto")
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(false)
		return p
	}()
)

// headingShift moves the page's headings under the page title (an h2 on
// the page): the body's highest heading becomes h3 whatever its level (a
// page written from ## on), and no heading goes more than one level below
// the one before it (h6 at most), so the outline of the page stays right
// for screen readers.
type headingShift struct{}

func (headingShift) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var hs []*ast.Heading
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			hs = append(hs, h)
		}
		return ast.WalkContinue, nil
	})
	top := 6
	for _, h := range hs {
		top = min(top, h.Level)
	}
	prev := 2 // the page title
	for _, h := range hs {
		h.Level = min(h.Level-top+3, prev+1, 6)
		prev = h.Level
	}
}

// Render turns Markdown into safe HTML.
func Render(markdown string) template.HTML {
	var buf bytes.Buffer
	if err := md.Convert([]byte(markdown), &buf); err != nil {
		// goldmark only fails on a failing writer; show the text as text.
		return template.HTML(template.HTMLEscapeString(markdown))
	}
	return template.HTML(sanitizer.SanitizeBytes(buf.Bytes())) //nolint:gosec // sanitised just above
}

// Briefing is one briefing session (説明会).
type Briefing struct {
	ID        int64
	Title     string
	HeldOn    calendar.Date
	StartTime string // "HH:MM" or ""
	Place     string // a room or "オンライン"
	Audience  string
	Topics    []string // 図表5 item codes (roadmap catalogue)
	Note      string
	Version   int64
	UpdatedAt time.Time
	Files     []attach.File
}

// Validate checks a briefing (trimmed in place; topics kept in the
// figure's order).
func (b *Briefing) Validate() error {
	var v apperr.Validation
	b.Title, b.Place, b.Audience, b.Note = strings.TrimSpace(b.Title), strings.TrimSpace(b.Place),
		strings.TrimSpace(b.Audience), strings.TrimSpace(b.Note)
	b.StartTime = strings.TrimSpace(b.StartTime)
	switch n := utf8.RuneCountInString(b.Title); {
	case n == 0:
		v.Add("title", "field.handbook_title", nil)
	case n > MaxTitle:
		v.Add("title", "field.handbook_title_long", map[string]any{"Max": MaxTitle})
	}
	if b.HeldOn.IsZero() {
		v.Add("held_on", "field.date", nil)
	}
	if b.StartTime != "" {
		if _, err := time.Parse("15:04", b.StartTime); err != nil {
			v.Add("start_time", "field.briefing_time", nil)
		}
	}
	invisible.Optional(&v, "place", b.Place, MaxTitle, false, nil)
	invisible.Optional(&v, "audience", b.Audience, MaxTitle, false, nil)
	invisible.Optional(&v, "note", b.Note, 2000, true, nil)
	var topics []string
	for _, it := range roadmap.Figure5Items() {
		if slices.Contains(b.Topics, it.Code) {
			topics = append(topics, it.Code)
		}
	}
	if len(topics) != len(dedupe(b.Topics)) {
		v.Add("topics", "field.choice", nil)
	}
	b.Topics = topics
	return v.Err()
}

func dedupe(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}

// AuditView is what the audit log keeps of a briefing.
func (b Briefing) AuditView() map[string]any {
	return map[string]any{"title": b.Title, "held_on": b.HeldOn.String(), "start_time": b.StartTime, "place": b.Place,
		"audience": b.Audience, "topics": strings.Join(b.Topics, ",")}
}
