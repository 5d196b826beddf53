package orgio

import (
	"context"
	"encoding/json"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/org"
	"telework/internal/staffio"
	"telework/internal/tabular"
)

// Upload is a file kept between preview and confirmation (the staff
// import's type; Full is unused).
type Upload = staffio.Upload

// ServiceStore is what the service reads and runs transactions on;
// internal/store implements it.
type ServiceStore interface {
	Store
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
	// CreateUnitImport keeps a previewed file (ID set on return) and drops
	// the tenant's files expired by u.CreatedAt.
	CreateUnitImport(ctx context.Context, u *Upload) error
	// FindUnitImport returns one of the user's own files that has not
	// expired by now, or NotFound.
	FindUnitImport(ctx context.Context, tenantID, userID, id int64, now time.Time) (*Upload, error)
	// DropOldUnitImports deletes the user's files not yet applied except
	// the newest keep.
	DropOldUnitImports(ctx context.Context, tenantID, userID int64, keep int) error
}

// Service holds the organisation import and export workflows, like
// staffio.Service: a file previewed and kept for the confirmation (so any
// node can take it), confirmed and applied once, or applied at once (API,
// CLI); and the export. Every method that reads a file passes the node's
// tabular.Gate first and reads within tabular.DefaultLimits.
type Service struct {
	st   ServiceStore
	now  func() time.Time
	gate *tabular.Gate
	// Changed is told of every import that was written.
	Changed org.ChangeHook
}

// NewService returns the service over st; now is the clock. It admits
// imports through a gate of its own until SetGate shares the node's.
func NewService(st ServiceStore, now func() time.Time) *Service {
	return &Service{st: st, now: now, gate: tabular.NewGate(0, 0)}
}

// SetGate makes the service admit imports through g (the staff import's).
func (s *Service) SetGate(g *tabular.Gate) { s.gate = g }

// Preview plans the import of f and writes nothing (the dry run).
func (s *Service) Preview(ctx context.Context, tenantID int64, f File) (*Plan, error) {
	release, err := s.gate.Enter(tenantID, len(f.Data))
	if err != nil {
		return nil, err
	}
	defer release()
	return Preview(ctx, s.st, tenantID, f)
}

// Apply plans and writes f in one transaction, all rows or none.
func (s *Service) Apply(ctx context.Context, tenantID int64, actor audit.Actor, f File) (*Plan, error) {
	release, err := s.gate.Enter(tenantID, len(f.Data))
	if err != nil {
		return nil, err
	}
	defer release()
	plan, err := Apply(ctx, s.st, tenantID, actor, f, "")
	return plan, s.Changed.After(ctx, tenantID, err)
}

// Upload plans f and, when it has no problem and changes something, keeps
// it for actor's confirmation for staffio.UploadTTL (nil when nothing was
// kept). A person keeps at most staffio.MaxKeptUploads files.
func (s *Service) Upload(ctx context.Context, tenantID int64, actor audit.Actor, f File) (*Plan, *Upload, error) {
	release, err := s.gate.Enter(tenantID, len(f.Data))
	if err != nil {
		return nil, nil, err
	}
	defer release()
	plan, err := Preview(ctx, s.st, tenantID, f)
	if err != nil || !plan.OK() || plan.Empty() {
		return plan, nil, err
	}
	if err := s.st.DropOldUnitImports(ctx, tenantID, actor.ID, staffio.MaxKeptUploads-1); err != nil {
		return plan, nil, err
	}
	now := s.now().UTC()
	u := &Upload{TenantID: tenantID, UserID: actor.ID, Filename: f.Name, SHA256: plan.SHA256, Data: f.Data,
		CreatedAt: now, ExpiresAt: now.Add(staffio.UploadTTL)}
	if err := s.st.CreateUnitImport(ctx, u); err != nil {
		return plan, nil, err
	}
	return plan, u, nil
}

// UploadResult is what an applied kept file did; NotFound when the file
// is gone or not applied yet.
func (s *Service) UploadResult(ctx context.Context, tenantID int64, actor audit.Actor, id int64) (*Summary, error) {
	u, err := s.st.FindUnitImport(ctx, tenantID, actor.ID, id, s.now())
	if err != nil {
		return nil, err
	}
	if u.AppliedAt.IsZero() {
		return nil, apperr.NotFoundErr("unit_import")
	}
	var sum Summary
	if json.Unmarshal([]byte(u.Result), &sum) != nil {
		sum = Summary{File: u.Filename}
	}
	return &sum, nil
}

// Confirm applies actor's kept file id after planning it again against
// the data as it is now, in one transaction that claims the file (a second
// confirmation applies nothing: staffio.IsAlreadyApplied). digest is the
// Digest of the plan the person saw; a different plan now is not applied
// (staffio.IsPlanChanged, with the new plan). NotFound when the file
// expired or is not actor's.
func (s *Service) Confirm(ctx context.Context, tenantID int64, actor audit.Actor, id int64, digest string) (*Upload, *Plan, error) {
	u, err := s.st.FindUnitImport(ctx, tenantID, actor.ID, id, s.now())
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
	plan, err := apply(ctx, s.st, tenantID, actor, File{Name: u.Filename, Data: u.Data}, digest,
		func(tx Tx) error { return tx.ClaimUnitImport(ctx, tenantID, actor.ID, u.ID, s.now()) },
		func(tx Tx, p *Plan) error {
			res, err := json.Marshal(p.Summary(u.Filename))
			if err != nil {
				return err
			}
			return tx.SetUnitImportResult(ctx, tenantID, actor.ID, u.ID, string(res))
		})
	return u, plan, s.Changed.After(ctx, tenantID, err)
}

// Export writes the tenant's units in format f, audited. See Export.
func (s *Service) Export(ctx context.Context, tenantID int64, actor audit.Actor, f tabular.Format, substitute bool) (*ExportFile, error) {
	return Export(ctx, s.st, tenantID, actor, f, substitute, s.now())
}
