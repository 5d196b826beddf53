package apply_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// refusedBy asserts a *Refused error holding an error finding of rule (on
// day when it is not zero).
func refusedBy(t *testing.T, name string, err error, rule string, on calendar.Date) {
	t.Helper()
	var ref *apply.Refused
	if !errors.As(err, &ref) {
		t.Fatalf("%s: want refused by %s, got %v", name, rule, err)
	}
	if !slices.ContainsFunc(ref.Findings, func(x policy.Finding) bool {
		return x.Rule == rule && x.Severity == policy.Error && (on.IsZero() || x.Date == on)
	}) {
		t.Errorf("%s: no %s in %+v", name, rule, ref.Findings)
	}
}

// fieldErr asserts an Invalid error naming field with key.
func fieldErr(t *testing.T, name string, err error, field, key string) {
	t.Helper()
	e := apperr.As(err)
	if e == nil || e.Code != apperr.Invalid || !slices.ContainsFunc(e.Fields, func(f apperr.FieldError) bool {
		return f.Field == field && f.Key == key
	}) {
		t.Errorf("%s: want %s %s, got %v", name, field, key, err)
	}
}

func hourlyOn(d calendar.Date, start, end string) apply.Request {
	r := oneDay(d)
	r.TimeUnit, r.Start, r.End = policy.Hourly, start, end
	return r
}

// TestHourlyDuplicates: an hourly application meets another on the same
// day by its times, read back from the store on both engines.
func TestHourlyDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		me := f.who["staff"]
		_, err := f.svc.Create(ctx, f.a.ID, me, hourlyOn(day(time.June, 8), "09:00", "10:00"))
		storetest.Must(t, err)
		am := oneDay(day(time.June, 9))
		am.TimeUnit = policy.AM
		_, err = f.svc.Create(ctx, f.a.ID, me, am)
		storetest.Must(t, err)

		_, err = f.svc.Create(ctx, f.a.ID, me, hourlyOn(day(time.June, 8), "09:00", "10:00"))
		refusedBy(t, "the same hour again", err, "caps.duplicate", day(time.June, 8))
		_, err = f.svc.Create(ctx, f.a.ID, me, hourlyOn(day(time.June, 8), "09:30", "10:30"))
		refusedBy(t, "an hour meeting it", err, "caps.duplicate", day(time.June, 8))
		_, err = f.svc.Create(ctx, f.a.ID, me, hourlyOn(day(time.June, 9), "09:00", "10:00"))
		refusedBy(t, "an hour in a morning applied for", err, "caps.duplicate", day(time.June, 9))
		// The next hour, and an afternoon hour beside a morning, are free.
		_, err = f.svc.Create(ctx, f.a.ID, me, hourlyOn(day(time.June, 8), "10:00", "11:00"))
		storetest.Must(t, err)
		_, err = f.svc.Create(ctx, f.a.ID, me, hourlyOn(day(time.June, 9), "14:00", "15:00"))
		storetest.Must(t, err)
	})
}

// TestContentChecks: segments, places, half-day times and the plan, each
// refused naming the field (or by the rule it breaks); nothing written.
func TestContentChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		me := f.who["staff"]
		d := day(time.June, 10)
		with := func(edit func(*apply.Request)) apply.Request {
			r := oneDay(d)
			edit(&r)
			return r
		}
		before := f.countApplications(t)
		// 松本市 allows home and satellite work, not mobile work.
		_, err := f.svc.Create(ctx, f.a.ID, me, with(func(r *apply.Request) {
			r.Segments = []apply.Segment{{Mode: policy.Mobile, Start: "08:30", End: "12:00"},
				{Mode: apply.ModeOffice, Start: "13:00", End: "17:15"}}
		}))
		refusedBy(t, "a mobile segment", err, "mode.disabled", calendar.Date{})
		fields := []struct {
			name       string
			edit       func(*apply.Request)
			field, key string
		}{
			{"a segment on the moon", func(r *apply.Request) {
				r.Segments = []apply.Segment{{Mode: policy.Home, Place: "moon", Start: "08:30", End: "12:00"}}
			}, "segments.place", "field.choice"},
			{"a home segment on the move", func(r *apply.Request) {
				r.Segments = []apply.Segment{{Mode: policy.Home, Place: policy.PlaceMobile, Start: "08:30", End: "12:00"}}
			}, "segments.place", "apply.place_mode"},
			{"home telework at a satellite office", func(r *apply.Request) { r.Place = policy.PlaceSatellite }, "place", "apply.place_mode"},
			{"a morning in the afternoon", func(r *apply.Request) { r.TimeUnit, r.Start, r.End = policy.AM, "13:00", "17:00" }, "start", "apply.time_am"},
			{"a morning past noon", func(r *apply.Request) { r.TimeUnit, r.Start, r.End = policy.AM, "09:00", "13:00" }, "end", "apply.time_am"},
			{"an afternoon in the morning", func(r *apply.Request) { r.TimeUnit, r.Start, r.End = policy.PM, "09:00", "12:00" }, "start", "apply.time_pm"},
		}
		for _, c := range fields {
			_, err := f.svc.Create(ctx, f.a.ID, me, with(c.edit))
			fieldErr(t, c.name, err, c.field, c.key)
		}
		if after := f.countApplications(t); after != before {
			t.Errorf("refusals wrote %d applications", after-before)
		}
		// Within their half, times are fine; a home segment at a place
		// like home is too.
		_, err = f.svc.Create(ctx, f.a.ID, me, with(func(r *apply.Request) { r.TimeUnit, r.Start, r.End = policy.AM, "08:30", "12:00" }))
		storetest.Must(t, err)
		_, err = f.svc.Create(ctx, f.a.ID, me, with(func(r *apply.Request) {
			r.TimeUnit, r.Start, r.End = policy.PM, "13:00", "17:15"
			r.Segments = []apply.Segment{{Mode: apply.ModeOffice, Start: "13:00", End: "15:00"},
				{Mode: policy.Home, Place: policy.PlaceHome, Start: "15:30", End: "17:15"}}
		}))
		storetest.Must(t, err)
	})
}

// TestPlanMissingAtSubmission: an application without its plan (text or
// tasks) is submitted with a warning for the approver (plan.required), as
// a draft or at once, and is never approved without the approver, even
// where the policy approves automatically.
func TestPlanMissingAtSubmission(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		me := f.who["staff"]
		r := oneDay(day(time.June, 10))
		r.Plan, r.Submit = "", false
		res, err := f.svc.Create(ctx, f.a.ID, me, r)
		storetest.Must(t, err)
		if !slices.ContainsFunc(res.Findings, func(x policy.Finding) bool { return x.Rule == "plan.required" }) {
			t.Errorf("the draft's check does not say the plan is missing: %+v", res.Findings)
		}
		sub, err := f.svc.Submit(ctx, f.a.ID, me, res.Application.ID, 0)
		storetest.Must(t, err)
		warned := func(name string, got *apply.Result) {
			t.Helper()
			i := slices.IndexFunc(got.Findings, func(x policy.Finding) bool { return x.Rule == "plan.required" })
			if i < 0 || got.Findings[i].Severity != policy.Warning {
				t.Errorf("%s: no plan.required warning: %+v", name, got.Findings)
			}
			if got.Application.Decision != apply.Submitted || got.AutoApproved {
				t.Errorf("%s: %s (auto %v), want submitted for the approver", name, got.Application.Decision, got.AutoApproved)
			}
		}
		warned("a draft submitted without a plan", sub)
		ps := policy.NewService(db, func() time.Time { return f.now })
		tp, _ := policy.TemplateByName("matsumoto")
		p := tp.Policy
		p.AutoApproval = true
		storetest.Must(t, ps.Save(ctx, f.a.ID, hr, &policy.Version{Effective: day(time.June, 2), Policy: p}))
		r = oneDay(day(time.June, 11))
		r.Plan, r.Submit = "", true
		at, err := f.svc.Create(ctx, f.a.ID, me, r)
		storetest.Must(t, err)
		warned("submitted at once without a plan", at)
		// With its plan, the same application is approved by the policy.
		r = oneDay(day(time.June, 12))
		if with, err := f.svc.Create(ctx, f.a.ID, me, r); err != nil || !with.AutoApproved {
			t.Errorf("with a plan, under auto-approval: %v %+v", err, with)
		}
	})
}

// TestDevicesCheckedEach: saving at home is refused when any device named
// may not save (the policy allows a loan PC and a tablet).
func TestDevicesCheckedEach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		tp, _ := policy.TemplateByName("matsumoto")
		p := tp.Policy
		p.TakeOut.SaveAllowedDevices = []string{"loan_pc", "tablet"}
		ps := policy.NewService(db, func() time.Time { return f.now })
		storetest.Must(t, ps.Save(ctx, f.a.ID, hr, &policy.Version{Effective: day(time.June, 2), Policy: p}))
		r := oneDay(day(time.June, 10))
		r.Devices, r.TakeOut.SaveAtHome = []string{"office_pc", "loan_pc"}, true
		_, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], r)
		refusedBy(t, "an office PC beside a loan PC", err, "take_out.save", calendar.Date{})
		r.Devices = []string{"tablet", "loan_pc"}
		_, err = f.svc.Create(ctx, f.a.ID, f.who["staff"], r)
		storetest.Must(t, err)
	})
}

// TestPersonalDeviceNeedsApprovedRegistration: a day on a personal device
// is refused without a registration approved by IT and unexpired that day.
func TestPersonalDeviceNeedsApprovedRegistration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		me := f.who["staff"]
		byod := func(ds ...calendar.Date) apply.Request {
			r := oneDay(ds[0])
			r.Dates, r.Devices = ds, []string{"personal_pc"}
			return r
		}
		_, err := f.svc.Create(ctx, f.a.ID, me, byod(day(time.June, 10)))
		refusedBy(t, "no registration", err, "devices.personal_unregistered", day(time.June, 10))

		dev := devices.NewService(db, func() time.Time { return f.now })
		pd := &devices.PersonalDevice{Description: "自宅のノートPC", OS: "Windows 11"}
		storetest.Must(t, dev.RequestPersonalDevice(ctx, f.a.ID, me, pd))
		_, err = f.svc.Create(ctx, f.a.ID, me, byod(day(time.June, 10)))
		refusedBy(t, "requested, not approved", err, "devices.personal_unregistered", day(time.June, 10))

		it := &auth.Principal{TenantID: f.a.ID, UserID: f.who["jinji"].UserID, StaffID: f.people["jinji"].ID,
			Roles: []auth.Role{auth.ITAdmin}}
		_, err = dev.DecidePersonalDevice(ctx, f.a.ID, it, pd.ID, devices.Approved, day(time.June, 11))
		storetest.Must(t, err)
		// Approved until 6/11: 6/12 is refused, 6/10 and 6/11 are not.
		_, err = f.svc.Create(ctx, f.a.ID, me, byod(day(time.June, 10), day(time.June, 11), day(time.June, 12)))
		refusedBy(t, "after the approval expires", err, "devices.personal_unregistered", day(time.June, 12))
		var ref *apply.Refused
		if errors.As(err, &ref) && slices.ContainsFunc(ref.Findings, func(x policy.Finding) bool {
			return x.Rule == "devices.personal_unregistered" && x.Date != day(time.June, 12)
		}) {
			t.Errorf("a day within the approval is refused: %+v", ref.Findings)
		}
		_, err = f.svc.Create(ctx, f.a.ID, me, byod(day(time.June, 10), day(time.June, 11)))
		storetest.Must(t, err)
	})
}

// TestPreviewSaysNoApprover: the live check tells a person with no head
// above them (the 部長 here) what the submission would answer, instead of
// "no findings" followed by a refusal (found by a review).
func TestPreviewSaysNoApprover(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		res, err := f.svc.Preview(ctx, f.a.ID, f.who["bucho"], oneDay(day(time.June, 10)))
		storetest.Must(t, err)
		i := slices.IndexFunc(res.Findings, func(x policy.Finding) bool { return x.Rule == "route.no_approver" })
		if i < 0 || res.Findings[i].Severity != policy.Error || !strings.Contains(res.Findings[i].Message("ja"), "承認者") {
			t.Fatalf("preview without an approver: %+v", res.Findings)
		}
		if _, err := f.svc.Create(ctx, f.a.ID, f.who["bucho"], oneDay(day(time.June, 10))); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("submission without an approver: %v", err)
		}
	})
}
