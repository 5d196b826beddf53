package web

// surveyRoutes are the pages of the trial's questionnaires and 1on1
// meetings (issue 16). HR designs, schedules and reads k-safe results;
// everyone answers the surveys they are asked; 1on1 pages are for the two
// people of a pair (HR sees counts only).
func (s *Server) surveyRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/surveys", Rule: directory, Handler: s.surveyList},
		{Method: "GET", Pattern: "/surveys/new", Rule: hrOnly, Handler: s.surveyNew},
		{Method: "POST", Pattern: "/surveys", Rule: hrOnly, Handler: s.surveyCreate},
		{Method: "GET", Pattern: "/surveys/{id}", Rule: hrOnly, Object: "survey", Handler: s.surveyShow},
		{Method: "POST", Pattern: "/surveys/{id}", Rule: hrOnly, Object: "survey", Handler: s.surveyUpdate},
		{Method: "POST", Pattern: "/surveys/{id}/open", Rule: hrOnly, Object: "survey", Handler: s.surveyOpen},
		{Method: "POST", Pattern: "/surveys/{id}/close", Rule: hrOnly, Object: "survey", Handler: s.surveyClose},
		{Method: "GET", Pattern: "/surveys/{id}/results", Rule: hrOnly, Object: "survey", Handler: s.surveyResults},
		{Method: "GET", Pattern: "/surveys/{id}/export", Rule: hrOnly, Object: "survey", Handler: s.surveyExport},
		{Method: "GET", Pattern: "/surveys/{id}/answer", Rule: directory, Object: "survey", Handler: s.surveyAnswerPage},
		{Method: "POST", Pattern: "/surveys/{id}/answer", Rule: directory, Object: "survey", Handler: s.surveyAnswer},

		{Method: "GET", Pattern: "/oneonone", Rule: directory, Handler: s.oneononeHome},
		{Method: "POST", Pattern: "/oneonone", Rule: directory, Handler: s.oneononeCreate},
		{Method: "GET", Pattern: "/oneonone/{id}", Rule: directory, Object: "oneonone_pair", Handler: s.oneononePair},
		{Method: "POST", Pattern: "/oneonone/{id}", Rule: directory, Object: "oneonone_pair", Handler: s.oneononeUpdate},
		{Method: "POST", Pattern: "/oneonone/{id}/meetings", Rule: directory, Object: "oneonone_pair", Handler: s.oneononeMeeting},
	}
}
