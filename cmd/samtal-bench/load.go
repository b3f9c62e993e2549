package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Latencies are kept in slices allocated before the clients start, sized
// for maxRate requests per second (all clients together, far above what
// HTTP/1.1 over loopback reaches) but never more than maxKept in all. A
// client whose slice fills stops early and the result says so.
const (
	maxRate = 500_000
	maxKept = 1 << 25 // 256 MB of latencies
)

// requestTimeout bounds every single request.
const requestTimeout = 10 * time.Second

// newLoadClient returns the client all scenarios share: keep-alive
// connections, enough idle ones for every concurrent client, and redirects
// answered rather than followed (a 303 is what some scenarios expect).
func newLoadClient(concurrency int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			MaxIdleConns:        concurrency * 2,
			MaxIdleConnsPerHost: concurrency * 2,
			IdleConnTimeout:     30 * time.Second,
			DisableCompression:  true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       requestTimeout,
	}
}

// clientRun is what one client of runLoad saw in the measured window.
type clientRun struct {
	latencies []time.Duration // successful requests only
	errors    int
	firstErr  string
	full      bool // stopped because latencies was full
	allOK     int  // expected answers, warm-up included
}

// runLoad runs one scenario: a probe request that must succeed (and pass
// the scenario's check), then concurrency clients that send requests back to
// back for warmup+duration. Only requests started after the warm-up count.
func runLoad(ctx context.Context, client *http.Client, sc scenario, base string, concurrency int, duration time.Duration) scenarioResult {
	res := scenarioResult{Name: sc.name}
	if err := probe(ctx, client, sc, base); err != nil {
		res.Failed = err.Error()
		return res
	}
	res.AllOK = 1 // the probe
	if sc.clients > 0 {
		concurrency = sc.clients
	}

	perClient := max(1000, min(int(maxRate*duration.Seconds()), maxKept)/concurrency)
	runs := make([]clientRun, concurrency)
	start := time.Now()
	measureFrom := start.Add(warmup)
	end := measureFrom.Add(duration)
	var wg sync.WaitGroup
	for i := range runs {
		wg.Go(func() {
			runs[i] = loadClient(ctx, client, sc, i, base, perClient, measureFrom, end)
		})
	}
	wg.Wait()

	var all []time.Duration
	for _, r := range runs {
		all = append(all, r.latencies...)
		res.Errors += r.errors
		res.AllOK += r.allOK
		res.Truncated = res.Truncated || r.full
		if res.FirstError == "" {
			res.FirstError = r.firstErr
		}
	}
	res.Requests = len(all) + res.Errors
	res.PerSecond = float64(len(all)) / duration.Seconds()
	if len(all) > 0 {
		slices.Sort(all)
		res.P50MS = ms(percentile(all, 50))
		res.P95MS = ms(percentile(all, 95))
		res.P99MS = ms(percentile(all, 99))
	}
	if sc.after != nil {
		if err := sc.after(ctx, res); err != nil {
			res.Failed = "after the run: " + err.Error()
		}
	}
	return res
}

// loadClient is one client of runLoad: requests back to back on the shared
// keep-alive transport until end, at most twice its slice's capacity (the
// warm-up and errors are not kept).
func loadClient(ctx context.Context, client *http.Client, sc scenario, id int, base string, capacity int, measureFrom, end time.Time) clientRun {
	run := clientRun{latencies: make([]time.Duration, 0, capacity)}
	req, err := sc.request(ctx, base)
	if err != nil {
		run.errors, run.firstErr = 1, err.Error()
		return run
	}
	for n := range 2 * capacity {
		t0 := time.Now()
		if !t0.Before(end) || ctx.Err() != nil {
			break
		}
		// The request carries no body, so it may be sent again once the
		// previous response's body is closed.
		if sc.vary != nil {
			sc.vary(req, id, n)
		}
		status, err := send(client, req)
		took := time.Since(t0)
		if err == nil && status == sc.want {
			run.allOK++
		}
		if t0.Before(measureFrom) {
			continue
		}
		if err == nil && status != sc.want {
			err = fmt.Errorf("status %d, want %d", status, sc.want)
		}
		if err != nil {
			run.errors++
			if run.firstErr == "" {
				run.firstErr = err.Error()
			}
			continue
		}
		if len(run.latencies) == cap(run.latencies) {
			run.full = true
			break
		}
		run.latencies = append(run.latencies, took)
	}
	return run
}

// send does one request and reads the whole response, so that the
// connection goes back to the pool.
func send(client *http.Client, req *http.Request) (int, error) {
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

// probe sends the scenario's request once and checks status and body.
func probe(ctx context.Context, client *http.Client, sc scenario, base string) error {
	req, err := sc.request(ctx, base)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("probe: read body: %w", err)
	}
	if resp.StatusCode != sc.want {
		return fmt.Errorf("probe: %s %s: status %d, want %d", req.Method, req.URL.Path, resp.StatusCode, sc.want)
	}
	if sc.check != nil {
		if err := sc.check(body); err != nil {
			return fmt.Errorf("probe: %s %s: %w", req.Method, req.URL.Path, err)
		}
	}
	return nil
}

// percentile returns the p-th percentile of sorted latencies (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100 // ceil(n·p/100), 1-based
	return sorted[max(0, i-1)]
}

// ms converts a duration to fractional milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
