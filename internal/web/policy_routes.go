package web

// policyRoutes are the routes of the policy feature (issue 5).
func (s *Server) policyRoutes() []Route { return nil }
