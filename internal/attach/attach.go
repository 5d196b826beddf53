// Package attach holds the files attached to the trial's records: evidence
// of a roadmap checklist item, a handbook page's attachments and a briefing
// session's materials (issue 16). The files live in the database (table
// trial_files), so a backup holds them and every node serves them.
package attach

import (
	"crypto/sha256"
	"encoding/hex"
	"mime"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"telework/internal/apperr"
	"telework/internal/invisible"
)

// MaxBytes bounds one attached file (10 MiB): materials and evidence are
// documents and slides, not video.
const MaxBytes = 10 << 20

// Owner says what a file belongs to: exactly one of the three.
type Owner struct {
	CheckItem  string // a roadmap checklist item code
	PageID     int64  // a handbook page
	BriefingID int64  // a briefing session
}

// File is one attached file. Data is empty in listings.
type File struct {
	ID          int64
	Owner       Owner
	Name        string
	ContentType string
	Size        int64
	SHA256      string
	Data        []byte
	CreatedAt   time.Time
	CreatedBy   string
}

// allowed are the kinds of file people attach: documents, sheets, slides,
// PDFs, images and plain text. Anything else (executables, HTML that a
// browser would run) is refused.
var allowed = map[string]string{
	".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8", ".csv": "text/csv; charset=utf-8",
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".doc":  "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
	".odt": "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
	".odp": "application/vnd.oasis.opendocument.presentation", ".zip": "application/zip",
}

// Extensions lists the accepted file name endings (for the form's accept
// attribute and the documentation).
func Extensions() []string {
	out := make([]string, 0, len(allowed))
	for k := range allowed {
		out = append(out, k)
	}
	return out
}

// New checks an uploaded file and returns it ready to store: a name (the
// base name, at most 100 characters), a kind from the list above (told by
// the name's ending; the type is ours, never the browser's) and a size
// between 1 byte and MaxBytes. Errors name the field.
func New(field, name string, data []byte, owner Owner, by string, at time.Time) (File, error) {
	var v apperr.Validation
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "." || name == "/" || !utf8.ValidString(name) {
		name = ""
	}
	if r := []rune(name); len(r) > 100 {
		name = string(r[:100])
	}
	ct, ok := allowed[strings.ToLower(path.Ext(name))]
	switch {
	case name == "" || len(data) == 0:
		v.Add(field, "field.required", nil)
	case !ok:
		v.Add(field, "field.attach_kind", nil)
	case len(data) > MaxBytes:
		v.Add(field, "field.attach_size", map[string]any{"Max": MaxBytes >> 20})
	default:
		// A name everyone downloads: no bidi override hiding its real
		// extension (「a\u202Efdp.exe.pdf」 reads as 「afdp.exe.pdf」… reversed).
		invisible.Refuse(&v, field, name, false, nil)
	}
	if err := v.Err(); err != nil {
		return File{}, err
	}
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt == "" {
		ct = "application/octet-stream"
	}
	sum := sha256.Sum256(data)
	return File{Owner: owner, Name: name, ContentType: ct, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
		Data: data, CreatedAt: at, CreatedBy: by}, nil
}

// AuditView is what the audit log keeps of a file: never its content.
func (f File) AuditView() map[string]any {
	return map[string]any{"name": f.Name, "size": f.Size, "sha256": f.SHA256}
}
