package web_test

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// A Shift_JIS roster with a user-defined 外字 (0xF040) on the row after a
// quoted three-line cell: the page names Excel's row (3行目), as it does
// for every fault found after reading, and its header says the file could
// not be read instead of 「文字コード・形式: 、データ 0行」.
func TestImportUnreadableFileNamesExcelRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		head, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte("職員番号,氏名,ふりがな,所属コード,備考\r\n" +
			"3001,山田 一,やまだ いち,111,\"自宅:\r\n松本市丸の内\r\n3-7\"\r\n3002,"))
		if err != nil {
			t.Fatal(err)
		}
		file := append(head, 0xF0, 0x40, ',', 'x', ',', 'x', ',', '1', '1', '1', '\r', '\n')
		for _, path := range []string{"/staff/import", "/units/import"} {
			res := w.uploadTo(t, path, hr, "名簿.csv", file)
			body := html.UnescapeString(res.body)
			if res.code != http.StatusUnprocessableEntity && res.code != http.StatusOK {
				t.Fatalf("%s: %d", path, res.code)
			}
			if !strings.Contains(body, "3行目に、UTF-8 としても") || strings.Contains(body, "5行目") {
				t.Errorf("%s: not Excel's row 3:\n%s", path, body)
			}
			if strings.Contains(body, "文字コード・形式: 、") || !strings.Contains(body, "読み取れなかったため") {
				t.Errorf("%s: header with an empty encoding:\n%s", path, body)
			}
		}
	})
}
