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
// told apart and a 課 made later still sits under its 部; a person sees
// only the units whose board they may open (their own, above and below),
// HR every unit.
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
		choices := func(who string) []string {
			res := w.do("GET", "/board", nil, w.session(t, who))
			var got []string
			for _, m := range boardOptionRE.FindAllStringSubmatch(res.body, -1) {
				got = append(got, html.UnescapeString(m[1]))
			}
			return got
		}
		want := []string{"総務部", "総務部/人事課", "総務部/人事課/人事係", "総務部/総務課", "総務部/総務課/総務係",
			"市民部", "市民部/市民課", "市民部/市民課/総務係"}
		if got := choices("hr"); !slices.Equal(got, want) {
			t.Errorf("board units for HR:\n got %q\nwant %q", got, want)
		}
		mine := choices("staff")
		if want := []string{"総務部", "総務部/人事課", "総務部/人事課/人事係"}; !slices.Equal(mine, want) {
			t.Errorf("board units for a 人事係 member:\n got %q\nwant %q", mine, want)
		}
		for _, name := range mine {
			if res := w.do("GET", "/board?unit_id="+itoa(unitByPath(t, w, db, name)), nil, w.session(t, "staff")); res.code != 200 {
				t.Errorf("offered %q, its board answers %d", name, res.code)
			}
		}
	})
}

// unitByPath is the id of the unit of a's tree with that path.
func unitByPath(t *testing.T, w *world, db *store.DB, path string) int64 {
	t.Helper()
	units, err := db.FindUnits(context.Background(), w.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	tr := org.NewTree(units)
	for _, u := range units {
		if tr.PathString(u.ID) == path {
			return u.ID
		}
	}
	t.Fatalf("no unit %q", path)
	return 0
}
