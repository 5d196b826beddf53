package web

// importRoutes are the routes of the import feature (issue 5).
func (s *Server) importRoutes() []Route { return nil }
