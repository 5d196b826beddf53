package web_test

import (
	"context"
	"html"
	"regexp"
	"slices"
	"testing"

	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

var boardOptionRE = regexp.MustCompile(`<option value="\d+"(?: selected)?>([^<]*)</option>`)

// TestBoardUnitChoices: the board's 「表示する所属」 lists the units in tree
// order (部 → 課 → 係), each by its path, so that two 係 of one name are
// told apart and a 課 made later still sits under its 部.
func TestBoardUnitChoices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		unit := func(parent int64, code, name, level string) int64 {
			u := &org.Unit{ParentID: parent, Code: code, Name: name, Level: level}
			if err := storetest.F(db).CreateUnit(ctx, w.a.ID, sys, u, calendar.Date{}); err != nil {
				t.Fatal(err)
			}
			return u.ID
		}
		soumu := unit(w.units["a-dept"].ID, "120", "総務課", "課")
		unit(soumu, "121", "総務係", "係")
		unit(unit(w.units["a-other"].ID, "210", "市民課", "課"), "211", "総務係", "係")
		res := w.do("GET", "/board", nil, w.session(t, "staff"))
		var got []string
		for _, m := range boardOptionRE.FindAllStringSubmatch(res.body, -1) {
			got = append(got, html.UnescapeString(m[1]))
		}
		want := []string{"総務部", "総務部/人事課", "総務部/人事課/人事係", "総務部/総務課", "総務部/総務課/総務係",
			"市民部", "市民部/市民課", "市民部/市民課/総務係"}
		if !slices.Equal(got, want) {
			t.Errorf("board units:\n got %q\nwant %q", got, want)
		}
	})
}
