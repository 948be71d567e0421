package mockserver_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver"
)

func TestAuthentication(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	send := func(user, pass string, setAuth bool, header string) (int, []byte) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/b2b/rbac/policy", nil)
		if setAuth {
			req.SetBasicAuth(user, pass)
		}
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, b.Bytes()
	}
	e := newEnv(t, srv, "project-test-auth")
	status, body := send("project-test-auth", "first", true, "")
	e.expectOK(status, body, nil)
	for name, tc := range map[string]struct {
		user, pass string
		setAuth    bool
		header     string
	}{
		"no credentials":          {},
		"not Basic":               {header: "Bearer abc"},
		"Basic, not base64":       {header: "Basic !!!"},
		"another secret":          {user: "project-test-auth", pass: "second", setAuth: true},
		"empty secret":            {user: "project-test-new", pass: "", setAuth: true},
		"not a project id":        {user: "someone", pass: "x", setAuth: true},
		"secret of other project": {user: "project-test-other", pass: "", setAuth: true},
	} {
		status, body := send(tc.user, tc.pass, tc.setAuth, tc.header)
		if status != 401 {
			t.Errorf("%s: status %d, want 401", name, status)
			continue
		}
		e.with(t).expectError(status, body, nil, 401, "unauthorized_credentials")
	}
	// The secret of one project does not leak into another; a live project gets live ids.
	live := newEnv(t, srv, "project-live-auth")
	o := live.org("Live Co", "live-co")
	if !strings.HasPrefix(o.OrganizationID, "organization-live-") {
		t.Errorf("live project id %s", o.OrganizationID)
	}
	resp, _ := live.c.GetOrganizationWithResponse(live.ctx, "live-co")
	var v map[string]any
	_ = json.Unmarshal(resp.Body, &v)
	if !strings.HasPrefix(v["request_id"].(string), "request-id-live-") {
		t.Errorf("live request id %v", v["request_id"])
	}

	pinned := mockserver.Start(t, mockserver.WithCredentials("project-test-pinned", "s3cret"))
	p := newEnv(t, pinned, "project-test-pinned") // sends secret-project-test-pinned
	r, err := p.c.GetRBACPolicyWithResponse(p.ctx)
	p.expectError(r.StatusCode(), r.Body, err, 401, "unauthorized_credentials")
}

func TestRequestValidation(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.org("Acme", "acme")
	before := e.orgCount()

	// Every violation is listed, sorted by field, and the message names the first field and
	// its problem.
	status, body := e.raw(http.MethodPost, "/v1/b2b/organizations", `{"organization_name":5,"mfa_policy":"SOMETIMES","organization_slug":"ok-slug"}`)
	se := e.expectError(status, body, nil, 400, "invalid_organization_mfa_policy")
	if !strings.HasPrefix(se.ErrorMessage, "mfa_policy: ") {
		t.Errorf("message %q does not name the field", se.ErrorMessage)
	}
	violations, _ := se.ErrorDetails["violations"].([]any)
	if len(violations) != 2 {
		t.Errorf("violations = %v, want both fields", violations)
	}
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		wantType           string
	}{
		{"not JSON", "POST", "/v1/b2b/organizations", `{"organization_name": "Acme",`, 400, "bad_request"},
		{"no body", "POST", "/v1/b2b/organizations", nil, 400, "bad_request"},
		{"array body", "POST", "/v1/b2b/organizations", `[]`, 400, "bad_request"},
		{"two JSON values", "POST", "/v1/b2b/organizations", `{"organization_name":"Two"} {"organization_name":"Three"}`, 400, "bad_request"},
		{"nested 33 levels", "PUT", "/v1/b2b/organizations/acme", nested(33), 400, "bad_request"},
		{"null for a string", "PUT", "/v1/b2b/organizations/acme", `{"organization_name":null}`, 400, "invalid_organization_name"},
		{"bad boolean query", "GET", "/v1/b2b/organizations/members/dangerously_get/member-test-x?include_deleted=maybe", nil, 400, "bad_request"},
		{"unknown route", "GET", "/v1/b2b/organisations", nil, 404, "route_not_found"},
		{"unknown version", "GET", "/v2/b2b/rbac/policy", nil, 404, "route_not_found"},
		{"wrong method", "PATCH", "/v1/b2b/organizations/acme", `{}`, 405, "method_not_allowed"},
		{"GET on a POST-only path", "GET", "/v1/b2b/organizations/search", nil, 405, "method_not_allowed"},
	} {
		status, body := e.raw(tc.method, tc.path, tc.body)
		e.with(t).expectError(status, body, nil, tc.status, tc.wantType)
	}
	if after := e.orgCount(); after != before {
		t.Errorf("rejected requests created %d organizations", after-before)
	}
}

// nested returns an organization update whose body nests levels objects deep.
func nested(levels int) string {
	inner := levels - 1 // the body itself is the outermost object
	return `{"trusted_metadata":` + strings.Repeat(`{"a":`, inner-1) + `{}` + strings.Repeat(`}`, inner-1) + `}`
}

func TestNestingUpToThirtyTwoLevelsIsAccepted(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.org("Acme", "acme")
	status, body := e.raw(http.MethodPut, "/v1/b2b/organizations/acme", nested(32))
	if status != http.StatusOK {
		t.Fatalf("32 levels: %d %s", status, body)
	}
	if v := e.srv.ContractViolations(); len(v) > 0 {
		t.Fatalf("echoing deep metadata broke the spec: %v", v)
	}
}

// A query parameter that breaks its schema is named in the message and the violation, as a
// body field is.
func TestQueryParameterViolationsNameTheParameter(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.org("Acme", "acme")
	status, body := e.raw(http.MethodGet, "/v1/b2b/organizations/acme/member?member_id=", nil)
	se := e.expectError(status, body, nil, 400, "bad_request")
	if !strings.HasPrefix(se.ErrorMessage, "member_id: ") {
		t.Errorf("message %q does not name member_id", se.ErrorMessage)
	}
	violations, _ := se.ErrorDetails["violations"].([]any)
	if len(violations) != 1 || violations[0].(map[string]any)["field"] != "member_id" {
		t.Errorf("violations = %v, want one for member_id", violations)
	}
}

func TestBodyOverOneMegabyteIsRefused(t *testing.T) {
	t.Parallel()
	e := setup(t)
	big := `{"organization_name":"Acme","trusted_metadata":{"blob":"` + strings.Repeat("x", 1<<20) + `"}}`
	status, body := e.raw(http.MethodPost, "/v1/b2b/organizations", big)
	e.expectError(status, body, nil, 413, "request_too_large")
	if e.orgCount() != 0 {
		t.Errorf("a refused body created an organization")
	}
}

// encoding/json matches field names without regard to case; the mock binds only the exact,
// validated names, as Stytch's servers do.
func TestFieldNamesAreCaseSensitive(t *testing.T) {
	t.Parallel()
	e := setup(t)
	status, body := e.raw(http.MethodPost, "/v1/b2b/organizations", `{"organization_name":"Acme","organization_slug":"acme","ORGANIZATION_SLUG":"evil slug","Organization_Name":"Evil"}`)
	e.expectOK(status, body, nil)
	var r api.OrganizationResponse
	_ = json.Unmarshal(body, &r)
	if r.Organization.OrganizationSlug != "acme" || r.Organization.OrganizationName != "Acme" {
		t.Errorf("a differently cased key was bound: %q %q", r.Organization.OrganizationName, r.Organization.OrganizationSlug)
	}
}

// The official Go SDK repeats path ids in bodies, sends Content-Type on every request, sends
// `{}` or whole structs on body-less writes, fetches the JWKS without credentials when it
// starts, and accepts only 200 or 201 with RFC 3339 timestamps.
func TestOfficialSDKHabits(t *testing.T) {
	t.Parallel()
	e := setup(t)
	status, body := e.raw(http.MethodPost, "/v1/b2b/organizations", map[string]any{"organization_name": "Acme", "organization_slug": "acme", "unknown_future_field": true})
	e.expectOK(status, body, nil)
	var org api.OrganizationResponse
	_ = json.Unmarshal(body, &org)
	id := org.Organization.OrganizationID

	status, body = e.raw(http.MethodPut, "/v1/b2b/organizations/"+id, map[string]any{"organization_id": id, "organization_name": "Acme Corporation"})
	e.expectOK(status, body, nil)
	m := e.member(id, "ada@acme.com")
	status, body = e.raw(http.MethodPut, "/v1/b2b/organizations/"+id+"/members/"+m.MemberID, map[string]any{"organization_id": id, "member_id": m.MemberID, "name": "Ada"})
	e.expectOK(status, body, nil)
	status, body = e.raw(http.MethodDelete, "/v1/b2b/organizations/"+id+"/members/"+m.MemberID, `{}`)
	e.expectOK(status, body, nil)
	status, body = e.raw(http.MethodPut, "/v1/b2b/organizations/"+id+"/members/"+m.MemberID+"/reactivate", map[string]any{"organization_id": id, "member_id": m.MemberID})
	e.expectError(status, body, nil, 400, "email_unverified_for_reactivation")
	status, body = e.raw(http.MethodGet, "/v1/b2b/organizations/members/dangerously_get/"+m.MemberID+"?include_deleted=false", nil)
	e.expectError(status, body, nil, 404, "member_not_found")

	// JWKS: no credentials at all, and a key set the Go SDK accepts.
	resp, err := http.Get(e.srv.URL + "/v1/b2b/sessions/jwks/" + e.project)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var jwks struct {
		Keys []any `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&jwks); err != nil || resp.StatusCode != 200 || jwks.Keys == nil {
		t.Errorf("JWKS: status %d, keys %v, err %v", resp.StatusCode, jwks.Keys, err)
	}

	// Timestamps are RFC 3339 in UTC, never empty.
	get, err := e.c.GetOrganizationWithResponse(e.ctx, id)
	e.expectOK(get.StatusCode(), get.Body, err)
	var raw map[string]map[string]any
	_ = json.Unmarshal(get.Body, &raw)
	for _, field := range []string{"created_at", "updated_at"} {
		s, _ := raw["organization"][field].(string)
		if _, err := time.Parse(time.RFC3339, s); err != nil || !strings.HasSuffix(s, "Z") {
			t.Errorf("%s = %q is not RFC 3339 UTC", field, s)
		}
	}
}

func TestParallelTestsShareAServerByProject(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	for i := range 8 {
		t.Run("project", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, srv, "project-test-shared-"+string(rune('a'+i)))
			e.org("Acme", "acme") // the same slug in every project
			if n := e.orgCount(); n != 1 {
				t.Errorf("project sees %d organizations", n)
			}
		})
	}
}
