package web

// calendarRoutes are the routes of the calendar feature (issue 5): the
// tenant's business calendar (staff read it, HR keeps the closure days;
// the auditor reads only the audit log), the operator's import of the Cabinet Office's holiday file, and
// the holidays API. Closure days are addressed by date in the form, not by
// an {id} in the path: a date is the key of a closure day.
func (s *Server) calendarRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/calendar", Rule: directory, Handler: s.calendarPage},
		{Method: "POST", Pattern: "/calendar/closures", Rule: hrOnly, Handler: s.closureAdd},
		{Method: "POST", Pattern: "/calendar/closures/remove", Rule: hrOnly, Handler: s.closureRemove},

		{Method: "GET", Pattern: "/operator/holidays", Rule: operator, Handler: s.holidayDataPage},
		{Method: "POST", Pattern: "/operator/holidays", Rule: operator, Handler: s.holidayImport, MaxBody: maxHolidayFile + 64<<10},
	}
}
