package web

// calendarRoutes are the routes of the calendar feature (issue 5).
func (s *Server) calendarRoutes() []Route { return nil }
