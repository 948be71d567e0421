// Command stytchmock runs the mock Stytch B2B Organizations API as a process, for tests written
// in any language.
//
//	go run ./mockserver/cmd/stytchmock [flags]
//
// It listens on 127.0.0.1:4010 unless -addr says otherwise (and warns when that is beyond
// loopback: the admin API takes no credentials), prints "listening on http://ADDR"
// once it accepts requests, logs one line per request, and shuts down cleanly on SIGINT or
// SIGTERM. Point an SDK's base URL at it; the official Node SDK takes it as
// env: "http://127.0.0.1:4010/". Test controls (reset, fixtures, faults, the request log) are
// served under /__stytchmock/.
//
// With -state FILE the mock's state survives restarts: it is loaded from FILE at start and
// written back, atomically, at shutdown. With -upstream URL it is a validating proxy instead:
// every request goes unchanged to URL (a Stytch test project's https://test.stytch.com, say)
// and comes back unchanged, both checked against openapi.yaml; -record FILE writes what passed
// through as a fixture the mock loads, and -fail-on-violation makes the exit status 1 when
// anything broke the spec (for CI jobs).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/b2bkit/stytchorgs/mockserver"
)

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "stytchmock:", err)
		os.Exit(1)
	}
}

// tuneGC sets the garbage collector's target, unless the GOGC environment variable does. A
// mock's live heap is small and it allocates with every request, so at Go's default target
// (GOGC=100) it collects every few hundred requests. Letting the heap grow to five times the
// live data between collections costs a few megabytes for a typical test run and buys about a
// fifth more requests per second (scripts/bench). With a very large fixture, GOGC=100 keeps
// memory closer to the live data.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// listFlag collects the values of a repeatable flag (-credentials, -fixture).
type listFlag []string

func (c *listFlag) String() string     { return strings.Join(*c, ",") }
func (c *listFlag) Set(v string) error { *c = append(*c, v); return nil }

// run serves until ctx ends, then shuts down gracefully. -h (or -help) prints the usage to
// stdout and returns nil: help was asked for, and given, so the command exits 0.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseFlags(args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := f.checkModes(); err != nil {
		return err
	}
	opts, err := f.mockOptions(stderr)
	if err != nil {
		return err
	}
	mock, err := mockserver.NewMock(append(opts, f.modeOptions()...)...)
	if err != nil {
		return err
	}
	ln, err := listen(f.addr, stderr)
	if err != nil {
		return err
	}
	f.announce(stderr)
	err = serve(ctx, ln, mock, stdout, stderr)
	return errors.Join(err, f.finish(mock, stderr))
}

// flags are the command line, parsed.
type flags struct {
	addr, logFormat, ids, clock string
	creds, fixtures, adminHosts listFlag
	logBytes                    int
	modeFlags
}

// parseFlags parses the command line. The usage goes to stdout when -h asks for it (the error is
// then flag.ErrHelp), and to stderr after a usage error.
func parseFlags(args []string, stdout, stderr io.Writer) (*flags, error) {
	var f flags
	fs := flag.NewFlagSet("stytchmock", flag.ContinueOnError)
	var usage bytes.Buffer
	fs.SetOutput(&usage)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: stytchmock [flags]\n\n"+
			"A stateful mock of Stytch's B2B Organizations API, for tests in any language. It serves on\n"+
			"http://127.0.0.1:4010 unless -addr says otherwise, and its test controls under /__stytchmock/.\n\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&f.addr, "addr", "127.0.0.1:4010", "address to listen on (host:port; port 0 picks a free one, as in 127.0.0.1:0); an address beyond loopback, or none (:4010), lets other machines use the mock")
	fs.StringVar(&f.logFormat, "log-format", "text", "request log format: text, json, or none")
	fs.Var(&f.creds, "credentials", "accept only this `project-id:secret` pair (repeatable); by default any project-test-/project-live- id (then 1-64 letters, digits, - or _) is accepted with the first secret used for it, until POST /__stytchmock/reset forgets it")
	fs.Var(&f.fixtures, "fixture", "seed a JSON fixture `file` at start (repeatable): one fixture, or an array of them as -state and -record write")
	fs.StringVar(&f.ids, "deterministic-ids", "", "derive ids and request ids from this `seed` and a counter instead of random UUIDs")
	fs.StringVar(&f.clock, "clock", "", "freeze the clock at this RFC 3339 `time` (for stable timestamps)")
	fs.Var(&f.adminHosts, "admin-host", "let the admin API answer requests addressed to this host `name` (repeatable), as well as IP addresses, localhost and the name in -addr: for a mock reached by a name, such as a container's")
	fs.IntVar(&f.logBytes, "request-log-bytes", mockserver.DefaultRequestLogBytes, "keep the latest requests in the request log (GET /__stytchmock/requests) up to about this many `bytes` of memory; 0 keeps none")
	f.modeFlags.register(fs)
	if err := fs.Parse(args); err != nil {
		out := stderr
		if errors.Is(err, flag.ErrHelp) {
			out = stdout
		}
		_, _ = usage.WriteTo(out)
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return &f, nil
}

// mockOptions turns the flags into the mock's options; the request log goes to stderr.
func (f *flags) mockOptions(stderr io.Writer) ([]mockserver.Option, error) {
	var opts []mockserver.Option
	switch f.logFormat {
	case "text":
		opts = append(opts, mockserver.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))))
	case "json":
		opts = append(opts, mockserver.WithLogger(slog.New(slog.NewJSONHandler(stderr, nil))))
	case "none":
	default:
		return nil, fmt.Errorf("-log-format must be text, json or none, not %q", f.logFormat)
	}
	for _, c := range f.creds {
		id, secret, ok := strings.Cut(c, ":")
		if !ok {
			return nil, fmt.Errorf("-credentials %q: want project-id:secret", c)
		}
		opts = append(opts, mockserver.WithCredentials(id, secret))
	}
	for _, file := range f.fixtures {
		opts = append(opts, mockserver.WithFixtureFile(file))
	}
	if f.ids != "" {
		opts = append(opts, mockserver.WithDeterministicIDs(f.ids))
	}
	if f.clock != "" {
		t, err := time.Parse(time.RFC3339, f.clock)
		if err != nil {
			return nil, fmt.Errorf("-clock: %w", err)
		}
		opts = append(opts, mockserver.WithFixedClock(t))
	}
	// The name the mock is bound to is one it is addressed by.
	adminHosts := f.adminHosts
	if host, _, err := net.SplitHostPort(f.addr); err == nil && host != "" && net.ParseIP(host) == nil {
		adminHosts = append(adminHosts, host)
	}
	return append(opts, mockserver.WithRequestLogBytes(f.logBytes), mockserver.WithAdminHosts(adminHosts...),
		mockserver.WithAPIReference(referencePage)), nil
}

// listen listens on addr, and warns on stderr when other machines can reach it.
func listen(addr string, stderr io.Writer) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if a, ok := ln.Addr().(*net.TCPAddr); ok && !a.IP.IsLoopback() {
		where := "an address other machines can reach"
		if a.IP.IsUnspecified() {
			where = "every network interface"
		}
		fmt.Fprintf(stderr, "stytchmock: warning: listening on %s, %s: anyone who can reach it can use the mock, and its admin API takes no credentials; -addr 127.0.0.1:%d keeps it on this machine\n",
			ln.Addr(), where, a.Port)
	}
	return ln, nil
}

// serve serves h on ln until ctx ends, then shuts down, waiting up to 10 seconds for the
// requests in flight.
func serve(ctx context.Context, ln net.Listener, h http.Handler, stdout, stderr io.Writer) error {
	srv := &http.Server{
		Handler: h,
		// Slow clients cannot hold the server: a request must arrive, and an answer leave,
		// in bounded time. Injected latency counts against WriteTimeout, hence its size.
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		// Above the mock's own limit (32 KB), so that headers between the two get its
		// Stytch-shaped 431; net/http answers beyond this one in plain text.
		MaxHeaderBytes: mockserver.ServerMaxHeaderBytes,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	fmt.Fprintln(stderr, "stytchmock: stopped")
	return nil
}
