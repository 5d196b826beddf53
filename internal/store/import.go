package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/staffio"
)

// The store side of staff import and export (staffio): reads of a whole
// tenant, the import's one transaction, and the files kept between preview
// and confirmation.

// FindAllStaff lists every staff record of the tenant, people who left
// included, in id order (exports and imports).
func (db *DB) FindAllStaff(ctx context.Context, tenantID int64) ([]*org.Staff, error) {
	return findAllStaff(ctx, db, tenantID)
}

// FindAllStaff is FindAllStaff inside the import's transaction, so that the
// plan is made from the data the transaction writes over.
func (tx *Tx) FindAllStaff(ctx context.Context, tenantID int64) ([]*org.Staff, error) {
	return findAllStaff(ctx, tx, tenantID)
}

func findAllStaff(ctx context.Context, q querier, tenantID int64) ([]*org.Staff, error) {
	out, err := queryAll(ctx, q, scanStaff, `SELECT `+staffCols+staffFrom+` WHERE s.tenant_id = ? ORDER BY s.id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: all staff: %w", err)
	}
	return out, nil
}

// FindUnits is FindUnits inside a transaction.
func (tx *Tx) FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error) {
	return findUnits(ctx, tx, tenantID)
}

// Audit appends an entry inside the transaction (an import's summary).
func (tx *Tx) Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error {
	return tx.appendAudit(ctx, tenantID, actor, c)
}

// Now is the transaction's clock (the database's).
func (tx *Tx) Now() time.Time { return tx.db.Now() }

// InStaffImport runs an import in one transaction.
func (db *DB) InStaffImport(ctx context.Context, fn func(staffio.Tx) error) error {
	return db.inBulkTx(ctx, func(tx *Tx) error { return fn(tx) })
}

var (
	_ staffio.ServiceStore = (*DB)(nil)
	_ staffio.Store        = (*DB)(nil)
	_ staffio.Tx           = (*Tx)(nil)
	_ staffio.BatchTx      = (*Tx)(nil)
)

// Batched writes of an import. A first import of a large city registers
// 50,000 people; one statement per person and per audit entry is minutes
// on PostgreSQL (a round trip each), so rows go in multi-row statements.
// Every record still gets its own history and audit entry, exactly as
// CreateStaff and UpdateStaff write them.

// importBatchRows bounds the rows of one multi-row statement: 400 staff
// rows are 7,600 parameters, below SQLite's 32,766 and PostgreSQL's 65,535.
const importBatchRows = 400

// unitNames maps the tenant's unit ids to names, checking that a record
// names a unit of this tenant without a query per record.
func (tx *Tx) unitNames(ctx context.Context, tenantID int64) (map[int64]string, error) {
	type unitName struct {
		id   int64
		name string
	}
	list, err := queryAll(ctx, tx, func(sc interface{ Scan(...any) error }) (unitName, error) {
		var u unitName
		return u, sc.Scan(&u.id, &u.name)
	}, `SELECT id, name FROM units WHERE tenant_id = ?`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: unit names: %w", err)
	}
	out := make(map[int64]string, len(list))
	for _, u := range list {
		out[u.id] = u.name
	}
	return out, nil
}

// CreateStaffBatch registers many people in one transaction: the rows,
// their first history entries and the audit entry change gives each (the
// service's), in multi-row statements. The audit entries are hashed in a
// goroutine while the database inserts the next rows.
func (tx *Tx) CreateStaffBatch(ctx context.Context, tenantID int64, actor audit.Actor, list []*org.Staff, effective []calendar.Date,
	change func(*org.Staff) audit.Change) error {
	if err := tx.lockOrg(ctx, tenantID, orgExclusive); err != nil {
		return err
	}
	if len(list) != len(effective) {
		return fmt.Errorf("store: CreateStaffBatch: %d staff, %d dates", len(list), len(effective))
	}
	units, err := tx.unitNames(ctx, tenantID)
	if err != nil {
		return err
	}
	chain, err := tx.reserveAudit(ctx, tenantID, actor, len(list))
	if err != nil {
		return err
	}
	jobs := make(chan []audit.Change, 4)
	ready := make(chan auditRows, 4)
	go func() {
		defer close(ready)
		for ch := range jobs {
			ready <- chain.entries(ch)
		}
	}()
	hashing := true
	stop := func() {
		if hashing {
			hashing = false
			close(jobs)
		}
	}
	defer func() {
		stop()
		for range ready { // let the goroutine end on every path
		}
	}()
	insertReady := func(wait bool) error {
		for {
			var rows auditRows
			var ok bool
			if wait {
				rows, ok = <-ready
			} else {
				select {
				case rows, ok = <-ready:
				default:
					return nil
				}
			}
			if !ok {
				return nil
			}
			if err := tx.insertAudit(ctx, rows); err != nil {
				return err
			}
		}
	}
	now := micros(tx.db.Now())
	var histChunks [][]any
	for start := 0; start < len(list); start += importBatchRows {
		chunk := list[start:min(start+importBatchRows, len(list))]
		args := make([]any, 0, len(chunk)*staffInsertN)
		for _, s := range chunk {
			name, ok := units[s.UnitID]
			if !ok {
				return unitFieldErr(apperr.NotFoundErr("unit"))
			}
			s.TenantID, s.Version, s.UnitName, s.UpdatedAt = tenantID, 1, name, fromMicros(now)
			args = staffInsertArgs(args, tenantID, s, now)
		}
		rows, err := tx.query(ctx, `INSERT INTO staff (`+staffInsertCols+`) VALUES `+placeholders(len(chunk), staffInsertN)+
			` RETURNING id, staff_no`, args...)
		if err != nil {
			return staffNoTaken(mapErr(err))
		}
		ids := make(map[string]int64, len(chunk))
		for rows.Next() {
			var id int64
			var no string
			if err := rows.Scan(&id, &no); err != nil {
				rows.Close()
				return err
			}
			ids[no] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return staffNoTaken(mapErr(err))
		}
		hist := make([]any, 0, len(chunk)*staffHistoryN)
		changes := make([]audit.Change, len(chunk))
		for i, s := range chunk {
			if s.ID = ids[s.StaffNo]; s.ID == 0 {
				return fmt.Errorf("store: CreateStaffBatch: no id returned for %q", s.StaffNo)
			}
			hist = tx.staffHistoryArgs(hist, tenantID, actor, s.ID, effective[start+i], 0, s.UnitID, "", s.Title)
			changes[i] = change(s)
		}
		jobs <- changes
		histChunks = append(histChunks, hist)
		if err := insertReady(false); err != nil {
			return err
		}
	}
	stop()
	if err := insertReady(true); err != nil {
		return err
	}
	// The history rows go in once every staff row is there: PostgreSQL
	// plans each foreign-key check on staff when it first runs, and a plan
	// made while the table still held a few hundred rows would scan it.
	for _, hist := range histChunks {
		if _, err := tx.exec(ctx, `INSERT INTO staff_history (`+staffHistoryCols+`) VALUES `+placeholders(len(hist)/staffHistoryN, staffHistoryN), hist...); err != nil {
			return fmt.Errorf("store: staff history: %w", err)
		}
	}
	return tx.finishAudit(ctx, chain)
}

// UpdateStaffBatch writes many changed records read earlier in the same
// transaction (before[i] is list[i] as it was read): one UPDATE each,
// guarded by the version read, then the history entries of moves and
// title changes and the audit entries change gives, in multi-row
// statements.
func (tx *Tx) UpdateStaffBatch(ctx context.Context, tenantID int64, actor audit.Actor, list, before []*org.Staff, effective []calendar.Date,
	change func(before, after *org.Staff) audit.Change) error {
	if len(list) != len(before) || len(list) != len(effective) {
		return fmt.Errorf("store: UpdateStaffBatch: %d staff, %d before, %d dates", len(list), len(before), len(effective))
	}
	units, err := tx.unitNames(ctx, tenantID)
	if err != nil {
		return err
	}
	now := micros(tx.db.Now())
	changes := make([]audit.Change, 0, len(list))
	var hist []any
	histRows := 0
	flush := func() error {
		if histRows == 0 {
			return nil
		}
		_, err := tx.exec(ctx, `INSERT INTO staff_history (`+staffHistoryCols+`) VALUES `+placeholders(histRows, staffHistoryN), hist...)
		hist, histRows = hist[:0], 0
		return err
	}
	for i, s := range list {
		b := before[i]
		name, ok := units[s.UnitID]
		if !ok {
			return unitFieldErr(apperr.NotFoundErr("unit"))
		}
		if s.ID != b.ID {
			return fmt.Errorf("store: UpdateStaffBatch: record %d is not the one read", i)
		}
		if err := tx.updateStaffRow(ctx, tenantID, s, b.Version, now); err != nil {
			return err
		}
		s.TenantID, s.Version, s.Retired, s.UnitName, s.UpdatedAt = tenantID, b.Version+1, b.Retired, name, fromMicros(now)
		if b.UnitID != s.UnitID || b.Title != s.Title {
			hist = tx.staffHistoryArgs(hist, tenantID, actor, s.ID, effective[i], b.UnitID, s.UnitID, b.Title, s.Title)
			if histRows++; histRows == importBatchRows {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		changes = append(changes, change(b, s))
	}
	if err := flush(); err != nil {
		return err
	}
	return tx.appendAuditBatch(ctx, tenantID, actor, changes)
}

// appendAuditBatch appends entries to the tenant's chain as appendAudit
// does one by one, in multi-row INSERTs.
func (t *Tx) appendAuditBatch(ctx context.Context, tenantID int64, actor audit.Actor, changes []audit.Change) error {
	return t.AuditBatch(ctx, tenantID, actor, changes)
}

// AuditBatch appends entries to the tenant's chain as Audit does one by
// one, in multi-row INSERTs.
func (t *Tx) AuditBatch(ctx context.Context, tenantID int64, actor audit.Actor, changes []audit.Change) error {
	if len(changes) == 0 {
		return nil
	}
	chain, err := t.reserveAudit(ctx, tenantID, actor, len(changes))
	if err != nil {
		return err
	}
	for start := 0; start < len(changes); start += importBatchRows {
		if err := t.insertAudit(ctx, chain.entries(changes[start:min(start+importBatchRows, len(changes))])); err != nil {
			return err
		}
	}
	return t.finishAudit(ctx, chain)
}

// auditChain hands out the entries of a range of sequence numbers reserved
// on the tenant's chain head. Entries must be made in order (each hash
// covers the previous one); the head's hash is set by finishAudit. The
// entry is built by audit.NewEntry and hashed by audit.ComputeHash, as in
// appendAudit (audit.go), so the two writers cannot differ.
type auditChain struct {
	tenantID int64
	actor    audit.Actor
	at       time.Time
	next     int64 // sequence number of the next entry
	end      int64 // last reserved
	prev     string
}

// reserveAudit advances the head by n in one statement, which also takes
// the lock that serialises the tenant's writers until the commit.
func (t *Tx) reserveAudit(ctx context.Context, tenantID int64, actor audit.Actor, n int) (*auditChain, error) {
	if err := t.syncAuditHead(ctx, tenantID); err != nil {
		return nil, err
	}
	if _, err := t.exec(ctx, `INSERT INTO audit_heads (tenant_id, seq, last_hash) VALUES (?, 0, ?)
		ON CONFLICT (tenant_id) DO NOTHING`, tenantID, audit.GenesisHash); err != nil {
		return nil, fmt.Errorf("store: audit head: %w", err)
	}
	c := &auditChain{tenantID: tenantID, actor: actor, at: t.db.Now().UTC().Truncate(1000)}
	if err := t.row(ctx, `UPDATE audit_heads SET seq = seq + ? WHERE tenant_id = ? RETURNING seq, last_hash`,
		int64(n), tenantID).Scan(&c.end, &c.prev); err != nil {
		return nil, fmt.Errorf("store: audit head: %w", err)
	}
	c.next = c.end - int64(n) + 1
	return c, nil
}

// auditRows are the parameters of a multi-row audit_log INSERT.
type auditRows struct {
	n    int
	args []any
}

const auditCols12 = 12

func (c *auditChain) entries(changes []audit.Change) auditRows {
	r := auditRows{n: len(changes), args: make([]any, 0, len(changes)*auditCols12)}
	for _, ch := range changes {
		e := audit.NewEntry(c.tenantID, c.at, c.actor, ch)
		e.Seq, e.PrevHash = c.next, c.prev
		e.Hash = audit.ComputeHash(e)
		c.prev, c.next = e.Hash, c.next+1
		r.args = append(r.args, e.TenantID, e.Seq, micros(e.At), e.ActorID, e.ActorLabel, e.Action, e.ObjectType,
			e.ObjectID, string(e.Before), string(e.After), e.PrevHash, e.Hash)
	}
	return r
}

func (t *Tx) insertAudit(ctx context.Context, r auditRows) error {
	if r.n == 0 {
		return nil
	}
	if _, err := t.exec(ctx, `INSERT INTO audit_log (tenant_id, seq, at, actor_id, actor_label, action, object_type,
		object_id, before_json, after_json, prev_hash, hash) VALUES `+placeholders(r.n, auditCols12), r.args...); err != nil {
		return fmt.Errorf("store: audit insert: %w", err)
	}
	return nil
}

// finishAudit records the last hash on the head, after checking that
// every reserved number was used (a gap would break the chain).
func (t *Tx) finishAudit(ctx context.Context, c *auditChain) error {
	if c.next != c.end+1 {
		return fmt.Errorf("store: audit chain: %d of the reserved entries not written", c.end+1-c.next)
	}
	if _, err := t.exec(ctx, `UPDATE audit_heads SET last_hash = ? WHERE tenant_id = ?`, c.prev, c.tenantID); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	return nil
}

// idVersionPairs is n typed (id, version) rows for a VALUES list:
// PostgreSQL would take untyped parameters there for text.
func idVersionPairs(n int) string {
	return strings.TrimSuffix(strings.Repeat("(CAST(? AS BIGINT), CAST(? AS BIGINT)), ", n), ", ")
}

// SetStaffRetiredBatch retires (or reinstates) many people read earlier in
// the same transaction, as SetStaffRetired does one by one: each row only
// if its version is still the one read, accounts of people who left
// disabled and their sessions ended, one audit entry per person.
func (tx *Tx) SetStaffRetiredBatch(ctx context.Context, tenantID int64, actor audit.Actor, before []*org.Staff, retired bool,
	change func(before, after *org.Staff) audit.Change) error {
	if err := tx.lockOrg(ctx, tenantID, orgExclusive); err != nil {
		return err
	}
	now := micros(tx.db.Now())
	retiredAt := int64(0)
	if retired {
		retiredAt = now
	}
	changes := make([]audit.Change, 0, len(before))
	for start := 0; start < len(before); start += importBatchRows {
		chunk := before[start:min(start+importBatchRows, len(before))]
		pairs := make([]any, 0, 2*len(chunk))
		ids := make([]any, 0, len(chunk))
		for _, b := range chunk {
			pairs = append(pairs, b.ID, b.Version)
			ids = append(ids, b.ID)
		}
		res, err := tx.exec(ctx, `UPDATE staff SET retired = ?, retired_at = ?, updated_at = ?, version = version + 1
			WHERE tenant_id = ? AND (id, version) IN (VALUES `+idVersionPairs(len(chunk))+`)`,
			append([]any{retired, retiredAt, now, tenantID}, pairs...)...)
		if err != nil {
			return mapErr(err)
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(len(chunk)) {
			return staleErr() // someone changed one of them since it was read
		}
		if retired {
			in := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
			if _, err := tx.exec(ctx, `UPDATE users SET disabled = TRUE, version = version + 1 WHERE tenant_id = ? AND staff_id IN (`+in+`)`,
				append([]any{tenantID}, ids...)...); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE tenant_id = ? AND user_id IN
				(SELECT id FROM users WHERE tenant_id = ? AND staff_id IN (`+in+`))`, append([]any{tenantID, tenantID}, ids...)...); err != nil {
				return err
			}
		}
		for _, b := range chunk {
			after := *b
			after.Retired, after.Version = retired, b.Version+1
			changes = append(changes, change(b, &after))
		}
	}
	return tx.appendAuditBatch(ctx, tenantID, actor, changes)
}

// staffNoTaken and unitFieldErr are the batch import's field errors (the
// plan has checked both; a concurrent change can still get here).
func staffNoTaken(err error) error {
	if isDuplicate(err) {
		var v apperr.Validation
		v.Add("staff_no", "field.taken", nil)
		return v.Err()
	}
	return err
}

func unitFieldErr(err error) error {
	if apperr.CodeOf(err) == apperr.NotFound {
		var v apperr.Validation
		v.Add("unit_id", "field.unit_unknown", nil)
		return v.Err()
	}
	return err
}
