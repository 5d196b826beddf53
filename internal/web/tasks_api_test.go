package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

func TestAPITaskInventory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it, hr, staff, boss := mkToken(t, w, "it", false), mkToken(t, w, "hr", false), mkToken(t, w, "staff", false), mkToken(t, w, "supervisor", false)
		var sys struct{ ID int64 }
		res := w.call("POST", "/api/v1/systems", `{"name":"財務会計システム","segment":"lgwan","data_classes":["nonpublic"],"routes":["satellite"]}`, it)
		if res.code != http.StatusCreated {
			t.Fatalf("%d %s", res.code, res.body)
		}
		decode(t, res, &sys)
		if res := w.call("POST", "/api/v1/systems", `{"name":"x","segment":"lgwan"}`, staff); res.code != http.StatusForbidden {
			t.Errorf("staff creating a system: %d", res.code)
		}
		// A satellite office's phone (set on the office) is the place's in
		// the feasibility catalogue; a place that is no office has none.
		if res := w.call("POST", "/api/v1/offices", `{"name":"掛川会議室","kind":"branch","seats":5,"phone":true,"network":"internet"}`, it); res.code != http.StatusCreated {
			t.Fatalf("office with a phone: %d %s", res.code, res.body)
		}
		if res := w.call("POST", "/api/v1/task-places", `{"name":"中央公民館","kind":"community","network":"internet"}`, it); res.code != http.StatusCreated {
			t.Fatalf("place: %d %s", res.code, res.body)
		}
		if res := w.call("GET", "/api/v1/task-places", "", it); res.code != http.StatusOK ||
			!regexp.MustCompile(`"name":"掛川会議室"[^}]*"phone":true`).MatchString(res.body) || !regexp.MustCompile(`"name":"中央公民館"[^}]*"phone":false`).MatchString(res.body) {
			t.Fatalf("places' phones: %d %s", res.code, res.body)
		}
		// The device types are kept with the settings (absent: not declared).
		if res := w.call("PUT", "/api/v1/task-settings", `{"mynumber_at_branch_office":false,"devices":["loan","sim_tablet"]}`, it); res.code != http.StatusOK {
			t.Fatalf("PUT task-settings with devices: %d %s", res.code, res.body)
		}
		if res := w.call("GET", "/api/v1/task-settings", "", it); res.code != http.StatusOK || !strings.Contains(res.body, `"devices":["loan","sim_tablet"]`) {
			t.Fatalf("GET task-settings: %d %s", res.code, res.body)
		}
		if res := w.call("PUT", "/api/v1/task-settings", `{"mynumber_at_branch_office":false,"devices":["fax"]}`, it); res.code != http.StatusUnprocessableEntity {
			t.Fatalf("an unknown device type: %d %s", res.code, res.body)
		}
		if res := w.call("PUT", "/api/v1/task-settings", `{"mynumber_at_branch_office":false}`, it); res.code != http.StatusOK {
			t.Fatalf("PUT task-settings without devices: %d", res.code)
		}
		if res := w.call("GET", "/api/v1/task-settings", "", it); strings.Contains(res.body, `"devices"`) {
			t.Fatalf("devices withdrawn: %s", res.body)
		}
		res = w.call("PATCH", "/api/v1/systems/"+itoa(sys.ID), `{"routes":["satellite","home"]}`, it, "If-Match", res.header.Get("ETag"))
		if res.code != http.StatusOK || !strings.Contains(res.body, `"routes":["satellite","home"]`) {
			t.Errorf("patch: %d %s", res.code, res.body)
		}
		if res := w.call("POST", "/api/v1/task-places", `{"name":"四賀支所","kind":"branch","network":"office_lan","physical_security":true}`, it); res.code != http.StatusCreated {
			t.Errorf("place: %d %s", res.code, res.body)
		}
		// A member of 人事係 proposes a task for the sheet of 人事課; the 所属長 approves it.
		sect := itoa(w.units["a-sect"].ID)
		var task struct {
			ID     int64
			Status string
		}
		res = w.call("POST", "/api/v1/tasks", `{"unit_id":`+sect+`,"name":"支出命令の確認","timing":"通年","systems":[`+itoa(sys.ID)+`],"paper":"digitisable","hours_per_year":120}`, staff)
		decode(t, res, &task)
		if res.code != http.StatusCreated || task.Status != "proposed" {
			t.Fatalf("propose: %d %s", res.code, res.body)
		}
		if res := w.call("POST", "/api/v1/tasks/"+itoa(task.ID)+"/approve", "", staff, "If-Match", res.header.Get("ETag")); res.code != http.StatusForbidden {
			t.Errorf("staff approving: %d", res.code)
		}
		res = w.call("POST", "/api/v1/tasks/"+itoa(task.ID)+"/approve", "", boss, "If-Match", `"task-`+itoa(task.ID)+`-v1"`)
		if res.code != http.StatusOK || !strings.Contains(res.body, `"status":"approved"`) {
			t.Errorf("approve: %d %s", res.code, res.body)
		}
		res = w.call("GET", "/api/v1/tasks?unit_id="+sect, "", staff)
		if res.code != http.StatusOK || !strings.Contains(res.body, `"total":1`) || !strings.Contains(res.body, `"on_site":false`) {
			t.Errorf("sheet: %d %s", res.code, res.body)
		}
		// A meeting held in a room: only where it happens, × everywhere.
		res = w.call("POST", "/api/v1/feasibility/rate", `{"systems":[],"places":[],"tasks":[{"id":"m","name":"会議開催、運営","on_site":true}]}`, staff)
		if res.code != http.StatusOK || strings.Contains(res.body, `"rating":"○"`) || !strings.Contains(res.body, "その場でしかできない") {
			t.Errorf("rate on site: %d %s", res.code, res.body)
		}
		// The other section's member cannot read it; another tenant cannot see the task.
		if res := w.call("GET", "/api/v1/tasks?unit_id="+itoa(w.units["a-other"].ID), "", staff); res.code != http.StatusForbidden {
			t.Errorf("another section: %d", res.code)
		}
		if res := w.call("GET", "/api/v1/tasks/"+itoa(task.ID), "", mkToken(t, w, "b-hr", false)); res.code != http.StatusNotFound {
			t.Errorf("another tenant: %d", res.code)
		}
		res = w.call("GET", "/api/v1/feasibility/summary?unit_id="+sect, "", staff)
		if res.code != http.StatusOK || !strings.Contains(res.body, `"levels":[0,1,0,0]`) || !strings.Contains(res.body, "紙の原本を電子化(PDF化等)すると○") {
			t.Errorf("summary: %d %s", res.code, res.body)
		}
		if res := w.call("GET", "/api/v1/feasibility/ranking", "", staff); res.code != http.StatusForbidden {
			t.Errorf("staff ranking: %d", res.code)
		}
		res = w.call("GET", "/api/v1/feasibility/ranking", "", hr, "Accept-Language", "en")
		if res.code != http.StatusOK || !strings.Contains(res.body, `"sections":[`+sect+`]`) || !strings.Contains(res.body, "Digitise the paper originals") {
			t.Errorf("ranking: %d %s", res.code, res.body)
		}
		if res := w.call("DELETE", "/api/v1/systems/"+itoa(sys.ID), "", it); res.code != http.StatusConflict {
			t.Errorf("deleting a system in use: %d %s", res.code, res.body)
		}
		// A delete with a stale If-Match deletes nothing.
		if res := w.call("DELETE", "/api/v1/systems/"+itoa(sys.ID), "", it, "If-Match", `"system-`+itoa(sys.ID)+`-v999"`); res.code != http.StatusPreconditionFailed {
			t.Errorf("a stale If-Match on delete: %d %s", res.code, res.body)
		}
		// The 見える化シート: export, a bad import refused by row, the ranking file.
		res = w.call("GET", "/api/v1/tasks/export?format=csv&unit_id="+sect, "", staff)
		if res.code != http.StatusOK || !strings.HasPrefix(strings.TrimPrefix(res.body, "\ufeff"), "業務名,処理の内容,処理の時期,テレワークの可否,説明") || !strings.Contains(res.body, "支出命令の確認,,通年,在宅△ サテライト△ モバイル×") {
			t.Errorf("export: %d %q", res.code, res.body)
		}
		res = w.call("POST", "/api/v1/tasks/import?unit_id="+sect, "", boss, "Content-Type", "text/csv")
		if res.code != http.StatusUnprocessableEntity {
			t.Errorf("empty import: %d", res.code)
		}
		req := "業務名,電話\n統計資料作成,たぶん\n"
		res = w.callBody("POST", "/api/v1/tasks/import?unit_id="+sect, req, "text/csv", boss)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"line":2`) || !strings.Contains(res.body, "「たぶん」は読み取れません") {
			t.Errorf("bad import: %d %s", res.code, res.body)
		}
		res = w.callBody("POST", "/api/v1/tasks/import?dry_run=true&unit_id="+sect, "業務名,電話\n統計資料作成,○\n", "text/csv", boss)
		if res.code != http.StatusOK || !strings.Contains(res.body, `"created":1`) || !strings.Contains(res.body, `"applied":false`) {
			t.Errorf("dry run: %d %s", res.code, res.body)
		}
		if res := w.callBody("POST", "/api/v1/tasks/import?unit_id="+sect, "業務名\nx\n", "text/csv", staff); res.code != http.StatusForbidden {
			t.Errorf("member importing: %d", res.code)
		}
		res = w.call("GET", "/api/v1/feasibility/ranking/export?format=csv", "", hr)
		if res.code != http.StatusOK || !strings.Contains(res.body, "順位,改善策,改善する業務数") || !strings.Contains(res.body, "総務部/人事課") {
			t.Errorf("ranking export: %d %s", res.code, res.body)
		}
		res = w.call("GET", "/api/v1/tasks/suggest?q="+"しりょう", "", staff)
		if res.code != http.StatusOK || !strings.Contains(res.body, "資料作成業務") {
			t.Errorf("suggest: %d %s", res.code, res.body)
		}
	})
}

// callBody sends a body of another media type with a bearer token.
func (w *world) callBody(method, target, body, contentType, token string) resp {
	return w.call(method, target, body, token, "Content-Type", contentType)
}
