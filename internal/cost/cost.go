// Package cost is the register of what telework costs a tenant (issue 16):
// each cost by kind, with the 年度 (fiscal year, April–March) it falls in,
// tagged where it qualifies for the 特別交付税措置 for staff telework
// (令和2年度～, 措置率 0.5 before the 財政力補正), totals per fiscal year and
// the export.
//
// What qualifies is the guide's text (Step 9, 国の支援策②): 「テレワーク環境
// の構築に要する経費」 — ICT 機器導入に係る費用、外部接続情報システム・
// コミュニケーションツールに係る費用、ソフトウェア費用、ライセンス費用、
// シンクライアント化等のセキュリティ対策に係る費用、サーバ設置費用、導入に
// あたってのサポート費用 等 — the 初期導入経費 (Step 9: 「初期導入経費について
// 特別交付税措置が講じられていること」) from 令和2年度 on. Running costs such
// as 通信費 and 光熱費 allowances do not.
package cost

import (
	"slices"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/invisible"
)

// Kind of cost.
type Kind struct {
	Code     string
	Eligible bool // may qualify for the 特別交付税措置 (an initial cost of building the environment)
	JA, EN   string
}

// Kinds lists the register's kinds: the five the issue names (ICT 機器,
// software, licences, communication, 光熱費 allowances) and the other
// qualifying costs the guide lists.
var Kinds = []Kind{
	{"ict_device", true, "ICT機器", "ICT equipment"},
	{"software", true, "ソフトウェア", "Software"},
	{"license", true, "ライセンス", "Licences"},
	{"comm_tool", true, "外部接続情報システム・コミュニケーションツール", "External connection systems and communication tools"},
	{"security", true, "シンクライアント化等のセキュリティ対策", "Security measures such as thin clients"},
	{"server", true, "サーバ設置", "Server installation"},
	{"support", true, "導入にあたってのサポート", "Support for the introduction"},
	{"communication", false, "通信費", "Communication charges"},
	{"utility_allowance", false, "光熱費等の手当", "Utility (光熱費) allowances"},
	{"other", false, "その他", "Other"},
}

// KindByCode finds a kind.
func KindByCode(code string) (Kind, bool) {
	i := slices.IndexFunc(Kinds, func(k Kind) bool { return k.Code == code })
	if i < 0 {
		return Kind{}, false
	}
	return Kinds[i], true
}

// GrantRate is the 措置率 of the 特別交付税措置 (before the 財政力補正).
const GrantRate = 0.5

// FirstGrantYear is the first fiscal year of the measure (令和2年度).
const FirstGrantYear = 2020

// FiscalYear is the 年度 of d: April to March, named by the year it starts.
func FiscalYear(d calendar.Date) int {
	if d.Month < time.April {
		return d.Year - 1
	}
	return d.Year
}

// Cost is one entry of the register.
type Cost struct {
	ID           int64
	Kind         string
	Description  string
	AmountYen    int64
	PaidOn       calendar.Date
	FiscalYear   int  // derived from PaidOn
	Initial      bool // 初期導入経費 (building the environment), not a running cost
	SpecialGrant bool // tagged as qualifying for the 特別交付税措置
	Note         string
	Version      int64
	UpdatedAt    time.Time
}

// Limits.
const (
	MaxDescription = 200
	MaxNote        = 1000
	MaxAmount      = 100_000_000_000 // ¥100 billion: a typo guard, no more
)

// Validate checks a cost (trimmed in place) and derives its fiscal year.
// The 特別交付税 tag is refused where the guide's rule does not allow it:
// a kind outside the qualifying list, a running cost, or a payment before
// 令和2年度.
func (c *Cost) Validate() error {
	var v apperr.Validation
	c.Description, c.Note = strings.TrimSpace(c.Description), strings.TrimSpace(c.Note)
	k, ok := KindByCode(c.Kind)
	if !ok {
		v.Add("kind", "field.cost_kind", nil)
	}
	invisible.Required(&v, "description", c.Description, MaxDescription, false, nil)
	if c.AmountYen < 1 || c.AmountYen > MaxAmount {
		v.Add("amount_yen", "field.range", map[string]any{"Min": 1, "Max": MaxAmount})
	}
	if c.PaidOn.IsZero() {
		v.Add("paid_on", "field.date", nil)
	} else {
		c.FiscalYear = FiscalYear(c.PaidOn)
	}
	invisible.Optional(&v, "note", c.Note, MaxNote, true, nil)
	if c.SpecialGrant && ok && !v.Has("paid_on") {
		switch {
		case !k.Eligible:
			v.Add("special_grant", "field.cost_grant_kind", nil)
		case !c.Initial:
			v.Add("special_grant", "field.cost_grant_initial", nil)
		case c.FiscalYear < FirstGrantYear:
			v.Add("special_grant", "field.cost_grant_year", map[string]any{"Year": FirstGrantYear})
		}
	}
	return v.Err()
}

// Qualifies reports whether a cost could be tagged (a hint for the form).
func (c Cost) Qualifies() bool {
	k, ok := KindByCode(c.Kind)
	return ok && k.Eligible && c.Initial && FiscalYear(c.PaidOn) >= FirstGrantYear
}

// AuditView is what the audit log keeps of a cost.
func (c Cost) AuditView() map[string]any {
	return map[string]any{"kind": c.Kind, "description": c.Description, "amount_yen": c.AmountYen, "paid_on": c.PaidOn.String(),
		"initial": c.Initial, "special_grant": c.SpecialGrant}
}

// Totals are one fiscal year's sums.
type Totals struct {
	FiscalYear   int
	ByKind       map[string]int64
	Total        int64
	SpecialGrant int64 // the tagged costs
	// Estimate is SpecialGrant × GrantRate, rounded down: the measure's
	// amount before the 財政力補正, which only the ministry applies.
	Estimate int64
	Count    int
}

// Sum totals costs of one fiscal year (the others are ignored).
func Sum(fy int, cs []Cost) Totals {
	t := Totals{FiscalYear: fy, ByKind: map[string]int64{}}
	for _, c := range cs {
		if c.FiscalYear != fy {
			continue
		}
		t.Count++
		t.ByKind[c.Kind] += c.AmountYen
		t.Total += c.AmountYen
		if c.SpecialGrant {
			t.SpecialGrant += c.AmountYen
		}
	}
	t.Estimate = t.SpecialGrant / 2 // GrantRate, in integer yen
	return t
}
