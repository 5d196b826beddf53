package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"telework/internal/api"
	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/notify"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/route"
	"telework/internal/worktime"
)

//go:embed templates
var templateFS embed.FS

type templates struct{ byName map[string]*template.Template }

func loadTemplates() (*templates, error) {
	t := &templates{byName: map[string]*template.Template{}}
	// Every templates/*.html but the layout is a page, parsed with the
	// layout and the partials; a broken one stops start-up.
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		tpl, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/partials/*.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		t.byName[name] = tpl
	}
	return t, nil
}

// view is what every page template receives.
type view struct {
	Lang    string
	P       *auth.Principal
	Title   string
	Path    string
	Query   string
	Data    any
	Summary string            // error summary, if any
	Errors  map[string]string // field → message
	// ErrorList is the summary in the order the fields appear on the page.
	ErrorList []fieldMessage
	fieldSeq  []string // field names in the order the page rendered them
	Flash     string
	FlashKind string // success, info or warning (flashKind)
	Nav       []navItem
	AssetVer  string
	Unread    int // unread notifications, shown in the header
	// Notes: the header links the notifications (accounts with a staff
	// record and a role beyond the auditor's; SPEC §2).
	Notes bool
	// Emergencies in force today (issue 15), shown on every page.
	Emergencies []emergencyNotice
}

type navItem struct {
	Href, Label string
	Current     bool
}

func (v *view) FieldErr(field string) string {
	v.fieldSeq = append(v.fieldSeq, field)
	return v.Errors[field]
}

type fieldMessage struct{ Field, Message string }

// orderErrors lists messages by the fields' order on the page; fields the
// page did not render come last, by name.
func orderErrors(errs map[string]string, seq []string) []fieldMessage {
	out := make([]fieldMessage, 0, len(errs))
	done := map[string]bool{}
	for _, f := range seq {
		if m, ok := errs[f]; ok && !done[f] {
			out = append(out, fieldMessage{f, m})
			done[f] = true
		}
	}
	var rest []string
	for f := range errs {
		if !done[f] {
			rest = append(rest, f)
		}
	}
	sort.Strings(rest)
	for _, f := range rest {
		out = append(out, fieldMessage{f, errs[f]})
	}
	return out
}

// OffName is the name of a day off in the page's language (i18n.OffName).
func (v *view) OffName(name string) string { return i18n.OffName(v.Lang, name) }

// T translates in the page's language.
func (v *view) T(key string, args ...any) string {
	var data map[string]any
	if len(args) > 0 {
		data = map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	return i18n.T(v.Lang, key, data)
}

// Date shows a civil date in 西暦 or, when the user chose it, 和暦; in
// English with its month spelt out (17 Dec 2026), as DateWeekday and the
// application pages write a day — not the ISO form beside them (a review).
func (v *view) Date(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	wareki := v.P != nil && v.P.Wareki
	if v.Lang == "en" {
		if wareki {
			return warekiEn(d)
		}
		return d.Time().Format("2 Jan 2006")
	}
	if wareki {
		return calendar.Wareki(d)
	}
	return calendar.Seireki(d)
}

// DateWeekday is a day as a list or table shows it: the date as the
// person chose (Date) with its day of the week — 令和8年12月2日(水),
// 2026年12月2日(水), Wed 2026-12-02.
func (v *view) DateWeekday(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	if v.Lang == "en" {
		if v.P != nil && v.P.Wareki {
			return v.Weekday(d) + " " + v.Date(d)
		}
		// As the application pages write a day (Fri 4 Dec 2026), not
		// "Fri 2026-12-04" beside them (a review).
		return dayLabel(v.Lang, d)
	}
	return v.Date(d) + "(" + v.Weekday(d) + ")"
}

// DayLabel is a day as the application pages name it: DateWeekday, but in
// English always with its month spelt out (Fri 4 Dec 2026, dayLabel), also
// for a reader who chose the Japanese era (DateWeekday writes it then).
func (v *view) DayLabel(d calendar.Date) string {
	if v.Lang == "en" && !d.IsZero() {
		return dayLabel(v.Lang, d)
	}
	return v.DateWeekday(d)
}

// Sep joins the parts of one short value (在宅勤務・自宅, 14日ごと・30分):
// 「・」 in Japanese, ", " in English (listSep), as contentSummary does.
func (v *view) Sep() string { return listSep(v.Lang) }

// listSep joins the parts of one short value in lang: 「・」, or ", ".
func listSep(lang string) string {
	if lang == "en" {
		return ", "
	}
	return "・"
}

// Comma joins the items of a list (sections, data classes, conditions):
// 「、」 in Japanese, ", " in English.
func (v *view) Comma() string { return inLang(v.Lang, "、", ", ") }

// RangeSep stands between the ends of a range of times (9:00〜12:00):
// 「〜」 in Japanese, an en dash in English (9:00–12:00).
func (v *view) RangeSep() string { return rangeSep(v.Lang) }

// rangeSep is RangeSep in lang.
func rangeSep(lang string) string { return inLang(lang, "〜", "–") }

// DateRangeSep stands between two dates of a period: 「〜」 in Japanese,
// a spaced en dash in English (Wed 2 Dec 2026 – Fri 4 Dec 2026), as the
// messages write a span of days (applyweb.dates_span).
func (v *view) DateRangeSep() string { return inLang(v.Lang, "〜", " – ") }

// LParen and RParen put an aside in parentheses: full-width 「（…）」 in
// Japanese, " (…)" in English.
func (v *view) LParen() string { l, _ := parens(v.Lang); return l }

// RParen closes LParen.
func (v *view) RParen() string { _, r := parens(v.Lang); return r }

// parens are the parentheses of an aside in lang.
func parens(lang string) (string, string) {
	return inLang(lang, "（", " ("), inLang(lang, "）", ")")
}

// inLang is en on an English page, else ja.
func inLang(lang, ja, en string) string {
	if lang == "en" {
		return en
	}
	return ja
}

// Dot separates items of a line (links, a card's facts): 「 ・ 」 in
// Japanese, " · " in English (the Japanese middle dot is no English
// punctuation).
func (v *view) Dot() string {
	if v.Lang == "en" {
		return " · "
	}
	return " ・ "
}

// DayISO is DateWeekday for a day a domain keeps as its ISO text
// (surveys' periods, 1on1 meetings); a text that is no date stays as it is.
func (v *view) DayISO(iso string) string {
	if d, err := calendar.ParseDate(iso); err == nil {
		return v.DateWeekday(d)
	}
	return iso
}

// YearMonth is a month's heading in the era the person chose: 令和8年12月,
// 2026年12月 (2026/12 in English).
func (v *view) YearMonth(d calendar.Date) string {
	switch {
	case v.Lang == "en":
		return fmt.Sprintf("%d/%d", d.Year, d.Month)
	case v.P != nil && v.P.Wareki:
		return calendar.WarekiYear(d) + fmt.Sprintf("%d月", d.Month)
	}
	return fmt.Sprintf("%d年%d月", d.Year, d.Month)
}

// isoDates finds the ISO dates (2026-12-02) in a message's arguments, a
// list of them ("2026-12-08, 2026-12-10, +2", apply.DatesText) at once.
var isoDates = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b(?:, (?:\d{4}-\d{2}-\d{2}\b|\+\d+))*`)

// localArgs is a message's arguments with the ISO dates in their texts
// shown as the person chose (Date), a list of them joined as the language
// joins one (「、」 in Japanese), also in texts nested by language (a
// warning's Details). Services, stored notifications and findings keep
// dates ISO (machine-readable, the API's and e-mail's form); a page turns
// them into the reader's form only when it shows them.
func (v *view) localArgs(args map[string]any) map[string]any {
	out := make(map[string]any, len(args))
	for k, a := range args {
		out[k] = v.localArg(a)
	}
	return out
}

func (v *view) localArg(a any) any {
	switch a := a.(type) {
	case string:
		return isoDates.ReplaceAllStringFunc(a, func(list string) string {
			parts := strings.Split(list, ", ")
			for i, iso := range parts {
				if d, err := calendar.ParseDate(iso); err == nil {
					parts[i] = v.Date(d)
				} else if v.Lang == "ja" && strings.HasPrefix(iso, "+") {
					parts[i] = "ほか" + strings.TrimPrefix(iso, "+") + "日"
				}
			}
			if v.Lang == "ja" {
				return strings.Join(parts, "、")
			}
			return strings.Join(parts, ", ")
		})
	case map[string]any:
		return v.localArgs(a)
	}
	return a
}

// localErr is err with the dates of its messages in the reader's form
// (localArgs).
func (v *view) localErr(err error) error {
	e := apperr.As(err)
	if e == nil {
		return err
	}
	out := *e
	out.Args = v.localArgs(e.Args)
	out.Fields = make([]apperr.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		f.Args = v.localArgs(f.Args)
		out.Fields[i] = f
	}
	return &out
}

// Finding is a rule's finding in the page's language, its dates and
// deadlines in the reader's form.
func (v *view) Finding(f policy.Finding) string {
	f.Args = v.localArgs(f.Args)
	return f.Message(v.Lang)
}

// Note is a notification's text for the reader: rendered now from its
// stored arguments, so its dates follow the reader's setting.
func (v *view) Note(n notify.Notification) string {
	n.Args = v.localArgs(n.Args)
	return n.Message(v.Lang)
}

// Warning is a working-time check's message for the person whose day it
// is, its dates in the reader's form.
func (v *view) Warning(w worktime.Warning) string {
	w.Args = v.localArgs(w.Args)
	return w.Message(v.Lang)
}

// WarningFinding is the same check as the supervisor reads it (without
// what the person is asked to do).
func (v *view) WarningFinding(w worktime.Warning) string {
	w.Args = v.localArgs(w.Args)
	return w.Finding(v.Lang)
}

// warekiEn is a date for an English page with the Japanese era chosen:
// the ISO date, then the era year in its romanised name (2026-11-07
// (Reiwa 8)); before 明治 the ISO date alone.
func warekiEn(d calendar.Date) string {
	e, y, ok := calendar.EraOf(d)
	if !ok {
		return d.String()
	}
	return fmt.Sprintf("%s (%s %d)", d.String(), e.NameEn, y)
}

// Time shows an instant in Tokyo time with the user's era choice.
func (v *view) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return v.Date(calendar.DateOf(t)) + " " + t.In(calendar.Tokyo).Format("15:04")
}

var funcs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"join": func(ss []string, sep string) string {
		return strings.Join(ss, sep)
	},
	"itoa": func(n int64) string { return strconv.FormatInt(n, 10) },
	"depth": func(n int) string {
		if n > 9 {
			n = 9
		}
		return "depth-" + strconv.Itoa(n)
	},
	// has2 reports whether a slice (of any string-like type) holds v.
	"has2": func(list any, v any) bool {
		rv := reflect.ValueOf(list)
		if rv.Kind() != reflect.Slice {
			return false
		}
		want := fmt.Sprint(v)
		for i := range rv.Len() {
			if fmt.Sprint(rv.Index(i).Interface()) == want {
				return true
			}
		}
		return false
	},
	"list": func(xs ...string) []string { return xs },
	"has": func(rs []auth.Role, r string) bool {
		for _, x := range rs {
			if string(x) == r {
				return true
			}
		}
		return false
	},
}

func requestID(r *http.Request) string { return route.RequestID(r) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// lang picks the page language: the account's setting, else the cookie,
// else the browser's Accept-Language.
func lang(r *http.Request) string {
	if p := principal(r); p != nil && p.Locale != "" {
		return i18n.Normalize(p.Locale)
	}
	if c, err := r.Cookie(langCookie); err == nil {
		return i18n.Normalize(c.Value)
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

func (s *Server) newView(r *http.Request, titleKey string, data any, err error) *view {
	v := &view{Lang: lang(r), P: principal(r), Path: r.URL.Path, Query: r.URL.RawQuery, Data: data, AssetVer: assetVersion}
	v.Title = i18n.T(v.Lang, titleKey, nil)
	if err != nil {
		err = v.localErr(err)
		v.Summary = i18n.Error(v.Lang, err)
		v.Errors = i18n.FieldMessages(v.Lang, err)
		// A refusal told at its field (a booking's day already past) is
		// not said twice: the summary sends the reader to the field.
		if slices.Contains(slices.Collect(maps.Values(v.Errors)), v.Summary) {
			v.Summary = i18n.T(v.Lang, "error.invalid", nil)
		}
	}
	v.Nav = navFor(v)
	v.Notes = hasNotes(v.P)
	if v.Notes {
		v.Unread = s.unreadNotes(r, v.P)
	}
	v.Emergencies = s.emergencyBanner(r, v)
	return v
}

// flashKind is how a flash message is shown: a warning for what went
// through short of what was asked (a roster published breaking its
// constraints), information for what went through otherwise than asked
// (a break under a minute not kept, days left cancelled), else success.
func flashKind(key string) string {
	switch {
	case strings.Contains(key, "_short"):
		return "warning"
	case strings.HasSuffix(key, "_discarded"), strings.HasSuffix(key, "_left"):
		return "info"
	}
	return "success"
}

// render writes a page. Rendering into a buffer first means a template
// error gives a clean 500, never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page, titleKey string, data any, err error) {
	v := s.newView(r, titleKey, data, err)
	if c, cerr := r.Cookie(flashCookie); cerr == nil && strings.HasPrefix(c.Value, "flash.") {
		v.Flash, v.FlashKind = i18n.T(v.Lang, c.Value, nil), flashKind(c.Value)
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1})
	}
	tpl, ok := s.tmpl.byName[page]
	if !ok {
		s.serverError(w, r, fmt.Errorf("web: no template %q", page))
		return
	}
	if len(v.Errors) > 0 {
		// A first pass learns the order of the fields on the page, so the
		// summary at the top lists the errors in reading order.
		if terr := tpl.Execute(io.Discard, v); terr == nil {
			v.ErrorList = orderErrors(v.Errors, v.fieldSeq)
		}
	}
	var buf bytes.Buffer
	if terr := tpl.Execute(&buf, v); terr != nil {
		s.serverError(w, r, fmt.Errorf("web: rendering %s: %w", page, terr))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderStatus shows the error page with a message for the status.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, key string) {
	s.render(w, r, status, "error", key, map[string]any{"Status": status, "Key": key}, nil)
}

// serverError logs an internal error once, with the request id, and shows
// the id to the person so the operator can find the line.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if route.ClientGone(r, err) {
		// Nobody reads the page; logged and counted as the client's.
		s.log.Info("client gone", "request_id", requestID(r), "route", info(r).Route)
		w.WriteHeader(route.StatusClientGone)
		return
	}
	s.log.Error("internal error", "request_id", requestID(r), "route", info(r).Route, "err", err)
	s.renderStatus(w, r, http.StatusInternalServerError, "error.internal")
}

// unavailable answers 503 while the database cannot be reached: a page
// that says so (and that nothing was saved), logged once with the cause.
func (s *Server) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("database unavailable", "request_id", requestID(r), "route", info(r).Route, "err", err)
	w.Header().Set("Retry-After", api.RetryAfterUnavailable)
	s.renderStatus(w, r, http.StatusServiceUnavailable, "error.unavailable")
}

// fail maps an application error to its status and page. Validation errors
// are rendered by the handler with its form instead.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch apperr.CodeOf(err) {
	case apperr.NotFound:
		s.renderStatus(w, r, http.StatusNotFound, "error.not_found_page")
	case apperr.Forbidden:
		// A refusal with its own reason (you cannot approve your own
		// application) says it; the others get the general page.
		if e := apperr.As(err); e != nil && e.Key != "" && e.Key != "error.forbidden" {
			s.render(w, r, http.StatusForbidden, "error", "error.forbidden",
				map[string]any{"Status": http.StatusForbidden, "Message": i18n.Error(lang(r), err)}, nil)
			return
		}
		s.renderStatus(w, r, http.StatusForbidden, "error.forbidden")
	case apperr.Conflict:
		s.render(w, r, http.StatusConflict, "error", "error.conflict",
			map[string]any{"Status": http.StatusConflict, "Message": i18n.Error(lang(r), err)}, nil)
	case apperr.Invalid:
		s.renderStatus(w, r, http.StatusUnprocessableEntity, "error.invalid")
	case apperr.Unavailable:
		s.unavailable(w, r, err)
	default:
		s.serverError(w, r, err)
	}
}

const flashCookie = "telework_flash"

// flashRedirect redirects after a successful POST with a one-time message.
func (s *Server) flashRedirect(w http.ResponseWriter, r *http.Request, target, key string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: key, Path: "/", MaxAge: 60, HttpOnly: true,
		Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func navFor(v *view) []navItem {
	p := v.P
	if p == nil {
		return nil
	}
	var items []navItem
	add := func(href, key string) {
		cur := v.Path == href || (href != "/" && strings.HasPrefix(v.Path, href+"/"))
		items = append(items, navItem{href, i18n.T(v.Lang, key, nil), cur})
	}
	if p.IsOperator() {
		add("/operator", "nav.tenants")
		add("/operator/holidays", "nav.holidays")
		add("/operator/tokens", "nav.tokens")
		add("/operator/settings", "nav.settings")
		return items
	}
	add("/", "nav.home")
	applyNav(p, add)
	if p.StaffID != 0 && directory.Allows(p) {
		add("/worktime", "worktime.nav")
	}
	if hasNotes(p) {
		add("/schedule", "schedule.nav")
	}
	if directory.Allows(p) {
		add("/staff", "nav.staff")
		add("/units", "nav.units")
	}
	if p.Has(auth.Supervisor) {
		add("/team", "nav.team")
	}
	if p.Has(auth.HRAdmin) {
		add("/accounts", "nav.accounts")
		add("/policy", "nav.policy")
		add("/retention", "nav.retention")
		add("/emergencies", "emergency.nav")
	}
	if p.HasAny(auth.HRAdmin, auth.Supervisor) {
		add("/roster", "roster.nav")
	} else if p.Has(auth.Staff) {
		add("/roster/preferences", "roster.prefs_title")
	}
	if p.Has(auth.ITAdmin) {
		add("/sso/settings", "trial.nav_sso")
		add("/delivery/settings", "delivery.nav_settings")
	}
	if p.Has(auth.Auditor) {
		add("/audit", "nav.audit")
	}
	// An account that is only the auditor's reads the audit log and
	// nothing else (SPEC §2); it has no API to the log, so no tokens.
	if directory.Allows(p) {
		add("/rules", "trial.nav_rules")
		add("/surveys", "survey.nav")
		add("/oneonone", "oneonone.nav")
		add("/calendar", "nav.calendar")
		add("/tasks", "nav.tasks")
		add("/places", "places.nav")
		add(trialNav(p))
		add("/tokens", "nav.tokens")
	}
	add("/settings", "nav.settings")
	return items
}

//go:embed static
var staticFS embed.FS

// assetVersion is a content hash of the static files, put in asset URLs so
// browsers can cache them for a year and still see a new build at once.
var assetVersion = func() string {
	var all []byte
	_ = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := staticFS.ReadFile(p)
			all = append(all, b...)
		}
		return nil
	})
	return auth.HashToken(string(all))[:12]
}()

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	name := path.Clean(strings.TrimPrefix(r.URL.Path, "/static/"))
	b, err := staticFS.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "..") {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case ".svg":
		w.Header().Set("Content-Type", "image/svg+xml")
	case ".txt":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	if r.URL.Query().Get("v") == assetVersion {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	_, _ = w.Write(b)
}

// fieldView is what the input partials receive: label, value and error of
// one form field, wired together with ids for screen readers.
type fieldView struct {
	Name, ID, Label, Type, Autocomplete, Hint, InputMode, Error string
	List                                                        string // the id of a datalist of suggestions
	MaxLength                                                   string
	Value                                                       any
	Required                                                    bool
}

// Field builds a fieldView. opts: "required", "type=email",
// "autocomplete=username", "hint=key", "inputmode=numeric", "label=key",
// "list=datalist-id", "maxlength=200", "name=result" (the input's name
// when it differs from the field's, whose id and errors keep apart from
// another form's on the same page).
func (v *view) Field(name string, value any, opts ...string) fieldView {
	v.fieldSeq = append(v.fieldSeq, name)
	f := fieldView{Name: name, ID: "f-" + name, Type: "text", Value: value, Error: v.FieldErr(name)}
	for _, o := range opts {
		k, val, _ := strings.Cut(o, "=")
		switch k {
		case "required":
			f.Required = true
		case "type":
			f.Type = val
		case "autocomplete":
			f.Autocomplete = val
		case "hint":
			f.Hint = v.T(val)
		case "inputmode":
			f.InputMode = val
		case "label":
			f.Label = v.T(val)
		case "list":
			f.List = val
		case "maxlength":
			f.MaxLength = val
		case "name":
			f.Name = val
		}
	}
	if f.Label == "" {
		// Looked up only when no label= was given: a repeated form's
		// field (file-f4.1) has no fieldname of its own.
		f.Label = v.T("fieldname." + name)
	}
	return f
}

// Choice lists for the forms' select elements.
func (v *view) Ranks() []org.Rank             { return org.Ranks }
func (v *view) Employments() []org.Employment { return org.Employments }
func (v *view) JobTypes() []string            { return org.JobTypes }
func (v *view) Genders() []string             { return org.Genders }
func (v *view) AgeBands() []string            { return org.AgeBands }
func (v *view) Cares() []string               { return org.Cares }
func (v *view) TenantKinds() []org.TenantKind { return org.TenantKinds }

// Choice lists of the policy form.
func (v *view) PolicyModes() []policy.Mode         { return policy.Modes }
func (v *view) PolicyTimeUnits() []policy.TimeUnit { return policy.TimeUnits }
func (v *view) PolicyReasons() []string            { return policy.Reasons }
func (v *view) PlaceKinds() []string               { return policy.HomeEquivalentKinds }
func (v *view) DataClasses() []string              { return policy.DataClasses }
func (v *view) DeviceTypes() []string              { return policy.DeviceTypes }

func statusOf(err error) int { return route.StatusOf(err) }

// apiDocsPage renders the API's documentation for people: every operation
// with its parameters and shapes, no JavaScript and nothing from outside.
func (s *Server) apiDocsPage(w http.ResponseWriter, r *http.Request) {
	ops, schemas := s.api.Docs()
	s.render(w, r, http.StatusOK, "api_docs", "apidocs.title", map[string]any{"Ops": ops, "Schemas": schemas}, nil)
}

// hasNotes: the person has notifications, the schedule and calendar
// feeds — a staff record and a role beyond the auditor's (an auditor-only
// account reads the audit log and nothing else, SPEC §2).
func hasNotes(p *auth.Principal) bool {
	return p != nil && p.StaffID != 0 && directory.Allows(p)
}
