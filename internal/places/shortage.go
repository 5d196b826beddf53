package places

import (
	"context"
	"slices"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/jobrun"
	"telework/internal/notify"
	"telework/internal/org"
)

// ShortageJob names the daily shortage job's runs (job_runs).
const ShortageJob = "places_shortage"

// ShortageWeeks is how far ahead the job looks: this week and the three
// after it, the horizon the forecast page opens with.
const ShortageWeeks = 4

// ShortageWarning is a forecast shortage told to the tenant's IT admins:
// one per office or pool and week, however often the job runs.
type ShortageWarning struct {
	Type     string // office | pool
	ID       int64
	Name     string
	WeekOf   calendar.Date // Monday
	PeakDay  calendar.Date
	Peak     int
	Capacity int
	WarnedAt time.Time
}

// Key is the resource the warning is about: "office:<id>" or "pool:<id>".
func (w *ShortageWarning) Key() string { return w.Type + ":" + strconv.FormatInt(w.ID, 10) }

// ShortageStore is what the shortage job reads beyond Store.
type ShortageStore interface {
	FindTenants(ctx context.Context) ([]*org.Tenant, error)
	ClaimJobRun(ctx context.Context, job, key, node string) (bool, error)
	FinishJobRun(ctx context.Context, job, key string) error
	// FindPoolCapacities lists the tenant's device pools as the forecast
	// rates them.
	FindPoolCapacities(ctx context.Context, tenantID int64) ([]Capacity, error)
	FindUsersWithRole(ctx context.Context, tenantID int64, r auth.Role) ([]*auth.User, error)
	// FindShortageWarnings lists the warnings of weeks from the Monday
	// from on, by week and name.
	FindShortageWarnings(ctx context.Context, tenantID int64, from calendar.Date) ([]*ShortageWarning, error)
}

// ShortageTx writes a warning once: false when the same resource and week
// was warned of before.
type ShortageTx interface {
	InsertShortageWarning(ctx context.Context, tenantID int64, w *ShortageWarning) (bool, error)
}

// ShortageResult is what one run of the job did.
type ShortageResult struct {
	Day    string
	Ran    bool
	Warned int
}

func (s *Service) shortageStore() (ShortageStore, error) {
	st, ok := s.st.(ShortageStore)
	if !ok {
		return nil, apperr.New(apperr.Internal, "error.internal")
	}
	return st, nil
}

// RunShortageWarnings runs the shortage job for every tenant, once per day
// across the nodes (the day is claimed in job_runs).
func (s *Service) RunShortageWarnings(ctx context.Context, node string) (*ShortageResult, error) {
	res := &ShortageResult{Day: calendar.DateOf(s.now()).String()}
	st, err := s.shortageStore()
	if err != nil {
		return res, err
	}
	res.Ran, err = jobrun.EachTenant(ctx, st, ShortageJob, res.Day, node, func(ctx context.Context, tenantID int64) error {
		ws, err := s.WarnShortages(ctx, tenantID)
		res.Warned += len(ws)
		return err
	})
	return res, err
}

// Shortages are the weeks of the forecast whose expected peak exceeds the
// capacity (level "shortage"), as warnings not yet stored.
func Shortages(fc []ResourceForecast) []*ShortageWarning {
	var out []*ShortageWarning
	for _, f := range fc {
		for _, w := range f.Weeks {
			if w.Level == "shortage" {
				out = append(out, &ShortageWarning{Type: f.Type, ID: f.ID, Name: f.Name, WeekOf: w.WeekOf, PeakDay: w.PeakDay,
					Peak: w.Peak, Capacity: w.Capacity})
			}
		}
	}
	return out
}

// WarnShortages forecasts the tenant's offices and pools for the coming
// ShortageWeeks and, in one transaction, stores each shortage not warned
// of before, notifies the IT admins of it and audits it as the system's
// action. It returns the new warnings.
func (s *Service) WarnShortages(ctx context.Context, tenantID int64) ([]*ShortageWarning, error) {
	st, err := s.shortageStore()
	if err != nil {
		return nil, err
	}
	pools, err := st.FindPoolCapacities(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	fc, err := s.forecast(ctx, tenantID, pools, ShortageWeeks)
	if err != nil {
		return nil, err
	}
	found := Shortages(fc)
	if len(found) == 0 {
		return nil, nil
	}
	users, err := st.FindUsersWithRole(ctx, tenantID, auth.ITAdmin)
	if err != nil {
		return nil, err
	}
	var admins []int64
	for _, u := range users {
		if u.StaffID != 0 && !u.Disabled && slices.Contains(u.Granted, auth.ITAdmin) && !slices.Contains(admins, u.StaffID) {
			admins = append(admins, u.StaffID)
		}
	}
	var fresh []*ShortageWarning
	err = s.st.InPlacesTx(ctx, func(tx Tx) error {
		fresh = fresh[:0]
		stx, ok := tx.(ShortageTx)
		if !ok {
			return apperr.New(apperr.Internal, "error.internal")
		}
		now := s.now()
		var ns []notify.Notification
		for _, w := range found {
			w.WarnedAt = now
			ok, err := stx.InsertShortageWarning(ctx, tenantID, w)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			fresh = append(fresh, w)
			for _, id := range admins {
				ns = append(ns, notify.New(id, notify.ShortageForecast, 0, map[string]any{"Name": w.Name, "Week": w.WeekOf.String(),
					"Day": w.PeakDay.String(), "Peak": w.Peak, "Cap": w.Capacity}))
			}
			objType := "office"
			if w.Type == "pool" {
				objType = "device_pool"
			}
			if err := tx.Audit(ctx, tenantID, audit.Actor{Label: "system:places"}, audit.Change{Action: "places.shortage_warning",
				ObjectType: objType, ObjectID: strconv.FormatInt(w.ID, 10), After: map[string]any{"week_of": w.WeekOf.String(),
					"peak_day": w.PeakDay.String(), "peak": w.Peak, "capacity": w.Capacity, "notified": len(admins)}}); err != nil {
				return err
			}
		}
		if len(ns) == 0 {
			return nil
		}
		return tx.InsertNotifications(ctx, tenantID, ns)
	})
	if err != nil {
		return nil, err
	}
	return fresh, nil
}

// ShortageWarnings are the warnings of this week and later (IT, HR).
func (s *Service) ShortageWarnings(ctx context.Context, tenantID int64, who *auth.Principal) ([]*ShortageWarning, error) {
	if !Manages(who) {
		return nil, apperr.Forbid()
	}
	st, err := s.shortageStore()
	if err != nil {
		return nil, err
	}
	return st.FindShortageWarnings(ctx, tenantID, MondayOf(calendar.DateOf(s.now())))
}
