package staffio

import (
	"bytes"
	"context"

	"slices"
	"strconv"
	"strings"
	"telework/internal/apperr"

	"telework/internal/audit"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/tabular"
)

// ExportOptions steer an export.
type ExportOptions struct {
	// Sensitive adds the opt-in analysis attributes (HR only), filled for
	// the people who opted in.
	Sensitive bool
	// Substitute accepts that CP932 writes the characters it lacks as 〓
	// (tabular.Substitute). Without it such an export is refused with
	// export.cp932_substituted naming the rows, and nothing is audited, so
	// a page can ask the person first.
	Substitute bool
	// Facts are the policy facts by staff id, written in their columns
	// (Export reads them; without them the columns are blank).
	Facts map[int64]policy.Facts
}

// ExportFile is a finished export.
type ExportFile struct {
	Data []byte
	Name string // 職員一覧_20261124.xlsx
	// Substituted lists the cells written with 〓 (CP932 only).
	Substituted []tabular.Substitution
}

// ExportHeader is the header row the export writes: the importer's
// preferred names, so that an exported file imports unchanged.
func ExportHeader(opt ExportOptions) []string {
	var h []string
	for _, c := range Columns {
		if c.Sensitive && !opt.Sensitive {
			continue
		}
		h = append(h, c.Header)
	}
	return h
}

// ExportRows returns the header and one row per person in service, in
// 職員番号 order. Exporting and importing the result unchanged changes
// nothing; 発令日 is left empty for the person editing the file to fill.
func ExportRows(units []*org.Unit, staff []*org.Staff, opt ExportOptions) [][]string {
	x := newUnitIndex(units)
	list := make([]*org.Staff, 0, len(staff))
	for _, s := range staff {
		if !s.Retired {
			list = append(list, s)
		}
	}
	slices.SortFunc(list, func(a, b *org.Staff) int { return strings.Compare(a.StaffNo, b.StaffNo) })
	out := make([][]string, 0, len(list)+1)
	out = append(out, ExportHeader(opt))
	for _, s := range list {
		code := ""
		if u := x.tree.Unit(s.UnitID); u != nil {
			code = u.Code
		}
		row := []string{s.StaffNo, s.Name, s.Kana, s.Email, code, x.display(s.UnitID), s.Title,
			rankChoice.name(s.Rank), flagName(s.IsSupervisor), employmentChoice.name(s.Employment), jobChoice.name(s.JobType),
			statusName(s.Retired), ""}
		row = append(row, factCells(opt.Facts[s.ID])...)
		if opt.Sensitive {
			if p := s.Sensitive; p != nil {
				row = append(row, flagName(true), genderChoice.name(p.Gender), ageChoice.name(p.AgeBand), careChoice.name(p.Care),
					strconv.Itoa(p.CommuteMinutes))
			} else {
				row = append(row, "", "", "", "", "")
			}
		}
		out = append(out, row)
	}
	return out
}

// Exporter is what an export reads, and where it records that it happened.
type Exporter interface {
	Reader
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Export writes the tenant's staff in service in format f. The export is
// audited ("staff.export" with the format, the count, whether the
// analysis attributes were included and the rows written with 〓): a list
// of everyone left the system.
func Export(ctx context.Context, st Exporter, tenantID int64, actor audit.Actor, f tabular.Format, opt ExportOptions) ([]byte, []tabular.Substitution, error) {
	units, err := st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	staff, err := st.FindAllStaff(ctx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	if opt.Facts, err = st.FindAllPolicyFacts(ctx, tenantID); err != nil {
		return nil, nil, err
	}
	rows := ExportRows(units, staff, opt)
	var buf bytes.Buffer
	subs, err := tabular.Write(&buf, f, tabular.PreferredSheet, rows)
	if err != nil {
		return nil, nil, err
	}
	if len(subs) > 0 && !opt.Substitute {
		return nil, subs, &apperr.Error{Code: apperr.Invalid, Key: "export.cp932_substituted",
			Args: map[string]any{"Lines": tabular.SubstitutedLines(subs), "Count": len(subs)}}
	}
	after := map[string]any{"format": f, "rows": len(rows) - 1, "sensitive": opt.Sensitive}
	if len(subs) > 0 {
		after["substituted_lines"] = tabular.SubstitutedLines(subs)
	}
	if err := st.Audit(ctx, tenantID, actor, audit.Change{Action: "staff.export", ObjectType: "staff_export", After: after}); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), subs, nil
}
