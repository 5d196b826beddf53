package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/route"
	"telework/internal/survey"
	"telework/internal/tabular"
)

type surveyListView struct {
	Mine    []survey.Mine
	All     []survey.Survey
	IsHR    bool
	NoStaff bool
	Today   string // JST, for an open survey whose period has ended
}

func (s *Server) surveyList(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	mine, err := s.svc.Survey.MySurveys(r.Context(), p.TenantID, p.StaffID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := surveyListView{Mine: mine, IsHR: p.Has(auth.HRAdmin), NoStaff: p.StaffID == 0, Today: s.svc.Survey.Today()}
	if v.IsHR {
		if v.All, err = s.svc.Survey.List(r.Context(), p.TenantID); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "survey_list", "survey.title", v, nil)
}

// surveyFormView is the design form: the draft, the units and ranks to
// target, the pre-trial surveys a post-trial one can be linked to.
type surveyFormView struct {
	ID, Version int64
	Draft       survey.Draft
	Units       []*org.Unit
	Pres        []survey.Survey
	Blank       []int // indexes of the custom question rows
	Editable    bool
}

const customRows = 5

func (s *Server) surveyFormData(r *http.Request, d survey.Draft) (surveyFormView, error) {
	p := principal(r)
	units, err := s.svc.Org.Units(r.Context(), p.TenantID)
	if err != nil {
		return surveyFormView{}, err
	}
	all, err := s.svc.Survey.List(r.Context(), p.TenantID)
	if err != nil {
		return surveyFormView{}, err
	}
	v := surveyFormView{Draft: d, Units: units, Editable: true}
	for _, sv := range all {
		if sv.Kind == survey.KindPre {
			v.Pres = append(v.Pres, sv)
		}
	}
	for i := 0; i < len(d.Custom)+customRows; i++ {
		v.Blank = append(v.Blank, i)
	}
	return v, nil
}

func (s *Server) surveyNew(w http.ResponseWriter, r *http.Request) {
	today := s.svc.Survey.Today()
	v, err := s.surveyFormData(r, survey.Draft{Kind: survey.KindPost, OpensOn: today, ClosesOn: today})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "survey_form", "survey.new_title", v, nil)
}

// readDraft reads the design form.
func readDraft(r *http.Request) (survey.Draft, *form) {
	fm := newForm(r)
	d := survey.Draft{Kind: survey.Kind(fm.str("survey_kind")), Title: fm.str("survey_title"), Description: fm.str("description"),
		OpensOn: toHalfWidthDigits(fm.str("opens_on")), ClosesOn: toHalfWidthDigits(fm.str("closes_on")),
		PreID: fm.id("pre_id"), ShowFreeText: fm.bool("show_free_text")}
	for _, u := range r.PostForm["unit_ids"] {
		if id, err := strconv.ParseInt(u, 10, 64); err == nil && id > 0 {
			d.Target.UnitIDs = append(d.Target.UnitIDs, id)
		}
	}
	for _, rk := range r.PostForm["ranks"] {
		if slices.Contains(org.Ranks, org.Rank(rk)) {
			d.Target.Ranks = append(d.Target.Ranks, rk)
		}
	}
	d.Target.TrialsOnly = fm.bool("trials_only")
	for i := 0; i < 60; i++ {
		n := strconv.Itoa(i)
		text := fm.str("q" + n + "_text")
		if text == "" {
			continue
		}
		q := survey.Question{Type: survey.QType(fm.str("q" + n + "_type")), Text: text, Required: fm.bool("q" + n + "_required")}
		for _, line := range strings.Split(fm.r.PostForm.Get("q"+n+"_options"), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				q.Options = append(q.Options, survey.Option{Label: line})
			}
		}
		d.Custom = append(d.Custom, q)
	}
	return d, fm
}

func (s *Server) renderSurveyForm(w http.ResponseWriter, r *http.Request, id, version int64, d survey.Draft, err error) {
	v, ferr := s.surveyFormData(r, d)
	if ferr != nil {
		s.serverError(w, r, ferr)
		return
	}
	v.ID, v.Version = id, version
	title := "survey.new_title"
	if id != 0 {
		title = "survey.edit_title"
	}
	s.render(w, r, http.StatusUnprocessableEntity, "survey_form", title, v, err)
}

func (s *Server) surveyCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	d, fm := readDraft(r)
	if err := fm.v.Err(); err != nil {
		s.renderSurveyForm(w, r, 0, 0, d, fm.merge(d.Validate()))
		return
	}
	id, err := s.svc.Survey.Create(r.Context(), p.TenantID, actorOf(p), d)
	if apperr.CodeOf(err) == apperr.Invalid {
		s.renderSurveyForm(w, r, 0, 0, d, err)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/surveys/"+strconv.FormatInt(id, 10), "flash.survey_saved")
}

func draftOf(sv *survey.Survey) survey.Draft {
	d := survey.Draft{Kind: sv.Kind, Title: sv.Title, Description: sv.Description, PreID: sv.PreID, OpensOn: sv.OpensOn,
		ClosesOn: sv.ClosesOn, Target: sv.Target, ShowFreeText: sv.ShowFreeText}
	for _, q := range sv.Questions {
		if q.Custom {
			d.Custom = append(d.Custom, q)
		}
	}
	return d
}

type surveyShowView struct {
	surveyFormView
	Survey   survey.Survey
	Progress survey.Progress
	Builtin  []survey.Question
	K        int    // the smallest group counted
	Today    string // JST, for an open survey whose period has ended
}

func (s *Server) surveyShow(w http.ResponseWriter, r *http.Request) {
	id, _ := route.PathID(r)
	s.renderSurveyShow(w, r, id, http.StatusOK, nil)
}

// renderSurveyShow renders survey id's page with status, and with the
// refusal of opening or closing it (formErr) at its place.
func (s *Server) renderSurveyShow(w http.ResponseWriter, r *http.Request, id int64, status int, formErr error) {
	p := principal(r)
	sv, err := s.svc.Survey.Get(r.Context(), p.TenantID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg, err := s.svc.Survey.Progress(r.Context(), p.TenantID, id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	fv, err := s.surveyFormData(r, draftOf(&sv))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	fv.ID, fv.Version, fv.Editable = sv.ID, sv.Version, sv.Status == survey.StatusDraft
	v := surveyShowView{surveyFormView: fv, Survey: sv, Progress: pg, K: survey.K, Today: s.svc.Survey.Today()}
	for _, q := range sv.Questions {
		if !q.Custom {
			v.Builtin = append(v.Builtin, q)
		}
	}
	s.render(w, r, status, "survey_show", "survey.show_title", v, formErr)
}

func (s *Server) surveyUpdate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	id, _ := route.PathID(r)
	d, fm := readDraft(r)
	version := int64(fm.int("version", 0))
	err := fm.v.Err()
	if err == nil {
		err = s.svc.Survey.Update(r.Context(), p.TenantID, actorOf(p), id, version, d)
	}
	if apperr.CodeOf(err) == apperr.Invalid {
		s.renderSurveyForm(w, r, id, version, d, err)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/surveys/"+strconv.FormatInt(id, 10), "flash.survey_saved")
}

func (s *Server) surveyTransition(w http.ResponseWriter, r *http.Request, open bool) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	id, _ := route.PathID(r)
	version := int64(newForm(r).int("version", 0))
	var err error
	flash := "flash.survey_opened"
	if open {
		err = s.svc.Survey.Open(r.Context(), p.TenantID, actorOf(p), id, version)
	} else {
		err = s.svc.Survey.Close(r.Context(), p.TenantID, actorOf(p), id, version)
		flash = "flash.survey_closed"
	}
	if apperr.CodeOf(err) == apperr.Invalid {
		// Said on the survey's page (a target too small to open), not
		// as a bare "input error".
		s.renderSurveyShow(w, r, id, http.StatusUnprocessableEntity, err)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/surveys/"+strconv.FormatInt(id, 10), flash)
}

func (s *Server) surveyOpen(w http.ResponseWriter, r *http.Request)  { s.surveyTransition(w, r, true) }
func (s *Server) surveyClose(w http.ResponseWriter, r *http.Request) { s.surveyTransition(w, r, false) }

// --- results ---

type attrChoice struct {
	Key, Label string
}

type resultsView struct {
	Survey     survey.Survey
	Closed     bool
	TooFew     bool
	N          int
	By, By2    string
	Compare    bool
	CanCompare bool
	Attrs      []attrChoice
	Tables     []tableView
	Texts      []textBlock
	ExportQ    string
	Err        string
	// Items are what a cross tabulation can show, one at a time (Item).
	Items []attrChoice
	Item  string
}

type textBlock struct {
	Label string
	Items []string
}

// tableView is one table as the page shows it: an SVG chart of the shares
// of each row (published cells only) and the data table.
type tableView struct {
	ID, Label                  string
	Values                     []string
	Heads                      []headView
	Rows                       []rowView
	Scale                      bool
	Height                     int
	GroupHead, NHead, MeanHead string
	// The chart's and the table's own names (「性別のグラフ」「性別の表」):
	// the item's section is named by its heading, and two landmarks or a
	// chart and its heading sharing one name read as a repeat.
	ChartName, TableName string
	// The parentheses around a cell's share, in the page's language.
	LParen, RParen string
}

type headView struct{ Label, Class string }

type rowView struct {
	Label string
	N     string
	Cells []cellView
	Mean  string
	Bars  []barView
	Y     int
}

type cellView struct {
	Text, Pct string
	Hidden    bool
}

type barView struct {
	X, W  float64
	Class string
	Title string
}

// chart geometry (viewBox units): one bar of the shares per row.
const (
	chartW    = 300.0
	chartRowH = 22
)

func pct(n, of int) string {
	if of == 0 {
		return ""
	}
	return fmt.Sprintf("%.1f%%", float64(n)*100/float64(of))
}

func (s *Server) tableView(d *survey.Dataset, t *survey.Table, lang string) tableView {
	tv := tableView{ID: strings.ReplaceAll(strings.ReplaceAll(t.Var.ID, ":", "-"), "Δ", "d-"), Label: d.ItemLabel(t.Var),
		Scale: t.Var.Type == survey.Scale5}
	for i := range t.Var.Values {
		tv.Values = append(tv.Values, t.Var.Label(i))
		tv.Heads = append(tv.Heads, headView{t.Var.Label(i), "bar-" + strconv.Itoa(i%6)})
	}
	tv.GroupHead, tv.NHead, tv.MeanHead = i18n.T(lang, "survey.group", nil), i18n.T(lang, "survey.n", nil), i18n.T(lang, "survey.mean", nil)
	tv.ChartName = i18n.T(lang, "survey.chart_of", map[string]any{"Item": tv.Label})
	tv.LParen, tv.RParen = parens(lang)
	tv.TableName = i18n.T(lang, "survey.table_of", map[string]any{"Item": tv.Label})
	tv.Height = (len(t.Rows) + 1) * chartRowH
	hidden := i18n.T(lang, "survey.hidden_cell", nil)
	for ri, row := range append([]survey.Row{t.Total}, t.Rows...) {
		rv := rowView{Label: row.Label, N: strconv.Itoa(row.N.Count), Y: ri * chartRowH}
		if row.N.Hidden {
			rv.N = hidden
		}
		x := 0.0
		for i, c := range row.Cells {
			cv := cellView{Text: strconv.Itoa(c.Count), Hidden: c.Hidden}
			if c.Hidden {
				cv.Text = hidden
			} else if !row.N.Hidden {
				cv.Pct = pct(c.Count, row.N.Count)
				if c.Count > 0 && row.N.Count > 0 {
					wd := chartW * float64(c.Count) / float64(row.N.Count)
					rv.Bars = append(rv.Bars, barView{X: x, W: wd, Class: "bar-" + strconv.Itoa(i%6), Title: tv.Values[i] + " " + cv.Pct})
					x += wd
				}
			}
			rv.Cells = append(rv.Cells, cv)
		}
		if row.Mean != nil {
			rv.Mean = fmt.Sprintf("%.2f", *row.Mean)
		}
		tv.Rows = append(tv.Rows, rv)
	}
	return tv
}

func (s *Server) surveyResults(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := route.PathID(r)
	lang := lang(r)
	sv, err := s.svc.Survey.Get(r.Context(), p.TenantID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	v := resultsView{Survey: sv, Closed: sv.Status == survey.StatusClosed, By: q.Get("by"), By2: q.Get("by2"),
		Compare: q.Get("compare") == "1", CanCompare: sv.Kind == survey.KindPost && sv.PreID != 0}
	if v.By == "" || v.By == v.By2 {
		v.By2 = ""
	}
	if !v.Closed {
		s.render(w, r, http.StatusOK, "survey_results", "survey.results_title", v, nil)
		return
	}
	var d *survey.Dataset
	if v.Compare && v.CanCompare {
		c, cerr := s.svc.Survey.Compare(r.Context(), p.TenantID, id, lang)
		if apperr.CodeOf(cerr) == apperr.Conflict {
			v.Err, v.Compare = i18n.Error(lang, cerr), false
		} else if cerr != nil {
			s.serverError(w, r, cerr)
			return
		} else {
			d, v.By2 = c.Dataset, "" // comparisons: by one attribute at most
		}
	}
	if d == nil {
		v.Compare = false
		res, rerr := s.svc.Survey.Results(r.Context(), p.TenantID, id, lang)
		if rerr != nil {
			s.fail(w, r, rerr)
			return
		}
		d = res.Dataset
		if sv.ShowFreeText && v.By == "" {
			for _, qq := range sv.Questions {
				if qq.Type == survey.Text {
					if items := d.Texts(qq.ID); len(items) > 0 {
						v.Texts = append(v.Texts, textBlock{Label: qq.Label(lang), Items: items})
					}
				}
			}
		}
	}
	v.N = d.N
	for _, a := range d.Attrs() {
		v.Attrs = append(v.Attrs, attrChoice{Key: a, Label: d.AttrQuestion(a).Label(lang)})
	}
	if !slices.ContainsFunc(v.Attrs, func(a attrChoice) bool { return a.Key == v.By }) {
		v.By, v.By2 = "", ""
	}
	if !slices.ContainsFunc(v.Attrs, func(a attrChoice) bool { return a.Key == v.By2 }) {
		v.By2 = ""
	}
	tables := d.Tables(v.By, v.By2)
	v.TooFew = len(tables) == 0
	if v.By2 != "" && len(tables) > 0 {
		// A cross tabulation shows one item at a time (chosen with ?item=).
		v.Item = tables[0].Var.ID
		for _, t := range tables {
			v.Items = append(v.Items, attrChoice{Key: t.Var.ID, Label: d.ItemLabel(t.Var)})
			if t.Var.ID == q.Get("item") {
				v.Item = t.Var.ID
			}
		}
		tables = slices.DeleteFunc(tables, func(t *survey.Table) bool { return t.Var.ID != v.Item })
	}
	for _, t := range tables {
		v.Tables = append(v.Tables, s.tableView(d, t, lang))
	}
	eq := url.Values{}
	for k, val := range map[string]string{"by": v.By, "by2": v.By2} {
		if val != "" {
			eq.Set(k, val)
		}
	}
	if v.Compare {
		eq.Set("compare", "1")
	}
	v.ExportQ = eq.Encode()
	s.render(w, r, http.StatusOK, "survey_results", "survey.results_title", v, nil)
}

// surveyExport downloads the tables of a results view (the same k-safe
// counts as the page) as CSV (UTF-8 or Shift_JIS) or xlsx.
func (s *Server) surveyExport(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := route.PathID(r)
	lang := lang(r)
	q := r.URL.Query()
	format, ok := tabular.ParseFormat(q.Get("format"))
	if !ok {
		format = tabular.CSV
	}
	sv, err := s.svc.Survey.Get(r.Context(), p.TenantID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rows [][]string
	if sv.Status == survey.StatusClosed {
		var d *survey.Dataset
		if q.Get("compare") == "1" {
			c, cerr := s.svc.Survey.Compare(r.Context(), p.TenantID, id, lang)
			if cerr == nil {
				d = c.Dataset
			}
		}
		compared := d != nil
		if d == nil {
			res, rerr := s.svc.Survey.Results(r.Context(), p.TenantID, id, lang)
			if rerr != nil {
				s.fail(w, r, rerr)
				return
			}
			d = res.Dataset
		}
		by, by2 := q.Get("by"), q.Get("by2")
		if !slices.Contains(d.Attrs(), by) {
			by = ""
		}
		if !slices.Contains(d.Attrs(), by2) || by == "" || compared {
			by2 = "" // a comparison has no two-attribute tables: by one, as the page shows
		}
		rows = d.ExportRows(by, by2)
	} else {
		rows = [][]string{{i18n.T(lang, "survey.not_closed_export", nil)}}
	}
	var buf bytes.Buffer
	subs, err := tabular.WriteNumbers(&buf, format, "集計", rows, 4, 5)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	route.DownloadTable(w, format, format.FileName(fmt.Sprintf("survey-%d", id)), buf.Bytes(), subs)
}

// --- answering ---

type answerView struct {
	Survey    survey.Survey
	Answer    survey.Answer
	Submitted bool
	Closed    bool
	NoStaff   bool
	Sections  []answerSection
	Saved     bool
}

type answerSection struct {
	Key       string
	Questions []survey.Question
}

// Checked reports whether an option is chosen in the person's answer.
func (v answerView) Checked(qid, value string) bool { return slices.Contains(v.Answer[qid], value) }

// Value is the text of a number or free text answer.
func (v answerView) Value(qid string) string {
	if a := v.Answer[qid]; len(a) == 1 {
		return a[0]
	}
	return ""
}

func sections(qs []survey.Question) []answerSection {
	var out []answerSection
	for _, q := range qs {
		if len(out) == 0 || out[len(out)-1].Key != q.Section {
			out = append(out, answerSection{Key: q.Section})
		}
		out[len(out)-1].Questions = append(out[len(out)-1].Questions, q)
	}
	return out
}

func (s *Server) surveyAnswerPage(w http.ResponseWriter, r *http.Request) {
	s.renderAnswer(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderAnswer(w http.ResponseWriter, r *http.Request, status int, typed survey.Answer, ferr error) {
	p := principal(r)
	id, _ := route.PathID(r)
	v := answerView{NoStaff: p.StaffID == 0, Saved: r.URL.Query().Get("saved") == "1"}
	sv, a, submitted, err := s.svc.Survey.MyAnswer(r.Context(), p.TenantID, p.StaffID, id)
	switch e := apperr.As(err); {
	case err == nil:
	case e != nil && (e.Code == apperr.Conflict || e.Code == apperr.Forbidden):
		// Not open, or no staff record: a page that says so (the survey
		// itself is not shown).
		v.Closed = true
		sv, gerr := s.svc.Survey.Get(r.Context(), p.TenantID, id)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		v.Survey = survey.Survey{ID: sv.ID, Title: sv.Title, OpensOn: sv.OpensOn, ClosesOn: sv.ClosesOn}
		s.render(w, r, http.StatusOK, "survey_answer", "survey.answer_title", v, nil)
		return
	default:
		s.fail(w, r, err)
		return
	}
	v.Survey, v.Answer, v.Submitted, v.Sections = sv, a, submitted, sections(sv.Questions)
	if typed != nil {
		v.Answer = typed
	}
	s.render(w, r, status, "survey_answer", "survey.answer_title", v, ferr)
}

// surveyAnswer saves the person's own answer: "save" keeps a draft (the
// page's script sends it as the person types, with fetch: ajax=1), "submit"
// sends it for good.
func (s *Server) surveyAnswer(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	id, _ := route.PathID(r)
	a := survey.Answer{}
	for k, vals := range r.PostForm {
		switch k {
		case "submit", "save", "ajax":
		default: // question ids; the service refuses any other
			a[k] = vals
		}
	}
	final := r.PostForm.Get("submit") != ""
	err := s.svc.Survey.SaveAnswer(r.Context(), p.TenantID, p.StaffID, id, a, final)
	if r.PostForm.Get("ajax") == "1" {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err != nil {
			w.WriteHeader(route.StatusOf(err))
			_, _ = w.Write([]byte(i18n.Reason(lang(r), err)))
			return
		}
		_, _ = w.Write([]byte(i18n.T(lang(r), "survey.autosaved", nil)))
		return
	}
	if apperr.CodeOf(err) == apperr.Invalid {
		s.renderAnswer(w, r, http.StatusUnprocessableEntity, a, err)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	if final {
		s.flashRedirect(w, r, "/surveys", "flash.survey_submitted")
		return
	}
	http.Redirect(w, r, "/surveys/"+strconv.FormatInt(id, 10)+"/answer?saved=1", http.StatusSeeOther)
}

// SurveyKinds, QTypes and the ranks are the design form's choices.
func (v *view) SurveyKinds() []survey.Kind { return survey.Kinds }
func (v *view) QTypes() []survey.QType     { return survey.QTypes }

// HasRank and HasUnit tell the design form what the target holds.
func (v *view) HasRank(t survey.Target, r org.Rank) bool { return slices.Contains(t.Ranks, string(r)) }
func (v *view) HasUnit(t survey.Target, id int64) bool   { return slices.Contains(t.UnitIDs, id) }

// CustomAt is the custom question at i of a draft (empty past the end).
func (v *view) CustomAt(d survey.Draft, i int) survey.Question {
	if i < len(d.Custom) {
		return d.Custom[i]
	}
	return survey.Question{Type: survey.Single}
}

// OptionLines are a custom question's options, one a line.
func (v *view) OptionLines(q survey.Question) string {
	var b strings.Builder
	for _, o := range q.Options {
		b.WriteString(o.Label + "\n")
	}
	return b.String()
}

// QText and OptText are a question and an option in the page's language.
func (v *view) QText(q survey.Question) string { return q.Label(v.Lang) }
func (v *view) OptText(q survey.Question, value string) string {
	return q.OptionLabel(value, v.Lang)
}
