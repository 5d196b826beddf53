package org

import (
	"encoding/json"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
)

// Dated changes (予定されている異動): a change whose date is still to come —
// the April 人事異動 imported in March, a hire or a retirement from a later
// date, a unit renamed or moved from a later date — is stored as a
// ScheduledChange and applied on its date by the daily job, through the
// same rules (StaffWriter, UnitWriter) as a change made that day. Until
// then the staff and unit rows are as they are: the directory, the API and
// the person see the current state; only HR sees what is planned.

// Kinds of scheduled change.
const (
	ScheduledStaffCreate = "staff.create" // a hire: the record appears on its date
	ScheduledStaffUpdate = "staff.update" // fields, a move, a retirement or a reinstatement
	ScheduledUnitUpdate  = "unit.update"  // a rename, a move in the tree
)

// States of a scheduled change.
const (
	SchedulePending   = "pending"
	ScheduleApplied   = "applied"
	ScheduleFailed    = "failed" // the daily job could not apply it; HR sees why
	ScheduleCancelled = "cancelled"
)

// ScheduledChange is one change waiting for its date.
type ScheduledChange struct {
	ID       int64
	TenantID int64
	Kind     string
	StaffID  int64 // staff.update; 0 for a hire
	UnitID   int64 // unit.update
	// StaffNo and Name say whom (or, for a unit, which code and name) it
	// concerns in the lists.
	StaffNo   string
	Name      string
	Effective calendar.Date
	Body      ScheduledBody
	// Changes is what HR is shown: each field before and after, as the
	// import preview writes them.
	Changes   []ChangeLine
	Status    string
	Failure   *Failure // why the job could not apply it (Status failed)
	Source    string   // the file it came from, or the form
	CreatedAt time.Time
	CreatedBy string
	DoneAt    time.Time // applied, failed or cancelled at
	DoneBy    string
}

// ScheduledBody is what the job applies.
type ScheduledBody struct {
	// Staff is the record of a hire, or the record after the change with
	// Fields naming the fields that change (the others are read on the
	// day, so that edits made in between are kept).
	Staff  *Staff    `json:"staff,omitempty"`
	Fields []string  `json:"fields,omitempty"`
	Unit   *UnitBody `json:"unit,omitempty"`
	// Retired retires (true) or reinstates (false) the person.
	Retired *bool `json:"retired,omitempty"`
	// Facts are the policy facts the import read with the row (policy's
	// JSON; org does not read them), written when the change is applied.
	Facts json.RawMessage `json:"facts,omitempty"`
	// ActorID is the account that scheduled the change.
	ActorID int64 `json:"actor_id,omitempty"`
}

// UnitBody is a unit change: nil fields stay as they are on the day.
type UnitBody struct {
	Name      *string `json:"name,omitempty"`
	Level     *string `json:"level,omitempty"`
	Code      *string `json:"code,omitempty"`
	ParentID  *int64  `json:"parent_id,omitempty"`
	SortOrder *int    `json:"sort_order,omitempty"`
}

// ChangeLine is one field of a scheduled change before and after.
type ChangeLine struct {
	Field     string `json:"field"`
	Column    string `json:"column,omitempty"`
	Before    string `json:"before,omitempty"`
	After     string `json:"after,omitempty"`
	Sensitive bool   `json:"sensitive,omitempty"`
}

// Failure is why a scheduled change could not be applied: a message key
// on a field (e.g. unit_id field.unit_retired: the unit closed meanwhile).
type Failure struct {
	Key   string         `json:"key"`
	Field string         `json:"field,omitempty"`
	Args  map[string]any `json:"args,omitempty"`
}

// FailureOf turns the error of a change that could not be applied into
// what HR is shown; internal errors become error.internal.
func FailureOf(err error) *Failure {
	e := apperr.As(err)
	switch {
	case e == nil:
		return &Failure{Key: "error.internal"}
	case len(e.Fields) > 0:
		return &Failure{Key: e.Fields[0].Key, Field: e.Fields[0].Field, Args: e.Fields[0].Args}
	case e.Code == apperr.Internal:
		return &Failure{Key: "error.internal"}
	}
	return &Failure{Key: e.Key, Args: e.Args}
}

// Staff fields a scheduled update may name.
const (
	FieldStaffNo      = "staff_no"
	FieldName         = "name"
	FieldKana         = "kana"
	FieldEmail        = "email"
	FieldUnit         = "unit"
	FieldTitle        = "title"
	FieldRank         = "rank"
	FieldIsSupervisor = "is_supervisor"
	FieldEmployment   = "employment"
	FieldJobType      = "job_type"
	FieldSensitive    = "sensitive"
)

// StaffUpdate is the update of a scheduled staff change against the
// record as it is at version: only the fields the change names.
func (b ScheduledBody) StaffUpdate(eff calendar.Date, version int64) StaffUpdate {
	upd := StaffUpdate{Effective: eff, ExpectVersion: version, Retired: b.Retired}
	st := b.Staff
	if st == nil {
		return upd
	}
	for _, f := range b.Fields {
		switch f {
		case FieldStaffNo:
			upd.StaffNo = &st.StaffNo
		case FieldName:
			upd.Name = &st.Name
		case FieldKana:
			upd.Kana = &st.Kana
		case FieldEmail:
			upd.Email = &st.Email
		case FieldUnit:
			upd.UnitID = &st.UnitID
		case FieldTitle:
			upd.Title = &st.Title
		case FieldRank:
			upd.Rank = &st.Rank
		case FieldIsSupervisor:
			upd.IsSupervisor = &st.IsSupervisor
		case FieldEmployment:
			upd.Employment = &st.Employment
		case FieldJobType:
			upd.JobType = &st.JobType
		case FieldSensitive:
			sens := st.Sensitive
			upd.Sensitive = &sens
		}
	}
	return upd
}

// ChangedFields names the fields in which after differs from before.
func ChangedFields(before, after *Staff) []string {
	var out []string
	add := func(f string, diff bool) {
		if diff {
			out = append(out, f)
		}
	}
	add(FieldStaffNo, before.StaffNo != after.StaffNo)
	add(FieldName, before.Name != after.Name)
	add(FieldKana, before.Kana != after.Kana)
	add(FieldEmail, before.Email != after.Email)
	add(FieldUnit, before.UnitID != after.UnitID)
	add(FieldTitle, before.Title != after.Title)
	add(FieldRank, before.Rank != after.Rank)
	add(FieldIsSupervisor, before.IsSupervisor != after.IsSupervisor)
	add(FieldEmployment, before.Employment != after.Employment)
	add(FieldJobType, before.JobType != after.JobType)
	add(FieldSensitive, before.AuditView().Sensitive != after.AuditView().Sensitive)
	return out
}

// ScheduleFilter narrows the list of scheduled changes.
type ScheduleFilter struct {
	Status  []string // any of these; all when empty
	StaffID int64
	// DueBy lists only changes dated on or before it.
	DueBy calendar.Date
	Limit int
}

// ScheduledAudit is how a scheduled change appears in the audit log.
type ScheduledAudit struct {
	ID        int64        `json:"id"`
	Kind      string       `json:"kind"`
	StaffID   int64        `json:"staff_id,omitempty"`
	UnitID    int64        `json:"unit_id,omitempty"`
	StaffNo   string       `json:"staff_no,omitempty"`
	Name      string       `json:"name,omitempty"`
	Effective string       `json:"effective_date"`
	Changes   []ChangeLine `json:"changes,omitempty"`
	Status    string       `json:"status"`
	Failure   *Failure     `json:"failure,omitempty"`
	Source    string       `json:"source,omitempty"`
}

// AuditView is the change as the audit log keeps it (the analysis
// attributes appear only as changed, as in Changes).
func (c *ScheduledChange) AuditView() ScheduledAudit {
	return ScheduledAudit{c.ID, c.Kind, c.StaffID, c.UnitID, c.StaffNo, c.Name, c.Effective.String(), c.Changes,
		c.Status, c.Failure, c.Source}
}
