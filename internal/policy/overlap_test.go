package policy

import "testing"

// plain is a policy that finds nothing in an ordinary home application:
// every time unit, home and satellite work (no mobile work), no deadline,
// no caps, standard hours 08:30–17:15, saving only on a loan PC or a tablet.
func plain(p *Policy) {
	p.Modes = []Mode{Home, Satellite}
	p.TimeUnits = []TimeUnit{FullDay, AM, PM, Hourly}
	p.Deadline = Deadline{On: "none"}
	p.Caps = Caps{}
	p.Eligibility = Eligibility{}
	p.UnitRules = nil
	p.TravelOrder = false
	p.Places = Places{HomeEquivalent: true}
	p.Hours = Hours{Start: "08:30", End: "17:15", BreakMinutes: 60, Overtime: "allowed"}
	p.TakeOut = TakeOut{Paper: "allowed", Data: "allowed", PrintAllowedDevices: []string{"loan_pc"},
		SaveAllowedDevices: []string{"loan_pc", "tablet"}}
}

func hourly(start, end string, status string) Application {
	return Application{ID: 9, Mode: Home, Place: PlaceHome, TimeUnit: Hourly, Start: start, End: end, Status: status,
		Dates: dates("2026-05-13")}
}

func other(unit TimeUnit) Application {
	return Application{ID: 9, Mode: Home, Place: PlaceHome, TimeUnit: unit, Status: "submitted", Dates: dates("2026-05-13")}
}

// TestOverlaps: an hourly application is a duplicate of another one on the
// same day when their times meet — another hourly one by its times, a
// half by its span (the standard start to 12:00, 12:00 to the standard
// end), a full day always; halves keep their rule (a morning and an
// afternoon do not meet).
func TestOverlaps(t *testing.T) {
	at := func(start, end string) Application {
		return withHours(app(Home, Hourly, "2026-05-13"), start, end, 0)
	}
	dup := []string{"caps.duplicate@2026-05-13 error"}
	run(t, "saga", []tcase{
		{name: "hourly, same times", edit: plain, app: at("09:00", "10:00"), others: []Application{hourly("09:00", "10:00", "submitted")}, now: "2026-05-01 09:00", want: dup},
		{name: "hourly, times meet", edit: plain, app: at("09:30", "11:00"), others: []Application{hourly("09:00", "10:00", "approved")}, now: "2026-05-01 09:00", want: dup},
		{name: "hourly, one after the other", edit: plain, app: at("10:00", "11:00"), others: []Application{hourly("09:00", "10:00", "approved")}, now: "2026-05-01 09:00", want: nil},
		{name: "hourly, the other withdrawn", edit: plain, app: at("09:00", "10:00"), others: []Application{hourly("09:00", "10:00", "withdrawn")}, now: "2026-05-01 09:00", want: nil},
		{name: "hourly in a morning", edit: plain, app: at("09:00", "10:00"), others: []Application{other(AM)}, now: "2026-05-01 09:00", want: dup},
		{name: "hourly in a full day", edit: plain, app: at("09:00", "10:00"), others: []Application{other(FullDay)}, now: "2026-05-01 09:00", want: dup},
		{name: "hourly in the afternoon, a morning applied for", edit: plain, app: at("13:00", "15:00"), others: []Application{other(AM)}, now: "2026-05-01 09:00", want: nil},
		{name: "hourly across noon, an afternoon applied for", edit: plain, app: at("11:00", "13:00"), others: []Application{other(PM)}, now: "2026-05-01 09:00", want: dup},
		{name: "hourly before the standard start, a morning applied for", edit: plain, app: at("07:00", "08:30"), others: []Application{other(AM)}, now: "2026-05-01 09:00", want: nil},
		{name: "a morning, hourly applied for in it", edit: plain, app: app(Home, AM, "2026-05-13"), others: []Application{hourly("10:00", "11:00", "approved")}, now: "2026-05-01 09:00", want: dup},
		{name: "an afternoon, hourly applied for in the morning", edit: plain, app: app(Home, PM, "2026-05-13"), others: []Application{hourly("10:00", "11:00", "approved")}, now: "2026-05-01 09:00", want: nil},
		{name: "a morning and an afternoon", edit: plain, app: app(Home, PM, "2026-05-13"), others: []Application{other(AM)}, now: "2026-05-01 09:00", want: nil},
		{name: "two mornings", edit: plain, app: app(Home, AM, "2026-05-13"), others: []Application{other(AM)}, now: "2026-05-01 09:00", want: dup},
		{name: "a full day and an afternoon", edit: plain, app: app(Home, FullDay, "2026-05-13"), others: []Application{other(PM)}, now: "2026-05-01 09:00", want: dup},
		{name: "without standard hours a morning is 00:00–12:00", edit: func(p *Policy) { plain(p); p.Hours.Start, p.Hours.End = "", "" },
			app: at("07:00", "08:00"), others: []Application{other(AM)}, now: "2026-05-01 09:00", want: dup},
	})
}

// TestEveryDeviceAndSegment: the print and save rules hold for every
// device named, and every telework segment of the day for the modes.
func TestEveryDeviceAndSegment(t *testing.T) {
	devs := func(save bool, ds ...string) Application {
		a := app(Home, FullDay, "2026-05-13")
		a.Devices, a.SaveAtHome = ds, save
		return a
	}
	segs := func(ss ...Segment) Application {
		a := app(Home, FullDay, "2026-05-13")
		a.Segments = ss
		return a
	}
	run(t, "saga", []tcase{
		{name: "saving: a personal PC besides a loan PC", edit: plain, app: devs(true, "loan_pc", "personal_pc"), now: "2026-05-01 09:00",
			want: []string{"take_out.save error"}},
		{name: "saving: a loan PC besides a personal PC (order does not matter)", edit: plain, app: devs(true, "personal_pc", "loan_pc"), now: "2026-05-01 09:00",
			want: []string{"take_out.save error"}},
		{name: "saving: two allowed devices", edit: plain, app: devs(true, "loan_pc", "tablet"), now: "2026-05-01 09:00", want: nil},
		{name: "saving: two banned devices, one finding each", edit: plain, app: devs(true, "office_pc", "personal_pc"), now: "2026-05-01 09:00",
			want: []string{"take_out.save error", "take_out.save error"}},
		{name: "no saving: any devices", edit: plain, app: devs(false, "office_pc", "personal_pc"), now: "2026-05-01 09:00", want: nil},
		{name: "the check API's one device", edit: plain, app: withDevice(app(Home, FullDay, "2026-05-13"), "personal_pc", false, true), now: "2026-05-01 09:00",
			want: []string{"take_out.save error"}},
		{name: "a mobile segment where mobile work is not allowed", edit: plain,
			app: segs(Segment{Mode: Mobile, Place: PlaceMobile, Start: "08:30", End: "12:00"}, Segment{Mode: Office, Place: PlaceOffice, Start: "13:00", End: "17:15"}),
			now: "2026-05-01 09:00", want: []string{"mode.disabled error"}},
		{name: "home and office segments", edit: plain,
			app: segs(Segment{Mode: Home, Place: PlaceHome, Start: "08:30", End: "12:00"}, Segment{Mode: Office, Place: PlaceOffice, Start: "13:00", End: "17:15"}),
			now: "2026-05-01 09:00", want: nil},
	})
}
