package contracttest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/mockserver"
)

func TestProjectPolicyHasStytchsDefaults(t *testing.T) {
	check(t, rule{name: "project policy defaults", area: areaRBAC, says: "the project policy holds Stytch's default roles (stytch_member, stytch_admin) and resources (stytch.organization, stytch.member)"}, func(c *ct) {
		p, err := c.c.RBAC.Policy(c.ctx)
		c.must(err, "reading the policy")
		for _, role := range []string{"stytch_member", "stytch_admin"} {
			if !slices.ContainsFunc(p.Roles, func(r client.Role) bool { return r.RoleID == role }) {
				c.Errorf("the policy has no role %s", role)
			}
		}
		for _, res := range []string{"stytch.organization", "stytch.member"} {
			if !slices.ContainsFunc(p.Resources, func(r client.Resource) bool { return r.ResourceID == res }) {
				c.Errorf("the policy has no resource %s", res)
			}
		}
	})
}

// auditor is a custom role that may read and search members.
var auditor = client.Role{RoleID: "ct-auditor", Description: "Reads members.",
	Permissions: []client.Permission{{ResourceID: "stytch.member", Actions: []string{"get", "search"}}}}

func TestOrganizationPolicyRoundTrip(t *testing.T) {
	check(t, rule{name: "custom roles round trip", area: areaRBAC, says: "an organization's custom roles are set, read back, shown on the organization, and assignable to its members"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		set, err := c.c.RBAC.SetOrganizationPolicy(c.ctx, o.ID, client.OrganizationPolicy{Roles: []client.Role{auditor}})
		c.must(err, "setting the organization policy")
		got, err := c.c.RBAC.OrganizationPolicy(c.ctx, o.ID)
		c.must(err, "reading the organization policy")
		org, err := c.c.Organizations.Get(c.ctx, o.ID)
		c.must(err, "getting the organization")
		want := canonicalJSON(c, []client.Role{auditor})
		for what, roles := range map[string][]client.Role{"set": set.Roles, "read": got.Roles, "custom_roles": org.CustomRoles} {
			if g := canonicalJSON(c, roles); g != want {
				c.Errorf("%s: %s, want %s", what, g, want)
			}
		}
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), Roles: []string{auditor.RoleID}})
		i := slices.IndexFunc(m.Roles, func(r client.MemberRole) bool { return r.RoleID == auditor.RoleID })
		if i < 0 || len(m.Roles[i].Sources) != 1 || m.Roles[i].Sources[0].Type != "direct_assignment" {
			c.Errorf("the member's roles are %+v, want %s by direct_assignment", m.Roles, auditor.RoleID)
		}
		other := c.org(client.OrganizationCreateParams{})
		_, err = c.c.Members.Create(c.ctx, other.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), Roles: []string{auditor.RoleID}})
		c.wantError(err, 400, "invalid_role")
	})
}

func TestAdminRoleMakesAnAdmin(t *testing.T) {
	check(t, rule{name: "stytch_admin and stytch_member", area: areaRBAC, says: "holding stytch_admin makes is_admin true; the implied stytch_member may not be assigned"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), Roles: []string{"stytch_admin"}})
		if !m.IsAdmin || !m.HasRole("stytch_admin") || !m.HasRole("stytch_member") {
			c.Errorf("is_admin %v, roles %+v", m.IsAdmin, m.Roles)
		}
		_, err := c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "bob@" + c.domain("acme"), Roles: []string{"stytch_member"}})
		c.wantError(err, 400, "cannot_assign_default_rbac_role_id")
	})
}

func TestCustomRoleRules(t *testing.T) {
	check(t, rule{name: "custom role rules", area: areaRBAC, choice: "Custom roles", says: "a custom role may not start with stytch_ and grants only resources and actions of the project policy; assigned roles must exist"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		for _, tc := range []struct {
			label string
			roles []client.Role
		}{
			{"role id stytch_…", []client.Role{{RoleID: "stytch_auditor", Description: "x", Permissions: []client.Permission{}}}},
			{"unknown resource", []client.Role{{RoleID: "ct-x", Description: "x", Permissions: []client.Permission{{ResourceID: "ct.nothing", Actions: []string{"get"}}}}}},
			{"unknown action", []client.Role{{RoleID: "ct-y", Description: "x", Permissions: []client.Permission{{ResourceID: "stytch.member", Actions: []string{"ct-fly"}}}}}},
			{"a role id twice", []client.Role{auditor, auditor}},
		} {
			_, err := c.c.RBAC.SetOrganizationPolicy(c.ctx, o.ID, client.OrganizationPolicy{Roles: tc.roles})
			c.saw(tc.label+": 400 invalid_role", tc.label+": "+answerOf(err))
		}
		_, err := c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), Roles: []string{"ct-no-such-role"}})
		c.saw("assigning an unknown role: 400 invalid_role", "assigning an unknown role: "+answerOf(err))
	})
}

func TestEmptyPolicyFieldsReadAsEmpty(t *testing.T) {
	check(t, rule{name: "empty policy fields", area: areaRBAC, choice: "Fields the official SDKs leave out when empty", says: "org_policy without roles clears the custom roles; a role without description or permissions is stored empty"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.RBAC.SetOrganizationPolicy(c.ctx, o.ID, client.OrganizationPolicy{Roles: []client.Role{auditor}})
		c.must(err, "setting a custom role")
		path := "/v1/b2b/rbac/organizations/" + o.ID
		a := c.raw("PUT", path, map[string]any{"org_policy": map[string]any{}})
		var p struct {
			Roles []client.Role `json:"roles"`
		}
		got := a.String()
		if a.field("org_policy", &p) == nil {
			got = fmt.Sprintf("%d custom roles", len(p.Roles))
		}
		c.saw("org_policy {}: 0 custom roles", "org_policy {}: "+got)
		a = c.raw("PUT", path, map[string]any{"org_policy": map[string]any{"roles": []any{map[string]any{"role_id": "ct-bare"}}}})
		got = a.String()
		if a.field("org_policy", &p) == nil && len(p.Roles) == 1 {
			got = fmt.Sprintf("description %q, %d permissions", p.Roles[0].Description, len(p.Roles[0].Permissions))
		}
		c.saw(`a bare role: description "", 0 permissions`, "a bare role: "+got)
	})
}

func TestEmptyPermissionFieldsReadAsEmpty(t *testing.T) {
	check(t, rule{name: "permission without actions", area: areaRBAC, choice: "Empty fields the official Go SDK leaves out", says: "a permission without actions, as the Go SDK sends it, is accepted and grants nothing"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		a := c.raw("PUT", "/v1/b2b/rbac/organizations/"+o.ID, map[string]any{"org_policy": map[string]any{"roles": []any{
			map[string]any{"role_id": "ct-none", "description": "nothing", "permissions": []any{map[string]any{"resource_id": "stytch.member"}}},
		}}})
		c.saw("200", a.String())
	})
}

func TestEmailImplicitRoles(t *testing.T) {
	check(t, rule{name: "email implicit roles", area: areaRBAC, choice: "Email implicit roles", says: "an email implicit role is held by every member in the domain, verified or not, and lost when the address leaves it"}, func(c *ct) {
		domain := c.domain("implicit")
		o := c.org(client.OrganizationCreateParams{RBACEmailImplicitRoleAssignments: []client.ImplicitRoleAssignment{{Domain: domain, RoleID: "stytch_admin"}}})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + domain})
		c.saw("an unverified member in the domain: holds stytch_admin", "an unverified member in the domain: "+holds(m, "stytch_admin"))
		m, err := c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{EmailAddress: client.Set("ada@" + c.domain("elsewhere"))})
		c.must(err, "moving the member's address out of the domain")
		c.saw("after leaving the domain: lacks stytch_admin", "after leaving the domain: "+holds(m, "stytch_admin"))
	})
}

func holds(m *client.Member, role string) string {
	if m.HasRole(role) {
		return "holds " + role
	}
	return "lacks " + role
}

func TestRoleSourceDetails(t *testing.T) {
	check(t, rule{name: "role source details", area: areaRBAC, choice: "Role sources", says: "an email_assignment role source names its domain as details.email_domain"}, func(c *ct) {
		domain := c.domain("implicit")
		o := c.org(client.OrganizationCreateParams{RBACEmailImplicitRoleAssignments: []client.ImplicitRoleAssignment{{Domain: domain, RoleID: "stytch_admin"}}})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + domain})
		got := "no email_assignment source"
		for _, r := range m.Roles {
			for _, s := range r.Sources {
				if s.Type == "email_assignment" {
					got = "details " + jsonOf(s.Details)
				}
			}
		}
		c.saw("details "+jsonOf(map[string]any{"email_domain": domain}), got)
	})
}

// sessionWorld is an organization with an admin, a plain member and a member holding only a
// custom role granting update.info.external-id, each with a session, and a member of another
// organization with a session.
type sessionWorld struct {
	org                           *client.Organization
	admin, plain, extID, stranger *client.Member
	sessions                      map[string]string // member id → session token
}

func (c *ct) sessionWorld(srv *mockserver.Server) *sessionWorld {
	c.T.Helper()
	domain := c.domain("sessions")
	w := &sessionWorld{sessions: map[string]string{}}
	w.org = c.org(client.OrganizationCreateParams{ExternalID: c.slug("ext")})
	extRole := client.Role{RoleID: "ct-ext-ids", Description: "Sets external ids.",
		Permissions: []client.Permission{{ResourceID: "stytch.organization", Actions: []string{"update.info.external-id"}}}}
	_, err := c.c.RBAC.SetOrganizationPolicy(c.ctx, w.org.ID, client.OrganizationPolicy{Roles: []client.Role{extRole}})
	c.must(err, "setting the organization policy")
	w.admin = c.member(w.org.ID, client.MemberCreateParams{EmailAddress: "admin@" + domain, Roles: []string{"stytch_admin"}})
	w.plain = c.member(w.org.ID, client.MemberCreateParams{EmailAddress: "plain@" + domain})
	w.extID = c.member(w.org.ID, client.MemberCreateParams{EmailAddress: "ext@" + domain, Roles: []string{extRole.RoleID}})
	other := c.org(client.OrganizationCreateParams{})
	w.stranger = c.member(other.ID, client.MemberCreateParams{EmailAddress: "stranger@" + domain, Roles: []string{"stytch_admin"}})
	for _, m := range []*client.Member{w.admin, w.plain, w.extID, w.stranger} {
		w.sessions[m.ID] = c.session(srv, m.ID)
	}
	return w
}

func (w *sessionWorld) as(m *client.Member) client.RequestOption {
	return client.WithMemberSession(w.sessions[m.ID])
}

func TestMemberSessionsAreAuthorized(t *testing.T) {
	check(t, rule{name: "member sessions authorized", area: areaRBAC, says: "with a member session, an action needs a role granting it in the member's own organization; a member may act on itself (stytch.self)"}, func(c *ct) {
		w := c.sessionWorld(c.needsMock("member sessions"))
		rename := client.OrganizationUpdateParams{Name: client.Set(c.name("Renamed"))}
		_, err := c.c.Organizations.Update(c.ctx, w.org.ID, rename, w.as(w.plain))
		c.wantError(err, 403, "unauthorized_action")
		_, err = c.c.Organizations.Update(c.ctx, w.org.ID, rename, w.as(w.stranger))
		c.wantError(err, 403, "unauthorized_action")
		_, err = c.c.Organizations.Update(c.ctx, w.org.ID, rename, w.as(w.admin))
		c.must(err, "renaming as an admin")
		_, err = c.c.Members.Update(c.ctx, w.org.ID, w.plain.ID, client.MemberUpdateParams{Name: client.Set("Plain")}, w.as(w.plain))
		c.must(err, "a member renaming itself")
		_, err = c.c.Members.Update(c.ctx, w.org.ID, w.admin.ID, client.MemberUpdateParams{Name: client.Set("Boss")}, w.as(w.plain))
		c.wantError(err, 403, "unauthorized_action")
		_, err = c.c.Organizations.Update(c.ctx, w.org.ID, client.OrganizationUpdateParams{TrustedMetadata: client.MetadataPatch{}.Set("k", "v")}, w.as(w.admin))
		c.wantError(err, 401, "cannot_update_trusted_metadata")
	})
}

func TestTheProjectsOwnRBACActions(t *testing.T) {
	check(t, rule{name: "the project's own RBAC actions", area: areaRBAC, choice: "RBAC actions", says: "removing an organization's external id needs update.info.external-id on stytch.organization (the spec's choice of action)"}, func(c *ct) {
		w := c.sessionWorld(c.needsMock("member sessions"))
		_, err := c.c.Organizations.DeleteExternalID(c.ctx, w.org.ID, w.as(w.plain))
		c.saw("without the action: 403 unauthorized_action", "without the action: "+answerOf(err))
		_, err = c.c.Organizations.DeleteExternalID(c.ctx, w.org.ID, w.as(w.extID))
		c.saw("with only that action: 200", "with only that action: "+answerOf(err))
	})
}
