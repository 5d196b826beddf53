package web

import (
	"net/http"
	"slices"
	"strconv"

	"telework/internal/i18n"
	"telework/internal/tasks"
)

// applyTaskChoice is one task of the picker on the application form.
type applyTaskChoice struct {
	ID      string
	Name    string
	Content string
	Picked  bool
}

// applyTaskChoices are the tasks the person may pick as planned work (the
// approved tasks of their section's sheets), with the ones the form
// already holds marked; a picked task that is no longer among them (moved
// or deleted since) stays offered, so that editing keeps it unless the
// person unticks it. No inventory (or none filled in) gives none.
func (s *Server) applyTaskChoices(r *http.Request, picked []string) ([]applyTaskChoice, error) {
	if s.svc.Tasks == nil {
		return nil, nil
	}
	p := principal(r)
	list, err := s.svc.Tasks.PlanChoices(r.Context(), p.TenantID, p)
	if err != nil {
		return nil, err
	}
	out := make([]applyTaskChoice, 0, len(list))
	seen := map[string]bool{}
	for _, t := range list {
		id := strconv.FormatInt(t.ID, 10)
		seen[id] = true
		out = append(out, applyTaskChoice{ID: id, Name: t.Name, Content: shorten(t.Content, 60), Picked: slices.Contains(picked, id)})
	}
	var extra []int64
	for _, id := range picked {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 && !seen[id] {
			extra = append(extra, n)
		}
	}
	if len(extra) > 0 {
		names, err := s.applyTaskNames(r, p.UnitID, extra)
		if err != nil {
			return nil, err
		}
		for i, n := range names {
			out = append(out, applyTaskChoice{ID: strconv.FormatInt(extra[i], 10), Name: n, Picked: true})
		}
	}
	return out, nil
}

// applyTaskNames names an application's planned tasks for its page and
// the inbox, in its order (unitID: the applicant's); a task deleted since,
// or not on the applicant's sheets, reads as missing.
func (s *Server) applyTaskNames(r *http.Request, unitID int64, ids []int64) ([]string, error) {
	if len(ids) == 0 || s.svc.Tasks == nil {
		return nil, nil
	}
	p := principal(r)
	list, err := s.svc.Tasks.PlanTasks(r.Context(), p.TenantID, unitID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(list))
	for i, t := range list {
		out[i] = applyTaskLabel(lang(r), t)
	}
	return out, nil
}

func applyTaskLabel(l string, t tasks.PlanTask) string {
	if t.Missing {
		return i18n.T(l, "applyweb.task_missing", map[string]any{"ID": t.ID})
	}
	return t.Name
}
