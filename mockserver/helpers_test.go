package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// env is one test's view of a mock server: a project of its own and the generated client
// authenticated for it.
type env struct {
	t       *testing.T
	srv     *mockserver.Server
	c       *api.ClientWithResponses
	project string
	ctx     context.Context
}

var testClock = time.Date(2026, 11, 2, 9, 15, 0, 0, time.UTC)

// setup starts a server for the test (with a fixed clock unless opts set one) and a client for
// a fresh test project.
func setup(t *testing.T, opts ...mockserver.Option) *env {
	t.Helper()
	srv := mockserver.Start(t, append([]mockserver.Option{mockserver.WithFixedClock(testClock)}, opts...)...)
	return newEnv(t, srv, "project-test-"+uuid.NewString())
}

// with returns the env for a subtest, so that its failures stop the subtest only.
func (e *env) with(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

func newEnv(t *testing.T, srv *mockserver.Server, project string) *env {
	t.Helper()
	c, err := api.NewClientWithResponses(srv.URL, api.WithHTTPClient(srv.Client()),
		api.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.SetBasicAuth(project, "secret-"+project)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, c: c, project: project, ctx: context.Background()}
}

// stytchError is the body of an error response.
type stytchError struct {
	StatusCode   int            `json:"status_code"`
	RequestID    string         `json:"request_id"`
	ErrorType    string         `json:"error_type"`
	ErrorMessage string         `json:"error_message"`
	ErrorURL     string         `json:"error_url"`
	ErrorDetails map[string]any `json:"error_details"`
}

// expectOK fails the test unless the response is a 200 whose body has status_code 200, a
// request id of the project's environment, and no null anywhere.
func (e *env) expectOK(status int, body []byte, err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("request failed: %v", err)
	}
	if status != http.StatusOK {
		e.t.Fatalf("status %d, want 200: %s", status, body)
	}
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		e.t.Fatalf("body is not a JSON object: %v: %s", err, body)
	}
	if v["status_code"] != 200.0 {
		e.t.Errorf("status_code = %v, want 200", v["status_code"])
	}
	if id, _ := v["request_id"].(string); !strings.HasPrefix(id, "request-id-test-") && !strings.HasPrefix(id, "request-id-live-") {
		e.t.Errorf("request_id = %q", id)
	}
	if path := findNull(v, ""); path != "" {
		e.t.Errorf("null at %s: required strings are \"\" and lists [] when empty; optional fields are left out, and only the spec's nullable values are null: %s", path, body)
	}
}

// nullable are the properties the spec marks nullable, which Stytch sends as null when they
// have no value (the choice "Values that may be null").
var nullable = map[string]bool{"sso_default_connection_id": true, "scim_active_connection": true, "next_cursor": true}

// findNull returns the path of the first null in a decoded JSON value, or "", where a property
// the spec marks nullable may be null.
func findNull(v any, path string) string {
	switch v := v.(type) {
	case nil:
		return path
	case map[string]any:
		for k, x := range v {
			if x == nil && nullable[k] {
				continue
			}
			if p := findNull(x, path+"."+k); p != "" {
				return p
			}
		}
	case []any:
		for i, x := range v {
			if p := findNull(x, fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	}
	return ""
}

// expectError fails the test unless the response is a Stytch-shaped error of the given status
// and type, and returns it.
func (e *env) expectError(status int, body []byte, err error, wantStatus int, wantType string) stytchError {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("request failed: %v", err)
	}
	var se stytchError
	if jerr := json.Unmarshal(body, &se); jerr != nil {
		e.t.Fatalf("error body is not JSON: %v: %s", jerr, body)
	}
	if status != wantStatus || se.StatusCode != wantStatus || se.ErrorType != wantType {
		e.t.Fatalf("got %d (body status_code %d) %s, want %d %s: %s", status, se.StatusCode, se.ErrorType, wantStatus, wantType, body)
	}
	if se.RequestID == "" || se.ErrorMessage == "" ||
		se.ErrorURL != fmt.Sprintf("https://stytch.com/docs/b2b/api/errors/%d#%s", wantStatus, wantType) {
		e.t.Errorf("error body is not Stytch-shaped: %s", body)
	}
	return se
}

// raw sends a request with an arbitrary body (nil for none, a string as it is, anything else
// as JSON), always as JSON, as the official SDKs send, and returns status and body.
func (e *env) raw(method, path string, body any) (int, []byte) {
	e.t.Helper()
	var s string
	switch b := body.(type) {
	case nil:
	case string:
		s = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		s = string(j)
	}
	return e.do(method, path, s, "Content-Type", "application/json")
}

// do sends a request as the env's project and returns status and body; see send.
func (e *env) do(method, path, body string, headers ...string) (int, []byte) {
	e.t.Helper()
	r := send(e.t, e.srv, e.project, "secret-"+e.project, method, path, body, headers...)
	return r.status, r.body
}

// ok sends a request, fails the test unless it answers 200, and decodes the body into out.
func (e *env) ok(out any, method, path, body string, headers ...string) {
	e.t.Helper()
	status, b := e.do(method, path, body, headers...)
	if status != 200 {
		e.t.Fatalf("%s %s: %d %s", method, path, status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}

// fail sends a request and fails the test unless it answers a Stytch error of the status and
// type.
func (e *env) fail(wantStatus int, wantType, method, path, body string, headers ...string) {
	e.t.Helper()
	status, b := e.do(method, path, body, headers...)
	e.expectError(status, b, nil, wantStatus, wantType)
}

// as returns an env of another project on the same server.
func (e *env) as(project string) *env {
	e.t.Helper()
	return newEnv(e.t, e.srv, project)
}

// getMember gets a member by id and fails the test if that fails.
func (e *env) getMember(orgID, memberID string) api.Member {
	e.t.Helper()
	var r api.MemberResponse
	e.ok(&r, http.MethodGet, "/v1/b2b/organizations/"+orgID+"/member?member_id="+memberID, "")
	if r.MemberID != memberID || r.Member.MemberID != memberID {
		e.t.Fatalf("GET member %s answered member %s", memberID, r.Member.MemberID)
	}
	return r.Member
}

// memberApps lists the Connected Apps a member authorized.
func (e *env) memberApps(orgID, memberID string) []api.MemberConnectedApp {
	e.t.Helper()
	var r api.MemberConnectedAppsResponse
	e.ok(&r, http.MethodGet, "/v1/b2b/organizations/"+orgID+"/members/"+memberID+"/connected_apps", "")
	return r.ConnectedApps
}

// response is what a request sent with send got back.
type response struct {
	status int
	header http.Header
	body   []byte
	env    string // test or live: the environment of the project the request named
	admin  bool   // a request to the admin API
}

// send sends a request; user and secret are sent with HTTP Basic unless both are empty. headers
// are pairs of name and value: "Host" sets the request's Host, and an empty value removes the
// header. A request with a body, or a POST, is JSON unless a Content-Type pair says otherwise.
func send(t *testing.T, srv *mockserver.Server, user, secret, method, path, body string, headers ...string) response {
	t.Helper()
	r, err := trySend(srv.Client(), srv.URL, user, secret, method, path, body, headers...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

// trySend is send that returns a transport error instead of failing the test.
func trySend(client *http.Client, baseURL, user, secret, method, path, body string, headers ...string) (response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, baseURL+path, rd)
	if err != nil {
		return response{}, err
	}
	if body != "" || method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" || secret != "" {
		req.SetBasicAuth(user, secret)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		switch name, value := headers[i], headers[i+1]; {
		case name == "Host":
			req.Host = value
		case value == "":
			req.Header.Del(name)
		default:
			req.Header.Set(name, value)
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	env := "test"
	if strings.HasPrefix(user, "project-live-") {
		env = "live"
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b, env: env, admin: strings.HasPrefix(path, mockserver.AdminPrefix)}, nil
}

// callAdmin calls the admin API, which takes no credentials; path is relative to AdminPrefix.
func callAdmin(t *testing.T, srv *mockserver.Server, method, path, body string) response {
	t.Helper()
	return send(t, srv, "", "", method, mockserver.AdminPrefix+path, body)
}

// expectStatusOK fails the test unless r is the admin API's {"status":"ok"}.
func expectStatusOK(t *testing.T, r response) {
	t.Helper()
	if r.status != 200 || strings.TrimSpace(string(r.body)) != `{"status":"ok"}` {
		t.Fatalf("got %d %s, want 200 {\"status\":\"ok\"}", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
}

// expectStatus fails the test unless r has the status, and returns its body decoded.
func expectStatus(t *testing.T, r response, want int) map[string]any {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.body)
	}
	return v
}

// expectStytchError fails the test unless r is a Stytch-shaped error of the status and type,
// with a request id of its project's environment, and returns it.
func expectStytchError(t *testing.T, r response, wantStatus int, wantType string) stytchError {
	t.Helper()
	var e stytchError
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body is not JSON: %v: %s", err, r.body)
	}
	if r.status != wantStatus || e.StatusCode != wantStatus || e.ErrorType != wantType {
		t.Fatalf("got %d (status_code %d, error_type %q), want %d %q: %s", r.status, e.StatusCode, e.ErrorType, wantStatus, wantType, r.body)
	}
	env := r.env
	if env == "" {
		env = "test" // a response recorded some other way, of a test project
	}
	if prefix := "request-id-" + env + "-"; !strings.HasPrefix(e.RequestID, prefix) || len(e.RequestID) <= len(prefix) {
		t.Errorf("request_id = %q, want %s…", e.RequestID, prefix)
	}
	if e.ErrorMessage == "" {
		t.Errorf("error_message is empty: %s", r.body)
	}
	// The admin API's errors are the mock's own: stytch.com documents none of them.
	want := fmt.Sprintf("https://stytch.com/docs/b2b/api/errors/%d#%s", wantStatus, wantType)
	if r.admin {
		want = ""
	}
	if e.ErrorURL != want {
		t.Errorf("error_url = %q, want %q", e.ErrorURL, want)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	return e
}

// pendingFaults decodes GET /__stytchmock/faults.
func pendingFaults(t *testing.T, srv *mockserver.Server) []mockserver.Fault {
	t.Helper()
	r := callAdmin(t, srv, http.MethodGet, "faults", "")
	if r.status != 200 {
		t.Fatalf("GET faults: %d %s", r.status, r.body)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(r.body), []byte("[")) {
		t.Fatalf("GET faults is not a JSON array: %s", r.body)
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	var out []mockserver.Fault
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("GET faults: %v: %s", err, r.body)
	}
	return out
}

// loggedRequests decodes GET /__stytchmock/requests.
func loggedRequests(t *testing.T, srv *mockserver.Server) ([]mockserver.RecordedRequest, []byte) {
	t.Helper()
	r := callAdmin(t, srv, http.MethodGet, "requests", "")
	if r.status != 200 {
		t.Fatalf("GET requests: %d %s", r.status, r.body)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(r.body), []byte("[")) {
		t.Fatalf("GET requests is not a JSON array: %s", r.body)
	}
	var out []mockserver.RecordedRequest
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("GET requests: %v: %s", err, r.body)
	}
	return out, r.body
}

// injectFault injects a fault and fails the test if it is refused.
func injectFault(t *testing.T, srv *mockserver.Server, f mockserver.Fault) {
	t.Helper()
	if err := srv.InjectFault(f); err != nil {
		t.Fatalf("InjectFault(%+v): %v", f, err)
	}
}

// createOrg creates an organization and fails the test if that fails.
func (e *env) createOrg(req api.OrganizationCreateRequest) api.Organization {
	e.t.Helper()
	resp, err := e.c.CreateOrganizationWithResponse(e.ctx, req)
	e.expectOK(resp.StatusCode(), resp.Body, err)
	return resp.JSON200.Organization
}

func (e *env) org(name, slug string) api.Organization {
	e.t.Helper()
	return e.createOrg(api.OrganizationCreateRequest{OrganizationName: name, OrganizationSlug: &slug})
}

// createMember creates a member and fails the test if that fails.
func (e *env) createMember(orgID string, req api.MemberCreateRequest) api.Member {
	e.t.Helper()
	resp, err := e.c.CreateMemberWithResponse(e.ctx, orgID, nil, req)
	e.expectOK(resp.StatusCode(), resp.Body, err)
	return resp.JSON200.Member
}

func (e *env) member(orgID, email string) api.Member {
	e.t.Helper()
	return e.createMember(orgID, api.MemberCreateRequest{EmailAddress: email})
}

// seed applies a fixture to the test's project.
func (e *env) seed(f mockserver.Fixture) {
	e.t.Helper()
	f.ProjectID = e.project
	if err := e.srv.Seed(f); err != nil {
		e.t.Fatalf("seed: %v", err)
	}
}

// orgCount is the number of organizations of the project.
func (e *env) orgCount() int {
	e.t.Helper()
	resp, err := e.c.SearchOrganizationsWithResponse(e.ctx, api.OrganizationSearchRequest{})
	e.expectOK(resp.StatusCode(), resp.Body, err)
	return int(resp.JSON200.ResultsMetadata.Total)
}

func ptr[T any](v T) *T { return &v }

// deref is *p, or the zero value when p is nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// policyInput is the org_policy of a request setting roles, every field sent.
func policyInput(roles ...api.PolicyRole) api.OrganizationPolicyInput {
	in := make([]api.PolicyRoleInput, len(roles))
	for i, r := range roles {
		perms := make([]api.PolicyPermissionInput, len(r.Permissions))
		for j, p := range r.Permissions {
			perms[j] = api.PolicyPermissionInput{ResourceID: p.ResourceID, Actions: ptr(p.Actions)}
		}
		in[i] = api.PolicyRoleInput{RoleID: r.RoleID, Description: ptr(r.Description), Permissions: &perms}
	}
	return api.OrganizationPolicyInput{Roles: &in}
}
