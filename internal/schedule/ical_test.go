package schedule

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/policy"
)

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestICSParsesBack: the feed is valid RFC 5545 read back by go-ical's
// decoder: one all-day event per shown day, Japanese summaries, stable
// UIDs, a submitted day tentative; drafts, cancelled days and days out of
// range are left out.
func TestICSParsesBack(t *testing.T) {
	at := time.Date(2026, 12, 1, 1, 2, 3, 0, time.UTC)
	apps := []*apply.Application{
		{ID: 7, StaffID: 3, Mode: policy.Home, Days: []apply.Day{
			{Date: day("2026-12-03"), Status: apply.Approved, UpdatedAt: at},
			{Date: day("2026-12-04"), Status: apply.Submitted, UpdatedAt: at},
			{Date: day("2026-12-05"), Status: apply.Cancelled, UpdatedAt: at},
			{Date: day("2027-02-01"), Status: apply.Approved, UpdatedAt: at}}},
		{ID: 8, StaffID: 4, Mode: policy.Satellite, Days: []apply.Day{{Date: day("2026-12-03"), Status: apply.Draft}}},
	}
	es := Entries(1, apps, map[int64]string{3: "山田 太郎", 4: "佐藤 花子"}, day("2026-12-01"), day("2026-12-31"))
	if len(es) != 2 {
		t.Fatalf("entries %+v", es)
	}
	raw, err := ICS("総務課のテレワーク予定", es, "ja", at)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("\r\n")) {
		t.Error("lines not CRLF")
	}
	for _, l := range strings.Split(string(raw), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line longer than 75 octets: %q", l)
		}
	}
	cal, err := ical.NewDecoder(bytes.NewReader(raw)).Decode()
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, raw)
	}
	evs := cal.Events()
	if len(evs) != 2 {
		t.Fatalf("%d events", len(evs))
	}
	sum, _ := evs[0].Props.Text(ical.PropSummary)
	if sum != "山田 太郎 在宅勤務(承認済)" {
		t.Errorf("summary %q", sum)
	}
	uid, _ := evs[0].Props.Text(ical.PropUID)
	if uid != "telework-1-3-7-2026-12-03@telework" {
		t.Errorf("uid %q", uid)
	}
	start, err := evs[0].DateTimeStart(time.UTC)
	if err != nil || !start.Equal(time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)) || evs[0].Props.Get(ical.PropDateTimeStart).ValueType() != ical.ValueDate {
		t.Errorf("start %v %v", start, err)
	}
	if st, _ := evs[1].Props.Text(ical.PropStatus); st != "TENTATIVE" {
		t.Errorf("submitted day status %q", st)
	}
	// Stable: the same input gives the same bytes.
	again, _ := ICS("総務課のテレワーク予定", es, "ja", at.Add(time.Hour))
	if !bytes.Equal(raw, again) {
		t.Error("feed changed between fetches without a change")
	}
}

// TestICSFoldsLongLines: a day's plan of 70 Japanese characters (a
// 250-octet DESCRIPTION unfolded) and a long name are folded at 75 octets
// with CRLF and a space, never inside a character, and go-ical's decoder
// reads the same text back.
func TestICSFoldsLongLines(t *testing.T) {
	at := time.Date(2026, 12, 1, 1, 2, 3, 0, time.UTC)
	plan := strings.Repeat("議会答弁資料の作成と確認、", 4) + "課内の打合せ準備を行う予定です。以上" // 70 characters, 210 octets
	if n := utf8.RuneCountInString(plan); n != 70 {
		t.Fatalf("plan has %d characters", n)
	}
	result := "完了; 残り: 明日\\確認" // ; , \ are escaped as text
	es := []Entry{{TenantID: 1, ApplicationID: 7, StaffID: 3, Name: "長谷川 久美子アレクサンドラ・フォン・シュタインベルク", Date: day("2026-12-03"),
		Mode: "home", Status: apply.Approved, UpdatedAt: at, Plan: plan, Result: result}}
	raw, err := ICS("総務部総務課行政改革推進係およびデジタル推進室のテレワーク予定", es, "ja", at)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		t.Error("feed does not end with CRLF")
	}
	folded := 0
	for _, l := range strings.Split(strings.TrimSuffix(string(raw), "\r\n"), "\r\n") {
		if len(l) > MaxLine {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line splits a character: %q", l)
		}
		if strings.HasPrefix(l, " ") {
			folded++
		}
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("bare CR or LF in %q", l)
		}
	}
	if folded < 3 {
		t.Errorf("%d continuation lines; the description alone needs three", folded)
	}
	cal, err := ical.NewDecoder(bytes.NewReader(raw)).Decode()
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, raw)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	desc, err := evs[0].Props.Text(ical.PropDescription)
	if want := "予定: " + plan + "\n結果: " + result; err != nil || desc != want {
		t.Errorf("description %q (%v), want %q", desc, err, want)
	}
	if sum, _ := evs[0].Props.Text(ical.PropSummary); sum != es[0].Summary("ja") {
		t.Errorf("summary %q", sum)
	}
	if name, _ := cal.Props.Text("X-WR-CALNAME"); name != "総務部総務課行政改革推進係およびデジタル推進室のテレワーク予定" {
		t.Errorf("calendar name %q", name)
	}
}

// TestFold: the folding itself, on lines of one-, two-, three- and
// four-octet characters and on lines of exactly 75 and 76 octets.
func TestFold(t *testing.T) {
	for _, line := range []string{
		strings.Repeat("a", 75), strings.Repeat("a", 76), strings.Repeat("a", 300),
		"DESCRIPTION:" + strings.Repeat("é", 100), "DESCRIPTION:" + strings.Repeat("日", 100),
		"X:" + strings.Repeat("𠮷", 60), "X:a" + strings.Repeat("日本", 50),
	} {
		out := string(fold([]byte(line + "\r\nEND:VCALENDAR\r\n")))
		parts := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
		var joined strings.Builder
		for i, p := range parts[:len(parts)-1] {
			if len(p) > MaxLine || !utf8.ValidString(p) {
				t.Errorf("%q → line %d %q", line[:10], i, p)
			}
			if i > 0 {
				if !strings.HasPrefix(p, " ") {
					t.Errorf("continuation without space: %q", p)
				}
				p = p[1:]
			} else if len(p) < MaxLine-3 && len(line) > MaxLine {
				t.Errorf("first line cut short: %d octets", len(p))
			}
			joined.WriteString(p)
		}
		if joined.String() != line || parts[len(parts)-1] != "END:VCALENDAR" {
			t.Errorf("unfolded %q, want %q", joined.String(), line)
		}
	}
	if got := string(fold([]byte(strings.Repeat("a", 75) + "\r\n"))); got != strings.Repeat("a", 75)+"\r\n" {
		t.Errorf("a 75-octet line was folded: %q", got)
	}
}

// TestICSTimedEvents: an hourly telework, and a half day with times, show
// at their times in Japan (DTSTART;TZID=Asia/Tokyo, the feed's
// VTIMEZONE), read back by go-ical as the same instants; a half day
// without times stays all day and names its half; a full day stays all
// day; the UID does not depend on how the event is shown.
func TestICSTimedEvents(t *testing.T) {
	at := time.Date(2026, 12, 1, 1, 2, 3, 0, time.UTC)
	jst := time.FixedZone("JST", 9*3600)
	for _, c := range []struct {
		name       string
		unit       policy.TimeUnit
		start, end string
		from, to   time.Time // zero: all day
		summary    string
	}{
		{"hourly", policy.Hourly, "09:00", "11:00", time.Date(2026, 12, 3, 9, 0, 0, 0, jst), time.Date(2026, 12, 3, 11, 0, 0, 0, jst), "山田 太郎 在宅勤務(承認済)"},
		{"hourly afternoon", policy.Hourly, "13:30", "17:15", time.Date(2026, 12, 3, 13, 30, 0, 0, jst), time.Date(2026, 12, 3, 17, 15, 0, 0, jst), "山田 太郎 在宅勤務(承認済)"},
		{"morning with times", policy.AM, "08:30", "12:00", time.Date(2026, 12, 3, 8, 30, 0, 0, jst), time.Date(2026, 12, 3, 12, 0, 0, 0, jst), "山田 太郎 在宅勤務(承認済)"},
		{"morning", policy.AM, "", "", time.Time{}, time.Time{}, "山田 太郎 在宅勤務・午前(承認済)"},
		{"afternoon", policy.PM, "", "", time.Time{}, time.Time{}, "山田 太郎 在宅勤務・午後(承認済)"},
		{"full day with times", policy.FullDay, "07:30", "16:15", time.Time{}, time.Time{}, "山田 太郎 在宅勤務(承認済)"},
		{"full day", policy.FullDay, "", "", time.Time{}, time.Time{}, "山田 太郎 在宅勤務(承認済)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			apps := []*apply.Application{{ID: 7, StaffID: 3, Mode: policy.Home, TimeUnit: c.unit, Start: c.start, End: c.end,
				Days: []apply.Day{{Date: day("2026-12-03"), Status: apply.Approved, UpdatedAt: at}}}}
			es := Entries(1, apps, map[int64]string{3: "山田 太郎"}, day("2026-12-01"), day("2026-12-31"))
			raw, err := ICS("総務課のテレワーク予定", es, "ja", at)
			if err != nil {
				t.Fatal(err)
			}
			cal, err := ical.NewDecoder(bytes.NewReader(raw)).Decode()
			if err != nil {
				t.Fatalf("decode: %v\n%s", err, raw)
			}
			evs := cal.Events()
			if len(evs) != 1 {
				t.Fatalf("%d events", len(evs))
			}
			ev := evs[0]
			if uid, _ := ev.Props.Text(ical.PropUID); uid != "telework-1-3-7-2026-12-03@telework" {
				t.Errorf("uid %q", uid)
			}
			if sum, _ := ev.Props.Text(ical.PropSummary); sum != c.summary {
				t.Errorf("summary %q, want %q", sum, c.summary)
			}
			start, err1 := ev.DateTimeStart(time.UTC)
			end, err2 := ev.DateTimeEnd(time.UTC)
			if err1 != nil || err2 != nil {
				t.Fatalf("times: %v %v", err1, err2)
			}
			dt := ev.Props.Get(ical.PropDateTimeStart)
			if c.from.IsZero() {
				if dt.ValueType() != ical.ValueDate || !start.Equal(time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)) ||
					!end.Equal(time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)) {
					t.Errorf("all day: %s %v–%v", dt.Value, start, end)
				}
				return
			}
			if dt.ValueType() != ical.ValueDateTime || dt.Params.Get(ical.PropTimezoneID) != "Asia/Tokyo" ||
				!bytes.Contains(raw, []byte("DTSTART;TZID=Asia/Tokyo:20261203T"+strings.ReplaceAll(c.start, ":", "")+"00\r\n")) {
				t.Errorf("DTSTART %q %v\n%s", dt.Value, dt.Params, raw)
			}
			if !start.Equal(c.from) || !end.Equal(c.to) {
				t.Errorf("times %v–%v, want %v–%v", start, end, c.from, c.to)
			}
		})
	}
}
