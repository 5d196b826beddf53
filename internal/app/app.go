// Package app wires configuration, store, web server and background jobs
// together for the telework binary. It holds no product rules.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/collectors"

	"telework/internal/auth"
	"telework/internal/demo"
	"telework/internal/oneonone"
	"telework/internal/secretkey"
	"telework/internal/sso"
	"telework/internal/sso/rp"
	"telework/internal/store"
	"telework/internal/telemetry"
	"telework/internal/web"
)

// ServeConfig is what `telework serve` needs.
type ServeConfig struct {
	Addr string
	DB   string
	Demo bool
	// DemoLoopback: the demo listens on 127.0.0.1 because no address was
	// given (its accounts' passwords are published); said at start-up.
	DemoLoopback bool
	LogLevel     slog.Level
	Web          web.Config
	// Ready, when set, receives the listening address once the server
	// accepts connections (tests and the start-up benchmark use it).
	Ready chan<- string
	// Out is where start-up messages for people go (the demo accounts).
	Out io.Writer
	// MetricsAddr, when set, serves GET /metrics on a listener of its own
	// (an address only the monitoring network reaches) instead of on Addr.
	MetricsAddr string
	// SSOEgress are the rules for connecting to tenants' identity
	// providers; SecretKeys seal their client secrets at rest (nil: stored
	// as typed, said at start-up).
	SSOEgress  rp.Egress
	SecretKeys *sso.SecretKeys
	// WebhookAllowLoopback lets chat webhooks post to this machine
	// (--webhook-allow-loopback); link-local, unspecified and multicast
	// addresses are refused regardless (internal/notify/egress.go).
	WebhookAllowLoopback bool
	// OneOnOneKeys seal 1on1 meeting logs (derived from the same key; nil:
	// no log can be written).
	OneOnOneKeys *oneonone.Keys
	// SurveyKeys seal the surveys' pseudonym keys (derived from the same
	// key; nil: stored as made).
	SurveyKeys *secretkey.Ring
	// MetricsReady, when set, receives the metrics listener's address.
	MetricsReady chan<- string
}

// OpenDB opens and migrates the database named by dsn.
func OpenDB(ctx context.Context, dsn string, log *slog.Logger) (*store.DB, error) {
	db, n, err := openMigrated(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if n > 0 && log != nil {
		log.Info("migrations applied", "count", n, "engine", string(db.Engine))
	}
	return db, nil
}

// openMigrated opens the database named by dsn and applies its pending
// migrations; applied says how many ran.
func openMigrated(ctx context.Context, dsn string) (db *store.DB, applied int, err error) {
	if db, err = store.Open(ctx, dsn); err != nil {
		return nil, 0, err
	}
	if applied, err = db.Migrate(ctx); err != nil {
		db.Close()
		return nil, applied, err
	}
	return db, applied, nil
}

// Migrate opens the database named by dsn, applies its pending
// migrations and says how many ran and the schema's version after them
// (`telework migrate`).
func Migrate(ctx context.Context, dsn string) (applied int, version int64, engine string, err error) {
	db, applied, err := openMigrated(ctx, dsn)
	if err != nil {
		return applied, 0, "", err
	}
	defer db.Close()
	version, err = db.SchemaVersion(ctx, db.SQL)
	return applied, version, string(db.Engine), err
}

// DatabaseMissing reports whether dsn names a SQLite file that does not
// exist yet (a command that only reads need not create it). A file: URI
// is checked at its path.
func DatabaseMissing(dsn string) bool {
	p := store.SQLiteFile(dsn)
	if p == "" {
		return false
	}
	_, err := os.Stat(p)
	return errors.Is(err, os.ErrNotExist)
}

// ErrNoDatabase refuses a command that reads or changes existing data on
// a SQLite file that does not exist: opening it would create an empty
// database at a mistyped path (1 MB after the migrations) and the command
// would then report "no such tenant" or an empty list.
type ErrNoDatabase struct{ Path string }

func (e ErrNoDatabase) Error() string {
	return fmt.Sprintf("データベース %s がありません。--db(または TELEWORK_DB)のパスを確かめてください。"+
		"新しく作るときは telework migrate --db %s / database %s does not exist: check --db (or TELEWORK_DB); "+
		"create one with telework migrate", e.Path, e.Path, e.Path)
}

// OpenExisting is Open for a command that needs data already there (a
// list, an export, a verification, an import into a tenant): a SQLite
// file that does not exist is refused with ErrNoDatabase and not created.
// serve, migrate, restore and the commands that set up a first tenant or
// operator use Open.
func OpenExisting(ctx context.Context, dsn string, log *slog.Logger) (*Env, error) {
	if DatabaseMissing(dsn) {
		return nil, ErrNoDatabase{store.SQLiteFile(dsn)}
	}
	return Open(ctx, dsn, log)
}

// Serve runs the HTTP server until ctx is cancelled or SIGTERM/SIGINT
// arrives, then lets requests in flight finish (up to 20 s).
func Serve(ctx context.Context, cfg ServeConfig) error {
	log := telemetry.NewLogger(os.Stderr, cfg.LogLevel)
	// The few lines written where no logger is handed down (the store's
	// presence listener and audit sealer, the hand-on of applications)
	// come out as JSON like the rest (a review found plain text).
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	db, err := OpenDB(ctx, cfg.DB, log)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := NewServices(db)
	if cfg.Demo {
		res, err := demo.Seed(ctx, DemoServices(db, svc), time.Now())
		if err != nil {
			return fmt.Errorf("creating demo data: %w", err)
		}
		printDemo(cfg.Out, res, cfg.Addr, cfg.DemoLoopback)
	}
	metrics := telemetry.NewMetrics(collectors.NewDBStatsCollector(db.SQL, "telework"))
	if err := configureSecurity(ctx, &cfg, svc, log); err != nil {
		return err
	}
	srv, err := web.New(svc, log, metrics, cfg.Web)
	if err != nil {
		return err
	}
	stopMetrics, err := serveMetrics(cfg, srv, log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Addr, err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	// The board's event streams end when the shutdown begins; Shutdown
	// then waits only for the requests in flight.
	hs.RegisterOnShutdown(srv.CloseStreams)
	go sweepSessions(ctx, db, svc.Auth, log)
	go retentionLoop(ctx, svc.Retention, log)
	go auditHeadLoop(ctx, svc.Audit, log)
	go datedLoop(ctx, svc.Staffio, log)
	go reviewReminderLoop(ctx, svc.Trial.Roadmap, log)
	go surveyReminderLoop(ctx, db, svc, log)
	go applyLoop(ctx, svc.Apply, svc.Overtime, log)
	go shortageLoop(ctx, svc.Places, log)
	go overdueLoop(ctx, svc.Devices, log)
	go clockOutLoop(ctx, svc.Worktime, log)
	go deliveryLoop(ctx, db, svc, cfg.SecretKeys, cfg.WebhookAllowLoopback, log, metrics)

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "engine", string(db.Engine), "version", telemetry.Version)
	if cfg.Ready != nil {
		cfg.Ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// The token uses gathered since the last write (a hint, not evidence).
	if err := svc.Auth.Flush(sctx); err != nil {
		log.Warn("token uses not recorded", "err", err)
	}
	log.Info("stopped")
	return nil
}

// sweepSessions removes expired sessions and old sign-in failures every
// hour. Several nodes may run it at once: the deletes are idempotent.
func sweepSessions(ctx context.Context, db *store.DB, accounts *auth.Service, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := accounts.SweepSessions(ctx, 24*time.Hour); err != nil && ctx.Err() == nil {
			log.Warn("session sweep", "err", err)
		} else if n > 0 {
			log.Info("session sweep", "removed", n)
		}
		if _, err := db.DeleteOldIdempotencyKeys(ctx, time.Now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			log.Warn("idempotency sweep", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func printDemo(w io.Writer, res *demo.Result, addr string, loopback bool) {
	if w == nil {
		return
	}
	if loopback {
		fmt.Fprintf(w, "\nデモのアカウントのパスワードは公開されているため、このコンピュータ(%s)だけで待ち受けます。\n"+
			"ほかの端末から開くには --addr :8080 のように待ち受けるアドレスを指定してください。\n"+
			"The demo accounts' passwords are published: listening on %s only; give --addr to listen elsewhere.\n", addr, addr)
	} else if h, _, err := net.SplitHostPort(addr); err == nil && !isLoopback(h) {
		fmt.Fprintf(w, "\n注意: デモのアカウントのパスワードは公開されています。%s で待ち受けるため、ほかの端末からもログインできます。\n"+
			"Warning: the demo accounts' passwords are published and %s is reachable from other computers.\n", addr, addr)
	}
	host := addr
	if h, p, err := net.SplitHostPort(addr); err == nil && (h == "" || h == "0.0.0.0" || h == "::") {
		host = "localhost:" + p
	}
	if res.Created {
		fmt.Fprintf(w, "\nデモ団体 %s (団体コード %s) を作成しました / created.\n", res.Tenant.Name, res.Tenant.Slug)
	} else {
		fmt.Fprintf(w, "\nデモ団体 %s (団体コード %s) は既にあります / already present.\n", res.Tenant.Name, res.Tenant.Slug)
	}
	fmt.Fprintf(w, "ブラウザで http://%s/login?tenant=%s を開いてください (operator: http://%s/operator/login)\n\n", host, res.Tenant.Slug, host)
	if !res.Created {
		// The accounts may have changed their passwords since: the table
		// says what they were given, not what they are.
		fmt.Fprintf(w, "パスワードは作成時のものです(その後に変更されていれば使えません)。\n"+
			"The passwords are those set at creation; any changed since no longer work.\n\n")
	}
	fmt.Fprintf(w, "  %-12s %-16s %s\n", "login", "password", "role")
	for _, a := range res.Accounts {
		fmt.Fprintf(w, "  %-12s %-16s %s  %s\n", a.LoginID, a.Password, a.Role, a.Description)
	}
	fmt.Fprintln(w)
}

// isLoopback reports whether a listen host is this computer only.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
