package staffio

import (
	"context"
	"strings"
	"time"

	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/tableimport"
	"telework/internal/tabular"
)

// ServiceStore is what the service reads and runs transactions on:
// an import's transaction, the files kept between preview and
// confirmation (tableimport.Staff), and the audit entry of an export.
// internal/store implements it.
type ServiceStore interface {
	Store
	DatedStore
	tableimport.KeptStore
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// MaxKeptUploads is how many previewed files one person may have waiting
// for confirmation; a newer preview drops the oldest (whose confirmation
// then says it expired). Each file may be tens of MB in the database.
const MaxKeptUploads = tableimport.MaxKeptUploads

// Service holds the staff import and export workflows: a file previewed
// and kept for the confirmation (so any node can take it), confirmed and
// applied once, or applied at once (API, CLI); and the export. Handlers
// and the CLI call it; it never sees HTTP.
//
// Every method that reads a file passes the node's tabular.Gate first (at
// most a few imports at once per node and per tenant; one more is
// RateLimited "upload.busy") and reads within tabular.DefaultLimits.
type Service struct {
	st   ServiceStore
	now  func() time.Time
	flow *tableimport.Workflow
	// Changed is told of every import written and every day's dated
	// changes applied.
	Changed org.ChangeHook
}

// NewService returns the service over st; now is the clock (tests move it).
// It admits imports through a gate of its own until SetGate shares the
// node's.
func NewService(st ServiceStore, now func() time.Time) *Service {
	return &Service{st: st, now: now, flow: tableimport.NewWorkflow(tableimport.Staff, st, now)}
}

// SetGate makes the service admit imports through g, the gate the node's
// other uploads pass too.
func (s *Service) SetGate(g *tabular.Gate) { s.flow.SetGate(g) }

// Gate is the gate imports pass.
func (s *Service) Gate() *tabular.Gate { return s.flow.Gate() }

// Preview plans the import of f and writes nothing (the dry run).
func (s *Service) Preview(ctx context.Context, tenantID int64, f File, opt Options) (*Plan, error) {
	return tableimport.Admit(s.flow, tenantID, len(f.Data), func() (*Plan, error) { return Preview(ctx, s.st, tenantID, f, s.dated(opt)) })
}

// dated sets the day that tells past 発令日 from future ones.
func (s *Service) dated(opt Options) Options {
	if opt.Today.IsZero() {
		opt.Today = calendar.DateOf(s.now())
	}
	return opt
}

// Apply plans and writes f in one transaction, all rows or none (see the
// package function Apply).
func (s *Service) Apply(ctx context.Context, tenantID int64, actor audit.Actor, f File, opt ApplyOptions) (*Plan, error) {
	opt.Options = s.dated(opt.Options)
	plan, err := tableimport.Admit(s.flow, tenantID, len(f.Data), func() (*Plan, error) { return Apply(ctx, s.st, tenantID, actor, f, opt) })
	return plan, s.Changed.After(ctx, tenantID, err)
}

// Upload plans f and, when it has no problem and changes something, keeps
// it for actor's confirmation for UploadTTL. It returns the plan and the
// kept file (nil when nothing was kept: a refused file, or one that
// changes nothing). A person keeps at most MaxKeptUploads files: the
// oldest is dropped.
func (s *Service) Upload(ctx context.Context, tenantID int64, actor audit.Actor, f File, opt Options) (*Plan, *Upload, error) {
	return tableimport.Keep(ctx, s.flow, tenantID, actor, f, opt.Full, func() (*Plan, error) { return Preview(ctx, s.st, tenantID, f, s.dated(opt)) })
}

// FindUpload returns one of actor's kept files that has not expired, or
// NotFound.
func (s *Service) FindUpload(ctx context.Context, tenantID int64, actor audit.Actor, id int64) (*Upload, error) {
	return s.flow.Find(ctx, tenantID, actor, id)
}

// UploadResult is what an applied kept file did; NotFound when the file
// is gone or not applied yet.
func (s *Service) UploadResult(ctx context.Context, tenantID int64, actor audit.Actor, id int64) (*Summary, error) {
	return tableimport.Result(ctx, s.flow, tenantID, actor, id, "staff_import", func(name string) Summary { return Summary{File: name} })
}

// IsAlreadyApplied reports the error of confirming a file a second time
// (a double click, another node): nothing more was written.
func IsAlreadyApplied(err error) bool { return tableimport.IsAlreadyApplied(err) }

// Confirm applies actor's kept file id after planning it again against
// the data as it is now. In one transaction it claims the file (so a
// second confirmation applies nothing: IsAlreadyApplied), writes the plan
// and records the result for UploadResult. digest is the Digest of the
// plan the person saw; a different plan now is not applied
// (IsPlanChanged, with the new plan). A full roster that retires many
// people needs their number in confirmRetirements (IsRetirementConfirm).
// NotFound when the file expired or is not actor's. It returns the kept
// file and the plan whenever it could make one.
func (s *Service) Confirm(ctx context.Context, tenantID int64, actor audit.Actor, id int64, digest string, confirmRetirements int) (*Upload, *Plan, error) {
	u, plan, err := tableimport.Confirm(ctx, s.flow, tenantID, actor, id, func(c tableimport.Confirmation) (*Plan, error) {
		opt := ApplyOptions{Options: s.dated(Options{Full: c.Upload().Full}), ExpectDigest: digest, ConfirmRetirements: confirmRetirements}
		return apply(ctx, s.st, tenantID, actor, c.File(), opt,
			func(tx Tx) error { return c.Claim(ctx, tx) },
			func(tx Tx, p *Plan) error { return c.Record(ctx, tx, p.Summary(c.File().Name)) })
	})
	return u, plan, s.Changed.After(ctx, tenantID, err)
}

// Export writes the tenant's staff in service in format f, audited, and
// returns the file with its name (職員一覧_20261124.xlsx). A CP932 export with
// characters the encoding lacks is refused (export.cp932_substituted,
// nothing audited, the rows in the file's Substituted) unless
// opt.Substitute accepts 〓 for them.
func (s *Service) Export(ctx context.Context, tenantID int64, actor audit.Actor, f tabular.Format, opt ExportOptions) (*ExportFile, error) {
	data, subs, err := Export(ctx, s.st, tenantID, actor, f, opt)
	if err != nil {
		return &ExportFile{Substituted: subs}, err
	}
	return &ExportFile{Data: data, Name: ExportFileName(s.now(), f), Substituted: subs}, nil
}

// ExportFileName is 職員一覧_20261124.xlsx for an export made at now (the
// date in Japan); the two CSV encodings are told apart by name
// (職員一覧_20261124_UTF-8.csv, 職員一覧_20261124_ShiftJIS.csv), since a
// clerk keeps both and Excel opens only the second correctly.
func ExportFileName(now time.Time, f tabular.Format) string {
	base := "職員一覧_" + strings.ReplaceAll(calendar.DateOf(now).String(), "-", "")
	switch f {
	case tabular.CSV:
		base += "_UTF-8"
	case tabular.CSVSJIS:
		base += "_ShiftJIS"
	}
	return base + f.Ext()
}
