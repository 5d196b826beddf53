package auth

import (
	"bytes"
	"context"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/tabular"
)

// NoticeRow is one person's line of the clerk's list of notices: what the
// 通知書 printed for them says.
type NoticeRow struct {
	StaffNo, Name, Unit, LoginID string
	// Secret is the invitation link or the temporary password.
	Secret  string
	Expires string // the link's last day; "" for a password
}

// MaxNoticeRows bounds the list (one batch).
const MaxNoticeRows = MaxBulkAccounts

// NoticesFile is the xlsx of a batch's notices for the clerk who hands
// them out, made from the rows the notices page shows (the service keeps
// no link or password: only their hashes are stored). Only HR may; the
// download is audited (user.notices_export with the count).
func (o *Onboarding) NoticesFile(ctx context.Context, p *Principal, signInURL string, rows []NoticeRow) ([]byte, error) {
	if !p.Has(HRAdmin) {
		return nil, apperr.Forbid()
	}
	if len(rows) == 0 || len(rows) > MaxNoticeRows {
		var v apperr.Validation
		v.Add("rows", "field.range", map[string]any{"Min": 1, "Max": MaxNoticeRows})
		return nil, v.Err()
	}
	table := [][]string{{"職員番号", "氏名", "所属", "ログインID", "招待リンク・仮パスワード", "招待リンクの有効期限", "サインインの画面", "団体コード"}}
	for _, r := range rows {
		table = append(table, []string{r.StaffNo, r.Name, r.Unit, r.LoginID, r.Secret, r.Expires, signInURL, p.TenantSlug})
	}
	var buf bytes.Buffer
	if _, err := tabular.Write(&buf, tabular.XLSX, "通知書", table); err != nil {
		return nil, err
	}
	if err := o.svc.audit(ctx, p.TenantID, ActorOf(p), audit.Change{Action: "user.notices_export", ObjectType: "user_batch",
		After: map[string]any{"rows": len(rows)}}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
