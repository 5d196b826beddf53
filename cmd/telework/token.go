package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"telework/internal/app"
	"telework/internal/auth"
	"telework/internal/calendar"
)

// cmdToken issues, lists and revokes personal API tokens for an account,
// for integration set-up and automation without a browser. Every change is
// in the tenant's audit log as done by "cli".
var tokenSynopsis = map[string]string{
	"create": "token create --tenant SLUG --login|--login-id ID --name NAME [--days N] [--read-only] [--db DSN]",
	"list":   "token list --tenant SLUG --login|--login-id ID [--db DSN]",
	"revoke": "token revoke --tenant SLUG --login|--login-id ID --id N [--db DSN]",
}

// jstMinute formats the times the token commands print: in Japan time,
// whatever the zone of the machine the command runs on, and saying so.
const jstMinute = "2006-01-02 15:04 JST"

func cmdToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "list" && args[0] != "revoke") {
		fmt.Fprintln(stderr, "usage: telework token create|list|revoke --tenant SLUG --login ID [flags]   (telework token create -h)")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return usageError{"サブコマンドは create, list, revoke のいずれかです"}
	}
	sub := args[0]
	fs := newFlags("token "+sub, tokenSynopsis[sub], stderr)
	db := dbFlag(fs)
	tenant := fs.String("tenant", "", "団体コード of the account's tenant")
	login := fs.String("login", "", "login id of the account the token acts for (with that account's current roles)")
	fs.StringVar(login, "login-id", "", "same as --login (the API's field is login_id)")
	name := fs.String("name", "", "create: what the token is for (e.g. 人事給与システム連携)")
	days := fs.Int("days", 90, "create: days until the token expires (1–"+strconv.Itoa(auth.MaxTokenDays)+")")
	readOnly := fs.Bool("read-only", false, "create: the token may only read")
	id := fs.Int64("id", 0, "revoke: the token's id (from token list)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"余分な引数があります / unexpected arguments"}
	}
	if *tenant == "" || *login == "" {
		return usageError{"--tenant と --login を指定してください"}
	}
	if sub == "revoke" && *id <= 0 {
		return usageError{"--id で取り消すトークンの番号を指定してください (token list で確認できます)"}
	}
	d, err := app.OpenExisting(ctx, *db, nil)
	if err != nil {
		return err
	}
	defer d.Close()
	t, err := findTenant(ctx, d.Org, *tenant)
	if err != nil {
		return err
	}
	u, err := findAccount(ctx, d.Auth, t, *login)
	if err != nil {
		return err
	}
	switch sub {
	case "create":
		if u.Disabled {
			return fmt.Errorf("アカウント %q は無効です。トークンは発行できません", *login)
		}
		tok, secret, err := d.Auth.IssueToken(ctx, cliActor, t.ID, u.ID, auth.NewToken{Name: *name, Days: *days, ReadOnly: *readOnly})
		if err != nil {
			return explain(err, "expires_in_days", "days")
		}
		// The secret is printed once, alone on stdout, so a script can
		// capture it; the details go to stderr.
		fmt.Fprintln(stdout, secret)
		mode := "読み書き / read-write"
		if tok.ReadOnly {
			mode = "読み取り専用 / read-only"
		}
		fmt.Fprintf(stderr, "トークンを発行しました / token created: id=%d %q for %s (%s), 有効期限 / expires %s\nこの値は二度と表示されません / the secret is not shown again.\n",
			tok.ID, tok.Name, u.LoginID, mode, tok.ExpiresAt.In(calendar.Tokyo).Format(jstMinute))
		if u.MustChange {
			fmt.Fprintf(stderr, "注意: %s は仮パスワードのままです。画面から一度ログインしてパスワードを変更するまで、このトークンは使えません / note: %s must change its temporary password (sign in once) before the token works.\n", u.LoginID, u.LoginID)
		}
	case "list":
		list, err := d.Auth.TokensOf(ctx, t.ID, u.ID)
		if err != nil {
			return err
		}
		now := time.Now()
		for _, tok := range list {
			state := "active"
			switch {
			case !tok.RevokedAt.IsZero():
				state = "revoked"
			case !tok.Active(now):
				state = "expired"
			}
			ro := "rw"
			if tok.ReadOnly {
				ro = "ro"
			}
			used := "-"
			if !tok.LastUsedAt.IsZero() {
				used = tok.LastUsedAt.In(calendar.Tokyo).Format(jstMinute)
			}
			fmt.Fprintf(stdout, "%d\t%s\t%s…\t%s\t%s\texpires %s\tlast used %s\n", tok.ID, tok.Name, tok.Prefix, ro, state,
				tok.ExpiresAt.In(calendar.Tokyo).Format("2006-01-02"), used)
		}
	case "revoke":
		if err := d.Auth.RevokeTokenOf(ctx, cliActor, t.ID, u.ID, *id); err != nil {
			return fmt.Errorf("トークン %d を取り消せません / cannot revoke token %d: %w", *id, *id, err)
		}
		fmt.Fprintf(stdout, "トークン %d を取り消しました / token %d revoked\n", *id, *id)
	}
	return nil
}
