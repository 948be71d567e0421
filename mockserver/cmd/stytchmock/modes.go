package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/b2bkit/stytchorgs/mockserver"
)

// modeFlags are the flags of proxy mode (-upstream, -record), of the state file (-state) and
// -fail-on-violation, which both modes take.
type modeFlags struct {
	upstream, record, state string
	upstreamTimeout         time.Duration
	failOnViolation         bool
}

func (f *modeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.upstream, "upstream", "", "proxy mode: forward every request unchanged to this base `URL` (such as https://test.stytch.com; its path is kept as a prefix) and return its answers unchanged, checking both against openapi.yaml; violations are logged and listed at GET /__stytchmock/violations")
	fs.DurationVar(&f.upstreamTimeout, "upstream-timeout", mockserver.DefaultUpstreamTimeout, "proxy mode: answer 504 upstream_timeout when the upstream has not answered whole within this `duration`")
	fs.StringVar(&f.record, "record", "", "proxy mode: write the organizations, members and policy that passed through to this fixture `file` at shutdown and at POST /__stytchmock/record/flush (no tokens, no credentials); -fixture loads it")
	fs.StringVar(&f.state, "state", "", "keep the mock's state in this `file`: load it at start when it exists (then -fixture files are not seeded again), write it back at shutdown; every project in one file")
	fs.BoolVar(&f.failOnViolation, "fail-on-violation", false, "exit with status 1 at shutdown if any traffic broke openapi.yaml: in proxy mode a request or an upstream answer, else a response of the mock's own")
}

// checkModes refuses mode flags that contradict the others.
func (f *flags) checkModes() error {
	if f.upstream == "" {
		if f.record != "" {
			return errors.New("-record records what passes through a proxy: it needs -upstream")
		}
		return nil
	}
	for name, set := range map[string]bool{
		"-fixture": len(f.fixtures) > 0, "-credentials": len(f.creds) > 0, "-state": f.state != "",
		"-clock": f.clock != "", "-deterministic-ids": f.ids != "",
	} {
		if set {
			return fmt.Errorf("%s shapes the mock's own state or answers; with -upstream, stytchmock is a proxy and has neither", name)
		}
	}
	return nil
}

// modeOptions are the options of the mode flags.
func (f *modeFlags) modeOptions() []mockserver.Option {
	var opts []mockserver.Option
	if f.upstream != "" {
		opts = append(opts, mockserver.WithUpstream(f.upstream), mockserver.WithUpstreamTimeout(f.upstreamTimeout))
		if f.record != "" {
			opts = append(opts, mockserver.WithRecordFile(f.record))
		}
	}
	if f.state != "" {
		opts = append(opts, mockserver.WithStateFile(f.state))
	}
	return opts
}

// announce says on stderr what the mode flags do in this run.
func (f *flags) announce(stderr io.Writer) {
	if f.upstream != "" {
		fmt.Fprintf(stderr, "stytchmock: proxy to %s: requests and answers pass unchanged, checked against openapi.yaml\n", f.upstream)
	}
	if f.state != "" {
		if _, err := os.Stat(f.state); err == nil && len(f.fixtures) > 0 {
			fmt.Fprintf(stderr, "stytchmock: state loaded from %s; the -fixture files are part of it and are not seeded again\n", f.state)
		}
	}
}

// finish does what the mode flags ask for at shutdown: write the state and the recording, and
// report the violations seen, an error with -fail-on-violation.
func (f *modeFlags) finish(m *mockserver.Mock, stderr io.Writer) error {
	var errs []error
	if f.state != "" {
		if err := m.SaveState(); err != nil {
			errs = append(errs, err)
		} else {
			fmt.Fprintf(stderr, "stytchmock: state saved to %s\n", f.state)
		}
	}
	if f.record != "" {
		if err := m.FlushRecording(); err != nil {
			errs = append(errs, err)
		} else {
			fmt.Fprintf(stderr, "stytchmock: recording written to %s\n", f.record)
		}
	}
	if n := m.ViolationCount(); n > 0 {
		fmt.Fprintf(stderr, "stytchmock: %s: traffic broke openapi.yaml (one log line each, unless -log-format none)\n", violations(n))
		if f.failOnViolation {
			errs = append(errs, fmt.Errorf("%s (-fail-on-violation)", violations(n)))
		}
	}
	return errors.Join(errs...)
}

func violations(n int) string {
	if n == 1 {
		return "1 contract violation"
	}
	return fmt.Sprintf("%d contract violations", n)
}
