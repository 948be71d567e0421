package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/b2bkit/stytchorgs/mockserver"
)

// The tests of the mode flags: -upstream, -record, -state and -fail-on-violation.

// violatingRequest is a create whose email_invites no enum of the spec allows: the proxy
// forwards it, and counts a violation.
const violatingRequest = `{"organization_name": "Acme", "organization_slug": "acme-bad", "email_invites": "SOMETIMES"}`

func TestRunProxyRecordsAndFailsOnViolation(t *testing.T) {
	t.Parallel()
	up := mockserver.Start(t)
	record := filepath.Join(t.TempDir(), "recording.json")
	in := start(t, "-log-format", "json", "-upstream", up.URL, "-record", record, "-fail-on-violation")

	status, body := in.do(testProject, testSecret, http.MethodPost, "/v1/b2b/organizations", `{"organization_name": "Acme", "organization_slug": "acme"}`)
	if status != 200 || !strings.Contains(string(body), `"organization_slug":"acme"`) {
		t.Fatalf("create through the proxy: %d %s", status, body)
	}
	if n := len(up.Requests()); n != 1 {
		t.Fatalf("the upstream got %d requests", n)
	}
	// The mock's own controls are not a proxy's.
	if status, body := in.do("", "", http.MethodPost, "/__stytchmock/reset-all", ""); status != 404 || !strings.Contains(string(body), "not_available_in_proxy_mode") {
		t.Errorf("reset-all in proxy mode: %d %s", status, body)
	}
	if status, body := in.do("", "", http.MethodPost, "/__stytchmock/record/flush", ""); status != 200 || !strings.Contains(string(body), `"projects":1`) {
		t.Fatalf("record/flush: %d %s", status, body)
	}
	fs, err := mockserver.LoadFixtures(record)
	if err != nil || len(fs) != 1 || len(fs[0].Organizations) != 1 || fs[0].Organizations[0].Slug != "acme" {
		t.Fatalf("the recording after a flush: %+v, %v", fs, err)
	}

	// A request that breaks the spec is forwarded all the same, and is a violation.
	status, body = in.do(testProject, testSecret, http.MethodPost, "/v1/b2b/organizations", violatingRequest)
	if status != 400 || !strings.Contains(string(body), "email_invites") {
		t.Fatalf("the upstream's answer to the bad request: %d %s", status, body)
	}
	if status, body := in.do("", "", http.MethodGet, "/__stytchmock/violations", ""); status != 200 || !strings.Contains(string(body), `"field":"email_invites"`) {
		t.Fatalf("violations: %d %s", status, body)
	}
	in.do(testProject, testSecret, http.MethodPost, "/v1/b2b/organizations", `{"organization_name": "Beta", "organization_slug": "beta"}`)

	err = in.stop()
	if err == nil || !strings.Contains(err.Error(), "1 contract violation (-fail-on-violation)") {
		t.Fatalf("run = %v, want the violation to fail it", err)
	}
	stderr := in.stderr.String()
	for _, want := range []string{`"msg":"violation"`, `"field":"email_invites"`, "recording written to " + record, "stytchmock: proxy to " + up.URL} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not hold %q:\n%s", want, stderr)
		}
	}
	if fs, err := mockserver.LoadFixtures(record); err != nil || len(fs) != 1 || len(fs[0].Organizations) != 2 {
		t.Errorf("the recording at shutdown: %+v, %v; want both organizations", fs, err)
	}
}

// Without -fail-on-violation, violations are reported and the run still succeeds; so does a
// clean run with it.
func TestRunProxyViolationsWithoutFailing(t *testing.T) {
	t.Parallel()
	up := mockserver.Start(t)
	in := start(t, "-log-format", "none", "-upstream", up.URL)
	in.do(testProject, testSecret, http.MethodPost, "/v1/b2b/organizations", violatingRequest)
	if err := in.stop(); err != nil {
		t.Errorf("run = %v", err)
	}
	if !strings.Contains(in.stderr.String(), "1 contract violation: traffic broke openapi.yaml") {
		t.Errorf("stderr: %s", in.stderr.String())
	}

	in = start(t, "-log-format", "none", "-upstream", up.URL, "-fail-on-violation")
	if status, body := in.do(testProject, testSecret, http.MethodGet, "/v1/b2b/rbac/policy", ""); status != 200 {
		t.Fatalf("policy: %d %s", status, body)
	}
	if err := in.stop(); err != nil {
		t.Errorf("a clean run with -fail-on-violation: %v", err)
	}
}

func TestRunState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	fixture := filepath.Join(dir, "fixture.json")
	if err := os.WriteFile(fixture, []byte(`{"project_id": "project-test-seeded", "organizations": [{"organization_name": "Seeded", "organization_slug": "seeded"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	in := start(t, "-log-format", "none", "-state", state, "-fixture", fixture)
	status, created := in.do(testProject, testSecret, http.MethodPost, "/v1/b2b/organizations", `{"organization_name": "Kept", "organization_slug": "kept"}`)
	if status != 200 {
		t.Fatalf("create: %d %s", status, created)
	}
	in.do("project-test-seeded", "s", http.MethodPut, "/v1/b2b/organizations/seeded", `{"organization_name": "Seeded, then renamed"}`)
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(in.stderr.String(), "state saved to "+state) {
		t.Errorf("stderr: %s", in.stderr.String())
	}

	in = start(t, "-log-format", "none", "-state", state, "-fixture", fixture)
	status, got := in.do(testProject, testSecret, http.MethodGet, "/v1/b2b/organizations/kept", "")
	if status != 200 || !bytes.Equal(withoutRequestID(t, got), withoutRequestID(t, created)) {
		t.Errorf("after a restart: %d %s\nwant %s", status, got, created)
	}
	// The fixture seeded the first run only: its organization is as the first run left it.
	if status, got := in.do("project-test-seeded", "s", http.MethodGet, "/v1/b2b/organizations/seeded", ""); status != 200 || !strings.Contains(string(got), "Seeded, then renamed") {
		t.Errorf("the seeded organization after a restart: %d %s", status, got)
	}
	if !strings.Contains(in.stderr.String(), "not seeded again") {
		t.Errorf("stderr: %s", in.stderr.String())
	}
	if status, body := in.do("", "", http.MethodGet, "/__stytchmock/state?project_id="+testProject, ""); status != 200 || !strings.Contains(string(body), `"organization_slug":"kept"`) {
		t.Errorf("GET state: %d %s", status, body)
	}
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
}

// withoutRequestID is a JSON body with its request_id blanked.
func withoutRequestID(t *testing.T, body []byte) []byte {
	t.Helper()
	return []byte(strings.Replace(string(body), requestID(t, body), "", 1))
}

// A damaged state file stops the command before it listens, names the file and the problem,
// and is left as it was.
func TestRunRefusesADamagedStateFile(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "state.json")
	damaged := []byte("[{\"project_id\": \"project-test-a\", \"organizations\": [{\"organization_name\": \"A\"}]},\n {\"project_id\": \"project-test-b\"")
	if err := os.WriteFile(state, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-state", state}, stdout, stderr)
	if err == nil || !strings.Contains(err.Error(), state) || !strings.Contains(err.Error(), "left as it is") || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("run = %v", err)
	}
	if stdout.String() != "" {
		t.Errorf("stdout = %q", stdout.String())
	}
	if b, _ := os.ReadFile(state); !bytes.Equal(b, damaged) {
		t.Errorf("the state file changed: %q", b)
	}
}

func TestRunRefusesModeFlagsThatConflict(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-record", filepath.Join(dir, "r.json")}, "-record records what passes through a proxy: it needs -upstream"},
		{[]string{"-upstream", "http://127.0.0.1:1", "-fixture", "../../testdata/fixture.json"}, "-fixture shapes the mock's own state"},
		{[]string{"-upstream", "http://127.0.0.1:1", "-state", filepath.Join(dir, "s.json")}, "-state shapes the mock's own state"},
		{[]string{"-upstream", "http://127.0.0.1:1", "-clock", "2026-01-02T03:04:05Z"}, "-clock shapes"},
		{[]string{"-upstream", "127.0.0.1:1"}, "want an http or https base URL"},
		{[]string{"-upstream", "http://127.0.0.1:1", "-upstream-timeout", "0s"}, "want a positive duration"},
		{[]string{"-state", filepath.Join(dir, "missing", "s.json")}, "could not be written"},
	} {
		stdout, stderr := &syncBuffer{}, &syncBuffer{}
		err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, tc.args...), stdout, stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run(%q) = %v, want an error with %q", tc.args, err, tc.want)
		}
		if stdout.String() != "" {
			t.Errorf("run(%q) printed %q", tc.args, stdout.String())
		}
	}
}

// The exit status of the binary itself: 1 at SIGTERM or SIGINT when traffic broke the spec
// under -fail-on-violation, 0 otherwise.
func TestBinaryFailOnViolationExitStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "stytchmock")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// An upstream whose every answer misses a required field.
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status_code": 200, "request_id": "request-id-test-1"}`)
	}))
	t.Cleanup(up.Close)

	for _, tc := range []struct {
		name     string
		path     string // requested before the signal; "" for none
		signal   syscall.Signal
		wantCode int
	}{
		{"violation, SIGTERM", "/v1/b2b/organizations/acme", syscall.SIGTERM, 1},
		{"violation, SIGINT", "/v1/b2b/organizations/acme", syscall.SIGINT, 1},
		{"no traffic, SIGTERM", "", syscall.SIGTERM, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-log-format", "none", "-upstream", up.URL, "-fail-on-violation")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill() })
			line, err := bufio.NewReader(stdout).ReadString('\n')
			m := listeningLine.FindStringSubmatch(line)
			if err != nil || m == nil {
				t.Fatalf("stytchmock printed %q (%v); stderr: %s", line, err, stderr.String())
			}
			if tc.path != "" {
				req, _ := http.NewRequest(http.MethodGet, m[1]+tc.path, nil)
				req.SetBasicAuth(testProject, testSecret)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(b) != `{"status_code": 200, "request_id": "request-id-test-1"}` {
					t.Fatalf("through the proxy: %d %s", resp.StatusCode, b)
				}
			}
			if err := cmd.Process.Signal(tc.signal); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("stytchmock did not exit within 10s of the signal")
			}
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.wantCode {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, tc.wantCode, stderr.String())
			}
			if tc.wantCode == 1 && !strings.Contains(stderr.String(), "1 contract violation (-fail-on-violation)") {
				t.Errorf("stderr does not say why:\n%s", stderr.String())
			}
		})
	}
}
