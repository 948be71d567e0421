package jsonappend

import (
	"strconv"
	"time"

	"github.com/b2bkit/stytchorgs/internal/api"
)

// OrganizationResponse appends r, and the newline json.Encoder ends a value with.
func OrganizationResponse(b []byte, r *api.OrganizationResponse) ([]byte, bool) {
	b, ok := Organization(append(b, `{"organization":`...), &r.Organization)
	if !ok {
		return b, false
	}
	b = String(append(b, `,"request_id":`...), r.RequestID)
	b = strconv.AppendInt(append(b, `,"status_code":`...), int64(r.StatusCode), 10)
	return append(b, "}\n"...), true
}

// Organization appends o, its fields in the order of the generated struct, as encoding/json
// does. Lists of roles, connections and implicit role assignments are written when empty; a
// filled one is left to encoding/json (ok false): few requests meet one, and writing them here
// would double what must track the spec.
func Organization(b []byte, o *api.Organization) ([]byte, bool) {
	b = Strings(append(b, `{"allowed_auth_methods":`...), o.AllowedAuthMethods)
	b = Strings(append(b, `,"allowed_first_party_connected_apps":`...), o.AllowedFirstPartyConnectedApps)
	b = Strings(append(b, `,"allowed_mfa_methods":`...), o.AllowedMFAMethods)
	ok := true
	if o.AllowedOauthTenants != nil {
		b, ok = Object(append(b, `,"allowed_oauth_tenants":`...), *o.AllowedOauthTenants)
	}
	b = Strings(append(b, `,"allowed_third_party_connected_apps":`...), o.AllowedThirdPartyConnectedApps)
	b = String(append(b, `,"auth_methods":`...), o.AuthMethods)
	b = Strings(append(b, `,"claimed_email_domains":`...), o.ClaimedEmailDomains)
	b, ok = optionalTime(b, `,"created_at":`, o.CreatedAt, ok)
	b, ok = emptyList(append(b, `,"custom_roles":`...), o.CustomRoles, ok)
	b = Strings(append(b, `,"email_allowed_domains":`...), o.EmailAllowedDomains)
	b = String(append(b, `,"email_invites":`...), o.EmailInvites)
	b = String(append(b, `,"email_jit_provisioning":`...), o.EmailJITProvisioning)
	b = String(append(b, `,"first_party_connected_apps_allowed_type":`...), o.FirstPartyConnectedAppsAllowedType)
	b = String(append(b, `,"mfa_methods":`...), o.MFAMethods)
	b = String(append(b, `,"mfa_policy":`...), o.MFAPolicy)
	b = String(append(b, `,"oauth_tenant_jit_provisioning":`...), o.OauthTenantJITProvisioning)
	if o.OrganizationExternalID != nil {
		b = String(append(b, `,"organization_external_id":`...), *o.OrganizationExternalID)
	}
	b = String(append(b, `,"organization_id":`...), o.OrganizationID)
	b = String(append(b, `,"organization_logo_url":`...), o.OrganizationLogoURL)
	b = String(append(b, `,"organization_name":`...), o.OrganizationName)
	b = String(append(b, `,"organization_slug":`...), o.OrganizationSlug)
	b, ok = emptyList(append(b, `,"rbac_email_implicit_role_assignments":`...), o.RBACEmailImplicitRoleAssignments, ok)
	if o.SCIMActiveConnection != nil {
		ok = false
	}
	b = append(b, `,"scim_active_connection":null`...)
	b, ok = emptyList(append(b, `,"sso_active_connections":`...), o.SSOActiveConnections, ok)
	b = nullableString(append(b, `,"sso_default_connection_id":`...), o.SSODefaultConnectionID)
	b = String(append(b, `,"sso_jit_provisioning":`...), o.SSOJITProvisioning)
	b = Strings(append(b, `,"sso_jit_provisioning_allowed_connections":`...), o.SSOJITProvisioningAllowedConnections)
	b = String(append(b, `,"third_party_connected_apps_allowed_type":`...), o.ThirdPartyConnectedAppsAllowedType)
	if ok && o.TrustedMetadata != nil {
		b, ok = Object(append(b, `,"trusted_metadata":`...), *o.TrustedMetadata)
	}
	b, ok = optionalTime(b, `,"updated_at":`, o.UpdatedAt, ok)
	return append(b, '}'), ok
}

// optionalTime appends key and *t unless t is nil (omitempty), once nothing has failed yet.
func optionalTime(b []byte, key string, t *time.Time, ok bool) ([]byte, bool) {
	if !ok || t == nil {
		return b, ok
	}
	return Time(append(b, key...), *t)
}

// emptyList appends a nil list as null and an empty one as [], and leaves a filled one to
// encoding/json (ok false).
func emptyList[T any](b []byte, list []T, ok bool) ([]byte, bool) {
	switch {
	case list == nil:
		return append(b, "null"...), ok
	case len(list) == 0:
		return append(b, "[]"...), ok
	}
	return b, false
}

func nullableString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return String(b, *s)
}
