package demo

import (
	"time"

	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/worktime"
)

// The working-time history (issue 12): every worked day of an approved
// application of the last WorktimeDays days is started, broken for lunch
// and ended through the working-time service at its moment — which starts
// and finishes the application's day as a person's start and end reports
// do — and the demo supervisor's team records its office days of the last
// two weeks too (no application needed at the office), so the day view
// and 最近の勤務記録 read like a working section. Older days were reported
// without a working-time record (the city took up the start and end
// reports later), which keeps the demo's start quick.

// WorktimeDays is how far back the worked days have working-time records.
const WorktimeDays = 42

// workday schedules one worked day: the start report with a one-line plan
// at start (mode "": the application's), a lunch break on most days, and
// unless the person forgot to clock out (finish false) the end report with
// a one-line result at end.
func (h *historyPlan) workday(p *teleworker, d calendar.Date, mode policy.Mode, start, end time.Time, finish bool) {
	plan := p.plans[h.wr.IntN(len(p.plans))]
	who := p.who
	h.add(start, func() error {
		_, err := h.cs.Worktime.Start(h.ctx, h.tid, who, 0, worktime.Report{Mode: mode, Plan: plan})
		h.stats.Actions["start"]++
		return err
	})
	if h.wr.IntN(15) != 0 {
		from := at(d, 12, h.wr.IntN(5))
		to := from.Add(time.Duration(60+h.wr.IntN(6)) * time.Minute)
		if from.After(start) && (!finish || to.Before(end)) {
			h.add(from, func() error { _, err := h.cs.Worktime.Break(h.ctx, h.tid, who, true, false); return err })
			h.add(to, func() error { _, err := h.cs.Worktime.Break(h.ctx, h.tid, who, false, false); return err })
		}
	}
	if !finish {
		return
	}
	result := works[h.wr.IntN(len(works))]
	h.add(end, func() error {
		_, err := h.cs.Worktime.End(h.ctx, h.tid, who, 0, worktime.Report{Result: result})
		h.stats.Actions["finish"]++
		return err
	})
}

// officeDays records the office days of the last two weeks (today's
// until now) of the demo supervisor's section — the demo staff, its team
// and the supervisor: the business days none of their applications took.
func (h *historyPlan) officeDays(accounts map[string]int64) {
	if h.cs.Worktime == nil {
		return
	}
	for _, p := range h.people {
		if !p.team && !p.hasSpecs && p.staff.ID != accounts["supervisor"] {
			continue
		}
		for d := h.today.AddDays(-13); !h.today.Before(d); d = d.AddDays(1) {
			if !h.cal.IsBusinessDay(d) || p.taken[d] || h.wr.IntN(8) == 0 {
				continue // a day off now and then
			}
			start := at(d, 8, startMinute(h.wr.IntN(10)))
			end := at(d, 17, 15)
			if h.wr.IntN(4) == 0 {
				end = end.Add(time.Duration(10+h.wr.IntN(80)) * time.Minute) // a little overtime, flagged
			}
			h.workday(p, d, worktime.Office, start, end, true)
		}
	}
}
