package orgio

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/staffio"
	"telework/internal/tableimport"
	"telework/internal/tabular"
)

// Reader reads what a file is compared with.
type Reader interface {
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
	// CountStaffByUnit counts the people in service per unit id.
	CountStaffByUnit(ctx context.Context, tenantID int64) (map[int64]int, error)
}

// Tx is the one transaction of an import: the file is applied whole or
// not at all, each change with its own history and audit entry (org's).
type Tx interface {
	Reader
	org.Tx
	Now() time.Time
	// LockOrganisation takes the tenant's organisation lock for a change
	// before the import reads what it plans against (see staffio).
	LockOrganisation(ctx context.Context, tenantID int64) error
	// the kept file of a confirmation (tableimport.Units)
	tableimport.KeptTx
}

// Store runs an import's transaction.
type Store interface {
	Reader
	InUnitImport(ctx context.Context, fn func(Tx) error) error
}

// File is an uploaded file.
type File = tableimport.File

// read turns the file into a table within tabular's limits, or a plan
// holding why it cannot be read; err is set only when ctx ended.
func read(ctx context.Context, f File) (*tabular.Table, *Plan, error) {
	t, pr, err := staffio.ReadTable(ctx, f.Data)
	if pr != nil {
		return nil, &Plan{SHA256: f.SHA256(), Problems: []Problem{*pr}}, nil
	}
	return t, nil, err
}

func current(ctx context.Context, r Reader, tenantID int64) (Current, error) {
	units, err := r.FindUnits(ctx, tenantID)
	if err != nil {
		return Current{}, err
	}
	staff, err := r.CountStaffByUnit(ctx, tenantID)
	if err != nil {
		return Current{}, err
	}
	return Current{Units: units, Staff: staff}, nil
}

// Preview plans the import of f against the data as it is now and writes
// nothing (the dry run).
func Preview(ctx context.Context, r Reader, tenantID int64, f File) (*Plan, error) {
	t, bad, err := read(ctx, f)
	if err != nil || bad != nil {
		return bad, err
	}
	cur, err := current(ctx, r, tenantID)
	if err != nil {
		return nil, err
	}
	p := Prepare(t, cur)
	p.SHA256 = f.SHA256()
	return p, nil
}

// Apply plans f inside one transaction and, if the file has no problem,
// writes the whole plan in it with an audit entry per change and one
// "unit.import" entry for the file. It returns the plan in every case;
// with problems the error is Invalid and nothing was written.
func Apply(ctx context.Context, st Store, tenantID int64, actor audit.Actor, f File, expectDigest string) (*Plan, error) {
	return apply(ctx, st, tenantID, actor, f, expectDigest, nil, nil)
}

func apply(ctx context.Context, st Store, tenantID int64, actor audit.Actor, f File, expectDigest string,
	before func(Tx) error, after func(Tx, *Plan) error) (*Plan, error) {
	t, bad, err := read(ctx, f)
	if err != nil {
		return nil, err
	}
	if bad != nil {
		return bad, tableimport.ErrRejected(bad)
	}
	return tableimport.Transact(ctx, st.InUnitImport, tableimport.Steps[Tx, *Plan]{
		Lock:   func(tx Tx) error { return tx.LockOrganisation(ctx, tenantID) },
		Before: before,
		Plan: func(tx Tx) (*Plan, error) {
			cur, err := current(ctx, tx, tenantID)
			if err != nil {
				return nil, err
			}
			plan := Prepare(t, cur)
			plan.SHA256 = f.SHA256()
			return plan, nil
		},
		ExpectDigest: expectDigest,
		Write:        func(tx Tx, p *Plan) error { return write(ctx, tx, tenantID, actor, p, f.Name) },
		After:        after,
	})
}

// write applies the plan made in this transaction: new units parents
// first; then renames and moves by their depth in the planned tree (a
// parent is in its final place before a unit moves under it, so no step
// makes a cycle the final tree does not have); then closures, deepest
// first (a unit closes only once its children have).
func write(ctx context.Context, tx Tx, tenantID int64, actor audit.Actor, p *Plan, name string) error {
	w := org.UnitWriter{Tx: tx, Now: tx.Now}
	ids := map[string]int64{}
	units, err := tx.FindUnits(ctx, tenantID)
	if err != nil {
		return err
	}
	for _, u := range units {
		ids[codeKey(u.Code)] = u.ID
	}
	parentID := func(it *Item) int64 {
		if it.ParentCode == "" {
			return 0
		}
		return ids[codeKey(it.ParentCode)]
	}
	byDepth := func(list []*Item, deepestFirst bool) []*Item {
		out := slices.Clone(list)
		slices.SortStableFunc(out, func(a, b *Item) int {
			if deepestFirst {
				return b.depth - a.depth
			}
			return a.depth - b.depth
		})
		return out
	}
	for _, it := range byDepth(p.Creates, false) {
		it.After.ParentID = parentID(it)
		if err := w.Create(ctx, tenantID, actor, it.After, it.Effective); err != nil {
			return fmt.Errorf("orgio: line %d: %w", it.Line, err)
		}
		ids[codeKey(it.After.Code)] = it.After.ID
	}
	for _, it := range byDepth(p.Changes, false) {
		pid := parentID(it)
		a := it.After
		after, err := w.Update(ctx, tenantID, actor, it.Before.ID, org.UnitUpdate{Name: &a.Name, Level: &a.Level, ParentID: &pid,
			SortOrder: &a.SortOrder, Effective: it.Effective, ExpectVersion: it.Before.Version})
		if err != nil {
			return fmt.Errorf("orgio: line %d: %w", it.Line, err)
		}
		*it.After = *after
	}
	for _, it := range byDepth(p.Retires, true) {
		if err := w.Retire(ctx, tenantID, actor, it.Before.ID, it.Before.Version, it.Effective); err != nil {
			return fmt.Errorf("orgio: line %d: %w", it.Line, err)
		}
	}
	return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "unit.import", ObjectType: "unit_import",
		ObjectID: p.SHA256[:16], After: p.Summary(name)})
}

// --- export ---

// ExportHeader is the header row the export writes: the importer's
// preferred names, so that an exported file imports unchanged.
func ExportHeader() []string {
	h := make([]string, len(Columns))
	for i, c := range Columns {
		h[i] = c.Header
	}
	return h
}

// ExportRows returns the header and one row per unit, closed ones
// included, in tree order. Importing the result unchanged changes
// nothing; 適用日 is left empty for the person editing the file.
func ExportRows(units []*org.Unit) [][]string {
	tree := org.NewTree(units)
	out := [][]string{ExportHeader()}
	for _, nd := range tree.Flatten(true) {
		u := nd.Unit
		pcode, ppath := "", ""
		if p := tree.Unit(u.ParentID); p != nil {
			pcode, ppath = p.Code, tree.PathString(p.ID)
		}
		out = append(out, []string{u.Code, u.Name, u.Level, pcode, ppath, strconv.Itoa(u.SortOrder), retiredName(u.Retired), ""})
	}
	return out
}

// Exporter is what an export reads, and where it records that it happened.
type Exporter interface {
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// ExportFile is a finished export.
type ExportFile struct {
	Data        []byte
	Name        string // units-20261124.csv, units-20261124-sjis.csv, units-20261124.xlsx
	Substituted []tabular.Substitution
}

// Export writes the tenant's units in format f, audited ("unit.export").
// A CP932 export with characters the encoding lacks is refused
// (export.cp932_substituted, nothing audited) unless substitute accepts
// 〓 for them.
func Export(ctx context.Context, st Exporter, tenantID int64, actor audit.Actor, f tabular.Format, substitute bool, now time.Time) (*ExportFile, error) {
	units, err := st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	rows := ExportRows(units)
	var buf bytes.Buffer
	subs, err := tabular.Write(&buf, f, "組織", rows)
	if err != nil {
		return nil, err
	}
	if len(subs) > 0 && !substitute {
		return &ExportFile{Substituted: subs}, &apperr.Error{Code: apperr.Invalid, Key: "export.cp932_substituted",
			Args: map[string]any{"Lines": tabular.SubstitutedLines(subs), "Count": len(subs)}}
	}
	after := map[string]any{"format": f, "rows": len(rows) - 1}
	if err := st.Audit(ctx, tenantID, actor, audit.Change{Action: "unit.export", ObjectType: "unit_export", After: after}); err != nil {
		return nil, err
	}
	return &ExportFile{Data: buf.Bytes(), Name: ExportFileName(now, f), Substituted: subs}, nil
}

// ExportFileName is units-20261124.csv (UTF-8), units-20261124-sjis.csv
// or units-20261124.xlsx for an export made at now (the date in Japan):
// the two CSV encodings never share a name.
func ExportFileName(now time.Time, f tabular.Format) string {
	return f.FileName("units-" + strings.ReplaceAll(calendar.DateOf(now).String(), "-", ""))
}
