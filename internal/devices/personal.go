package devices

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
)

// PersonalStatus is where a personal-device registration stands.
type PersonalStatus string

// Personal-device statuses.
const (
	Requested PersonalStatus = "requested"
	Approved  PersonalStatus = "approved"
	Rejected  PersonalStatus = "rejected"
	Revoked   PersonalStatus = "revoked"
)

// PersonalDevice is a person's own device (私用端末・BYOD) registered for
// telework: usable only once IT approved it, until ExpiresOn (松本市: 予め
// 申請の上ソフトウェアのインストール等).
type PersonalDevice struct {
	ID          int64
	StaffID     int64
	StaffName   string
	Description string
	OS          string
	Status      PersonalStatus
	ExpiresOn   calendar.Date
	RequestedAt time.Time
	DecidedAt   time.Time
}

// UsableOn reports whether the device may be used on day.
func (d *PersonalDevice) UsableOn(day calendar.Date) bool {
	return d.Status == Approved && !d.ExpiresOn.Before(day)
}

// Credential is a one-time remote-access ID for one telework day. Secret
// is set only in the answer of Issue (shown once); the store keeps its
// SHA-256.
type Credential struct {
	ID        int64
	StaffID   int64
	Day       calendar.Date
	Login     string
	Secret    string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// PersonalStore is what BYOD and credentials read and write.
type PersonalStore interface {
	FindPersonalDevices(ctx context.Context, tenantID, staffID int64) ([]*PersonalDevice, error)
	FindPersonalDevice(ctx context.Context, tenantID, id int64) (*PersonalDevice, error)
	InsertPersonalDevice(ctx context.Context, tenantID int64, d *PersonalDevice) error
	// DecidePersonalDeviceRow moves a device from one status to d.Status.
	DecidePersonalDeviceRow(ctx context.Context, tenantID int64, d *PersonalDevice, from PersonalStatus, by int64) (bool, error)
	// InsertRemoteCredential stores the credential with secretHash (a
	// duplicate when one was already issued for that person and day).
	InsertRemoteCredential(ctx context.Context, tenantID int64, c *Credential, secretHash string) error
}

func (s *Service) personalTx(ctx context.Context, fn func(Tx, PersonalStore) error) error {
	return s.st.InDevicesTx(ctx, func(tx Tx) error {
		ps, ok := tx.(PersonalStore)
		if !ok {
			return apperr.New(apperr.Internal, "error.internal")
		}
		return fn(tx, ps)
	})
}

// RequestPersonalDevice registers the caller's own device for approval.
func (s *Service) RequestPersonalDevice(ctx context.Context, tenantID int64, who *auth.Principal, d *PersonalDevice) error {
	if who.StaffID == 0 {
		return apperr.Forbid()
	}
	d.Description, d.OS = strings.TrimSpace(d.Description), strings.TrimSpace(d.OS)
	if d.Description == "" || len([]rune(d.Description)) > 200 || len([]rune(d.OS)) > 100 {
		var v apperr.Validation
		v.Add("description", "field.required", nil)
		return v.Err()
	}
	d.StaffID, d.Status, d.RequestedAt = who.StaffID, Requested, s.now()
	return s.personalTx(ctx, func(tx Tx, ps PersonalStore) error {
		if err := ps.InsertPersonalDevice(ctx, tenantID, d); err != nil {
			return err
		}
		return s.audit(ctx, tx, tenantID, who, "byod_request", "personal_device", d.ID, nil,
			map[string]any{"staff_id": d.StaffID, "os": d.OS, "status": d.Status})
	})
}

// DecidePersonalDevice approves (until expires), rejects or revokes a
// personal device (IT admin).
func (s *Service) DecidePersonalDevice(ctx context.Context, tenantID int64, who *auth.Principal, id int64, to PersonalStatus, expires calendar.Date) (*PersonalDevice, error) {
	if !who.Has(auth.ITAdmin) {
		return nil, apperr.Forbid()
	}
	var d *PersonalDevice
	err := s.personalTx(ctx, func(tx Tx, ps PersonalStore) error {
		var err error
		if d, err = ps.FindPersonalDevice(ctx, tenantID, id); err != nil {
			return err
		}
		from, err := s.decisionFrom(to, expires)
		if err != nil {
			return err
		}
		before := d.Status
		d.Status, d.DecidedAt = to, s.now()
		if to == Approved {
			d.ExpiresOn = expires
		}
		ok, err := ps.DecidePersonalDeviceRow(ctx, tenantID, d, from, who.UserID)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.Conflict, "devices.error.state")
		}
		return s.audit(ctx, tx, tenantID, who, "byod_"+string(to), "personal_device", id, map[string]any{"status": before},
			map[string]any{"status": to, "expires_on": d.ExpiresOn.String()})
	})
	return d, err
}

// decisionFrom is the status a decision to `to` starts from.
func (s *Service) decisionFrom(to PersonalStatus, expires calendar.Date) (PersonalStatus, error) {
	from := Requested
	switch to {
	case Approved:
		if expires.IsZero() || expires.Before(calendar.DateOf(s.now())) {
			var v apperr.Validation
			v.Add("expires_on", "devices.error.expiry", nil)
			return from, v.Err()
		}
	case Rejected:
	case Revoked:
		from = Approved
	default:
		var v apperr.Validation
		v.Add("status", "field.choice", nil)
		return from, v.Err()
	}
	return from, nil
}

// PersonalDevices lists the caller's own devices, or every person's for IT
// (all = true).
func (s *Service) PersonalDevices(ctx context.Context, tenantID int64, who *auth.Principal, all bool) ([]*PersonalDevice, error) {
	staffID := who.StaffID
	if all {
		if !who.Has(auth.ITAdmin) {
			return nil, apperr.Forbid()
		}
		staffID = 0
	} else if staffID == 0 {
		return []*PersonalDevice{}, nil
	}
	ps, ok := s.st.(interface {
		FindPersonalDevices(ctx context.Context, tenantID, staffID int64) ([]*PersonalDevice, error)
	})
	if !ok {
		return nil, apperr.New(apperr.Internal, "error.internal")
	}
	return ps.FindPersonalDevices(ctx, tenantID, staffID)
}

// PersonalDevice is one personal device: its owner's or any for IT
// (NotFound otherwise).
func (s *Service) PersonalDevice(ctx context.Context, tenantID int64, who *auth.Principal, id int64) (*PersonalDevice, error) {
	var d *PersonalDevice
	err := s.personalTx(ctx, func(_ Tx, ps PersonalStore) error {
		var err error
		d, err = ps.FindPersonalDevice(ctx, tenantID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if d.StaffID != who.StaffID && !who.Has(auth.ITAdmin) {
		return nil, apperr.NotFoundErr("personal_device")
	}
	return d, nil
}

// UsesCredentials reports whether the tenant issues one-time remote-access
// IDs: it has a pool of kind remote_id.
func (s *Service) UsesCredentials(ctx context.Context, tenantID int64) (bool, error) {
	pools, err := s.st.FindDevicePools(ctx, tenantID)
	if err != nil {
		return false, err
	}
	for _, p := range pools {
		if p.Kind == RemoteID {
			return true, nil
		}
	}
	return false, nil
}

// IssueCredential issues the caller's one-time remote-access ID and
// password for day (today or later, once per day), expiring at the end of
// that day (Japan time). The secret is in the answer only; the store keeps
// its hash, the audit log neither.
func (s *Service) IssueCredential(ctx context.Context, tenantID int64, who *auth.Principal, day calendar.Date) (*Credential, error) {
	if who.StaffID == 0 {
		return nil, apperr.Forbid()
	}
	uses, err := s.UsesCredentials(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if !uses {
		return nil, apperr.New(apperr.Invalid, "devices.error.no_credentials")
	}
	now := s.now()
	if day.Before(calendar.DateOf(now)) {
		return nil, apperr.New(apperr.Invalid, "devices.refused.past")
	}
	secret, err := randomSecret()
	if err != nil {
		return nil, err
	}
	c := &Credential{StaffID: who.StaffID, Day: day, Secret: secret, IssuedAt: now, ExpiresAt: day.AddDays(1).Time().UTC(),
		Login: "tw" + strconv.FormatInt(who.StaffID, 10) + "-" + strings.ReplaceAll(day.String(), "-", "")}
	sum := sha256.Sum256([]byte(secret))
	err = s.personalTx(ctx, func(tx Tx, ps PersonalStore) error {
		if err := ps.InsertRemoteCredential(ctx, tenantID, c, hex.EncodeToString(sum[:])); err != nil {
			if apperr.IsDuplicate(err) {
				return apperr.New(apperr.Conflict, "devices.error.credential_issued")
			}
			return err
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "devices.credential_issue", ObjectType: "remote_credential",
			ObjectID: strconv.FormatInt(c.ID, 10), After: map[string]any{"staff_id": c.StaffID, "day": day.String(), "login": c.Login}})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// randomSecret is 16 characters without look-alikes (0/O, 1/l/I).
func randomSecret() (string, error) {
	const alphabet = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b), nil
}
