package mockserver_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// A path with repeated slashes is served as the path with single slashes: the official Go SDK,
// given a base URL that ends in "/", asks for //v1/b2b/sessions/jwks/{project_id}. But an
// empty id is never read as a repeated slash: /organizations//metrics is not the organization
// "metrics", and /members//totp is not the member "totp".
func TestRepeatedSlashes(t *testing.T) {
	e := setup(t)
	acme := e.org("Acme", "acme")
	metrics := e.org("Metrics Inc", "metrics")
	totp := e.createMember(acme.OrganizationID, api.MemberCreateRequest{EmailAddress: "totp@acme.com", ExternalID: ptr("totp")})

	for _, path := range []string{
		"//v1/b2b/sessions/jwks/" + e.project,
		"///v1/b2b/sessions//jwks/" + e.project,
	} {
		status, body := e.raw(http.MethodGet, path, nil)
		e.expectOK(status, body, nil)
	}
	for _, path := range []string{"//v1/b2b/organizations/acme", "/v1//b2b///organizations/acme"} {
		status, body := e.raw(http.MethodGet, path, nil)
		e.expectOK(status, body, nil)
		var got api.GetOrganization200JSONResponse
		if err := json.Unmarshal(body, &got); err != nil || got.Organization.OrganizationID != acme.OrganizationID {
			t.Errorf("GET %s answered %s", path, body)
		}
	}
	status, body := e.raw(http.MethodGet, "//v1/b2b/organizations/acme/members//"+totp.MemberID+"//oauth_providers//google", nil)
	e.expectError(status, body, nil, http.StatusNotFound, "member_oauth_token_not_found")

	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/v1/b2b/organizations//metrics"},
		{http.MethodGet, "//v1/b2b/organizations//metrics"},
		{http.MethodDelete, "/v1/b2b/organizations/acme/members//totp"},
		{http.MethodDelete, "/v1/b2b/organizations/acme//members//totp"},
		{http.MethodDelete, "/v1/b2b/organizations/acme/members///totp"},
		{http.MethodGet, "/v1/b2b/organizations/acme/"},
		{http.MethodGet, "/v1/b2b/organizations/acme//"},
		{http.MethodGet, "/v1/b2b/rbac/policy/"},
	} {
		status, body := e.raw(tc.method, tc.path, nil)
		e.expectError(status, body, nil, http.StatusNotFound, "route_not_found")
	}
	for _, id := range []string{metrics.OrganizationID, acme.OrganizationID} {
		status, body := e.raw(http.MethodGet, "/v1/b2b/organizations/"+id, nil)
		e.expectOK(status, body, nil)
	}
	status, body = e.raw(http.MethodGet, "/v1/b2b/organizations/acme/member?member_id=totp", nil)
	e.expectOK(status, body, nil)
}
