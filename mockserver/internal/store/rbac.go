package store

// RBAC: Stytch's default roles and resources, the project's policy, organizations' custom
// roles, and the roles a member holds with their sources.

import (
	"slices"
	"strings"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// Stytch's default roles. Every member holds stytch_member; stytch_admin is assigned.
const (
	RoleMember = "stytch_member"
	RoleAdmin  = "stytch_admin"
)

// Stytch's resources.
const (
	resOrganization = "stytch.organization"
	resMember       = "stytch.member"
	resSelf         = "stytch.self"
	resSSO          = "stytch.sso"
	resSCIM         = "stytch.scim"
)

// policy is a project's RBAC policy.
type policy struct {
	roles     []api.PolicyRole
	resources []api.PolicyResource
	scopes    []api.PolicyScope
}

// defaultPolicy is the policy of a new Stytch B2B project: the two default roles and Stytch's
// resources with their actions. Actions the spec's introduction lists as this project's choice
// (get, revoke, update.info.email, update.info.external-id, the OAuth tenant settings) are
// included so custom roles can grant them one by one.
func defaultPolicy() policy {
	all := []string{"*"}
	return policy{
		roles: []api.PolicyRole{
			{RoleID: RoleMember, Description: "Granted to every member; lets members manage themselves.",
				Permissions: []api.PolicyPermission{{ResourceID: resSelf, Actions: all}}},
			{RoleID: RoleAdmin, Description: "Granted to organization administrators; allows every Stytch action in the organization.",
				Permissions: []api.PolicyPermission{
					{ResourceID: resOrganization, Actions: all},
					{ResourceID: resMember, Actions: all},
					{ResourceID: resSSO, Actions: all},
					{ResourceID: resSCIM, Actions: all},
				}},
		},
		resources: []api.PolicyResource{
			{ResourceID: resOrganization, Description: "The member's organization.", Actions: []string{
				"update.info.name", "update.info.slug", "update.info.logo-url", "update.info.external-id",
				"update.settings.allowed-auth-methods", "update.settings.allowed-mfa-methods",
				"update.settings.email-jit-provisioning", "update.settings.email-invites",
				"update.settings.allowed-domains", "update.settings.default-sso-connection",
				"update.settings.sso-jit-provisioning", "update.settings.mfa-policy",
				"update.settings.implicit-roles", "update.settings.oauth-tenant-jit-provisioning",
				"update.settings.allowed-oauth-tenants", "update.settings.claimed-domains",
				"update.settings.connected-apps", "get", "delete",
			}},
			{ResourceID: resMember, Description: "The members of the organization.", Actions: []string{
				"create", "get", "search", "delete", "revoke",
				"update.info.name", "update.info.email", "update.info.external-id",
				"update.info.untrusted-metadata", "update.info.mfa-phone",
				"update.info.delete.mfa-phone", "update.info.delete.mfa-totp", "update.info.delete.password",
				"update.settings.is-breakglass", "update.settings.mfa-enrolled",
				"update.settings.default-mfa-method", "update.settings.roles",
			}},
			{ResourceID: resSelf, Description: "The member who is acting, on itself.", Actions: []string{
				"get", "delete", "revoke",
				"update.info.name", "update.info.untrusted-metadata", "update.info.mfa-phone",
				"update.info.delete.mfa-phone", "update.info.delete.password", "update.info.delete.mfa-totp",
				"update.settings.mfa-enrolled", "update.settings.default-mfa-method",
			}},
			{ResourceID: resSSO, Description: "The organization's SSO connections.", Actions: []string{"create", "get", "update", "delete"}},
			{ResourceID: resSCIM, Description: "The organization's SCIM connection.", Actions: []string{"create", "get", "update", "delete"}},
		},
		scopes: []api.PolicyScope{},
	}
}

// Policy returns the project's RBAC policy.
func (p *Project) Policy() api.Policy {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return api.Policy{Roles: p.policy.roles, Resources: p.policy.resources, Scopes: p.policy.scopes}
}

// SetPolicy replaces the project's RBAC policy (a fixture or test control; Stytch edits it in
// its dashboard). Stytch's default roles are kept when the new policy leaves them out.
func (p *Project) SetPolicy(pol api.Policy) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.setPolicy(pol)
}

// setPolicy is SetPolicy for a caller that holds the lock.
func (p *Project) setPolicy(pol api.Policy) {
	def := defaultPolicy()
	for _, r := range def.roles {
		if !slices.ContainsFunc(pol.Roles, func(x api.PolicyRole) bool { return x.RoleID == r.RoleID }) {
			pol.Roles = append([]api.PolicyRole{r}, pol.Roles...)
		}
	}
	for _, r := range def.resources {
		if !slices.ContainsFunc(pol.Resources, func(x api.PolicyResource) bool { return x.ResourceID == r.ResourceID }) {
			pol.Resources = append([]api.PolicyResource{r}, pol.Resources...)
		}
	}
	p.policy = policy{roles: pol.Roles, resources: pol.Resources, scopes: nonNil(pol.Scopes)}
	p.write()
}

// roleExists reports whether a role id is defined for members of org: in the project policy or
// among the organization's custom roles.
func (p *Project) roleExists(org *orgRec, roleID string) bool {
	return p.findRole(org, roleID) != nil
}

func (p *Project) findRole(org *orgRec, roleID string) *api.PolicyRole {
	for i := range p.policy.roles {
		if p.policy.roles[i].RoleID == roleID {
			return &p.policy.roles[i]
		}
	}
	if org != nil {
		for i := range org.org.CustomRoles {
			if org.org.CustomRoles[i].RoleID == roleID {
				return &org.org.CustomRoles[i]
			}
		}
	}
	return nil
}

// checkCustomRoles validates an organization's custom roles against the project policy.
func (p *Project) checkCustomRoles(roles []api.PolicyRole) *Error {
	seen := map[string]bool{}
	for _, r := range roles {
		switch {
		case r.RoleID == "":
			return invalid("invalid_role", "org_policy: every role needs a role_id.")
		case strings.HasPrefix(r.RoleID, "stytch_"):
			return invalid("invalid_role", "org_policy: role_id %s is reserved; role ids starting with stytch_ belong to Stytch.", r.RoleID)
		case seen[r.RoleID]:
			return invalid("invalid_role", "org_policy: role_id %s is listed more than once.", r.RoleID)
		}
		seen[r.RoleID] = true
		for _, perm := range r.Permissions {
			i := slices.IndexFunc(p.policy.resources, func(x api.PolicyResource) bool { return x.ResourceID == perm.ResourceID })
			if i < 0 {
				return invalid("invalid_role", "org_policy: role %s names resource %s, which the project policy does not define.", r.RoleID, perm.ResourceID)
			}
			for _, a := range perm.Actions {
				if a != "*" && !slices.Contains(p.policy.resources[i].Actions, a) {
					return invalid("invalid_role", "org_policy: role %s grants action %s, which resource %s does not have.", r.RoleID, a, perm.ResourceID)
				}
			}
		}
	}
	return nil
}

// memberRoles lists every role a member holds with its sources: stytch_member and the direct
// assignments, the organization's implicit roles for the member's email domain, and
// roles from SSO or SCIM.
func (p *Project) memberRoles(m *memberRec) []api.MemberRole {
	direct := func() []api.MemberRoleSource {
		return []api.MemberRoleSource{{Type: sourceDirect, Details: &map[string]any{}}}
	}
	roles := []api.MemberRole{{RoleID: RoleMember, Sources: direct()}}
	add := func(roleID string, src api.MemberRoleSource) {
		for i := range roles {
			if roles[i].RoleID == roleID {
				roles[i].Sources = append(roles[i].Sources, src)
				return
			}
		}
		roles = append(roles, api.MemberRole{RoleID: roleID, Sources: []api.MemberRoleSource{src}})
	}
	for _, r := range m.directRoles {
		add(r, direct()[0])
	}
	for _, roleID := range m.emailRoles() {
		add(roleID, api.MemberRoleSource{Type: sourceEmail, Details: &map[string]any{"email_domain": emailDomain(m.m.EmailAddress)}})
	}
	for _, r := range m.extraRoles {
		for _, src := range r.Sources {
			add(r.RoleID, src)
		}
	}
	return roles
}

// emailRoles lists the roles the organization grants implicitly to the member's email domain.
// Stytch grants them to every member whose address has the domain, "regardless of their login
// method": verification is not a condition.
func (m *memberRec) emailRoles() []string {
	domain := emailDomain(m.m.EmailAddress)
	var ids []string
	for _, a := range m.org.org.RBACEmailImplicitRoleAssignments {
		if a.Domain == domain {
			ids = append(ids, a.RoleID)
		}
	}
	return ids
}

// roleIDs lists the ids of every role a member holds.
func (m *memberRec) roleIDs() []string {
	ids := append([]string{RoleMember}, m.directRoles...)
	ids = append(ids, m.emailRoles()...)
	for _, r := range m.extraRoles {
		ids = append(ids, r.RoleID)
	}
	return ids
}
