package staffio

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/tabular"
)

// ServiceStore is what the service reads and runs transactions on:
// an import's transaction, the files kept between preview and
// confirmation, and the audit entry of an export. internal/store
// implements it.
type ServiceStore interface {
	Store
	DatedStore
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
	// CreateStaffImport keeps a previewed file (ID set on return) and drops
	// the tenant's files expired by u.CreatedAt.
	CreateStaffImport(ctx context.Context, u *Upload) error
	// FindStaffImport returns one of the user's own files that has not
	// expired by now, or NotFound.
	FindStaffImport(ctx context.Context, tenantID, userID, id int64, now time.Time) (*Upload, error)
	// DropOldStaffImports deletes the user's files not yet applied except
	// the newest keep.
	DropOldStaffImports(ctx context.Context, tenantID, userID int64, keep int) error
}

// MaxKeptUploads is how many previewed files one person may have waiting
// for confirmation; a newer preview drops the oldest (whose confirmation
// then says it expired). Each file may be tens of MB in the database.
const MaxKeptUploads = 3

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
	gate *tabular.Gate
	// Changed is told of every import written and every day's dated
	// changes applied.
	Changed org.ChangeHook
}

// NewService returns the service over st; now is the clock (tests move it).
// It admits imports through a gate of its own until SetGate shares the
// node's.
func NewService(st ServiceStore, now func() time.Time) *Service {
	return &Service{st: st, now: now, gate: tabular.NewGate(0, 0)}
}

// SetGate makes the service admit imports through g, the gate the node's
// other uploads pass too.
func (s *Service) SetGate(g *tabular.Gate) { s.gate = g }

// Gate is the gate imports pass.
func (s *Service) Gate() *tabular.Gate { return s.gate }

// Preview plans the import of f and writes nothing (the dry run).
func (s *Service) Preview(ctx context.Context, tenantID int64, f File, opt Options) (*Plan, error) {
	release, err := s.gate.Enter(tenantID, len(f.Data))
	if err != nil {
		return nil, err
	}
	defer release()
	return Preview(ctx, s.st, tenantID, f, s.dated(opt))
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
	release, err := s.gate.Enter(tenantID, len(f.Data))
	if err != nil {
		return nil, err
	}
	defer release()
	opt.Options = s.dated(opt.Options)
	plan, err := Apply(ctx, s.st, tenantID, actor, f, opt)
	return plan, s.Changed.After(ctx, tenantID, err)
}

// Upload plans f and, when it has no problem and changes something, keeps
// it for actor's confirmation for UploadTTL. It returns the plan and the
// kept file (nil when nothing was kept: a refused file, or one that
// changes nothing). A person keeps at most MaxKeptUploads files: the
// oldest is dropped.
func (s *Service) Upload(ctx context.Context, tenantID int64, actor audit.Actor, f File, opt Options) (*Plan, *Upload, error) {
	release, err := s.gate.Enter(tenantID, len(f.Data))
	if err != nil {
		return nil, nil, err
	}
	defer release()
	plan, err := Preview(ctx, s.st, tenantID, f, s.dated(opt))
	if err != nil || !plan.OK() || plan.Empty() {
		return plan, nil, err
	}
	if err := s.st.DropOldStaffImports(ctx, tenantID, actor.ID, MaxKeptUploads-1); err != nil {
		return plan, nil, err
	}
	now := s.now().UTC()
	u := &Upload{TenantID: tenantID, UserID: actor.ID, Filename: f.Name, SHA256: plan.SHA256, Full: opt.Full, Data: f.Data,
		CreatedAt: now, ExpiresAt: now.Add(UploadTTL)}
	if err := s.st.CreateStaffImport(ctx, u); err != nil {
		return plan, nil, err
	}
	return plan, u, nil
}

// FindUpload returns one of actor's kept files that has not expired, or
// NotFound.
func (s *Service) FindUpload(ctx context.Context, tenantID int64, actor audit.Actor, id int64) (*Upload, error) {
	return s.st.FindStaffImport(ctx, tenantID, actor.ID, id, s.now())
}

// UploadResult is what an applied kept file did; NotFound when the file
// is gone or not applied yet.
func (s *Service) UploadResult(ctx context.Context, tenantID int64, actor audit.Actor, id int64) (*Summary, error) {
	u, err := s.st.FindStaffImport(ctx, tenantID, actor.ID, id, s.now())
	if err != nil {
		return nil, err
	}
	if u.AppliedAt.IsZero() {
		return nil, apperr.NotFoundErr("staff_import")
	}
	var sum Summary
	if json.Unmarshal([]byte(u.Result), &sum) != nil {
		sum = Summary{File: u.Filename}
	}
	return &sum, nil
}

// IsAlreadyApplied reports the error of confirming a file a second time
// (a double click, another node): nothing more was written.
func IsAlreadyApplied(err error) bool {
	e := apperr.As(err)
	return e != nil && e.Code == apperr.Conflict && e.Key == "import.already_applied"
}

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
	u, err := s.st.FindStaffImport(ctx, tenantID, actor.ID, id, s.now())
	if err != nil {
		return nil, nil, err
	}
	if !u.AppliedAt.IsZero() {
		return u, nil, &apperr.Error{Code: apperr.Conflict, Key: "import.already_applied"}
	}
	release, err := s.gate.Enter(tenantID, len(u.Data))
	if err != nil {
		return u, nil, err
	}
	defer release()
	f := File{Name: u.Filename, Data: u.Data}
	opt := ApplyOptions{Options: s.dated(Options{Full: u.Full}), ExpectDigest: digest, ConfirmRetirements: confirmRetirements}
	plan, err := apply(ctx, s.st, tenantID, actor, f, opt,
		func(tx Tx) error { return tx.ClaimStaffImport(ctx, tenantID, actor.ID, u.ID, s.now()) },
		func(tx Tx, p *Plan) error {
			res, err := json.Marshal(p.Summary(u.Filename))
			if err != nil {
				return err
			}
			return tx.SetStaffImportResult(ctx, tenantID, actor.ID, u.ID, string(res))
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
