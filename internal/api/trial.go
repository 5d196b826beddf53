package api

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/attach"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/cost"
	"telework/internal/handbook"
	"telework/internal/incident"
	"telework/internal/roadmap"
	"telework/internal/route"
	"telework/internal/tabular"
)

// Promoters are the 推進 staff of issue 16: HR (人事・行革・財政) and IT
// admin (情報政策), who keep the roadmap and the cost register.
var Promoters = route.Rule{Roles: []auth.Role{auth.HRAdmin, auth.ITAdmin}}

var fileBodyTypes = []string{"application/octet-stream"}

// trialRoutes are the API routes of issue 16: roadmap, incidents, costs
// and handbook.
func (s *API) trialRoutes() []route.Route {
	fy := route.Param{Name: "fiscal_year", Type: "integer", Desc: "年度 (April–March, named by the year it starts; default this one)"}
	return []route.Route{
		{Method: "GET", Pattern: "/api/v1/roadmap", Rule: Promoters, Handler: s.apiRoadmap,
			API: &route.Op{ID: "getRoadmap", Summary: "The 10 steps (図表1) with owners, the checklists of 図表4/5/8/9/12 and the PDCA reviews", Tag: "roadmap", Resp: "Roadmap"}},
		{Method: "POST", Pattern: "/api/v1/roadmap/steps", Rule: Promoters, Handler: s.apiSaveStep,
			API: &route.Op{ID: "saveRoadmapStep", Summary: "Save one step's owners, status, dates or note: members left out keep their stored values (version as read; 0 for a step never saved)", Tag: "roadmap", Body: "RoadmapStepInput", Resp: "RoadmapStep"}},
		{Method: "POST", Pattern: "/api/v1/roadmap/checks", Rule: Promoters, Handler: s.apiSetCheck,
			API: &route.Op{ID: "setRoadmapCheck", Summary: "Tick or untick a checklist item with a note (version as read; 0 for an item never saved)", Tag: "roadmap", Body: "RoadmapCheckInput", Resp: "RoadmapCheck"}},
		{Method: "POST", Pattern: "/api/v1/roadmap/evidence", Rule: Promoters, Handler: s.apiAddEvidence, MaxBody: attach.MaxBytes + 1,
			API: &route.Op{ID: "addRoadmapEvidence", Summary: "Attach a file (the request body) to a checklist item as evidence", Tag: "roadmap", Resp: "File", Status: 201,
				BodyTypes: fileBodyTypes, Query: []route.Param{{Name: "item", Type: "string", Desc: "checklist item code"}, {Name: "name", Type: "string", Desc: "file name with its extension (pdf, docx, xlsx, pptx, png, jpg, txt, csv …)"}}}},
		{Method: "GET", Pattern: "/api/v1/roadmap/evidence/{id}", Rule: Promoters, Object: "roadmap_evidence", Handler: s.apiGetEvidence,
			API: &route.Op{ID: "getRoadmapEvidence", Summary: "Download an evidence file", Tag: "roadmap", RespTypes: []string{"application/octet-stream"}}},
		{Method: "DELETE", Pattern: "/api/v1/roadmap/evidence/{id}", Rule: Promoters, Object: "roadmap_evidence", Handler: s.apiRemoveEvidence,
			API: &route.Op{ID: "removeRoadmapEvidence", Summary: "Remove an evidence file", Tag: "roadmap", Status: 204}},
		{Method: "POST", Pattern: "/api/v1/roadmap/review-settings", Rule: Promoters, Handler: s.apiReviewCadence,
			API: &route.Op{ID: "setRoadmapReviewCadence", Summary: "Set the PDCA review interval (1–12 months) and the next review date", Tag: "roadmap", Body: "RoadmapReviewSettings", Resp: "RoadmapReviewSettings"}},
		{Method: "POST", Pattern: "/api/v1/roadmap/reviews", Rule: Promoters, Handler: s.apiRecordReview,
			API: &route.Op{ID: "recordRoadmapReview", Summary: "Record a PDCA review held (moves the next review date by the interval)", Tag: "roadmap", Body: "RoadmapReviewInput", Resp: "RoadmapReview", Status: 201, Idempotent: true}},

		{Method: "POST", Pattern: "/api/v1/incidents", Rule: route.Directory, Handler: s.apiReportIncident,
			API: &route.Op{ID: "reportIncident", Summary: "Report a security incident or a worry (anonymous: nothing identifies the reporter, and it cannot be read back). No Idempotency-Key: its replay cache would keep the account next to the report", Tag: "incidents", Body: "IncidentInput", Resp: "IncidentReceipt", Status: 201}},
		{Method: "GET", Pattern: "/api/v1/incidents/mine", Rule: route.Directory, Handler: s.apiMyIncidents,
			API: &route.Op{ID: "listMyIncidents", Summary: "The caller's own named reports and their status", Tag: "incidents", Resp: "Incident", List: true}},
		{Method: "GET", Pattern: "/api/v1/incidents", Rule: route.ITOnly, Handler: s.apiListIncidents,
			API: &route.Op{ID: "listIncidents", Summary: "Reports for review (IT admin), newest first", Tag: "incidents", Resp: "Incident", List: true,
				Query: append([]route.Param{{Name: "status", Type: "string", Desc: "new, in_progress, resolved or no_action"}, {Name: "kind", Type: "string", Desc: "incident or worry"}}, pagingParams...)}},
		{Method: "GET", Pattern: "/api/v1/incidents/summary", Rule: route.ITOnly, Handler: s.apiIncidentSummary,
			API: &route.Op{ID: "getIncidentSummary", Summary: "Counts of reports by category and status (図表6 「セキュリティ上の問題の有無」)", Tag: "incidents", Resp: "IncidentSummary"}},
		{Method: "GET", Pattern: "/api/v1/incidents/{id}", Rule: route.ITOnly, Object: "incident", Handler: s.apiGetIncident,
			API: &route.Op{ID: "getIncident", Summary: "A report with its review steps (IT admin)", Tag: "incidents", Resp: "Incident"}},
		{Method: "POST", Pattern: "/api/v1/incidents/{id}/review", Rule: route.ITOnly, Object: "incident", Handler: s.apiReviewIncident,
			API: &route.Op{ID: "reviewIncident", Summary: "Record a review step: a status change and/or a note (version as read)", Tag: "incidents", Body: "IncidentReviewInput", Resp: "Incident"}},

		{Method: "GET", Pattern: "/api/v1/costs", Rule: Promoters, Handler: s.apiListCosts,
			API: &route.Op{ID: "listCosts", Summary: "One fiscal year's costs, by date paid", Tag: "costs", Resp: "Cost", List: true, Query: []route.Param{fy}}},
		{Method: "GET", Pattern: "/api/v1/costs/totals", Rule: Promoters, Handler: s.apiCostTotals,
			API: &route.Op{ID: "getCostTotals", Summary: "One fiscal year's totals by kind, the 特別交付税措置 tagged total and its estimate (措置率 0.5, before the 財政力補正)", Tag: "costs", Resp: "CostTotals", Query: []route.Param{fy}}},
		{Method: "GET", Pattern: "/api/v1/costs/export", Rule: Promoters, Handler: s.apiExportCosts,
			API: &route.Op{ID: "exportCosts", Summary: "One fiscal year's register with its totals as CSV or xlsx", Tag: "costs", RespTypes: []string{"text/csv", tabular.XLSXContentType},
				Query: []route.Param{fy, {Name: "format", Type: "string", Desc: "xlsx (default), csv (UTF-8 with BOM) or csv-sjis"}}}},
		{Method: "POST", Pattern: "/api/v1/costs", Rule: Promoters, Handler: s.apiAddCost,
			API: &route.Op{ID: "addCost", Summary: "Register a cost", Tag: "costs", Body: "CostInput", Resp: "Cost", Status: 201, Idempotent: true}},
		{Method: "GET", Pattern: "/api/v1/costs/{id}", Rule: Promoters, Object: "cost", Handler: s.apiGetCost,
			API: &route.Op{ID: "getCost", Summary: "Get a cost", Tag: "costs", Resp: "Cost"}},
		{Method: "PATCH", Pattern: "/api/v1/costs/{id}", Rule: Promoters, Object: "cost", Handler: s.apiUpdateCost,
			API: &route.Op{ID: "updateCost", Summary: "Replace a cost's fields", Tag: "costs", Body: "CostInput", Resp: "Cost", IfMatch: true}},
		{Method: "DELETE", Pattern: "/api/v1/costs/{id}", Rule: Promoters, Object: "cost", Handler: s.apiDeleteCost,
			API: &route.Op{ID: "deleteCost", Summary: "Delete a cost", Tag: "costs", Status: 204}},

		{Method: "GET", Pattern: "/api/v1/handbook/pages", Rule: route.Directory, Handler: s.apiListPages,
			API: &route.Op{ID: "listHandbookPages", Summary: "Handbook pages (HR also sees drafts)", Tag: "handbook", Resp: "HandbookPage", List: true}},
		{Method: "GET", Pattern: "/api/v1/handbook/slots", Rule: route.Directory, Handler: s.apiSlots,
			API: &route.Op{ID: "listHandbookSlots", Summary: "The places that link to a handbook page (apply_form, take_out, first_signin, rules, security) and the published page in each", Tag: "handbook", Resp: "HandbookSlot", List: true}},
		{Method: "GET", Pattern: "/api/v1/handbook/pages/{id}", Rule: route.Directory, Object: "handbook_page", Handler: s.apiGetPage,
			API: &route.Op{ID: "getHandbookPage", Summary: "A page: its Markdown and the sanitised HTML", Tag: "handbook", Resp: "HandbookPage"}},
		{Method: "POST", Pattern: "/api/v1/handbook/pages", Rule: route.HROnly, Handler: s.apiCreatePage,
			API: &route.Op{ID: "createHandbookPage", Summary: "Write a page (Markdown)", Tag: "handbook", Body: "HandbookPageInput", Resp: "HandbookPage", Status: 201, Idempotent: true}},
		{Method: "PATCH", Pattern: "/api/v1/handbook/pages/{id}", Rule: route.HROnly, Object: "handbook_page", Handler: s.apiUpdatePage,
			API: &route.Op{ID: "updateHandbookPage", Summary: "Replace a page", Tag: "handbook", Body: "HandbookPageInput", Resp: "HandbookPage", IfMatch: true}},
		{Method: "DELETE", Pattern: "/api/v1/handbook/pages/{id}", Rule: route.HROnly, Object: "handbook_page", Handler: s.apiDeletePage,
			API: &route.Op{ID: "deleteHandbookPage", Summary: "Delete a page and its files", Tag: "handbook", Status: 204}},
		{Method: "GET", Pattern: "/api/v1/handbook/briefings", Rule: route.Directory, Handler: s.apiListBriefings,
			API: &route.Op{ID: "listBriefings", Summary: "Briefing sessions (説明会, 図表5), newest first, with their materials", Tag: "handbook", Resp: "Briefing", List: true}},
		{Method: "POST", Pattern: "/api/v1/handbook/briefings", Rule: route.HROnly, Handler: s.apiCreateBriefing,
			API: &route.Op{ID: "createBriefing", Summary: "Schedule a briefing session", Tag: "handbook", Body: "BriefingInput", Resp: "Briefing", Status: 201, Idempotent: true}},
		{Method: "PATCH", Pattern: "/api/v1/handbook/briefings/{id}", Rule: route.HROnly, Object: "briefing", Handler: s.apiUpdateBriefing,
			API: &route.Op{ID: "updateBriefing", Summary: "Replace a briefing session", Tag: "handbook", Body: "BriefingInput", Resp: "Briefing", IfMatch: true}},
		{Method: "DELETE", Pattern: "/api/v1/handbook/briefings/{id}", Rule: route.HROnly, Object: "briefing", Handler: s.apiDeleteBriefing,
			API: &route.Op{ID: "deleteBriefing", Summary: "Delete a briefing session and its materials", Tag: "handbook", Status: 204}},
		{Method: "POST", Pattern: "/api/v1/handbook/pages/{id}/files", Rule: route.HROnly, Object: "handbook_page", Handler: s.apiAttachPageFile, MaxBody: attach.MaxBytes + 1,
			API: &route.Op{ID: "attachHandbookPageFile", Summary: "Attach a file (the request body) to a page", Tag: "handbook", Resp: "File", Status: 201,
				BodyTypes: fileBodyTypes, Query: []route.Param{{Name: "name", Type: "string", Desc: "file name with its extension"}}}},
		{Method: "POST", Pattern: "/api/v1/handbook/briefings/{id}/files", Rule: route.HROnly, Object: "briefing", Handler: s.apiAttachBriefingFile, MaxBody: attach.MaxBytes + 1,
			API: &route.Op{ID: "attachBriefingFile", Summary: "Attach material (the request body) to a briefing session", Tag: "handbook", Resp: "File", Status: 201,
				BodyTypes: fileBodyTypes, Query: []route.Param{{Name: "name", Type: "string", Desc: "file name with its extension"}}}},
		{Method: "DELETE", Pattern: "/api/v1/handbook/files/{id}", Rule: route.HROnly, Object: "handbook_file", Handler: s.apiRemoveHandbookFile,
			API: &route.Op{ID: "removeHandbookFile", Summary: "Remove a page's or briefing's file", Tag: "handbook", Status: 204}},
		{Method: "GET", Pattern: "/api/v1/handbook/files/{id}", Rule: route.Directory, Object: "handbook_file", Handler: s.apiHandbookFile,
			API: &route.Op{ID: "getHandbookFile", Summary: "Download a page's attachment or a briefing's materials", Tag: "handbook", RespTypes: []string{"application/octet-stream"}}},
	}
}

// --- roadmap ---

type fileJSON struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
	CreatedBy   string    `json:"created_by"`
}

func toFiles(fs []attach.File) []fileJSON {
	out := make([]fileJSON, 0, len(fs))
	for _, f := range fs {
		out = append(out, fileJSON{f.ID, f.Name, f.ContentType, f.Size, f.SHA256, f.CreatedAt, f.CreatedBy})
	}
	return out
}

type stepJSON struct {
	Step         int        `json:"step"`
	Title        string     `json:"title"`
	Phase        string     `json:"phase"`
	Owners       []string   `json:"owners"`
	Status       string     `json:"status"`
	PlannedStart string     `json:"planned_start"`
	PlannedEnd   string     `json:"planned_end"`
	DoneOn       string     `json:"done_on"`
	Note         string     `json:"note"`
	Version      int64      `json:"version"`
	UpdatedAt    *time.Time `json:"updated_at,omitempty"`
	UpdatedBy    string     `json:"updated_by"`
}

func toStepJSON(st roadmap.Step) stepJSON {
	out := stepJSON{Step: st.N, Title: st.Info().JA, Phase: st.Info().Phase, Owners: []string{}, Status: string(st.Status),
		PlannedStart: st.PlannedStart.String(), PlannedEnd: st.PlannedEnd.String(), DoneOn: st.DoneOn.String(), Note: st.Note,
		Version: st.Version, UpdatedBy: st.UpdatedBy}
	for _, o := range st.Owners {
		out.Owners = append(out.Owners, string(o))
	}
	if st.Version > 0 {
		out.UpdatedAt = &st.UpdatedAt
	}
	return out
}

type checkJSON struct {
	Item      string     `json:"item"`
	Figure    int        `json:"figure"`
	Step      int        `json:"step"`
	Group     string     `json:"group"`
	Text      string     `json:"text"`
	Done      bool       `json:"done"`
	Note      string     `json:"note"`
	CheckedBy string     `json:"checked_by"`
	CheckedAt *time.Time `json:"checked_at,omitempty"`
	Version   int64      `json:"version"`
	Files     []fileJSON `json:"files"`
}

func toCheckJSON(it roadmap.Item, c roadmap.Check) checkJSON {
	out := checkJSON{Item: it.Code, Figure: it.Figure, Step: it.Step, Group: it.GroupJA, Text: it.JA, Done: c.Done, Note: c.Note,
		CheckedBy: c.CheckedBy, Version: c.Version, Files: toFiles(c.Files)}
	if c.Version > 0 {
		out.CheckedAt = &c.CheckedAt
	}
	return out
}

type reviewJSON struct {
	ID         int64     `json:"id"`
	HeldOn     string    `json:"held_on"`
	Note       string    `json:"note"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

type cadenceJSON struct {
	IntervalMonths int    `json:"interval_months"`
	NextOn         string `json:"next_on"`
}

type roadmapJSON struct {
	Steps     []stepJSON   `json:"steps"`
	Checklist []checkJSON  `json:"checklist"`
	Review    *cadenceJSON `json:"review_settings"`
	ReviewDue bool         `json:"review_due"`
	Reviews   []reviewJSON `json:"reviews"`
}

func (s *API) apiRoadmap(w http.ResponseWriter, r *http.Request) {
	svc := s.svc.Trial.Roadmap
	b, err := svc.Board(r.Context(), principal(r).TenantID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := roadmapJSON{Steps: []stepJSON{}, Checklist: []checkJSON{}, Reviews: []reviewJSON{}, ReviewDue: b.ReviewDue(svc.Today())}
	for _, st := range b.Steps {
		out.Steps = append(out.Steps, toStepJSON(st))
	}
	for _, it := range roadmap.Items {
		out.Checklist = append(out.Checklist, toCheckJSON(it, b.Checks[it.Code]))
	}
	if b.Settings.IntervalMonths > 0 {
		out.Review = &cadenceJSON{b.Settings.IntervalMonths, b.Settings.NextOn.String()}
	}
	for _, rv := range b.Reviews {
		out.Reviews = append(out.Reviews, reviewJSON{rv.ID, rv.HeldOn.String(), rv.Note, rv.RecordedBy, rv.RecordedAt})
	}
	writeJSON(w, http.StatusOK, out)
}

// stepInput is a partial save of a step: a member left out keeps the
// stored value; one sent (null, [] or "" included) replaces it.
type stepInput struct {
	Step         int                `json:"step"`
	Owners       optional[[]string] `json:"owners"`
	Status       optional[string]   `json:"status"`
	PlannedStart optional[string]   `json:"planned_start"`
	PlannedEnd   optional[string]   `json:"planned_end"`
	DoneOn       optional[string]   `json:"done_on"`
	Note         optional[string]   `json:"note"`
	Version      int64              `json:"version"`
}

// optional is a JSON member that may be left out (Sent false); null reads
// as the zero value, sent.
type optional[T any] struct {
	Sent  bool
	Value T
}

func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Sent = true
	var zero T
	o.Value = zero
	if string(b) == "null" {
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// optMap is o's value through f, nil when it was left out.
func optMap[T, U any](o optional[T], f func(T) U) *U {
	if !o.Sent {
		return nil
	}
	u := f(o.Value)
	return &u
}

func (s *API) apiSaveStep(w http.ResponseWriter, r *http.Request) {
	var in stepInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	date := func(name string) func(string) calendar.Date {
		return func(x string) calendar.Date { return civilField(&v, name, x) }
	}
	u := roadmap.StepUpdate{N: in.Step, Version: in.Version,
		Status:       optMap(in.Status, func(x string) roadmap.Status { return roadmap.Status(x) }),
		PlannedStart: optMap(in.PlannedStart, date("planned_start")), PlannedEnd: optMap(in.PlannedEnd, date("planned_end")),
		DoneOn: optMap(in.DoneOn, date("done_on")), Note: optMap(in.Note, func(x string) string { return x }),
		Owners: optMap(in.Owners, func(xs []string) []roadmap.Owner {
			os := make([]roadmap.Owner, len(xs))
			for i, x := range xs {
				os[i] = roadmap.Owner(x)
			}
			return os
		})}
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	st, err := s.svc.Trial.Roadmap.UpdateStep(r.Context(), p.TenantID, actorOf(p), u)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toStepJSON(st))
}

type checkInput struct {
	Item    string `json:"item"`
	Done    bool   `json:"done"`
	Note    string `json:"note"`
	Version int64  `json:"version"`
}

func (s *API) apiSetCheck(w http.ResponseWriter, r *http.Request) {
	var in checkInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	c, err := s.svc.Trial.Roadmap.SetCheck(r.Context(), p.TenantID, actorOf(p), in.Item, in.Done, in.Note, in.Version)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	it, _ := roadmap.ItemByCode(in.Item)
	writeJSON(w, http.StatusOK, toCheckJSON(it, c))
}

// readFileBody reads a raw upload bounded by the route's limit.
func readFileBody(r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var v apperr.Validation
		v.Add("file", "field.attach_size", map[string]any{"Max": attach.MaxBytes >> 20})
		return nil, v.Err()
	}
	return data, nil
}

func (s *API) apiAddEvidence(w http.ResponseWriter, r *http.Request) {
	data, err := readFileBody(r)
	if err == nil && strings.TrimSpace(r.URL.Query().Get("name")) == "" {
		// The file's name comes in the query: without it the body was
		// refused as 「ファイル」を入力してください, naming what was sent.
		var v apperr.Validation
		v.Add("name", "field.required", map[string]any{"LabelKey": "fieldname.evidence_name"})
		if len(data) == 0 {
			v.Add("file", "field.required", nil)
		}
		err = v.Err()
	}
	if err == nil {
		p := principal(r)
		var f attach.File
		if f, err = s.svc.Trial.Roadmap.AttachEvidence(r.Context(), p.TenantID, actorOf(p), r.URL.Query().Get("item"), r.URL.Query().Get("name"), data); err == nil {
			writeJSON(w, http.StatusCreated, toFiles([]attach.File{f})[0])
			return
		}
	}
	s.apiFail(w, r, err)
}

func (s *API) serveFile(w http.ResponseWriter, r *http.Request, get func(id int64) (attach.File, error)) {
	id, ok := pathID(r)
	if !ok {
		s.apiFail(w, r, apperr.NotFoundErr("file"))
		return
	}
	f, err := get(id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	// Always as bytes: the file's own type is in its metadata (content_type).
	w.Header().Set("X-Content-Type-Options", "nosniff")
	route.Download(w, "application/octet-stream", f.Name, f.Data)
}

func (s *API) apiGetEvidence(w http.ResponseWriter, r *http.Request) {
	s.serveFile(w, r, func(id int64) (attach.File, error) {
		return s.svc.Trial.Roadmap.Evidence(r.Context(), principal(r).TenantID, id)
	})
}

func (s *API) apiReviewCadence(w http.ResponseWriter, r *http.Request) {
	var in cadenceJSON
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	next := civilField(&v, "next_on", in.NextOn)
	roadmap.CheckInterval(&v, in.IntervalMonths) // both fields at once, with an unreadable date
	err := v.Err()
	if err == nil {
		p := principal(r)
		err = s.svc.Trial.Roadmap.SetReviewCadence(r.Context(), p.TenantID, actorOf(p), in.IntervalMonths, next)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, in)
}

type reviewInput struct {
	HeldOn string `json:"held_on"`
	Note   string `json:"note"`
}

func (s *API) apiRecordReview(w http.ResponseWriter, r *http.Request) {
	var in reviewInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	held := civilField(&v, "held_on", in.HeldOn)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	rv, err := s.svc.Trial.Roadmap.RecordReview(r.Context(), p.TenantID, actorOf(p), held, in.Note)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, reviewJSON{rv.ID, rv.HeldOn.String(), rv.Note, rv.RecordedBy, rv.RecordedAt})
}

// --- incidents ---

type actionJSON struct {
	At         time.Time `json:"at"`
	By         string    `json:"by"`
	StatusFrom string    `json:"status_from"`
	StatusTo   string    `json:"status_to"`
	Note       string    `json:"note"`
}

type incidentJSON struct {
	ID         int64        `json:"id"`
	Kind       string       `json:"kind"`
	Category   string       `json:"category"`
	OccurredOn string       `json:"occurred_on"`
	Summary    string       `json:"summary"`
	Detail     string       `json:"detail"`
	Anonymous  bool         `json:"anonymous"`
	ReportedOn string       `json:"reported_on"`
	Status     string       `json:"status"`
	Version    int64        `json:"version"`
	Actions    []actionJSON `json:"actions"`
}

// toIncidentJSON never carries the reporter: IT admin reviews what
// happened, not who told.
func toIncidentJSON(in incident.Incident) incidentJSON {
	out := incidentJSON{ID: in.ID, Kind: string(in.Kind), Category: in.Category, OccurredOn: in.OccurredOn.String(), Summary: in.Summary,
		Detail: in.Detail, Anonymous: in.Anonymous, ReportedOn: in.ReportedOn.String(), Status: string(in.Status), Version: in.Version,
		Actions: []actionJSON{}}
	for _, a := range in.Actions {
		out.Actions = append(out.Actions, actionJSON{a.At, a.By, string(a.StatusFrom), string(a.StatusTo), a.Note})
	}
	return out
}

type incidentInput struct {
	Kind       string `json:"kind"`
	Category   string `json:"category"`
	OccurredOn string `json:"occurred_on"`
	Summary    string `json:"summary"`
	Detail     string `json:"detail"`
	Anonymous  bool   `json:"anonymous"`
}

func (s *API) apiReportIncident(w http.ResponseWriter, r *http.Request) {
	var in incidentInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	rep := incident.Report{Kind: incident.Kind(in.Kind), Category: in.Category, OccurredOn: civilField(&v, "occurred_on", in.OccurredOn),
		Summary: in.Summary, Detail: in.Detail, Anonymous: in.Anonymous}
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r) // no access-log line for this route (web's unloggedRoutes)
	got, err := s.svc.Trial.Incident.Report(r.Context(), p.TenantID, actorOf(p), p.UserID, rep)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": got.ID, "anonymous": got.Anonymous, "status": string(got.Status)})
}

func (s *API) apiMyIncidents(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	list, err := s.svc.Trial.Incident.Mine(r.Context(), p.TenantID, p.UserID)
	writeAll(s, w, r, list, err, toIncidentJSON)
}

func (s *API) apiListIncidents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v apperr.Validation
	f := incident.Filter{Status: incident.Status(q.Get("status")), Kind: incident.Kind(q.Get("kind")), Limit: 50}
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n >= 1 && n <= 200 {
		f.Limit = n
	} else if q.Get("limit") != "" {
		v.Add("limit", "field.range", map[string]any{"Min": 1, "Max": 200})
	}
	if c := q.Get("cursor"); c != "" {
		if n, err := strconv.Atoi(c); err == nil && n >= 0 {
			f.Offset = n
		} else {
			v.Add("cursor", "field.cursor", nil)
		}
	}
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	list, total, err := s.svc.Trial.Incident.List(r.Context(), principal(r).TenantID, f)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := page[incidentJSON]{Items: []incidentJSON{}, Total: total}
	for _, in := range list {
		out.Items = append(out.Items, toIncidentJSON(in))
	}
	if f.Offset+len(list) < total {
		out.NextCursor = strconv.Itoa(f.Offset + len(list))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiGetIncident(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	in, err := s.svc.Trial.Incident.Get(r.Context(), principal(r).TenantID, id)
	writeOne(s, w, r, http.StatusOK, in, err, toIncidentJSON, nil)
}

type incidentReviewInput struct {
	Status  string `json:"status"`
	Note    string `json:"note"`
	Version int64  `json:"version"`
}

func (s *API) apiReviewIncident(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	p := principal(r)
	if _, err := s.svc.Trial.Incident.Get(r.Context(), p.TenantID, id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in incidentReviewInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	got, err := s.svc.Trial.Incident.Review(r.Context(), p.TenantID, actorOf(p), id, in.Version, incident.Status(in.Status), in.Note)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toIncidentJSON(got))
}

// --- costs ---

type costJSON struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind"`
	Description  string    `json:"description"`
	AmountYen    int64     `json:"amount_yen"`
	PaidOn       string    `json:"paid_on"`
	FiscalYear   int       `json:"fiscal_year"`
	Initial      bool      `json:"initial"`
	SpecialGrant bool      `json:"special_grant"`
	Qualifies    bool      `json:"qualifies"`
	Note         string    `json:"note"`
	Version      int64     `json:"version"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func toCostJSON(c cost.Cost) costJSON {
	return costJSON{c.ID, c.Kind, c.Description, c.AmountYen, c.PaidOn.String(), c.FiscalYear, c.Initial, c.SpecialGrant, c.Qualifies(),
		c.Note, c.Version, c.UpdatedAt}
}

type costInput struct {
	Kind         string `json:"kind"`
	Description  string `json:"description"`
	AmountYen    int64  `json:"amount_yen"`
	PaidOn       string `json:"paid_on"`
	Initial      bool   `json:"initial"`
	SpecialGrant bool   `json:"special_grant"`
	Note         string `json:"note"`
}

func (in costInput) cost(v *apperr.Validation) cost.Cost {
	paid := civilField(v, "paid_on", in.PaidOn)
	return cost.Cost{Kind: in.Kind, Description: in.Description, AmountYen: in.AmountYen, PaidOn: paid, Initial: in.Initial,
		SpecialGrant: in.SpecialGrant, Note: in.Note}
}

func (s *API) fiscalYear(r *http.Request, v *apperr.Validation) int {
	q := r.URL.Query().Get("fiscal_year")
	if q == "" {
		return s.svc.Trial.Cost.ThisYear()
	}
	y, err := strconv.Atoi(q)
	if err != nil || y < 2000 || y > 2100 {
		v.Add("fiscal_year", "field.range", map[string]any{"Min": 2000, "Max": 2100})
	}
	return y
}

func (s *API) apiListCosts(w http.ResponseWriter, r *http.Request) {
	var v apperr.Validation
	fy := s.fiscalYear(r, &v)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	list, err := s.svc.Trial.Cost.List(r.Context(), principal(r).TenantID, fy)
	writeAll(s, w, r, list, err, toCostJSON)
}

func (s *API) apiCostTotals(w http.ResponseWriter, r *http.Request) {
	var v apperr.Validation
	fy := s.fiscalYear(r, &v)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	t, err := s.svc.Trial.Cost.Totals(r.Context(), principal(r).TenantID, fy)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"fiscal_year": t.FiscalYear, "count": t.Count, "total": t.Total, "by_kind": t.ByKind,
		"special_grant": t.SpecialGrant, "estimate": t.Estimate, "grant_rate": cost.GrantRate})
}

func (s *API) apiExportCosts(w http.ResponseWriter, r *http.Request) {
	var v apperr.Validation
	fy := s.fiscalYear(r, &v)
	f, ok := tabular.XLSX, true
	if q := r.URL.Query().Get("format"); q != "" {
		f, ok = tabular.ParseFormat(q)
	}
	if !ok {
		v.Add("format", "field.choice", nil)
	}
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	data, subs, err := s.svc.Trial.Cost.Export(r.Context(), principal(r).TenantID, fy, f, apiLang(r))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	route.DownloadTable(w, f, f.FileName("costs-"+strconv.Itoa(fy)), data, subs)
}

func (s *API) apiAddCost(w http.ResponseWriter, r *http.Request) {
	var in costInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	c := in.cost(&v)
	err := v.Err()
	p := principal(r)
	if err == nil {
		c, err = s.svc.Trial.Cost.Add(r.Context(), p.TenantID, actorOf(p), c)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("ETag", etag("cost", c.ID, c.Version))
	w.Header().Set("Location", "/api/v1/costs/"+itoa(c.ID))
	writeJSON(w, http.StatusCreated, toCostJSON(c))
}

func (s *API) apiCost(w http.ResponseWriter, r *http.Request) (cost.Cost, bool) {
	id, _ := pathID(r)
	c, err := s.svc.Trial.Cost.Get(r.Context(), principal(r).TenantID, id)
	if err != nil {
		s.apiFail(w, r, err)
		return c, false
	}
	return c, true
}

func (s *API) apiGetCost(w http.ResponseWriter, r *http.Request) {
	if c, ok := s.apiCost(w, r); ok {
		w.Header().Set("ETag", etag("cost", c.ID, c.Version))
		writeJSON(w, http.StatusOK, toCostJSON(c))
	}
}

func (s *API) apiUpdateCost(w http.ResponseWriter, r *http.Request) {
	cur, ok := s.apiCost(w, r)
	if !ok {
		return
	}
	version, ok := s.ifMatch(w, r, "cost", cur.ID)
	if !ok {
		return
	}
	var in costInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	c := in.cost(&v)
	c.ID, c.Version = cur.ID, version
	err := v.Err()
	p := principal(r)
	if err == nil {
		c, err = s.svc.Trial.Cost.Update(r.Context(), p.TenantID, actorOf(p), c)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("ETag", etag("cost", c.ID, c.Version))
	writeJSON(w, http.StatusOK, toCostJSON(c))
}

func (s *API) apiDeleteCost(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	p := principal(r)
	s.noContent(w, r, s.svc.Trial.Cost.Delete(r.Context(), p.TenantID, actorOf(p), id, 0))
}

// --- handbook ---

type pageJSON struct {
	ID        int64      `json:"id"`
	Title     string     `json:"title"`
	Markdown  string     `json:"markdown"`
	HTML      string     `json:"html"`
	Slot      string     `json:"slot"`
	Published bool       `json:"published"`
	Sort      int        `json:"sort"`
	Version   int64      `json:"version"`
	UpdatedAt time.Time  `json:"updated_at"`
	UpdatedBy string     `json:"updated_by"`
	Files     []fileJSON `json:"files"`
}

func toPageJSON(p handbook.Page) pageJSON {
	return pageJSON{p.ID, p.Title, p.Body, string(handbook.Render(p.Body)), p.Slot, p.Published, p.Sort, p.Version, p.UpdatedAt, p.UpdatedBy, toFiles(p.Files)}
}

func isHR(r *http.Request) bool { return principal(r).Has(auth.HRAdmin) }

func (s *API) apiListPages(w http.ResponseWriter, r *http.Request) {
	list, err := s.svc.Trial.Handbook.Pages(r.Context(), principal(r).TenantID, isHR(r))
	writeAll(s, w, r, list, err, toPageJSON)
}

type slotJSON struct {
	Slot   string `json:"slot"`
	Name   string `json:"name"`
	PageID *int64 `json:"page_id"`
	Title  string `json:"title"`
}

func (s *API) apiSlots(w http.ResponseWriter, r *http.Request) {
	out := page[slotJSON]{Items: []slotJSON{}}
	for _, sl := range handbook.Slots {
		p, ok, err := s.svc.Trial.Handbook.BySlot(r.Context(), principal(r).TenantID, sl.Code)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		it := slotJSON{Slot: sl.Code, Name: sl.JA}
		if apiLang(r) == "en" {
			it.Name = sl.EN
		}
		if ok {
			it.PageID, it.Title = &p.ID, p.Title
		}
		out.Items = append(out.Items, it)
	}
	out.Total = len(out.Items)
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiGetPage(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	p, err := s.svc.Trial.Handbook.Page(r.Context(), principal(r).TenantID, id, isHR(r))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("ETag", etag("handbook_page", p.ID, p.Version))
	writeJSON(w, http.StatusOK, toPageJSON(p))
}

type pageInput struct {
	Title     string `json:"title"`
	Markdown  string `json:"markdown"`
	Slot      string `json:"slot"`
	Published bool   `json:"published"`
	Sort      int    `json:"sort"`
}

func (s *API) savePage(w http.ResponseWriter, r *http.Request, id, version int64, status int) {
	var in pageInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	pr := principal(r)
	p, err := s.svc.Trial.Handbook.SavePage(r.Context(), pr.TenantID, actorOf(pr), handbook.Page{ID: id, Version: version, Title: in.Title,
		Body: in.Markdown, Slot: in.Slot, Published: in.Published, Sort: in.Sort})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("ETag", etag("handbook_page", p.ID, p.Version))
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/handbook/pages/"+itoa(p.ID))
	}
	writeJSON(w, status, toPageJSON(p))
}

func (s *API) apiCreatePage(w http.ResponseWriter, r *http.Request) {
	s.savePage(w, r, 0, 0, http.StatusCreated)
}

func (s *API) apiUpdatePage(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	if _, err := s.svc.Trial.Handbook.Page(r.Context(), principal(r).TenantID, id, true); err != nil {
		s.apiFail(w, r, err)
		return
	}
	version, ok := s.ifMatch(w, r, "handbook_page", id)
	if ok {
		s.savePage(w, r, id, version, http.StatusOK)
	}
}

func (s *API) apiDeletePage(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	p := principal(r)
	s.noContent(w, r, s.svc.Trial.Handbook.DeletePage(r.Context(), p.TenantID, actorOf(p), id))
}

type briefingJSON struct {
	ID        int64      `json:"id"`
	Title     string     `json:"title"`
	HeldOn    string     `json:"held_on"`
	StartTime string     `json:"start_time"`
	Place     string     `json:"place"`
	Audience  string     `json:"audience"`
	Topics    []string   `json:"topics"`
	Note      string     `json:"note"`
	Version   int64      `json:"version"`
	Files     []fileJSON `json:"files"`
}

func toBriefingJSON(b handbook.Briefing) briefingJSON {
	topics := b.Topics
	if topics == nil {
		topics = []string{}
	}
	return briefingJSON{b.ID, b.Title, b.HeldOn.String(), b.StartTime, b.Place, b.Audience, topics, b.Note, b.Version, toFiles(b.Files)}
}

func (s *API) apiListBriefings(w http.ResponseWriter, r *http.Request) {
	list, err := s.svc.Trial.Handbook.Briefings(r.Context(), principal(r).TenantID)
	writeAll(s, w, r, list, err, toBriefingJSON)
}

type briefingInput struct {
	Title     string   `json:"title"`
	HeldOn    string   `json:"held_on"`
	StartTime string   `json:"start_time"`
	Place     string   `json:"place"`
	Audience  string   `json:"audience"`
	Topics    []string `json:"topics"`
	Note      string   `json:"note"`
}

func (s *API) apiCreateBriefing(w http.ResponseWriter, r *http.Request) {
	s.saveBriefing(w, r, 0, 0, http.StatusCreated)
}

// saveBriefing creates (id 0) or replaces a briefing from the body.
func (s *API) saveBriefing(w http.ResponseWriter, r *http.Request, id, version int64, status int) {
	var in briefingInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	b := handbook.Briefing{ID: id, Version: version, Title: in.Title, HeldOn: civilField(&v, "held_on", in.HeldOn), StartTime: in.StartTime,
		Place: in.Place, Audience: in.Audience, Topics: in.Topics, Note: in.Note}
	err := v.Err()
	p := principal(r)
	if err == nil {
		b, err = s.svc.Trial.Handbook.SaveBriefing(r.Context(), p.TenantID, actorOf(p), b)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("ETag", etag("briefing", b.ID, b.Version))
	writeJSON(w, status, toBriefingJSON(b))
}

func (s *API) apiHandbookFile(w http.ResponseWriter, r *http.Request) {
	s.serveFile(w, r, func(id int64) (attach.File, error) {
		return s.svc.Trial.Handbook.File(r.Context(), principal(r).TenantID, id, isHR(r))
	})
}

func (s *API) apiRemoveEvidence(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	p := principal(r)
	s.noContent(w, r, s.svc.Trial.Roadmap.RemoveEvidence(r.Context(), p.TenantID, actorOf(p), id))
}

func (s *API) apiIncidentSummary(w http.ResponseWriter, r *http.Request) {
	c, err := s.svc.Trial.Incident.Summary(r.Context(), principal(r).TenantID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	byStatus := map[string]int{}
	for k, n := range c.ByStatus {
		byStatus[string(k)] = n
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": c.Total, "by_category": c.ByCategory, "by_status": byStatus})
}

func (s *API) apiUpdateBriefing(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	tn := principal(r).TenantID
	if _, err := s.svc.Trial.Handbook.Briefing(r.Context(), tn, id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	version, ok := s.ifMatch(w, r, "briefing", id)
	if ok {
		s.saveBriefing(w, r, id, version, http.StatusOK)
	}
}

func (s *API) apiDeleteBriefing(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	p := principal(r)
	s.noContent(w, r, s.svc.Trial.Handbook.DeleteBriefing(r.Context(), p.TenantID, actorOf(p), id))
}

func (s *API) attachHandbook(w http.ResponseWriter, r *http.Request, owner attach.Owner) {
	data, err := readFileBody(r)
	if err == nil {
		p := principal(r)
		var f attach.File
		if f, err = s.svc.Trial.Handbook.Attach(r.Context(), p.TenantID, actorOf(p), owner, r.URL.Query().Get("name"), data); err == nil {
			writeJSON(w, http.StatusCreated, toFiles([]attach.File{f})[0])
			return
		}
	}
	s.apiFail(w, r, err)
}

func (s *API) apiAttachPageFile(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	s.attachHandbook(w, r, attach.Owner{PageID: id})
}

func (s *API) apiAttachBriefingFile(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	s.attachHandbook(w, r, attach.Owner{BriefingID: id})
}

func (s *API) apiRemoveHandbookFile(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	p := principal(r)
	s.noContent(w, r, s.svc.Trial.Handbook.RemoveFile(r.Context(), p.TenantID, actorOf(p), id))
}
