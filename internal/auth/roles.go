// Package auth owns who someone is (accounts, roles, password hashes,
// sessions, sign-in throttling) and what a role may reach. Relationship
// checks (own data, own section, own subordinates) are made by the
// handlers with the Principal this package gives them.
package auth

import (
	"slices"
	"strconv"
	"strings"
)

// Role is one of the product's roles (SPEC "Who uses it").
type Role string

const (
	Staff      Role = "staff"      // 職員
	Supervisor Role = "supervisor" // 所属長・係長 (在席確認者)
	HRAdmin    Role = "hr_admin"   // 人事・行政改革担当
	ITAdmin    Role = "it_admin"   // 情報政策担当
	Auditor    Role = "auditor"    // 監査
	Operator   Role = "operator"   // 運用者 (instance level, no tenant)
)

// GrantableRoles are the roles an HR admin can grant to a tenant account.
// staff and supervisor follow from the linked staff record.
var GrantableRoles = []Role{HRAdmin, ITAdmin, Auditor}

// TenantRoles are every role a tenant account can hold.
var TenantRoles = []Role{Staff, Supervisor, HRAdmin, ITAdmin, Auditor}

// ParseRoles reads a comma list and drops unknown names.
func ParseRoles(s string) []Role {
	var out []Role
	for _, p := range strings.Split(s, ",") {
		r := Role(strings.TrimSpace(p))
		if slices.Contains(TenantRoles, r) && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// JoinRoles is the storage form of a role list.
func JoinRoles(rs []Role) string {
	ss := make([]string, len(rs))
	for i, r := range rs {
		ss[i] = string(r)
	}
	return strings.Join(ss, ",")
}

// Principal is the signed-in caller as handlers see it.
type Principal struct {
	TenantID   int64 // 0 for the operator
	TenantSlug string
	TenantName string
	UserID     int64
	LoginID    string
	StaffID    int64  // 0 when the account has no staff record (e.g. auditor)
	UnitID     int64  // the staff record's unit
	StaffName  string // the staff record's name (read with the account)
	Roles      []Role
	Locale     string
	Wareki     bool
	MustChange bool
	SessionID  string // hash of the session token, for sign-out
	// Set when the caller authenticated with an API token.
	TokenID   int64
	TokenName string
	ReadOnly  bool
}

// Has reports whether p holds role r.
func (p *Principal) Has(r Role) bool { return p != nil && slices.Contains(p.Roles, r) }

// AsOf is p as the person's staff record reads now: in unit unitID, a
// supervisor or not (the Supervisor role follows is_supervisor, as
// EffectiveRoles gives it). A decision re-reads the record in its
// transaction, so one sent as HR removes the flag or moves the person
// is judged on the organisation it commits in, not on the session's.
func (p *Principal) AsOf(unitID int64, supervisor bool) *Principal {
	q := *p
	q.UnitID = unitID
	q.Roles = slices.DeleteFunc(slices.Clone(p.Roles), func(r Role) bool { return r == Supervisor })
	if supervisor {
		q.Roles = append(q.Roles, Supervisor)
	}
	return &q
}

// HasAny reports whether p holds any of rs.
func (p *Principal) HasAny(rs ...Role) bool {
	for _, r := range rs {
		if p.Has(r) {
			return true
		}
	}
	return false
}

// IsOperator reports an instance operator.
func (p *Principal) IsOperator() bool { return p != nil && p.Has(Operator) }

// Label is how audit entries name the actor: the login id, never a name.
func (p *Principal) Label() string {
	if p == nil {
		return "system"
	}
	if p.TokenID != 0 {
		// Every use of a token is attributable: the audit log names it.
		return p.LoginID + " (token #" + strconv.FormatInt(p.TokenID, 10) + " " + p.TokenName + ")"
	}
	return p.LoginID
}

// EffectiveRoles derives an account's roles: granted roles, plus staff when
// linked to a staff record, plus supervisor when that record is a 所属長・係長.
func EffectiveRoles(granted []Role, hasStaff, isSupervisor bool) []Role {
	var out []Role
	if hasStaff {
		out = append(out, Staff)
		if isSupervisor {
			out = append(out, Supervisor)
		}
	}
	for _, r := range granted {
		if r != Staff && r != Supervisor && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}
