package mockserver_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// The tests of this file hold the mock to Stytch's published spec and the official SDKs where
// the two once disagreed (fidelity-findings.md), and to the choices openapi.yaml's introduction
// makes where they conflict or are silent.

// decodeJSON decodes a response body the test has checked for success.
func decodeJSON(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return v
}

// TestSeedExampleCreateOrganization is Stytch's own example: a create with a name, a slug and
// email_allowed_domains only answers exactly these settings. email_allowed_domains is not an
// authentication setting, so email_invites keeps the default of a request without any.
func TestSeedExampleCreateOrganization(t *testing.T) {
	t.Parallel()
	e := setup(t)
	status, body := e.raw(http.MethodPost, "/v1/b2b/organizations",
		`{"organization_name":"Acme Corporation","organization_slug":"acme-corp","email_allowed_domains":["acme.com"]}`)
	e.expectOK(status, body, nil)
	org := decodeJSON(t, body)["organization"].(map[string]any)
	for field, want := range map[string]any{
		"organization_name":      "Acme Corporation",
		"organization_slug":      "acme-corp",
		"email_allowed_domains":  []any{"acme.com"},
		"email_invites":          "ALL_ALLOWED",
		"email_jit_provisioning": "NOT_ALLOWED",
		"auth_methods":           "ALL_ALLOWED",
		"allowed_auth_methods":   []any{},
		"mfa_policy":             "OPTIONAL",
	} {
		if !reflect.DeepEqual(org[field], want) {
			t.Errorf("%s = %#v, want %#v", field, org[field], want)
		}
	}

	// A real authentication setting still makes email_invites default to NOT_ALLOWED.
	status, body = e.raw(http.MethodPost, "/v1/b2b/organizations",
		`{"organization_name":"Beta","email_allowed_domains":["beta.com"],"mfa_policy":"REQUIRED_FOR_ALL"}`)
	e.expectOK(status, body, nil)
	if got := decodeJSON(t, body)["organization"].(map[string]any)["email_invites"]; got != "NOT_ALLOWED" {
		t.Errorf("with mfa_policy, email_invites = %v, want NOT_ALLOWED", got)
	}
}

// Reactivate and revoke take a JSON body, as in Stytch's spec: {} as the Node and Python SDKs
// send it, or the path ids the Go SDK repeats in it. A request without one is refused.
func TestReactivateAndRevokeTakeAJSONBody(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const (
		orgID = "organization-test-00000000-0000-4000-8000-0000000000a0"
		ada   = "member-test-00000000-0000-4000-8000-0000000000a1"
		app   = "connected-app-test-a1"
	)
	e.seed(mockserver.Fixture{
		ConnectedApps: []mockserver.FixtureConnectedApp{{ConnectedAppID: app, Name: "Analytics"}},
		Organizations: []mockserver.FixtureOrganization{{
			OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
			OrganizationID:           orgID,
			Members: []mockserver.FixtureMember{{
				MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com"}, MemberID: ada,
				EmailAddressVerified: true,
				ConnectedApps:        []mockserver.FixtureGrant{{ConnectedAppID: app, Scopes: []string{"openid"}}},
			}},
		}},
	})
	reactivate := "/v1/b2b/organizations/acme/members/" + ada + "/reactivate"
	revoke := "/v1/b2b/organizations/acme/members/" + ada + "/connected_apps/" + app + "/revoke"

	for _, body := range []any{nil, "", "[]", `"x"`} {
		status, resp := e.raw(http.MethodPut, reactivate, body)
		e.expectError(status, resp, nil, 400, "bad_request")
		status, resp = e.raw(http.MethodPost, revoke, body)
		e.expectError(status, resp, nil, 400, "bad_request")
	}

	// The Go SDK's revoke: the three path ids in the body.
	status, resp := e.raw(http.MethodPost, revoke, map[string]string{"organization_id": orgID, "member_id": ada, "connected_app_id": app})
	e.expectOK(status, resp, nil)
	// The Node SDK's: {}. The app is revoked already, so the body was read and the call made.
	status, resp = e.raw(http.MethodPost, revoke, "{}")
	e.expectError(status, resp, nil, 404, "connected_app_not_found")

	status, resp = e.raw(http.MethodDelete, "/v1/b2b/organizations/acme/members/"+ada, nil)
	e.expectOK(status, resp, nil)
	// The Go SDK's reactivate, then the Node SDK's on a member that is active again.
	status, resp = e.raw(http.MethodPut, reactivate, map[string]string{"organization_id": orgID, "member_id": ada})
	e.expectOK(status, resp, nil)
	if got := decodeJSON(t, resp)["member"].(map[string]any)["status"]; got != "active" {
		t.Errorf("reactivated member status = %v", got)
	}
	status, resp = e.raw(http.MethodPut, reactivate, "{}")
	e.expectError(status, resp, nil, 400, "no_deleted_member_found_for_reactivation")
}

// The official Go SDK leaves every empty field out of a request. Where Stytch's backend reads a
// missing field as its empty value, so does the mock.
func TestFieldsTheGoSDKOmitsAreReadAsEmpty(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
		CustomRoles:              []client.Role{{RoleID: "viewer", Description: "Views.", Permissions: []client.Permission{}}},
	}}})
	policy := "/v1/b2b/rbac/organizations/acme"
	rolesOf := func(body []byte) []any {
		t.Helper()
		return decodeJSON(t, body)["org_policy"].(map[string]any)["roles"].([]any)
	}

	// SetOrgPolicy with no custom roles: "org_policy":{}. It clears them.
	status, body := e.raw(http.MethodPut, policy, `{"org_policy":{}}`)
	e.expectOK(status, body, nil)
	if roles := rolesOf(body); len(roles) != 0 {
		t.Errorf(`{"org_policy":{}} left roles %v`, roles)
	}
	status, body = e.raw(http.MethodGet, "/v1/b2b/organizations/acme", nil)
	e.expectOK(status, body, nil)
	if roles := decodeJSON(t, body)["organization"].(map[string]any)["custom_roles"]; !reflect.DeepEqual(roles, []any{}) {
		t.Errorf("custom_roles after clearing = %v", roles)
	}

	// A role without description or permissions, and a permission without actions.
	status, body = e.raw(http.MethodPut, policy,
		`{"org_policy":{"roles":[{"role_id":"bare"},{"role_id":"reader","permissions":[{"resource_id":"stytch.member"}]}]}}`)
	e.expectOK(status, body, nil)
	want := []any{
		map[string]any{"role_id": "bare", "description": "", "permissions": []any{}},
		map[string]any{"role_id": "reader", "description": "", "permissions": []any{
			map[string]any{"resource_id": "stytch.member", "actions": []any{}}}},
	}
	if roles := rolesOf(body); !reflect.DeepEqual(roles, want) {
		t.Errorf("roles = %v, want %v", roles, want)
	}

	// A query without operands filters nothing.
	status, body = e.raw(http.MethodPost, "/v1/b2b/organizations/search", `{"query":{"operator":"AND"}}`)
	e.expectOK(status, body, nil)
	if total := decodeJSON(t, body)["results_metadata"].(map[string]any)["total"]; total != 1.0 {
		t.Errorf("organization search without operands found %v organizations, want 1", total)
	}
	e.member("acme", "ada@acme.com")
	status, body = e.raw(http.MethodPost, "/v1/b2b/organizations/members/search", `{"organization_ids":["acme"],"query":{"operator":"AND"}}`)
	e.expectOK(status, body, nil)
	if total := decodeJSON(t, body)["results_metadata"].(map[string]any)["total"]; total != 1.0 {
		t.Errorf("member search without operands found %v members, want 1", total)
	}
}

// A required request field whose empty value is invalid stays required: left out, it is refused
// with the field's Stytch error type.
func TestRequiredRequestFieldsLeftOutAreRefused(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.org("Acme", "acme")
	ada := e.member("acme", "ada@acme.com")
	for _, tc := range []struct {
		field, method, path, body, wantType string
	}{
		{"organization_name", http.MethodPost, "/v1/b2b/organizations", `{"organization_slug":"x-corp"}`, "invalid_organization_name"},
		{"email_address (create)", http.MethodPost, "/v1/b2b/organizations/acme/members", `{"name":"Ada"}`, "invalid_email"},
		{"email_address (start_email_update)", http.MethodPost, "/v1/b2b/organizations/acme/members/" + ada.MemberID + "/start_email_update", `{}`, "invalid_email"},
		{"organization_ids", http.MethodPost, "/v1/b2b/organizations/members/search", `{}`, "member_search_organization_ids_empty"},
		{"role_id", http.MethodPut, "/v1/b2b/rbac/organizations/acme", `{"org_policy":{"roles":[{"description":"x"}]}}`, "invalid_role"},
		{"resource_id", http.MethodPut, "/v1/b2b/rbac/organizations/acme", `{"org_policy":{"roles":[{"role_id":"r","permissions":[{"actions":["get"]}]}]}}`, "invalid_role"},
		{"org_policy", http.MethodPut, "/v1/b2b/rbac/organizations/acme", `{}`, "bad_request"},
		{"implicit role domain", http.MethodPut, "/v1/b2b/organizations/acme", `{"rbac_email_implicit_role_assignments":[{"role_id":"stytch_admin"}]}`, "rbac_invalid_domain"},
		{"implicit role role_id", http.MethodPut, "/v1/b2b/organizations/acme", `{"rbac_email_implicit_role_assignments":[{"domain":"acme.com"}]}`, "invalid_rbac_role_assignment"},
		{"operator", http.MethodPost, "/v1/b2b/organizations/search", `{"query":{"operands":[]}}`, "user_search_invalid_operator"},
		{"filter_name", http.MethodPost, "/v1/b2b/organizations/search", `{"query":{"operator":"AND","operands":[{"filter_value":"acme"}]}}`, "organization_search_missing_filter_name"},
		{"filter_value", http.MethodPost, "/v1/b2b/organizations/members/search", `{"organization_ids":["acme"],"query":{"operator":"AND","operands":[{"filter_name":"member_emails"}]}}`, "member_search_missing_filter_value"},
	} {
		t.Run(tc.field, func(t *testing.T) {
			e := e.with(t)
			status, body := e.raw(tc.method, tc.path, tc.body)
			e.expectError(status, body, nil, 400, tc.wantType)
		})
	}
}

// Only the limits Stytch documents are enforced: no member name length, no logo URL length, and
// internationalized (punycode) top-level domains are domains. What is no domain at all is still
// refused.
func TestNoLimitsStytchDoesNotDocument(t *testing.T) {
	t.Parallel()
	e := setup(t)
	long := "https://acme.example/" + strings.Repeat("l", 5000)
	status, body := e.raw(http.MethodPost, "/v1/b2b/organizations", map[string]any{
		"organization_name": "Acme", "organization_slug": "acme", "organization_logo_url": long,
		"email_allowed_domains":                []string{"xn--80ak6aa92e.xn--p1ai"},
		"claimed_email_domains":                []string{"xn--d1acufc.xn--p1ai"},
		"rbac_email_implicit_role_assignments": []map[string]string{{"domain": "xn--80ak6aa92e.xn--p1ai", "role_id": "stytch_admin"}},
	})
	e.expectOK(status, body, nil)
	org := decodeJSON(t, body)["organization"].(map[string]any)
	if org["organization_logo_url"] != long || !reflect.DeepEqual(org["email_allowed_domains"], []any{"xn--80ak6aa92e.xn--p1ai"}) ||
		!reflect.DeepEqual(org["claimed_email_domains"], []any{"xn--d1acufc.xn--p1ai"}) {
		t.Errorf("organization = %v", org)
	}
	status, body = e.raw(http.MethodPut, "/v1/b2b/organizations/acme", map[string]any{"organization_logo_url": long + "x"})
	e.expectOK(status, body, nil)

	name := strings.Repeat("ß", 1000)
	status, body = e.raw(http.MethodPost, "/v1/b2b/organizations/acme/members", map[string]any{"email_address": "ada@xn--d1acufc.xn--p1ai", "name": name})
	e.expectOK(status, body, nil)
	member := decodeJSON(t, body)["member"].(map[string]any)
	if member["name"] != name {
		t.Errorf("member name of %d characters was not stored", len([]rune(name)))
	}
	status, body = e.raw(http.MethodPut, "/v1/b2b/organizations/acme/members/"+member["member_id"].(string), map[string]any{"name": name + "!"})
	e.expectOK(status, body, nil)

	for _, tc := range []struct{ body, wantType string }{
		{`{"organization_name":"B","email_allowed_domains":["not a domain"]}`, "organization_settings_invalid_domain"},
		{`{"organization_name":"B","claimed_email_domains":["acme"]}`, "organization_settings_invalid_claimed_domain"},
		{`{"organization_name":"B","rbac_email_implicit_role_assignments":[{"domain":"acme.-com","role_id":"stytch_admin"}]}`, "rbac_invalid_domain"},
	} {
		status, body := e.raw(http.MethodPost, "/v1/b2b/organizations", tc.body)
		e.expectError(status, body, nil, 400, tc.wantType)
	}
}

// allowed_oauth_tenants is free-form, as in Stytch's spec and SDKs: stored and returned as sent.
func TestAllowedOAuthTenantsIsFreeForm(t *testing.T) {
	t.Parallel()
	e := setup(t)
	tenants := map[string]any{"slack": []any{"T01ACME"}, "github": []any{"9919"}, "gitlab": []any{"acme-group"}}
	status, body := e.raw(http.MethodPost, "/v1/b2b/organizations", map[string]any{
		"organization_name": "Acme", "organization_slug": "acme", "allowed_oauth_tenants": tenants})
	e.expectOK(status, body, nil)
	if got := decodeJSON(t, body)["organization"].(map[string]any)["allowed_oauth_tenants"]; !reflect.DeepEqual(got, tenants) {
		t.Errorf("allowed_oauth_tenants = %v, want %v", got, tenants)
	}
	status, body = e.raw(http.MethodPut, "/v1/b2b/organizations/acme", `{"allowed_oauth_tenants":{"hubspot":["21938477"]}}`)
	e.expectOK(status, body, nil)
	if got := decodeJSON(t, body)["organization"].(map[string]any)["allowed_oauth_tenants"]; !reflect.DeepEqual(got, map[string]any{"hubspot": []any{"21938477"}}) {
		t.Errorf("allowed_oauth_tenants after update = %v", got)
	}
}

// Each search choice of openapi.yaml's introduction: accept what Stytch's spec and the SDKs
// send, refuse what Stytch's spec refuses.
func TestSearchChoices(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.org("Acme", "acme")
	e.member("acme", "ada@acme.com")
	const orgs, members = "/v1/b2b/organizations/search", "/v1/b2b/organizations/members/search"
	member := func(operand string) string {
		return `{"organization_ids":["acme"],"query":{"operator":"AND","operands":[` + operand + `]}}`
	}
	for _, tc := range []struct {
		name, path string
		body       any
		wantType   string // "" for success
	}{
		{"an organization search needs a body", orgs, nil, "bad_request"},
		{"{} searches everything", orgs, `{}`, ""},
		{"operands may be left out", orgs, `{"query":{"operator":"AND"}}`, ""},
		{"operands may not be null", orgs, `{"query":{"operator":"AND","operands":null}}`, "bad_request"},
		{"the cursor may not be null", orgs, `{"cursor":null}`, "user_search_invalid_cursor"},
		{"an empty cursor is the first page", orgs, `{"cursor":""}`, ""},
		{"a limit of 1000", orgs, `{"limit":1000}`, ""},
		{"a limit above 1000 is refused, not cut", orgs, `{"limit":1001}`, "user_search_invalid_limit"},
		{"a member search limit above 1000 too", members, `{"organization_ids":["acme"],"limit":5000}`, "user_search_invalid_limit"},
		{"OR is deprecated but still answered", orgs, `{"query":{"operator":"OR","operands":[{"filter_name":"organization_slugs","filter_value":["acme"]}]}}`, ""},
		{"an unknown filter name", members, member(`{"filter_name":"member_colour","filter_value":"red"}`), "member_search_filter_name_not_recognized"},
		{"frontend SDK name member_mfa_phone_numbers", members, member(`{"filter_name":"member_mfa_phone_numbers","filter_value":["+12025550123"]}`), ""},
		{"frontend SDK name member_mfa_phone_number_fuzzy", members, member(`{"filter_name":"member_mfa_phone_number_fuzzy","filter_value":"555"}`), ""},
		{"frontend SDK name member_password_exists", members, member(`{"filter_name":"member_password_exists","filter_value":false}`), ""},
		{"frontend SDK name member_roles", members, member(`{"filter_name":"member_roles","filter_value":["stytch_member"]}`), ""},
		{"Node SDK name member_phone_numbers", members, member(`{"filter_name":"member_phone_numbers","filter_value":["+12025550123"]}`), ""},
		{"Node SDK name member_phone_number_fuzzy", members, member(`{"filter_name":"member_phone_number_fuzzy","filter_value":"555"}`), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := e.with(t)
			status, body := e.raw(http.MethodPost, tc.path, tc.body)
			if tc.wantType == "" {
				e.expectOK(status, body, nil)
			} else {
				e.expectError(status, body, nil, 400, tc.wantType)
			}
		})
	}
}

// The details of an email_assignment role source name the domain email_domain, the key of the
// member object example in Stytch's documentation.
func TestRoleSourceDetailsNameTheEmailDomain(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id := "member-test-00000000-0000-4000-8000-0000000000c1"
	e.seed(mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme",
			RBACEmailImplicitRoleAssignments: []client.ImplicitRoleAssignment{{Domain: "acme.com", RoleID: "stytch_admin"}}},
		Members: []mockserver.FixtureMember{{MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com"},
			MemberID: id, EmailAddressVerified: true}},
	}}})
	status, body := e.raw(http.MethodGet, "/v1/b2b/organizations/acme/member?member_id="+id, nil)
	e.expectOK(status, body, nil)
	want := []any{map[string]any{"type": "email_assignment", "details": map[string]any{"email_domain": "acme.com"}}}
	for _, r := range decodeJSON(t, body)["member"].(map[string]any)["roles"].([]any) {
		role := r.(map[string]any)
		if role["role_id"] == "stytch_admin" {
			if !reflect.DeepEqual(role["sources"], want) {
				t.Errorf("sources of the implicit role = %v, want %v", role["sources"], want)
			}
			return
		}
	}
	t.Errorf("the member does not hold the implicit role: %s", body)
}

// The session JWKS needs no credentials, as both official SDKs fetch it (Stytch's spec applies
// Basic authentication).
func TestSessionJWKSNeedsNoCredentials(t *testing.T) {
	t.Parallel()
	e := setup(t)
	resp, err := e.srv.Client().Get(e.srv.URL + "/v1/b2b/sessions/jwks/" + e.project)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		StatusCode int   `json:"status_code"`
		Keys       []any `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 || body.Keys == nil {
		t.Errorf("JWKS without credentials: %d %+v %v", resp.StatusCode, body, err)
	}
}

// Get an organization's connected app carries request_id, which Stytch's Python SDK requires
// (Stytch's spec and its Node and Go types leave it out).
func TestConnectedAppAnswerCarriesARequestID(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(mockserver.Fixture{
		ConnectedApps: []mockserver.FixtureConnectedApp{{ConnectedAppID: "connected-app-test-c1", Name: "Analytics"}},
		Organizations: []mockserver.FixtureOrganization{{
			OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
			Members: []mockserver.FixtureMember{{MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com"},
				ConnectedApps: []mockserver.FixtureGrant{{ConnectedAppID: "connected-app-test-c1", Scopes: []string{"openid"}}}}},
		}},
	})
	status, body := e.raw(http.MethodGet, "/v1/b2b/organizations/acme/connected_apps/connected-app-test-c1", nil)
	e.expectOK(status, body, nil) // which checks request_id
}

// Stytch grants an organization's email implicit roles to "all Members whose email addresses
// have the specified email domain ... regardless of their login method": a member created
// through the API, whose address is not verified, holds them at once, and loses them when its
// address leaves the domain.
func TestEmailImplicitRolesNeedNoVerifiedAddress(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.createOrg(api.OrganizationCreateRequest{OrganizationName: "Acme", OrganizationSlug: ptr("acme"),
		RBACEmailImplicitRoleAssignments: &[]api.EmailImplicitRoleAssignment{{Domain: "acme.com", RoleID: "stytch_admin"}}})
	m := e.createMember("acme", api.MemberCreateRequest{EmailAddress: "ada@acme.com"})
	if m.EmailAddressVerified {
		t.Fatalf("a member created through the API has a verified address: %+v", m)
	}
	holds := func(m api.Member) bool {
		for _, r := range m.Roles {
			if r.RoleID == "stytch_admin" {
				return len(r.Sources) == 1 && r.Sources[0].Type == "email_assignment"
			}
		}
		return false
	}
	if !holds(m) {
		t.Errorf("an unverified member of acme.com lacks the implicit role: %+v", m.Roles)
	}
	resp, err := e.c.UpdateMemberWithResponse(e.ctx, "acme", m.MemberID, nil, api.MemberUpdateRequest{EmailAddress: ptr("ada@elsewhere.com")})
	e.expectOK(resp.StatusCode(), resp.Body, err)
	if holds(resp.JSON200.Member) {
		t.Errorf("a member whose address left acme.com still holds the implicit role: %+v", resp.JSON200.Member.Roles)
	}
}

// The values the spec marks nullable are sent as null when they have none, as Stytch's
// documentation shows them (the choice "Values that may be null"), not left out: a test that
// checks for an absent key would pass against the mock and fail against Stytch.
func TestNullableValuesAreSentAsNull(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.org("Acme", "acme")
	status, body := e.raw(http.MethodGet, "/v1/b2b/organizations/acme", nil)
	e.expectOK(status, body, nil)
	org := decodeJSON(t, body)["organization"].(map[string]any)
	for _, key := range []string{"sso_default_connection_id", "scim_active_connection"} {
		if v, ok := org[key]; !ok || v != nil {
			t.Errorf("organization.%s = %v (present %v), want null", key, v, ok)
		}
	}
	status, body = e.raw(http.MethodPost, "/v1/b2b/organizations/search", map[string]any{})
	e.expectOK(status, body, nil)
	meta := decodeJSON(t, body)["results_metadata"].(map[string]any)
	if v, ok := meta["next_cursor"]; !ok || v != nil {
		t.Errorf("results_metadata.next_cursor on the last page = %v (present %v), want null", v, ok)
	}
}
