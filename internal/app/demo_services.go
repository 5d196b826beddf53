package app

import (
	"time"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/demo"
	"telework/internal/devices"
	"telework/internal/notify"
	"telework/internal/org"
	"telework/internal/places"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/survey"
	"telework/internal/web"
	"telework/internal/worktime"
)

// DemoServices are the services the demo seeds through; At builds the ones
// its six months of history are made through, on the history's clock.
func DemoServices(db *store.DB, svc web.Services) demo.Services {
	return demo.Services{Org: svc.Org, Auth: svc.Auth, Apply: svc.Apply,
		Roadmap: svc.Trial.Roadmap, Handbook: svc.Trial.Handbook, Cost: svc.Trial.Cost, Tasks: svc.Tasks, OneOnOne: svc.OneOnOne,
		SurveyAt: func(now func() time.Time) *survey.Service { return survey.NewService(db, now) }, At: func(now func() time.Time) demo.Clocked {
			orgs := org.NewService(db, now)
			orgs.SetPolicyTemplates(policy.OrgTemplates{})
			applications := apply.NewService(db, now)
			wt := worktime.NewService(db, now)
			wt.SetHooks(nil, applications)
			return demo.Clocked{Org: orgs, Apply: applications, Notify: notify.NewService(db, now),
				Policy: policy.NewService(db, now), Calendar: calendar.NewService(db, now),
				Places: places.NewService(db, now), Devices: devices.NewService(db, now),
				Overtime: worktime.NewOvertimeService(db, applications, now), Worktime: wt}
		}}
}
