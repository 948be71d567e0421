package mockserver_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// The tests of proxy mode (WithUpstream): forwarding, checking, gateway errors and the admin
// API. Recording is in recording_test.go.

// startProxy starts a proxy to upstream. Unlike Start, it does not fail the test when traffic
// breaks the spec: these tests make it.
func startProxy(t *testing.T, upstream string, opts ...mockserver.Option) *mockserver.Server {
	t.Helper()
	p, err := mockserver.New(append([]mockserver.Option{mockserver.WithUpstream(upstream)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// rawClient sends requests as they are given and returns answers as they come: it neither asks
// for compression nor decodes it.
func rawClient(t *testing.T) *http.Client {
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// seenRequest is a request as an upstream received it.
type seenRequest struct {
	method, uri, host string
	header            http.Header
	body              []byte
}

// recordingUpstream is an upstream that keeps the requests it receives and answers each with
// answer.
func recordingUpstream(t *testing.T, answer http.HandlerFunc) (*httptest.Server, func() []seenRequest) {
	var mu sync.Mutex
	var seen []seenRequest
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, seenRequest{r.Method, r.RequestURI, r.Host, r.Header.Clone(), b})
		mu.Unlock()
		answer(w, r)
	}))
	t.Cleanup(up.Close)
	return up, func() []seenRequest {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
}

func gzipped(t *testing.T, s string) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The upstream sees the request as the client sent it, under its own base path, and the client
// gets the answer as the upstream sent it: status, headers (none added) and the bytes of a
// gzip body the proxy did not ask for.
func TestProxyForwardsRequestsAndAnswersUnchanged(t *testing.T) {
	t.Parallel()
	answer := gzipped(t, `{"status_code":200,"request_id":"request-id-test-upstream"}`)
	up, seen := recordingUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Date"] = nil // answer without a Date: the proxy must not add one
		h["X-Upstream-Multi"] = []string{"one", "two"}
		h.Set("Content-Encoding", "gzip")
		h.Set("Set-Cookie", "upstream=1; Path=/")
		if r.URL.Query().Has("typed") {
			h.Set("Content-Type", "application/json")
		}
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write(answer)
	})
	p := startProxy(t, up.URL+"/base")
	c := rawClient(t)

	const (
		path  = "/v1/b2b/organizations/a%2Fb%2e"
		query = "typed&x=1;y=2&z=%41"
		body  = `{"organization_name":  "Acme"}`
	)
	req, err := http.NewRequest(http.MethodPut, p.URL+path+"?"+query, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("project-test-proxy", "secret-test-proxy")
	req.Header.Set("X-Stytch-Member-Session", "session-token-proxy")
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	req.Header.Set("User-Agent", "proxy-test/1.0")
	req.Header["X-Client-Multi"] = []string{"a", "b"}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	reqs := seen()
	if len(reqs) != 1 {
		t.Fatalf("the upstream got %d requests, want 1", len(reqs))
	}
	in := reqs[0]
	upHost := strings.TrimPrefix(up.URL, "http://")
	if in.method != http.MethodPut || in.uri != "/base"+path+"?"+query || in.host != upHost || string(in.body) != body {
		t.Errorf("the upstream got %s %s (Host %s) %q; want PUT /base%s?%s (Host %s) %q", in.method, in.uri, in.host, in.body, path, query, upHost, body)
	}
	for name, want := range map[string][]string{
		"Authorization":           req.Header["Authorization"],
		"X-Stytch-Member-Session": {"session-token-proxy"},
		"Accept-Encoding":         {"gzip"},
		"Content-Type":            {"application/json"},
		"X-Forwarded-For":         {"203.0.113.7"},
		"User-Agent":              {"proxy-test/1.0"},
		"X-Client-Multi":          {"a", "b"},
		"Content-Length":          {"30"},
	} {
		if !slices.Equal(in.header[name], want) {
			t.Errorf("the upstream got %s %q, want %q", name, in.header[name], want)
		}
	}
	for _, name := range []string{"Via", "X-Forwarded-Host", "X-Forwarded-Proto", "Forwarded"} {
		if v, ok := in.header[name]; ok {
			t.Errorf("the proxy added %s: %q", name, v)
		}
	}

	if resp.StatusCode != http.StatusTeapot || !bytes.Equal(got, answer) {
		t.Errorf("the client got %d %q, want 418 and the upstream's gzip bytes %q", resp.StatusCode, got, answer)
	}
	for name, want := range map[string][]string{
		"X-Upstream-Multi": {"one", "two"},
		"Content-Encoding": {"gzip"},
		"Content-Type":     {"application/json"},
		"Set-Cookie":       {"upstream=1; Path=/"},
		"Content-Length":   {strconv.Itoa(len(answer))},
	} {
		if !slices.Equal(resp.Header[name], want) {
			t.Errorf("the client got %s %q, want %q", name, resp.Header[name], want)
		}
	}
	if d, ok := resp.Header["Date"]; ok {
		t.Errorf("the client got Date %q, which the upstream did not send", d)
	}

	// Without a Content-Type from the upstream, none reaches the client (net/http would sniff
	// one).
	req, _ = http.NewRequest(http.MethodGet, p.URL+"/v1/b2b/organizations/acme", nil)
	req.SetBasicAuth("project-test-proxy", "secret-test-proxy")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if ct, ok := resp.Header["Content-Type"]; ok || !bytes.Equal(got, answer) {
		t.Errorf("the client got Content-Type %q and %q; want none, and the upstream's bytes", ct, got)
	}
	if ae := seen()[1].header["Accept-Encoding"]; ae != nil {
		t.Errorf("the proxy asked the upstream for Accept-Encoding %q, which the client did not", ae)
	}
}

// Conforming traffic through the proxy to a mock: the client's calls behave as against the
// mock itself, every exchange reaches it once, with its answer's request id, and nothing is a
// violation (Start fails the test on any, for the proxy and the upstream alike).
func TestProxyToAMockPassesConformingTraffic(t *testing.T) {
	t.Parallel()
	up := mockserver.Start(t, mockserver.WithFixedClock(testClock))
	p := mockserver.Start(t, mockserver.WithUpstream(up.URL))
	c, err := client.New("project-test-proxied", "secret-test-proxied", client.WithBaseURL(p.URL), client.WithHTTPClient(p.Client()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	org, err := c.Organizations.Create(ctx, client.OrganizationCreateParams{Name: "Acme", Slug: "acme", EmailAllowedDomains: []string{"acme.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Members.Create(ctx, org.ID, client.MemberCreateParams{EmailAddress: "ada@acme.com", Name: "Ada"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Organizations.Get(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	_, err = c.Organizations.Get(ctx, "no-such-org")
	if !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("get of a missing organization through the proxy: %v, want not found", err)
	}
	if _, err := c.Members.GetByEmail(ctx, org.ID, "ada@acme.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.Organizations.Delete(ctx, org.ID); err != nil {
		t.Fatal(err)
	}

	proxied, reached := p.Requests(), up.Requests()
	if len(proxied) != 6 || len(reached) != len(proxied) {
		t.Fatalf("the proxy logged %d requests and the upstream %d; want 6 each", len(proxied), len(reached))
	}
	for i := range proxied {
		if proxied[i].RequestID != reached[i].RequestID || proxied[i].Status != reached[i].Status ||
			proxied[i].OperationID != reached[i].OperationID || proxied[i].Path != reached[i].Path {
			t.Errorf("request %d: the proxy logged %+v, the upstream %+v", i, proxied[i], reached[i])
		}
	}
	if vs := p.Violations(); len(vs) != 0 {
		t.Errorf("violations: %v", vs)
	}
}

// offSpecUpstream answers like a mock would, but breaks the spec in the way the request's
// "case" query parameter asks for.
func offSpecUpstream(t *testing.T) (*httptest.Server, func() []seenRequest) {
	const org = `{"organization":{"allowed_auth_methods":[],"allowed_first_party_connected_apps":[],"allowed_mfa_methods":[],"allowed_oauth_tenants":{},"allowed_third_party_connected_apps":[],"auth_methods":"ALL_ALLOWED","claimed_email_domains":[],"created_at":"2026-11-02T09:15:00Z","custom_roles":[],"email_allowed_domains":[],"email_invites":"ALL_ALLOWED","email_jit_provisioning":"NOT_ALLOWED","first_party_connected_apps_allowed_type":"ALL_ALLOWED","mfa_methods":"ALL_ALLOWED","mfa_policy":"OPTIONAL","oauth_tenant_jit_provisioning":"NOT_ALLOWED","organization_id":"organization-test-00000000-0000-4000-8000-000000000001","organization_logo_url":"","organization_name":"Acme","organization_slug":"acme","rbac_email_implicit_role_assignments":[],"sso_active_connections":[],"sso_jit_provisioning":"ALL_ALLOWED","sso_jit_provisioning_allowed_connections":[],"third_party_connected_apps_allowed_type":"ALL_ALLOWED","trusted_metadata":{},"updated_at":"2026-11-02T09:15:00Z"},"request_id":"request-id-test-upstream","status_code":200}`
	return recordingUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		body, status, contentType := org, http.StatusOK, "application/json"
		switch r.URL.Query().Get("case") {
		case "missing":
			body = strings.Replace(org, `"organization_name":"Acme",`, "", 1)
		case "type":
			body = strings.Replace(org, `"organization_slug":"acme"`, `"organization_slug":5`, 1)
		case "html":
			body, status, contentType = "<html><body><h1>500 Internal Server Error</h1></body></html>", http.StatusInternalServerError, "text/html"
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
}

// Each way an answer or a request can break the spec is exactly the violation expected, logged
// in one line, and the traffic is forwarded as it was.
func TestProxyReportsWhatBreaksTheSpecAndForwardsItUnchanged(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, method, path, body string
		wantStatus               int
		want                     mockserver.Violation
	}{
		{"a required field missing", "GET", "/v1/b2b/organizations/acme?case=missing", "", 200, mockserver.Violation{
			Operation: "getOrganization", Direction: "response", Field: "organization.organization_name",
			Problem: `property "organization_name" is missing`, RequestID: "request-id-test-upstream"}},
		{"a field of the wrong type", "GET", "/v1/b2b/organizations/acme?case=type", "", 200, mockserver.Violation{
			Operation: "getOrganization", Direction: "response", Field: "organization.organization_slug",
			Problem: "value must be a string", RequestID: "request-id-test-upstream"}},
		// Response enums are open strings (Stytch adds values), so an unknown value breaks
		// only a request's enum: the client's create, which the upstream still gets.
		{"an unknown enum value", "POST", "/v1/b2b/organizations", `{"organization_name":"Acme","email_invites":"SOMETIMES"}`, 200, mockserver.Violation{
			Operation: "createOrganization", Direction: "request", Field: "email_invites",
			Problem: `value is not one of the allowed values ["ALL_ALLOWED","RESTRICTED","NOT_ALLOWED"]`, RequestID: "request-id-test-upstream"}},
		{"a 5xx with an HTML body", "GET", "/v1/b2b/organizations/acme?case=html", "", 500, mockserver.Violation{
			Operation: "getOrganization", Direction: "response",
			Problem: `response header Content-Type has unexpected value: "text/html"`}},
		{"a path the spec does not know", "GET", "/v1/b2b/sessions/jwks", "", 200, mockserver.Violation{
			Direction: "request", Problem: "openapi.yaml documents no operation on this path", RequestID: "request-id-test-upstream"}},
		{"a method the spec does not know", "PATCH", "/v1/b2b/organizations/acme", `{}`, 200, mockserver.Violation{
			Direction: "request", Problem: "openapi.yaml documents no PATCH operation on this path", RequestID: "request-id-test-upstream"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			up, seen := offSpecUpstream(t)
			var logs bytes.Buffer
			var logMu sync.Mutex
			p := startProxy(t, up.URL, mockserver.WithLogger(slog.New(slog.NewJSONHandler(lockedWriter{&logMu, &logs}, nil))))
			direct, err := trySend(rawClient(t), up.URL, "project-test-offspec", "secret", tc.method, tc.path, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			proxied, err := trySend(rawClient(t), p.URL, "project-test-offspec", "secret", tc.method, tc.path, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if proxied.status != tc.wantStatus || proxied.status != direct.status || !bytes.Equal(proxied.body, direct.body) ||
				proxied.header.Get("Content-Type") != direct.header.Get("Content-Type") {
				t.Errorf("through the proxy: %d %s %q; from the upstream: %d %s %q", proxied.status, proxied.header.Get("Content-Type"), proxied.body,
					direct.status, direct.header.Get("Content-Type"), direct.body)
			}
			if reqs := seen(); len(reqs) != 2 || string(reqs[1].body) != tc.body || reqs[1].uri != tc.path {
				t.Errorf("the upstream got %+v, want the request twice, unchanged", reqs)
			}

			vs := p.Violations()
			want := tc.want
			want.Method, want.Path, want.Status = tc.method, strings.Split(tc.path, "?")[0], tc.wantStatus
			if len(vs) == 1 {
				want.Time = vs[0].Time
			}
			if len(vs) != 1 || vs[0] != want {
				t.Fatalf("violations:\n%+v\nwant exactly\n%+v", vs, want)
			}
			if errs := p.ContractViolations(); len(errs) != 1 {
				t.Errorf("ContractViolations() = %v, want one error", errs)
			}
			r := send(t, p, "", "", "GET", mockserver.AdminPrefix+"violations", "")
			var listed []mockserver.Violation
			if err := json.Unmarshal(r.body, &listed); err != nil || len(listed) != 1 || listed[0] != vs[0] {
				t.Errorf("GET violations: %d %s (%v); want the violation", r.status, r.body, err)
			}

			logMu.Lock()
			defer logMu.Unlock()
			var lines []map[string]any
			for line := range strings.Lines(logs.String()) {
				var l map[string]any
				if err := json.Unmarshal([]byte(line), &l); err != nil {
					t.Fatalf("log line %q: %v", line, err)
				}
				if l["msg"] == "violation" {
					lines = append(lines, l)
				}
			}
			if len(lines) != 1 || lines[0]["operation"] != want.Operation || lines[0]["direction"] != want.Direction ||
				lines[0]["field"] != want.Field || lines[0]["problem"] != want.Problem {
				t.Errorf("violation log lines: %v, want one for %+v", lines, want)
			}
		})
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// An upstream that cannot be reached is a 502, and one that does not answer in time a 504,
// each a Stytch error; the client takes them for an outage: it retries a read, and does not
// repeat a create it cannot know the outcome of.
func TestProxyUpstreamFailures(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() {
		close(release)
		slow.Close()
	})

	for _, tc := range []struct {
		name, upstream string
		status         int
		errorType      string
		message        string
	}{
		{"refused", refused, http.StatusBadGateway, "upstream_unavailable", "connection refused"},
		{"timeout", slow.URL, http.StatusGatewayTimeout, "upstream_timeout", "did not answer within 50ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := startProxy(t, tc.upstream, mockserver.WithUpstreamTimeout(50*time.Millisecond))
			r := send(t, p, "project-test-down", "secret", "GET", "/v1/b2b/organizations/acme", "")
			e := expectStytchError(t, r, tc.status, tc.errorType)
			if !strings.Contains(e.ErrorMessage, tc.message) || !strings.HasPrefix(e.RequestID, "request-id-test-") {
				t.Errorf("error %+v, want a message with %q and a request id", e, tc.message)
			}
			if vs := p.Violations(); len(vs) != 0 {
				t.Errorf("violations: %v; an upstream that did not answer broke no rule", vs)
			}

			c, err := client.New("project-test-down", "secret", client.WithBaseURL(p.URL),
				client.WithRetryWaits(time.Millisecond, time.Millisecond), client.WithMaxRetries(2))
			if err != nil {
				t.Fatal(err)
			}
			before := len(p.Requests())
			_, err = c.Organizations.Get(context.Background(), "acme")
			var ce *client.Error
			if !errors.As(err, &ce) || ce.StatusCode != tc.status || ce.ErrorType != tc.errorType || ce.Attempts != 3 {
				t.Errorf("Get: %#v, want a %d %s after 3 attempts", err, tc.status, tc.errorType)
			}
			_, err = c.Organizations.Create(context.Background(), client.OrganizationCreateParams{Name: "Acme"})
			if !errors.As(err, &ce) || ce.StatusCode != tc.status || ce.Attempts != 1 {
				t.Errorf("Create: %#v, want a %d after 1 attempt", err, tc.status)
			}
			if n := len(p.Requests()) - before; n != 4 {
				t.Errorf("the proxy got %d requests, want 4 (a read 3 times, a create once)", n)
			}
		})
	}
}

// Credentials reach the upstream, and nothing the proxy keeps or writes: logs, the request
// log, violations, the recording.
func TestProxyNeverLogsOrRecordsCredentials(t *testing.T) {
	t.Parallel()
	const (
		secret  = "secret-test-Zq8vXr2LmN4pK7sT"
		token   = "session-token-Hh3Jk9Lm2Nb5Vc8X"
		jwt     = "eyJhbGciOiJSUzI1NiJ9.session-jwt-Qw7Er4Ty1Ui.sig"
		project = "project-test-credentials"
	)
	up := mockserver.Start(t, mockserver.WithCredentials(project, secret))
	var logs bytes.Buffer
	var logMu sync.Mutex
	recordFile := t.TempDir() + "/recording.json"
	p := startProxy(t, up.URL, mockserver.WithRecordFile(recordFile),
		mockserver.WithLogger(slog.New(slog.NewJSONHandler(lockedWriter{&logMu, &logs}, nil))))

	r := send(t, p, project, secret, "POST", "/v1/b2b/organizations", `{"organization_name":"Acme","organization_slug":"acme"}`)
	org := expectStatus(t, r, 200)["organization"].(map[string]any)["organization_id"].(string)
	r = send(t, p, project, secret, "POST", "/v1/b2b/organizations/"+org+"/members", `{"email_address":"ada@acme.com","roles":["stytch_admin"]}`)
	member := expectStatus(t, r, 200)["member_id"].(string)
	if err := up.AddSession(project, member, token, jwt); err != nil {
		t.Fatal(err)
	}
	// Member sessions, the token and the JWT, authorize requests through the proxy.
	r = send(t, p, project, secret, "GET", "/v1/b2b/organizations/"+org+"/member?member_id="+member, "", "X-Stytch-Member-Session", token)
	expectStatus(t, r, 200)
	r = send(t, p, project, secret, "GET", "/v1/b2b/organizations/"+org, "", "X-Stytch-Member-SessionJWT", jwt)
	expectStatus(t, r, 200)
	// A request the spec does not know may carry credentials in its body.
	send(t, p, project, secret, "POST", "/v1/b2b/sessions/authenticate", `{"session_token":"`+token+`","session_jwt":"`+jwt+`"}`)
	// A wrong secret is the upstream's 401, forwarded.
	r = send(t, p, project, "wrong-"+secret, "GET", "/v1/b2b/organizations/"+org, "")
	expectStytchError(t, r, 401, "unauthorized_credentials")

	if n := len(up.Requests()); n != 6 {
		t.Fatalf("the upstream got %d requests, want 6", n)
	}
	if err := p.FlushRecording(); err != nil {
		t.Fatal(err)
	}
	recorded, err := os.ReadFile(recordFile)
	if err != nil {
		t.Fatal(err)
	}
	requests, _ := json.Marshal(p.Requests())
	violations, _ := json.Marshal(p.Violations())
	logMu.Lock()
	logged := logs.String()
	logMu.Unlock()
	for what, kept := range map[string]string{"the log": logged, "the request log": string(requests), "the violations": string(violations), "the recording": string(recorded)} {
		for _, cred := range []string{secret, token, jwt, basic(project, secret), basic(project, "wrong-"+secret)} {
			if strings.Contains(kept, cred) {
				t.Errorf("%s holds the credential %q:\n%s", what, cred, kept)
			}
		}
	}
	if !strings.Contains(string(recorded), `"email_address": "ada@acme.com"`) {
		t.Errorf("the recording does not hold the member:\n%s", recorded)
	}
	if !strings.Contains(string(requests), `"Authorization":["[REDACTED]"]`) {
		t.Errorf("the request log does not show the Authorization header masked: %s", requests)
	}
}

func basic(user, password string) string {
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth(user, password)
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}

// In proxy mode the admin API serves what concerns a proxy; the mock's controls answer a 404
// that says why.
func TestProxyAdminAPI(t *testing.T) {
	t.Parallel()
	up := mockserver.Start(t)
	p := mockserver.Start(t, mockserver.WithUpstream(up.URL))
	for _, tc := range []struct{ method, path, body string }{
		{"POST", "reset", `{"project_id":"project-test-a"}`},
		{"POST", "reset-all", ``},
		{"POST", "fixtures", `{"project_id":"project-test-a"}`},
		{"POST", "sessions", `{"project_id":"project-test-a"}`},
		{"GET", "faults", ``},
		{"POST", "faults", `{"status":500}`},
		{"GET", "state", ``},
	} {
		r := callAdmin(t, p, tc.method, tc.path, tc.body)
		e := expectStytchError(t, r, http.StatusNotFound, "not_available_in_proxy_mode")
		if !strings.Contains(e.ErrorMessage, "proxy to "+up.URL) {
			t.Errorf("%s %s: %q does not name the upstream", tc.method, tc.path, e.ErrorMessage)
		}
	}
	expectStatusOK(t, callAdmin(t, p, "GET", "health", ""))
	if r := callAdmin(t, p, "GET", "violations", ""); r.status != 200 || strings.TrimSpace(string(r.body)) != "[]" {
		t.Errorf("GET violations: %d %s", r.status, r.body)
	}
	send(t, p, "project-test-a", "s", "GET", "/v1/b2b/rbac/policy", "")
	if r := callAdmin(t, p, "GET", "requests?project_id=project-test-a", ""); r.status != 200 || !strings.Contains(string(r.body), `"operation_id":"getRBACPolicy"`) {
		t.Errorf("GET requests: %d %s", r.status, r.body)
	}
	if r := callAdmin(t, p, "GET", "openapi.yaml", ""); r.status != 200 {
		t.Errorf("GET openapi.yaml: %d", r.status)
	}
	r := callAdmin(t, p, "POST", "record/flush", "")
	expectStytchError(t, r, http.StatusNotFound, "not_recording")
	r = callAdmin(t, p, "GET", "record/flush", "")
	expectStytchError(t, r, http.StatusMethodNotAllowed, "method_not_allowed")
	r = callAdmin(t, p, "GET", "no-such-route", "")
	expectStytchError(t, r, http.StatusNotFound, "route_not_found")
}

func TestProxyOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []mockserver.Option
		want string
	}{
		{"not a URL", []mockserver.Option{mockserver.WithUpstream("test.stytch.com")}, "want an http or https base URL"},
		{"a query", []mockserver.Option{mockserver.WithUpstream("https://test.stytch.com/?a=b")}, "no query"},
		{"credentials in the URL", []mockserver.Option{mockserver.WithUpstream("https://id:secret@test.stytch.com")}, "must not hold credentials"},
		{"a fixture", []mockserver.Option{mockserver.WithUpstream("https://test.stytch.com"), mockserver.WithFixture(mockserver.Fixture{ProjectID: "project-test-a"})}, "WithFixture configures the mock's own"},
		{"credentials", []mockserver.Option{mockserver.WithCredentials("project-test-a", "s"), mockserver.WithUpstream("https://test.stytch.com")}, "WithCredentials"},
		{"a state file", []mockserver.Option{mockserver.WithUpstream("https://test.stytch.com"), mockserver.WithStateFile(t.TempDir() + "/state.json")}, "WithStateFile"},
		{"a clock", []mockserver.Option{mockserver.WithUpstream("https://test.stytch.com"), mockserver.WithFixedClock(testClock)}, "WithClock"},
		{"a record file without an upstream", []mockserver.Option{mockserver.WithRecordFile(t.TempDir() + "/r.json")}, "needs WithUpstream"},
		{"a timeout of zero", []mockserver.Option{mockserver.WithUpstream("https://test.stytch.com"), mockserver.WithUpstreamTimeout(0)}, "positive"},
	} {
		m, err := mockserver.NewMock(tc.opts...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: NewMock = %v, %v; want an error with %q", tc.name, m, err, tc.want)
		}
	}
	m, err := mockserver.NewMock(mockserver.WithUpstream("https://test.stytch.com/prefix/"))
	if err != nil || m.Upstream() != "https://test.stytch.com/prefix/" {
		t.Errorf("NewMock: %v, upstream %q", err, m.Upstream())
	}
}
