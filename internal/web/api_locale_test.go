package web_test

import (
	"net/http"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestAPIAnswersInTheAccountsLanguage: an API answer is in the request's
// Accept-Language, else in the language the account chose (設定), else in
// Japanese (a review found an English-speaking account answered in
// Japanese unless every call sent the header).
func TestAPIAnswersInTheAccountsLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		tok := mkToken(t, w, "staff", false)
		bad := `{"status":"nope"}`
		if res := w.call("PUT", "/api/v1/presence", bad, tok); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "入力内容") {
			t.Fatalf("default: %d %s", res.code, res.body)
		}
		if _, err := db.SQL.Exec(db.Rebind(`UPDATE users SET locale = 'en' WHERE tenant_id = ? AND staff_id = ?`), w.a.ID, w.staff["a-staff"].ID); err != nil {
			t.Fatal(err)
		}
		if res := w.call("PUT", "/api/v1/presence", bad, tok); res.code != http.StatusUnprocessableEntity || strings.Contains(res.body, "入力内容") {
			t.Fatalf("the account's English: %d %s", res.code, res.body)
		}
		if res := w.call("PUT", "/api/v1/presence", bad, tok, "Accept-Language", "ja"); !strings.Contains(res.body, "入力内容") {
			t.Fatalf("the header wins: %d %s", res.code, res.body)
		}
	})
}
