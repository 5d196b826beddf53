package apply

import (
	"context"
	"slices"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/policy"
)

// DayRefusals checks each of days alone as a submission of r by the
// signed-in person now would be checked (the same rule check, policy.Evaluate
// at submission) and returns, for each day the rules would refuse, the
// error findings dated that day: its deadline passed, the day is past or
// already applied for, a cap is already full. The week view shows those
// days as not choosable, with the reason, instead of letting a tap end in a
// refusal. Nothing is written.
func (s *Service) DayRefusals(ctx context.Context, tenantID int64, who *auth.Principal, r Request, days []calendar.Date) (map[calendar.Date][]policy.Finding, error) {
	if who == nil || who.StaffID == 0 {
		return nil, apperr.Forbid()
	}
	out := map[calendar.Date][]policy.Finding{}
	if len(days) == 0 {
		return out, nil
	}
	from, to := slices.MinFunc(days, calendar.Date.Compare), slices.MaxFunc(days, calendar.Date.Compare)
	e, err := s.loadEnv(ctx, tenantID, who.StaffID, from, to)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for _, d := range days {
		fs, _, err := s.evaluate(ctx, s.st, tenantID, e, r.PolicyApplication(0, []calendar.Date{d}), policy.AtSubmit, now)
		if apperr.CodeOf(err) == apperr.Conflict {
			// No policy in force: nothing to say of one day more than of
			// another (the submission says it).
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			if f.Severity == policy.Error && f.Date == d {
				out[d] = append(out[d], f)
			}
		}
	}
	return out, nil
}
