package tableimport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/tabular"
)

// File is an uploaded file.
type File struct {
	Name string
	Data []byte
}

// SHA256 of the file's bytes, hex.
func (f File) SHA256() string {
	sum := sha256.Sum256(f.Data)
	return hex.EncodeToString(sum[:])
}

// UploadTTL is how long a previewed file waits for confirmation.
const UploadTTL = time.Hour

// MaxKeptUploads is how many previewed files one person may have waiting
// for confirmation, per import; a newer preview drops the oldest (whose
// confirmation then says it expired). Each file may be tens of MB in the
// database.
const MaxKeptUploads = 3

// Upload is a file kept between preview and confirmation.
type Upload struct {
	ID        int64
	TenantID  int64
	UserID    int64
	Filename  string
	SHA256    string
	Full      bool // a full staff roster (always false for units)
	Data      []byte
	CreatedAt time.Time
	ExpiresAt time.Time
	AppliedAt time.Time // zero until confirmed
	Result    string    // JSON summary once applied
}

// Kind is which import a kept file belongs to; each kind's files are kept
// apart (a staff file is never confirmed as units).
type Kind string

const (
	Staff Kind = "staff"
	Units Kind = "units"
)

// KeptStore keeps the files between preview and confirmation;
// internal/store implements it.
type KeptStore interface {
	// CreateKeptImport keeps a previewed file (ID set on return) and drops
	// the tenant's files of that kind expired by u.CreatedAt.
	CreateKeptImport(ctx context.Context, kind Kind, u *Upload) error
	// FindKeptImport returns one of the user's own files that has not
	// expired by now, or NotFound.
	FindKeptImport(ctx context.Context, kind Kind, tenantID, userID, id int64, now time.Time) (*Upload, error)
	// DropOldKeptImports deletes the user's files not yet applied except
	// the newest keep.
	DropOldKeptImports(ctx context.Context, kind Kind, tenantID, userID int64, keep int) error
}

// KeptTx is what the transaction that applies a kept file does with it.
type KeptTx interface {
	// ClaimKeptImport marks a kept file as applied at at and drops its
	// bytes: NotFound when it expired by then or is not the user's,
	// Conflict (import.already_applied) when it was applied already.
	ClaimKeptImport(ctx context.Context, kind Kind, tenantID, userID, id int64, at time.Time) error
	// SetKeptImportResult records an applied file's summary (JSON).
	SetKeptImportResult(ctx context.Context, kind Kind, tenantID, userID, id int64, result string) error
}

// Plan is what both imports' plans tell the workflow.
type Plan interface {
	OK() bool
	Empty() bool
	Digest() string
	ProblemCount() int
}

// ErrRejected is returned with a plan that has problems: nothing was written.
func ErrRejected(p Plan) error {
	return &apperr.Error{Code: apperr.Invalid, Key: "import.rejected", Args: map[string]any{"Count": p.ProblemCount()}}
}

func errAlreadyApplied() error {
	return &apperr.Error{Code: apperr.Conflict, Key: "import.already_applied"}
}

// IsAlreadyApplied reports the error of confirming a file a second time
// (a double click, another node): nothing more was written.
func IsAlreadyApplied(err error) bool {
	e := apperr.As(err)
	return e != nil && e.Code == apperr.Conflict && e.Key == "import.already_applied"
}

// IsPlanChanged reports the error of a confirmation whose plan is no
// longer the one previewed.
func IsPlanChanged(err error) bool {
	e := apperr.As(err)
	return e != nil && e.Key == "import.plan_changed"
}

// Workflow is the part of an import service that does not depend on what
// a row is: the node's gate every file passes (at most a few imports at
// once per node and per tenant; one more is RateLimited "upload.busy"),
// and the files kept between preview and confirmation, so any node can
// take the confirmation and it applies once.
type Workflow struct {
	kind Kind
	st   KeptStore
	now  func() time.Time
	gate *tabular.Gate
}

// NewWorkflow returns the workflow of kind's files over st; now is the
// clock. It admits imports through a gate of its own until SetGate shares
// the node's.
func NewWorkflow(kind Kind, st KeptStore, now func() time.Time) *Workflow {
	return &Workflow{kind: kind, st: st, now: now, gate: tabular.NewGate(0, 0)}
}

// SetGate makes the workflow admit imports through g, the gate the node's
// other uploads pass too.
func (w *Workflow) SetGate(g *tabular.Gate) { w.gate = g }

// Gate is the gate imports pass.
func (w *Workflow) Gate() *tabular.Gate { return w.gate }

// Now is the workflow's clock.
func (w *Workflow) Now() time.Time { return w.now() }

// Admit runs fn once the gate admits a file of size bytes.
func Admit[P any](w *Workflow, tenantID int64, size int, fn func() (P, error)) (P, error) {
	release, err := w.gate.Enter(tenantID, size)
	if err != nil {
		var zero P
		return zero, err
	}
	defer release()
	return fn()
}

// Keep plans f with preview and, when it has no problem and changes something, keeps
// it for actor's confirmation for UploadTTL. It returns the plan and the
// kept file (nil when nothing was kept: a refused file, or one that
// changes nothing). A person keeps at most MaxKeptUploads files of a
// kind: the oldest is dropped.
func Keep[P Plan](ctx context.Context, w *Workflow, tenantID int64, actor audit.Actor, f File, full bool,
	preview func() (P, error)) (P, *Upload, error) {
	var kept *Upload
	plan, err := Admit(w, tenantID, len(f.Data), func() (P, error) {
		plan, err := preview()
		if err != nil || !plan.OK() || plan.Empty() {
			return plan, err
		}
		if err := w.st.DropOldKeptImports(ctx, w.kind, tenantID, actor.ID, MaxKeptUploads-1); err != nil {
			return plan, err
		}
		now := w.now().UTC()
		u := &Upload{TenantID: tenantID, UserID: actor.ID, Filename: f.Name, SHA256: f.SHA256(), Full: full, Data: f.Data,
			CreatedAt: now, ExpiresAt: now.Add(UploadTTL)}
		if err := w.st.CreateKeptImport(ctx, w.kind, u); err != nil {
			return plan, err
		}
		kept = u
		return plan, nil
	})
	return plan, kept, err
}

// Find returns one of actor's kept files that has not expired, or
// NotFound.
func (w *Workflow) Find(ctx context.Context, tenantID int64, actor audit.Actor, id int64) (*Upload, error) {
	return w.st.FindKeptImport(ctx, w.kind, tenantID, actor.ID, id, w.now())
}

// Result is what an applied kept file did (its recorded summary, or one
// naming only the file when that cannot be read); NotFound (object) when
// the file is gone or not applied yet.
func Result[S any](ctx context.Context, w *Workflow, tenantID int64, actor audit.Actor, id int64, object string,
	fileOnly func(name string) S) (*S, error) {
	u, err := w.Find(ctx, tenantID, actor, id)
	if err != nil {
		return nil, err
	}
	if u.AppliedAt.IsZero() {
		return nil, apperr.NotFoundErr(object)
	}
	var sum S
	if json.Unmarshal([]byte(u.Result), &sum) != nil {
		sum = fileOnly(u.Filename)
	}
	return &sum, nil
}

// Confirmation is what the transaction of a confirmation does with the
// kept file: Claim first (so a second confirmation applies nothing), and
// Record the summary of what was written last.
type Confirmation struct {
	w  *Workflow
	u  *Upload
	by audit.Actor
}

// Upload is the kept file.
func (c Confirmation) Upload() *Upload { return c.u }

// File is the kept file as uploaded.
func (c Confirmation) File() File { return File{Name: c.u.Filename, Data: c.u.Data} }

// Claim marks the kept file applied inside tx.
func (c Confirmation) Claim(ctx context.Context, tx KeptTx) error {
	return tx.ClaimKeptImport(ctx, c.w.kind, c.u.TenantID, c.by.ID, c.u.ID, c.w.now())
}

// Record keeps the summary of what the file did, for Result.
func (c Confirmation) Record(ctx context.Context, tx KeptTx, summary any) error {
	res, err := json.Marshal(summary)
	if err != nil {
		return err
	}
	return tx.SetKeptImportResult(ctx, c.w.kind, c.u.TenantID, c.by.ID, c.u.ID, string(res))
}

// Confirm applies actor's kept file id with apply, which plans it again
// against the data as it is now and writes it in one transaction that
// runs c.Claim first and c.Record last. NotFound when the file expired or
// is not actor's; Conflict (IsAlreadyApplied) when it was applied
// already. It returns the kept file whenever it found it, and the plan
// whenever apply made one.
func Confirm[P any](ctx context.Context, w *Workflow, tenantID int64, actor audit.Actor, id int64,
	apply func(c Confirmation) (P, error)) (*Upload, P, error) {
	var zero P
	u, err := w.Find(ctx, tenantID, actor, id)
	if err != nil {
		return nil, zero, err
	}
	if !u.AppliedAt.IsZero() {
		return u, zero, errAlreadyApplied()
	}
	plan, err := Admit(w, tenantID, len(u.Data), func() (P, error) { return apply(Confirmation{w: w, u: u, by: actor}) })
	return u, plan, err
}
