package schedule

import (
	"bytes"
	"strings"
	"testing"
	"time"

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
