package web_test

import (
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestApplyFromNamesTheApplication: the form prefilled by ?from= (「この
// 内容で別の日を申請」) says which application it copied, not 「前回と同じ
// 内容」 — it may be an older one; without from= it is the last one.
func TestApplyFromNamesTheApplication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff := w.session(t, "staff")
		first := submitPage(t, w, staff, dayForm(day, "submit"))
		second := dayForm(cal1(t, db, w, day), "submit")
		second.Set("plan", "別の業務")
		submitPage(t, w, staff, second)
		res := w.do("GET", "/apply?from="+itoa(first), nil, staff)
		want := "の申請（番号" + itoa(first) + "）と同じ内容（"
		if res.code != 200 || !strings.Contains(res.body, "選んだ申請と同じ内容で申請") || !strings.Contains(res.body, want) || strings.Contains(res.body, "前回") {
			t.Errorf("/apply?from=%d does not name the application (%q):\n%s", first, want, res.body)
		}
		if res := w.do("GET", "/apply", nil, staff); !strings.Contains(res.body, "前回と同じ内容で申請") || strings.Contains(res.body, "選んだ申請") {
			t.Errorf("/apply: not the last application's content:\n%s", res.body)
		}
	})
}
