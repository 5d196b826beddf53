package demo

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/notify"
	"telework/internal/org"
	"telework/internal/places"
	"telework/internal/policy"
	"telework/internal/worktime"
)

// Clocked are the services the demo's history is made through, built on
// the history's own clock: six months of applications are submitted,
// decided, worked, reported and confirmed as they would have been, each
// at its moment, through the same workflows as the pages.
type Clocked struct {
	Org      *org.Service
	Apply    *apply.Service
	Notify   *notify.Service
	Policy   *policy.Service
	Calendar *calendar.Service
	// Places, Devices and Overtime, when set, get the offices' details,
	// bookings, device pools, loans, personal devices and prior overtime
	// requests of the history (places.go).
	Places   *places.Service
	Devices  *devices.Service
	Overtime *worktime.OvertimeService
	// Worktime, when set, records the worked days' starts, breaks and ends
	// (the working-time history, worktime.go); without it the days are
	// started and finished on the application only, for the last two weeks.
	Worktime *worktime.Service
}

// HistoryMonths is how far back the demo's history goes.
const HistoryMonths = 6

// clock is the history's moving "now".
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// historyStart is the first day of the history: six months before now, a
// Monday, at 08:30 in Tokyo.
func historyStart(now time.Time) time.Time {
	d := calendar.DateOf(now).AddDays(-HistoryMonths * 365 / 12)
	d = mondayOf(d)
	return time.Date(d.Year, d.Month, d.Day, 8, 30, 0, 0, calendar.Tokyo)
}

// officeHours moves t into the working day (08:45–18:30 of a business
// day): approvers decide at their desks, not at night.
func (h *historyPlan) officeHours(t time.Time) time.Time {
	t = t.In(calendar.Tokyo)
	d := calendar.DateOf(t)
	switch {
	case !h.cal.IsBusinessDay(d) || t.Hour() >= 18:
		return at(h.cal.AddBusinessDays(d, 1), 8, 45+t.Minute()%15)
	case t.Hour() < 8 || (t.Hour() == 8 && t.Minute() < 45):
		return at(d, 8, 45+t.Minute()%15)
	}
	return t
}

func mondayOf(d calendar.Date) calendar.Date { return d.AddDays(-((int(d.Weekday()) + 6) % 7)) }

// startMinute turns a draw of 0–9 into the minute past 8 a start is
// reported at: on time or a few minutes late, and one start in ten some
// minutes before 8:30 — which the product rightly flags as overtime
// without prior approval; a section where every other day were flagged
// would not look like a city in its second year of telework.
func startMinute(draw int) int {
	if draw == 9 {
		return 21
	}
	return 30 + draw%5
}

// at is d at hh:mm in Tokyo.
func at(d calendar.Date, hh, mm int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hh, mm, 0, 0, calendar.Tokyo)
}

// HistoryStats counts what the history made, by the state each
// application ended in and by action.
type HistoryStats struct {
	Applications int
	ByStatus     map[apply.Status]int
	Actions      map[string]int
}

// event is one step of the history at its moment.
type event struct {
	at  time.Time
	seq int
	do  func() error
}

// teleworker is a person of the demo who teleworks, with their habits.
type teleworker struct {
	who      *auth.Principal
	staff    *org.Staff
	days     []time.Weekday // preferred days
	weekly   float64        // chance of teleworking in a given week
	mode     policy.Mode
	office   string
	plans    []string
	hasSpecs bool // the demo account "staff": its recent weeks are set by hand
	team     bool // of the demo supervisor's team: something waits in the inbox
	taken    map[calendar.Date]bool
}

// historyPlan is the state the generator works on.
type historyPlan struct {
	ctx      context.Context
	cs       Clocked
	clk      *clock
	tid      int64
	now      time.Time
	today    calendar.Date
	cal      *calendar.Calendar
	r        *rand.Rand
	wr       *rand.Rand // the working-time records' details (worktime.go): its own stream, so the applications stay as they were
	staff    map[int64]*org.Staff
	events   []event
	stats    *HistoryStats
	v2       calendar.Date // the revised policy (reports within 3 business days) takes effect
	absence  [2]calendar.Date
	acting   map[int64]int64 // approver → the delegate deciding during the absence
	people   []*teleworker
	heads    map[int64]bool
	users    map[string]int64 // demo login → user id
	accounts map[string]int64 // demo login → staff id
}

func (h *historyPlan) add(t time.Time, do func() error) {
	if t.After(h.now) {
		return // it has not happened yet
	}
	h.events = append(h.events, event{at: t, seq: len(h.events), do: do})
}

// seedHistory makes about six months of telework in the demo tenant through
// the application service, on a moving clock. accounts maps the demo
// logins to their staff ids. The data are the same on every run for the
// same now.
func seedHistory(ctx context.Context, cs Clocked, clk *clock, t *org.Tenant, accounts, users map[string]int64, now time.Time) (*HistoryStats, error) {
	h := &historyPlan{ctx: ctx, cs: cs, clk: clk, tid: t.ID, now: now, today: calendar.DateOf(now),
		r: rand.New(rand.NewPCG(0x74656c65, 20260401)), wr: rand.New(rand.NewPCG(0x776f726b, 20260401)), staff: map[int64]*org.Staff{}, acting: map[int64]int64{},
		stats: &HistoryStats{ByStatus: map[apply.Status]int{}, Actions: map[string]int{}}, heads: map[int64]bool{}, users: users, accounts: accounts}
	start := historyStart(now)
	clk.t = start
	for off := 0; ; off += 500 {
		list, total, err := cs.Org.FindStaff(ctx, t.ID, org.StaffFilter{Limit: 500, Offset: off})
		if err != nil {
			return nil, err
		}
		for _, s := range list {
			h.staff[s.ID] = s
		}
		if off+500 >= total {
			break
		}
	}
	hr := &auth.Principal{TenantID: t.ID, UserID: users["hr"], StaffID: accounts["hr"], LoginID: "hr",
		Roles: []auth.Role{auth.Staff, auth.HRAdmin}}
	// The city routes applications to the 係長 (the team head) in one step:
	// the demo's 職員 applies to the demo's 所属長・係長.
	set, err := cs.Apply.Settings(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	set.Approver, set.ReminderHours = apply.ApproverTeam, 24
	if err := cs.Apply.SaveSettings(ctx, t.ID, hr, set); err != nil {
		return nil, fmt.Errorf("demo: routing settings: %w", err)
	}
	if h.cal, err = cs.Calendar.Load(ctx, t.ID, start.Year()-1, h.today.Year+1); err != nil {
		return nil, err
	}
	if err := h.choosePeople(accounts); err != nil {
		return nil, err
	}
	first := calendar.DateOf(start)
	// Three months in, the city asks for the report in the planned/actual
	// form within three business days (松本市's verbal report stays for
	// days before that).
	review := mondayOf(first.AddDays(13 * 7))
	h.v2 = review.AddDays(7)
	h.add(at(review, 10, 0), func() error { return h.revisePolicy(hr) })
	// The demo supervisor's summer leave: their 課長 decides for them.
	sup := accounts["supervisor"]
	if boss := h.bossOf(sup); boss != 0 {
		from := mondayOf(first.AddDays(9 * 7))
		h.absence = [2]calendar.Date{from, from.AddDays(4)}
		h.acting[sup] = boss
		h.add(at(from.AddDays(-3), 16, 0), func() error {
			_, err := cs.Apply.Delegate(ctx, t.ID, h.principal(sup), apply.Delegation{Kind: apply.DelegateAbsence,
				DelegateID: boss, From: h.absence[0], To: h.absence[1], Note: "夏季休暇"})
			return err
		})
	}
	for wk := mondayOf(first.AddDays(7)); !wk.After(h.today.AddDays(21)); wk = wk.AddDays(7) {
		for _, p := range h.people {
			if p.hasSpecs && !wk.Before(mondayOf(h.today).AddDays(-14)) {
				continue
			}
			if p.team && !wk.Before(mondayOf(h.today).AddDays(14)) {
				continue
			}
			h.week(p, wk)
		}
	}
	forgot := false
	for _, p := range h.people {
		switch {
		case p.hasSpecs:
			h.staffAccount(p)
		case p.team:
			h.teamWaiting(p)
			if !forgot {
				h.forgotToFinish(p)
				forgot = true
			}
		}
	}
	h.officeDays(accounts)
	if err := h.placesAndDevices(accounts); err != nil {
		return nil, err
	}
	// Notifications older than three days were read.
	h.add(at(h.today.AddDays(-3), 8, 0), func() error {
		for id := range h.involved() {
			if _, err := cs.Notify.MarkRead(ctx, t.ID, h.principal(id), nil); err != nil {
				return err
			}
		}
		return nil
	})
	slices.SortStableFunc(h.events, func(a, b event) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	for _, e := range h.events {
		clk.t = e.at
		if err := e.do(); err != nil {
			return nil, fmt.Errorf("demo: history at %s: %w", e.at.In(calendar.Tokyo).Format("2006-01-02 15:04"), err)
		}
	}
	clk.t = now
	return h.stats, nil
}

// involved are the people whose notifications the history wrote.
func (h *historyPlan) involved() map[int64]bool {
	out := map[int64]bool{}
	for _, p := range h.people {
		out[p.staff.ID] = true
	}
	for id := range h.heads {
		out[id] = true
	}
	for _, id := range h.acting {
		out[id] = true
	}
	return out
}

// principal is a demo person as the services see them signed in: with
// their account when they have one (staff, supervisor, it …); for the
// many without, the demo seeder itself acts for them, and the audit log
// says so (system:demo, as the seeder's other entries) rather than name an
// account that does not exist.
func (h *historyPlan) principal(staffID int64) *auth.Principal {
	p := &auth.Principal{TenantID: h.tid, StaffID: staffID, Roles: []auth.Role{auth.Staff}, LoginID: actor.Label}
	if s := h.staff[staffID]; s != nil {
		p.UnitID = s.UnitID
		if s.IsSupervisor {
			p.Roles = append(p.Roles, auth.Supervisor)
		}
	}
	for login, id := range h.accounts {
		if id == staffID && h.users[login] != 0 {
			p.UserID, p.LoginID = h.users[login], login
		}
	}
	return p
}

// bossOf is the head of the unit above the person's (the 課長 of a 係長).
func (h *historyPlan) bossOf(staffID int64) int64 {
	s := h.staff[staffID]
	if s == nil {
		return 0
	}
	u, err := h.cs.Org.UnitByID(h.ctx, h.tid, s.UnitID)
	if err != nil || u.ParentID == 0 {
		return 0
	}
	for _, o := range h.staff {
		if o.UnitID == u.ParentID && o.IsSupervisor && !o.Retired {
			return o.ID
		}
	}
	return 0
}

// choosePeople picks who teleworks: the demo account staff and its team,
// and about one in five of the other people the policy allows.
func (h *historyPlan) choosePeople(accounts map[string]int64) error {
	ids := make([]int64, 0, len(h.staff))
	for id := range h.staff {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	team := int64(0)
	if s := h.staff[accounts["staff"]]; s != nil {
		team = s.UnitID
	}
	for _, id := range ids {
		s := h.staff[id]
		mine := id == accounts["staff"] || id == accounts["supervisor"] || (team != 0 && s.UnitID == team)
		if !mine && h.r.Float64() > 0.10 {
			continue
		}
		a, err := h.cs.Policy.Applying(h.ctx, h.tid, id)
		if err != nil {
			return err
		}
		if !a.Eligible() {
			continue
		}
		if first, _, err := h.cs.Apply.Approvers(h.ctx, h.tid, id); err != nil || first == 0 {
			continue // no one above to approve (the mayor's office, a 部長)
		}
		p := &teleworker{who: h.principal(id), staff: s, weekly: 0.3 + 0.45*h.r.Float64(), mode: policy.Home,
			hasSpecs: id == accounts["staff"], team: id != accounts["staff"] && team != 0 && s.UnitID == team && id != accounts["supervisor"]}
		p.days = []time.Weekday{time.Weekday(1 + h.r.IntN(5))}
		if h.r.IntN(3) == 0 {
			if d := time.Weekday(1 + h.r.IntN(5)); d != p.days[0] {
				p.days = append(p.days, d)
			}
		}
		if h.r.IntN(7) == 0 && slices.Contains(a.Modes, policy.Satellite) {
			p.mode, p.office = policy.Satellite, offices[h.r.IntN(len(offices))]
		}
		for range 4 {
			p.plans = append(p.plans, plans[h.r.IntN(len(plans))])
		}
		h.people = append(h.people, p)
	}
	return nil
}

// week makes one person's telework of one week, if they telework that
// week: their usual days, now and then three days in a row.
func (h *historyPlan) week(p *teleworker, monday calendar.Date) {
	if h.r.Float64() > p.weekly {
		return
	}
	var days []calendar.Date
	if h.r.IntN(25) == 0 {
		for d := monday.AddDays(h.r.IntN(3)); len(days) < 3 && d.Before(monday.AddDays(5)); d = d.AddDays(1) {
			if h.cal.IsBusinessDay(d) {
				days = append(days, d)
			}
		}
	} else {
		days = h.usualDays(p, monday)
	}
	if len(days) == 0 {
		return
	}
	h.application(p, h.request(p, days), outcome(h.r.Float64()))
}

// usualDays are the person's usual telework days of the week starting on
// monday that are business days, in order.
func (h *historyPlan) usualDays(p *teleworker, monday calendar.Date) []calendar.Date {
	var days []calendar.Date
	for _, wd := range p.days {
		if d := monday.AddDays(int(wd) - 1); h.cal.IsBusinessDay(d) {
			days = append(days, d)
		}
	}
	slices.SortFunc(days, calendar.Date.Compare)
	return days
}

// request is the person's usual application for days.
func (h *historyPlan) request(p *teleworker, days []calendar.Date) apply.Request {
	req := apply.Request{Dates: days, Mode: p.mode, Place: policy.PlaceHome, TimeUnit: policy.FullDay,
		Plan: p.plans[h.r.IntN(len(p.plans))], Devices: []string{"loan_pc"}, Submit: true}
	if p.mode == policy.Satellite {
		req.Place, req.PlaceName = policy.PlaceSatellite, p.office
	}
	switch x := h.r.IntN(20); {
	case x == 0:
		req.TimeUnit = policy.AM
	case x == 1:
		req.TimeUnit = policy.PM
	case x == 2 && len(days) == 1:
		// 午前は在宅、午後は出勤 (a day of two segments).
		req.Segments = []apply.Segment{{Mode: policy.Home, Place: policy.PlaceHome, Start: "08:30", End: "12:00"},
			{Mode: apply.ModeOffice, Place: "office", Start: "13:00", End: "17:15"}}
	}
	return req
}

// outcomes of a submitted application.
type result int

const (
	approved result = iota
	returned        // returned, then corrected and approved
	rejected
	withdrawn
	cancelled // approved, then its last day cancelled the day before
	pending   // left for the approver (only when the days are ahead)
	draft
	returnedOpen // returned and not yet corrected
)

// dayPlan says how a worked day ends: as usual (reported and confirmed,
// now and then never reported), not reported, or reported and waiting
// for the supervisor's confirmation.
type dayPlan int

const (
	dayUsual dayPlan = iota
	dayNoReport
	dayUnconfirmed
	dayStartedOnly // started, never finished (the person forgot to clock out)
)

func outcome(x float64) result {
	switch {
	case x < 0.03:
		return withdrawn
	case x < 0.07:
		return returned
	case x < 0.09:
		return rejected
	case x < 0.13:
		return cancelled
	}
	return approved
}

// histApp follows one application through its events.
type histApp struct {
	id   int64
	days []calendar.Date
	p    *teleworker
	// approver of the first step, known once submitted.
	approver int64
}

// application schedules the life of one application: submitted three to
// six business days ahead, decided a few hours later, then worked,
// reported and confirmed — each step only if its moment has come.
func (h *historyPlan) application(p *teleworker, req apply.Request, res result) *histApp {
	return h.applicationAt(p, req, res, time.Time{}, nil)
}

// applicationAt is application with the moment of submission given (zero:
// three to six business days ahead) and how some days end.
func (h *historyPlan) applicationAt(p *teleworker, req apply.Request, res result, sub time.Time, plan map[calendar.Date]dayPlan) *histApp {
	if p.taken == nil {
		p.taken = map[calendar.Date]bool{}
	}
	for _, d := range req.Dates {
		p.taken[d] = true
	}
	days := req.Dates
	if req.Recurrence != nil || len(days) == 0 {
		days = nil
	}
	first := req.From
	if len(req.Dates) > 0 {
		first = req.Dates[0]
	}
	if req.Recurrence != nil {
		first = req.Recurrence.From
	}
	if sub.IsZero() {
		sub = at(h.cal.AddBusinessDays(first, -(3+h.r.IntN(4))), 9+h.r.IntN(7), h.r.IntN(60))
	}
	if sub.After(h.now) {
		return nil
	}
	a := &histApp{p: p, days: days}
	if res == draft {
		req.Submit = false
	}
	h.add(sub, func() error {
		r, err := h.cs.Apply.Create(h.ctx, h.tid, p.who, req)
		if err != nil {
			return fmt.Errorf("%s applies for %v: %w", p.staff.Name, first, err)
		}
		a.id, a.approver, a.days = r.Application.ID, r.Application.FirstApproverID, r.Application.ActiveDates()
		if a.approver == 0 && req.Submit {
			return fmt.Errorf("%s's application %d has no approver", p.staff.Name, a.id)
		}
		h.heads[a.approver] = true
		h.stats.Applications++
		h.stats.Actions["submit"]++
		return nil
	})
	if res == draft {
		return a
	}
	// Decided within a day; a day corrected after a return within a few
	// hours more: always before the first day (submitted three business
	// days ahead at least).
	dec := h.officeHours(sub.Add(time.Duration(2+h.r.IntN(20)) * time.Hour))
	if res == pending || (first.After(h.today) && dec.After(h.now.Add(-12*time.Hour)) && h.r.IntN(2) == 0) {
		return a // still waiting for the approver
	}
	switch res {
	case withdrawn:
		h.add(sub.Add(90*time.Minute), func() error {
			_, err := h.cs.Apply.Withdraw(h.ctx, h.tid, p.who, a.id, apply.Act{})
			h.stats.Actions["withdraw"]++
			return err
		})
		return a
	case rejected:
		h.decide(a, dec, apply.ActReject, rejections[h.r.IntN(len(rejections))])
		return a
	case returnedOpen:
		h.decide(a, dec, apply.ActReturn, returns[0])
		return a
	case returned:
		h.decide(a, dec, apply.ActReturn, returns[h.r.IntN(len(returns))])
		fix := h.officeHours(dec.Add(time.Duration(1+h.r.IntN(5)) * time.Hour))
		fixed := req
		fixed.Plan = req.Plan + "（" + fixes[h.r.IntN(len(fixes))] + "）"
		h.add(fix, func() error {
			_, err := h.cs.Apply.Update(h.ctx, h.tid, p.who, a.id, fixed, 0)
			h.stats.Actions["resubmit"]++
			return err
		})
		dec = h.officeHours(fix.Add(time.Duration(1+h.r.IntN(4)) * time.Hour))
	}
	h.decide(a, dec, apply.ActApprove, "")
	if res == cancelled {
		last := first
		if len(req.Dates) > 0 {
			last = req.Dates[len(req.Dates)-1]
		}
		when := at(h.cal.AddBusinessDays(last, -1), 17, 30)
		if !when.After(dec) {
			when = dec.Add(30 * time.Minute)
		}
		h.add(when, func() error {
			_, err := h.cs.Apply.Cancel(h.ctx, h.tid, p.who, a.id, apply.Act{Dates: []calendar.Date{last}})
			h.stats.Actions["cancel"]++
			return err
		})
		days = slices.DeleteFunc(slices.Clone(days), func(d calendar.Date) bool { return d == last })
	}
	h.workDays(a, days, plan)
	return a
}

// decide takes the approver's decision at t: the approver, or during their
// absence the delegate in their name.
func (h *historyPlan) decide(a *histApp, t time.Time, act apply.Action, comment string) {
	h.add(t, func() error {
		by := a.approver
		if d := calendar.DateOf(t); h.acting[by] != 0 && !d.Before(h.absence[0]) && !h.absence[1].Before(d) {
			by = h.acting[by]
		}
		_, err := h.cs.Apply.Decide(h.ctx, h.tid, h.principal(by), a.id, act, apply.Act{Comment: comment})
		h.stats.Actions[string(act)]++
		return err
	})
}

// workDays are the teleworked days of an approved application: started
// and finished (in the last two weeks: the working-time records), then
// reported together after the last of them and confirmed.
func (h *historyPlan) workDays(a *histApp, days []calendar.Date, plan map[calendar.Date]dayPlan) {
	p := a.p
	var usual, unconfirmed []calendar.Date
	var lastEnd time.Time
	var first, last string
	for _, d := range days {
		if d.After(h.today) {
			continue
		}
		start, end := at(d, 8, startMinute(h.r.IntN(10))), at(d, 17, 15+h.r.IntN(20))
		if h.cs.Worktime != nil && h.wr.IntN(5) != 0 {
			end = at(d, 17, 15) // most days end on time: no overtime to flag
		}
		if first == "" {
			first = start.Format("15:04")
		}
		last, lastEnd = end.Format("15:04"), end
		recorded := h.cs.Worktime != nil && !d.Before(h.today.AddDays(-WorktimeDays))
		if recorded {
			h.workday(p, d, "", start, end, plan[d] != dayStartedOnly)
		} else if !d.Before(h.today.AddDays(-14)) {
			h.add(start, func() error {
				_, err := h.cs.Apply.StartDay(h.ctx, h.tid, p.who, a.id, d, start)
				h.stats.Actions["start"]++
				return err
			})
			if plan[d] != dayStartedOnly {
				h.add(end, func() error {
					_, err := h.cs.Apply.FinishDay(h.ctx, h.tid, p.who, a.id, d, end)
					h.stats.Actions["finish"]++
					return err
				})
			}
		}
		switch plan[d] {
		case dayStartedOnly:
			continue
		case dayUsual:
			usual = append(usual, d)
		case dayUnconfirmed:
			unconfirmed = append(unconfirmed, d)
		}
	}
	if first == "" {
		return
	}
	in := apply.ReportInput{ActualStart: first, ActualEnd: last, BreakMinutes: new(60),
		Work: works[h.r.IntN(len(works))], Products: products[h.r.IntN(len(products))]}
	if len(unconfirmed) > 0 {
		u := in
		u.Dates = unconfirmed
		h.report(a, lastEnd.Add(20*time.Minute), u, false)
	}
	if len(usual) == 0 {
		return
	}
	in.Dates = usual
	var rep time.Time
	lastDay := usual[len(usual)-1]
	switch {
	case lastDay.Before(h.v2) && h.r.IntN(10) < 7:
		// 松本市: reported by word of mouth, recorded by the supervisor.
		rep = at(h.cal.AddBusinessDays(lastDay, 1+h.r.IntN(2)), 9, 30+h.r.IntN(60))
		in.Verbal, in.Products = true, ""
	case lastDay.Before(h.v2) || h.r.IntN(12) != 0:
		rep = lastEnd.Add(time.Duration(10+h.r.IntN(50)) * time.Minute)
		if h.r.IntN(4) == 0 {
			rep = at(h.cal.AddBusinessDays(lastDay, 1+h.r.IntN(2)), 9, h.r.IntN(60))
		}
	default:
		return // never reported: overdue once its due day has passed
	}
	h.report(a, rep, in, true)
}

// report files the report of in.Dates at t (a verbal one recorded by the
// approver) and, when confirm, has the approver confirm it a few business
// days later.
func (h *historyPlan) report(a *histApp, t time.Time, in apply.ReportInput, confirm bool) {
	h.add(t, func() error {
		who := a.p.who
		if in.Verbal {
			who = h.principal(a.approver)
		}
		_, err := h.cs.Apply.Report(h.ctx, h.tid, who, a.id, in)
		h.stats.Actions["report"]++
		return err
	})
	if !confirm {
		return
	}
	h.add(at(h.cal.AddBusinessDays(calendar.DateOf(t), 1+h.r.IntN(4)), 16, h.r.IntN(60)), func() error {
		_, err := h.cs.Apply.Confirm(h.ctx, h.tid, h.principal(a.approver), a.id, apply.Act{Dates: in.Dates})
		h.stats.Actions["confirm"]++
		return err
	})
}

// revisePolicy schedules the revised rules: the report in the
// planned/actual form within three business days.
func (h *historyPlan) revisePolicy(hr *auth.Principal) error {
	cur, err := h.cs.Policy.InForce(h.ctx, h.tid, calendar.DateOf(h.clk.t))
	if err != nil {
		return err
	}
	next := cur.Policy
	next.Report = policy.Report{Required: true, Form: "planned_actual", DueDays: 3}
	v := &policy.Version{Effective: h.v2, Policy: next,
		Note: "見直し: 実施報告は予定と実績の様式で、実施日から3営業日以内に提出する"}
	return h.cs.Policy.Save(h.ctx, h.tid, auth.ActorOf(hr), v)
}

// staffAccount sets the demo account staff's recent weeks by hand, so that
// its pages show every case: a day two weeks ago whose report is overdue,
// last week's report waiting for confirmation, next week approved, one
// waiting for the supervisor, one returned to correct, a weekly series
// and a draft.
func (h *historyPlan) staffAccount(p *teleworker) {
	mon := mondayOf(h.today)
	day := func(from calendar.Date, n int) calendar.Date {
		d := from.AddDays(-1)
		for range n + 1 {
			d = h.cal.AddBusinessDays(d, 1)
		}
		return d
	}
	two := []calendar.Date{day(mon.AddDays(-14), 1), day(mon.AddDays(-14), 3)}
	h.applicationAt(p, h.request(p, two), approved, time.Time{}, map[calendar.Date]dayPlan{two[1]: dayNoReport})
	last := day(mon.AddDays(-7), 1)
	h.applicationAt(p, h.request(p, []calendar.Date{last}), approved, time.Time{}, map[calendar.Date]dayPlan{last: dayUnconfirmed})
	// Ahead: submitted in the last days (the week after next is at least
	// six business days away, inside any deadline).
	ahead := mon.AddDays(14)
	h.applicationAt(p, h.request(p, []calendar.Date{day(ahead, 0)}), approved, h.now.Add(-49*time.Hour), nil)
	h.applicationAt(p, h.request(p, []calendar.Date{day(ahead, 1)}), pending, h.now.Add(-20*time.Hour), nil)
	h.applicationAt(p, h.request(p, []calendar.Date{day(ahead, 3)}), returnedOpen, h.now.Add(-47*time.Hour), nil)
	series := apply.Request{Recurrence: &apply.Recurrence{From: ahead.AddDays(7), To: ahead.AddDays(7 + 27),
		Weekdays: []time.Weekday{time.Wednesday}}, Mode: policy.Home, Place: policy.PlaceHome, TimeUnit: policy.FullDay,
		Plan: "定例の資料作成（毎週水曜）: 週報の取りまとめと翌週の会議資料の作成まで", Devices: []string{"loan_pc"}, Submit: true}
	h.applicationAt(p, series, approved, h.now.Add(-26*time.Hour), nil)
	h.applicationAt(p, h.request(p, []calendar.Date{day(ahead, 4)}), draft, h.now.Add(-3*time.Hour), nil)
}

// forgotToFinish is a day of the last week that the person started and
// never finished (no clock-out): a day left in the state started.
func (h *historyPlan) forgotToFinish(p *teleworker) {
	d := h.cal.AddBusinessDays(h.today, -1)
	for i := 0; i < 5 && p.taken[d]; i++ {
		d = h.cal.AddBusinessDays(d, -1)
	}
	if p.taken[d] {
		return
	}
	h.applicationAt(p, h.request(p, []calendar.Date{d}), approved, time.Time{}, map[calendar.Date]dayPlan{d: dayStartedOnly})
}

// teamWaiting leaves an application of each of the supervisor's people
// waiting in the inbox: submitted in the last day for the week after next.
func (h *historyPlan) teamWaiting(p *teleworker) {
	days := h.usualDays(p, mondayOf(h.today).AddDays(14))
	if len(days) == 0 {
		return
	}
	h.applicationAt(p, h.request(p, days), pending, h.now.Add(-time.Duration(2+h.r.IntN(20))*time.Hour), nil)
}

// The texts of the history: plans (何をどこまで), work done and products,
// and the approvers' comments.
var (
	offices = []string{"みどり野駅前サテライトオフィス", "北部支所サテライトオフィス", "南部市民センター サテライト"}
	plans   = []string{
		"第3次総合計画の進捗評価: 施策別シートを第2章まで作成",
		"補助金交付要綱の改正案: 新旧対照表の作成と論点整理まで",
		"窓口アンケートの集計: 自由記述の分類を終え、集計表を作成",
		"議会答弁資料の下書き: 想定問答10問のうち6問まで",
		"業務マニュアルの改訂: 第4章（電子申請）の原稿を完成",
		"予算見積書の作成: 歳出の積算内訳を作成し課内確認に回せる状態まで",
		"条例改正の検討: 他市事例5件の比較表を作成",
		"研修資料の作成: スライド20枚のうち15枚まで",
		"統計データの分析: 人口推計の図表を作成し、所見を1ページにまとめる",
		"広報紙の原稿作成: 特集記事2本の初稿",
		"契約事務: 仕様書案の作成と参考見積の依頼文の作成",
		"システム更改の要件整理: 現行業務フロー図の作成まで",
	}
	works = []string{
		"予定どおり作成した。課内の確認待ち。",
		"予定の8割まで進めた。残りは明日、職場で仕上げる。",
		"作成を終え、係長に送付した。",
		"集計を終えた。分類の基準を1点、次回の係会議で相談したい。",
		"原稿を完成し、共有フォルダに保存した。",
	}
	products   = []string{"素案（共有フォルダに保存）", "比較表", "集計表と所見メモ", "原稿一式", "図表5点", ""}
	returns    = []string{"業務の予定を具体的に書いてください（どの資料を、どこまで）。", "この日は課内会議があります。別の日にしてください。", "持ち出す資料を明記してください。"}
	rejections = []string{"この週は窓口の繁忙期のため、出勤をお願いします。", "予算査定の対応日のため、職場での勤務をお願いします。"}
	fixes      = []string{"具体的に修正", "日程を調整済み", "資料を明記"}
)
