package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestAPIRefusesInvalidUTF8: a JSON body with bytes that are not UTF-8 is
// a 422 naming the field (encoding/json would have stored U+FFFD), nested
// members by their dotted path.
func TestAPIRefusesInvalidUTF8(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := mkToken(t, w, "hr", false)
		unit := strconv.FormatInt(w.units["a-team"].ID, 10)
		for _, tt := range []struct{ body, field string }{
			{`{"staff_no":"2001","name":"山田` + "\xff" + `太郎","kana":"やまだ","unit_id":` + unit + `}`, "name"},
			{`{"staff_no":"2001","name":"山田","kana":"やまだ` + "\xc3" + `","unit_id":` + unit + `}`, "kana"},
			{`{"staff_no":"2001","name":"山田","kana":"やまだ","unit_id":` + unit + `,"title":"` + "\xed\xa0\x80" + `"}`, "title"},
		} {
			res := w.call("POST", "/api/v1/staff", tt.body, hr)
			if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"field":"`+tt.field+`"`) || !strings.Contains(res.body, "UTF-8") {
				t.Errorf("invalid UTF-8 in %s: %d %s", tt.field, res.code, res.body)
			}
		}
		res := w.call("GET", "/api/v1/staff?limit=50", "", hr)
		if strings.Contains(res.body, "\ufffd") || strings.Contains(res.body, `\ufffd`) {
			t.Errorf("a replacement character was stored: %s", res.body)
		}
	})
}

// TestCanonicalIDsOnly: /staff/01 is not staff 1, on pages and the API;
// neither are +1, 1.0, 0x1 or an id past int64.
func TestCanonicalIDsOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		tok := mkToken(t, w, "hr", false)
		id := strconv.FormatInt(w.staff["a-staff"].ID, 10)
		if res := w.do("GET", "/staff/"+id, nil, hr); res.code != http.StatusOK {
			t.Fatalf("canonical page: %d", res.code)
		}
		if res := w.call("GET", "/api/v1/staff/"+id, "", tok); res.code != http.StatusOK {
			t.Fatalf("canonical API: %d", res.code)
		}
		for _, alias := range []string{"0" + id, "00" + id, "+" + id, id + ".0", "0x" + strconv.FormatInt(w.staff["a-staff"].ID, 16),
			"-" + id, " " + id, id + "%20", "%30" + id, "99999999999999999999" + id} {
			if res := w.do("GET", "/staff/"+strings.ReplaceAll(alias, " ", "%20"), nil, hr); res.code != http.StatusNotFound {
				t.Errorf("page /staff/%s: %d, want 404", alias, res.code)
			}
			if res := w.call("GET", "/api/v1/staff/"+strings.ReplaceAll(alias, " ", "%20"), "", tok); res.code != http.StatusNotFound {
				t.Errorf("API /api/v1/staff/%s: %d, want 404", alias, res.code)
			}
		}
		uid := strconv.FormatInt(w.units["a-team"].ID, 10)
		if res := w.call("GET", "/api/v1/units/0"+uid, "", tok); res.code != http.StatusNotFound {
			t.Errorf("API /api/v1/units/0%s: %d, want 404", uid, res.code)
		}
	})
}
