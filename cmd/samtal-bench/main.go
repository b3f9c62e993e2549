// Command samtal-bench is samtal's load benchmark. It builds the samtal
// binary, measures how fast a fresh server starts and how much memory it
// holds when idle, seeds a store of a realistic size, and then drives the
// running server with concurrent keep-alive clients, one scenario at a time.
//
// Every figure is reported next to the "trivial" scenario of the same run: a
// minimal net/http server in a child process, which is as fast as this
// machine can answer HTTP over loopback. Ratios against it travel between
// machines; absolute numbers do not.
//
//	go run ./cmd/samtal-bench                      # SQLite, the defaults
//	go run ./cmd/samtal-bench --engine both --json bench.json
//
// Later capabilities add their data to seed.go and their scenarios to
// scenarios.go. All traffic goes to 127.0.0.1.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/samtal-dev/samtal/sqlstore"
)

const usage = `samtal-bench — load benchmark of samtal (all traffic to 127.0.0.1)

Usage:
  go run ./cmd/samtal-bench [flags]

Flags:
`

// resolveRuns is how many identities the in-process resolve timing resolves.
const resolveRuns = 20000

// warmup is how long clients run before latencies are recorded, so that
// connections are open and caches are warm when measuring starts.
const warmup = time.Second

// options are the command-line flags.
type options struct {
	engine      string // sqlite, postgres or both
	accounts    int
	size        size
	concurrency int
	duration    time.Duration
	samtalBin   string // a prebuilt samtal binary; empty: build one
	databaseURL string // PostgreSQL server for the postgres engine
	jsonFile    string
	only        *regexp.Regexp // run only the scenarios whose names match; nil: all
	keep        string         // SQLite data dir kept between runs, seeded once; empty: a fresh one
}

func main() {
	// The load generator and the trivial server share two cores with the
	// server they measure: collecting their garbage rarely (as samtal does,
	// cmd/samtal's gcPercent) leaves more of the cores to what is measured.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "trivial-server" {
		// Hidden: the ceiling scenario's server, started by the bench itself.
		err = trivialServer(ctx, os.Args[2:])
	} else {
		err = run(ctx, os.Args[1:], os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "samtal-bench:", err)
		os.Exit(1)
	}
}

// parseFlags reads the flags; --database-url defaults to SAMTAL_TEST_POSTGRES.
func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("samtal-bench", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.engine, "engine", "sqlite", "store engine: sqlite, postgres or both")
	fs.IntVar(&o.accounts, "accounts", 10000, "accounts to seed")
	fs.IntVar(&o.size.ideas, "ideas", 100000, "ideas to seed, spread over the campaigns")
	fs.IntVar(&o.size.votes, "votes", 1000000, "votes to seed")
	fs.IntVar(&o.size.campaigns, "campaigns", 50, "campaigns to seed")
	fs.IntVar(&o.size.comments, "comments", 200000, "comments to seed, spread over the ideas (besides the idea page's)")
	fs.IntVar(&o.size.persons, "persons", 1000000, "persons known from elsewhere to seed, three identities each")
	fs.IntVar(&o.size.mentions, "mentions", 1000000, "mentions to seed for the listening scenarios, matched against 1,000 topics")
	fs.IntVar(&o.concurrency, "concurrency", 32, "concurrent clients per scenario")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "measured time per scenario (after a 1s warm-up)")
	fs.StringVar(&o.samtalBin, "samtal", "", "samtal binary to run (default: build ./cmd/samtal)")
	fs.StringVar(&o.databaseURL, "database-url", "", "postgres:// URL of a server to make a scratch schema on (default $SAMTAL_TEST_POSTGRES)")
	fs.StringVar(&o.jsonFile, "json", "", "also write all figures to this JSON file")
	only := fs.String("only", "", "run only the scenarios whose names match this regular expression (for development)")
	fs.StringVar(&o.keep, "keep", "", "SQLite only: seed into this directory once and reuse it in later runs (for development; scenarios that write, like vote, then measure a store they already changed)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			return o, fmt.Errorf("--only: %w", err)
		}
		o.only = re
	}
	if o.databaseURL == "" {
		// Read after parsing, so that -h does not print a password.
		o.databaseURL = os.Getenv("SAMTAL_TEST_POSTGRES")
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.engine != "sqlite" && o.engine != "postgres" && o.engine != "both":
		return o, fmt.Errorf("--engine %q: want sqlite, postgres or both", o.engine)
	case o.accounts < 100 || o.accounts > 10_000_000:
		return o, fmt.Errorf("--accounts %d: want 100 to 10000000", o.accounts)
	case o.size.campaigns < 1 || o.size.ideas < o.size.campaigns*4 || o.size.votes < 0:
		return o, fmt.Errorf("--campaigns %d --ideas %d --votes %d: want a campaign or more, 4 ideas per campaign or more", o.size.campaigns, o.size.ideas, o.size.votes)
	case o.size.votes > o.size.ideas*(o.accounts-1):
		return o, fmt.Errorf("--votes %d: more than one per member and idea", o.size.votes)
	case o.size.persons < 0 || o.size.persons > 100_000_000:
		return o, fmt.Errorf("--persons %d: want 0 to 100000000", o.size.persons)
	case o.concurrency < 1 || o.concurrency > 10_000:
		return o, fmt.Errorf("--concurrency %d: want 1 to 10000", o.concurrency)
	case o.duration < 100*time.Millisecond || o.duration > time.Hour:
		return o, fmt.Errorf("--duration %s: want 100ms to 1h", o.duration)
	case o.keep != "" && o.engine != "sqlite":
		return o, errors.New("--keep works with --engine sqlite only")
	case o.engine != "sqlite" && !sqlstore.IsPostgresURL(o.databaseURL):
		return o, errors.New("the postgres engine needs --database-url or SAMTAL_TEST_POSTGRES (a postgres:// URL)")
	}
	return o, nil
}

// engines lists the engines --engine names, in the order they run.
func (o options) engines() []string {
	if o.engine == "both" {
		return []string{sqlstore.SQLite, sqlstore.Postgres}
	}
	return []string{o.engine}
}

// run is the whole benchmark: build, cold start (SQLite), then seed and load
// each engine, then the report.
func run(ctx context.Context, args []string, out io.Writer) error {
	o, err := parseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "samtal-bench-*")
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)

	bin := o.samtalBin
	if bin == "" {
		fmt.Fprintln(out, "building samtal …")
		if bin, err = buildSamtal(ctx, tmp); err != nil {
			return err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own binary for the trivial server: %w", err)
	}

	res := newResults(o)
	if o.engine != sqlstore.Postgres { // cold start is measured on SQLite only
		fmt.Fprintf(out, "cold start: %d × samtal serve on a fresh SQLite data dir …\n", coldStarts)
		if res.ColdStart, err = measureColdStart(ctx, bin, tmp); err != nil {
			return err
		}
	}
	for _, engine := range o.engines() {
		er, err := benchEngine(ctx, o, engine, bin, self, tmp, out)
		if err != nil {
			return fmt.Errorf("%s: %w", engine, err)
		}
		res.Engines = append(res.Engines, er)
	}
	res.checkTargets()

	report(out, res)
	if o.jsonFile != "" {
		if err := writeJSON(o.jsonFile, res); err != nil {
			return err
		}
		fmt.Fprintf(out, "\nfigures written to %s\n", o.jsonFile)
	}
	return nil
}

// buildSamtal compiles ./cmd/samtal of this module into dir.
func buildSamtal(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("build samtal: not inside the samtal module; run from the repository or pass --samtal PATH")
	}
	bin := filepath.Join(dir, "samtal")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/samtal")
	cmd.Dir = filepath.Dir(gomod)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/samtal: %w\n%s", err, b)
	}
	return bin, nil
}

// benchEngine seeds a store on engine, starts samtal on it and runs every
// scenario, the trivial one first.
func benchEngine(ctx context.Context, o options, engine, bin, self, tmp string, out io.Writer) (engineResult, error) {
	er := engineResult{Engine: engine, Accounts: o.accounts}
	dataDir := filepath.Join(tmp, engine+"-data")
	if o.keep != "" {
		dataDir = o.keep
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return er, fmt.Errorf("data dir: %w", err)
	}
	dsn := filepath.Join(dataDir, "samtal.db")
	args := []string{"serve", "--data-dir", dataDir}
	if engine == sqlstore.Postgres {
		url, drop, err := newPostgresSchema(ctx, o.databaseURL)
		if err != nil {
			return er, err
		}
		defer func() {
			// The run's context may be cancelled already; dropping must still happen.
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if err := drop(dctx); err != nil {
				fmt.Fprintln(os.Stderr, "samtal-bench:", err)
			}
		}()
		dsn = url
		args = append(args, "--database-url", url)
	}

	o.size.accounts = o.accounts
	seed, err := loadKeptSeed(o.keep)
	if err != nil {
		return er, err
	}
	if seed == nil {
		fmt.Fprintf(out, "%s: seeding %d accounts …\n", engine, o.accounts)
		if seed, err = seedStore(ctx, dsn, o.size); err != nil {
			return er, err
		}
		if err := saveKeptSeed(o.keep, seed); err != nil {
			return er, err
		}
	} else {
		fmt.Fprintf(out, "%s: reusing the store seeded in %s\n", engine, o.keep)
	}
	er.SeedSeconds = seed.Took.Seconds()
	fmt.Fprintf(out, "%s: seeded in %s\n", engine, seed.Took.Round(time.Millisecond))
	if o.only == nil || o.only.MatchString("person-resolve") {
		fmt.Fprintf(out, "%s: resolving identities in-process …\n", engine)
		all, fresh, err := measureResolve(ctx, dsn, seed, resolveRuns)
		if err != nil {
			all.Name, all.Failed = "person-resolve", err.Error()
		}
		er.Timings = append(er.Timings, all, fresh)
	}

	if engine == sqlstore.SQLite && (o.only == nil || o.only.MatchString("ingest")) {
		fmt.Fprintf(out, "%s: ingesting mentions in-process with 0, 10, 100 and 1,000 topics …\n", engine)
		ingest, err := measureIngest(ctx, tmp)
		if err != nil {
			ingest = append(ingest, timing{Name: "ingest", Failed: err.Error()})
		}
		er.Timings = append(er.Timings, ingest...)
	}

	client := newLoadClient(o.concurrency)
	defer client.CloseIdleConnections()

	// The ceiling runs in its own process, up for the whole run: it is
	// measured again right before each samtal scenario, so that each ratio
	// compares two figures taken within seconds of each other on this noisy
	// shared machine.
	trivial, err := startChild(ctx, tmp, "trivial-"+engine, self, "trivial-server")
	if err != nil {
		return er, err
	}
	defer trivial.stop()
	if _, err := trivial.waitReady(ctx, "/", 10*time.Second); err != nil {
		return er, err
	}
	srv, err := startChild(ctx, tmp, "samtal-"+engine, bin, args...)
	if err != nil {
		return er, err
	}
	defer srv.stop()
	if _, err := srv.waitReady(ctx, "/readyz", 30*time.Second); err != nil {
		return er, err
	}
	fx, err := newFixture(ctx, client, srv.baseURL, seed)
	if err != nil {
		return er, fmt.Errorf("%w (server log: %s)", err, srv.logTail())
	}
	var ceilings []scenarioResult
	for _, sc := range samtalScenarios(fx) {
		if o.only != nil && !o.only.MatchString(sc.name) {
			continue
		}
		fmt.Fprintf(out, "%s: scenario trivial, then %s …\n", engine, sc.name)
		ceiling := runLoad(ctx, client, trivialScenario(), trivial.baseURL, o.concurrency, o.duration)
		ceilings = append(ceilings, ceiling)
		res := runLoad(ctx, client, sc, srv.baseURL, o.concurrency, o.duration)
		res.Ceiling = ceiling.PerSecond
		er.Scenarios = append(er.Scenarios, res)
		if ctx.Err() != nil {
			return er, context.Cause(ctx)
		}
	}
	if o.only == nil || o.only.MatchString("person-merge") {
		fmt.Fprintf(out, "%s: merging and undoing %d pairs of persons with %d events each …\n", engine, len(seed.MergePairs), mergeEvents)
		merge, unmerge, err := measureMerges(ctx, fx)
		if err != nil {
			merge.Name, merge.Failed = "person-merge-10k", err.Error()
		}
		er.Timings = append(er.Timings, merge, unmerge)
	}
	if err := srv.stop(); err != nil {
		return er, err
	}
	if err := trivial.stop(); err != nil {
		return er, err
	}
	er.Scenarios = append([]scenarioResult{meanOf("trivial", ceilings)}, er.Scenarios...)
	er.relateToTrivial()
	return er, nil
}

// keptSeedFile is where --keep records what the seeded store holds.
const keptSeedFile = "seed.json"

// loadKeptSeed returns what a kept store was seeded with, or nil when there
// is no kept store (or none yet).
func loadKeptSeed(dir string) (*seeded, error) {
	if dir == "" {
		return nil, nil
	}
	b, err := os.ReadFile(filepath.Join(dir, keptSeedFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("--keep: %w", err)
	}
	var s seeded
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("--keep: %s: %w", keptSeedFile, err)
	}
	return &s, nil
}

// saveKeptSeed records seed next to a kept store, written last, so that a
// seed cut off half-way is not reused.
func saveKeptSeed(dir string, seed *seeded) error {
	if dir == "" {
		return nil
	}
	b, err := json.Marshal(seed)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, keptSeedFile), b, 0o640)
}
