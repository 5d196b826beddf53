package presence_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/org"
	"telework/internal/presence"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// TestPlanVisible: who sees a person's plan and result, by relationship
// and the section's opt-in (a unit above opting in shares below it).
func TestPlanVisible(t *testing.T) {
	tr := org.NewTree([]*org.Unit{{ID: 1, Name: "総務部"}, {ID: 2, ParentID: 1, Name: "総務課"}, {ID: 3, ParentID: 2, Name: "総務係"},
		{ID: 4, ParentID: 1, Name: "人事課"}})
	const person, unit = 10, 3
	cases := []struct {
		name  string
		v     presence.Viewer
		share []int64
		want  bool
	}{
		{"the person", presence.Viewer{StaffID: person, UnitID: unit}, nil, true},
		{"a colleague, no opt-in", presence.Viewer{StaffID: 11, UnitID: unit}, nil, false},
		{"a colleague, the section opted in", presence.Viewer{StaffID: 11, UnitID: unit}, []int64{3}, true},
		{"a colleague, the 課 above opted in", presence.Viewer{StaffID: 11, UnitID: unit}, []int64{2}, true},
		{"a colleague, another section opted in", presence.Viewer{StaffID: 11, UnitID: unit}, []int64{4}, false},
		{"the 課長 over them", presence.Viewer{StaffID: 12, UnitID: 2, Supervisor: true}, nil, true},
		{"another section's head", presence.Viewer{StaffID: 13, UnitID: 4, Supervisor: true}, nil, false},
		{"a supervisor flag in the same unit", presence.Viewer{StaffID: 14, UnitID: unit, Supervisor: true}, nil, true},
		{"HR", presence.Viewer{StaffID: 15, UnitID: 4, HR: true}, nil, true},
		{"a member of the 課 seeing a 係 that did not opt in", presence.Viewer{StaffID: 16, UnitID: 2}, nil, false},
		{"a member of the 課 when the 課 opted in", presence.Viewer{StaffID: 16, UnitID: 2}, []int64{2}, true},
		{"a sibling section's member (on the 部's board), the 係 opted in", presence.Viewer{StaffID: 17, UnitID: 4}, []int64{3}, false},
		{"a 部 member above an opted-in 係", presence.Viewer{StaffID: 18, UnitID: 1}, []int64{3}, false},
		{"no viewer (a retired feed owner), the 係 opted in", presence.Viewer{}, []int64{3}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := presence.NewSharing(tr, c.share).PlanVisible(c.v, person, unit); got != c.want {
				t.Errorf("PlanVisible = %v, want %v", got, c.want)
			}
		})
	}
}

// TestPlanSharingAudited: only the head over the unit (or HR) turns the
// sharing on, in one audited change with before and after (none when
// nothing changes); the board's plans and results follow it for the team,
// while the supervisor and the person always see them.
func TestPlanSharingAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		team := f.unit["総務係"].ID
		_, err := f.wt.Start(ctx, f.a.ID, f.who["山田"], 0, worktime.Report{Mode: "home", Plan: "予算資料"})
		storetest.Must(t, err)
		f.now = f.now.Add(8 * time.Hour)
		_, err = f.wt.End(ctx, f.a.ID, f.who["山田"], 0, worktime.Report{Result: "予算資料を提出"})
		storetest.Must(t, err)
		plan := func(who string) (string, string) {
			t.Helper()
			rows, err := f.svc.Board(ctx, f.a.ID, f.who[who], team)
			storetest.Must(t, err)
			for _, r := range rows {
				if r.Name == "山田" {
					return r.Plan, r.Result
				}
			}
			t.Fatalf("山田 not on %s's board", who)
			return "", ""
		}
		for who, want := range map[string]bool{"佐藤": false, "課長": true, "山田": true} {
			p, r := plan(who)
			if (p == "予算資料" && r == "予算資料を提出") != want || (p == "" && r == "") == want {
				t.Errorf("%s before opt-in sees %q / %q", who, p, r)
			}
		}
		_, err = f.svc.SetPlanSharing(ctx, f.a.ID, f.who["佐藤"], team, true)
		mustCode(t, err, apperr.Forbidden)
		_, err = f.svc.SetPlanSharing(ctx, f.b.ID, f.who["他市"], team, true)
		mustCode(t, err, apperr.NotFound)
		st, err := f.svc.SetPlanSharing(ctx, f.a.ID, f.who["課長"], team, true)
		storetest.Must(t, err)
		if !st.Enabled || !st.CanChange {
			t.Fatalf("state: %+v", st)
		}
		_, err = f.svc.SetPlanSharing(ctx, f.a.ID, f.who["課長"], team, true) // no change: no entry
		storetest.Must(t, err)
		es, err := db.FindAuditEntries(ctx, f.a.ID, audit.Filter{Action: "presence.plan_sharing", Limit: 10})
		storetest.Must(t, err)
		if len(es) != 1 || string(es[0].Before) != `{"plan_sharing":false}` || string(es[0].After) != `{"plan_sharing":true}` {
			t.Fatalf("audit: %+v", es)
		}
		if p, r := plan("佐藤"); p != "予算資料" || r != "予算資料を提出" {
			t.Errorf("team after opt-in sees %q / %q", p, r)
		}
		got, err := f.svc.PlanSharing(ctx, f.a.ID, f.who["佐藤"], team)
		storetest.Must(t, err)
		if !got.Enabled || got.CanChange {
			t.Errorf("colleague's view of the setting: %+v", got)
		}
		hrWho := &auth.Principal{TenantID: f.a.ID, Roles: []auth.Role{auth.HRAdmin}}
		_, err = f.svc.SetPlanSharing(ctx, f.a.ID, hrWho, team, false)
		storetest.Must(t, err)
		if p, r := plan("佐藤"); p != "" || r != "" {
			t.Errorf("team after opt-out sees %q / %q", p, r)
		}
	})
}

// TestAutoAwayChoiceAudited: switching automatic 退席中 off or on is a
// stored personal setting: each change is recorded once
// (presence.auto_away, before and after), in its transaction; a change of
// presence that keeps the choice writes no entry (the presence itself
// keeps no history).
func TestAutoAwayChoiceAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		me := f.who["山田"]
		on, off := true, false
		for i, c := range []struct {
			auto    *bool
			entries int
		}{{nil, 0}, {&on, 0}, {&off, 1}, {&off, 1}, {nil, 1}, {&on, 2}} {
			_, err := f.svc.Set(ctx, f.a.ID, me, presence.Update{Status: presence.Available, AutoAway: c.auto})
			storetest.Must(t, err)
			ents, err := db.FindAuditEntries(ctx, f.a.ID, audit.Filter{Action: "presence.auto_away"})
			storetest.Must(t, err)
			if len(ents) != c.entries {
				t.Fatalf("step %d: %d entries, want %d", i, len(ents), c.entries)
			}
		}
		ents, _ := db.FindAuditEntries(ctx, f.a.ID, audit.Filter{Action: "presence.auto_away"})
		for _, e := range ents {
			if e.ObjectType != "staff" || e.ObjectID != fmt.Sprint(me.StaffID) {
				t.Errorf("entry names %s %s", e.ObjectType, e.ObjectID)
			}
		}
		var got []string
		for _, e := range ents {
			got = append(got, string(e.Before)+" → "+string(e.After))
		}
		slices.Sort(got)
		if want := []string{`{"auto_away":false} → {"auto_away":true}`, `{"auto_away":true} → {"auto_away":false}`}; !slices.Equal(got, want) {
			t.Errorf("entries %q, want %q", got, want)
		}
		if p, _ := f.svc.Mine(ctx, f.a.ID, me); !p.AutoAway {
			t.Error("automatic 退席中 is off after switching it on")
		}
	})
}
