package staffio

import (
	"context"
	"fmt"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/tableimport"
	"telework/internal/tabular"
)

// Reader reads what a file is compared with.
type Reader interface {
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
	// FindAllStaff lists every staff record of the tenant, retired ones too.
	FindAllStaff(ctx context.Context, tenantID int64) ([]*org.Staff, error)
	// FindScheduledChanges lists scheduled changes (a row may repeat a
	// pending one).
	FindScheduledChanges(ctx context.Context, tenantID int64, f org.ScheduleFilter) ([]*org.ScheduledChange, error)
	// FindAllPolicyFacts returns the recorded facts by staff id.
	FindAllPolicyFacts(ctx context.Context, tenantID int64) (map[int64]policy.Facts, error)
}

// Tx is one transaction: every write of an import goes through the same
// one, so a file is applied whole or not at all. Each write records its
// own audit entry (and a move its history entry with the effective date).
type Tx interface {
	Reader
	// org.Tx: the writes of org's StaffWriter, so an import keeps the
	// rules, history and audit entries of a change made on the pages.
	org.Tx
	DatedTx
	// Now is the transaction's clock.
	Now() time.Time
	// LockOrganisation takes the tenant's organisation lock for a change
	// (exclusive, PostgreSQL) before the import reads what it plans
	// against: two imports, or an import and a change on a page, follow
	// one another instead of one failing on the other's half-made change.
	LockOrganisation(ctx context.Context, tenantID int64) error
	// the kept file of a confirmation (tableimport.Staff)
	tableimport.KeptTx
	// AuditBatch appends many entries to the tenant's chain in a few
	// statements, in order, as Audit would one by one.
	AuditBatch(ctx context.Context, tenantID int64, actor audit.Actor, changes []audit.Change) error
}

// BatchTx is a Tx that can also write many records in a few statements,
// with the same rows and history entries as org's StaffWriter one by one
// and the audit entries the change function gives (org's): a first import
// of a large city's 50,000 staff would otherwise take a database round
// trip per statement. before[i] is staff[i] as read earlier in the same
// transaction; the plan has checked units and numbers.
type BatchTx interface {
	CreateStaffBatch(ctx context.Context, tenantID int64, actor audit.Actor, staff []*org.Staff, effective []calendar.Date,
		change func(*org.Staff) audit.Change) error
	UpdateStaffBatch(ctx context.Context, tenantID int64, actor audit.Actor, staff, before []*org.Staff, effective []calendar.Date,
		change func(before, after *org.Staff) audit.Change) error
	SetStaffRetiredBatch(ctx context.Context, tenantID int64, actor audit.Actor, before []*org.Staff, retired bool,
		change func(before, after *org.Staff) audit.Change) error
}

// Store runs an import's transaction.
type Store interface {
	Reader
	InStaffImport(ctx context.Context, fn func(Tx) error) error
}

// File is an uploaded file.
type File = tableimport.File

// ApplyOptions add to Options what only applying needs.
type ApplyOptions struct {
	Options
	// ExpectDigest, when set, is the Digest of the plan the person
	// confirmed; a different plan now (the data changed since the
	// preview) is not applied.
	ExpectDigest string
	// ConfirmRetirements is the number of retirements the person typed:
	// a plan that NeedsRetirementConfirm is applied only when it is that
	// plan's number.
	ConfirmRetirements int
}

// IsRetirementConfirm reports the refusal of a full-roster import that
// retires many people without their number typed.
func IsRetirementConfirm(err error) bool {
	e := apperr.As(err)
	return e != nil && len(e.Fields) > 0 && e.Fields[0].Field == "confirm_retirements"
}

func retirementConfirmErr(p *Plan, given int) error {
	var v apperr.Validation
	key := "import.confirm_retirements"
	if given != 0 {
		key = "import.confirm_retirements_wrong"
	}
	v.Add("confirm_retirements", key, map[string]any{"Count": len(p.Retires), "Given": given, "Active": p.Active})
	return v.Err()
}

// read turns the file into a table within tabular's limits, or a plan
// holding why it cannot be read; err is set only when ctx ended (the
// request went away), not for a file beyond a limit.
func read(ctx context.Context, f File, opt Options) (*tabular.Table, *Plan, error) {
	t, pr, err := ReadTable(ctx, f.Data)
	if pr != nil {
		return nil, &Plan{SHA256: f.SHA256(), Full: opt.Full, Problems: []Problem{*pr}}, nil
	}
	return t, nil, err
}

// ReadTable reads an uploaded file within tabular's limits. A file that
// cannot be read is a Problem on the "file" field (with its line when the
// reader names one); err is set only for a failure that is not the file's
// (the request's context ended).
func ReadTable(ctx context.Context, data []byte) (*tabular.Table, *Problem, error) {
	t, err := tabular.ReadContext(ctx, data, tabular.DefaultLimits())
	if err != nil {
		e := apperr.As(err)
		if e == nil {
			return nil, nil, err
		}
		pr := Problem{Key: e.Key, Args: e.Args, Field: "file"}
		if l, ok := e.Args["Line"].(int); ok {
			pr.Line = l
		}
		return nil, &pr, nil
	}
	return t, nil, nil
}

func current(ctx context.Context, r Reader, tenantID int64) (Current, error) {
	units, err := r.FindUnits(ctx, tenantID)
	if err != nil {
		return Current{}, err
	}
	staff, err := r.FindAllStaff(ctx, tenantID)
	if err != nil {
		return Current{}, err
	}
	pending, err := r.FindScheduledChanges(ctx, tenantID, org.ScheduleFilter{Status: []string{org.SchedulePending}})
	if err != nil {
		return Current{}, err
	}
	facts, err := r.FindAllPolicyFacts(ctx, tenantID)
	if err != nil {
		return Current{}, err
	}
	return Current{Units: units, Staff: staff, Scheduled: pending, Facts: facts}, nil
}

// Preview plans the import of f against the data as it is now and writes
// nothing (the dry run). Rows dated after opt.Today (today when zero) are
// planned as scheduled changes.
func Preview(ctx context.Context, r Reader, tenantID int64, f File, opt Options) (*Plan, error) {
	if opt.Today.IsZero() {
		opt.Today = calendar.DateOf(time.Now())
	}
	t, bad, err := read(ctx, f, opt)
	if err != nil || bad != nil {
		return bad, err
	}
	cur, err := current(ctx, r, tenantID)
	if err != nil {
		return nil, err
	}
	p := Prepare(t, cur, opt)
	p.SHA256 = f.SHA256()
	return p, nil
}

// IsPlanChanged reports the error of a confirmation whose plan is no
// longer the one previewed.
func IsPlanChanged(err error) bool { return tableimport.IsPlanChanged(err) }

// Apply plans f against the data as it is inside one transaction and, if
// the file has no problem, writes the whole plan in that transaction with
// an audit entry per change and one "staff.import" entry for the file. It
// returns the plan in every case; with problems the error is Invalid and
// nothing was written.
func Apply(ctx context.Context, st Store, tenantID int64, actor audit.Actor, f File, opt ApplyOptions) (*Plan, error) {
	return apply(ctx, st, tenantID, actor, f, opt, nil, nil)
}

// apply is Apply with steps of the same transaction before the plan is
// made (claiming a kept file) and after it is written (its result).
func apply(ctx context.Context, st Store, tenantID int64, actor audit.Actor, f File, opt ApplyOptions,
	before func(Tx) error, after func(Tx, *Plan) error) (*Plan, error) {
	t, bad, err := read(ctx, f, opt.Options)
	if err != nil {
		return nil, err
	}
	if bad != nil {
		return bad, tableimport.ErrRejected(bad)
	}
	var units []*org.Unit // as the plan read them
	return tableimport.Transact(ctx, st.InStaffImport, tableimport.Steps[Tx, *Plan]{
		Lock:   func(tx Tx) error { return tx.LockOrganisation(ctx, tenantID) },
		Before: before,
		Plan: func(tx Tx) (*Plan, error) {
			cur, err := current(ctx, tx, tenantID)
			if err != nil {
				return nil, err
			}
			o := opt.Options
			if o.Today.IsZero() {
				o.Today = calendar.DateOf(tx.Now())
			}
			plan := Prepare(t, cur, o)
			plan.SHA256 = f.SHA256()
			units = cur.Units
			return plan, nil
		},
		ExpectDigest: opt.ExpectDigest,
		Check: func(plan *Plan) error {
			if plan.NeedsRetirementConfirm() && opt.ConfirmRetirements != len(plan.Retires) {
				return retirementConfirmErr(plan, opt.ConfirmRetirements)
			}
			return nil
		},
		Write: func(tx Tx, p *Plan) error { return write(ctx, tx, tenantID, actor, p, f.Name, newUnitIndex(units)) },
		After: after,
	})
}

// write applies the plan, which was made in this transaction: the rows
// dated today or earlier at once, the later ones as scheduled changes,
// and the facts the file sets.
func write(ctx context.Context, tx Tx, tenantID int64, actor audit.Actor, p *Plan, name string, units *unitIndex) error {
	w := org.StaffWriter{Tx: tx, Now: tx.Now}
	now := func(list []*Item, staffToo bool) []*Item {
		var out []*Item
		for _, it := range list {
			if !it.Scheduled && (!staffToo || it.StaffChanged) {
				out = append(out, it)
			}
		}
		return out
	}
	creates, changes, retires, reinstates := now(p.Creates, false), now(p.Changes, true), now(p.Retires, false), now(p.Reinstates, false)
	perRow := [][]*Item{changes, retires, reinstates}
	if bt, ok := tx.(BatchTx); ok {
		if len(creates) > 0 {
			list, _, effs := unzip(creates)
			if err := bt.CreateStaffBatch(ctx, tenantID, actor, list, effs, org.StaffCreated); err != nil {
				return fmt.Errorf("staffio: registering staff: %w", err)
			}
		}
		if len(changes) > 0 {
			list, before, effs := unzip(changes)
			if err := bt.UpdateStaffBatch(ctx, tenantID, actor, list, before, effs, org.StaffUpdated); err != nil {
				return fmt.Errorf("staffio: changing staff: %w", err)
			}
		}
		// A retirement changes nothing else (see readRow); reinstatements
		// may, and are rare: they go one by one.
		if len(retires) > 0 {
			_, before, _ := unzip(retires)
			if err := bt.SetStaffRetiredBatch(ctx, tenantID, actor, before, true, org.StaffRetired); err != nil {
				return fmt.Errorf("staffio: retiring staff: %w", err)
			}
		}
		perRow = perRow[2:]
	} else {
		for _, it := range creates {
			if err := w.Create(ctx, tenantID, actor, it.After, it.Effective); err != nil {
				return fmt.Errorf("staffio: line %d: %w", it.Line, err)
			}
		}
	}
	for _, list := range perRow {
		for _, it := range list {
			upd := org.FullUpdate(it.After, it.Effective)
			upd.ExpectVersion, upd.Retired = it.Before.Version, it.SetRetired
			after, err := w.Update(ctx, tenantID, actor, it.Before.ID, upd)
			if err != nil {
				return fmt.Errorf("staffio: line %d: %w", it.Line, err)
			}
			*it.After = *after
		}
	}
	for _, list := range [][]*Item{creates, now(p.Changes, false), reinstates} {
		for _, it := range list {
			if it.Facts == nil || policy.SameFacts(it.FactsBefore, *it.Facts) {
				continue
			}
			if _, err := policy.WriteFacts(ctx, tx, tenantID, actor, it.After.ID, *it.Facts); err != nil {
				return fmt.Errorf("staffio: line %d: %w", it.Line, err)
			}
		}
	}
	if err := writeScheduled(ctx, tx, tenantID, actor, p, units, name); err != nil {
		return err
	}
	return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "staff.import", ObjectType: "staff_import",
		ObjectID: p.SHA256[:16], After: p.Summary(name)})
}

func unzip(items []*Item) (after, before []*org.Staff, effective []calendar.Date) {
	after, before, effective = make([]*org.Staff, len(items)), make([]*org.Staff, len(items)), make([]calendar.Date, len(items))
	for i, it := range items {
		after[i], before[i], effective[i] = it.After, it.Before, it.Effective
	}
	return after, before, effective
}

// Summary is the counts of a plan, as the audit log keeps them.
type Summary struct {
	File       string `json:"file"`
	SHA256     string `json:"sha256"`
	Encoding   string `json:"encoding"`
	Sheet      string `json:"sheet,omitempty"`
	Rows       int    `json:"rows"`
	Full       bool   `json:"full_roster"`
	Created    int    `json:"created"`
	Changed    int    `json:"changed"`
	Retired    int    `json:"retired"`
	Reinstated int    `json:"reinstated"`
	Unchanged  int    `json:"unchanged"`
	// Scheduled counts the changes above stored for their 発令日.
	Scheduled int `json:"scheduled"`
}

// Summary counts the plan.
func (p *Plan) Summary(name string) Summary {
	return Summary{File: name, SHA256: p.SHA256, Encoding: p.Encoding, Sheet: p.Sheet, Rows: p.Rows, Full: p.Full,
		Created: len(p.Creates), Changed: len(p.Changes), Retired: len(p.Retires), Reinstated: len(p.Reinstates), Unchanged: p.Unchanged,
		Scheduled: p.Scheduled()}
}
