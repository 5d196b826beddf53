package orgio

import (
	"context"
	"time"

	"telework/internal/audit"
	"telework/internal/org"
	"telework/internal/tableimport"
	"telework/internal/tabular"
)

// Upload is a file kept between preview and confirmation (Full is unused).
type Upload = tableimport.Upload

// ServiceStore is what the service reads and runs transactions on, and
// where it keeps files between preview and confirmation
// (tableimport.Units); internal/store implements it.
type ServiceStore interface {
	Store
	tableimport.KeptStore
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Service holds the organisation import and export workflows, like
// staffio.Service: a file previewed and kept for the confirmation (so any
// node can take it), confirmed and applied once, or applied at once (API,
// CLI); and the export. Every method that reads a file passes the node's
// tabular.Gate first and reads within tabular.DefaultLimits; the workflow
// around the plan is tableimport's, shared with the staff import.
type Service struct {
	st   ServiceStore
	flow *tableimport.Workflow
	// Changed is told of every import that was written.
	Changed org.ChangeHook
}

// NewService returns the service over st; now is the clock. It admits
// imports through a gate of its own until SetGate shares the node's.
func NewService(st ServiceStore, now func() time.Time) *Service {
	return &Service{st: st, flow: tableimport.NewWorkflow(tableimport.Units, st, now)}
}

// SetGate makes the service admit imports through g (the staff import's).
func (s *Service) SetGate(g *tabular.Gate) { s.flow.SetGate(g) }

// Preview plans the import of f and writes nothing (the dry run).
func (s *Service) Preview(ctx context.Context, tenantID int64, f File) (*Plan, error) {
	return tableimport.Admit(s.flow, tenantID, len(f.Data), func() (*Plan, error) { return Preview(ctx, s.st, tenantID, f) })
}

// Apply plans and writes f in one transaction, all rows or none.
func (s *Service) Apply(ctx context.Context, tenantID int64, actor audit.Actor, f File) (*Plan, error) {
	plan, err := tableimport.Admit(s.flow, tenantID, len(f.Data), func() (*Plan, error) {
		return Apply(ctx, s.st, tenantID, actor, f, "")
	})
	return plan, s.Changed.After(ctx, tenantID, err)
}

// Upload plans f and, when it has no problem and changes something, keeps
// it for actor's confirmation for tableimport.UploadTTL (nil when nothing
// was kept). A person keeps at most tableimport.MaxKeptUploads files.
func (s *Service) Upload(ctx context.Context, tenantID int64, actor audit.Actor, f File) (*Plan, *Upload, error) {
	return tableimport.Keep(ctx, s.flow, tenantID, actor, f, false, func() (*Plan, error) { return Preview(ctx, s.st, tenantID, f) })
}

// UploadResult is what an applied kept file did; NotFound when the file
// is gone or not applied yet.
func (s *Service) UploadResult(ctx context.Context, tenantID int64, actor audit.Actor, id int64) (*Summary, error) {
	return tableimport.Result(ctx, s.flow, tenantID, actor, id, "unit_import", func(name string) Summary { return Summary{File: name} })
}

// Confirm applies actor's kept file id after planning it again against
// the data as it is now, in one transaction that claims the file (a second
// confirmation applies nothing: tableimport.IsAlreadyApplied). digest is
// the Digest of the plan the person saw; a different plan now is not
// applied (tableimport.IsPlanChanged, with the new plan). NotFound when
// the file expired or is not actor's.
func (s *Service) Confirm(ctx context.Context, tenantID int64, actor audit.Actor, id int64, digest string) (*Upload, *Plan, error) {
	u, plan, err := tableimport.Confirm(ctx, s.flow, tenantID, actor, id, func(c tableimport.Confirmation) (*Plan, error) {
		return apply(ctx, s.st, tenantID, actor, c.File(), digest,
			func(tx Tx) error { return c.Claim(ctx, tx) },
			func(tx Tx, p *Plan) error { return c.Record(ctx, tx, p.Summary(c.File().Name)) })
	})
	return u, plan, s.Changed.After(ctx, tenantID, err)
}

// Export writes the tenant's units in format f, audited. See Export.
func (s *Service) Export(ctx context.Context, tenantID int64, actor audit.Actor, f tabular.Format, substitute bool) (*ExportFile, error) {
	return Export(ctx, s.st, tenantID, actor, f, substitute, s.flow.Now())
}
