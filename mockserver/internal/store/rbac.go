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

// directSource is the source of stytch_member and of every role assigned directly; its details
// are empty.
var directSource = api.MemberRoleSource{Type: sourceDirect, Details: &map[string]any{}}

// roles lists every role m holds with its sources, each role once, in the order of its first
// source: stytch_member and the direct assignments, the organization's implicit roles for m's
// email domain, and roles from SSO or SCIM. The roles share one slice of sources, so a view costs
// two allocations however many roles the member holds.
//
// Stytch grants the implicit roles to every member whose address has the domain, "regardless of
// their login method": verification is not a condition.
func (m *memberRec) roles() []api.MemberRole {
	type held struct {
		roleID string
		src    api.MemberRoleSource
	}
	var buf [8]held
	all := append(buf[:0], held{RoleMember, directSource})
	for _, r := range m.directRoles {
		all = append(all, held{r, directSource})
	}
	domain := emailDomain(m.m.EmailAddress)
	for i, a := range m.org.org.RBACEmailImplicitRoleAssignments {
		if a.Domain == domain {
			all = append(all, held{a.RoleID, m.org.emailSources[i]})
		}
	}
	for _, r := range m.extraRoles {
		for _, src := range r.Sources {
			all = append(all, held{r.RoleID, src})
		}
	}
	roles := make([]api.MemberRole, 0, len(all))
	sources := make([]api.MemberRoleSource, 0, len(all))
	for i, h := range all {
		if slices.ContainsFunc(all[:i], func(x held) bool { return x.roleID == h.roleID }) {
			continue // listed at its first source
		}
		first := len(sources)
		for _, x := range all[i:] {
			if x.roleID == h.roleID {
				sources = append(sources, x.src)
			}
		}
		roles = append(roles, api.MemberRole{RoleID: h.roleID, Sources: sources[first:len(sources):len(sources)]})
	}
	return roles
}

// anyRole reports whether f holds for any role m holds (see roles).
func (m *memberRec) anyRole(f func(roleID string) bool) bool {
	if f(RoleMember) || slices.ContainsFunc(m.directRoles, f) {
		return true
	}
	domain := emailDomain(m.m.EmailAddress)
	for _, a := range m.org.org.RBACEmailImplicitRoleAssignments {
		if a.Domain == domain && f(a.RoleID) {
			return true
		}
	}
	return slices.ContainsFunc(m.extraRoles, func(r api.MemberRole) bool { return f(r.RoleID) })
}

// emailSources are the sources of the roles an organization's email implicit role assignments
// grant, one per assignment.
func emailSources(assignments []api.EmailImplicitRoleAssignment) []api.MemberRoleSource {
	if len(assignments) == 0 {
		return nil
	}
	out := make([]api.MemberRoleSource, len(assignments))
	for i, a := range assignments {
		out[i] = api.MemberRoleSource{Type: sourceEmail, Details: &map[string]any{"email_domain": a.Domain}}
	}
	return out
}
