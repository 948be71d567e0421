package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/stytchorgs"
)

// syncBuffer is an io.Writer safe for the goroutines run writes from.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// instance is one run of the command in the background.
type instance struct {
	t       *testing.T
	url     string // http://127.0.0.1:port
	stdout  *syncBuffer
	stderr  *syncBuffer
	cancel  context.CancelFunc
	done    chan error
	client  *http.Client
	stopped bool
}

var listeningLine = regexp.MustCompile(`^listening on (http://127\.0\.0\.1:(\d+))\n$`)

// start runs the command with args (after -addr 127.0.0.1:0) and waits until it listens.
func start(t *testing.T, args ...string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{t: t, stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1),
		client: &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}}
	args = append([]string{"-addr", "127.0.0.1:0"}, args...)
	go func() { in.done <- run(ctx, args, in.stdout, in.stderr) }()
	t.Cleanup(func() {
		if !in.stopped {
			_ = in.stop()
		}
	})

	deadline := time.Now().Add(10 * time.Second)
	for {
		out := in.stdout.String()
		if strings.HasSuffix(out, "\n") {
			m := listeningLine.FindStringSubmatch(out)
			if m == nil || m[2] == "0" {
				t.Fatalf("stdout = %q, want one line \"listening on http://127.0.0.1:PORT\"", out)
			}
			in.url = m[1]
			return in
		}
		select {
		case err := <-in.done:
			in.stopped = true
			t.Fatalf("run returned before listening: %v\nstderr: %s", err, in.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no listening line after 10s; stdout %q, stderr %q", out, in.stderr.String())
		}
	}
}

// stop cancels the run and returns what run returned; it fails the test if run takes more
// than 3 seconds to return.
func (in *instance) stop() error {
	in.t.Helper()
	in.stopped = true
	in.client.CloseIdleConnections()
	in.cancel()
	select {
	case err := <-in.done:
		return err
	case <-time.After(3 * time.Second):
		in.t.Fatalf("run did not return within 3s of its context ending")
		return nil
	}
}

// do sends a request with HTTP Basic credentials (none when project is empty) and returns the
// status and body.
func (in *instance) do(project, secret, method, path, body string) (int, []byte) {
	in.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, in.url+path, r)
	if err != nil {
		in.t.Fatal(err)
	}
	if body != "" || method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	if project != "" {
		req.SetBasicAuth(project, secret)
	}
	resp, err := in.client.Do(req)
	if err != nil {
		in.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		in.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// logLines returns the JSON request log lines of stderr, waiting up to 2 seconds for want of
// them.
func (in *instance) logLines(want int) []map[string]any {
	in.t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		var lines []map[string]any
		sc := bufio.NewScanner(strings.NewReader(in.stderr.String()))
		for sc.Scan() {
			if !strings.HasPrefix(sc.Text(), "{") {
				continue
			}
			var v map[string]any
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				in.t.Fatalf("log line is not JSON: %v: %s", err, sc.Text())
			}
			if v["msg"] == "request" {
				lines = append(lines, v)
			}
		}
		if len(lines) >= want || time.Now().After(deadline) {
			return lines
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func requestID(t *testing.T, body []byte) string {
	t.Helper()
	var v struct {
		RequestID string `json:"request_id"`
	}
	if err := json.Unmarshal(body, &v); err != nil || v.RequestID == "" {
		t.Fatalf("no request_id in %s", body)
	}
	return v.RequestID
}

const (
	testProject = "project-test-stytchmock"
	testSecret  = "secret-stytchmock"
)

func TestRunServesAndLogsJSON(t *testing.T) {
	t.Parallel()
	in := start(t, "-log-format", "json")

	if status, body := in.do("", "", http.MethodGet, "/__stytchmock/health", ""); status != 200 || !strings.Contains(string(body), `"ok"`) {
		t.Fatalf("health: %d %s", status, body)
	}
	// The binary serves the spec's reference page: the one scripts/docs builds, which names
	// the spec's title and documents every operation of the spec it was built from.
	status, page := in.do("", "", http.MethodGet, "/__stytchmock/docs", "")
	if status != 200 || !bytes.Contains(page, []byte("<title>Stytch B2B Organizations API</title>")) {
		t.Fatalf("docs: %d, %d bytes", status, len(page))
	}
	ids := regexp.MustCompile(`(?m)^\s+operationId: (\w+)$`).FindAllSubmatch(stytchorgs.OpenAPISpec(), -1)
	if len(ids) < 30 {
		t.Fatalf("found %d operationIds in openapi.yaml", len(ids))
	}
	for _, id := range ids {
		if !bytes.Contains(page, append(append([]byte(`"`), id[1]...), '"')) {
			t.Errorf("the reference page does not document %s: run go generate ./...", id[1])
		}
	}
	status, created := in.do(testProject, testSecret, http.MethodPost, "/v1/b2b/organizations", `{"organization_name":"Acme","organization_slug":"acme"}`)
	if status != 200 {
		t.Fatalf("create organization: %d %s", status, created)
	}
	status, missing := in.do(testProject, testSecret, http.MethodGet, "/v1/b2b/organizations/nope", "")
	if status != 404 {
		t.Fatalf("get a missing organization: %d %s", status, missing)
	}

	lines := in.logLines(2)
	if len(lines) != 2 {
		t.Fatalf("%d request log lines, want 2 (the admin request is not logged): %s", len(lines), in.stderr.String())
	}
	for i, want := range []struct {
		method, path string
		status       float64
		errorType    string
		body         []byte
	}{
		{http.MethodPost, "/v1/b2b/organizations", 200, "", created},
		{http.MethodGet, "/v1/b2b/organizations/nope", 404, "organization_not_found", missing},
	} {
		l := lines[i]
		if l["method"] != want.method || l["path"] != want.path || l["status"] != want.status ||
			l["error_type"] != want.errorType || l["request_id"] != requestID(t, want.body) || l["level"] != "INFO" {
			t.Errorf("log line %d = %v, want %s %s %v %q", i, l, want.method, want.path, want.status, want.errorType)
		}
		// A duration string, as in the request log and a fault's latency; not nanoseconds.
		latency, _ := l["latency"].(string)
		if d, err := time.ParseDuration(latency); err != nil || d <= 0 {
			t.Errorf("log line %d latency = %v, want a positive duration string", i, l["latency"])
		}
		if l["project_id"] != testProject {
			t.Errorf("log line %d project_id = %v, want %s", i, l["project_id"], testProject)
		}
	}

	started := time.Now()
	if err := in.stop(); err != nil {
		t.Fatalf("run returned %v after its context ended, want nil", err)
	}
	if elapsed := time.Since(started); elapsed > time.Second {
		t.Errorf("run took %v to stop", elapsed)
	}
	if !strings.HasSuffix(in.stderr.String(), "stytchmock: stopped\n") {
		t.Errorf("stderr does not end with the stop line: %q", in.stderr.String())
	}
	if n := len(in.logLines(2)); n != 2 {
		t.Errorf("%d request log lines after stopping, want 2", n)
	}
	if conn, err := net.DialTimeout("tcp", strings.TrimPrefix(in.url, "http://"), time.Second); err == nil {
		conn.Close()
		t.Errorf("the port still accepts connections after run returned")
	}
}

func TestRunTextLog(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{nil, {"-log-format", "text"}} {
		in := start(t, args...)
		in.do(testProject, testSecret, http.MethodGet, "/v1/b2b/organizations/nope", "")
		if err := in.stop(); err != nil {
			t.Fatal(err)
		}
		logged := in.stderr.String()
		for _, want := range []string{"msg=request", "method=GET", "path=/v1/b2b/organizations/nope", "project_id=" + testProject,
			"status=404", "error_type=organization_not_found", "latency=", "request_id=request-id-test-"} {
			if !strings.Contains(logged, want) {
				t.Errorf("args %v: the text log lacks %q: %s", args, want, logged)
			}
		}
		if n := strings.Count(logged, "msg=request"); n != 1 {
			t.Errorf("args %v: %d request lines, want 1: %s", args, n, logged)
		}
	}
}

func TestRunNoLog(t *testing.T) {
	t.Parallel()
	in := start(t, "-log-format", "none")
	in.do(testProject, testSecret, http.MethodGet, "/v1/b2b/organizations/nope", "")
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	if got := in.stderr.String(); got != "stytchmock: stopped\n" {
		t.Errorf("stderr = %q, want only the stop line", got)
	}
}

func TestRunRejectsBadArguments(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	invalid := filepath.Join(dir, "invalid.json")
	if err := os.WriteFile(invalid, []byte(`{"project_id": "project-test-x", "organizations": [
		{"organization_name": "A", "organization_slug": "same"}, {"organization_name": "B", "organization_slug": "same"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	typo := filepath.Join(dir, "typo.json")
	if err := os.WriteFile(typo, []byte(`{"project_id": "project-test-x", "organisations": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		args    []string
		wantErr string
	}{
		"log format xml":         {[]string{"-log-format", "xml"}, "log-format"},
		"credentials no colon":   {[]string{"-credentials", "project-test-x"}, "project-id:secret"},
		"credentials no id":      {[]string{"-credentials", ":secret"}, "WithCredentials"},
		"credentials no secret":  {[]string{"-credentials", "project-test-x:"}, "WithCredentials"},
		"clock not RFC 3339":     {[]string{"-clock", "yesterday"}, "-clock"},
		"clock date only":        {[]string{"-clock", "2026-01-02"}, "-clock"},
		"clock without timezone": {[]string{"-clock", "2026-01-02T03:04:05"}, "-clock"},
		"extra argument":         {[]string{"serve"}, "unexpected arguments: serve"},
		"extra after flags":      {[]string{"-log-format", "json", "a", "b"}, "unexpected arguments: a b"},
		"unknown flag":           {[]string{"-port", "4010"}, "flag provided but not defined"},
		"missing fixture":        {[]string{"-fixture", filepath.Join(dir, "missing.json")}, "missing.json"},
		"fixture with typo":      {[]string{"-fixture", typo}, "organisations"},
		"fixture breaks a rule":  {[]string{"-fixture", invalid}, "organization_slug_already_used"},
		"bad address":            {[]string{"-addr", "not-an-address"}, "not-an-address"},
		"negative log budget":    {[]string{"-request-log-bytes", "-1"}, "WithRequestLogBytes"},
		"log budget not a size":  {[]string{"-request-log-bytes", "4MB"}, "request-log-bytes"},
		"admin host with a port": {[]string{"-admin-host", "mock:4010"}, "WithAdminHosts"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stdout, stderr := &syncBuffer{}, &syncBuffer{}
			done := make(chan error, 1)
			args := append([]string{"-addr", "127.0.0.1:0"}, tc.args...)
			go func() { done <- run(ctx, args, stdout, stderr) }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("run(%q) = %v, want an error containing %q", args, err, tc.wantErr)
				}
			case <-time.After(3 * time.Second):
				cancel()
				<-done
				t.Fatalf("run(%q) served (stdout %q) instead of refusing its arguments", args, stdout.String())
			}
			if strings.Contains(stdout.String(), "listening") {
				t.Errorf("run(%q) printed %q", args, stdout.String())
			}
		})
	}
}

// -h is a request for help, answered on stdout; it is not an error.
func TestRunHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "-help", "--help"} {
		stdout, stderr := &syncBuffer{}, &syncBuffer{}
		if err := run(context.Background(), []string{arg}, stdout, stderr); err != nil {
			t.Fatalf("run(%s) = %v, want nil", arg, err)
		}
		for _, f := range []string{"Usage: stytchmock", "-addr", "-log-format", "-credentials", "-fixture", "-deterministic-ids", "-clock", "-request-log-bytes", "-admin-host",
			"-upstream", "-upstream-timeout", "-record", "-state", "-fail-on-violation"} {
			if !strings.Contains(stdout.String(), f) {
				t.Errorf("%s: the usage does not mention %s: %s", arg, f, stdout.String())
			}
		}
		if stderr.String() != "" {
			t.Errorf("%s: stderr = %q", arg, stderr.String())
		}
	}
	// A usage error still prints the usage, to stderr, and fails.
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	if err := run(context.Background(), []string{"-port", "1"}, stdout, stderr); err == nil || stdout.String() != "" ||
		!strings.Contains(stderr.String(), "Usage: stytchmock") {
		t.Errorf("run(-port 1) = %v, stdout %q, stderr %q", err, stdout.String(), stderr.String())
	}
}

// The command's exit status, from a real process: 0 for -h, 1 for a usage error. The test
// binary runs main itself when STYTCHMOCK_TEST_MAIN holds the arguments.
func TestMainExitStatus(t *testing.T) {
	if args, ok := os.LookupEnv("STYTCHMOCK_TEST_MAIN"); ok {
		os.Args = append([]string{"stytchmock"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	t.Parallel()
	for args, want := range map[string]int{"-h": 0, "-help": 0, "-port 1": 1, "-log-format xml": 1} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMainExitStatus$")
		cmd.Env = append(os.Environ(), "STYTCHMOCK_TEST_MAIN="+args)
		out, err := cmd.CombinedOutput()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != want || !strings.Contains(string(out), "stytchmock") {
			t.Errorf("stytchmock %s exited %d, want %d; output:\n%s", args, code, want, out)
		}
	}
}

func TestRunCredentials(t *testing.T) {
	t.Parallel()
	in := start(t, "-log-format", "none", "-credentials", "project-test-a:secret-a", "-credentials", "project-live-b:se:cret")
	for _, tc := range []struct {
		project, secret string
		want            int
	}{
		{"project-test-a", "secret-a", 200},
		{"project-live-b", "se:cret", 200},
		{"project-test-a", "se:cret", 401},
		{"project-live-b", "se", 401},
		{"project-test-c", "secret-a", 401},
		{"", "", 401},
	} {
		status, body := in.do(tc.project, tc.secret, http.MethodPost, "/v1/b2b/organizations/search", `{}`)
		if status != tc.want {
			t.Errorf("%s:%s: %d %s, want %d", tc.project, tc.secret, status, body, tc.want)
		}
		if tc.want == 401 && !strings.Contains(string(body), `"unauthorized_credentials"`) {
			t.Errorf("%s:%s: %s", tc.project, tc.secret, body)
		}
	}
}

func TestRunFixtures(t *testing.T) {
	t.Parallel()
	second := filepath.Join(t.TempDir(), "second.json")
	if err := os.WriteFile(second, []byte(`{"project_id": "project-test-second", "organizations": [
		{"organization_id": "organization-test-00000000-0000-4000-8000-00000000000a", "organization_name": "Second", "organization_slug": "second"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	in := start(t, "-log-format", "none", "-fixture", "../../testdata/fixture.json", "-fixture", second)

	const project = "project-test-2b7d8e9f-0a1b-4c2d-9e3f-6f1c2a9e4b1d"
	status, body := in.do(project, "s", http.MethodGet, "/v1/b2b/organizations/organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931/member?member_id=member-test-32fc5024-9c09-4da3-bd2e-c9ce4da9375f", "")
	if status != 200 || !strings.Contains(string(body), `"organization_name":"Acme Corporation"`) || !strings.Contains(string(body), `"email_address_verified":true`) {
		t.Fatalf("the fixture file's member: %d %s", status, body)
	}
	status, body = in.do("project-test-second", "s", http.MethodGet, "/v1/b2b/organizations/organization-test-00000000-0000-4000-8000-00000000000a", "")
	if status != 200 || !strings.Contains(string(body), `"organization_slug":"second"`) {
		t.Fatalf("the second fixture's organization: %d %s", status, body)
	}
	// A project's reset forgets its fixture, and only its own.
	if status, body := in.do("", "", http.MethodPost, "/__stytchmock/reset", `{"project_id":"project-test-second"}`); status != 200 {
		t.Fatalf("reset: %d %s", status, body)
	}
	if status, body = in.do("project-test-second", "s", http.MethodGet, "/v1/b2b/organizations/second", ""); status != 404 {
		t.Fatalf("after reset: %d %s", status, body)
	}
	if status, body = in.do(project, "s", http.MethodGet, "/v1/b2b/organizations/organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931", ""); status != 200 {
		t.Fatalf("the other project's fixture after the reset: %d %s", status, body)
	}
}

// script sends the same requests to an instance and returns every body, in order.
func script(t *testing.T, in *instance) [][]byte {
	t.Helper()
	var bodies [][]byte
	call := func(project, method, path, body string, want int) []byte {
		t.Helper()
		status, b := in.do(project, "s", method, path, body)
		if status != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, status, b, want)
		}
		bodies = append(bodies, b)
		return b
	}
	var org struct {
		Organization struct {
			OrganizationID string `json:"organization_id"`
		} `json:"organization"`
	}
	created := call(testProject, http.MethodPost, "/v1/b2b/organizations", `{"organization_name":"Deterministic Inc"}`, 200)
	if err := json.Unmarshal(created, &org); err != nil || org.Organization.OrganizationID == "" {
		t.Fatalf("create: %s", created)
	}
	id := org.Organization.OrganizationID
	call(testProject, http.MethodPost, "/v1/b2b/organizations/"+id+"/members", `{"email_address":"ada@deterministic.com","name":"Ada"}`, 200)
	call(testProject, http.MethodPut, "/v1/b2b/organizations/"+id, `{"organization_name":"Deterministic Corp"}`, 200)
	call(testProject, http.MethodPost, "/v1/b2b/organizations/members/search", `{"organization_ids":["`+id+`"]}`, 200)
	call(testProject, http.MethodGet, "/v1/b2b/organizations/nope", "", 404)
	call("project-live-deterministic", http.MethodPost, "/v1/b2b/organizations", `{"organization_name":"Live"}`, 200)
	call(testProject, http.MethodPost, "/v1/b2b/organizations", `{"organization_name":`, 400)
	return bodies
}

func TestRunDeterministicIDsAndClock(t *testing.T) {
	t.Parallel()
	args := []string{"-log-format", "none", "-deterministic-ids", "seed-1", "-clock", "2026-01-02T05:04:05+02:00"}
	first := script(t, start(t, args...))
	second := script(t, start(t, args...))
	if len(first) != len(second) {
		t.Fatalf("%d and %d bodies", len(first), len(second))
	}
	seen := map[string]bool{}
	for i := range first {
		if !bytes.Equal(first[i], second[i]) {
			t.Errorf("response %d differs between two runs with the same seed and clock:\n%s\n%s", i, first[i], second[i])
		}
		id := requestID(t, first[i])
		if seen[id] {
			t.Errorf("request id %s used twice", id)
		}
		seen[id] = true
	}
	// The clock is frozen, and shown in UTC.
	if !bytes.Contains(first[0], []byte(`"created_at":"2026-01-02T03:04:05Z"`)) || !bytes.Contains(first[2], []byte(`"updated_at":"2026-01-02T03:04:05Z"`)) {
		t.Errorf("timestamps do not follow -clock: %s / %s", first[0], first[2])
	}
	// Ids keep the project's environment.
	if !bytes.Contains(first[5], []byte(`"organization_id":"organization-live-`)) || !bytes.Contains(first[5], []byte(`"request_id":"request-id-live-`)) {
		t.Errorf("a live project's ids: %s", first[5])
	}

	// Another seed gives other ids.
	other := script(t, start(t, "-log-format", "none", "-deterministic-ids", "seed-2", "-clock", "2026-01-02T03:04:05Z"))
	if bytes.Equal(first[0], other[0]) || requestID(t, first[0]) == requestID(t, other[0]) {
		t.Errorf("two seeds gave the same response: %s", first[0])
	}
	// Without the flag, ids are random.
	random1 := script(t, start(t, "-log-format", "none", "-clock", "2026-01-02T03:04:05Z"))
	random2 := script(t, start(t, "-log-format", "none", "-clock", "2026-01-02T03:04:05Z"))
	if bytes.Equal(random1[0], random2[0]) {
		t.Errorf("two runs without -deterministic-ids gave the same ids: %s", random1[0])
	}
}

func TestRunShutdownWaitsForRequestsInFlight(t *testing.T) {
	t.Parallel()
	in := start(t, "-log-format", "none")
	if status, body := in.do("", "", http.MethodPost, "/__stytchmock/faults", `{"latency":"150ms","path":"/v1/b2b/rbac/policy"}`); status != 200 {
		t.Fatalf("inject latency: %d %s", status, body)
	}
	type result struct {
		status int
		err    error
	}
	got := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, in.url+"/v1/b2b/rbac/policy", nil)
		req.SetBasicAuth(testProject, testSecret)
		resp, err := in.client.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		resp.Body.Close()
		got <- result{status: resp.StatusCode}
	}()
	// Stop once the request has reached the server: it has taken the fault.
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, faults := in.do("", "", http.MethodGet, "/__stytchmock/faults", "")
		if strings.TrimSpace(string(faults)) == "[]" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the request never reached the server: %s", faults)
		}
		time.Sleep(2 * time.Millisecond)
	}
	started := time.Now()
	if err := in.stop(); err != nil {
		t.Fatalf("run = %v", err)
	}
	if elapsed := time.Since(started); elapsed > 2*time.Second {
		t.Errorf("shutdown took %v with one slow request in flight", elapsed)
	}
	r := <-got
	if r.err != nil || r.status != 200 {
		t.Fatalf("the request in flight during shutdown got %d, %v; want its answer", r.status, r.err)
	}
}

// -request-log-bytes bounds the request log: 0 keeps nothing, a small budget only the latest.
func TestRunRequestLogBytes(t *testing.T) {
	t.Parallel()
	logged := func(in *instance) []map[string]any {
		status, body := in.do("", "", http.MethodGet, "/__stytchmock/requests", "")
		var entries []map[string]any
		if status != 200 || json.Unmarshal(body, &entries) != nil {
			t.Fatalf("GET /__stytchmock/requests: %d %s", status, body)
		}
		return entries
	}
	none := start(t, "-log-format", "none", "-request-log-bytes", "0")
	none.do(testProject, testSecret, http.MethodPost, "/v1/b2b/organizations/search", `{}`)
	if entries := logged(none); len(entries) != 0 {
		t.Errorf("-request-log-bytes 0 logged %d requests", len(entries))
	}

	small := start(t, "-log-format", "none", "-request-log-bytes", "4096")
	for i := range 20 {
		small.do(testProject, testSecret, http.MethodGet, fmt.Sprintf("/v1/b2b/organizations/org-%d", i), "")
	}
	entries := logged(small)
	if len(entries) == 0 || len(entries) >= 20 {
		t.Fatalf("-request-log-bytes 4096 kept %d of 20 requests; want the latest few", len(entries))
	}
	if last := entries[len(entries)-1]["path"]; last != "/v1/b2b/organizations/org-19" {
		t.Errorf("the latest entry is %v, want the last request", last)
	}
}

// Listening beyond loopback lets other machines use the mock, whose admin API takes no
// credentials: the command says so. On loopback it says nothing.
func TestRunWarnsWhenListeningBeyondLoopback(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", ":0", "-log-format", "none"}, stdout, stderr) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stdout.String(), "listening") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if w := stderr.String(); !strings.Contains(w, "warning: listening on") || !strings.Contains(w, "every network interface") ||
		!strings.Contains(w, "-addr 127.0.0.1:") {
		t.Errorf("stderr = %q, want a warning that names every interface and the loopback address", w)
	}

	in := start(t, "-log-format", "none")
	if strings.Contains(in.stderr.String(), "warning") {
		t.Errorf("on loopback, stderr = %q", in.stderr.String())
	}
}

// -admin-host lets the admin API answer a name, as a container's; other names stay refused.
func TestRunAdminHost(t *testing.T) {
	t.Parallel()
	in := start(t, "-log-format", "none", "-admin-host", "stytchmock")
	get := func(host string) int {
		req, err := http.NewRequest(http.MethodGet, in.url+"/__stytchmock/health", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		resp, err := in.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get("stytchmock:4010"); got != 200 {
		t.Errorf("Host stytchmock:4010: %d, want 200", got)
	}
	if got := get("elsewhere:4010"); got != 403 {
		t.Errorf("Host elsewhere:4010: %d, want 403", got)
	}
}

// What net/http answers itself, before the mock sees a request, is plain text: these are the
// exceptions the docs list. Headers between the mock's limit (32 KB) and the server's (64 KB)
// reach the mock, which answers them Stytch-shaped.
func TestRunErrorsBeforeTheHandler(t *testing.T) {
	t.Parallel()
	in := start(t, "-log-format", "none")
	addr := strings.TrimPrefix(in.url, "http://")
	const get = "GET /v1/b2b/organizations/acme HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	for _, tc := range []struct {
		name, raw  string
		wantStatus int
		wantJSON   bool
	}{
		{"headers over the mock's limit", get + "X-Big: " + strings.Repeat("a", 40<<10) + "\r\n\r\n", 431, true},
		{"headers over the server's limit", get + "X-Big: " + strings.Repeat("a", 70<<10) + "\r\n\r\n", 431, false},
		{"bad path escape", "GET /v1/b2b/organizations/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400, false},
		{"malformed header line", get + "Not a header\r\n\r\n", 400, false},
		{"control character in a header", get + "X-Bad: a\x00b\r\n\r\n", 400, false},
		{"no Host", "GET /v1/b2b/organizations/acme HTTP/1.1\r\n\r\n", 400, false},
		{"two Content-Lengths", "POST /v1/b2b/organizations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400, false},
		{"unknown transfer coding", "POST /v1/b2b/organizations HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501, false},
		{"unknown expectation", get + "Expect: 200-ok\r\n\r\n", 417, false},
		{"unknown HTTP version", "GET /v1/b2b/organizations/acme HTTP/9.1\r\nHost: 127.0.0.1\r\n\r\n", 505, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, contentType, body := rawRequest(t, addr, tc.raw)
			if status != tc.wantStatus {
				t.Fatalf("%d %q %.200s, want %d", status, contentType, body, tc.wantStatus)
			}
			var e struct {
				StatusCode int    `json:"status_code"`
				ErrorType  string `json:"error_type"`
			}
			isJSON := json.Unmarshal(body, &e) == nil && e.StatusCode == status && e.ErrorType != ""
			if isJSON != tc.wantJSON {
				t.Errorf("a Stytch-shaped answer: %v, want %v: %q %.200s", isJSON, tc.wantJSON, contentType, body)
			}
		})
	}
}

// rawRequest writes raw to a new connection and reads one response.
func rawRequest(t *testing.T, addr, raw string) (int, string, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	go func() { _, _ = io.WriteString(conn, raw) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), body
}
