package policy

import (
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
)

func TestStates(t *testing.T) {
	d := func(day int) calendar.Date { return calendar.Date{Year: 2026, Month: time.April, Day: day} }
	vs := []Version{{ID: 1, Effective: d(1)}, {ID: 2, Effective: d(10)}, {ID: 3, Effective: d(20)}}
	for _, c := range []struct {
		today         calendar.Date
		inForce, past string // ids
		future        string
	}{
		{d(1), "1", "", "23"},
		{d(9), "1", "", "23"},
		{d(10), "2", "1", "3"},
		{d(25), "3", "12", ""},
		{calendar.Date{Year: 2026, Month: time.March, Day: 31}, "", "", "123"},
	} {
		var in, past, fut strings.Builder
		for _, s := range States(vs, c.today) {
			id := string(rune('0' + s.ID))
			switch {
			case s.InForce:
				in.WriteString(id)
			case s.Future:
				fut.WriteString(id)
			default:
				past.WriteString(id)
			}
		}
		if in.String() != c.inForce || past.String() != c.past || fut.String() != c.future {
			t.Errorf("%s: in force %q past %q future %q", c.today, in.String(), past.String(), fut.String())
		}
	}
}

func TestKnownReasons(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"childcare", "childcare"},
		{"nursing,bogus,nursing,childcare", "nursing,childcare"},
	} {
		var in []string
		if c.in != "" {
			in = strings.Split(c.in, ",")
		}
		if got := strings.Join(KnownReasons(in), ","); got != c.want {
			t.Errorf("KnownReasons(%q) = %q", c.in, got)
		}
	}
}
