package contract_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/b2bkit/stytchorgs/mockserver/internal/contract"
)

// These tests use the contract as a proxy would: any request and response, violations as data.

// setup returns the contract of the embedded spec, failing the test if it does not load.
func setup(t *testing.T) *contract.Contract {
	t.Helper()
	c, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func route(t *testing.T, c *contract.Contract, method, path, body string) (contract.Route, *http.Request) {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	rt, err := c.Route(r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return rt, r
}

func TestRouteFindsTheOperationAndDecodesItsParameters(t *testing.T) {
	c := setup(t)
	rt, _ := route(t, c, http.MethodGet, "/v1/b2b/organizations/org%2Fa/member?member_id=m", "")
	if got := rt.Operation().ID(); got != "getMember" {
		t.Errorf("operation %s", got)
	}
	params := map[string]string{}
	for name, value := range rt.Params {
		params[name] = value
	}
	if diff := cmp.Diff(map[string]string{"organization_id": "org/a"}, params); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
	for path, want := range map[string]error{"/v1/b2b/nothing": contract.ErrNotFound, "/v1/b2b/organizations/search": contract.ErrMethodNotAllowed} {
		if _, err := c.Route(httptest.NewRequest(http.MethodGet, path, nil)); !errors.Is(err, want) {
			t.Errorf("GET %s: %v, want %v", path, err, want)
		}
	}
}

func TestCheckRequestNamesEachViolation(t *testing.T) {
	c := setup(t)
	rt, _ := route(t, c, http.MethodPost, "/v1/b2b/organizations", `{"organization_name":5,"mfa_policy":"SOMETIMES"}`)
	got := rt.CheckRequest([]byte(`{"organization_name":5,"mfa_policy":"SOMETIMES"}`))
	for i := range got {
		got[i].Problem = "" // kin-openapi's wording
	}
	want := []contract.Violation{
		{Operation: "createOrganization", Direction: contract.Request, Field: "mfa_policy", Keyword: "enum", ErrorType: "invalid_organization_mfa_policy"},
		{Operation: "createOrganization", Direction: contract.Request, Field: "organization_name", Keyword: "type", ErrorType: "invalid_organization_name"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
	valid := `{"organization_name":"Acme"}`
	rt, _ = route(t, c, http.MethodPost, "/v1/b2b/organizations", valid)
	if vs := rt.CheckRequest([]byte(valid)); vs != nil {
		t.Errorf("a valid create: %v", vs)
	}
}

func TestCheckRequestRefusesABodyThatIsNotOneJSONValue(t *testing.T) {
	c := setup(t)
	for body, keyword := range map[string]string{
		`{"organization_name":"A"} {}`:                    contract.KeywordNotJSON,
		strings.Repeat("[", 40) + strings.Repeat("]", 40): contract.KeywordTooDeep,
	} {
		rt, _ := route(t, c, http.MethodPost, "/v1/b2b/organizations", body)
		vs := rt.CheckRequest([]byte(body))
		if len(vs) != 1 || vs[0].Keyword != keyword || vs[0].ErrorType != "bad_request" {
			t.Errorf("%.20s: %v, want one %s violation", body, vs, keyword)
		}
	}
}

func TestCheckResponseNamesEachViolation(t *testing.T) {
	c := setup(t)
	rt, _ := route(t, c, http.MethodGet, "/v1/b2b/rbac/policy", "")
	json := http.Header{"Content-Type": {"application/json"}}
	for name, tc := range map[string]struct {
		status int
		header http.Header
		body   string
		want   string // in a violation's field or problem
	}{
		"required field missing": {200, json, `{"request_id":"r"}`, "status_code"},
		"undocumented status":    {409, json, `{}`, "status"},
		"not JSON":               {200, http.Header{"Content-Type": {"text/plain"}}, `ok`, "Content-Type"},
	} {
		vs := rt.CheckResponse(tc.status, tc.header, []byte(tc.body))
		if len(vs) == 0 {
			t.Errorf("%s: no violation", name)
			continue
		}
		for _, v := range vs {
			if v.Operation != "getRBACPolicy" || v.Direction != contract.Response || v.ErrorType != "" {
				t.Errorf("%s: %+v", name, v)
			}
		}
		if s := vs[0].Field + " " + vs[0].Problem; !strings.Contains(s, tc.want) {
			t.Errorf("%s: %v does not name %s", name, vs, tc.want)
		}
	}
}

func TestCheckErrorBody(t *testing.T) {
	c := setup(t)
	ok := `{"status_code":404,"request_id":"r","error_type":"route_not_found","error_message":"m","error_url":"u"}`
	if vs := c.CheckErrorBody([]byte(ok)); vs != nil {
		t.Errorf("a Stytch error: %v", vs)
	}
	for body, want := range map[string]string{`{"message":"oops"}`: "error_type", `<html>`: "not JSON"} {
		vs := c.CheckErrorBody([]byte(body))
		named := false
		for _, v := range vs {
			named = named || strings.Contains(v.Field+" "+v.Problem, want)
			if v.Direction != contract.Response || v.Operation != "" {
				t.Errorf("%s: %+v", body, v)
			}
		}
		if !named {
			t.Errorf("%s: %v, want a violation naming %s", body, vs, want)
		}
	}
}

// A violation reads as one line of a log: operation, direction, field, problem.
func TestViolationString(t *testing.T) {
	v := contract.Violation{Operation: "createOrganization", Direction: contract.Request, Field: "mfa_policy", Problem: "value is not one of the allowed values"}
	if got, want := v.String(), "createOrganization request: mfa_policy: value is not one of the allowed values"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	v = contract.Violation{Direction: contract.Response, Problem: "error body is not JSON"}
	if got, want := v.String(), "response: error body is not JSON"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// A 413 or 431 answers a request's size before any operation sees it: whatever the operation,
// only its error body is checked, so a proxy in front of Stytch reports no "status not
// supported" for them, and still reports a body that is not Stytch's error shape.
func TestSizeAnswersAreCheckedAsErrorBodies(t *testing.T) {
	c := setup(t)
	shaped := `{"status_code":413,"request_id":"r","error_type":"request_too_large","error_message":"m","error_url":"u"}`
	json := http.Header{"Content-Type": []string{"application/json"}}
	for _, status := range []int{http.StatusRequestEntityTooLarge, http.StatusRequestHeaderFieldsTooLarge} {
		rt, _ := route(t, c, http.MethodGet, "/v1/b2b/organizations/acme", "")
		if vs := rt.CheckResponse(status, json, []byte(shaped)); len(vs) != 0 {
			t.Errorf("%d with a Stytch error body: %v", status, vs)
		}
		if vs := rt.CheckResponse(status, json, []byte(`<html>too large</html>`)); len(vs) == 0 {
			t.Errorf("%d with an HTML body: no violation", status)
		}
	}
	// Any other undocumented status is still one.
	rt, _ := route(t, c, http.MethodGet, "/v1/b2b/organizations/acme", "")
	if vs := rt.CheckResponse(http.StatusTeapot, json, []byte(shaped)); len(vs) == 0 {
		t.Error("418: no violation")
	}
}
