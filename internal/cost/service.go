package cost

import (
	"bytes"
	"context"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/tabular"
)

// Reader reads the register.
type Reader interface {
	// FindCosts lists one fiscal year's costs by date paid, then id.
	FindCosts(ctx context.Context, tenantID int64, fiscalYear int) ([]Cost, error)
	// FindCost reads one cost; NotFound when the tenant has none.
	FindCost(ctx context.Context, tenantID, id int64) (Cost, error)
	// FindCostYears lists the fiscal years that have costs, newest first.
	FindCostYears(ctx context.Context, tenantID int64) ([]int, error)
}

// Store is what the service reads and runs its transactions on.
type Store interface {
	Reader
	InCostTx(ctx context.Context, fn func(Tx) error) error
}

// Tx is what one change writes, with its audit entry.
type Tx interface {
	Reader
	InsertCost(ctx context.Context, tenantID int64, c Cost) (int64, error)
	// UpdateCost writes c at c.Version; stale is a Conflict.
	UpdateCost(ctx context.Context, tenantID int64, c Cost) error
	// DeleteCost removes a cost at its version; stale is a Conflict.
	DeleteCost(ctx context.Context, tenantID, id, version int64) error
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Service holds the register's workflows.
type Service struct {
	st  Store
	now func() time.Time
}

// NewService returns the service over st; now is the clock.
func NewService(st Store, now func() time.Time) *Service { return &Service{st: st, now: now} }

// ThisYear is the current fiscal year in Japan.
func (s *Service) ThisYear() int {
	return FiscalYear(calendar.DateOf(s.now()))
}

// List lists one fiscal year's costs.
func (s *Service) List(ctx context.Context, tenantID int64, fy int) ([]Cost, error) {
	return s.st.FindCosts(ctx, tenantID, fy)
}

// Get reads one cost.
func (s *Service) Get(ctx context.Context, tenantID, id int64) (Cost, error) {
	return s.st.FindCost(ctx, tenantID, id)
}

// Years lists the fiscal years with costs, newest first, always including
// the current one.
func (s *Service) Years(ctx context.Context, tenantID int64) ([]int, error) {
	ys, err := s.st.FindCostYears(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	this := s.ThisYear()
	for _, y := range ys {
		if y == this {
			return ys, nil
		}
	}
	out := []int{this}
	for _, y := range ys {
		if y < this {
			out = append(out, y)
		} else {
			out = append([]int{y}, out...)
		}
	}
	return out, nil
}

// Totals sums one fiscal year.
func (s *Service) Totals(ctx context.Context, tenantID int64, fy int) (Totals, error) {
	cs, err := s.st.FindCosts(ctx, tenantID, fy)
	if err != nil {
		return Totals{}, err
	}
	return Sum(fy, cs), nil
}

// Add registers a cost. Audited as "cost.add".
func (s *Service) Add(ctx context.Context, tenantID int64, actor audit.Actor, c Cost) (Cost, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	c.Version, c.UpdatedAt = 1, s.now()
	err := s.st.InCostTx(ctx, func(tx Tx) error {
		var err error
		if c.ID, err = tx.InsertCost(ctx, tenantID, c); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "cost.add", ObjectType: "cost",
			ObjectID: strconv.FormatInt(c.ID, 10), After: c.AuditView()})
	})
	return c, err
}

// Update changes a cost at c.Version (as read); a save that changes
// nothing writes nothing. Audited as "cost.update".
func (s *Service) Update(ctx context.Context, tenantID int64, actor audit.Actor, c Cost) (Cost, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	err := s.st.InCostTx(ctx, func(tx Tx) error {
		old, err := tx.FindCost(ctx, tenantID, c.ID)
		if err != nil {
			return err
		}
		if old.Version != c.Version {
			return apperr.ConflictStale()
		}
		if old.Kind == c.Kind && old.Description == c.Description && old.AmountYen == c.AmountYen && old.PaidOn == c.PaidOn &&
			old.Initial == c.Initial && old.SpecialGrant == c.SpecialGrant && old.Note == c.Note {
			c = old
			return nil
		}
		c.UpdatedAt = s.now()
		if err := tx.UpdateCost(ctx, tenantID, c); err != nil {
			return err
		}
		c.Version++
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "cost.update", ObjectType: "cost",
			ObjectID: strconv.FormatInt(c.ID, 10), Before: old.AuditView(), After: c.AuditView()})
	})
	return c, err
}

// Delete removes a cost at its version. Audited as "cost.delete".
func (s *Service) Delete(ctx context.Context, tenantID int64, actor audit.Actor, id, version int64) error {
	return s.st.InCostTx(ctx, func(tx Tx) error {
		old, err := tx.FindCost(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if version != 0 && old.Version != version {
			return apperr.ConflictStale()
		}
		if err := tx.DeleteCost(ctx, tenantID, id, old.Version); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "cost.delete", ObjectType: "cost",
			ObjectID: strconv.FormatInt(id, 10), Before: old.AuditView()})
	})
}

// Name is the kind's name in lang.
func (k Kind) Name(lang string) string {
	if lang == "en" {
		return k.EN
	}
	return k.JA
}

// Export writes one fiscal year's register in format f: a row per cost and
// the totals below (total, tagged total, estimated measure). subs are the
// cells a Shift_JIS file wrote with 〓 (a supplier named 𠮷野家).
func (s *Service) Export(ctx context.Context, tenantID int64, fy int, f tabular.Format, lang string) (data []byte, subs []tabular.Substitution, err error) {
	cs, err := s.st.FindCosts(ctx, tenantID, fy)
	if err != nil {
		return nil, nil, err
	}
	t := func(key string) string { return i18n.T(lang, key, nil) }
	rows := [][]string{{t("cost.col_fy"), t("cost.col_paid_on"), t("cost.col_kind"), t("cost.col_description"),
		t("cost.col_amount"), t("cost.col_initial"), t("cost.col_grant"), t("cost.col_note")}}
	yes := func(b bool) string {
		if b {
			return t("cost.yes")
		}
		return ""
	}
	fyS := strconv.Itoa(fy)
	for _, c := range cs {
		rows = append(rows, []string{fyS, c.PaidOn.String(), kindName(c.Kind, lang), c.Description, strconv.FormatInt(c.AmountYen, 10),
			yes(c.Initial), yes(c.SpecialGrant), c.Note})
	}
	sum := Sum(fy, cs)
	rows = append(rows,
		[]string{fyS, "", t("cost.total"), "", strconv.FormatInt(sum.Total, 10), "", "", ""},
		[]string{fyS, "", t("cost.total_grant"), "", strconv.FormatInt(sum.SpecialGrant, 10), "", "", ""},
		[]string{fyS, "", t("cost.estimate"), "", strconv.FormatInt(sum.Estimate, 10), "", "", ""})
	var buf bytes.Buffer
	if subs, err = tabular.WriteNumbers(&buf, f, fyS, rows, 4); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), subs, nil
}

func kindName(code, lang string) string {
	if k, ok := KindByCode(code); ok {
		return k.Name(lang)
	}
	return code
}
