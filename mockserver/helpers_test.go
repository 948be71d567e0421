package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
		e.t.Errorf("null at %s: required strings are \"\" and lists [] when empty; optional fields are left out: %s", path, body)
	}
}

// findNull returns the path of the first null in a decoded JSON value, or "".
func findNull(v any, path string) string {
	switch v := v.(type) {
	case nil:
		return path
	case map[string]any:
		for k, x := range v {
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

// raw sends a request with an arbitrary body (nil for none) and returns status and body.
func (e *env) raw(method, path string, body any) (int, []byte) {
	e.t.Helper()
	var r *bytes.Reader
	switch b := body.(type) {
	case nil:
		r = bytes.NewReader(nil)
	case string:
		r = bytes.NewReader([]byte(b))
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	req.SetBasicAuth(e.project, "secret-"+e.project)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes()
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
