package web

// ssoRoutes are the single sign-on (OIDC) routes; see issue 4.
func (s *Server) ssoRoutes() []Route { return nil }
