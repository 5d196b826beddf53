// Package schedule turns the section's planned telework (the approved and
// submitted days of internal/apply) into calendar entries and RFC 5545
// iCalendar feeds (github.com/emersion/go-ical) that Outlook, Google
// Calendar, Garoon and desknet's NEO can subscribe to. Pure: no SQL, no
// HTTP.
package schedule

import (
	"bytes"
	"fmt"
	"time"

	"github.com/emersion/go-ical"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/policy"
)

// Entry is one person's planned telework on one day.
type Entry struct {
	TenantID      int64
	ApplicationID int64
	StaffID       int64
	Name          string
	Date          calendar.Date
	Mode          string
	Status        apply.Status
	UpdatedAt     time.Time
	// Plan and Result are the day's one-line plan and result, filled only
	// where the feed's owner may see them (plans.go).
	Plan, Result string
	// Unit is the application's time unit; Start and End ("HH:MM", Tokyo)
	// its planned times where it names them (時間単位 always, 午前・午後
	// when times are given), else empty.
	Unit       policy.TimeUnit
	Start, End string
}

// Timed reports whether the entry is shown at its times rather than as an
// all-day event: an hourly or half-day telework with times in order.
func (e Entry) Timed() bool {
	if e.Unit == policy.FullDay || e.Unit == "" {
		return false
	}
	s, ok1 := hm(e.Start)
	en, ok2 := hm(e.End)
	return ok1 && ok2 && s < en
}

// hm is the minutes of an "HH:MM" time.
func hm(v string) (int, bool) {
	t, err := time.Parse("15:04", v)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// Shown are the day states that appear on the schedule: planned
// (submitted, approved) and under way or done.
var Shown = []apply.Status{apply.Submitted, apply.Approved, apply.Started, apply.Finished, apply.Reported, apply.Confirmed}

func shown(s apply.Status) bool {
	for _, x := range Shown {
		if x == s {
			return true
		}
	}
	return false
}

// Entries lists the shown days of apps within from–to (inclusive), with
// names from names (staff id → 氏名), in date order as given.
func Entries(tenantID int64, apps []*apply.Application, names map[int64]string, from, to calendar.Date) []Entry {
	var out []Entry
	for _, a := range apps {
		for _, d := range a.Days {
			if !shown(d.Status) || d.Date.Before(from) || to.Before(d.Date) {
				continue
			}
			out = append(out, Entry{TenantID: tenantID, ApplicationID: a.ID, StaffID: a.StaffID, Name: names[a.StaffID],
				Date: d.Date, Mode: string(a.Mode), Status: d.Status, UpdatedAt: d.UpdatedAt,
				Unit: a.TimeUnit, Start: a.Start, End: a.End})
		}
	}
	return out
}

// UID is the stable identity of an entry: the same person, day and
// application give the same UID in every feed and every fetch.
func (e Entry) UID() string {
	return fmt.Sprintf("telework-%d-%d-%d-%s@telework", e.TenantID, e.StaffID, e.ApplicationID, e.Date.String())
}

// Summary is the entry's title in lang (「山田 太郎 在宅勤務(承認済)」); a
// half day without times, shown all day, names its half
// (「山田 太郎 在宅勤務・午前(承認済)」).
func (e Entry) Summary(lang string) string {
	args := map[string]any{"Name": e.Name,
		"Mode": i18n.T(lang, "schedule.mode."+e.Mode, nil), "Status": i18n.T(lang, "schedule.status."+string(e.Status), nil)}
	if (e.Unit == policy.AM || e.Unit == policy.PM) && !e.Timed() {
		args["Half"] = i18n.T(lang, "schedule.half."+string(e.Unit), nil)
		return i18n.T(lang, "schedule.summary_half", args)
	}
	return i18n.T(lang, "schedule.summary", args)
}

// Description is the entry's plan and result in lang ("" when neither is
// known or shown).
func (e Entry) Description(lang string) string {
	var out string
	if e.Plan != "" {
		out = i18n.T(lang, "schedule.plan", map[string]any{"Text": e.Plan})
	}
	if e.Result != "" {
		if out != "" {
			out += "\n"
		}
		out += i18n.T(lang, "schedule.result", map[string]any{"Text": e.Result})
	}
	return out
}

// ICS is the feed named name of entries, as RFC 5545 text: one VEVENT per
// entry, all-day or, for an hourly or half day with times, at its times
// in Asia/Tokyo (Entry.Timed), TRANSP:TRANSPARENT (telework is not busy time), a
// submitted day TENTATIVE, others CONFIRMED; lines folded at 75 octets
// (fold.go).
func ICS(name string, entries []Entry, lang string, now time.Time) ([]byte, error) {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, "-//telework//schedule//JA")
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	cal.Props.SetText("X-WR-CALNAME", name)
	raw(cal.Props, "X-WR-TIMEZONE", "Asia/Tokyo")
	// A calendar holds at least one component (RFC 5545 3.6): the time
	// zone of Japan is always there, so an empty schedule is valid too.
	tz := ical.NewComponent(ical.CompTimezone)
	tz.Props.SetText(ical.PropTimezoneID, "Asia/Tokyo")
	std := ical.NewComponent(ical.CompTimezoneStandard)
	raw(std.Props, ical.PropDateTimeStart, "19700101T000000") // local time, as RFC 5545 3.6.5 wants
	raw(std.Props, ical.PropTimezoneOffsetFrom, "+0900")
	raw(std.Props, ical.PropTimezoneOffsetTo, "+0900")
	std.Props.SetText(ical.PropTimezoneName, "JST")
	tz.Children = append(tz.Children, std)
	cal.Children = append(cal.Children, tz)
	for _, e := range entries {
		ev := ical.NewEvent()
		ev.Props.SetText(ical.PropUID, e.UID())
		stamp := e.UpdatedAt
		if stamp.IsZero() {
			stamp = now
		}
		ev.Props.SetDateTime(ical.PropDateTimeStamp, stamp.UTC())
		if e.Timed() {
			// At its times in Japan (TZID=Asia/Tokyo, the VTIMEZONE above),
			// so a 09:00–11:00 telework shows at 09:00–11:00.
			s, _ := hm(e.Start)
			en, _ := hm(e.End)
			day := time.Date(e.Date.Year, e.Date.Month, e.Date.Day, 0, 0, 0, 0, calendar.Tokyo)
			ev.Props.SetDateTime(ical.PropDateTimeStart, day.Add(time.Duration(s)*time.Minute))
			ev.Props.SetDateTime(ical.PropDateTimeEnd, day.Add(time.Duration(en)*time.Minute))
		} else {
			day := time.Date(e.Date.Year, e.Date.Month, e.Date.Day, 0, 0, 0, 0, time.UTC)
			ev.Props.SetDate(ical.PropDateTimeStart, day)
			ev.Props.SetDate(ical.PropDateTimeEnd, day.AddDate(0, 0, 1))
		}
		ev.Props.SetText(ical.PropSummary, e.Summary(lang))
		ev.Props.SetText(ical.PropTransparency, "TRANSPARENT")
		status := "CONFIRMED"
		if e.Status == apply.Submitted {
			status = "TENTATIVE"
		}
		ev.Props.SetText(ical.PropStatus, status)
		if d := e.Description(lang); d != "" {
			ev.Props.SetText(ical.PropDescription, d)
		}
		cal.Children = append(cal.Children, ev.Component)
	}
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("schedule: encode feed: %w", err)
	}
	return fold(buf.Bytes()), nil
}

// raw sets a property to value as written, without parameters.
func raw(props ical.Props, name, value string) {
	p := ical.NewProp(name)
	p.Value = value
	props.Set(p)
}
