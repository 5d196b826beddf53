package apply

import (
	"context"
	"maps"
	"slices"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/policy"
)

// RosterPublish is a rotation roster's telework days to publish (issue
// 15): publishing creates them as approved applications (在宅勤務, 終日) and
// cancels the days of the earlier publication that the new plan no longer
// has.
type RosterPublish struct {
	// Days are the new plan's telework days by staff id.
	Days map[int64][]calendar.Date
	// Previous are the applications the earlier publication of the same
	// roster created; Prior, when set, reads them inside the publishing
	// transaction first (and takes the lock that serialises publishers),
	// replacing Previous.
	Previous []int64
	Prior    func(Tx) ([]int64, error)
	// Note is kept as the applications' plan (e.g. ローテーション表 福祉課
	// 2026-06-01〜2026-06-30).
	Note string
	// From and To are the roster's period: only the earlier publication's
	// days within it are the new plan's to keep or cancel (an earlier
	// roster of an overlapping period keeps its days outside it). Zero:
	// every day.
	From, To calendar.Date
}

// RosterResult is what a publication did.
type RosterResult struct {
	Created   []int64                   // new applications
	Kept      []int64                   // earlier ones still holding a day
	Cancelled map[int64][]calendar.Date // earlier applications → days cancelled
	// LeftCancelled are the new plan's days that an earlier publication
	// gave and the person (or their approver) has since cancelled, by
	// staff id: their cancellation is later than the plan and stands — a
	// publication does not silently give the day back.
	LeftCancelled map[int64][]calendar.Date
}

// PublishRoster writes a roster's telework days in ONE transaction: the
// days already approved by the earlier publication are kept; its days the
// new plan drops are cancelled (those from tomorrow on: today and past days
// are decisions already made and stay); the new days from today on become
// one approved application per person; each person is notified; one audit
// entry "application.roster_publish" lists them. A day of the new plan
// that an earlier publication gave and the person or their approver then
// cancelled stays cancelled (LeftCancelled); a day an earlier publication
// itself dropped is given again. also runs in the same
// transaction (the roster service records its publication). HR only: the
// roster is HR's decision, so no approver step and no policy check (HR
// plans within the rules in force, emergency rules included).
func (s *Service) PublishRoster(ctx context.Context, tenantID int64, who *auth.Principal, in RosterPublish, also func(Tx, RosterResult) error) (RosterResult, error) {
	if !who.Has(auth.HRAdmin) {
		return RosterResult{}, apperr.Forbid()
	}
	today, now := s.Today(), s.now()
	res := RosterResult{}
	err := s.st.InApplyTx(ctx, func(tx Tx) error {
		res = RosterResult{Cancelled: map[int64][]calendar.Date{}, LeftCancelled: map[int64][]calendar.Date{}}
		// The organisation first (shared): a staff import, which changes
		// people in its file's order, waits for the publication or the
		// publication for it, instead of the two locking the same people
		// in opposite orders (a deadlock on PostgreSQL, found by a review).
		if err := tx.HoldOrganisation(ctx, tenantID); err != nil {
			return err
		}
		previous := in.Previous
		if in.Prior != nil {
			var err error
			if previous, err = in.Prior(tx); err != nil {
				return err
			}
		}
		staffIDs := slices.Sorted(maps.Keys(in.Days))
		for _, id := range staffIDs {
			if err := tx.LockApplicant(ctx, tenantID, id); err != nil {
				return err
			}
		}
		type personDay struct {
			staff int64
			day   calendar.Date
		}
		held := map[personDay]bool{} // the days an earlier application keeps
		// The days of the earlier publications that someone other than a
		// publication cancelled (the person, their approver): not given
		// again. Read once the application is locked (FindApplication): a
		// cancel committing meanwhile is then in the list (read before the
		// lock, a review found its day approved again on PostgreSQL).
		declined := map[personDay]bool{}
		var notes []notify.Notification
		for _, id := range previous {
			a, err := tx.FindApplication(ctx, tenantID, id)
			if err != nil {
				if apperr.CodeOf(err) == apperr.NotFound {
					continue
				}
				return err
			}
			cancels, err := tx.FindApplicationCancels(ctx, tenantID, []int64{a.ID})
			if err != nil {
				return err
			}
			for _, c := range cancels {
				if c.Roster {
					continue
				}
				for _, d := range c.Dates {
					if i := slices.IndexFunc(a.Days, func(x Day) bool { return x.Date == d }); i >= 0 && a.Days[i].Status == Cancelled {
						declined[personDay{a.StaffID, d}] = true
					}
				}
			}
			var changed []Day
			for i := range a.Days {
				d := &a.Days[i]
				if !Occupies(d.Status) {
					continue
				}
				outside := !in.From.IsZero() && (d.Date.Before(in.From) || in.To.Before(d.Date))
				if slices.Contains(in.Days[a.StaffID], d.Date) || !today.Before(d.Date) || outside {
					held[personDay{a.StaffID, d.Date}] = true
					continue
				}
				if !Allowed(d.Status, ActCancel) {
					continue
				}
				d.Status, d.UpdatedAt = Cancelled, now
				changed = append(changed, *d)
			}
			if len(changed) == 0 {
				res.Kept = append(res.Kept, a.ID)
				continue
			}
			prev := a.Version
			if !slices.ContainsFunc(a.Days, func(d Day) bool { return Occupies(d.Status) }) {
				a.Decision, a.ApproverID = Cancelled, 0
			} else {
				res.Kept = append(res.Kept, a.ID)
			}
			a.Status, a.UpdatedAt = Summary(a.Decision, a.Days), now
			if err := tx.UpdateApplication(ctx, tenantID, a, prev); err != nil {
				return err
			}
			if err := tx.UpdateApplicationDays(ctx, tenantID, changed); err != nil {
				return err
			}
			var dates []calendar.Date
			for _, d := range changed {
				dates = append(dates, d.Date)
			}
			if err := tx.InsertApplicationDecision(ctx, tenantID, &Decision{ApplicationID: a.ID, Action: ActCancel, ByStaffID: who.StaffID,
				ByUserID: who.UserID, Dates: dates, At: now, Roster: true}); err != nil {
				return err
			}
			res.Cancelled[a.ID] = dates
			// Told as the roster's cancellation (the message names no one:
			// without "Roster" it read 「<no value>さんが取り消しました」).
			notes = append(notes, notify.New(a.StaffID, notify.Cancelled, a.ID, map[string]any{"Dates": DatesText(dates), "Count": len(dates),
				"Roster": true}))
		}
		for _, id := range staffIDs {
			// A day the person already holds with an application of
			// their own (approved, or waiting for a decision) is theirs:
			// the roster adds no second application for it (the ordinary
			// path refuses one as a duplicate).
			if plan := in.Days[id]; len(plan) > 0 {
				from, to := slices.MinFunc(plan, calendar.Date.Compare), slices.MaxFunc(plan, calendar.Date.Compare)
				own, err := tx.FindStaffTelework(ctx, tenantID, id, from, to)
				if err != nil {
					return err
				}
				for _, o := range own {
					// Only a day the application still holds: one withdrawn,
					// rejected, cancelled or never submitted leaves it free.
					if slices.Contains(previous, o.ID) || !Occupies(Status(o.Status)) {
						continue
					}
					for _, d := range o.Dates {
						held[personDay{id, d}] = true
					}
				}
			}
			var days []Day
			for _, d := range slices.SortedFunc(slices.Values(in.Days[id]), calendar.Date.Compare) {
				if d.Before(today) || held[personDay{id, d}] || slices.ContainsFunc(days, func(x Day) bool { return x.Date == d }) {
					continue
				}
				if declined[personDay{id, d}] {
					if !slices.Contains(res.LeftCancelled[id], d) {
						res.LeftCancelled[id] = append(res.LeftCancelled[id], d)
					}
					continue
				}
				days = append(days, Day{Date: d, Status: Approved, UpdatedAt: now})
			}
			if len(days) == 0 {
				continue
			}
			a := &Application{StaffID: id, Decision: Approved, Mode: policy.Home, Place: policy.PlaceHome, TimeUnit: policy.FullDay,
				Plan: in.Note, Steps: 1, Days: days, CreatedAt: now, UpdatedAt: now, SubmittedAt: now}
			a.Status = Summary(a.Decision, a.Days)
			if err := tx.InsertApplication(ctx, tenantID, a); err != nil {
				return err
			}
			if err := tx.InsertApplicationDecision(ctx, tenantID, &Decision{ApplicationID: a.ID, Action: ActApprove, Step: 1,
				ByStaffID: who.StaffID, ByUserID: who.UserID, Dates: a.ActiveDates(), At: now, Roster: true}); err != nil {
				return err
			}
			res.Created = append(res.Created, a.ID)
			notes = append(notes, notify.New(id, notify.Approved, a.ID, s.noteArgs(a, "")))
		}
		if err := tx.InsertNotifications(ctx, tenantID, notify.Stamp(notes, s.now())); err != nil {
			return err
		}
		if err := tx.Audit(ctx, tenantID, actorOf(who), audit.Change{Action: "application.roster_publish", ObjectType: "roster",
			ObjectID: "", After: map[string]any{"created": res.Created, "kept": res.Kept,
				"cancelled": datesList(res.Cancelled, "application_id"), "left_cancelled": datesList(res.LeftCancelled, "staff_id")}}); err != nil {
			return err
		}
		if also != nil {
			// The caller writes its own rows through the store's transaction,
			// not the wrapper that stamps notifications.
			return also(tx, res)
		}
		return nil
	})
	return res, err
}

// datesList is days by id as the audit log records them: a list in id
// order, each {idKey: id, "dates": [...]} — keyed by the number, the
// auditor's table read the numbers as list positions (申請 12 as 13).
func datesList(m map[int64][]calendar.Date, idKey string) []map[string]any {
	var out []map[string]any
	for _, id := range slices.Sorted(maps.Keys(m)) {
		var ds []string
		for _, d := range m[id] {
			ds = append(ds, d.String())
		}
		out = append(out, map[string]any{idKey: id, "dates": ds})
	}
	return out
}
