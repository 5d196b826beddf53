package worktime

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/jobrun"
)

// The sweep of missing end reports: no_clock_out is a warning of the lists
// as of now, but nobody reads a list at midnight. An hourly job (one node
// per hour, job_runs) tells the person and the heads of their unit once
// per person and day, as soon as the cut-off of a day still open passed.

// NoClockOutJob names the sweep's runs (one per Tokyo hour) in job_runs.
// The notices (one per person and day) are marked on the day itself
// (worktime_days.no_clock_out_noted), which backups keep.
const NoClockOutJob = "worktime.no_clock_out"

// SweepResult is what one run of the sweep did.
type SweepResult struct {
	Hour string // the Tokyo hour the run claimed, 2006-01-02T15
	Ran  bool   // this node claimed the hour
	Told int    // days told of (each to the person and the heads)
	// ToldStart: approved telework days of today told of a missing start
	// report (nostart.go).
	ToldStart int
}

// RunClockOutSweep runs SweepClockOut over every tenant once per Tokyo
// hour on any node (the first caller claims the hour).
func (s *Service) RunClockOutSweep(ctx context.Context, node string) (*SweepResult, error) {
	res := &SweepResult{Hour: s.now().In(calendar.Tokyo).Format("2006-01-02T15")}
	var err error
	res.Ran, err = jobrun.EachTenant(ctx, s.st, NoClockOutJob, res.Hour, node, func(ctx context.Context, tenantID int64) error {
		n, err := s.SweepClockOut(ctx, tenantID)
		res.Told += n
		m, errStart := s.SweepStartMissing(ctx, tenantID)
		res.ToldStart += m
		return errors.Join(err, errStart)
	})
	return res, err
}

// SweepClockOut tells of the tenant's days still open past their cut-off
// (the rule no_clock_out of Check, with the same numbers): a notice to the
// person and to the heads of their unit, with an audit entry, once per
// person and day whichever node or run gets there first (the day is
// marked told in the notice's transaction). It returns how many days it
// told of.
func (s *Service) SweepClockOut(ctx context.Context, tenantID int64) (int, error) {
	today := calendar.DateOf(s.now())
	// Yesterday's cut-off may be past midnight, and a day begun after its
	// end is cut the next day (at the latest 02:00 two days on); the day before
	// yesterday covers those and a sweep that did not run for a while.
	days, err := s.st.FindOpenWorktimeDays(ctx, tenantID, today.AddDays(-2), today)
	if err != nil {
		return 0, err
	}
	views, err := s.views(ctx, tenantID, days)
	if err != nil {
		return 0, err
	}
	told := 0
	var errs []error
	for _, v := range views {
		i := slices.IndexFunc(v.Warnings, func(w Warning) bool { return w.Rule == RuleNoClockOut })
		if i < 0 {
			continue
		}
		ok, err := s.tellNoClockOut(ctx, tenantID, v.Day, v.Warnings[i:i+1])
		if err != nil {
			errs = append(errs, fmt.Errorf("day %d: %w", v.Day.ID, err))
		}
		if ok {
			told++
		}
	}
	return told, errors.Join(errs...)
}

func (s *Service) tellNoClockOut(ctx context.Context, tenantID int64, d Day, ws []Warning) (bool, error) {
	return s.tellOnce(ctx, tenantID, d, ws, func(tx Tx) (bool, error) { return tx.NoteNoClockOut(ctx, tenantID, d.ID) },
		audit.Change{Action: "worktime.no_clock_out", ObjectType: "worktime_day", ObjectID: strconv.FormatInt(d.ID, 10), After: d.AuditView()})
}

// tellOnce tells the person and the heads of their unit of a day's
// warnings, with the audit entry change, in one transaction — when note
// marks the day told there (false: told already by another node or run,
// and nothing is written). It reports whether it told.
func (s *Service) tellOnce(ctx context.Context, tenantID int64, d Day, ws []Warning, note func(Tx) (bool, error), change audit.Change) (bool, error) {
	st, err := s.st.FindStaffByID(ctx, tenantID, d.StaffID)
	if err != nil {
		return false, err
	}
	heads, err := s.st.FindApplyHeads(ctx, tenantID, []int64{st.UnitID})
	if err != nil {
		return false, err
	}
	told := false
	err = s.st.InWorktimeTx(ctx, func(tx Tx) error {
		ok, err := note(tx)
		if err != nil || !ok {
			return err
		}
		if err := tx.Audit(ctx, tenantID, audit.Actor{Label: "system:worktime"}, change); err != nil {
			return err
		}
		told = true
		return s.flag(ctx, tx, tenantID, 0, st, heads, d, ws)
	})
	return told, err
}
