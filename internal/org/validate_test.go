package org

import (
	"slices"
	"strings"
	"testing"

	"telework/internal/apperr"
)

// fields lists the fields an error names, in order.
func fields(err error) []string {
	e := apperr.As(err)
	if e == nil {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+":"+f.Key)
	}
	return out
}

func TestTenantValidate(t *testing.T) {
	ok := Tenant{Slug: "matsumoto", Name: "松本市", Kind: Municipality, StaffSize: 2000, GeneralAdminStaff: 1400}
	cases := []struct {
		name string
		edit func(*Tenant)
		want []string
	}{
		{"valid", func(*Tenant) {}, nil},
		{"slug upper case", func(t *Tenant) { t.Slug = "Matsumoto" }, []string{"slug:field.slug_format"}},
		{"slug one letter", func(t *Tenant) { t.Slug = "m" }, []string{"slug:field.slug_format"}},
		{"slug with a space", func(t *Tenant) { t.Slug = "matsu moto" }, []string{"slug:field.slug_format"}},
		{"name empty", func(t *Tenant) { t.Name = "  " }, []string{"name:field.required"}},
		{"kind unknown", func(t *Tenant) { t.Kind = "village" }, []string{"kind:field.choice"}},
		{"negative size", func(t *Tenant) { t.StaffSize = -1; t.GeneralAdminStaff = -1 }, []string{"staff_size:field.range", "general_admin_staff:field.general_admin_le_staff"}},
		{"general admin above staff", func(t *Tenant) { t.GeneralAdminStaff = 2001 }, []string{"general_admin_staff:field.general_admin_le_staff"}},
	}
	for _, c := range cases {
		tn := ok
		c.edit(&tn)
		if got := fields(tn.Validate()); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestUnitValidate(t *testing.T) {
	cases := []struct {
		u    Unit
		want []string
	}{
		{Unit{Code: "110", Name: "人事課", Level: "課"}, nil},
		{Unit{Code: " 110 ", Name: " 人事課 ", Level: "課"}, nil}, // trimmed
		{Unit{Code: "11 0", Name: "人事課", Level: "課"}, []string{"code:field.code_format"}},
		{Unit{Code: "", Name: "", Level: ""}, []string{"code:field.code_format", "name:field.required", "level:field.required"}},
		{Unit{Code: "1", Name: strings.Repeat("課", 61), Level: "課"}, []string{"name:field.too_long"}},
		{Unit{Code: "123456789012345678901", Name: "課", Level: "課課課課課課課課課課課"}, []string{"code:field.code_format", "level:field.too_long"}},
		// PostgreSQL's INTEGER refused 2147483648 with a 500.
		{Unit{Code: "1", Name: "課", Level: "課", SortOrder: 2147483648}, []string{"sort_order:field.range"}},
		{Unit{Code: "1", Name: "課", Level: "課", SortOrder: -1}, []string{"sort_order:field.range"}},
	}
	for i, c := range cases {
		if got := fields(c.u.Validate()); !slices.Equal(got, c.want) {
			t.Errorf("case %d: %v, want %v", i, got, c.want)
		}
	}
}

func TestStaffValidate(t *testing.T) {
	ok := Staff{StaffNo: "012345", Name: "松本 花子", Kana: "まつもと はなこ", Email: "h.matsumoto@city.example.lg.jp", UnitID: 1,
		Title: "主事", Rank: RankStaff, Employment: Regular, JobType: "general"}
	cases := []struct {
		name string
		edit func(*Staff)
		want []string
	}{
		{"valid", func(*Staff) {}, nil},
		{"katakana reading", func(s *Staff) { s.Kana = "マツモト ハナコ" }, nil},
		{"half-width reading", func(s *Staff) { s.Kana = "ﾏﾂﾓﾄ ﾊﾅｺ" }, nil},
		{"kanji in the reading", func(s *Staff) { s.Kana = "松本 はなこ" }, []string{"kana:field.kana_only"}},
		{"no staff number", func(s *Staff) { s.StaffNo = "" }, []string{"staff_no:field.code_format"}},
		{"bad e-mail", func(s *Staff) { s.Email = "花子@" }, []string{"email:field.email"}},
		{"display-name e-mail", func(s *Staff) { s.Email = "Hanako <h@example.jp>" }, []string{"email:field.email"}},
		{"no unit", func(s *Staff) { s.UnitID = 0 }, []string{"unit_id:field.required"}},
		{"long title", func(s *Staff) { s.Title = strings.Repeat("長", 31) }, []string{"title:field.too_long"}},
		{"unknown rank", func(s *Staff) { s.Rank = "boss" }, []string{"rank:field.choice"}},
		{"unknown employment", func(s *Staff) { s.Employment = "temp" }, []string{"employment:field.choice"}},
		{"unknown job type", func(s *Staff) { s.JobType = "pilot" }, []string{"job_type:field.choice"}},
		{"sensitive out of range", func(s *Staff) { s.Sensitive = &Sensitive{Gender: "x", CommuteMinutes: 601} },
			[]string{"gender:field.choice", "commute_minutes:field.range"}},
		{"sensitive empty values", func(s *Staff) { s.Sensitive = &Sensitive{} }, nil},
	}
	for _, c := range cases {
		st := ok
		c.edit(&st)
		if got := fields(st.Validate()); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// A half-width reading is stored full width, its voiced marks joined.
	st := ok
	st.Kana = " ﾏﾂﾓﾄﾞ　ﾊﾅｺｰ "
	if err := st.Validate(); err != nil || st.Kana != "マツモド ハナコー" {
		t.Errorf("half-width reading stored as %q (%v)", st.Kana, err)
	}
}

func TestSameReading(t *testing.T) {
	cases := []struct {
		a, b string
		same bool
	}{
		{"やまだ たろう", "ヤマダ タロウ", true},
		{"やまだ たろう", "ﾔﾏﾀﾞ ﾀﾛｳ", true},
		{"やまだ　たろう", "やまだ たろう", true},
		{"やまだ たろう", "やまだ じろう", false},
		{"やまだ たろう", "やまだたろう", false}, // a space moved is an edit
		{"ゔぁ", "ヴァ", true},
	}
	for _, c := range cases {
		if got := SameReading(c.a, c.b); got != c.same {
			t.Errorf("SameReading(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

// TestNameFieldsSayWhatIsNamed: the messages about a tenant's and a unit's
// "name" say 団体名 and 所属名, never 氏名 (the label of "name" elsewhere);
// a unit's name of 61 characters said 「氏名」は60文字以内.
func TestNameFieldsSayWhatIsNamed(t *testing.T) {
	long := func(n int) string { return strings.Repeat("課", n) }
	cases := []struct {
		name  string
		err   error
		label string
	}{
		{"tenant name empty", (&Tenant{Slug: "matsumoto", Name: " ", Kind: Municipality}).Validate(), "fieldname.tenant_name"},
		{"tenant name too long", (&Tenant{Slug: "matsumoto", Name: long(101), Kind: Municipality}).Validate(), "fieldname.tenant_name"},
		{"unit name empty", (&Unit{Code: "100", Name: "", Level: "課"}).Validate(), "fieldname.unit_name"},
		{"unit name too long", (&Unit{Code: "100", Name: long(61), Level: "課"}).Validate(), "fieldname.unit_name"},
		{"unit name with U+202E", (&Unit{Code: "100", Name: "総務\u202E課", Level: "課"}).Validate(), "fieldname.unit_name"},
	}
	for _, c := range cases {
		e := apperr.As(c.err)
		if e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "name" || e.Fields[0].Args["LabelKey"] != c.label {
			t.Errorf("%s: %+v, want the name field labelled %s", c.name, e, c.label)
		}
	}
}
