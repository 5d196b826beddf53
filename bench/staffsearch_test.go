package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"telework/internal/org"
	"telework/internal/store"
)

// pageSize is the staff list's page: the screen shows 50 people at a time.
const pageSize = 50

// queryKinds are the searches people make on the staff screen.
var queryKinds = []string{"kana-prefix", "kanji", "staffno", "unit-subtree", "multi-term"}

// queries returns a deterministic list of filters of one kind, drawn from
// the seeded people and units so that they find something, as real
// searches mostly do.
func (f *fixture) queries(kind string) []org.StaffFilter {
	rng := rand.New(rand.NewPCG(uint64(slices.Index(queryKinds, kind)), 2026))
	active := make([]seededStaff, 0, len(f.staff))
	for _, s := range f.staff {
		if !s.retired {
			active = append(active, s)
		}
	}
	pick := func() seededStaff { return active[rng.IntN(len(active))] }
	var out []org.StaffFilter
	add := func(q string, unit int64) {
		out = append(out, org.StaffFilter{Query: q, UnitID: unit, Limit: pageSize})
	}
	switch kind {
	case "kana-prefix":
		// The first two or three kana of a surname, as typed into the box.
		for i := range 200 {
			r := []rune(pick().surname.kana)
			add(string(r[:min(len(r), 2+i%2)]), 0)
		}
	case "kanji":
		// A surname in kanji (佐藤, 森, 長谷川 …).
		for range 200 {
			add(pick().surname.kanji, 0)
		}
	case "staffno":
		// A full 6-digit 職員番号.
		for range 200 {
			add(pick().no, 0)
		}
	case "unit-subtree":
		// Everyone in a 部, 課 or 係 with its subtree, no query text.
		for i := range 200 {
			switch i % 3 {
			case 0:
				add("", f.depts[rng.IntN(len(f.depts))])
			case 1:
				add("", f.sections[rng.IntN(len(f.sections))])
			default:
				add("", f.teams[rng.IntN(len(f.teams))])
			}
		}
	case "multi-term":
		// Surname and given name, in the mixes people type.
		for i := range 200 {
			p := pick()
			switch i % 3 {
			case 0:
				add(p.surname.kanji+" "+p.given.kanji, 0)
			case 1:
				add(p.surname.kana+" "+p.given.kana, 0)
			default:
				add(p.surname.kanji+"　"+p.given.kana, 0) // full-width space from a Japanese IME
			}
		}
	default:
		panic("unknown query kind " + kind)
	}
	return out
}

var engines = []store.Engine{store.SQLite, store.Postgres}

// BenchmarkStaffSearch measures one FindStaff call (count and 50-row page)
// per iteration. Besides ns/op it reports the p50/p95 of the iterations in
// milliseconds, and the mean number of matches.
func BenchmarkStaffSearch(b *testing.B) {
	ctx := context.Background()
	for _, eng := range engines {
		b.Run(string(eng), func(b *testing.B) {
			f := seeded(b, eng)
			for _, kind := range queryKinds {
				qs := f.queries(kind)
				b.Run(kind, func(b *testing.B) {
					var lat []time.Duration
					var hits int
					i := 0
					for b.Loop() {
						t0 := time.Now()
						_, total, err := f.db.FindStaff(ctx, f.tenantID, qs[i%len(qs)])
						lat = append(lat, time.Since(t0))
						if err != nil {
							b.Fatal(err)
						}
						hits += total
						i++
					}
					slices.Sort(lat)
					b.ReportMetric(ms(percentile(lat, 0.50)), "p50-ms")
					b.ReportMetric(ms(percentile(lat, 0.95)), "p95-ms")
					b.ReportMetric(float64(hits)/float64(i), "hits/op")
				})
			}
		})
	}
}

// TestStaffSearchPercentiles runs a mixed load of staff searches on each
// engine and prints p50/p95/p99 per query kind. It only reports: timings
// depend on the machine and never decide pass or fail. It runs with
// TELEWORK_BENCH=1; TELEWORK_BENCH_QUERIES sets the number of measured
// queries per engine (default 1000, 200 of each kind).
func TestStaffSearchPercentiles(t *testing.T) {
	if os.Getenv("TELEWORK_BENCH") != "1" {
		t.Skip("set TELEWORK_BENCH=1 to run the staff search percentile report")
	}
	n := 1000
	if v := os.Getenv("TELEWORK_BENCH_QUERIES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < len(queryKinds) {
			t.Fatalf("TELEWORK_BENCH_QUERIES=%q: want a number ≥ %d", v, len(queryKinds))
		}
	}
	ctx := context.Background()
	for _, eng := range engines {
		t.Run(string(eng), func(t *testing.T) {
			f := seeded(t, eng)
			qs := make([][]org.StaffFilter, len(queryKinds))
			for k, kind := range queryKinds {
				qs[k] = f.queries(kind)
			}
			run := func(i int) (int, time.Duration, int) {
				k := i % len(queryKinds)
				q := qs[k][(i/len(queryKinds))%len(qs[k])]
				t0 := time.Now()
				_, total, err := f.db.FindStaff(ctx, f.tenantID, q)
				d := time.Since(t0)
				if err != nil {
					t.Fatalf("%s %+v: %v", queryKinds[k], q, err)
				}
				return k, d, total
			}
			// Warm the caches and the connection pool; not measured.
			for i := range 2 * len(queryKinds) {
				run(n + i)
			}
			lat := make([][]time.Duration, len(queryKinds))
			hits := make([]int, len(queryKinds))
			var all []time.Duration
			loadBefore := loadAvg()
			start := time.Now()
			for i := range n {
				k, d, total := run(i)
				lat[k] = append(lat[k], d)
				all = append(all, d)
				hits[k] += total
			}
			wall := time.Since(start)

			var b strings.Builder
			fmt.Fprintf(&b, "%s: %d staff (%d active) in %d units; seeding %s; %d queries in %s; load average %s → %s\n",
				eng, len(f.staff), len(f.staff)-retiredStaff, f.units, f.seedTime.Round(time.Millisecond), n,
				wall.Round(time.Millisecond), loadBefore, loadAvg())
			w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(w, "kind\tn\tp50 ms\tp95 ms\tp99 ms\tmax ms\tmean hits\t")
			row := func(name string, l []time.Duration, h int) {
				slices.Sort(l)
				fmt.Fprintf(w, "%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f\t\n", name, len(l), ms(percentile(l, 0.50)),
					ms(percentile(l, 0.95)), ms(percentile(l, 0.99)), ms(l[len(l)-1]), float64(h)/float64(len(l)))
			}
			total := 0
			for k, kind := range queryKinds {
				row(kind, lat[k], hits[k])
				total += hits[k]
			}
			row("all", all, total)
			w.Flush()
			t.Log("\n" + b.String())
		})
	}
}

// percentile returns the nearest-rank percentile p (0 < p ≤ 1) of sorted.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// loadAvg is the one-minute load average, to tell a quiet run from one
// that shared the machine ("?" where /proc is missing).
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
