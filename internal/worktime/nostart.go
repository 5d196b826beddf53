package worktime

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/policy"
)

// The reminder of a missing start report: a person whose telework was
// approved for today and who has not reported the start of work an hour
// after they were expected to start is told once (issue 12: reminders for
// missing reports), and so are the heads of their unit — it may be
// illness as well as forgetting. It runs in the hourly sweep of missing
// end reports; the day is marked told in the notice's transaction
// (application_days.start_noted), which backups keep.

// RuleNoClockIn is the warning of a missing start report.
const RuleNoClockIn = "no_clock_in"

// StartGrace is how long after the expected start a missing start report
// is told.
const StartGrace = time.Hour

// MissingStart is an approved telework day of today without a start
// report, as the sweep reads it.
type MissingStart struct {
	DayID         int64 // application_days.id
	ApplicationID int64
	StaffID       int64
	Date          calendar.Date
	TimeUnit      string
	StartHM       string // the application's own start time ("" none given)
}

// ExpectedStart is when the person is expected to start work on the day
// (minutes after midnight, Japan time): the application's own start time
// when it gives one; else, for a whole day or a morning, the start of the
// core time under flextime or 時差勤務, or the standard start otherwise.
// It is unknown (false) for an afternoon without times, and under 時差勤務
// or flextime without a core time: then any start is on time and nobody
// is reminded.
func ExpectedStart(p policy.Policy, m MissingStart) (int, bool) {
	if m.StartHM != "" {
		return hm(m.StartHM)
	}
	if m.TimeUnit != "full_day" && m.TimeUnit != "am" {
		return 0, false
	}
	h := p.Hours
	if h.Flex || h.StaggeredWork {
		if h.CoreStart == "" {
			return 0, false
		}
		return hm(h.CoreStart)
	}
	return hm(h.Start)
}

// SweepStartMissing tells of today's approved telework days of the tenant
// without a start report an hour (StartGrace) after their expected start:
// a notice to the person and to the heads of their unit, with an audit
// entry, once per day whichever node or run gets there first. It returns
// how many days it told of.
func (s *Service) SweepStartMissing(ctx context.Context, tenantID int64) (int, error) {
	now := s.now()
	today := calendar.DateOf(now)
	list, err := s.st.FindStartsMissing(ctx, tenantID, today)
	if err != nil || len(list) == 0 {
		return 0, err
	}
	p, err := s.policyOn(ctx, tenantID, today)
	if err != nil {
		return 0, err
	}
	midnight := today.Time()
	told := 0
	var errs []error
	for _, m := range list {
		exp, ok := ExpectedStart(p, m)
		if !ok || now.Before(midnight.Add(time.Duration(exp)*time.Minute+StartGrace)) {
			continue
		}
		w := Warning{Rule: RuleNoClockIn, Args: map[string]any{"Expected": fmtHM(exp)}}
		ok, err := s.tellStartMissing(ctx, tenantID, m, w)
		if err != nil {
			errs = append(errs, fmt.Errorf("application day %d: %w", m.DayID, err))
		}
		if ok {
			told++
		}
	}
	return told, errors.Join(errs...)
}

func (s *Service) tellStartMissing(ctx context.Context, tenantID int64, m MissingStart, w Warning) (bool, error) {
	// The day has no attendance record yet: the notice is the person's day
	// as the application holds it.
	d := Day{StaffID: m.StaffID, Date: m.Date, ApplicationID: m.ApplicationID}
	return s.tellOnce(ctx, tenantID, d, []Warning{w}, func(tx Tx) (bool, error) { return tx.NoteStartMissing(ctx, tenantID, m.DayID, s.now()) },
		audit.Change{Action: "worktime.no_clock_in", ObjectType: "application", ObjectID: strconv.FormatInt(m.ApplicationID, 10),
			After: map[string]any{"staff_id": m.StaffID, "date": m.Date.String(), "expected_start": w.Args["Expected"]}})
}
