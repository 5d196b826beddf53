package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"telework/internal/attach"
	"telework/internal/calendar"
	"telework/internal/cost"
	"telework/internal/handbook"
	"telework/internal/incident"
	"telework/internal/roadmap"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// trialObject creates, in each fixture tenant, a fresh object of the kind
// an issue 16 route names in its {id} (the walk deletes some), and returns
// their ids (own tenant's, another's); ok is false for other kinds.
func trialObject(t *testing.T, w *world, object string) (ids [2]int64, ok bool) {
	t.Helper()
	ctx := context.Background()
	day := calendar.DateOf(w.db.Now())
	for i, tn := range []int64{w.a.ID, w.b.ID} {
		var id int64
		var err error
		switch object {
		case "roadmap_evidence":
			var f attach.File
			f, err = roadmap.NewService(w.db, w.db.Now).AttachEvidence(ctx, tn, sys, "f4.comm.web", "evidence.pdf", []byte("%PDF"))
			id = f.ID
		case "incident":
			var in incident.Incident
			in, err = incident.NewService(w.db, w.db.Now).Report(ctx, tn, sys, 0, incident.Report{Kind: incident.KindWorry,
				Category: "family", Summary: "家族への負担", Anonymous: true})
			id = in.ID
		case "cost":
			var c cost.Cost
			c, err = cost.NewService(w.db, w.db.Now).Add(ctx, tn, sys, cost.Cost{Kind: "software", Description: "Web会議", AmountYen: 1000, PaidOn: day})
			id = c.ID
		case "handbook_page", "handbook_file":
			hb := handbook.NewService(w.db, w.db.Now)
			var p handbook.Page
			if p, err = hb.SavePage(ctx, tn, sys, handbook.Page{Title: "手引き", Body: "# 手引き", Published: true}); err == nil {
				id = p.ID
				if object == "handbook_file" {
					var f attach.File
					f, err = hb.Attach(ctx, tn, sys, attach.Owner{PageID: p.ID}, "様式.pdf", []byte("%PDF"))
					id = f.ID
				}
			}
		case "briefing":
			var b handbook.Briefing
			b, err = handbook.NewService(w.db, w.db.Now).SaveBriefing(ctx, tn, sys, handbook.Briefing{Title: "説明会", HeldOn: day})
			id = b.ID
		default:
			return ids, false
		}
		if err != nil {
			t.Fatalf("%s fixture: %v", object, err)
		}
		ids[i] = id
	}
	return ids, true
}

// TestTrialCrossTenant: every issue 16 object route answers 404 for the
// right role on another tenant's object and changes nothing there.
func TestTrialCrossTenant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr, it := w.session(t, "hr"), w.session(t, "it")
		for _, rt := range w.srv.Routes() {
			if rt.Object == "" || !strings.Contains(rt.Pattern, "{id}") {
				continue
			}
			ids, ok := trialObject(t, w, rt.Object)
			if !ok {
				continue
			}
			cookie := hr
			if rt.Rule.Allows(principals["it"]) && !rt.Rule.Allows(principals["hr"]) {
				cookie = it
			}
			path := strings.ReplaceAll(rt.Pattern, "{id}", strconv.FormatInt(ids[1], 10))
			var form url.Values
			if rt.Method == http.MethodPost {
				form = url.Values{"version": {"1"}, "status": {"in_progress"}, "note": {"x"}, "title": {"x"}}
			}
			if res := w.do(rt.Method, path, form, cookie); res.code != http.StatusNotFound {
				t.Errorf("%s %s on another tenant's %s: %d", rt.Method, rt.Pattern, rt.Object, res.code)
			}
		}
		// The other tenant's objects are untouched.
		ctx := context.Background()
		if list, total, _ := incident.NewService(db, db.Now).List(ctx, w.b.ID, incident.Filter{}); total == 0 || list[0].Status != incident.StatusNew {
			t.Errorf("another tenant's incident changed: %+v", list)
		}
		if cs, _ := cost.NewService(db, db.Now).List(ctx, w.b.ID, cost.FiscalYear(calendar.DateOf(db.Now()))); len(cs) == 0 {
			t.Error("another tenant's cost was deleted")
		}
	})
}
