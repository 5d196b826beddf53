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
	"telework/internal/web"
)

const usage = `telework — テレワーク推進システム / telework platform for local governments

使い方 / usage:
  telework serve   [--addr :8080] [--db telework.db|postgres://…] [--demo]   Web サーバを起動(--demo は --addr がなければ 127.0.0.1 のみ)
  telework migrate [--db …]                                               データベースを最新に
  telework tenant  create|list …                                          団体の登録・一覧
  telework user    create|reset-password …                                アカウントの作成・仮パスワード発行
  telework token   create|list|revoke --tenant SLUG --login ID …          API トークンの発行・一覧・取消
  telework audit   verify [--tenant SLUG] [--head FILE]                   監査ログの改ざん検査(--head: 保存した先頭と照合)
  telework audit   head [--tenant SLUG] [--json]                          監査ログの先頭(最新の番号とハッシュ)を出力
  telework backup  --out FILE [--tenant SLUG]                             バックアップ(全体または1団体)
  telework restore [--dry-run] FILE                                       バックアップから空のデータベースへ復元
  telework calendar holidays [--year YYYY] [--tenant SLUG] [--weekdays]   休日・閉庁日の一覧(土日の祝日も、曜日付き。--weekdays は平日の分だけ)
  telework calendar import-holidays FILE                                  内閣府の祝日CSV(syukujitsu.csv)の取込
  telework import staff --tenant SLUG [--dry-run] [--full] FILE           職員の一括登録・更新(CSV/Excel)
  telework export staff --tenant SLUG --format csv|csv-sjis|xlsx [--out FILE] [--sensitive]   職員の一覧の出力
  telework import units --tenant SLUG [--dry-run] FILE                    組織の一括登録・更新(CSV/Excel)
  telework export units --tenant SLUG --format csv|csv-sjis|xlsx [--out FILE]   組織の一覧の出力
  telework roster  solve INSTANCE.json [--time-limit 10s]                 交代勤務表の最適化(計画を標準出力へ)
  telework version                                                        版を表示

各コマンドの詳細は telework COMMAND -h
Environment: TELEWORK_DB (default database), TELEWORK_ADDR (default listen address).
`

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
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "telework "+cmd+": "+ue.msg)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "telework "+cmd+": "+err.Error())
		return 1
	}
	return 0
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

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
	fs := newFlags("serve", "serve [flags]", stderr)
	addr := fs.String("addr", envOr("TELEWORK_ADDR", ":8080"), "listen address (env TELEWORK_ADDR; with --demo and neither given: 127.0.0.1:8080)")
	db := dbFlag(fs)
	demoFlag := fs.Bool("demo", false, "create the demo tenant (once) and print its accounts; listens on 127.0.0.1 unless --addr is given")
	cookie := fs.String("cookie-secure", "auto", "Secure flag on cookies: auto (when served over HTTPS), always, never")
	proxy := fs.Bool("trust-proxy", false, "trust X-Forwarded-For/-Proto from a reverse proxy (nginx)")
	proxies := fs.String("trusted-proxies", envOr("TELEWORK_TRUSTED_PROXIES", ""),
		"with --trust-proxy: our proxies' addresses or CIDR ranges, comma-separated; the client is the right-most X-Forwarded-For hop not among them (default: the connecting peer only) (env TELEWORK_TRUSTED_PROXIES)")
	level := fs.String("log-level", "info", "log level: debug, info, warn, error")
	sec := addSecurityFlags(fs) // HSTS, public URL, metrics, SSO egress, secret key (serve_security.go)
	if err := fs.Parse(args); err != nil {
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
	fs := newFlags("migrate", "migrate [--db DSN]", stderr)
	db := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := app.OpenDB(ctx, *db, nil)
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintf(stdout, "データベースは最新です / schema is current (%s)\n", d.Engine)
	return nil
}
