package api

import (
	"net/http"
	"slices"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/oneonone"
	"telework/internal/route"
	"telework/internal/survey"
)

// surveyRoutes are the API of the trial's questionnaires and 1on1 (issue
// 16). Survey answers leave the server only as the caller's own
// submission and as k-safe aggregates; 1on1 logs only to the two people.
func (s *API) surveyRoutes() []route.Route {
	byParams := []route.Param{
		{Name: "by", Type: "string", Desc: "break down by an attribute: gender, age, job, rank, care, commute"},
		{Name: "by2", Type: "string", Desc: "and by a second attribute (cross tabulation); not with compare"},
		{Name: "compare", Type: "boolean", Desc: "pre/post comparison of a post-trial survey (improved, unchanged, worsened)"},
	}
	return []route.Route{
		{Method: "GET", Pattern: "/api/v1/surveys", Rule: route.HROnly, Handler: s.apiListSurveys,
			API: &route.Op{ID: "listSurveys", Summary: "List the tenant's surveys (HR)", Tag: "surveys", Resp: "Survey", List: true}},
		{Method: "POST", Pattern: "/api/v1/surveys", Rule: route.HROnly, Handler: s.apiCreateSurvey,
			API: &route.Op{ID: "createSurvey", Summary: "Create a survey as a draft: pre-trial, post-trial (every item of 図表7) or custom questions (HR)",
				Tag: "surveys", Body: "SurveyInput", Resp: "Survey", Status: 201, Idempotent: true}},
		{Method: "GET", Pattern: "/api/v1/surveys/{id}", Rule: route.HROnly, Object: "survey", Handler: s.apiGetSurvey,
			API: &route.Op{ID: "getSurvey", Summary: "A survey with its questions and response counts (never who answered) (HR)", Tag: "surveys", Resp: "Survey"}},
		{Method: "PUT", Pattern: "/api/v1/surveys/{id}", Rule: route.HROnly, Object: "survey", Handler: s.apiUpdateSurvey,
			API: &route.Op{ID: "updateSurvey", Summary: "Replace a draft survey's title, description, period, target, custom questions and free-text setting; kind and pre_id stay as made (HR)",
				Tag: "surveys", Body: "SurveyInput", Resp: "Survey", IfMatch: true, Conflict: "the survey is open or closed (only a draft changes)"}},
		{Method: "POST", Pattern: "/api/v1/surveys/{id}/open", Rule: route.HROnly, Object: "survey", Handler: s.apiOpenSurvey,
			API: &route.Op{ID: "openSurvey", Summary: "Open a draft survey for answers (HR)", Tag: "surveys", Body: "SurveyVersion", Resp: "Survey"}},
		{Method: "POST", Pattern: "/api/v1/surveys/{id}/close", Rule: route.HROnly, Object: "survey", Handler: s.apiCloseSurvey,
			API: &route.Op{ID: "closeSurvey", Summary: "Close a survey: answers are fixed, results published, the pseudonym key of a post-trial pair erased (HR)",
				Tag: "surveys", Body: "SurveyVersion", Resp: "Survey"}},
		{Method: "GET", Pattern: "/api/v1/surveys/{id}/results", Rule: route.HROnly, Object: "survey", Handler: s.apiSurveyResults,
			API: &route.Op{ID: "getSurveyResults", Summary: "k-safe results of a closed survey: no count describes fewer than 5 people, directly or by difference (HR)",
				Tag: "surveys", Resp: "SurveyResults", Query: byParams}},
		{Method: "GET", Pattern: "/api/v1/me/surveys", Rule: route.Directory, Handler: s.apiMySurveys,
			API: &route.Op{ID: "listMySurveys", Summary: "Surveys open for the caller to answer", Tag: "surveys", Resp: "MySurvey", List: true}},
		{Method: "GET", Pattern: "/api/v1/me/surveys/{id}/answer", Rule: route.Directory, Object: "survey", Handler: s.apiMyAnswer,
			API: &route.Op{ID: "getMySurveyAnswer", Summary: "The caller's own answer (draft or submitted)", Tag: "surveys", Resp: "MySurveyAnswer"}},
		{Method: "PUT", Pattern: "/api/v1/me/surveys/{id}/answer", Rule: route.Directory, Object: "survey", Handler: s.apiSaveMyAnswer,
			API: &route.Op{ID: "saveMySurveyAnswer", Summary: "Save the caller's own answer as a draft, or submit it (submit: true; once)", Tag: "surveys",
				Body: "SurveyAnswerInput", Resp: "MySurveyAnswer"}},

		{Method: "GET", Pattern: "/api/v1/oneonone/pairs", Rule: route.Directory, Handler: s.apiMyPairs,
			API: &route.Op{ID: "listMyOneOnOnePairs", Summary: "The caller's 1on1 pairs", Tag: "oneonone", Resp: "OneOnOnePair", List: true}},
		{Method: "POST", Pattern: "/api/v1/oneonone/pairs", Rule: route.Directory, Handler: s.apiCreatePair,
			API: &route.Op{ID: "createOneOnOnePair", Summary: "Pair with a colleague (the caller is one of the two; HR may pair any two people)", Tag: "oneonone",
				Body: "OneOnOnePairInput", Resp: "OneOnOnePair", Status: 201}},
		{Method: "GET", Pattern: "/api/v1/oneonone/pairs/{id}/meetings", Rule: route.Directory, Object: "oneonone_pair", Handler: s.apiMeetings,
			API: &route.Op{ID: "listOneOnOneMeetings", Summary: "A pair's meeting logs, for the two people of the pair only", Tag: "oneonone", Resp: "OneOnOneMeeting", List: true}},
		{Method: "POST", Pattern: "/api/v1/oneonone/pairs/{id}/meetings", Rule: route.Directory, Object: "oneonone_pair", Handler: s.apiCreateMeeting,
			API: &route.Op{ID: "createOneOnOneMeeting", Summary: "Log a meeting (one of the two people only; stored encrypted)", Tag: "oneonone",
				Body: "OneOnOneMeetingInput", Resp: "OneOnOneMeeting", Status: 201}},
		{Method: "GET", Pattern: "/api/v1/oneonone/counts", Rule: route.HROnly, Handler: s.apiOneOnOneCounts,
			API: &route.Op{ID: "getOneOnOneCounts", Summary: "1on1 activity as counts only (HR)", Tag: "oneonone", Resp: "OneOnOneCounts"}},
	}
}

type surveyOptionJSON struct {
	Value   string `json:"value"`
	Label   string `json:"label"`
	LabelEn string `json:"label_en,omitempty"`
}

type surveyQuestionJSON struct {
	ID       string             `json:"id"`
	Section  string             `json:"section"`
	Type     survey.QType       `json:"type"`
	Text     string             `json:"text"`
	TextEn   string             `json:"text_en,omitempty"`
	Options  []surveyOptionJSON `json:"options"`
	Attr     string             `json:"attr,omitempty"`
	Required bool               `json:"required"`
	Custom   bool               `json:"custom"`
}

type surveyTargetJSON struct {
	UnitIDs    []int64  `json:"unit_ids"`
	Ranks      []string `json:"ranks"`
	TrialsOnly bool     `json:"trials_only"`
}

type surveyProgressJSON struct {
	Targeted int `json:"targeted"`
	Answered int `json:"answered"`
	Due      int `json:"due"`
	// Withheld: fewer than K people in the target now; answered and due
	// are 0 and mean nothing.
	Withheld bool `json:"withheld"`
}

type surveyJSON struct {
	ID           int64                `json:"id"`
	Kind         survey.Kind          `json:"kind"`
	Title        string               `json:"title"`
	Description  string               `json:"description"`
	PreID        int64                `json:"pre_id"`
	OpensOn      string               `json:"opens_on"`
	ClosesOn     string               `json:"closes_on"`
	Status       survey.Status        `json:"status"`
	ShowFreeText bool                 `json:"show_free_text"`
	Target       surveyTargetJSON     `json:"target"`
	Questions    []surveyQuestionJSON `json:"questions"`
	Version      int64                `json:"version"`
	Progress     *surveyProgressJSON  `json:"progress,omitempty"`
}

func questionsJSON(qs []survey.Question) []surveyQuestionJSON {
	out := make([]surveyQuestionJSON, 0, len(qs))
	for _, q := range qs {
		j := surveyQuestionJSON{ID: q.ID, Section: q.Section, Type: q.Type, Text: q.Text, TextEn: q.TextEn, Attr: q.Attr,
			Required: q.Required, Custom: q.Custom, Options: []surveyOptionJSON{}}
		for _, o := range q.Options {
			j.Options = append(j.Options, surveyOptionJSON(o))
		}
		out = append(out, j)
	}
	return out
}

func toSurveyJSON(sv *survey.Survey) surveyJSON {
	t := surveyTargetJSON{UnitIDs: sv.Target.UnitIDs, Ranks: sv.Target.Ranks, TrialsOnly: sv.Target.TrialsOnly}
	if t.UnitIDs == nil {
		t.UnitIDs = []int64{}
	}
	if t.Ranks == nil {
		t.Ranks = []string{}
	}
	return surveyJSON{ID: sv.ID, Kind: sv.Kind, Title: sv.Title, Description: sv.Description, PreID: sv.PreID, OpensOn: sv.OpensOn,
		ClosesOn: sv.ClosesOn, Status: sv.Status, ShowFreeText: sv.ShowFreeText, Target: t, Questions: questionsJSON(sv.Questions),
		Version: sv.Version}
}

func (s *API) apiListSurveys(w http.ResponseWriter, r *http.Request) {
	all, err := s.svc.Survey.List(r.Context(), principal(r).TenantID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := page[surveyJSON]{Items: []surveyJSON{}, Total: len(all)}
	for i := range all {
		out.Items = append(out.Items, toSurveyJSON(&all[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

type surveyInput struct {
	Kind         survey.Kind       `json:"kind"`
	Title        string            `json:"title"`
	Description  string            `json:"description"`
	PreID        int64             `json:"pre_id"`
	OpensOn      string            `json:"opens_on"`
	ClosesOn     string            `json:"closes_on"`
	ShowFreeText bool              `json:"show_free_text"`
	Target       *surveyTargetJSON `json:"target"`
	Questions    []struct {
		Type     survey.QType `json:"type"`
		Text     string       `json:"text"`
		Options  []string     `json:"options"`
		Required bool         `json:"required"`
	} `json:"questions"`
}

func (s *API) apiCreateSurvey(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in surveyInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	id, err := s.svc.Survey.Create(r.Context(), p.TenantID, actorOf(p), in.draft())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/surveys/"+itoa(id))
	s.respondSurvey(w, r, id, http.StatusCreated)
}

// draft is the survey the input describes.
func (in *surveyInput) draft() survey.Draft {
	d := survey.Draft{Kind: in.Kind, Title: in.Title, Description: in.Description, PreID: in.PreID, OpensOn: in.OpensOn,
		ClosesOn: in.ClosesOn, ShowFreeText: in.ShowFreeText}
	if in.Target != nil {
		d.Target = survey.Target{UnitIDs: in.Target.UnitIDs, Ranks: in.Target.Ranks, TrialsOnly: in.Target.TrialsOnly}
	}
	for _, q := range in.Questions {
		c := survey.Question{Type: q.Type, Text: q.Text, Required: q.Required}
		for _, o := range q.Options {
			c.Options = append(c.Options, survey.Option{Label: o})
		}
		d.Custom = append(d.Custom, c)
	}
	return d
}

// apiUpdateSurvey replaces a draft survey (as the page's form does) when
// If-Match names the version the caller read (GET's ETag): 428 without
// it, 412 when the survey changed since; 409 once it is open.
func (s *API) apiUpdateSurvey(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	if _, err := s.svc.Survey.Get(r.Context(), p.TenantID, id); err != nil {
		s.apiFail(w, r, err) // another tenant's: 404 before anything else
		return
	}
	version, ok := s.ifMatch(w, r, "survey", id)
	if !ok {
		return
	}
	var in surveyInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if err := s.svc.Survey.Update(r.Context(), p.TenantID, actorOf(p), id, version, in.draft()); err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.respondSurvey(w, r, id, http.StatusOK)
}

func (s *API) apiGetSurvey(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	s.respondSurvey(w, r, id, http.StatusOK)
}

// respondSurvey answers with a survey and its response counts.
func (s *API) respondSurvey(w http.ResponseWriter, r *http.Request, id int64, status int) {
	p := principal(r)
	sv, err := s.svc.Survey.Get(r.Context(), p.TenantID, id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	pg, err := s.svc.Survey.Progress(r.Context(), p.TenantID, id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := toSurveyJSON(&sv)
	out.Progress = &surveyProgressJSON{Targeted: pg.Targeted, Answered: pg.Answered, Due: pg.Due, Withheld: pg.Withheld}
	w.Header().Set("ETag", etag("survey", sv.ID, sv.Version))
	writeJSON(w, status, out)
}

type cellJSON struct {
	Count  int  `json:"count"`
	Hidden bool `json:"hidden"`
}

type resultRowJSON struct {
	Group string     `json:"group"`
	N     cellJSON   `json:"n"`
	Cells []cellJSON `json:"cells"`
	Mean  *float64   `json:"mean"`
}

type resultTableJSON struct {
	ItemID string          `json:"item_id"`
	Item   string          `json:"item"`
	Values []string        `json:"values"`
	Total  resultRowJSON   `json:"total"`
	Rows   []resultRowJSON `json:"rows"`
}

type resultsJSON struct {
	SurveyID    int64             `json:"survey_id"`
	Published   bool              `json:"published"`
	Respondents *int              `json:"respondents"`
	By          string            `json:"by"`
	By2         string            `json:"by2"`
	Compare     bool              `json:"compare"`
	Attributes  []string          `json:"attributes"`
	Tables      []resultTableJSON `json:"tables"`
}

func rowJSON(row survey.Row) resultRowJSON {
	out := resultRowJSON{Group: row.Label, N: cellJSON(row.N), Mean: row.Mean, Cells: make([]cellJSON, len(row.Cells))}
	for i, c := range row.Cells {
		out.Cells[i] = cellJSON(c)
	}
	return out
}

func (s *API) apiSurveyResults(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	q := r.URL.Query()
	l := principalLocale(p)
	out := resultsJSON{SurveyID: id, By: q.Get("by"), By2: q.Get("by2"), Compare: q.Get("compare") == "true" || q.Get("compare") == "1",
		Tables: []resultTableJSON{}, Attributes: []string{}}
	var d *survey.Dataset
	if out.Compare {
		c, err := s.svc.Survey.Compare(r.Context(), p.TenantID, id, l)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		d = c.Dataset
		if out.By2 != "" {
			var v apperr.Validation
			v.Add("by2", "field.choice", nil)
			s.apiFail(w, r, v.Err())
			return
		}
	} else {
		res, err := s.svc.Survey.Results(r.Context(), p.TenantID, id, l)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		d = res.Dataset
	}
	out.Attributes = append(out.Attributes, d.Attrs()...)
	var v apperr.Validation
	if out.By != "" && !slices.Contains(out.Attributes, out.By) {
		v.Add("by", "field.choice", nil)
	}
	if out.By2 != "" && (out.By == "" || out.By2 == out.By || !slices.Contains(out.Attributes, out.By2)) {
		v.Add("by2", "field.choice", nil)
	}
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	for _, t := range d.Tables(out.By, out.By2) {
		tj := resultTableJSON{ItemID: t.Var.ID, Item: d.ItemLabel(t.Var), Values: []string{}, Total: rowJSON(t.Total), Rows: []resultRowJSON{}}
		for i := range t.Var.Values {
			tj.Values = append(tj.Values, t.Var.Label(i))
		}
		for _, row := range t.Rows {
			tj.Rows = append(tj.Rows, rowJSON(row))
		}
		out.Tables = append(out.Tables, tj)
	}
	if len(out.Tables) > 0 {
		n := out.Tables[0].Total.N.Count
		out.Published, out.Respondents = true, &n
	}
	writeJSON(w, http.StatusOK, out)
}

func principalLocale(p *auth.Principal) string {
	if p.Locale == "en" {
		return "en"
	}
	return "ja"
}

type mySurveyJSON struct {
	ID          int64                `json:"id"`
	Title       string               `json:"title"`
	Description string               `json:"description"`
	OpensOn     string               `json:"opens_on"`
	ClosesOn    string               `json:"closes_on"`
	Answered    bool                 `json:"answered"`
	Questions   []surveyQuestionJSON `json:"questions"`
}

func (s *API) apiMySurveys(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	mine, err := s.svc.Survey.MySurveys(r.Context(), p.TenantID, p.StaffID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := page[mySurveyJSON]{Items: []mySurveyJSON{}, Total: len(mine)}
	for _, m := range mine {
		out.Items = append(out.Items, mySurveyJSON{ID: m.ID, Title: m.Title, Description: m.Description, OpensOn: m.OpensOn,
			ClosesOn: m.ClosesOn, Answered: m.Answered, Questions: questionsJSON(m.Questions)})
	}
	writeJSON(w, http.StatusOK, out)
}

type myAnswerJSON struct {
	SurveyID  int64               `json:"survey_id"`
	Open      bool                `json:"open"`
	Submitted bool                `json:"submitted"`
	Answers   map[string][]string `json:"answers"`
}

// myAnswer reads the caller's own answer; a survey that is not open (or a
// caller without a staff record) gives open: false and no answers.
func (s *API) myAnswer(r *http.Request) (myAnswerJSON, error) {
	p := principal(r)
	id, _ := pathID(r)
	_, a, submitted, err := s.svc.Survey.MyAnswer(r.Context(), p.TenantID, p.StaffID, id)
	switch apperr.CodeOf(err) {
	case apperr.Conflict, apperr.Forbidden:
		if _, gerr := s.svc.Survey.Get(r.Context(), p.TenantID, id); gerr != nil {
			return myAnswerJSON{}, gerr
		}
		return myAnswerJSON{SurveyID: id, Answers: map[string][]string{}}, nil
	}
	if err != nil {
		return myAnswerJSON{}, err
	}
	if a == nil {
		a = survey.Answer{}
	}
	return myAnswerJSON{SurveyID: id, Open: true, Submitted: submitted, Answers: a}, nil
}

func (s *API) apiMyAnswer(w http.ResponseWriter, r *http.Request) {
	out, err := s.myAnswer(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiSaveMyAnswer(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	// Another tenant's survey, or one the caller is not asked: 404 before
	// anything is read from the body.
	if _, err := s.myAnswer(r); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in struct {
		Answers map[string][]string `json:"answers"`
		Submit  bool                `json:"submit"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if err := s.svc.Survey.SaveAnswer(r.Context(), p.TenantID, p.StaffID, id, survey.Answer(in.Answers), in.Submit); err != nil {
		s.apiFail(w, r, err)
		return
	}
	out, err := s.myAnswer(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

type pairJSON struct {
	ID          int64         `json:"id"`
	LeadID      int64         `json:"lead_id"`
	MemberID    int64         `json:"member_id"`
	LeadName    string        `json:"lead_name"`
	MemberName  string        `json:"member_name"`
	CadenceDays int           `json:"cadence_days"`
	Minutes     int           `json:"minutes"`
	Mode        oneonone.Mode `json:"mode"`
	Active      bool          `json:"active"`
	LastHeld    string        `json:"last_held"`
	NextDue     string        `json:"next_due"`
	Overdue     bool          `json:"overdue"`
	Version     int64         `json:"version"`
}

func (s *API) apiMyPairs(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	ps, err := s.svc.OneOnOne.MyPairs(r.Context(), p.TenantID, p.StaffID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	today := s.svc.OneOnOne.Today()
	out := page[pairJSON]{Items: []pairJSON{}, Total: len(ps)}
	for _, x := range ps {
		out.Items = append(out.Items, toPairJSON(x, today))
	}
	writeJSON(w, http.StatusOK, out)
}

func toPairJSON(x oneonone.Pair, today string) pairJSON {
	return pairJSON{ID: x.ID, LeadID: x.LeadID, MemberID: x.MemberID, LeadName: x.LeadName, MemberName: x.MemberName,
		CadenceDays: x.CadenceDays, Minutes: x.Minutes, Mode: x.Mode, Active: x.Active, LastHeld: x.LastHeld, NextDue: x.NextDue(),
		Overdue: x.Overdue(today), Version: x.Version}
}

type meetingJSON struct {
	ID       int64         `json:"id"`
	PairID   int64         `json:"pair_id"`
	HeldOn   string        `json:"held_on"`
	Mode     oneonone.Mode `json:"mode"`
	IceBreak string        `json:"ice_break"`
	Review   string        `json:"review"`
	Theme    string        `json:"theme"`
	Notes    string        `json:"notes"`
	Actions  []string      `json:"actions"`
	Version  int64         `json:"version"`
}

func toMeetingJSON(m oneonone.Meeting) meetingJSON {
	acts := m.Log.Actions
	if acts == nil {
		acts = []string{}
	}
	return meetingJSON{ID: m.ID, PairID: m.PairID, HeldOn: m.HeldOn, Mode: m.Mode, IceBreak: m.Log.IceBreak, Review: m.Log.Review,
		Theme: m.Log.Theme, Notes: m.Log.Notes, Actions: acts, Version: m.Version}
}

func (s *API) apiMeetings(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	if _, err := s.svc.OneOnOne.Pair(r.Context(), p.TenantID, p.StaffID, id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := page[meetingJSON]{Items: []meetingJSON{}}
	if s.svc.OneOnOne.HasKey() {
		_, ms, err := s.svc.OneOnOne.Meetings(r.Context(), p.TenantID, p.StaffID, id)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		for _, m := range ms {
			out.Items = append(out.Items, toMeetingJSON(m))
		}
	}
	out.Total = len(out.Items)
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiCreateMeeting(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	if _, err := s.svc.OneOnOne.Pair(r.Context(), p.TenantID, p.StaffID, id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in struct {
		HeldOn   string        `json:"held_on"`
		Mode     oneonone.Mode `json:"mode"`
		IceBreak string        `json:"ice_break"`
		Review   string        `json:"review"`
		Theme    string        `json:"theme"`
		Notes    string        `json:"notes"`
		Actions  []string      `json:"actions"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	m := oneonone.Meeting{PairID: id, HeldOn: in.HeldOn, Mode: in.Mode,
		Log: oneonone.Log{IceBreak: in.IceBreak, Review: in.Review, Theme: in.Theme, Notes: in.Notes, Actions: in.Actions}}
	mid, err := s.svc.OneOnOne.SaveMeeting(r.Context(), p.TenantID, actorOf(p), p.StaffID, m)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	_, ms, err := s.svc.OneOnOne.Meetings(r.Context(), p.TenantID, p.StaffID, id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	for _, x := range ms {
		if x.ID == mid {
			writeJSON(w, http.StatusCreated, toMeetingJSON(x))
			return
		}
	}
	s.apiFail(w, r, apperr.NotFoundErr("oneonone_meeting"))
}

func (s *API) apiOneOnOneCounts(w http.ResponseWriter, r *http.Request) {
	c, err := s.svc.OneOnOne.Counts(r.Context(), principal(r).TenantID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"pairs": c.Pairs, "active": c.Active, "overdue": c.Overdue,
		"meetings_30d": c.Meetings30, "online": c.Online, "face": c.Face})
}

func (s *API) surveyTransition(w http.ResponseWriter, r *http.Request, open bool) {
	p := principal(r)
	id, _ := pathID(r)
	if _, err := s.svc.Survey.Get(r.Context(), p.TenantID, id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in struct {
		Version int64 `json:"version"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if in.Version <= 0 {
		// Without the version read there is nothing to compare: say what
		// is missing, not that someone else changed the survey (412).
		var v apperr.Validation
		v.Add("version", "field.required", nil)
		s.apiFail(w, r, v.Err())
		return
	}
	var err error
	if open {
		err = s.svc.Survey.Open(r.Context(), p.TenantID, actorOf(p), id, in.Version)
	} else {
		err = s.svc.Survey.Close(r.Context(), p.TenantID, actorOf(p), id, in.Version)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.respondSurvey(w, r, id, http.StatusOK)
}

func (s *API) apiOpenSurvey(w http.ResponseWriter, r *http.Request)  { s.surveyTransition(w, r, true) }
func (s *API) apiCloseSurvey(w http.ResponseWriter, r *http.Request) { s.surveyTransition(w, r, false) }

func (s *API) apiCreatePair(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in struct {
		LeadID      int64         `json:"lead_id"`
		MemberID    int64         `json:"member_id"`
		CadenceDays int           `json:"cadence_days"`
		Minutes     int           `json:"minutes"`
		Mode        oneonone.Mode `json:"mode"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	id, err := s.svc.OneOnOne.CreatePair(r.Context(), p.TenantID, actorOf(p), p.StaffID, p.Has(auth.HRAdmin),
		oneonone.Pair{LeadID: in.LeadID, MemberID: in.MemberID, CadenceDays: in.CadenceDays, Minutes: in.Minutes, Mode: in.Mode})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	x, err := s.svc.OneOnOne.PairFor(r.Context(), p.TenantID, id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/oneonone/pairs/"+itoa(id)+"/meetings")
	writeJSON(w, http.StatusCreated, toPairJSON(x, s.svc.OneOnOne.Today()))
}
