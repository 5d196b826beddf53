package web

import (
	"net/http"

	"telework/internal/apply"
	"telework/internal/auth"
)

// homeSoon is how many of the person's coming applications the home page
// lists (the rest are one tap away in わたしの申請).
const homeSoon = 3

// home is each role's start page: what the day asks of the person (apply,
// report the start and end, the reports that are late, what waits for
// their decision), their own record, and the places their roles lead to.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	data := map[string]any{}
	directoryRole := directory.Allows(p)
	if p.StaffID != 0 {
		st, err := s.svc.Org.StaffByID(r.Context(), p.TenantID, p.StaffID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		st.Sensitive = nil
		data["Staff"] = st
		tr, err := s.tree(r)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data["UnitPath"] = tr.PathString(st.UnitID)
		if directoryRole {
			if err := s.homeDay(r, p, data); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	data["IsStaff"] = directoryRole
	data["IsSupervisor"] = p.Has(auth.Supervisor)
	data["IsHR"] = p.Has(auth.HRAdmin)
	data["IsIT"] = p.Has(auth.ITAdmin)
	data["IsAuditor"] = p.Has(auth.Auditor)
	// One line per role the person holds: what that role can do here.
	var roles []string
	for _, r := range []auth.Role{auth.Staff, auth.Supervisor, auth.HRAdmin, auth.ITAdmin, auth.Auditor} {
		if p.Has(r) {
			roles = append(roles, string(r))
		}
	}
	data["Roles"] = roles
	s.render(w, r, http.StatusOK, "home", "home.title", data, nil)
}

// homeDay fills the home page's 「今日」: the person's coming applications
// and late reports, today's start and end as reported, and — for whoever
// decides or confirms — how much waits for them. Counts only: the lists
// are on the pages the links lead to.
func (s *Server) homeDay(r *http.Request, p *auth.Principal, data map[string]any) error {
	ctx := r.Context()
	v := dateView(r)
	today := s.svc.Apply.Today()
	data["Today"] = dayLabel(v.Lang, today)
	// As わたしの申請's 「これからの申請」: undecided, or holding a day
	// from today on (withdrawn and rejected ones, and approved ones whose
	// coming days were all cancelled, are past).
	soon, err := s.svc.Apply.List(ctx, p.TenantID, p, apply.Filter{From: today, To: today.AddDays(apply.MaxAheadDays),
		Decisions: []apply.Status{apply.Draft, apply.Submitted, apply.Returned, apply.Approved}, Ascending: true, Limit: 4 * homeSoon})
	if err != nil {
		return err
	}
	rows := make([]appRow, 0, homeSoon)
	for _, a := range soon {
		if isUpcoming(a, today) && len(rows) < homeSoon {
			rows = append(rows, s.appRowOf(v, a, today))
		}
	}
	data["Soon"] = rows
	late, err := s.svc.Apply.Overdue(ctx, p.TenantID, p, false, apply.Filter{})
	if err != nil {
		return err
	}
	lateDays := 0
	for _, a := range late {
		for _, d := range a.Days {
			if reportOverdue(d, today) {
				lateDays++
			}
		}
	}
	data["LateReports"] = lateDays
	if _, err := s.svc.Apply.Last(ctx, p.TenantID, p); err == nil {
		data["HasLast"] = true
	}
	days, err := s.svc.Worktime.Days(ctx, p.TenantID, p, 0, today.AddDays(-1), today)
	if err != nil {
		return err
	}
	if d, ok := currentDay(days, p.StaffID); ok {
		data["WorkStart"], data["WorkEnd"] = worktimeHM(d.Start), worktimeHM(d.End)
	}
	// What waits for the person's decision (as approver, proxy or
	// delegate), and for a supervisor the reports to confirm and the
	// section's late ones.
	var waiting int
	if _, err := s.svc.Apply.Inbox(ctx, p.TenantID, p, apply.Filter{Limit: 1, Total: &waiting}); err != nil {
		return err
	}
	data["Waiting"] = waiting
	data["Decides"] = waiting > 0 || p.HasAny(auth.Supervisor, auth.HRAdmin)
	if p.Has(auth.Supervisor) {
		var confirm, overdue int
		if _, err := s.svc.Apply.ToConfirm(ctx, p.TenantID, p, apply.Filter{Limit: 1, Total: &confirm}); err != nil {
			return err
		}
		if _, err := s.svc.Apply.Overdue(ctx, p.TenantID, p, true, apply.Filter{Limit: 1, Total: &overdue}); err != nil {
			return err
		}
		data["ToConfirm"], data["TeamLate"] = confirm, overdue
	}
	return nil
}
