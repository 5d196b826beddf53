package tabular

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"telework/internal/apperr"
)

// Hostile uploads (issue 10 #4): each is small on the wire, each is
// refused with the limit it broke, and reading it keeps the heap bounded.
// The bound is measured (the heap sampled while reading), not timed.

const xlsxSheetHead = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
const xlsxSheetTail = `</sheetData></worksheet>`

// xlsxParts are the parts of a minimal one-sheet workbook.
func xlsxParts() map[string]string {
	return map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="職員" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
	}
}

// bombXLSX zips the workbook with a sheet whose rows the function writes
// (streamed into the compressor, so the test never holds the XML) and,
// when sst is given, a shared-strings part written the same way.
func bombXLSX(t testing.TB, rows func(w io.Writer), sst func(w io.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} {
		w, _ := zw.Create(name)
		io.WriteString(w, xlsxParts()[name])
	}
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	io.WriteString(w, xlsxSheetHead)
	rows(w)
	io.WriteString(w, xlsxSheetTail)
	if sst != nil {
		w, _ := zw.Create("xl/sharedStrings.xml")
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		sst(w)
		io.WriteString(w, `</sst>`)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// lyingXLSX is a workbook whose sheet part declares a few bytes in the zip
// directory but inflates to n bytes.
func lyingXLSX(t testing.TB, n int) []byte {
	t.Helper()
	var sheet bytes.Buffer
	fw, _ := flate.NewWriter(&sheet, flate.BestCompression)
	crc := crc32.NewIEEE()
	mw := io.MultiWriter(fw, crc)
	io.WriteString(mw, xlsxSheetHead)
	row := []byte(`<row><c t="inlineStr"><is><t>x</t></is></c></row>`)
	for written := 0; written < n; written += len(row) {
		mw.Write(row)
	}
	io.WriteString(mw, xlsxSheetTail)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} {
		w, _ := zw.Create(name)
		io.WriteString(w, xlsxParts()[name])
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(sheet.Len()), UncompressedSize64: 1000})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(sheet.Bytes())
	zw.Close()
	return buf.Bytes()
}

// repeat writes s n times.
func repeat(w io.Writer, n int, s func(i int) string) {
	for i := range n {
		io.WriteString(w, s(i))
	}
}

// heapDuring runs fn and returns the highest heap it saw above the heap
// before, sampling every few milliseconds.
func heapDuring(fn func()) uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base := m.HeapAlloc
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	runtime.ReadMemStats(&m)
	if m.HeapAlloc > peak.Load() {
		peak.Store(m.HeapAlloc)
	}
	close(stop)
	<-done
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

func TestHostileUploadsRefusedWithinBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds files of tens of MB")
	}
	cases := []struct {
		name string
		data func(t testing.TB) []byte
		key  string
		wire int // the most the file may weigh: xlsx is compressed, CSV is not (30 MB is the upload limit)
	}{
		{"zip bomb: a sheet of 300 MB of XML", func(t testing.TB) []byte {
			return bombXLSX(t, func(w io.Writer) {
				repeat(w, 6_000_000, func(int) string { return `<row><c/><c/><c/><c/><c/><c/></row>` + "          " })
			}, nil)
		}, "tabular.xlsx_sheet_too_large", 0},
		{"zip bomb: the sheet declares 1000 bytes and inflates to 60 MB (archive/zip stops at the declared size)", func(t testing.TB) []byte {
			return lyingXLSX(t, 60<<20)
		}, "tabular.xlsx_broken", 0},
		{"every row has one cell in column SF (Excel fills the 499 before it)", func(t testing.TB) []byte {
			return bombXLSX(t, func(w io.Writer) {
				repeat(w, 200_000, func(i int) string {
					return fmt.Sprintf(`<row r="%d"><c r="SF%d" t="inlineStr"><is><t>x</t></is></c></row>`, i+1, i+1)
				})
			}, nil)
		}, "tabular.too_many_cells", 0},
		{"a sheet of 9 million empty cells <c/> in one row", func(t testing.TB) []byte {
			return bombXLSX(t, func(w io.Writer) {
				io.WriteString(w, `<row r="1">`)
				repeat(w, 9_000_000, func(int) string { return `<c/>` })
				io.WriteString(w, `</row>`)
			}, nil)
		}, "tabular.too_many_cells", 0},
		{"a shared-strings table of 3 million entries", func(t testing.TB) []byte {
			return bombXLSX(t, func(w io.Writer) { io.WriteString(w, `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`) },
				func(w io.Writer) { repeat(w, 3_000_000, func(int) string { return `<si/>` }) })
		}, "tabular.too_many_strings", 0},
		{"a shared-strings table of 40 MB", func(t testing.TB) []byte {
			return bombXLSX(t, func(w io.Writer) { io.WriteString(w, `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`) },
				func(w io.Writer) {
					repeat(w, 100_000, func(int) string { return `<si><t>` + strings.Repeat("あ", 130) + `</t></si>` })
				})
		}, "tabular.xlsx_strings_too_large", 0},
		{"a CSV of 20 million empty cells", func(t testing.TB) []byte {
			line := strings.Repeat(",", 400) + "\r\n"
			return []byte(strings.Repeat(line, 50_000))
		}, "tabular.too_many_cells", 30 << 20},
		{"a CSV of a million one-character rows of 2 cells each", func(t testing.TB) []byte {
			return []byte(strings.Repeat("a,b\n", 1_100_000))
		}, "tabular.too_many_rows", 30 << 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data(t)
			if tc.wire == 0 {
				tc.wire = 2 << 20
			}
			if len(data) > tc.wire {
				t.Fatalf("the hostile file is %d bytes; it should be small on the wire", len(data))
			}
			var err error
			grew := heapDuring(func() { _, err = Read(data) })
			e := apperr.As(err)
			if e == nil || e.Key != tc.key {
				t.Fatalf("Read(%d bytes) = %v, want refusal %s", len(data), err, tc.key)
			}
			t.Logf("%d bytes on the wire: refused (%s), heap grew by at most %d MB", len(data), e.Key, grew>>20)
			if grew > 160<<20 {
				t.Errorf("heap grew by %d MB while refusing a %d-byte file", grew>>20, len(data))
			}
		})
	}
	debug.FreeOSMemory()
}

// A roster of the largest size the limits are made for still reads.
func TestLargeRosterWithinLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 50,000-row workbook")
	}
	rows := [][]string{{"職員番号", "氏名", "フリガナ", "メール", "所属コード", "所属", "役職", "職層", "管理職", "任用形態", "職種", "在職", "発令日"}}
	for i := range 50_000 {
		rows = append(rows, []string{fmt.Sprintf("%06d", i), "髙橋 太郎" + fmt.Sprint(i), "たかはし たろう", fmt.Sprintf("t%d@city.example.lg.jp", i),
			"0101", "総務部/人事課/人事係", "主事", "係員級", "", "常勤", "事務", "在職", ""})
	}
	var buf bytes.Buffer
	if _, err := Write(&buf, XLSX, "職員", rows); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var tb *Table
	var err error
	grew := heapDuring(func() { tb, err = Read(buf.Bytes()) })
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Rows) != len(rows) {
		t.Fatalf("%d rows, want %d", len(tb.Rows), len(rows))
	}
	t.Logf("50,000 staff as xlsx (%d KB): read in %v, heap grew by at most %d MB", buf.Len()>>10, time.Since(start), grew>>20)
}

// A read that outlasts its time limit is refused, naming the limit.
func TestReadDeadline(t *testing.T) {
	data := []byte(strings.Repeat("0001,髙橋,たかはし\r\n", 100_000))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lim := DefaultLimits()
	lim.Timeout = time.Nanosecond
	_, err := ReadContext(ctx, data, lim)
	if e := apperr.As(err); e == nil || e.Key != "tabular.too_slow" {
		t.Fatalf("err = %v, want tabular.too_slow", err)
	}
	if _, err := ReadContext(ctx, data, DefaultLimits()); err != nil {
		t.Fatal(err)
	}
}

// Counting a tag across the chunks inflate writes, a tag cut in two
// included.
func TestPartCounterCountsTagsAcrossChunks(t *testing.T) {
	text := `<sst><si><t>a</t></si><x:si/><si >` + strings.Repeat(" ", 5) + `<sis/><s/><si>`
	for cut := 1; cut < len(text); cut++ {
		w := &partCounter{ctx: context.Background(), left: 1 << 20, tag: []byte("si"), items: 100}
		w.Write([]byte(text[:cut]))
		w.Write([]byte(text[cut:]))
		if got := 100 - w.items; got != 4 {
			t.Fatalf("cut at %d: counted %d, want 4", cut, got)
		}
	}
}
