package contracttest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) { os.Exit(runSuite(m)) }

// runSuite runs the rules against the target the environment names, then deletes what is left of
// the run's organizations, prints the table and writes it where STYTCH_CONTRACT_REPORT says. Its
// result is the exit code.
func runSuite(m *testing.M) int {
	flag.Parse()
	if f := flag.Lookup("test.list"); f != nil && f.Value.String() != "" {
		return m.Run() // lists the tests without running them: no target needed
	}
	cfg, err := readConfig(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "contracttest: refusing to run:", err)
		return 2
	}
	tg, err = newTarget(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "contracttest:", err)
		return 2
	}
	defer tg.close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	err = tg.ping(ctx)
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "contracttest: %s does not answer: %v\n", tg.where, err)
		return 2
	}
	started := time.Now()

	code := m.Run()

	var problems []string
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Minute)
	swept, err := tg.sweep(ctx)
	cancel()
	switch {
	case err != nil:
		problems = append(problems, fmt.Sprintf("the final sweep failed: %v; delete what is left of the organizations whose names start with %s or %s", err, tg.prefix, tg.wide))
	case swept > 0:
		problems = append(problems, fmt.Sprintf("organizations the rules left behind, deleted by the final sweep: %d", swept))
	}
	if tg.mock != nil {
		for _, v := range tg.mock.ContractViolations() {
			problems = append(problems, "the mock sent an answer that breaks openapi.yaml: "+v.Error())
		}
	}
	results.Lock()
	recs := append([]*record(nil), results.all...)
	results.Unlock()
	if runAll() {
		problems = append(problems, completeness(recs)...)
	}
	if n := countOutcome(recs, notRun); n > 0 && !tg.remote() {
		// Against the mock every rule runs: its fixtures make what the API cannot.
		problems = append(problems, fmt.Sprintf("%d rules did not run against the in-process mock, where every rule must", n))
	}
	table := renderReport(reportInfo{
		where: tg.where, started: started, took: time.Since(started), run: tg.run, requests: tg.rec.sent.Load(),
		problems: problems,
	}, recs)
	fmt.Print("\n" + table)
	if path := os.Getenv(envReport); path != "" {
		if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "contracttest: writing the report:", err)
			code = max(code, 1)
		}
	}
	if len(problems) > 0 {
		code = max(code, 1)
	}
	return code
}

// runAll reports whether this run includes every rule (no -run or -skip narrowed it), so that
// the checks of the whole suite apply.
func runAll() bool {
	for _, name := range []string{"test.run", "test.skip"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return true
}

func countOutcome(recs []*record, o outcome) int {
	n := 0
	for _, r := range recs {
		if r.outcome == o {
			n++
		}
	}
	return n
}

// The environment decides the target, and refuses what could harm a project or silently run
// against the wrong one.
func TestReadConfig(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		remote  bool
		refused string // part of the refusal, "" when accepted
	}{
		{name: "nothing set: the in-process mock", env: nil},
		{name: "a test project", env: map[string]string{envProjectID: "project-test-1", envSecret: "s3cret-value"}, remote: true},
		{name: "a test project at a base URL", env: map[string]string{envProjectID: "project-test-1", envSecret: "s3cret-value", envBaseURL: "http://127.0.0.1:4010/"}, remote: true},
		{name: "a live project", env: map[string]string{envProjectID: "project-live-1", envSecret: "s3cret-value"}, refused: envAllowLive},
		{name: "a live project, allowed", env: map[string]string{envProjectID: "project-live-1", envSecret: "s3cret-value", envAllowLive: "1"}, remote: true},
		{name: "a live project, allowed by another value", env: map[string]string{envProjectID: "project-live-1", envSecret: "s3cret-value", envAllowLive: "true"}, refused: envAllowLive},
		{name: "an id without a secret", env: map[string]string{envProjectID: "project-test-1"}, refused: envSecret},
		{name: "a secret without an id", env: map[string]string{envSecret: "s3cret-value"}, refused: envProjectID},
		{name: "a base URL alone", env: map[string]string{envBaseURL: "http://127.0.0.1:4010"}, refused: envProjectID},
		{name: "a base URL that is no URL", env: map[string]string{envProjectID: "project-test-1", envSecret: "s3cret-value", envBaseURL: "127.0.0.1:4010"}, refused: envBaseURL},
		{name: "a base URL with credentials", env: map[string]string{envProjectID: "project-test-1", envSecret: "s3cret-value", envBaseURL: "http://u:p@127.0.0.1:4010"}, refused: envBaseURL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := readConfig(func(k string) string { return tc.env[k] })
			switch {
			case tc.refused != "" && (err == nil || !strings.Contains(err.Error(), tc.refused)):
				t.Fatalf("readConfig = %+v, %v; want a refusal naming %s", cfg, err, tc.refused)
			case tc.refused == "" && err != nil:
				t.Fatalf("readConfig refused: %v", err)
			case tc.refused == "" && cfg.remote != tc.remote:
				t.Fatalf("remote = %v, want %v", cfg.remote, tc.remote)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret-value") {
				t.Errorf("the refusal shows the secret: %v", err)
			}
		})
	}
}
