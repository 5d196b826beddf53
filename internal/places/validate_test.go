package places_test

import (
	"slices"
	"strings"
	"testing"

	"telework/internal/apperr"
	"telework/internal/i18n"
	"telework/internal/places"
	"telework/internal/tasks"
)

// TestOfficeValidate: the network is chosen, never defaulted; a private
// share office is hourly with 部外者 whatever was sent, and a seat cap for
// it is refused; messages name the office's own fields and the range's
// maximum.
func TestOfficeValidate(t *testing.T) {
	base := func(edit func(o *places.Office)) *places.Office {
		o := places.NewOffice()
		o.Name, o.Network, o.Seats = "四賀支所", tasks.OfficeLAN, 4
		edit(o)
		return o
	}
	for _, c := range []struct {
		name  string
		o     *places.Office
		field string // "" when valid
		ja    string // a part of the Japanese message
	}{
		{"valid", base(func(*places.Office) {}), "", ""},
		{"network omitted", base(func(o *places.Office) { o.Network = "" }), "network", "「ネットワーク」を入力してください"},
		{"network unknown", base(func(o *places.Office) { o.Network = "wifi" }), "network", "「ネットワーク」は一覧から選んでください"},
		{"name empty", base(func(o *places.Office) { o.Name = " " }), "name", "「オフィスの名称」を入力してください"},
		{"name too long", base(func(o *places.Office) { o.Name = string(make([]rune, 101)) }), "name", "「オフィスの名称」は100文字以内"},
		{"kind unknown", base(func(o *places.Office) { o.Kind = "tenant" }), "kind", "「オフィスの種類」は一覧から選んでください"},
		{"seats too many", base(func(o *places.Office) { o.Seats = 100000000 }), "seats", "「席数」は0から100000までの整数"},
		{"pcs negative", base(func(o *places.Office) { o.PCs = -1 }), "pcs", "0から100000までの整数"},
		{"private share with a seat cap", base(func(o *places.Office) { o.Kind = tasks.PrivateShare }), "seats", "民間シェアオフィスは時間単位の利用で席数の上限がない"},
		{"private share", base(func(o *places.Office) { o.Kind, o.Seats, o.Hourly, o.Outsiders = tasks.PrivateShare, 0, false, false }), "", ""},
		// Only a private share office is uncapped: hourly on another kind
		// is refused, not taken as "no seat cap" (issue 14 review).
		{"hourly community office", base(func(o *places.Office) { o.Kind, o.Hourly = tasks.Community, true }), "hourly", "民間シェアオフィスの場合だけ"},
		{"hourly branch without seats", base(func(o *places.Office) { o.Seats, o.Hourly = 0, true }), "hourly", "「時間単位で利用(席数の上限なし)」"},
		// 部外者 and physical security exclude each other; both are named.
		{"outsiders with physical security", base(func(o *places.Office) { o.Outsiders, o.PhysicalSecurity = true, true }), "physical_security", "「部外者あり」と「庁舎と同等の物理的な対策」は両立しません"},
		{"private share with physical security", base(func(o *places.Office) { o.Kind, o.Seats, o.PhysicalSecurity = tasks.PrivateShare, 0, true }), "physical_security", "両立しません"},
		{"outsiders without physical security", base(func(o *places.Office) { o.Outsiders = true }), "", ""},
		// Invisible characters and the lengths of the address and note.
		{"name with a bidi override", base(func(o *places.Office) { o.Name = "四賀\u202e支所" }), "name", "「オフィスの名称」に目に見えない文字または制御文字(U+202E)"},
		{"address with a control character", base(func(o *places.Office) { o.Address = "松本市\x07" }), "address", "「所在地」に目に見えない文字または制御文字(U+0007)"},
		{"address with a line break", base(func(o *places.Office) { o.Address = "松本市\n四賀" }), "address", "(U+000A)"},
		{"address too long", base(func(o *places.Office) { o.Address = strings.Repeat("あ", 201) }), "address", "「所在地」は200文字以内"},
		{"note with a bidi override", base(func(o *places.Office) { o.Note = "駐車場\u202eあり" }), "note", "「備考」に目に見えない文字"},
		{"note too long", base(func(o *places.Office) { o.Note = strings.Repeat("あ", 1001) }), "note", "「備考」は1000文字以内"},
		{"note of several lines", base(func(o *places.Office) { o.Note = "駐車場あり\r\n\t2台" }), "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.o.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.o.Kind == tasks.PrivateShare && (!c.o.Hourly || !c.o.Outsiders || c.o.Capacity(places.Seat) != -1) {
					t.Fatalf("a private share office is hourly, without a cap, with 部外者: %+v", c.o)
				}
				return
			}
			e := apperr.As(err)
			want := []string{c.field}
			if c.field == "physical_security" {
				want = append(want, "outsiders") // the pair, both named
			}
			var got []string
			if e != nil {
				for _, f := range e.Fields {
					got = append(got, f.Field)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("want errors on %v, got %v", want, err)
			}
			if msg := i18n.FieldMessages("ja", err)[c.field]; !strings.Contains(msg, c.ja) {
				t.Fatalf("message %q, want %q", msg, c.ja)
			}
		})
	}
}

// TestClosedDays: closed days are read as a clerk types them — Japanese
// weekday names (土, 土曜, 土曜日), English codes and names, dates — split
// by 「,」「、」「，」 or spaces, and kept in the canonical form (sat, a
// date); anything else is refused on closed_days with a message that
// names the field and the forms it takes.
func TestClosedDays(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // canonical, joined by ","; "" when refused
	}{
		{"sat,sun", "sat,sun"},
		{"土,日", "sat,sun"},
		{"土、日", "sat,sun"},
		{"土曜，日曜", "sat,sun"},
		{"土曜日　日曜日 2026-12-29", "sat,sun,2026-12-29"},
		{"（月）", "mon"},
		{"Saturday, SUN", "sat,sun"},
		{"", ""},
		{"曜日", ""},
		{"土日", "sat,sun"},
		{"土・日", "sat,sun"},
		{"土曜日曜", ""},
		{"2026-13-01", ""},
	} {
		t.Run(c.in, func(t *testing.T) {
			o := places.NewOffice()
			o.Name, o.Network, o.Seats = "四賀支所", tasks.OfficeLAN, 4
			o.ClosedDays = places.SplitClosedDays(c.in)
			err := o.Validate()
			if c.want == "" && c.in != "" {
				if msg := i18n.FieldMessages("ja", err)["closed_days"]; !strings.Contains(msg, "休館日") || !strings.Contains(msg, "土、日") {
					t.Fatalf("want a refusal on closed_days, got %v (%q)", err, msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(o.ClosedDays, ","); got != c.want {
				t.Fatalf("%q: got %q, want %q", c.in, got, c.want)
			}
		})
	}
	// The API sends the items as an array, unsplit: 「土日」 there is 土
	// and 日 as on the form.
	for _, items := range [][]string{{"土日"}, {"土日", "2027-01-04"}, {"sat", "日曜"}} {
		o := places.NewOffice()
		o.Name, o.Network, o.Seats = "四賀支所", tasks.OfficeLAN, 4
		o.ClosedDays = slices.Clone(items)
		if err := o.Validate(); err != nil || !slices.Equal(o.ClosedDays[:2], []string{"sat", "sun"}) {
			t.Errorf("API items %q: %v %q", items, err, o.ClosedDays)
		}
	}
	if got := places.ClosedDayLabel("ja", "sat") + places.ClosedDayLabel("en", "sat") + places.ClosedDayLabel("ja", "2026-12-29"); got != "土sat2026-12-29" {
		t.Fatalf("labels: %q", got)
	}
}
