package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"time"
)

// The targets of the benchmark issue.
const (
	targetAPIMeVsTrivial = 0.5 // api-me at least half the trivial ceiling
	targetColdStartMS    = 300 // median exec to first 200 from /readyz
	targetIdleRSSMB      = 60
)

// results are all figures of a run; --json writes them as they are.
type results struct {
	Started     time.Time      `json:"started"`
	GoVersion   string         `json:"go_version"`
	Platform    string         `json:"platform"`
	CPUs        int            `json:"cpus"`
	Concurrency int            `json:"concurrency"`
	WarmupS     float64        `json:"warmup_s"`
	DurationS   float64        `json:"duration_s"`
	ColdStart   *coldStart     `json:"cold_start,omitempty"` // SQLite only
	Engines     []engineResult `json:"engines"`
	Targets     []target       `json:"targets"`
}

func newResults(o options) *results {
	return &results{
		Started: time.Now().UTC(), GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
		CPUs: runtime.NumCPU(), Concurrency: o.concurrency, WarmupS: warmup.Seconds(), DurationS: o.duration.Seconds(),
	}
}

// coldStart is the start-up time of samtal on a fresh SQLite data dir.
type coldStart struct {
	RunsMS    []float64 `json:"runs_ms"`
	MedianMS  float64   `json:"median_ms"`
	MaxMS     float64   `json:"max_ms"`
	IdleRSSMB float64   `json:"idle_rss_mb"`
}

// summarise sets the median and maximum of the runs.
func (c *coldStart) summarise() {
	s := slices.Sorted(slices.Values(c.RunsMS))
	c.MedianMS, c.MaxMS = s[len(s)/2], s[len(s)-1]
}

// engineResult is one engine's seeding and scenarios.
type engineResult struct {
	Engine      string           `json:"engine"`
	Accounts    int              `json:"accounts"`
	SeedSeconds float64          `json:"seed_s"`
	Scenarios   []scenarioResult `json:"scenarios"`
	Timings     []timing         `json:"timings,omitempty"`
}

// scenarioResult is what runLoad measured for one scenario. Requests counts
// every request started in the measured window; PerSecond and the
// percentiles count only those that got the expected status.
type scenarioResult struct {
	Name       string  `json:"name"`
	Requests   int     `json:"requests"`
	AllOK      int     `json:"all_ok"` // expected answers including the probe and the warm-up
	Errors     int     `json:"errors"`
	FirstError string  `json:"first_error,omitempty"`
	PerSecond  float64 `json:"per_second"`
	P50MS      float64 `json:"p50_ms"`
	P95MS      float64 `json:"p95_ms"`
	P99MS      float64 `json:"p99_ms"`
	Ceiling    float64 `json:"ceiling_per_second"` // the trivial handler's req/s measured right before
	VsTrivial  float64 `json:"vs_trivial"`         // PerSecond / Ceiling
	Truncated  bool    `json:"truncated,omitempty"`
	Failed     string  `json:"failed,omitempty"` // the probe failed; nothing was measured
}

// relateToTrivial sets every scenario's ratio to the ceiling measured right
// before it.
func (e *engineResult) relateToTrivial() {
	for i := range e.Scenarios {
		if c := e.Scenarios[i].Ceiling; c > 0 {
			e.Scenarios[i].VsTrivial = e.Scenarios[i].PerSecond / c
		}
	}
}

// meanOf sums the trivial runs into one row: the mean rate and the worst
// percentiles, with its own ratio 1.
func meanOf(name string, runs []scenarioResult) scenarioResult {
	m := scenarioResult{Name: name + fmt.Sprintf(" (mean of %d)", len(runs))}
	for _, r := range runs {
		m.Requests += r.Requests
		m.Errors += r.Errors
		m.PerSecond += r.PerSecond / float64(len(runs))
		m.P50MS = max(m.P50MS, r.P50MS)
		m.P95MS = max(m.P95MS, r.P95MS)
		m.P99MS = max(m.P99MS, r.P99MS)
	}
	m.Ceiling = m.PerSecond
	return m
}

// scenario returns the named scenario's result, or nil.
func (e *engineResult) scenario(name string) *scenarioResult {
	for i := range e.Scenarios {
		if e.Scenarios[i].Name == name {
			return &e.Scenarios[i]
		}
	}
	return nil
}

// target is one goal of the issue and whether this run met it.
type target struct {
	Name   string `json:"name"`
	Engine string `json:"engine,omitempty"`
	Got    string `json:"got"`
	Met    bool   `json:"met"`
}

// checkTargets compares the figures with the targets.
func (r *results) checkTargets() {
	for _, e := range r.Engines {
		t := target{Name: fmt.Sprintf("api-me ≥ %.0f%% of trivial", targetAPIMeVsTrivial*100), Engine: e.Engine, Got: "not measured"}
		if s := e.scenario("api-me"); s != nil && s.Failed == "" {
			t.Got = fmt.Sprintf("%.0f%%", s.VsTrivial*100)
			t.Met = s.VsTrivial >= targetAPIMeVsTrivial && s.Errors == 0
			if s.Errors > 0 {
				t.Got += fmt.Sprintf(" with %d errors", s.Errors)
			}
		}
		r.Targets = append(r.Targets, t)
		// The co-creation hub's targets are stated for SQLite; PostgreSQL's
		// figures are reported beside them.
		for _, g := range []struct {
			scenario string
			rate     float64
			p99MS    float64
		}{
			{"idea-list", 1500, 50},
			{"idea-page", 1000, 0}, // each with 100 comments
			{"vote", 2000, 0},
			{"search", 0, 0}, // p95 < 30 ms, below
		} {
			t := target{Name: fmt.Sprintf("%s ≥ %.0f/s", g.scenario, g.rate), Engine: e.Engine, Got: "not measured"}
			if g.scenario == "search" {
				t.Name = "search over ideas p95 < 30 ms"
				if s := e.scenario(g.scenario); s != nil && s.Failed == "" {
					t.Got = fmt.Sprintf("p95 %.1f ms at %.0f/s", s.P95MS, s.PerSecond)
					t.Met = s.P95MS < 30 && s.Errors == 0
				}
				r.Targets = append(r.Targets, t)
				continue
			}
			if g.p99MS > 0 {
				t.Name += fmt.Sprintf(", p99 < %.0f ms", g.p99MS)
			}
			if s := e.scenario(g.scenario); s != nil && s.Failed == "" {
				t.Got = fmt.Sprintf("%.0f/s, p99 %.1f ms", s.PerSecond, s.P99MS)
				t.Met = s.PerSecond >= g.rate && (g.p99MS == 0 || s.P99MS < g.p99MS) && s.Errors == 0
				if s.Errors > 0 {
					t.Got += fmt.Sprintf(" with %d errors", s.Errors)
				}
			} else if s != nil {
				t.Got = "failed: " + s.Failed
			}
			r.Targets = append(r.Targets, t)
		}
	}
	for _, e := range r.Engines {
		r.Targets = append(r.Targets, peopleTargets(&e)...)
		r.Targets = append(r.Targets, listeningTargets(&e)...)
	}
	if c := r.ColdStart; c != nil {
		r.Targets = append(r.Targets,
			target{Name: fmt.Sprintf("cold start < %d ms", targetColdStartMS), Engine: "sqlite",
				Got: fmt.Sprintf("median %.0f ms, max %.0f ms", c.MedianMS, c.MaxMS), Met: c.MedianMS < targetColdStartMS},
			target{Name: fmt.Sprintf("idle RSS < %d MB", targetIdleRSSMB), Engine: "sqlite",
				Got: fmt.Sprintf("%.1f MB", c.IdleRSSMB), Met: c.IdleRSSMB < targetIdleRSSMB})
	}
}

// report prints the cold start, a table per engine and the targets.
func report(out io.Writer, r *results) {
	fmt.Fprintf(out, "\nsamtal-bench — %s, %s, %d CPUs; %d clients, %s warm-up + %s per scenario\n",
		r.GoVersion, r.Platform, r.CPUs, r.Concurrency, time.Duration(r.WarmupS*float64(time.Second)),
		time.Duration(r.DurationS*float64(time.Second)))
	if c := r.ColdStart; c != nil {
		fmt.Fprintf(out, "\ncold start (sqlite, %d runs): median %.0f ms, max %.0f ms; idle RSS after %s: %.1f MB\n",
			len(c.RunsMS), c.MedianMS, c.MaxMS, idleBeforeRSS, c.IdleRSSMB)
	}
	for _, e := range r.Engines {
		fmt.Fprintf(out, "\n%s — %d accounts seeded in %.1f s\n", e.Engine, e.Accounts, e.SeedSeconds)
		fmt.Fprintf(out, "%-20s %9s %7s %9s %10s %10s %10s %10s\n", "scenario", "requests", "errors", "req/s", "p50", "p95", "p99", "vs trivial")
		fmt.Fprintln(out, "(vs trivial: against the trivial handler measured right before each scenario; ceiling req/s in brackets)")
		for _, s := range e.Scenarios {
			if s.Failed != "" {
				fmt.Fprintf(out, "%-18s %9s %7s %9s %10s %10s %10s %10s\n", s.Name, "-", "-", "-", "-", "-", "-", "failed")
				continue
			}
			fmt.Fprintf(out, "%-20s %9d %7d %9.0f %7.2f ms %7.2f ms %7.2f ms %6.2f [%.0f]\n",
				s.Name, s.Requests, s.Errors, s.PerSecond, s.P50MS, s.P95MS, s.P99MS, s.VsTrivial, s.Ceiling)
		}
		for _, t := range e.Timings {
			if t.Failed != "" {
				fmt.Fprintf(out, "%-20s FAILED: %s\n", t.Name, t.Failed)
				continue
			}
			fmt.Fprintf(out, "%-20s %9d runs one after another: p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", t.Name, t.Runs, t.P50MS, t.P99MS, t.MaxMS)
			if t.Comment != "" {
				fmt.Fprintf(out, "%-20s %s\n", "", t.Comment)
			}
		}
		for _, s := range e.Scenarios {
			switch {
			case s.Failed != "":
				fmt.Fprintf(out, "  %s FAILED: %s\n", s.Name, s.Failed)
			case s.Errors > 0:
				fmt.Fprintf(out, "  %s: %d errors, first: %s\n", s.Name, s.Errors, s.FirstError)
			}
			if s.Truncated {
				fmt.Fprintf(out, "  %s: a client filled its latency slice and stopped early\n", s.Name)
			}
		}
	}
	fmt.Fprintln(out, "\ntargets")
	for _, t := range r.Targets {
		verdict := "NOT MET"
		if t.Met {
			verdict = "met"
		}
		fmt.Fprintf(out, "  %-8s %-24s %-28s %s\n", t.Engine, t.Name, t.Got, verdict)
	}
}

// writeJSON writes the results to path.
func writeJSON(path string, r *results) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// peopleTargets are the people issue's targets: resolving an identity under
// 1 ms at p99 (stated for SQLite, reported for both), a staff profile with
// its first timeline page under 20 ms at p99, merge and undo of persons
// with 10,000 events each under a second.
func peopleTargets(e *engineResult) []target {
	var out []target
	timingOf := func(name string) *timing {
		for i := range e.Timings {
			if e.Timings[i].Name == name {
				return &e.Timings[i]
			}
		}
		return nil
	}
	if t := timingOf("person-resolve"); t != nil {
		g := target{Name: "resolve identity p99 < 1 ms", Engine: e.Engine, Got: "failed: " + t.Failed}
		if t.Failed == "" {
			g.Got, g.Met = fmt.Sprintf("p99 %.3f ms", t.P99MS), t.P99MS < 1
		}
		out = append(out, g)
	}
	for _, name := range []string{"person-profile", "person-profile-10k"} {
		if s := e.scenario(name); s != nil {
			g := target{Name: name + " p99 < 20 ms", Engine: e.Engine, Got: "failed: " + s.Failed}
			if s.Failed == "" {
				g.Got = fmt.Sprintf("p99 %.1f ms at %.0f/s", s.P99MS, s.PerSecond)
				g.Met = s.P99MS < 20 && s.Errors == 0
			}
			out = append(out, g)
		}
	}
	for _, name := range []string{"person-merge-10k", "person-unmerge-10k"} {
		if t := timingOf(name); t != nil {
			g := target{Name: name + " < 1 s", Engine: e.Engine, Got: "failed: " + t.Failed}
			if t.Failed == "" {
				g.Got, g.Met = fmt.Sprintf("max %.0f ms of %d", t.MaxMS, t.Runs), t.MaxMS < 1000
			}
			out = append(out, g)
		}
	}
	return out
}
