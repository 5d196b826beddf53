package web_test

import (
	"context"
	"strings"
	"testing"

	"telework/internal/auth"
	"telework/internal/tasks"
)

// tasksObjects makes a fresh object of the task inventory in each tenant
// for the route walk (the walk deletes what a DELETE route is given).
func tasksObjects(t *testing.T, w *world, object string) ([2]int64, bool) {
	t.Helper()
	ctx := context.Background()
	svc := tasks.NewService(w.db, w.db.Now)
	var out [2]int64
	for i, tn := range []int64{w.a.ID, w.b.ID} {
		it := &auth.Principal{TenantID: tn, UserID: 1, Roles: []auth.Role{auth.ITAdmin, auth.HRAdmin}}
		unit := w.units["a-team"].ID
		if i == 1 {
			unit = w.units["b-dept"].ID
		}
		var err error
		switch object {
		case "info_system":
			x := &tasks.InfoSystem{Name: "walk " + strings.ReplaceAll(t.Name(), "/", " "), Segment: tasks.LGWAN}
			err, out[i] = svc.SaveSystem(ctx, tn, it, x), x.ID
		case "task_place":
			x := &tasks.WorkPlace{Name: "walk " + t.Name(), Kind: tasks.Branch, Network: tasks.OfficeLAN}
			err, out[i] = svc.SavePlace(ctx, tn, it, x), x.ID
		case "sheet_task":
			x := &tasks.SheetTask{UnitID: unit, Name: "walk"}
			err, out[i] = svc.CreateTask(ctx, tn, it, x), x.ID
		default:
			return out, false
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return out, true
}
