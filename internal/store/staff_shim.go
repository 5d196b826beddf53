package store

import (
	"context"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
)

// Transitional: the staff import (staffio.Tx) still writes through these
// until it runs through org.Service's in-transaction methods.

func (tx *Tx) CreateStaff(ctx context.Context, tenantID int64, actor audit.Actor, s *org.Staff, effective calendar.Date) error {
	return org.NewService(nil, tx.db.Now).CreateStaffIn(ctx, tx, tenantID, actor, s, effective)
}

func (tx *Tx) UpdateStaff(ctx context.Context, tenantID int64, actor audit.Actor, s *org.Staff, expectVersion int64, effective calendar.Date) error {
	sens := s.Sensitive
	upd := org.StaffUpdate{StaffNo: &s.StaffNo, Name: &s.Name, Kana: &s.Kana, Email: &s.Email, Title: &s.Title, JobType: &s.JobType,
		UnitID: &s.UnitID, Rank: &s.Rank, IsSupervisor: &s.IsSupervisor, Employment: &s.Employment, Sensitive: &sens,
		Effective: effective, ExpectVersion: expectVersion}
	after, err := org.NewService(nil, tx.db.Now).UpdateStaffIn(ctx, tx, tenantID, actor, s.ID, upd)
	if err != nil {
		return err
	}
	*s = *after
	return nil
}

func (tx *Tx) SetStaffRetired(ctx context.Context, tenantID int64, actor audit.Actor, id, expectVersion int64, retired bool) error {
	before, err := tx.staffByID(ctx, tenantID, id)
	if err != nil {
		return err
	}
	if before.Version != expectVersion {
		return apperr.ConflictStale()
	}
	r := retired
	_, err = org.NewService(nil, tx.db.Now).UpdateStaffIn(ctx, tx, tenantID, actor, id, org.StaffUpdate{Retired: &r, ExpectVersion: expectVersion})
	return err
}

// staffNoTaken and unitFieldErr are the batch import's field errors.
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

// createUser is the SSO provisioning's account write until that moves to
// the sso service.
func (tx *Tx) createUser(ctx context.Context, tenantID int64, actor audit.Actor, u *auth.User) error {
	return auth.NewService(nil, tx.db.Now).CreateUserIn(ctx, tx, tenantID, actor, u)
}
