package calendar

import (
	"strings"
	"testing"

	"telework/internal/apperr"
)

func TestValidateClosure(t *testing.T) {
	tests := []struct {
		h      Holiday
		fields []string
	}{
		{Holiday{Date: d(2025, 6, 2), Name: " 市制施行記念日　"}, nil},
		{Holiday{Name: "x"}, []string{"closure_date"}},
		{Holiday{Date: Date{2025, 2, 30}, Name: "x"}, []string{"closure_date"}},
		{Holiday{Date: d(1950, 1, 5), Name: "x"}, []string{"closure_date"}},
		{Holiday{Date: d(2025, 6, 2), Name: "　"}, []string{"closure_name"}},
		{Holiday{Date: d(2025, 6, 2), Name: strings.Repeat("閉", 41)}, []string{"closure_name"}},
		{Holiday{Date: d(2025, 6, 2), Name: "a\nb"}, []string{"closure_name"}},
		{Holiday{}, []string{"closure_date", "closure_name"}},
	}
	for _, tt := range tests {
		h := tt.h
		err := ValidateClosure(&h)
		var got []string
		if e := apperr.As(err); e != nil {
			for _, f := range e.Fields {
				got = append(got, f.Field)
			}
		}
		if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
			t.Errorf("%+v: fields %v, want %v", tt.h, got, tt.fields)
		}
	}
	h := Holiday{Date: d(2025, 6, 2), Name: " 市制施行記念日　"}
	if ValidateClosure(&h) != nil || h.Name != "市制施行記念日" {
		t.Errorf("name not trimmed: %q", h.Name)
	}
}
