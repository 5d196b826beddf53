package tabular

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestXLSXWidthsAndFilter(t *testing.T) {
	rows := [][]string{{"職員番号", "氏名", "所属"}, {"0001", "髙橋 一郎", "総務部/人事課/人事係"}, {"0002", "a", "b"}}
	var buf bytes.Buffer
	if _, err := Write(&buf, XLSX, "職員", rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	wa, _ := f.GetColWidth("職員", "A")
	wc, _ := f.GetColWidth("職員", "C")
	if wa < 8 || wc < 20 || wc <= wa {
		t.Errorf("widths A %.1f C %.1f: 所属 should be wider than 職員番号 and fit its path", wa, wc)
	}
	if !bytes.Contains(unzipped(t, buf.Bytes(), "xl/tables/table1.xml"), []byte(`<autoFilter ref="A1:C3"`)) {
		t.Error("no autofilter on the header row")
	}
	got, err := Read(buf.Bytes())
	if err != nil || len(got.Rows) != 3 || got.Rows[1].Cells[2] != "総務部/人事課/人事係" {
		t.Errorf("read back: %+v %v", got, err)
	}
}

func unzipped(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			return b
		}
	}
	t.Fatalf("no %s", name)
	return nil
}
