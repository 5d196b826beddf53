package tabular

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// Seeds: the files in testdata (CP932 with 髙﨑①㈱ and a wave dash, UTF-8
// with a BOM, a file that is neither) and a few hand-made shapes. Plain
// `go test` runs only these; `go test -fuzz FuzzReadCSV` explores.
func addFileSeeds(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzReadCSV(f *testing.F) {
	addFileSeeds(f, "*.csv")
	for _, s := range []string{"", "a", "\"", "\"\"", "a,\"b\nc\"\r\n,,\n", "\r\r\n\n", "'=1,'@x", "\xef\xbb\xbf\"x\"y,z", "\x81\x60\x87\x40"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := ReadCSV(data)
		if err != nil {
			return
		}
		last := 0
		var cells [][]string
		for _, r := range tb.Rows {
			if r.Line <= last || len(r.Cells) == 0 || len(r.Cells) > MaxColumns {
				t.Fatalf("row %+v after line %d", r, last)
			}
			last = r.Line
			cells = append(cells, r.Cells)
		}
		// Whatever was read writes back and reads the same.
		var buf bytes.Buffer
		if _, err := Write(&buf, CSV, "", cells); err != nil {
			t.Fatal(err)
		}
		again, err := ReadCSV(buf.Bytes())
		if err != nil {
			t.Fatalf("re-reading own output: %v\n%q", err, buf.String())
		}
		var cells2 [][]string
		for _, r := range again.Rows {
			cells2 = append(cells2, r.Cells)
		}
		if !reflect.DeepEqual(cells, cells2) {
			t.Fatalf("round trip:\n got %q\nwant %q", cells2, cells)
		}
	})
}

func FuzzReadXLSX(f *testing.F) {
	addFileSeeds(f, "*.xlsx")
	var buf bytes.Buffer
	if _, err := Write(&buf, XLSX, "職員", [][]string{{"職員番号", "氏名"}, {"0123", "髙橋～①㈱"}}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := ReadXLSX(data)
		if err != nil {
			return
		}
		last := 0
		for _, r := range tb.Rows {
			if r.Line <= last || len(r.Cells) == 0 {
				t.Fatalf("row %+v after line %d", r, last)
			}
			if r.Raw != nil && len(r.Raw) != len(r.Cells) {
				t.Fatalf("raw %q for cells %q", r.Raw, r.Cells)
			}
			last = r.Line
		}
	})
}
