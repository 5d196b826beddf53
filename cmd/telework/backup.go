package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"telework/internal/app"
	"telework/internal/backup"
	"telework/internal/telemetry"
)

// backupKeyFlag is --backup-key FILE (env TELEWORK_BACKUP_KEY_FILE): the
// file holding the key that signs archives and checks them on restore.
func backupKeyFlag(fs *flag.FlagSet) *string {
	return fs.String("backup-key", os.Getenv("TELEWORK_BACKUP_KEY_FILE"),
		"file with the key that signs the archive's manifest (HMAC-SHA256, at least 32 bytes; env TELEWORK_BACKUP_KEY_FILE)")
}

// readBackupKey reads the key file: its bytes without surrounding
// whitespace, at least backup.MinKeyBytes of them. "" gives no key.
func readBackupKey(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("鍵のファイルを読めません / cannot read the key file: %w", err)
	}
	key := bytes.TrimSpace(raw)
	if len(key) < backup.MinKeyBytes {
		return nil, fmt.Errorf("鍵のファイル %s が短すぎます（%d バイト以上。例: head -c 48 /dev/urandom | base64 > %s）/ the key file is too short (at least %d bytes)",
			path, backup.MinKeyBytes, path, backup.MinKeyBytes)
	}
	return key, nil
}

const (
	backupSynopsis  = "backup --out FILE [--tenant SLUG] [--backup-key FILE] [--db DSN]"
	restoreSynopsis = "restore [--dry-run] [--backup-key FILE | --allow-unsigned] [--db DSN] FILE"
)

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", backupSynopsis, stderr)
	db := dbFlag(fs)
	keyFile := backupKeyFlag(fs)
	tenant := fs.String("tenant", "", "団体コード: back up only this tenant (default: the whole instance, operators and instance audit log included)")
	out := fs.String("out", "", "archive to write (gzip-compressed tar); an existing file is replaced only once the backup is complete")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"余分な引数があります / unexpected arguments: " + strings.Join(fs.Args(), " ")}
	}
	if *out == "" {
		return usageError{"--out で書き出すファイルを指定してください / give the file to write with --out"}
	}
	if err := sqliteFileExists(*db); err != nil {
		return err
	}
	key, err := readBackupKey(*keyFile)
	if err != nil {
		return err
	}
	// Write beside the destination and rename at the end, so that a failed
	// or interrupted backup never leaves a file that looks like one. The
	// archive holds password hashes and personal data: owner-only (0600).
	tmp, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".tmp-*")
	if err != nil {
		return fmt.Errorf("%s に書き込めません / cannot write beside %s: %w", *out, *out, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	m, err := app.Backup(ctx, *db, tmp, backup.Options{Tenant: *tenant, Producer: "telework " + telemetry.Version,
		SpoolDir: filepath.Dir(*out), Key: key})
	if err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", *out, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", *out, err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("writing %s: %w", *out, err)
	}
	done = true
	fmt.Fprintf(stdout, "バックアップを作成しました / backup written: %s\n", *out)
	describe(stdout, m)
	if key == nil {
		fmt.Fprintln(stderr, "注意: 署名なしのバックアップです。復元には --allow-unsigned が必要です。--backup-key で鍵のファイルを指定してください / "+
			"warning: the backup is not signed; restoring it needs --allow-unsigned. Give a key file with --backup-key")
	} else {
		fmt.Fprintln(stdout, "  署名 / signed: HMAC-SHA256 (--backup-key)")
	}
	return nil
}

func describe(w io.Writer, m *backup.Manifest) {
	scope := "インスタンス全体 / whole instance"
	if m.TenantID != 0 {
		scope = "団体 / tenant " + m.Scope
	}
	fmt.Fprintf(w, "  範囲 / scope: %s\n  作成 / created: %s (%s, schema version %d)\n  %d 表 / tables, %d 行 / rows\n",
		scope, m.CreatedAt.Format("2006-01-02 15:04:05Z07:00"), m.Engine, m.SchemaVersion, len(m.Tables), m.Rows())
}

func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("restore", restoreSynopsis, stderr)
	db := dbFlag(fs)
	dry := fs.Bool("dry-run", false, "verify the archive, and that the target could take it, without writing anything")
	keyFile := backupKeyFlag(fs)
	allowUnsigned := fs.Bool("allow-unsigned", false, "restore an archive without a signature, or without checking it (never one whose signature does not match --backup-key)")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usageError{"復元するバックアップファイルを1つ指定してください / give one backup file"}
	}
	key, err := readBackupKey(*keyFile)
	if err != nil {
		return err
	}
	f, err := os.Open(files[0])
	if err != nil {
		return fmt.Errorf("バックアップファイルを開けません / cannot open the backup file: %w", err)
	}
	defer f.Close()
	// The whole archive is verified before the target is even opened, so a
	// damaged one leaves no trace (not even a new, empty SQLite file).
	a, err := backup.Open(f)
	if err != nil {
		return err
	}
	if err := a.Verify(key, *allowUnsigned); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "バックアップを検証しました / archive verified: %s\n", files[0])
	switch {
	case a.Signed() && key != nil:
		fmt.Fprintln(stdout, "  署名 / signature: OK")
	default:
		fmt.Fprintln(stderr, "注意: 署名を確かめずに復元します（--allow-unsigned）/ warning: restoring without checking a signature (--allow-unsigned)")
	}
	describe(stdout, &a.Manifest)
	// What the archive will put in place, admin accounts above all: read
	// it before restoring.
	fmt.Fprint(stdout, a.Summary())

	if *dry {
		if sqliteFileExists(*db) != nil {
			fmt.Fprintf(stdout, "復元先 %s はまだありません（復元時に作成します）/ the target does not exist yet and would be created\n", *db)
		} else {
			checked, err := app.CheckRestoreTarget(ctx, *db, a)
			if err != nil {
				return err
			}
			if checked {
				fmt.Fprintln(stdout, "復元先と重なるデータはありません / the target holds none of the archive's tenants or ids")
			} else {
				fmt.Fprintln(stdout, "復元先はマイグレーション後に確認します / the target will be checked once migrated")
			}
		}
		fmt.Fprintln(stdout, "--dry-run: 何も書き込んでいません / nothing was written")
		return nil
	}

	res, err := app.Restore(ctx, *db, a)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "復元しました / restored: %d 行 / rows into the %s database\n", a.Manifest.Rows(), res.Engine)
	// A broken chain was broken in the source already (the archive's
	// checksums hold): the restore stands, and the warning says where.
	for _, c := range res.Chains {
		if c.Break != nil {
			fmt.Fprintf(stderr, "警告: 監査ログの連鎖が壊れています（バックアップ元で既に壊れていました）/ warning: audit chain broken in the source: tenant %d, seq %d: %s\n",
				c.TenantID, c.Break.Seq, c.Break.Reason)
			continue
		}
		fmt.Fprintf(stdout, "  監査ログ / audit chain tenant %d: OK (%d entries)\n", c.TenantID, c.Entries)
	}
	return nil
}

// sqliteFileExists refuses a SQLite path that names no file, which opening
// it would create empty.
func sqliteFileExists(dsn string) error {
	if app.IsPostgresDSN(dsn) || strings.HasPrefix(dsn, "file:") {
		return nil
	}
	if _, err := os.Stat(dsn); err != nil {
		return fmt.Errorf("データベースファイル %s がありません / no database file %s", dsn, dsn)
	}
	return nil
}

// parseInterspersed parses flags wherever they stand among the arguments,
// so that "restore FILE --dry-run" works as well as "restore --dry-run FILE",
// and returns the other arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
