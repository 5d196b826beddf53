package web

import "telework/internal/auth"

// applyRoutes are the pages of the application lifecycle (issue 11): the
// form and its live check, the week view, 「わたしの申請」 and one
// application with its actions, the 実施報告, the approval inbox with bulk
// actions, the reports to confirm and overdue, and 代決・委任. Every
// route needs an account with a staff record's role (directory); the
// service decides, per application, who may see it and what they may do
// (own, approver or delegate, supervisor of the section, HR) and answers
// 404 for anything else, another tenant's included.
func (s *Server) applyRoutes() []Route {
	return append([]Route{
		{Method: "GET", Pattern: "/apply", Rule: directory, Handler: s.applyNew},
		{Method: "POST", Pattern: "/apply", Rule: directory, Handler: s.applyCreate},
		{Method: "POST", Pattern: "/apply/check", Rule: directory, Handler: s.applyCheck},
		{Method: "GET", Pattern: "/apply/week", Rule: directory, Handler: s.applyWeek},
		{Method: "POST", Pattern: "/apply/week", Rule: directory, Handler: s.applyWeekSubmit},

		{Method: "GET", Pattern: "/applications", Rule: directory, Handler: s.myApplications},
		{Method: "GET", Pattern: "/applications/{id}", Rule: directory, Object: "application", Handler: s.applicationShow},
		{Method: "GET", Pattern: "/applications/{id}/edit", Rule: directory, Object: "application", Handler: s.applicationEdit},
		{Method: "POST", Pattern: "/applications/{id}", Rule: directory, Object: "application", Handler: s.applicationUpdate},
		{Method: "POST", Pattern: "/applications/{id}/submit", Rule: directory, Object: "application", Handler: s.applicationSubmit},
		{Method: "POST", Pattern: "/applications/{id}/discard", Rule: directory, Object: "application", Handler: s.applicationDiscard},
		{Method: "POST", Pattern: "/applications/{id}/withdraw", Rule: directory, Object: "application", Handler: s.applicationWithdraw},
		{Method: "POST", Pattern: "/applications/{id}/cancel", Rule: directory, Object: "application", Handler: s.applicationCancel},
		{Method: "POST", Pattern: "/applications/{id}/decide", Rule: directory, Object: "application", Handler: s.applicationDecide},
		{Method: "POST", Pattern: "/applications/{id}/confirm", Rule: directory, Object: "application", Handler: s.applicationConfirm},
		{Method: "GET", Pattern: "/applications/{id}/report", Rule: directory, Object: "application", Handler: s.applicationReport},
		{Method: "POST", Pattern: "/applications/{id}/report", Rule: directory, Object: "application", Handler: s.applicationReportSave},

		{Method: "GET", Pattern: "/approvals", Rule: directory, Handler: s.approvals},
		{Method: "POST", Pattern: "/approvals", Rule: directory, Handler: s.approvalsBulk},
		{Method: "GET", Pattern: "/approvals/reports", Rule: supervisor, Handler: s.approvalReports},
		{Method: "POST", Pattern: "/approvals/reports", Rule: supervisor, Handler: s.reportsConfirm},
		{Method: "GET", Pattern: "/approvals/delegation", Rule: directory, Handler: s.delegation},
		{Method: "POST", Pattern: "/approvals/delegation", Rule: supervisor, Handler: s.delegationCreate},
		{Method: "POST", Pattern: "/approvals/delegation/{id}/end", Rule: supervisor, Object: "delegation", Handler: s.delegationEnd},
		{Method: "GET", Pattern: "/approvals/settings", Rule: hrOnly, Handler: s.approvalSettings},
		{Method: "POST", Pattern: "/approvals/settings", Rule: hrOnly, Handler: s.approvalSettingsSave},
	}, s.notificationRoutes()...)
}

// applyNav adds the application pages to the menu: 「わたしの申請」 for
// anyone with a staff record, 「承認」 for supervisors and HR (the routing).
func applyNav(p *auth.Principal, add func(href, key string)) {
	if p.StaffID != 0 {
		add("/applications", "applyweb.nav_mine")
	}
	if p.HasAny(auth.Supervisor, auth.HRAdmin) {
		add("/approvals", "applyweb.nav_approvals")
	}
}
