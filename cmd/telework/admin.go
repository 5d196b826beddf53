package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"

	"telework/internal/app"
	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/telemetry"
)

// cliActor is how command-line changes appear in the audit log.
var cliActor = audit.Actor{ID: 0, Label: "cli"}

// explain turns a validation error into one line per field in Japanese,
// each named as the command's flag: the field with "-" for "_", or as
// flags says where a flag has another name (field, flag pairs).
func explain(err error, flags ...string) error {
	e := apperr.As(err)
	if e == nil || e.Code != apperr.Invalid {
		return err
	}
	var lines []string
	en := i18n.FieldMessages("en", err)
	for field, msg := range i18n.FieldMessages("ja", err) {
		if e := en[field]; e != "" && e != msg {
			msg += " / " + e
		}
		name := strings.ReplaceAll(field, "_", "-")
		for i := 0; i+1 < len(flags); i += 2 {
			if flags[i] == field {
				name = flags[i+1]
			}
		}
		lines = append(lines, fmt.Sprintf("  --%s: %s", name, msg))
	}
	slices.Sort(lines) // one order, whatever the map's
	return errors.New(i18n.Error("ja", err) + " / " + i18n.Error("en", err) + "\n" + strings.Join(lines, "\n"))
}

func cmdTenant(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "list") {
		fmt.Fprintln(stderr, "usage: telework tenant create|list [flags]   (telework tenant create -h)")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return usageError{"サブコマンドは create か list です"}
	}
	if args[0] == "list" {
		fs := newFlags("tenant list", tenantListSynopsis, stderr)
		db := dbFlag(fs)
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		d, err := app.OpenExisting(ctx, *db, nil)
		if err != nil {
			return err
		}
		defer d.Close()
		ts, err := d.Org.Tenants(ctx)
		if err != nil {
			return err
		}
		for _, t := range ts {
			fmt.Fprintf(stdout, "%s\t%s\t%s\t%d\n", t.Slug, t.Name, t.Kind, t.StaffSize)
		}
		return nil
	}
	fs := newFlags("tenant create", tenantCreateSynopsis, stderr)
	db := dbFlag(fs)
	slug := fs.String("slug", "", "団体コード: lower-case letters, digits, hyphens (e.g. matsumoto)")
	name := fs.String("name", "", "団体名 (e.g. 松本市)")
	kind := fs.String("kind", string(org.Municipality), "prefecture (都道府県), designated_city (政令市) or municipality (市区町村)")
	size := fs.Int("staff-size", 0, "職員数")
	general := fs.Int("general-admin-staff", 0, "一般行政職員数 (for the national comparison bucket)")
	admin := fs.String("admin-login", "", "also create the first HR admin account with this login id; its temporary password is printed")
	tmpl := fs.String("policy-template", "", "start with a 第6章 policy, in force from today: ibaraki, saga, kobe, fukaya, shibuya, matsumoto, kakegawa")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	t := &org.Tenant{Slug: *slug, Name: *name, Kind: org.TenantKind(*kind), StaffSize: *size, GeneralAdminStaff: *general}
	if err := t.Validate(); err != nil {
		return usageError{explain(err).Error()}
	}
	if _, ok := policy.TemplateByName(*tmpl); *tmpl != "" && !ok {
		return usageError{fmt.Sprintf("--policy-template: %q はありません (ibaraki, saga, kobe, fukaya, shibuya, matsumoto, kakegawa)", *tmpl)}
	}
	d, err := app.Open(ctx, *db, nil)
	if err != nil {
		return err
	}
	defer d.Close()
	res, err := d.Org.CreateTenant(ctx, cliActor, org.NewTenant{Tenant: *t, AdminLogin: *admin, PolicyTemplate: *tmpl})
	if err != nil {
		return explain(err)
	}
	t = res.Tenant
	fmt.Fprintf(stdout, "団体を登録しました / tenant created: %s (%s) id=%d\n", t.Name, t.Slug, t.ID)
	if res.AdminLogin != "" {
		fmt.Fprintf(stdout, "人事管理者 / HR admin: %s  仮パスワード / temporary password: %s\n", res.AdminLogin, res.TempPassword)
	}
	return nil
}

const (
	tenantListSynopsis   = "tenant list [--db DSN]"
	tenantCreateSynopsis = "tenant create --slug SLUG --name NAME --kind KIND [--staff-size N] [--general-admin-staff N] [--admin-login ID] [--policy-template NAME] [--db DSN]"
)

func userSynopsis(sub string) string {
	return "user " + sub + " (--tenant SLUG | --operator) --login ID [flags]"
}

func cmdUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "reset-password") {
		fmt.Fprintln(stderr, "usage: telework user create|reset-password [flags]   (telework user create -h)")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return usageError{"サブコマンドは create か reset-password です"}
	}
	sub := args[0]
	fs := newFlags("user "+sub, userSynopsis(sub), stderr)
	db := dbFlag(fs)
	tenant := fs.String("tenant", "", "団体コード of the account's tenant")
	operator := fs.Bool("operator", false, "an instance operator account instead of a tenant account")
	login := fs.String("login", "", "login id")
	fs.StringVar(login, "login-id", "", "same as --login (the API's field is login_id)")
	staffNo := fs.String("staff-no", "", "create: link to the staff record with this 職員番号")
	roles := fs.String("roles", "", "create: extra roles, comma-separated: hr_admin, it_admin, auditor")
	password := fs.String("password", "", "create: initial password (default: a random temporary one); the user must change it at first sign-in")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *login == "" || (*tenant == "") == !*operator {
		return usageError{"--login と、--tenant または --operator のどちらか一方を指定してください"}
	}
	// Only a first operator may be made on a new database; an account of a
	// tenant (or a password reset) needs one that exists — a mistyped --db
	// would otherwise leave an empty 1 MB database behind.
	open := app.OpenExisting
	if *operator && sub == "create" {
		open = app.Open
	}
	d, err := open(ctx, *db, nil)
	if err != nil {
		return err
	}
	defer d.Close()
	temp := *password
	if temp == "" || sub == "reset-password" {
		temp = auth.RandomPassword()
	}
	hash, err := auth.HashPassword(temp)
	if err != nil {
		return err
	}
	if *operator {
		if sub == "create" {
			if _, err := d.Auth.CreateOperator(ctx, cliActor, *login, hash, true); err != nil {
				return explain(err)
			}
		} else {
			op, err := d.Auth.OperatorByLogin(ctx, *login)
			if err != nil {
				return fmt.Errorf("運用者 %q が見つかりません: %w", *login, err)
			}
			if err := d.Auth.SetOperatorPassword(ctx, cliActor, op.ID, hash, true); err != nil {
				return err
			}
		}
		fmt.Fprintf(stdout, "%s: 仮パスワード / temporary password: %s\n", *login, temp)
		return nil
	}
	t, err := findTenant(ctx, d.Org, *tenant)
	if err != nil {
		return err
	}
	if sub == "reset-password" {
		u, err := findAccount(ctx, d.Auth, t, *login)
		if err != nil {
			return err
		}
		mc := true
		if _, err := d.Auth.UpdateUser(ctx, t.ID, cliActor, u.ID, auth.UserUpdate{PasswordHash: &hash, MustChange: &mc, Action: "user.password_reset"}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: 仮パスワード / temporary password: %s\n", *login, temp)
		return nil
	}
	u := &auth.User{LoginID: *login, PasswordHash: hash, MustChange: true}
	for _, r := range strings.Split(*roles, ",") {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		if !containsRole(auth.GrantableRoles, auth.Role(r)) {
			return usageError{fmt.Sprintf("--roles: %q は付与できる権限ではありません (hr_admin, it_admin, auditor)", r)}
		}
		u.Granted = append(u.Granted, auth.Role(r))
	}
	if *staffNo != "" {
		st, err := d.Org.StaffByNo(ctx, t.ID, *staffNo)
		if err != nil {
			return fmt.Errorf("職員番号 %q の職員が %s にいません", *staffNo, t.Slug)
		}
		u.StaffID = st.ID
	}
	if u.StaffID == 0 && len(u.Granted) == 0 {
		return usageError{"--staff-no か --roles の少なくとも一方を指定してください"}
	}
	if err := d.Auth.CreateAccount(ctx, t.ID, cliActor, u); err != nil {
		return explain(err)
	}
	fmt.Fprintf(stdout, "%s: アカウントを作成しました / account created; 仮パスワード / temporary password: %s\n", *login, temp)
	return nil
}

func containsRole(rs []auth.Role, r auth.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func cmdVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", versionSynopsis, stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	goVer := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVer = bi.GoVersion
	}
	fmt.Fprintf(stdout, "telework %s (%s)\n", telemetry.Version, goVer)
	return nil
}
