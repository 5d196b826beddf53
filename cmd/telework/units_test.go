package main

import (
	"strings"
	"testing"

	"telework/internal/store/storetest"
)

// `telework import units` plans (--dry-run) and applies a CP932 file;
// a refused one names line, column and reason and writes nothing;
// `telework export units` writes the columns back.
func TestImportExportUnitsCLI(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			dsn := storetest.DSN(t, eng)
			createKobe(t, dsn)
			dir := t.TempDir()
			write := func(name, content string) string { return writeFile(t, dir, name, content, true) }
			good := write("組織.csv", "所属コード,所属名,区分,上位所属,表示順\r\n100,総務局,局,,10\r\n110,人事課,課,総務局,10\r\n")
			code, out, errb := cli(t, "import", "units", "--db", dsn, "--tenant", "kobe", "--dry-run", good)
			if code != 0 || !strings.Contains(out, "新規 2件") || !strings.Contains(out, "dry run") {
				t.Fatalf("dry run: %d\n%s\n%s", code, out, errb)
			}
			bad := write("bad.csv", "所属コード,所属名,区分,上位所属コード\r\n120,企画課,課,999\r\n")
			code, _, errb = cli(t, "import", "units", "--db", dsn, "--tenant", "kobe", bad)
			if code != 1 || !strings.Contains(errb, "2行目 列「上位所属コード」") {
				t.Fatalf("refused: %d %s", code, errb)
			}
			if code, out, errb = cli(t, "import", "units", "--db", dsn, "--tenant", "kobe", good); code != 0 || !strings.Contains(out, "新規 2件") {
				t.Fatalf("import: %d %s %s", code, out, errb)
			}
			code, out, errb = cli(t, "export", "units", "--db", dsn, "--tenant", "kobe", "--format", "csv")
			if code != 0 || !strings.Contains(out, "110,人事課,課,100,総務局,10,,") {
				t.Fatalf("export: %d %q %s", code, out, errb)
			}
		})
	}
}
