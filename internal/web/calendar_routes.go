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

		{Method: "GET", Pattern: "/api/v1/calendar/holidays", Rule: directory, Handler: s.apiHolidays,
			API: &apiOp{ID: "listHolidays", Summary: "Days off of a year: national holidays (also on weekends), 年末年始 (12/29–1/3) and the tenant's closure days (閉庁日), in date order",
				Tag: "calendar", Resp: "Holiday", List: true,
				Query: []apiParam{{"year", "integer", "calendar year, 1955–2100 (default: this year in Japan)"}}}},
	}
}
