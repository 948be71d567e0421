package mockserver_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver"
)

func TestRBACPolicy(t *testing.T) {
	t.Parallel()
	e := setup(t)
	resp, err := e.c.GetRBACPolicyWithResponse(e.ctx)
	e.expectOK(resp.StatusCode(), resp.Body, err)
	p := resp.JSON200.Policy
	var roles, resources []string
	for _, r := range p.Roles {
		roles = append(roles, r.RoleID)
	}
	for _, r := range p.Resources {
		resources = append(resources, r.ResourceID)
	}
	if !slices.Equal(roles, []string{"stytch_member", "stytch_admin"}) {
		t.Errorf("default roles = %v", roles)
	}
	if !slices.Equal(resources, []string{"stytch.organization", "stytch.member", "stytch.self", "stytch.sso", "stytch.scim"}) {
		t.Errorf("default resources = %v", resources)
	}
	for _, r := range p.Resources {
		if r.ResourceID == "stytch.member" && !slices.Contains(r.Actions, "update.settings.roles") {
			t.Errorf("stytch.member lacks update.settings.roles: %v", r.Actions)
		}
	}
}

func TestOrganizationRBACPolicy(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.org("Acme", "acme")
	empty, err := e.c.GetOrganizationRBACPolicyWithResponse(e.ctx, "acme")
	e.expectOK(empty.StatusCode(), empty.Body, err)
	if len(empty.JSON200.OrgPolicy.Roles) != 0 {
		t.Errorf("new organization has custom roles: %v", empty.JSON200.OrgPolicy.Roles)
	}
	role := api.PolicyRole{RoleID: "billing_viewer", Description: "Reads settings.",
		Permissions: []api.PolicyPermission{{ResourceID: "stytch.organization", Actions: []string{"update.info.name"}}}}
	set, err := e.c.SetOrganizationRBACPolicyWithResponse(e.ctx, "acme", api.OrganizationRBACPolicyRequest{OrgPolicy: policyInput(role)})
	e.expectOK(set.StatusCode(), set.Body, err)
	org, _ := e.c.GetOrganizationWithResponse(e.ctx, "acme")
	if len(org.JSON200.Organization.CustomRoles) != 1 || org.JSON200.Organization.CustomRoles[0].RoleID != "billing_viewer" {
		t.Errorf("custom_roles on the organization = %v", org.JSON200.Organization.CustomRoles)
	}
	// The custom role can now be assigned in this organization, and only there.
	e.createMember("acme", api.MemberCreateRequest{EmailAddress: "ada@acme.com", Roles: &api.RoleIDs{"billing_viewer"}})
	e.org("Other", "other")
	status, body := e.raw(http.MethodPost, "/v1/b2b/organizations/other/members", map[string]any{"email_address": "ada@other.com", "roles": []string{"billing_viewer"}})
	e.expectError(status, body, nil, 400, "invalid_role")

	for _, roles := range [][]api.PolicyRole{
		{{RoleID: "stytch_custom", Description: "x", Permissions: []api.PolicyPermission{}}},
		{role, role},
		{{RoleID: "r", Description: "x", Permissions: []api.PolicyPermission{{ResourceID: "documents", Actions: []string{"read"}}}}},
		{{RoleID: "r", Description: "x", Permissions: []api.PolicyPermission{{ResourceID: "stytch.member", Actions: []string{"teleport"}}}}},
	} {
		resp, err := e.c.SetOrganizationRBACPolicyWithResponse(e.ctx, "acme", api.OrganizationRBACPolicyRequest{OrgPolicy: policyInput(roles...)})
		e.expectError(resp.StatusCode(), resp.Body, err, 400, "invalid_role")
	}
	get, err := e.c.GetOrganizationRBACPolicyWithResponse(e.ctx, "acme")
	e.expectOK(get.StatusCode(), get.Body, err)
	if len(get.JSON200.OrgPolicy.Roles) != 1 {
		t.Errorf("rejected policies changed the roles: %v", get.JSON200.OrgPolicy.Roles)
	}
	missing, err := e.c.GetOrganizationRBACPolicyWithResponse(e.ctx, "nope")
	e.expectError(missing.StatusCode(), missing.Body, err, 404, "organization_not_found")
}

// Member sessions: with X-Stytch-Member-Session (or the JWT header) the request is authorized
// as the member, by its roles, within its organization.
func TestMemberSessionAuthorization(t *testing.T) {
	t.Parallel()
	e := setup(t)
	admin, plain := "member-test-00000000-0000-4000-8000-0000000000a1", "member-test-00000000-0000-4000-8000-0000000000a2"
	e.seed(mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{
		{OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
			Members: []mockserver.FixtureMember{
				{MemberCreateParams: client.MemberCreateParams{EmailAddress: "admin@acme.com", Roles: []string{"stytch_admin"}}, MemberID: admin,
					Sessions: []mockserver.FixtureSession{{SessionToken: "admin-token", SessionJWT: "admin.jwt.sig"}}},
				{MemberCreateParams: client.MemberCreateParams{EmailAddress: "plain@acme.com"}, MemberID: plain,
					Sessions: []mockserver.FixtureSession{{SessionToken: "plain-token"}}},
			}},
		{OrganizationCreateParams: client.OrganizationCreateParams{Name: "Other", Slug: "other"}},
	}})
	as := func(token string) *api.UpdateOrganizationParams {
		return &api.UpdateOrganizationParams{XStytchMemberSession: &token}
	}
	rename := api.OrganizationUpdateRequest{OrganizationName: ptr("Acme Renamed")}

	ok, err := e.c.UpdateOrganizationWithResponse(e.ctx, "acme", as("admin-token"), rename)
	e.expectOK(ok.StatusCode(), ok.Body, err)
	jwt, err := e.c.UpdateOrganizationWithResponse(e.ctx, "acme", &api.UpdateOrganizationParams{XStytchMemberSessionJWT: ptr("admin.jwt.sig")}, rename)
	e.expectOK(jwt.StatusCode(), jwt.Body, err)
	denied, err := e.c.UpdateOrganizationWithResponse(e.ctx, "acme", as("plain-token"), rename)
	e.expectError(denied.StatusCode(), denied.Body, err, 403, "unauthorized_action")
	tenancy, err := e.c.UpdateOrganizationWithResponse(e.ctx, "other", as("admin-token"), rename)
	e.expectError(tenancy.StatusCode(), tenancy.Body, err, 403, "unauthorized_action")
	unknown, err := e.c.UpdateOrganizationWithResponse(e.ctx, "acme", as("who-token"), rename)
	e.expectError(unknown.StatusCode(), unknown.Body, err, 404, "session_not_found")
	both, err := e.c.UpdateOrganizationWithResponse(e.ctx, "acme", &api.UpdateOrganizationParams{XStytchMemberSession: ptr("admin-token"), XStytchMemberSessionJWT: ptr("admin.jwt.sig")}, rename)
	e.expectError(both.StatusCode(), both.Body, err, 400, "too_many_session_arguments")
	trusted, err := e.c.UpdateOrganizationWithResponse(e.ctx, "acme", as("admin-token"), api.OrganizationUpdateRequest{TrustedMetadata: &api.MetadataPatch{"a": 1}})
	e.expectError(trusted.StatusCode(), trusted.Body, err, 401, "cannot_update_trusted_metadata")

	// stytch_member grants stytch.self: a member may rename itself but not change its own roles
	// or another member.
	self := &api.UpdateMemberParams{XStytchMemberSession: ptr("plain-token")}
	renamed, err := e.c.UpdateMemberWithResponse(e.ctx, "acme", plain, self, api.MemberUpdateRequest{Name: ptr("Plain Jane")})
	e.expectOK(renamed.StatusCode(), renamed.Body, err)
	roles, err := e.c.UpdateMemberWithResponse(e.ctx, "acme", plain, self, api.MemberUpdateRequest{Roles: &api.RoleIDs{"stytch_admin"}})
	e.expectError(roles.StatusCode(), roles.Body, err, 403, "unauthorized_action")
	other, err := e.c.UpdateMemberWithResponse(e.ctx, "acme", admin, self, api.MemberUpdateRequest{Name: ptr("Hacked")})
	e.expectError(other.StatusCode(), other.Body, err, 403, "unauthorized_action")
	search, err := e.c.SearchMembersWithResponse(e.ctx, &api.SearchMembersParams{XStytchMemberSession: ptr("plain-token")}, api.MemberSearchRequest{OrganizationIds: []string{"acme"}})
	e.expectError(search.StatusCode(), search.Body, err, 403, "unauthorized_action")
	adminSearch, err := e.c.SearchMembersWithResponse(e.ctx, &api.SearchMembersParams{XStytchMemberSession: ptr("admin-token")}, api.MemberSearchRequest{OrganizationIds: []string{"acme", "other"}})
	e.expectError(adminSearch.StatusCode(), adminSearch.Body, err, 403, "unauthorized_action")

	// Deleting itself ends the member's sessions.
	del, err := e.c.DeleteMemberWithResponse(e.ctx, "acme", plain, &api.DeleteMemberParams{XStytchMemberSession: ptr("plain-token")})
	e.expectOK(del.StatusCode(), del.Body, err)
	after, err := e.c.UpdateMemberWithResponse(e.ctx, "acme", plain, self, api.MemberUpdateRequest{Name: ptr("x")})
	e.expectError(after.StatusCode(), after.Body, err, 404, "session_not_found")

	// Operations that do not take the headers ignore them.
	get, err := e.c.GetOrganizationWithResponse(e.ctx, "acme", func(_ context.Context, r *http.Request) error {
		r.Header.Set("X-Stytch-Member-Session", "nonsense")
		return nil
	})
	e.expectOK(get.StatusCode(), get.Body, err)
}

func TestSessionTokensAndJWTsAreNotInterchangeable(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
		Members: []mockserver.FixtureMember{{MemberCreateParams: client.MemberCreateParams{EmailAddress: "a@acme.com", Roles: []string{"stytch_admin"}},
			Sessions: []mockserver.FixtureSession{{SessionToken: "tok", SessionJWT: "j.w.t"}}}},
	}}})
	rename := api.OrganizationUpdateRequest{OrganizationName: ptr("x")}
	r, err := e.c.UpdateOrganizationWithResponse(e.ctx, "acme", &api.UpdateOrganizationParams{XStytchMemberSessionJWT: ptr("tok")}, rename)
	e.expectError(r.StatusCode(), r.Body, err, 404, "session_not_found")
	r, err = e.c.UpdateOrganizationWithResponse(e.ctx, "acme", &api.UpdateOrganizationParams{XStytchMemberSession: ptr("j.w.t")}, rename)
	e.expectError(r.StatusCode(), r.Body, err, 404, "session_not_found")
	// A token can belong to one session only.
	m, _ := e.c.GetMemberWithResponse(e.ctx, "acme", &api.GetMemberParams{EmailAddress: ptr("a@acme.com")})
	other := e.member("acme", "b@acme.com")
	if err := e.srv.AddSession(e.project, other.MemberID, "tok", ""); err == nil {
		t.Errorf("a second session with the same token was accepted")
	}
	if err := e.srv.AddSession(e.project, m.JSON200.MemberID, "tok2", ""); err != nil {
		t.Errorf("a new token: %v", err)
	}
}
