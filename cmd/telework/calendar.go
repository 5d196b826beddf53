package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"telework/internal/app"
	"telework/internal/calendar"
)

// cmdCalendar: the business calendar from the command line. `holidays`
// lists a year's days off — every national holiday, those on a Saturday or
// Sunday included (as the Cabinet Office's syukujitsu.csv lists them: a
// 振替休日 makes no sense without the Sunday it replaces), 年末年始 and,
// with --tenant, closure days — each with its weekday; `--weekdays` keeps
// only those on weekdays (what a business-day count leaves out).
// `import-holidays` loads the Cabinet Office's syukujitsu.csv.
const (
	holidaysSynopsis       = "calendar holidays [--year YYYY] [--tenant SLUG] [--weekdays] [--db DSN]"
	importHolidaysSynopsis = "calendar import-holidays [--db DSN] FILE"
)

func cmdCalendar(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "holidays" && args[0] != "import-holidays") {
		fmt.Fprintln(stderr, "usage: telework calendar holidays|import-holidays [flags]   (telework calendar holidays -h)")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return usageError{"サブコマンドは holidays か import-holidays です"}
	}
	if args[0] == "holidays" {
		return cmdCalendarHolidays(ctx, args[1:], stdout, stderr)
	}
	return cmdImportHolidays(ctx, args[1:], stdout, stderr)
}

func cmdCalendarHolidays(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("calendar holidays", holidaysSynopsis, stderr)
	db := dbFlag(fs)
	year := fs.Int("year", calendar.DateOf(time.Now()).Year, "the year (1955–2100)")
	tenant := fs.String("tenant", "", "団体コード: also list the tenant's closure days (閉庁日)")
	weekdays := fs.Bool("weekdays", false, "only the days off on a weekday, without the weekday column (土日を除く: what a business-day count leaves out)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"余分な引数があります / unexpected arguments: " + strings.Join(fs.Args(), " ")}
	}
	if *year < calendar.MinImportYear || *year > calendar.MaxImportYear {
		return usageError{fmt.Sprintf("--year は %d から %d までです", calendar.MinImportYear, calendar.MaxImportYear)}
	}
	var cal *calendar.Calendar
	if *tenant == "" && !dbGiven(fs) && app.DatabaseMissing(*db) {
		// Nothing to read imported holidays from: do not create a database
		// file just to list the computed ones.
		fmt.Fprintln(stderr, "(データベースがないため、祝日法に基づく計算値を表示します / no database: computed holidays)")
		cal = calendar.New(calendar.Config{FromYear: *year, ToYear: *year})
	} else {
		env, err := app.OpenExisting(ctx, *db, nil)
		if err != nil {
			return err
		}
		defer env.Close()
		var tenantID int64
		if *tenant != "" {
			t, err := findTenant(ctx, env.Org, *tenant)
			if err != nil {
				return err
			}
			tenantID = t.ID
		}
		if cal, err = env.Calendar.Load(ctx, tenantID, *year, *year); err != nil {
			return err
		}
	}
	for _, h := range cal.Holidays(*year) {
		wd := h.Date.Weekday()
		if *weekdays {
			if wd == time.Saturday || wd == time.Sunday {
				continue
			}
			fmt.Fprintf(stdout, "%s\t%s\n", h.Date, h.Name)
			continue
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", h.Date, weekdayJa[wd], h.Name)
	}
	return nil
}

// weekdayJa are the weekdays as a Japanese calendar writes them.
var weekdayJa = [...]string{"日", "月", "火", "水", "木", "金", "土"}

// dbGiven reports whether --db or TELEWORK_DB named a database.
func dbGiven(fs *flag.FlagSet) bool {
	given := os.Getenv("TELEWORK_DB") != ""
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "db" {
			given = true
		}
	})
	return given
}

func cmdImportHolidays(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("calendar import-holidays", importHolidaysSynopsis, stderr)
	db := dbFlag(fs)
	files, err := parseInterspersed(fs, args) // backup.go
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usageError{"取り込むファイル(内閣府の syukujitsu.csv)を1つ指定してください / give one FILE"}
	}
	raw, err := readLimited(files[0], 1<<20)
	if err != nil {
		return err
	}
	// Read the file before opening the database: a faulty one creates
	// nothing.
	hs, err := calendar.ParseSyukujitsu(raw)
	if err != nil {
		return err // the faults by line, in Japanese
	}
	env, err := app.Open(ctx, *db, nil)
	if err != nil {
		return err
	}
	defer env.Close()
	res, err := env.Calendar.ImportHolidays(ctx, cliActor, hs)
	if err != nil {
		return err
	}
	span := res.Span()
	fmt.Fprintf(stdout, "%s年の祝日・休日 %d日分を取り込みました(追加 %d、削除 %d、名称の変更 %d)/ imported %d days for %s\n",
		span, res.Days, res.Added, res.Removed, res.Renamed, res.Days, span)
	if res.Kept > 0 {
		fmt.Fprintf(stdout, "ファイルの範囲外で残した日 %d日(ファイルが年の途中で終わっているため、最後の日より後の祝日をそれまでどおり残しました)/ kept %d days after the file's last day\n",
			res.Kept, res.Kept)
	}
	if len(res.Diffs) > 0 {
		fmt.Fprintf(stdout, "祝日法に基づく計算値と異なる日 / differs from the computation (%d):\n", len(res.Diffs))
		for _, df := range res.Diffs {
			fmt.Fprintf(stdout, "  %s\tファイル: %s\t計算値: %s\n", df.Date, orDash(df.Imported), orDash(df.Computed))
		}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s を開けません / cannot open: %w", path, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s を読めません / cannot read: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s は大きすぎます(祝日ファイルは %d バイトまで) / file too large", path, limit)
	}
	return b, nil
}
