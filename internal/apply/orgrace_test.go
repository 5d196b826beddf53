package apply_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// interleaved runs before, once, when the next transaction is about to
// begin: after the service's reads, before its transaction — where an HR
// change sent at the same moment may land.
type interleaved struct {
	*store.DB
	before func()
}

func (s *interleaved) InApplyTx(ctx context.Context, fn func(apply.Tx) error) error {
	if b := s.before; b != nil {
		s.before = nil
		b()
	}
	return s.DB.InApplyTx(ctx, fn)
}

// staffNow is the person's record as it is.
func (f *fixture) staffNow(t *testing.T, key string) *org.Staff {
	t.Helper()
	st, err := storetest.F(f.db).Org.StaffByID(context.Background(), f.a.ID, f.people[key].ID)
	storetest.Must(t, err)
	return st
}

// retire retires (or reinstates) the person key as HR.
func (f *fixture) retire(t *testing.T, key string, retired bool) error {
	t.Helper()
	return storetest.F(f.db).Org.RetireStaff(context.Background(), f.a.ID, hr, f.people[key].ID, f.staffNow(t, key).Version, retired)
}

// move puts the person key in unit (a transfer) as HR.
func (f *fixture) move(t *testing.T, key, unit string) error {
	t.Helper()
	id := f.units[unit].ID
	_, err := storetest.F(f.db).Org.UpdateStaff(context.Background(), f.a.ID, hr, f.people[key].ID,
		org.StaffUpdate{UnitID: &id, ExpectVersion: f.staffNow(t, key).Version})
	return err
}

// mark sets or removes the person key's head flag as HR.
func (f *fixture) mark(t *testing.T, key string, head bool) error {
	t.Helper()
	_, err := storetest.F(f.db).Org.UpdateStaff(context.Background(), f.a.ID, hr, f.people[key].ID,
		org.StaffUpdate{IsSupervisor: &head, ExpectVersion: f.staffNow(t, key).Version})
	return err
}

func refusedFor(err error, rule string) bool {
	var r *apply.Refused
	return errors.As(err, &r) && slices.ContainsFunc(r.Findings, func(fd policy.Finding) bool { return fd.Rule == rule })
}

// TestSubmitOnTheOrganisationAtCommit: an HR change that lands between
// what a submission read of the applicant and the organisation and its
// transaction is seen by it (review r39): a retirement refuses it
// (apply.retired) — never a submitted application of a retired person in an
// approver's inbox —, a transfer routes it to the new unit's 所属長, and a
// head flag removed from the approver routes it to the head above. For
// each way in: created and submitted at once, a draft submitted, a draft
// edited and submitted.
func TestSubmitOnTheOrganisationAtCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		st := &interleaved{DB: db}
		svc := apply.NewService(st, func() time.Time { return f.now })
		type way struct {
			name   string
			submit func(d calendar.Date, before func()) (*apply.Result, error)
		}
		draft := func(d calendar.Date) int64 {
			r := oneDay(d)
			r.Submit = false
			res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], r)
			storetest.Must(t, err)
			return res.Application.ID
		}
		ways := []way{
			{"create", func(d calendar.Date, before func()) (*apply.Result, error) {
				st.before = before
				return svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(d))
			}},
			{"submit", func(d calendar.Date, before func()) (*apply.Result, error) {
				id := draft(d)
				st.before = before
				return svc.Submit(ctx, f.a.ID, f.who["staff"], id, 0)
			}},
			{"update", func(d calendar.Date, before func()) (*apply.Result, error) {
				id := draft(d)
				st.before = before
				r := oneDay(d)
				r.Plan = "資料作成と電話対応"
				return svc.Update(ctx, f.a.ID, f.who["staff"], id, r, 0)
			}},
		}
		changes := []struct {
			name         string
			change, undo func() error
			approver     string // "" : refused as retired
		}{
			{"retired", func() error { return f.retire(t, "staff", true) }, func() error { return f.retire(t, "staff", false) }, ""},
			{"transferred", func() error { return f.move(t, "staff", "other") }, func() error { return f.move(t, "staff", "kakari") }, "zaisei"},
			{"approver no longer head", func() error { return f.mark(t, "kacho", false) }, func() error { return f.mark(t, "kacho", true) }, "bucho"},
		}
		d := day(time.June, 8)
		for _, w := range ways {
			for _, c := range changes {
				t.Run(w.name+"/"+c.name, func(t *testing.T) {
					d = d.AddDays(1)
					for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
						d = d.AddDays(1)
					}
					var changeErr error
					res, err := w.submit(d, func() { changeErr = c.change() })
					storetest.Must(t, changeErr)
					defer func() { storetest.Must(t, c.undo()) }()
					if c.approver == "" {
						if !refusedFor(err, "apply.retired") {
							t.Fatalf("submitted after the applicant was retired: %v", err)
						}
						var n int
						storetest.Must(t, db.SQL.QueryRow(db.Rebind(`SELECT COUNT(*) FROM applications WHERE tenant_id = ? AND staff_id = ? AND decision = 'submitted'`),
							f.a.ID, f.people["staff"].ID).Scan(&n))
						if n != 0 {
							t.Fatalf("%d submitted applications of the retired person", n)
						}
						return
					}
					storetest.Must(t, err)
					a := res.Application
					if a.Decision != apply.Submitted || a.ApproverID != f.people[c.approver].ID {
						t.Fatalf("%s, approver %d; want submitted to %s (%d)", a.Decision, a.ApproverID, c.approver, f.people[c.approver].ID)
					}
					got, err := f.svc.Get(ctx, f.a.ID, f.who["jinji"], a.ID)
					storetest.Must(t, err)
					if got.ApproverID != f.people[c.approver].ID || got.UnitID != f.staffNow(t, "staff").UnitID {
						t.Fatalf("stored: approver %d, unit %d", got.ApproverID, got.UnitID)
					}
					// Withdrawn, so that the next case's days are free.
					_, err = f.svc.Withdraw(ctx, f.a.ID, f.who["staff"], a.ID, apply.Act{})
					storetest.Must(t, err)
				})
			}
		}
	})
}

// TestSubmitAgainstRetirementAndTransfer sends submissions and HR's
// retirement or transfer of the applicant at the same moment, round after
// round, on both engines: a submission committed after the retirement
// (by the audit chain's order) is a failure, and one committed after the
// transfer must be routed to the new unit's 所属長.
func TestSubmitAgainstRetirementAndTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		seq := func(action, objectID string) int64 {
			for _, e := range f.auditActions(t, action) {
				if e.ObjectID == objectID {
					return e.Seq
				}
			}
			t.Fatalf("no %s of %s", action, objectID)
			return 0
		}
		staffID := fmt.Sprint(f.people["staff"].ID)
		d := day(time.June, 8)
		for round := range 16 {
			for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
				d = d.AddDays(1)
			}
			transfer := round%2 == 1
			var wg sync.WaitGroup
			var res *apply.Result
			var subErr, hrErr error
			start := make(chan struct{})
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				res, subErr = f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(d))
			}()
			version := f.staffNow(t, "staff").Version
			go func() {
				defer wg.Done()
				<-start
				if transfer {
					id := f.units["other"].ID
					_, hrErr = storetest.F(db).Org.UpdateStaff(ctx, f.a.ID, hr, f.people["staff"].ID, org.StaffUpdate{UnitID: &id, ExpectVersion: version})
				} else {
					hrErr = storetest.F(db).Org.RetireStaff(ctx, f.a.ID, hr, f.people["staff"].ID, version, true)
				}
			}()
			close(start)
			wg.Wait()
			storetest.Must(t, hrErr)
			change := "staff.retire"
			if transfer {
				change = "staff.update"
			}
			changed := seq(change, staffID)
			switch {
			case subErr != nil && !transfer:
				if !refusedFor(subErr, "apply.retired") {
					t.Fatalf("round %d: the submission got %v", round, subErr)
				}
			case subErr != nil:
				t.Fatalf("round %d: the submission at a transfer got %v", round, subErr)
			case seq("application.submit", fmt.Sprint(res.Application.ID)) > changed:
				if !transfer {
					t.Fatalf("round %d: application %d submitted after its applicant was retired", round, res.Application.ID)
				}
				if res.Application.ApproverID != f.people["zaisei"].ID {
					t.Fatalf("round %d: submitted after the transfer to %d, not to the new unit's head", round, res.Application.ApproverID)
				}
			}
			if res != nil && subErr == nil {
				_, err := f.svc.Withdraw(ctx, f.a.ID, f.who["staff"], res.Application.ID, apply.Act{})
				storetest.Must(t, err)
			}
			if transfer {
				storetest.Must(t, f.move(t, "staff", "kakari"))
			} else {
				storetest.Must(t, f.retire(t, "staff", false))
			}
			d = d.AddDays(1)
		}
	})
}
