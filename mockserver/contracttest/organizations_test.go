package contracttest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/b2bkit/stytchorgs/client"
)

// The seed example, the highest authority on Stytch's answers: a create with a name, a slug and
// email_allowed_domains only.
func TestSeedExample(t *testing.T) {
	check(t, rule{name: "the seed example", area: areaSeed, says: "a create with name, slug and email_allowed_domains answers the seed example's settings; the organization reads back by id and slug, and is gone once deleted"}, func(c *ct) {
		domain := c.domain("acme")
		o := c.org(client.OrganizationCreateParams{Name: c.name("Acme Corporation"), Slug: c.slug("acme-corp"), EmailAllowedDomains: []string{domain}})
		c.saw("email_invites ALL_ALLOWED", "email_invites "+string(o.EmailInvites))
		c.saw("email_jit_provisioning NOT_ALLOWED", "email_jit_provisioning "+string(o.EmailJITProvisioning))
		c.saw("auth_methods ALL_ALLOWED", "auth_methods "+string(o.AuthMethods))
		c.saw("allowed_auth_methods []", "allowed_auth_methods "+jsonOf(o.AllowedAuthMethods))
		c.saw("mfa_policy OPTIONAL", "mfa_policy "+string(o.MFAPolicy))
		if !slices.Equal(o.EmailAllowedDomains, []string{domain}) {
			c.Errorf("email_allowed_domains = %v, want [%s]", o.EmailAllowedDomains, domain)
		}
		for _, ident := range []string{o.ID, o.Slug} {
			got, err := c.c.Organizations.Get(c.ctx, ident)
			c.must(err, "getting the organization by "+ident)
			if got.ID != o.ID || got.Name != o.Name || got.Slug != o.Slug {
				c.Errorf("Get(%s) answered %s %q %q, want %s %q %q", ident, got.ID, got.Name, got.Slug, o.ID, o.Name, o.Slug)
			}
		}
		c.must(c.c.Organizations.Delete(c.ctx, o.ID), "deleting the organization")
		_, err := c.c.Organizations.Get(c.ctx, o.ID)
		c.wantError(err, 404, "organization_not_found")
	})
}

func TestDefaultsOfAMinimalCreate(t *testing.T) {
	check(t, rule{name: "defaults of a minimal create", area: areaDefaults, choice: "Defaults on create", says: "a create with a name and slug only takes every documented default; sso_jit_provisioning is ALL_ALLOWED and email_invites ALL_ALLOWED"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		c.saw("sso_jit_provisioning ALL_ALLOWED", "sso_jit_provisioning "+string(o.SSOJITProvisioning))
		c.saw("email_invites ALL_ALLOWED", "email_invites "+string(o.EmailInvites))
		for field, got := range map[string]client.AccessSetting{
			"email_jit_provisioning":                  o.EmailJITProvisioning,
			"oauth_tenant_jit_provisioning":           o.OAuthTenantJITProvisioning,
			"auth_methods":                            o.AuthMethods,
			"mfa_methods":                             o.MFAMethods,
			"first_party_connected_apps_allowed_type": o.FirstPartyConnectedAppsAllowedType,
			"third_party_connected_apps_allowed_type": o.ThirdPartyConnectedAppsAllowedType,
		} {
			want := client.AccessAllAllowed
			if strings.Contains(field, "jit") {
				want = client.AccessNotAllowed
			}
			if got != want {
				c.Errorf("%s = %s, want %s", field, got, want)
			}
		}
		if o.MFAPolicy != client.MFAOptional {
			c.Errorf("mfa_policy = %s, want OPTIONAL", o.MFAPolicy)
		}
		for field, n := range map[string]int{
			"email_allowed_domains": len(o.EmailAllowedDomains), "claimed_email_domains": len(o.ClaimedEmailDomains),
			"allowed_auth_methods": len(o.AllowedAuthMethods), "allowed_mfa_methods": len(o.AllowedMFAMethods),
			"rbac_email_implicit_role_assignments": len(o.RBACEmailImplicitRoleAssignments),
			"sso_active_connections":               len(o.SSOActiveConnections), "custom_roles": len(o.CustomRoles),
			"trusted_metadata": len(o.TrustedMetadata),
		} {
			if n != 0 {
				c.Errorf("%s has %d entries, want none", field, n)
			}
		}
		if o.ExternalID != "" || o.LogoURL != "" || o.SSODefaultConnectionID != "" {
			c.Errorf("external id %q, logo %q, default SSO connection %q: want all empty", o.ExternalID, o.LogoURL, o.SSODefaultConnectionID)
		}
		if o.CreatedAt.IsZero() || o.UpdatedAt.Before(o.CreatedAt) {
			c.Errorf("created_at %v, updated_at %v", o.CreatedAt, o.UpdatedAt)
		}
	})
}

func TestEmailInvitesDefaultFollowsAuthSettings(t *testing.T) {
	check(t, rule{name: "email_invites default", area: areaDefaults, choice: "Defaults on create", says: "email_invites defaults to NOT_ALLOWED when the create carries an authentication setting (here mfa_policy), and email_allowed_domains is not one"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{MFAPolicy: client.MFAOptional})
		c.saw("with mfa_policy: email_invites NOT_ALLOWED", "with mfa_policy: email_invites "+string(o.EmailInvites))
		o = c.org(client.OrganizationCreateParams{EmailAllowedDomains: []string{c.domain("acme")}})
		c.saw("with email_allowed_domains: email_invites ALL_ALLOWED", "with email_allowed_domains: email_invites "+string(o.EmailInvites))
	})
}

func TestSlugIsDerivedFromTheName(t *testing.T) {
	check(t, rule{name: "slug derived from the name", area: areaDefaults, choice: "Slug omitted on create", says: "without a slug, the slug is the name lowercased with runs of other characters as '-'; a namesake gets -2"}, func(c *ct) {
		name := c.name("Acme  Corp!")
		want := strings.ToLower(strings.Fields(name)[0]) + "-acme-corp"
		for _, w := range []string{want, want + "-2"} { // the second is a namesake of the first
			o, err := c.createOrg(client.OrganizationCreateParams{Name: name})
			if err != nil {
				c.saw(w, answerOf(err))
				return
			}
			c.saw(w, o.Slug)
		}
	})
}

func TestSlugFallsBackToTheID(t *testing.T) {
	check(t, rule{name: "slug from the id", area: areaDefaults, choice: "Slug omitted on create", says: "a name that gives fewer than 2 slug characters gets the slug org- and the id's first 8 hexadecimal digits"}, func(c *ct) {
		o, err := c.createOrg(client.OrganizationCreateParams{Name: c.wideName()})
		if err != nil {
			c.saw("org- and 8 hexadecimal digits", answerOf(err))
			return
		}
		hexDigits := strings.ReplaceAll(o.ID[strings.LastIndex(o.ID, "organization-")+len("organization-test-"):], "-", "")
		c.saw("org-"+hexDigits[:min(8, len(hexDigits))], o.Slug)
	})
}

func TestSlugIsUnique(t *testing.T) {
	check(t, rule{name: "slug unique", area: areaUnique, says: "a slug is unique in the project, on create and on update"}, func(c *ct) {
		a := c.org(client.OrganizationCreateParams{})
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Twin"), Slug: a.Slug})
		c.wantError(err, 400, "organization_slug_already_used")
		b := c.org(client.OrganizationCreateParams{})
		_, err = c.c.Organizations.Update(c.ctx, b.ID, client.OrganizationUpdateParams{Slug: client.Set(a.Slug)})
		c.wantError(err, 400, "organization_slug_already_used")
	})
}

func TestSlugCase(t *testing.T) {
	check(t, rule{name: "slug case", area: areaUnique, choice: "Case", says: "a slug keeps its case, but lookup and uniqueness ignore case"}, func(c *ct) {
		slug := c.slug("MixedCase")
		o := c.org(client.OrganizationCreateParams{Slug: slug})
		c.saw("stored as "+slug, "stored as "+o.Slug)
		got, err := c.c.Organizations.Get(c.ctx, strings.ToLower(slug))
		c.saw("get by the lowercased slug: 200", "get by the lowercased slug: "+answerOf(err))
		if err == nil && got.ID != o.ID {
			c.Errorf("the lowercased slug found %s, want %s", got.ID, o.ID)
		}
		_, err = c.createOrg(client.OrganizationCreateParams{Name: c.name("Upper"), Slug: strings.ToUpper(slug)})
		c.saw("create with the uppercased slug: 400 organization_slug_already_used", "create with the uppercased slug: "+answerOf(err))
	})
}

func TestExternalIDIsUnique(t *testing.T) {
	check(t, rule{name: "external id unique", area: areaUnique, says: "an organization's external id is unique in the project, and names the organization wherever an id does"}, func(c *ct) {
		ext := c.slug("ext")
		a := c.org(client.OrganizationCreateParams{ExternalID: ext})
		got, err := c.c.Organizations.Get(c.ctx, ext)
		c.must(err, "getting the organization by its external id")
		if got.ID != a.ID {
			c.Errorf("the external id found %s, want %s", got.ID, a.ID)
		}
		_, err = c.createOrg(client.OrganizationCreateParams{Name: c.name("Twin"), Slug: c.slug("twin"), ExternalID: ext})
		c.wantError(err, 400, "organization_external_id_already_used")
	})
}

func TestIdentifierCollisions(t *testing.T) {
	check(t, rule{name: "slug equal to an external id", area: areaUnique, choice: "Identifier collisions", says: "a slug may equal another organization's external id; the value then names the slug's organization (id, then slug, then external id)"}, func(c *ct) {
		value := c.slug("shared")
		a := c.org(client.OrganizationCreateParams{ExternalID: value})
		b, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Slugged"), Slug: value})
		c.saw("create: 200", "create: "+answerOf(err))
		if err != nil {
			return
		}
		got, err := c.c.Organizations.Get(c.ctx, value)
		c.must(err, "getting by the shared value")
		owner := map[string]string{a.ID: "the external id's", b.ID: "the slug's"}[got.ID]
		c.saw("get finds the slug's organization", "get finds "+owner+" organization")
	})
}

func TestMemberEmailIsUniqueInItsOrganization(t *testing.T) {
	check(t, rule{name: "member email unique, without case", area: areaUnique, choice: "Case", says: "a member's email is stored lowercased and unique in its organization without regard to case; another organization may use it"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		email := "Ada.Lovelace@" + strings.ToUpper(c.domain("acme"))
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: email})
		c.saw("stored as "+strings.ToLower(email), "stored as "+m.EmailAddress)
		got, err := c.c.Members.GetByEmail(c.ctx, o.ID, strings.ToUpper(email))
		c.saw("get by the uppercased email: 200", "get by the uppercased email: "+answerOf(err))
		if err == nil && got.ID != m.ID {
			c.Errorf("the uppercased email found %s, want %s", got.ID, m.ID)
		}
		_, err = c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: strings.ToLower(email)})
		c.saw("the same email again: 400 duplicate_member_email", "the same email again: "+answerOf(err))
		other := c.org(client.OrganizationCreateParams{})
		_, err = c.c.Members.Create(c.ctx, other.ID, client.MemberCreateParams{EmailAddress: email})
		c.must(err, "creating the same email in another organization")
	})
}

func TestMemberExternalIDIsUniqueInItsOrganization(t *testing.T) {
	check(t, rule{name: "member external id unique", area: areaUnique, says: "a member's external id is unique in its organization, names the member wherever a member id does, and another organization may use it"}, func(c *ct) {
		o := c.org(client.OrganizationCreateParams{})
		domain := c.domain("acme")
		m := c.member(o.ID, client.MemberCreateParams{EmailAddress: "ada@" + domain, ExternalID: "emp-1"})
		got, err := c.c.Members.Get(c.ctx, o.ID, "emp-1")
		c.must(err, "getting the member by its external id")
		if got.ID != m.ID {
			c.Errorf("the external id found %s, want %s", got.ID, m.ID)
		}
		_, err = c.c.Members.Create(c.ctx, o.ID, client.MemberCreateParams{EmailAddress: "bob@" + domain, ExternalID: "emp-1"})
		c.wantError(err, 400, "duplicate_member_external_id")
		other := c.org(client.OrganizationCreateParams{})
		c.member(other.ID, client.MemberCreateParams{EmailAddress: "ada@" + domain, ExternalID: "emp-1"})
	})
}

func TestClaimedDomainBelongsToOneOrganization(t *testing.T) {
	check(t, rule{name: "a claimed domain has one owner", area: areaDomains, choice: "Claimed domains", says: "a claimed domain belongs to one organization at a time; once released another may claim it"}, func(c *ct) {
		domain := c.domain("claimed")
		a := c.org(client.OrganizationCreateParams{ClaimedEmailDomains: []string{domain}})
		if !slices.Equal(a.ClaimedEmailDomains, []string{domain}) {
			c.Errorf("claimed_email_domains = %v, want [%s]", a.ClaimedEmailDomains, domain)
		}
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Rival"), Slug: c.slug("rival"), ClaimedEmailDomains: []string{domain}})
		c.saw("create claiming it: 400 organization_settings_claimed_domain_already_claimed", "create claiming it: "+answerOf(err))
		b := c.org(client.OrganizationCreateParams{})
		_, err = c.c.Organizations.Update(c.ctx, b.ID, client.OrganizationUpdateParams{ClaimedEmailDomains: client.Set([]string{domain})})
		c.saw("update claiming it: 400 organization_settings_claimed_domain_already_claimed", "update claiming it: "+answerOf(err))
		_, err = c.c.Organizations.Update(c.ctx, a.ID, client.OrganizationUpdateParams{ClaimedEmailDomains: client.Clear[[]string]()})
		c.must(err, "releasing the domain")
		_, err = c.c.Organizations.Update(c.ctx, b.ID, client.OrganizationUpdateParams{ClaimedEmailDomains: client.Set([]string{domain})})
		c.saw("claiming it once released: 200", "claiming it once released: "+answerOf(err))
	})
}

func TestClaimedDomainKeepsOtherOrganizationsOut(t *testing.T) {
	check(t, rule{name: "a claimed domain keeps others out", area: areaDomains, choice: "Claimed domains", says: "a member may not be created in another organization with an address in a claimed domain; the claiming organization may"}, func(c *ct) {
		domain := c.domain("claimed")
		a := c.org(client.OrganizationCreateParams{ClaimedEmailDomains: []string{domain}})
		b := c.org(client.OrganizationCreateParams{})
		_, err := c.c.Members.Create(c.ctx, b.ID, client.MemberCreateParams{EmailAddress: "ada@" + domain})
		c.saw("400 action_not_allowed_email_domain_is_claimed", answerOf(err))
		c.member(a.ID, client.MemberCreateParams{EmailAddress: "ada@" + domain})
	})
}

func TestDomainsAreStoredLowercased(t *testing.T) {
	check(t, rule{name: "domains lowercased", area: areaDomains, choice: "Case", says: "allowed and claimed email domains are stored lowercased"}, func(c *ct) {
		allowed, claimed := c.domain("allowed"), c.domain("claimed")
		o := c.org(client.OrganizationCreateParams{EmailAllowedDomains: []string{strings.ToUpper(allowed)}, ClaimedEmailDomains: []string{strings.ToUpper(claimed)}})
		c.saw("allowed "+allowed, "allowed "+strings.Join(o.EmailAllowedDomains, ","))
		c.saw("claimed "+claimed, "claimed "+strings.Join(o.ClaimedEmailDomains, ","))
	})
}

func TestPunycodeDomainsAreAccepted(t *testing.T) {
	check(t, rule{name: "punycode domains", area: areaDomains, choice: "Lengths and patterns", says: "a domain with an internationalized top-level domain in punycode (xn--p1ai) is a valid allowed domain"}, func(c *ct) {
		domain := fmt.Sprintf("ct-%s-%d.xn--p1ai", tg.run, tg.next())
		o, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Punycode"), Slug: c.slug("punycode"), EmailAllowedDomains: []string{domain}})
		c.saw("200", answerOf(err))
		if err == nil && !slices.Equal(o.EmailAllowedDomains, []string{domain}) {
			c.Errorf("email_allowed_domains = %v, want [%s]", o.EmailAllowedDomains, domain)
		}
	})
}

func TestRestrictedEmailSettingsNeedAllowedDomains(t *testing.T) {
	check(t, rule{name: "RESTRICTED email settings need domains", area: areaJIT, says: "email_jit_provisioning or email_invites RESTRICTED needs an allowed domain, on create and on update; a refused update changes nothing"}, func(c *ct) {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Jit"), Slug: c.slug("jit"), EmailJITProvisioning: client.AccessRestricted})
		c.wantError(err, 400, "invalid_restricted_email_setting")
		_, err = c.createOrg(client.OrganizationCreateParams{Name: c.name("Invites"), Slug: c.slug("invites"), EmailInvites: client.AccessRestricted})
		c.wantError(err, 400, "invalid_restricted_email_setting")
		domain := c.domain("acme")
		o := c.org(client.OrganizationCreateParams{EmailAllowedDomains: []string{domain}, EmailJITProvisioning: client.AccessRestricted, EmailInvites: client.AccessRestricted})
		if o.EmailJITProvisioning != client.AccessRestricted || o.EmailInvites != client.AccessRestricted {
			c.Errorf("email_jit_provisioning %s, email_invites %s, want both RESTRICTED", o.EmailJITProvisioning, o.EmailInvites)
		}
		_, err = c.c.Organizations.Update(c.ctx, o.ID, client.OrganizationUpdateParams{
			Name: client.Set(c.name("Renamed")), EmailAllowedDomains: client.Clear[[]string](),
		})
		c.wantError(err, 400, "invalid_restricted_email_setting")
		got, err := c.c.Organizations.Get(c.ctx, o.ID)
		c.must(err, "getting the organization")
		if got.Name != o.Name || !slices.Equal(got.EmailAllowedDomains, []string{domain}) {
			c.Errorf("the refused update changed the organization: name %q, domains %v", got.Name, got.EmailAllowedDomains)
		}
	})
}

func TestSomeWayToJoinStaysOpen(t *testing.T) {
	check(t, rule{name: "some way to join stays open", area: areaJIT, says: "sso_jit_provisioning, email_jit_provisioning and email_invites may not all be NOT_ALLOWED, on create and on update"}, func(c *ct) {
		closed := client.OrganizationCreateParams{Name: c.name("Closed"), Slug: c.slug("closed"),
			SSOJITProvisioning: client.AccessNotAllowed, EmailJITProvisioning: client.AccessNotAllowed, EmailInvites: client.AccessNotAllowed}
		_, err := c.createOrg(closed)
		c.wantError(err, 400, "invalid_organization_auth_factor_setting")
		o := c.org(client.OrganizationCreateParams{SSOJITProvisioning: client.AccessNotAllowed, EmailInvites: client.AccessAllAllowed})
		_, err = c.c.Organizations.Update(c.ctx, o.ID, client.OrganizationUpdateParams{EmailInvites: client.Set(client.AccessNotAllowed)})
		c.wantError(err, 400, "invalid_organization_auth_factor_setting")
	})
}

func TestEmailJITProvisioningTakesNoAllAllowed(t *testing.T) {
	check(t, rule{name: "email_jit_provisioning without ALL_ALLOWED", area: areaJIT, choice: "email_jit_provisioning", says: "email_jit_provisioning accepts only RESTRICTED and NOT_ALLOWED"}, func(c *ct) {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Jit"), Slug: c.slug("jit"), EmailJITProvisioning: client.AccessAllAllowed})
		c.wantError(err, 400, "invalid_organization_auth_factor_setting_for_email_jit_provisioning")
	})
}

func TestRestrictedMethodsNeedAList(t *testing.T) {
	check(t, rule{name: "RESTRICTED methods need a list", area: areaJIT, says: "auth_methods or mfa_methods RESTRICTED needs a non-empty list of allowed methods, which is stored"}, func(c *ct) {
		_, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Auth"), Slug: c.slug("auth"), AuthMethods: client.AccessRestricted})
		c.wantError(err, 400, "allowed_auth_methods_required_for_restricted")
		_, err = c.createOrg(client.OrganizationCreateParams{Name: c.name("Mfa"), Slug: c.slug("mfa"), MFAMethods: client.AccessRestricted})
		c.wantError(err, 400, "allowed_mfa_methods_required_for_restricted")
		o := c.org(client.OrganizationCreateParams{
			AuthMethods: client.AccessRestricted, AllowedAuthMethods: []client.AuthMethod{client.AuthSSO, client.AuthMagicLink},
			MFAMethods: client.AccessRestricted, AllowedMFAMethods: []client.MFAMethod{client.MFATOTP},
		})
		if !slices.Equal(o.AllowedAuthMethods, []client.AuthMethod{client.AuthSSO, client.AuthMagicLink}) || !slices.Equal(o.AllowedMFAMethods, []client.MFAMethod{client.MFATOTP}) {
			c.Errorf("allowed methods %v and %v, want [sso magic_link] and [totp]", o.AllowedAuthMethods, o.AllowedMFAMethods)
		}
		_, err = c.c.Organizations.Update(c.ctx, o.ID, client.OrganizationUpdateParams{AllowedAuthMethods: client.Clear[[]client.AuthMethod]()})
		c.wantError(err, 400, "allowed_auth_methods_required_for_restricted")
	})
}

func TestAllowedOAuthTenantsAreFreeForm(t *testing.T) {
	check(t, rule{name: "allowed_oauth_tenants free-form", area: areaJIT, choice: "Free-form allowed_oauth_tenants", says: "allowed_oauth_tenants is stored and returned as sent, a provider the client does not know included"}, func(c *ct) {
		tenants := client.OAuthTenants{Slack: []string{"T0001"}, HubSpot: []string{"12345"}, GitHub: []string{"acme-gh"}}
		o, err := c.createOrg(client.OrganizationCreateParams{Name: c.name("Tenants"), Slug: c.slug("tenants"),
			OAuthTenantJITProvisioning: client.AccessRestricted, AllowedOAuthTenants: &tenants})
		c.must(err, "creating with allowed_oauth_tenants")
		c.saw(`{"github":["acme-gh"],"hubspot":["12345"],"slack":["T0001"]}`, canonicalJSON(c, o.AllowedOAuthTenants))
		more := tenants
		more.Other = map[string]json.RawMessage{"gitlab": json.RawMessage(`["grp-1"]`)}
		o, err = c.c.Organizations.Update(c.ctx, o.ID, client.OrganizationUpdateParams{AllowedOAuthTenants: client.Set(more)})
		got := answerOf(err)
		if err == nil {
			got = canonicalJSON(c, o.AllowedOAuthTenants)
		}
		c.saw(`{"github":["acme-gh"],"gitlab":["grp-1"],"hubspot":["12345"],"slack":["T0001"]}`, got)
	})
}

// jsonOf is v in JSON, for the table.
func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	return string(b)
}

// canonicalJSON is v in JSON with object keys sorted, so that two encodings compare.
func canonicalJSON(c *ct, v any) string {
	c.T.Helper()
	b, err := json.Marshal(v)
	c.must(err, "encoding")
	var x any
	c.must(json.Unmarshal(b, &x), "decoding")
	return jsonOf(x) // encoding/json sorts map keys
}
