package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Cold start: how many times, how often readiness is polled, and how long
// the last server idles before its memory is read.
const (
	coldStarts    = 5
	pollEvery     = 2 * time.Millisecond
	idleBeforeRSS = 3 * time.Second
)

// child is a server process this benchmark started: samtal or the trivial
// server. It listens on 127.0.0.1 at a port picked for it, logs to a file in
// the run's temp dir, and is stopped by stop or when the run's context ends.
type child struct {
	name    string
	cmd     *exec.Cmd
	baseURL string // http://127.0.0.1:PORT
	logPath string
	started time.Time // just before exec
	cancel  context.CancelFunc
	done    chan struct{} // closed once the process has exited and been reaped
}

// startChild runs bin with args and "--addr 127.0.0.1:PORT" on a free port.
// SAMTAL_* variables of this process are not passed on, so that a
// SAMTAL_DATABASE_URL in the shell cannot move the server to another store.
func startChild(ctx context.Context, logDir, name, bin string, args ...string) (*child, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	logPath := filepath.Join(logDir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("log of %s: %w", name, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(cctx, bin, append(args, "--addr", addr)...)
	cmd.Env = childEnv()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Stopping is graceful first (SIGTERM, as a service manager would), and
	// forceful if the process is still there after WaitDelay.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second

	c := &child{name: name, cmd: cmd, baseURL: "http://" + addr, logPath: logPath, cancel: cancel, done: make(chan struct{})}
	c.started = time.Now()
	if err := cmd.Start(); err != nil {
		cancel()
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		cmd.Wait() // the outcome is read from cmd.ProcessState in stop
		logFile.Close()
		close(c.done)
	}()
	return c, nil
}

// stop sends SIGTERM, waits for the process to exit, and reports an exit that
// was not clean. It may be called more than once (explicitly and deferred).
func (c *child) stop() error {
	c.cancel()
	<-c.done
	if st := c.cmd.ProcessState; st != nil && !st.Success() {
		return fmt.Errorf("%s did not exit cleanly on SIGTERM (%s); log: %s", c.name, st, c.logTail())
	}
	return nil
}

// waitReady polls GET path every pollEvery until it answers 200, and returns
// the time from exec to that answer. It fails if the process exits first or
// timeout passes.
func (c *child) waitReady(ctx context.Context, path string, timeout time.Duration) (time.Duration, error) {
	// A connection per poll: a kept-alive one would stay open in the server
	// while its memory is measured.
	probe := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for range int(timeout/pollEvery) + 1 {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.baseURL+path, nil)
		if err != nil {
			return 0, err
		}
		if resp, err := probe.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(c.started), nil
			}
		}
		if time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-c.done:
			return 0, fmt.Errorf("%s exited before it was ready (%s); log: %s", c.name, c.cmd.ProcessState, c.logTail())
		case <-time.After(pollEvery):
		}
	}
	return 0, fmt.Errorf("%s: GET %s not 200 within %s; log: %s", c.name, path, timeout, c.logTail())
}

// logTail returns the end of the child's log, for error messages.
func (c *child) logTail() string {
	b, err := os.ReadFile(c.logPath)
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	const keep = 2000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	if s := strings.TrimSpace(string(b)); s != "" {
		return "\n" + s
	}
	return "(empty)"
}

// residentMB reads the resident set size of a process from /proc (Linux).
func residentMB(pid int) (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read resident memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			if err != nil {
				return 0, fmt.Errorf("parse VmRSS %q: %w", v, err)
			}
			return kb / 1024, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read resident memory: %w", err)
	}
	return 0, errors.New("read resident memory: no VmRSS line in /proc/PID/status")
}

// freePort asks the kernel for a port that is free on 127.0.0.1 right now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// childEnv is this process's environment without SAMTAL_* variables.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SAMTAL_") {
			env = append(env, kv)
		}
	}
	return env
}

// measureColdStart starts samtal coldStarts times, each on a new empty SQLite
// data dir, and times exec to the first 200 from /readyz. The last server then
// idles and its resident memory is read.
func measureColdStart(ctx context.Context, bin, tmp string) (*coldStart, error) {
	cs := &coldStart{}
	for i := range coldStarts {
		name := fmt.Sprintf("cold-%d", i+1)
		dir := filepath.Join(tmp, name)
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("cold start data dir: %w", err)
		}
		c, err := startChild(ctx, tmp, name, bin, "serve", "--data-dir", dir)
		if err != nil {
			return nil, err
		}
		defer c.stop()
		took, err := c.waitReady(ctx, "/readyz", 30*time.Second)
		if err != nil {
			return nil, fmt.Errorf("cold start: %w", err)
		}
		cs.RunsMS = append(cs.RunsMS, ms(took))
		if i == coldStarts-1 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(idleBeforeRSS):
			}
			if cs.IdleRSSMB, err = residentMB(c.cmd.Process.Pid); err != nil {
				return nil, err
			}
		}
		if err := c.stop(); err != nil {
			return nil, fmt.Errorf("cold start: %w", err)
		}
	}
	cs.summarise()
	return cs, nil
}
