package api

import (
	"net/http"

	"telework/internal/i18n"
	"telework/internal/route"
	"telework/internal/tasks"
)

// maxRateBody bounds a rating request: 20,000 tasks with their systems.
const maxRateBody = 16 << 20

// tasksRoutes are the API routes of the task inventory (issue 13).
func (s *API) tasksRoutes() []route.Route {
	return append([]route.Route{
		{Method: "POST", Pattern: "/api/v1/feasibility/rate", Rule: route.Directory, Handler: s.apiRateFeasibility, MaxBody: maxRateBody,
			API: &route.Op{ID: "rateFeasibility", Tag: "tasks", Body: "RateInput", Resp: "RateResult",
				Summary: "What if: rate tasks ○/△/× at home, on mobile and at each place, with reasons, improvements and the guide's level ①–④ (nothing stored)"}},
	}, append(s.tasksCRUDRoutes(), s.tasksIORoutes()...)...)
}

// rateInput is the body of POST /api/v1/feasibility/rate.
type rateInput struct {
	Tenant  tasks.Tenant   `json:"tenant"`
	Systems []tasks.System `json:"systems"`
	Places  []tasks.Place  `json:"places"`
	Tasks   []tasks.Task   `json:"tasks"`
}

type improvementJSON struct {
	ID     string       `json:"id"`
	Text   string       `json:"text"`
	Rating tasks.Rating `json:"rating"`
	Parts  []string     `json:"parts,omitempty"`
}

type ratingJSON struct {
	Rating       tasks.Rating      `json:"rating"`
	Reasons      []string          `json:"reasons"`
	Improvements []improvementJSON `json:"improvements"`
}

// ratingsJSON renders one task's results in lang: a member per target
// ("home", "mobile", each place id) next to the task's id, name and level.
func ratingsJSON(t *tasks.Task, rated tasks.Rated, lang string, texts *tasks.Texts) map[string]any {
	out := make(map[string]any, 4+len(rated.Results))
	out["id"], out["name"], out["level"] = t.ID, t.Name, int(rated.Level)
	out["level_label"] = i18n.T(lang, "tasks.level."+itoa(int64(rated.Level)), nil)
	targets := make([]string, len(rated.Results))
	for i, res := range rated.Results {
		targets[i] = res.Target
		out[res.Target] = resultJSON(res, texts)
	}
	out["targets"] = targets
	return out
}

func resultJSON(res tasks.Result, texts *tasks.Texts) ratingJSON {
	r := ratingJSON{Rating: res.Rating, Reasons: make([]string, len(res.Reasons)), Improvements: make([]improvementJSON, len(res.Improvements))}
	for i, n := range res.Reasons {
		r.Reasons[i] = texts.Note(n)
	}
	for i, im := range res.Improvements {
		r.Improvements[i] = improvementJSON{ID: im.ID, Text: texts.Improvement(im), Rating: im.Rating, Parts: im.Parts}
	}
	return r
}

// apiRateFeasibility rates the tasks of the request; it reads and stores
// nothing, so any signed-in account may ask "what if".
func (s *API) apiRateFeasibility(w http.ResponseWriter, r *http.Request) {
	var in rateInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	input := tasks.Input{Tenant: in.Tenant, Systems: in.Systems, Places: in.Places, Tasks: in.Tasks}
	if err := input.Validate(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	lang := apiLang(r)
	rated := tasks.RateAll(&input)
	out := make([]map[string]any, len(rated))
	texts := tasks.NewTexts(lang)
	for i := range rated {
		out[i] = ratingsJSON(&input.Tasks[i], rated[i], lang, texts)
	}
	w.Header().Set("Content-Language", lang)
	writeJSON(w, http.StatusOK, map[string]any{"tasks": out})
}
