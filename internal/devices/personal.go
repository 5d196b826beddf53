package devices

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
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
	StaffName string // when read back (a capacity cut lists the holders)
	PoolID    int64  // the remote-ID pool whose unit it holds (0: issued before this was recorded)
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
	// SetRemoteCredentialPool records the pool whose unit credential id
	// holds.
	SetRemoteCredentialPool(ctx context.Context, tenantID, id, poolID int64) error
	// FindRemoteCredentialsHeld lists the credentials holding a unit of
	// poolID on from or later, oldest issued first, with their holders'
	// names (never a secret).
	FindRemoteCredentialsHeld(ctx context.Context, tenantID, poolID int64, from calendar.Date) ([]*Credential, error)
	// TeleworksOn reports whether the person has an application day for
	// day in one of states, or started working on day in one of modes.
	TeleworksOn(ctx context.Context, tenantID, staffID int64, day calendar.Date, states []apply.Status, modes []policy.Mode) (bool, error)
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
	var v apperr.Validation
	org.RequiredText(&v, "description", d.Description, MaxPersonalDescription, false, personalLabel("description"))
	org.OptionalText(&v, "os", d.OS, MaxPersonalOS, false, personalLabel("os"))
	if err := v.Err(); err != nil {
		return err
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
		// Nobody approves their own device: an IT admin's own request
		// is approved by another (as applications and overtime are).
		if to == Approved && who.StaffID != 0 && d.StaffID == who.StaffID {
			return &apperr.Error{Code: apperr.Forbidden, Key: "devices.personal.error.own"}
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
			// The registration moved meanwhile or was never in `from`.
			if from == Approved {
				return apperr.New(apperr.Conflict, "devices.personal.error.not_approved")
			}
			return apperr.New(apperr.Conflict, "devices.personal.error.decided")
		}
		return s.audit(ctx, tx, tenantID, who, "byod_"+string(to), "personal_device", id, map[string]any{"status": before},
			map[string]any{"status": to, "expires_on": d.ExpiresOn.String()})
	})
	return d, err
}

// Longest description and OS of a personal device (characters).
const (
	MaxPersonalDescription = 200
	MaxPersonalOS          = 100
)

// personalLabel names a personal device registration's field in its
// messages: "status" is the decision on the registration and
// "description" the device's, not the shared fieldname.status (the staff
// record's 在職区分) or fieldname.description.
func personalLabel(field string) map[string]any {
	return map[string]any{"LabelKey": "fieldname.personal_device_" + field}
}

// decisionFrom is the status a decision to `to` starts from.
func (s *Service) decisionFrom(to PersonalStatus, expires calendar.Date) (PersonalStatus, error) {
	from := Requested
	switch to {
	case Approved:
		if expires.IsZero() || expires.Before(calendar.DateOf(s.now())) {
			var v apperr.Validation
			v.Add("expires_on", "devices.error.expiry", personalLabel("expires_on"))
			return from, v.Err()
		}
	case Rejected:
	case Revoked:
		from = Approved
	default:
		var v apperr.Validation
		v.Add("status", "field.choice", personalLabel("status"))
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

// teleworkDayStates are the states of an application day that make it a
// telework day: approved, and every state the day moves to from there.
var teleworkDayStates = []apply.Status{apply.Approved, apply.Started, apply.Finished, apply.Reported, apply.Confirmed}

// IssueCredential issues the caller's one-time remote-access ID and
// password for today (当日: 松本市 obtains the day's ID and password each
// time it teleworks). day is today in Japan or zero (today); another day is
// refused on the field date. Only a person who teleworks today gets one:
// an application day approved for today (or started, finished, reported,
// confirmed), or a start of today's work in a telework mode (home,
// satellite, mobile) — the second covers tenants without an application
// system, where a start is never refused for lack of one. Both are read
// in the issuing transaction with one indexed statement; a supervisor's
// later cancellation of the day does not revoke a credential already shown.
//
// The credential takes one unit of the tenant's remote-ID pool for the
// day through the pools' conditional counter (TakeDeviceSlot; the first
// pool, by id, with a unit left), or uses the unit the person already
// reserved in such a pool for today; none left is a conflict. A person
// gets one credential a day: a second request is refused (409) and takes
// nothing, since the unique (person, day) row is written before the unit
// is taken, in the same transaction. It expires at the end of the day
// (Japan time). The secret is in the answer only; the store keeps its
// hash, the audit log neither.
func (s *Service) IssueCredential(ctx context.Context, tenantID int64, who *auth.Principal, day calendar.Date) (*Credential, error) {
	if who.StaffID == 0 {
		return nil, apperr.Forbid()
	}
	now := s.now()
	today := calendar.DateOf(now)
	if day.IsZero() {
		day = today
	}
	if day != today {
		var v apperr.Validation
		v.Add("date", "devices.personal.error.credential_today", map[string]any{"Today": today.String()})
		return nil, v.Err()
	}
	secret, err := randomSecret()
	if err != nil {
		return nil, err
	}
	c := &Credential{StaffID: who.StaffID, Day: day, Secret: secret, IssuedAt: now, ExpiresAt: day.AddDays(1).Time().UTC(),
		Login: "tw" + strconv.FormatInt(who.StaffID, 10) + "-" + strings.ReplaceAll(day.String(), "-", "")}
	sum := sha256.Sum256([]byte(secret))
	err = s.personalTx(ctx, func(tx Tx, ps PersonalStore) error {
		// The pools are read once: whether the tenant issues IDs at all,
		// and where the credential's unit is taken from.
		pools, err := tx.FindDevicePools(ctx, tenantID)
		if err != nil {
			return err
		}
		pools = slices.DeleteFunc(pools, func(p *Pool) bool { return p.Kind != RemoteID })
		if len(pools) == 0 {
			return apperr.New(apperr.Invalid, "devices.error.no_credentials")
		}
		teleworks, err := ps.TeleworksOn(ctx, tenantID, who.StaffID, day, teleworkDayStates, policy.Modes)
		if err != nil {
			return err
		}
		if !teleworks {
			return &apperr.Error{Code: apperr.Invalid, Key: "devices.personal.error.no_telework", Args: map[string]any{"Date": day.String()}}
		}
		// The person's row first: a second request of the same day stops
		// here (on PostgreSQL it waits on the unique key for the first to
		// end) before it touches the pool's counter.
		if err := ps.InsertRemoteCredential(ctx, tenantID, c, hex.EncodeToString(sum[:])); err != nil {
			if apperr.IsDuplicate(err) {
				return apperr.New(apperr.Conflict, "devices.error.credential_issued")
			}
			return err
		}
		unit, err := takeRemoteID(ctx, tx, tenantID, day, pools)
		if err != nil {
			return err
		}
		c.PoolID = unit["pool_id"].(int64)
		if err := ps.SetRemoteCredentialPool(ctx, tenantID, c.ID, c.PoolID); err != nil {
			return err
		}
		after := map[string]any{"staff_id": c.StaffID, "day": day.String(), "login": c.Login}
		maps.Copy(after, unit)
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "devices.credential_issue", ObjectType: "remote_credential",
			ObjectID: strconv.FormatInt(c.ID, 10), After: after})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// takeRemoteID takes the unit of a remote-ID pool the credential holds:
// one from the first of pools (the tenant's remote-ID pools) with one
// left (remote-ID pools are not reserved ahead: Reserve refuses them). It
// returns what the audit entry records of it.
func takeRemoteID(ctx context.Context, tx Tx, tenantID int64, day calendar.Date, pools []*Pool) (map[string]any, error) {
	names := make([]string, len(pools))
	for i, p := range pools {
		ok, err := tx.TakeDeviceSlots(ctx, tenantID, p.ID, day, day)
		if err != nil {
			return nil, err
		}
		if ok {
			return map[string]any{"pool_id": p.ID}, nil
		}
		names[i] = p.Name
	}
	return nil, &apperr.Error{Code: apperr.Conflict, Key: "devices.personal.error.credentials_full",
		Args: map[string]any{"Pool": strings.Join(names, "・"), "Date": day.String()}}
}

// randomSecret is 16 characters without look-alikes (0/O, 1/l/I), each
// drawn uniformly: random bytes at or above the largest multiple of the
// alphabet's size are drawn again (a plain modulo would make the first
// characters of the alphabet more likely).
func randomSecret() (string, error) {
	const alphabet = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
	const limit = 256 - 256%len(alphabet)
	out := make([]byte, 0, 16)
	buf := make([]byte, 32)
	for len(out) < cap(out) {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < cap(out) {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}
