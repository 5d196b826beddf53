package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"telework/internal/apperr"
	"telework/internal/i18n"
)

// TestDecodeJSONNamesTheJSONType: a value of the wrong JSON type is
// answered with the member's path and the JSON type expected in words,
// never a Go type's name; a body of the wrong shape names the body; an
// unknown nested member is named with its path; a weekday out of range
// names recurrence.weekdays and the values allowed.
func TestDecodeJSONNamesTheJSONType(t *testing.T) {
	cases := []struct {
		body, field, ja, en string
	}{
		{`[]`, "input", "JSON のオブジェクト({…})", "JSON object"},
		{`"x"`, "input", "JSON のオブジェクト({…})", "JSON object"},
		{`{"mode":1}`, "mode", "文字列", "string"},
		{`{"break_minutes":"x"}`, "break_minutes", "整数", "whole number"},
		// A number, only not a whole one (a review saw 「数値で送ってください」).
		{`{"break_minutes":1.5}`, "break_minutes", "整数", "whole number"},
		{`{"presence_checker_id":1e30}`, "presence_checker_id", "整数", "whole number"},
		// The body's shape is the field "input" whatever is wrong with it.
		{``, "input", "送信データが空です", "empty"},
		{`{`, "input", "JSON として読み取れません", "not valid JSON"},
		{`{} {}`, "input", "JSON として読み取れません", "not valid JSON"},
		{`{"overtime_approved":"yes"}`, "overtime_approved", "「時間外勤務の事前承認」は真偽値", "boolean"},
		{`{"submit":"yes"}`, "submit", "「申請するかどうか(submit)」は真偽値", "boolean"},
		{`{"devices":"pc"}`, "devices", "配列", "array"},
		{`{"task_ids":["a"]}`, "task_ids", "整数", "whole number"},
		{`{"segments":{}}`, "segments", "配列", "array"},
		{`{"take_out":[]}`, "take_out", "「持ち出し」はオブジェクト", "object"},
		{`{"recurrence":{"weekdays":"mon"}}`, "recurrence.weekdays", "配列", "array"},
		{`{"take_out":{"zzz":1}}`, "take_out.zzz", "という項目はありません", "no field"},
		{`{"range":{"from":"2026-01-01"},"zzz":1}`, "zzz", "という項目はありません", "no field"},
		{`{"recurrence":{"weekdays":["xyz"]}}`, "recurrence.weekdays", "sun・mon", "0 to 6"},
		{`{"recurrence":{"weekdays":[9]}}`, "recurrence.weekdays", "0〜6", "0 to 6"},
		{`{"recurrence":{"weekdays":[-1]}}`, "recurrence.weekdays", "0〜6", "0 to 6"},
		// A control character in any string (NUL: PostgreSQL refused it with
		// a 500, SQLite stored it and a backup then would not restore).
		{`{"plan":"a\u0000b"}`, "plan", "制御文字(U+0000)", "control character (U+0000)"},
		{`{"segments":[{"place_name":"x\u001b"}]}`, "segments.place_name", "制御文字(U+001B)", "control character"},
		{"{\"plan\":\"a\u0085b\"}", "plan", "制御文字(U+0085)", "control character"},
		{"{\"plan\":\"a\x7fb\"}", "plan", "制御文字(U+007F)", "control character"},
	}
	for _, c := range cases {
		var in applicationInput
		err := decodeJSON(httptest.NewRequest("POST", "/", strings.NewReader(c.body)), &in)
		e := apperr.As(err)
		if e == nil || len(e.Fields) != 1 || e.Fields[0].Field != c.field {
			t.Errorf("%s: %v, want a field error on %q", c.body, err, c.field)
			continue
		}
		for lang, want := range map[string]string{"ja": c.ja, "en": c.en} {
			got := i18n.FieldMessages(lang, err)[c.field]
			if !strings.Contains(got, want) || strings.Contains(got, "api.") || strings.Contains(got, "struct") ||
				strings.Contains(got, "int64") || strings.Contains(got, "policy.") || strings.Contains(got, "field.") {
				t.Errorf("%s (%s): %q, want %q", c.body, lang, got, want)
			}
		}
	}
}
