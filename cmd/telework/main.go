// Command telework is the whole product in one binary: the web server and
// the operator's commands. It parses flags and calls internal/app.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	_ "time/tzdata" // Asia/Tokyo without the host's zoneinfo (Windows, distroless)

	"telework/internal/app"
	"telework/internal/apperr"
	"telework/internal/i18n"
	"telework/internal/web"
)

// commands is the top-level help, one line per subcommand: its synopsis,
// the very text its own -h prints (the constants below are passed to
// newFlags), and what it does. The help is built from it, so the two
// cannot drift apart (TestUsageIsEachCommandsSynopsis).
var commands = []struct{ synopsis, about string }{
	{serveSynopsis, "Web サーバを起動(--demo は --addr がなければ 127.0.0.1 のみ。ほかのフラグは serve -h)"},
	{migrateSynopsis, "データベースを最新に"},
	{tenantCreateSynopsis, "団体の登録"},
	{tenantListSynopsis, "団体の一覧"},
	{userSynopsis("create"), "アカウントの作成"},
	{userSynopsis("reset-password"), "仮パスワードの発行"},
	{tokenSynopsis["create"], "API トークンの発行"},
	{tokenSynopsis["list"], "API トークンの一覧"},
	{tokenSynopsis["revoke"], "API トークンの取消"},
	{auditVerifySynopsis, "監査ログの改ざん検査(--head: 保存した先頭と照合)"},
	{auditHeadSynopsis, "監査ログの先頭(最新の番号とハッシュ)を出力"},
	{backupSynopsis, "バックアップ(全体または1団体。--backup-key で署名)"},
	{restoreSynopsis, "バックアップから空のデータベースへ復元(署名のないものは --allow-unsigned)"},
	{holidaysSynopsis, "休日・閉庁日の一覧(土日の祝日も、曜日付き。--weekdays は平日の分だけ)"},
	{importHolidaysSynopsis, "内閣府の祝日CSV(syukujitsu.csv)の取込"},
	{importSynopsis, "職員の一括登録・更新(CSV/Excel)"},
	{exportSynopsis, "職員の一覧の出力"},
	{importUnitsSynopsis, "組織の一括登録・更新(CSV/Excel)"},
	{exportUnitsSynopsis, "組織の一覧の出力"},
	{rosterSolveSynopsis, "交代勤務表の最適化(計画を標準出力へ)"},
	{versionSynopsis, "版を表示"},
}

const (
	serveSynopsis   = "serve [--addr :8080] [--db DSN] [--demo] [flags]"
	migrateSynopsis = "migrate [--db DSN]"
	versionSynopsis = "version"
)

// usage is the top-level help (telework --help).
var usage = func() string {
	var b strings.Builder
	b.WriteString("telework — テレワーク推進システム / telework platform for local governments\n\n使い方 / usage:\n")
	for _, c := range commands {
		line := "telework " + c.synopsis
		if len(line) < 72 {
			line += strings.Repeat(" ", 72-len(line))
		} else {
			line += "\n" + strings.Repeat(" ", 74)
		}
		b.WriteString("  " + line + c.about + "\n")
	}
	b.WriteString(`
各コマンドの詳細は telework COMMAND -h
終了コード / exit status: 0 成功 / success, 1 処理の失敗 / failure, 2 使い方の誤り / usage error
Environment: TELEWORK_DB (default database), TELEWORK_ADDR (default listen address).
`)
	return b.String()
}()

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the exit, so tests can drive the commands.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "serve":
		err = cmdServe(ctx, rest, stdout, stderr)
	case "migrate":
		err = cmdMigrate(ctx, rest, stdout, stderr)
	case "tenant":
		err = cmdTenant(ctx, rest, stdout, stderr)
	case "user":
		err = cmdUser(ctx, rest, stdout, stderr)
	case "token":
		err = cmdToken(ctx, rest, stdout, stderr)
	case "roster":
		err = cmdRoster(ctx, rest, stdout, stderr)
	case "audit":
		err = cmdAudit(ctx, rest, stdout, stderr)
	case "backup":
		err = cmdBackup(ctx, rest, stdout, stderr)
	case "restore":
		err = cmdRestore(ctx, rest, stdout, stderr)
	case "calendar":
		err = cmdCalendar(ctx, rest, stdout, stderr)
	case "import":
		err = cmdImportKind(ctx, rest, stdout, stderr)
	case "export":
		err = cmdExportKind(ctx, rest, stdout, stderr)
	case "version":
		err = cmdVersion(rest, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "不明なコマンドです / unknown command: %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var fe flagError
	if errors.As(err, &fe) {
		return 2 // the flag package has printed the error and the usage
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "telework "+cmd+": "+ue.msg)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "telework "+cmd+": "+cliText(err))
		return 1
	}
	return 0
}

// cliText is an error as the command line says it: a coded error of the
// product (apperr) in its messages, Japanese then English, in place of its
// code and key ("not_found: error.not_found" means nothing to an operator).
func cliText(err error) string {
	e := apperr.As(err)
	if e == nil {
		return err.Error()
	}
	text := i18n.Reason("ja", e)
	if en := i18n.Reason("en", e); en != text {
		text += " / " + en
	}
	return strings.Replace(err.Error(), e.Error(), text, 1)
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// flagError is a flag the command does not know or a flag's value it
// cannot parse: a usage error (exit 2), already printed with the usage.
type flagError struct{ err error }

func (e flagError) Error() string { return e.err.Error() }
func (e flagError) Unwrap() error { return e.err }

// parseFlags is fs.Parse with its errors as usage errors (-h stays
// flag.ErrHelp).
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return flagError{err}
	}
	return err
}

func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: telework %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", envOr("TELEWORK_DB", "telework.db"), "SQLite file path, or a postgres:// DSN (env TELEWORK_DB)")
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", serveSynopsis, stderr)
	addr := fs.String("addr", envOr("TELEWORK_ADDR", ":8080"), "listen address (env TELEWORK_ADDR; with --demo and neither given: 127.0.0.1:8080)")
	db := dbFlag(fs)
	demoFlag := fs.Bool("demo", false, "create the demo tenant (once) and print its accounts; listens on 127.0.0.1 unless --addr is given")
	cookie := fs.String("cookie-secure", "auto", "Secure flag on cookies: auto (when served over HTTPS), always, never")
	proxy := fs.Bool("trust-proxy", false, "trust X-Forwarded-For/-Proto from a reverse proxy (nginx)")
	proxies := fs.String("trusted-proxies", envOr("TELEWORK_TRUSTED_PROXIES", ""),
		"with --trust-proxy: our proxies' addresses or CIDR ranges, comma-separated; the client is the right-most X-Forwarded-For hop not among them (default: the connecting peer only) (env TELEWORK_TRUSTED_PROXIES)")
	level := fs.String("log-level", "info", "log level: debug, info, warn, error")
	sec := addSecurityFlags(fs) // HSTS, public URL, metrics, SSO egress, secret key (serve_security.go)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"余分な引数があります / unexpected arguments: " + strings.Join(fs.Args(), " ")}
	}
	var lv slog.Level
	var err error
	if err = lv.UnmarshalText([]byte(*level)); err != nil {
		return usageError{"--log-level は debug, info, warn, error のいずれかです"}
	}
	switch *cookie {
	case "auto", "always", "never":
	default:
		return usageError{"--cookie-secure は auto, always, never のいずれかです"}
	}
	wc := web.DefaultConfig()
	wc.CookieSecure, wc.TrustProxy = *cookie, *proxy
	if wc.TrustedProxies, err = web.ParseTrustedProxies(*proxies); err != nil {
		return usageError{"--trusted-proxies: " + err.Error()}
	}
	listen, loopback := demoListen(*addr, addrGiven(fs), *demoFlag)
	sc := app.ServeConfig{Addr: listen, DB: *db, Demo: *demoFlag, DemoLoopback: loopback, LogLevel: lv, Web: wc, Out: stdout}
	if err := sec.apply(&sc); err != nil {
		return err
	}
	return app.Serve(ctx, sc)
}

// addrGiven reports whether --addr or TELEWORK_ADDR chose the address.
func addrGiven(fs *flag.FlagSet) bool {
	given := os.Getenv("TELEWORK_ADDR") != ""
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "addr" {
			given = true
		}
	})
	return given
}

// demoListen is the address to listen on: every demo account has a
// published password, so the demo listens on this computer only
// (127.0.0.1, loopback true) unless an address was given.
func demoListen(addr string, given, demo bool) (string, bool) {
	if !demo || given {
		return addr, false
	}
	return "127.0.0.1:8080", true
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", migrateSynopsis, stderr)
	db := dbFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	n, v, engine, err := app.Migrate(ctx, *db)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(stdout, "マイグレーションを %d 件適用しました。データベースは最新です(version %d)/ applied %d migrations; schema is current (version %d, %s)\n", n, v, n, v, engine)
	} else {
		fmt.Fprintf(stdout, "データベースは最新です(version %d)/ schema is current (version %d, %s)\n", v, v, engine)
	}
	return nil
}
