package contracttest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/b2bkit/stytchorgs/client"
)

// errorCase is the rule of one error type: a request that must be answered with it. run returns
// the target's answer: the error of a client call (nil for a success), or a rawAnswer.
type errorCase struct {
	errorType string
	status    int
	says      string // what provokes it
	run       func(c *ct) any
}

func TestErrorTypes(t *testing.T) {
	for _, e := range errorCases {
		t.Run(e.errorType, func(t *testing.T) {
			check(t, rule{name: e.errorType, area: areaErrorTypes, says: fmt.Sprintf("%s: %d for %s", e.errorType, e.status, e.says)}, func(c *ct) {
				switch got := e.run(c).(type) {
				case rawAnswer:
					c.wantRaw(got, e.status, e.errorType)
				case error:
					c.wantError(got, e.status, e.errorType)
				case nil:
					c.wantError(nil, e.status, e.errorType)
				default:
					c.Fatalf("bug in the suite: the case answered a %T", got)
				}
			})
		})
	}
}

// Helpers that keep the cases short.

// orgWithMember creates an organization of the run with one member.
func (c *ct) orgWithMember() (*client.Organization, *client.Member) {
	c.T.Helper()
	o := c.org(client.OrganizationCreateParams{})
	return o, c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme")})
}

// rawCreateOrg sends a create request as written, with a name and slug of the run unless body
// has them, and deletes what it made should the target accept it.
func (c *ct) rawCreateOrg(body map[string]any) rawAnswer {
	c.T.Helper()
	if _, ok := body["organization_name"]; !ok {
		body["organization_name"] = c.name("Raw")
	}
	if _, ok := body["organization_slug"]; !ok {
		body["organization_slug"] = c.slug("raw")
	}
	a := c.raw("POST", "/v1/b2b/organizations", body)
	var o client.Organization
	if a.status == http.StatusOK && a.field("organization", &o) == nil && o.ID != "" {
		deleteLater(c.T, o.ID)
	}
	return a
}

// orgSearch sends an organization search with these operands, a page of 1.
func (c *ct) orgSearch(operands ...any) rawAnswer {
	c.T.Helper()
	return c.raw("POST", "/v1/b2b/organizations/search", map[string]any{"limit": 1, "query": map[string]any{"operator": "AND", "operands": operands}})
}

// memberSearch sends a member search of a new organization of the run with these operands.
func (c *ct) memberSearch(operands ...any) rawAnswer {
	c.T.Helper()
	o := c.org(client.OrganizationCreateParams{})
	return c.raw("POST", "/v1/b2b/organizations/members/search", map[string]any{"organization_ids": []string{o.ID}, "query": map[string]any{"operator": "AND", "operands": operands}})
}

// sessionToken is a made-up session token shaped like Stytch's (44 characters).
func sessionToken() string { return "ct" + randomHex(21) }

// An id of the right shape that names nothing.
const (
	absentMemberID = "member-test-00000000-0000-4000-8000-000000000000"
	absentAppID    = "connected-app-test-00000000-0000-4000-8000-000000000000"
	absentPassword = "member-password-test-00000000-0000-4000-8000-000000000000"
)

// fictionalPhone returns a number of the range kept for fiction (555-0100 to 555-0199), so that a
// target that did send a text would reach nobody.
func fictionalPhone(n int) string { return fmt.Sprintf("+120255501%02d", n%100) }

// metadataKeys returns metadata of n keys.
func metadataKeys(n int) map[string]any {
	m := map[string]any{}
	for i := range n {
		m[fmt.Sprintf("k%d", i)] = i
	}
	return m
}

var errorCases = []errorCase{
	// Organizations: fields.
	{"invalid_organization_name", 400, "a create with an organization_name of 129 characters", func(c *ct) any {
		name := c.name("")
		_, err := c.createOrg(client.OrganizationCreateParams{Name: name + strings.Repeat("x", 129-len(name)), Slug: c.slug("long")})
		return err
	}},
	{"invalid_organization_slug", 400, "a create with a slug of one character", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Short"), Slug: "a"})
		return err
	}},
	{"invalid_organization_external_id", 400, "a create with an external id holding a space", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Ext"), Slug: c.slug("ext"), ExternalID: "has space"})
		return err
	}},
	{"organization_slug_already_used", 400, "a create with a slug in use", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Twin"), Slug: o.Slug})
		return err
	}},
	{"organization_external_id_already_used", 400, "a create with an external id in use", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{ExternalID: c.slug("ext")})
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Twin"), Slug: c.slug("twin"), ExternalID: o.ExternalID})
		return err
	}},
	{"external_organization_id_same_as_organization_id", 400, "an update setting the external id to the organization's own id", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Organizations.Update(c.ctx, o.ID, client.OrganizationUpdateParams{ExternalID: client.Set(o.ID)})
		return err
	}},
	{"organization_not_found", 404, "a get of a slug no organization has", func(c *ct) any {
		_, err := c.c.Organizations.Get(c.ctx, c.slug("absent"))
		return err
	}},
	{"bad_request", 400, "a create whose body is not JSON", func(c *ct) any {
		return c.raw("POST", "/v1/b2b/organizations", `{"organization_name":`)
	}},

	// Organizations: domains.
	{"organization_settings_invalid_domain", 400, "an allowed domain that is no domain", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Dom"), Slug: c.slug("dom"), EmailAllowedDomains: []string{"not a domain"}})
		return err
	}},
	{"organization_settings_domain_too_common", 400, "gmail.com as an allowed domain", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Dom"), Slug: c.slug("dom"), EmailAllowedDomains: []string{"gmail.com"}})
		return err
	}},
	{"organization_settings_disposable_domain", 400, "mailinator.com as an allowed domain", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Dom"), Slug: c.slug("dom"), EmailAllowedDomains: []string{"mailinator.com"}})
		return err
	}},
	{"organization_settings_duplicate_domain", 400, "an allowed domain listed twice", func(c *ct) any {
		d := c.domain("twice")
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Dom"), Slug: c.slug("dom"), EmailAllowedDomains: []string{d, strings.ToUpper(d)}})
		return err
	}},
	{"organization_settings_invalid_claimed_domain", 400, "a claimed domain that is no domain", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Dom"), Slug: c.slug("dom"), ClaimedEmailDomains: []string{"not a domain"}})
		return err
	}},
	{"organization_settings_claimed_domain_too_common", 400, "gmail.com as a claimed domain", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Dom"), Slug: c.slug("dom"), ClaimedEmailDomains: []string{"gmail.com"}})
		return err
	}},
	{"organization_settings_duplicate_claimed_domain", 400, "a claimed domain listed twice", func(c *ct) any {
		d := c.domain("twice")
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Dom"), Slug: c.slug("dom"), ClaimedEmailDomains: []string{d, d}})
		return err
	}},
	{"organization_settings_claimed_domain_already_claimed", 400, "claiming a domain another organization claimed", func(c *ct) any {
		d := c.domain("claimed")
		c.org(client.OrganizationCreateParams{ClaimedEmailDomains: []string{d}})
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Rival"), Slug: c.slug("rival"), ClaimedEmailDomains: []string{d}})
		return err
	}},
	{"action_not_allowed_email_domain_is_claimed", 400, "a member in a domain another organization claimed", func(c *ct) any {
		d := c.domain("claimed")
		c.org(client.OrganizationCreateParams{ClaimedEmailDomains: []string{d}})
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "ada@" + d})
		return err
	}},

	// Organizations: settings.
	{"invalid_restricted_email_setting", 400, "email_invites RESTRICTED without allowed domains", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Set"), Slug: c.slug("set"), EmailInvites: client.AccessRestricted})
		return err
	}},
	{"invalid_organization_auth_factor_setting", 400, "sso_jit_provisioning, email_jit_provisioning and email_invites all NOT_ALLOWED", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Set"), Slug: c.slug("set"),
			SSOJITProvisioning: client.AccessNotAllowed, EmailJITProvisioning: client.AccessNotAllowed, EmailInvites: client.AccessNotAllowed})
		return err
	}},
	{"invalid_organization_auth_factor_setting_for_email_jit_provisioning", 400, "email_jit_provisioning ALL_ALLOWED", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Set"), Slug: c.slug("set"), EmailJITProvisioning: client.AccessAllAllowed})
		return err
	}},
	{"invalid_organization_auth_factor_setting_for_oauth_tenant_jit_provisioning", 400, "oauth_tenant_jit_provisioning ALL_ALLOWED", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Set"), Slug: c.slug("set"), OAuthTenantJITProvisioning: client.AccessAllAllowed})
		return err
	}},
	{"invalid_organization_auth_method_settings", 400, "auth_methods SOMETIMES", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Set"), Slug: c.slug("set"), AuthMethods: "SOMETIMES"})
		return err
	}},
	{"invalid_organization_allowed_auth_methods", 400, "an allowed auth method that does not exist", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Set"), Slug: c.slug("set"), AuthMethods: client.AccessRestricted, AllowedAuthMethods: []client.AuthMethod{"carrier_pigeon"}})
		return err
	}},
	{"allowed_auth_methods_required_for_restricted", 400, "auth_methods RESTRICTED without allowed methods", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Set"), Slug: c.slug("set"), AuthMethods: client.AccessRestricted})
		return err
	}},
	{"invalid_organization_mfa_policy", 400, "mfa_policy SOMETIMES", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Set"), Slug: c.slug("set"), MFAPolicy: "SOMETIMES"})
		return err
	}},
	{"invalid_organization_mfa_factor_setting", 400, "mfa_methods SOMETIMES", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Set"), Slug: c.slug("set"), MFAMethods: "SOMETIMES"})
		return err
	}},
	{"invalid_organization_allowed_mfa_methods", 400, "an allowed MFA method that does not exist", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Set"), Slug: c.slug("set"), MFAMethods: client.AccessRestricted, AllowedMFAMethods: []client.MFAMethod{"carrier_pigeon"}})
		return err
	}},
	{"allowed_mfa_methods_required_for_restricted", 400, "mfa_methods RESTRICTED without allowed methods", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Set"), Slug: c.slug("set"), MFAMethods: client.AccessRestricted})
		return err
	}},
	{"invalid_connected_apps_allowed_type", 400, "first_party_connected_apps_allowed_type SOMETIMES", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Set"), Slug: c.slug("set"), FirstPartyConnectedAppsAllowedType: "SOMETIMES"})
		return err
	}},

	// Metadata.
	{"metadata_invalid_format", 400, "trusted_metadata that is a string", func(c *ct) any {
		return c.rawCreateOrg(map[string]any{"trusted_metadata": "not an object"})
	}},
	{"metadata_too_many_keys", 400, "a create with 21 trusted_metadata keys", func(c *ct) any {
		return c.rawCreateOrg(map[string]any{"trusted_metadata": metadataKeys(21)})
	}},
	{"metadata_too_large", 400, "a create with 5000 bytes of trusted_metadata", func(c *ct) any {
		return c.rawCreateOrg(map[string]any{"trusted_metadata": map[string]any{"big": strings.Repeat("x", 5000)}})
	}},

	// RBAC.
	{"invalid_role", 400, "a member given a role that does not exist", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), Roles: []string{"ct-no-such-role"}})
		return err
	}},
	{"cannot_assign_default_rbac_role_id", 400, "a member given stytch_member", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), Roles: []string{"stytch_member"}})
		return err
	}},
	{"invalid_rbac_role_assignment", 400, "an email implicit role that does not exist", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Rbac"), Slug: c.slug("rbac"),
			RBACEmailImplicitRoleAssignments: []client.ImplicitRoleAssignment{{Domain: c.domain("acme"), RoleID: "ct-no-such-role"}}})
		return err
	}},
	{"rbac_invalid_domain", 400, "an email implicit role for a domain that is no domain", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Rbac"), Slug: c.slug("rbac"),
			RBACEmailImplicitRoleAssignments: []client.ImplicitRoleAssignment{{Domain: "not a domain", RoleID: "stytch_admin"}}})
		return err
	}},
	{"rbac_domain_too_common", 400, "an email implicit role for gmail.com", func(c *ct) any {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Rbac"), Slug: c.slug("rbac"),
			RBACEmailImplicitRoleAssignments: []client.ImplicitRoleAssignment{{Domain: "gmail.com", RoleID: "stytch_admin"}}})
		return err
	}},

	// Members: fields and uniqueness.
	{"invalid_email", 400, "a member whose email is no address", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "not-an-email"})
		return err
	}},
	{"invalid_name", 400, "a member whose name is only spaces", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), Name: "   "})
		return err
	}},
	{"invalid_external_id", 400, "a member whose external id holds a space", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), ExternalID: "has space"})
		return err
	}},
	{"invalid_phone_number", 400, "a member whose MFA phone is not E.164", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), MFAPhoneNumber: "12345"})
		return err
	}},
	{"invalid_mfa_default_method", 400, "a member update to default_mfa_method fax", func(c *ct) any {
		o, m := c.orgWithMember()
		_, err := c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{DefaultMFAMethod: client.Set[client.MFAMethod]("fax")})
		return err
	}},
	{"default_mfa_member_missing_factor", 400, "a member without TOTP made to default to it", func(c *ct) any {
		o, m := c.orgWithMember()
		_, err := c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{DefaultMFAMethod: client.Set(client.MFATOTP)})
		return err
	}},
	{"duplicate_member_email", 400, "a second member with an email in use", func(c *ct) any {
		o, m := c.orgWithMember()
		_, err := c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: m.EmailAddress})
		return err
	}},
	{"duplicate_member_external_id", 400, "a second member with an external id in use", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), ExternalID: "emp-1"})
		_, err := c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "bob@" + c.domain("acme"), ExternalID: "emp-1"})
		return err
	}},
	{"duplicate_member_phone_number", 400, "a second member with an MFA phone in use", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), MFAPhoneNumber: fictionalPhone(1)})
		_, err := c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "bob@" + c.domain("acme"), MFAPhoneNumber: fictionalPhone(1)})
		return err
	}},
	{"duplicate_member_phone_number_for_member", 400, "an update giving a member with an MFA phone another one", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), MFAPhoneNumber: fictionalPhone(1)})
		_, err := c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{MFAPhoneNumber: client.Set(fictionalPhone(2))})
		return err
	}},
	{"retired_member_email", 400, "a member with another member's retired email", func(c *ct) any {
		o, m := c.orgWithMember()
		_, err := c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{EmailAddress: client.Set("ada.new@" + c.domain("acme"))})
		c.must(err, "changing the email")
		_, err = c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: m.EmailAddress})
		return err
	}},
	{"member_not_found", 404, "a get of a member id that names nobody", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Members.Get(c.ctx, o.ID, absentMemberID)
		return err
	}},
	{"invalid_member_get_fields", 400, "a get member with neither member_id nor email_address", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		return c.raw("GET", "/v1/b2b/organizations/"+o.ID+"/member", nil)
	}},

	// Members: lifecycle.
	{"email_unverified_for_reactivation", 400, "reactivating a deleted member created through the API", func(c *ct) any {
		o, m := c.orgWithMember()
		c.must(c.c.Members.Delete(c.ctx, o.ID, m.ID), "deleting")
		_, err := c.c.Members.Reactivate(c.ctx, o.ID, m.ID)
		return err
	}},
	{"no_deleted_member_found_for_reactivation", 400, "reactivating an active member", func(c *ct) any {
		o, m := c.orgWithMember()
		_, err := c.c.Members.Reactivate(c.ctx, o.ID, m.ID)
		return err
	}},
	{"reactivation_email_belongs_to_another_member", 400, "reactivating a verified member whose email a new member took", func(c *ct) any {
		o, ms := c.seedVerified(c.needsMock("a verified email"), "ada")
		c.must(c.c.Members.Delete(c.ctx, o.ID, ms["ada"].ID), "deleting")
		c.member(o.ID, client.MemberCreateParams{EmailAddress: ms["ada"].EmailAddress})
		_, err := c.c.Members.Reactivate(c.ctx, o.ID, ms["ada"].ID)
		return err
	}},
	{"member_password_not_found", 404, "deleting a password id that names nothing", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Members.DeletePassword(c.ctx, o.ID, absentPassword)
		return err
	}},
	{"member_phone_number_not_found", 404, "deleting the MFA phone of a member without one", func(c *ct) any {
		o, m := c.orgWithMember()
		_, err := c.c.Members.DeleteMFAPhoneNumber(c.ctx, o.ID, m.ID)
		return err
	}},
	{"totp_not_found", 404, "deleting the TOTP of a member without one", func(c *ct) any {
		o, m := c.orgWithMember()
		_, err := c.c.Members.DeleteTOTP(c.ctx, o.ID, m.ID)
		return err
	}},
	{"retired_email_missing_email_identifiers", 400, "an unlink naming no retired address", func(c *ct) any {
		o, m := c.orgWithMember()
		return c.raw("POST", "/v1/b2b/organizations/"+o.ID+"/members/"+m.ID+"/unlink_retired_email", map[string]any{})
	}},
	{"retired_email_not_found", 404, "unlinking an address the member never had", func(c *ct) any {
		o, m := c.orgWithMember()
		_, err := c.c.Members.UnlinkRetiredEmail(c.ctx, o.ID, m.ID, client.RetiredEmailParams{EmailAddress: "never@" + c.domain("acme")})
		return err
	}},
	{"member_has_no_active_verified_email", 400, "starting an email update of a member whose email is unverified", func(c *ct) any {
		o, m := c.orgWithMember()
		_, err := c.c.Members.StartEmailUpdate(c.ctx, o.ID, m.ID, client.StartEmailUpdateParams{EmailAddress: "ada.new@" + c.domain("acme")})
		return err
	}},
	{"email_updates_available_only_for_active_members", 400, "starting an email update of a pending member", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), CreateAsPending: true})
		_, err := c.c.Members.StartEmailUpdate(c.ctx, o.ID, m.ID, client.StartEmailUpdateParams{EmailAddress: "ada.new@" + c.domain("acme")})
		return err
	}},
	{"invalid_locale", 400, "starting an email update with locale xx", func(c *ct) any {
		o, m := c.orgWithMember()
		_, err := c.c.Members.StartEmailUpdate(c.ctx, o.ID, m.ID, client.StartEmailUpdateParams{EmailAddress: "ada.new@" + c.domain("acme"), Locale: "xx"})
		return err
	}},
	{"invalid_delivery_method", 400, "starting an email update delivered by fax", func(c *ct) any {
		o, m := c.orgWithMember()
		_, err := c.c.Members.StartEmailUpdate(c.ctx, o.ID, m.ID, client.StartEmailUpdateParams{EmailAddress: "ada.new@" + c.domain("acme"), DeliveryMethod: "FAX"})
		return err
	}},
	{"desired_email_deactivated_by_different_member", 400, "a verified member starting an email update to another member's retired address", func(c *ct) any {
		o, ms := c.seedVerified(c.needsMock("a verified email"), "ada", "bob")
		_, err := c.c.Members.Update(c.ctx, o.ID, ms["bob"].ID, client.MemberUpdateParams{EmailAddress: client.Set("bob.new@" + c.domain("acme"))})
		c.must(err, "retiring bob's address")
		_, err = c.c.Members.StartEmailUpdate(c.ctx, o.ID, ms["ada"].ID, client.StartEmailUpdateParams{EmailAddress: ms["bob"].EmailAddress})
		return err
	}},
	{"desired_email_updating_for_different_member", 400, "two verified members starting email updates to one address", func(c *ct) any {
		o, ms := c.seedVerified(c.needsMock("a verified email"), "ada", "bob")
		target := "shared@" + c.domain("acme")
		_, err := c.c.Members.StartEmailUpdate(c.ctx, o.ID, ms["ada"].ID, client.StartEmailUpdateParams{EmailAddress: target})
		c.must(err, "starting ada's update")
		_, err = c.c.Members.StartEmailUpdate(c.ctx, o.ID, ms["bob"].ID, client.StartEmailUpdateParams{EmailAddress: target})
		return err
	}},
	{"member_oauth_token_not_found", 404, "the Google tokens of a member who never used Google", func(c *ct) any {
		o, m := c.orgWithMember()
		_, err := c.c.Members.GetGoogleTokens(c.ctx, o.ID, m.ID, client.TokenParams{})
		return err
	}},
	{"member_oidc_token_not_found", 404, "the OIDC tokens of a member who never used OIDC", func(c *ct) any {
		o, m := c.orgWithMember()
		_, err := c.c.Members.GetOIDCTokens(c.ctx, o.ID, m.ID, client.TokenParams{})
		return err
	}},
	{"connected_app_not_found", 404, "reading a Connected App id that names nothing", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Organizations.GetConnectedApp(c.ctx, o.ID, absentAppID)
		return err
	}},

	// Member sessions.
	{"session_not_found", 404, "an update with a session token the project never issued", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Organizations.Update(c.ctx, o.ID, client.OrganizationUpdateParams{Name: client.Set(c.name("Renamed"))}, client.WithMemberSession(sessionToken()))
		return err
	}},
	{"too_many_session_arguments", 400, "an update with both a session token and a session JWT", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Organizations.Update(c.ctx, o.ID, client.OrganizationUpdateParams{Name: client.Set(c.name("Renamed"))},
			client.WithMemberSession(sessionToken()), client.WithMemberSessionJWT("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"))
		return err
	}},
	{"unauthorized_action", 403, "a member without the permission renaming its organization", func(c *ct) any {
		srv := c.needsMock("member sessions")
		o, m := c.orgWithMember()
		_, err := c.c.Organizations.Update(c.ctx, o.ID, client.OrganizationUpdateParams{Name: client.Set(c.name("Renamed"))}, client.WithMemberSession(c.session(srv, m.ID)))
		return err
	}},
	{"cannot_update_trusted_metadata", 401, "an admin's session updating trusted_metadata", func(c *ct) any {
		srv := c.needsMock("member sessions")
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), Roles: []string{"stytch_admin"}})
		_, err := c.c.Organizations.Update(c.ctx, o.ID, client.OrganizationUpdateParams{TrustedMetadata: client.MetadataPatch{}.Set("k", "v")}, client.WithMemberSession(c.session(srv, m.ID)))
		return err
	}},
	{"member_cannot_update_their_email_address", 400, "an admin's session changing its own email", func(c *ct) any {
		srv := c.needsMock("member sessions")
		o := c.org(client.OrganizationCreateParams{})
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + c.domain("acme"), Roles: []string{"stytch_admin"}})
		_, err := c.c.Members.Update(c.ctx, o.ID, m.ID, client.MemberUpdateParams{EmailAddress: client.Set("ada.new@" + c.domain("acme"))}, client.WithMemberSession(c.session(srv, m.ID)))
		return err
	}},

	// Credentials and the request itself.
	{"unauthorized_credentials", 401, "a request with the wrong secret", func(c *ct) any {
		wrong, err := client.New(tg.projectID, tg.secret+"-wrong", client.WithBaseURL(tg.baseURL), client.WithHTTPClient(tg.http), client.WithMaxRetries(0))
		c.must(err, "making a client")
		defer wrong.Close()
		_, err = wrong.RBAC.Policy(context.Background())
		return err
	}},
	{"route_not_found", 404, "a path the API does not have", func(c *ct) any {
		return c.raw("GET", "/v1/b2b/contracttest-no-such-path", nil)
	}},
	{"method_not_allowed", 405, "PATCH of an organization", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		return c.raw("PATCH", "/v1/b2b/organizations/"+o.ID, map[string]any{"organization_name": c.name("Patched")})
	}},
	{"request_too_large", 413, "a create whose body is over 1 MB", func(c *ct) any {
		return c.rawCreateOrg(map[string]any{"trusted_metadata": map[string]any{"pad": strings.Repeat("x", 1<<20)}})
	}},
	{"request_header_fields_too_large", 431, "a get whose headers are over 32 KB", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		return c.raw("GET", "/v1/b2b/organizations/"+o.ID, nil, "X-Contract-Padding", strings.Repeat("p", 33<<10))
	}},

	// Searches: limits, cursors, operators.
	{"user_search_invalid_limit", 400, "a search with limit 1001", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Organizations.Search(c.ctx, client.OrganizationSearchParams{Query: client.All(client.OrganizationIDs(o.ID)), Limit: 1001})
		return err
	}},
	{"user_search_invalid_cursor", 400, "a search with a made-up cursor", func(c *ct) any {
		o := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Organizations.Search(c.ctx, client.OrganizationSearchParams{Query: client.All(client.OrganizationIDs(o.ID)), Cursor: "bm90LWEtY3Vyc29y"})
		return err
	}},
	{"user_search_invalid_operator", 400, "a search with operator XOR", func(c *ct) any {
		return c.raw("POST", "/v1/b2b/organizations/search", map[string]any{"limit": 1, "query": map[string]any{"operator": "XOR", "operands": []any{}}})
	}},

	// Organization search operands.
	{"organization_search_filter_name_not_recognized", 400, "an organization filter named organization_colour", func(c *ct) any {
		return c.orgSearch(operand("organization_colour", "red"))
	}},
	{"organization_search_filter_name_must_be_string", 400, "an organization filter whose name is a number", func(c *ct) any {
		return c.orgSearch(map[string]any{"filter_name": 5, "filter_value": "x"})
	}},
	{"organization_search_missing_filter_name", 400, "an organization filter without a name", func(c *ct) any {
		return c.orgSearch(map[string]any{"filter_value": []string{"x"}})
	}},
	{"organization_search_missing_filter_value", 400, "organization_ids without a value", func(c *ct) any {
		return c.orgSearch(map[string]any{"filter_name": "organization_ids"})
	}},
	{"organization_search_expected_array_of_strings", 400, "organization_ids given a string", func(c *ct) any {
		return c.orgSearch(operand("organization_ids", "x"))
	}},
	{"organization_search_expected_string", 400, "organization_name_fuzzy given a number", func(c *ct) any {
		return c.orgSearch(operand("organization_name_fuzzy", 5))
	}},
	{"organization_search_expected_boolean", 400, "has_active_sso_connection given a string", func(c *ct) any {
		return c.orgSearch(operand("has_active_sso_connection", "yes"))
	}},
	{"organization_search_missing_organization_ids", 400, "organization_ids given []", func(c *ct) any {
		return c.orgSearch(operand("organization_ids", []string{}))
	}},
	{"organization_search_missing_organization_slugs", 400, "organization_slugs given []", func(c *ct) any {
		return c.orgSearch(operand("organization_slugs", []string{}))
	}},
	{"organization_search_missing_member_emails", 400, "member_emails given []", func(c *ct) any {
		return c.orgSearch(operand("member_emails", []string{}))
	}},
	{"organization_search_missing_allowed_domains", 400, "allowed_domains given []", func(c *ct) any {
		return c.orgSearch(operand("allowed_domains", []string{}))
	}},
	{"organization_search_missing_claimed_email_domains", 400, "claimed_email_domains given []", func(c *ct) any {
		return c.orgSearch(operand("claimed_email_domains", []string{}))
	}},
	{"organization_search_missing_sso_connection_id", 400, `sso_connection_id given ""`, func(c *ct) any {
		return c.orgSearch(operand("sso_connection_id", ""))
	}},
	{"organization_search_organization_slug_fuzzy_too_short", 400, "organization_slug_fuzzy of 2 characters", func(c *ct) any {
		return c.orgSearch(operand("organization_slug_fuzzy", "ac"))
	}},
	{"organization_search_organization_name_fuzzy_too_short", 400, "organization_name_fuzzy of 2 characters", func(c *ct) any {
		return c.orgSearch(operand("organization_name_fuzzy", "ac"))
	}},
	{"organization_search_member_email_fuzzy_too_short", 400, "member_email_fuzzy of 2 characters", func(c *ct) any {
		return c.orgSearch(operand("member_email_fuzzy", "ac"))
	}},
	{"organization_search_allowed_domain_fuzzy_too_short", 400, "allowed_domain_fuzzy of 2 characters", func(c *ct) any {
		return c.orgSearch(operand("allowed_domain_fuzzy", "ac"))
	}},
	{"organization_search_too_many_operands", 400, "an organization search of 51 operands", func(c *ct) any {
		ops := make([]any, 51)
		for i := range ops {
			ops[i] = operand("organization_name_fuzzy", tg.prefix)
		}
		return c.orgSearch(ops...)
	}},

	// Member search operands.
	{"member_search_organization_ids_empty", 400, "a member search of organization_ids []", func(c *ct) any {
		return c.raw("POST", "/v1/b2b/organizations/members/search", map[string]any{"organization_ids": []string{}})
	}},
	{"member_search_filter_name_not_recognized", 400, "a member filter named member_colour", func(c *ct) any {
		return c.memberSearch(operand("member_colour", "red"))
	}},
	{"member_search_filter_name_must_be_string", 400, "a member filter whose name is a number", func(c *ct) any {
		return c.memberSearch(map[string]any{"filter_name": 5, "filter_value": "x"})
	}},
	{"member_search_missing_filter_name", 400, "a member filter without a name", func(c *ct) any {
		return c.memberSearch(map[string]any{"filter_value": []string{"x"}})
	}},
	{"member_search_missing_filter_value", 400, "member_ids without a value", func(c *ct) any {
		return c.memberSearch(map[string]any{"filter_name": "member_ids"})
	}},
	{"member_search_expected_array_of_strings", 400, "member_ids given a string", func(c *ct) any {
		return c.memberSearch(operand("member_ids", "x"))
	}},
	{"member_search_expected_string", 400, "member_email_fuzzy given a number", func(c *ct) any {
		return c.memberSearch(operand("member_email_fuzzy", 5))
	}},
	{"member_search_expected_boolean", 400, "member_is_breakglass given a string", func(c *ct) any {
		return c.memberSearch(operand("member_is_breakglass", "yes"))
	}},
	{"member_search_missing_member_ids", 400, "member_ids given []", func(c *ct) any {
		return c.memberSearch(operand("member_ids", []string{}))
	}},
	{"member_search_missing_member_emails", 400, "member_emails given []", func(c *ct) any {
		return c.memberSearch(operand("member_emails", []string{}))
	}},
	{"member_search_missing_member_mfa_phone_numbers", 400, "member_mfa_phone_numbers given []", func(c *ct) any {
		return c.memberSearch(operand("member_mfa_phone_numbers", []string{}))
	}},
	{"member_search_missing_member_phone_numbers", 400, "member_phone_numbers given []", func(c *ct) any {
		return c.memberSearch(operand("member_phone_numbers", []string{}))
	}},
	{"member_search_missing_member_roles", 400, "member_roles given []", func(c *ct) any {
		return c.memberSearch(operand("member_roles", []string{}))
	}},
	{"member_search_missing_statuses", 400, "statuses given []", func(c *ct) any {
		return c.memberSearch(operand("statuses", []string{}))
	}},
	{"member_search_member_email_fuzzy_too_short", 400, "member_email_fuzzy of 2 characters", func(c *ct) any {
		return c.memberSearch(operand("member_email_fuzzy", "ad"))
	}},
	{"member_search_member_mfa_phone_number_fuzzy_too_short", 400, "member_mfa_phone_number_fuzzy of 2 digits", func(c *ct) any {
		return c.memberSearch(operand("member_mfa_phone_number_fuzzy", "55"))
	}},
	{"member_search_member_phone_number_fuzzy_too_short", 400, "member_phone_number_fuzzy of 2 digits", func(c *ct) any {
		return c.memberSearch(operand("member_phone_number_fuzzy", "55"))
	}},
	{"search_invalid_status_filter", 400, "statuses given zombie", func(c *ct) any {
		return c.memberSearch(operand("statuses", []string{"zombie"}))
	}},
	{"member_search_too_many_operands", 400, "a member search of 51 operands", func(c *ct) any {
		ops := make([]any, 51)
		for i := range ops {
			ops[i] = operand("member_email_fuzzy", "ada")
		}
		return c.memberSearch(ops...)
	}},
	{"member_search_cannot_mix_internal_and_external_member_ids", 400, "member_ids mixing a Stytch id and an external id", func(c *ct) any {
		return c.memberSearch(operand("member_ids", []string{absentMemberID, "emp-1"}))
	}},
}
