package mockserver_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver"
)

var orgIDPattern = regexp.MustCompile(`^organization-test-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestCreateOrganizationDefaults(t *testing.T) {
	t.Parallel()
	e := setup(t)
	o := e.createOrg(api.OrganizationCreateRequest{OrganizationName: "Acme Corporation", OrganizationSlug: ptr("acme-corp")})

	if !orgIDPattern.MatchString(o.OrganizationID) {
		t.Errorf("organization_id %q does not look like Stytch's", o.OrganizationID)
	}
	want := api.Organization{
		OrganizationID:                       o.OrganizationID,
		OrganizationName:                     "Acme Corporation",
		OrganizationSlug:                     "acme-corp",
		OrganizationLogoURL:                  "",
		SSOJITProvisioning:                   "ALL_ALLOWED",
		SSOJITProvisioningAllowedConnections: []string{},
		SSOActiveConnections:                 []api.SSOActiveConnection{},
		EmailAllowedDomains:                  []string{},
		EmailJITProvisioning:                 "NOT_ALLOWED",
		EmailInvites:                         "ALL_ALLOWED",
		AuthMethods:                          "ALL_ALLOWED",
		AllowedAuthMethods:                   []string{},
		MFAPolicy:                            "OPTIONAL",
		RBACEmailImplicitRoleAssignments:     []api.EmailImplicitRoleAssignment{},
		MFAMethods:                           "ALL_ALLOWED",
		AllowedMFAMethods:                    []string{},
		OauthTenantJITProvisioning:           "NOT_ALLOWED",
		AllowedOauthTenants:                  &api.AllowedOAuthTenants{},
		ClaimedEmailDomains:                  []string{},
		FirstPartyConnectedAppsAllowedType:   "ALL_ALLOWED",
		AllowedFirstPartyConnectedApps:       []string{},
		ThirdPartyConnectedAppsAllowedType:   "ALL_ALLOWED",
		AllowedThirdPartyConnectedApps:       []string{},
		CustomRoles:                          []api.PolicyRole{},
		TrustedMetadata:                      &map[string]any{},
		CreatedAt:                            &testClock,
		UpdatedAt:                            &testClock,
	}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Errorf("created organization (-want +got):\n%s", diff)
	}
}

// The reference's rule 8.3.2: email_invites is ALL_ALLOWED only when the request carries no
// authentication setting.
func TestCreateOrganizationEmailInvitesDefault(t *testing.T) {
	t.Parallel()
	e := setup(t)
	withSetting := e.createOrg(api.OrganizationCreateRequest{OrganizationName: "A", OrganizationSlug: ptr("with-setting"), MFAPolicy: ptr(api.REQUIREDFORALL)})
	if withSetting.EmailInvites != "NOT_ALLOWED" {
		t.Errorf("with an auth setting: email_invites = %s, want NOT_ALLOWED", withSetting.EmailInvites)
	}
	explicit := e.createOrg(api.OrganizationCreateRequest{OrganizationName: "B", OrganizationSlug: ptr("explicit"),
		MFAPolicy: ptr(api.REQUIREDFORALL), EmailInvites: ptr(api.EmailInvitesALLALLOWED)})
	if explicit.EmailInvites != "ALL_ALLOWED" {
		t.Errorf("explicit email_invites = %s, want ALL_ALLOWED", explicit.EmailInvites)
	}
	// Only metadata and names: not authentication settings.
	plain := e.createOrg(api.OrganizationCreateRequest{OrganizationName: "C", OrganizationSlug: ptr("plain"), TrustedMetadata: &api.Metadata{"a": 1}})
	if plain.EmailInvites != "ALL_ALLOWED" {
		t.Errorf("no auth setting: email_invites = %s, want ALL_ALLOWED", plain.EmailInvites)
	}
}

func TestCreateOrganizationDerivesSlug(t *testing.T) {
	t.Parallel()
	e := setup(t)
	first := e.createOrg(api.OrganizationCreateRequest{OrganizationName: "Acme Corporation, Inc."})
	second := e.createOrg(api.OrganizationCreateRequest{OrganizationName: "ACME corporation inc"})
	symbols := e.createOrg(api.OrganizationCreateRequest{OrganizationName: "!!"})
	if first.OrganizationSlug != "acme-corporation-inc." {
		t.Errorf("slug of %q = %q", first.OrganizationName, first.OrganizationSlug)
	}
	if second.OrganizationSlug != "acme-corporation-inc" {
		t.Errorf("slug of %q = %q", second.OrganizationName, second.OrganizationSlug)
	}
	third := e.createOrg(api.OrganizationCreateRequest{OrganizationName: "Acme Corporation Inc"})
	if third.OrganizationSlug != "acme-corporation-inc-2" {
		t.Errorf("a taken slug must get -2: %q", third.OrganizationSlug)
	}
	wantFallback := "org-" + strings.ReplaceAll(strings.TrimPrefix(symbols.OrganizationID, "organization-test-"), "-", "")[:8]
	if symbols.OrganizationSlug != wantFallback {
		t.Errorf("slug of %q = %q, want %q", symbols.OrganizationName, symbols.OrganizationSlug, wantFallback)
	}
}

func TestGetOrganizationByIDSlugOrExternalID(t *testing.T) {
	t.Parallel()
	e := setup(t)
	o := e.createOrg(api.OrganizationCreateRequest{OrganizationName: "Acme", OrganizationSlug: ptr("Acme-Corp"), OrganizationExternalID: ptr("crm|00421")})
	for _, ident := range []string{o.OrganizationID, "Acme-Corp", "acme-corp", "ACME-CORP", "crm|00421"} {
		resp, err := e.c.GetOrganizationWithResponse(e.ctx, ident)
		e.expectOK(resp.StatusCode(), resp.Body, err)
		if resp.JSON200.Organization.OrganizationID != o.OrganizationID {
			t.Errorf("get %q found %s", ident, resp.JSON200.Organization.OrganizationID)
		}
	}
	resp, err := e.c.GetOrganizationWithResponse(e.ctx, "organization-test-00000000-0000-4000-8000-000000000000")
	e.expectError(resp.StatusCode(), resp.Body, err, 404, "organization_not_found")
	// Another project cannot see it.
	other := newEnv(t, e.srv, "project-test-other-"+e.project)
	resp, err = other.c.GetOrganizationWithResponse(other.ctx, o.OrganizationID)
	other.expectError(resp.StatusCode(), resp.Body, err, 404, "organization_not_found")
}

func TestCreateOrganizationRules(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.createOrg(api.OrganizationCreateRequest{OrganizationName: "Taken", OrganizationSlug: ptr("taken"), OrganizationExternalID: ptr("ext-1"),
		ClaimedEmailDomains: &[]string{"claimed.com"}})
	before := e.orgCount()
	many := map[string]any{}
	for i := range 21 {
		many[string(rune('a'+i))] = i
	}
	cases := []struct {
		name     string
		body     map[string]any
		wantType string
	}{
		{"slug taken, other case", map[string]any{"organization_slug": "TAKEN"}, "organization_slug_already_used"},
		{"slug with a space", map[string]any{"organization_slug": "a b"}, "invalid_organization_slug"},
		{"slug one character", map[string]any{"organization_slug": "a"}, "invalid_organization_slug"},
		{"slug without alphanumerics", map[string]any{"organization_slug": "-~"}, "invalid_organization_slug"},
		{"name too long", map[string]any{"organization_name": strings.Repeat("n", 129)}, "invalid_organization_name"},
		{"name empty", map[string]any{"organization_name": ""}, "invalid_organization_name"},
		{"external id taken", map[string]any{"organization_external_id": "ext-1"}, "organization_external_id_already_used"},
		{"external id charset", map[string]any{"organization_external_id": "a b"}, "invalid_organization_external_id"},
		{"common domain", map[string]any{"email_allowed_domains": []string{"acme.com", "gmail.com"}}, "organization_settings_domain_too_common"},
		{"common domain with a country suffix", map[string]any{"email_allowed_domains": []string{"yahoo.co.uk"}}, "organization_settings_domain_too_common"},
		{"disposable domain", map[string]any{"email_allowed_domains": []string{"mailinator.com"}}, "organization_settings_disposable_domain"},
		{"malformed domain", map[string]any{"email_allowed_domains": []string{"not a domain"}}, "organization_settings_invalid_domain"},
		{"duplicate domain", map[string]any{"email_allowed_domains": []string{"acme.com", "ACME.com"}}, "organization_settings_duplicate_domain"},
		{"claimed elsewhere", map[string]any{"claimed_email_domains": []string{"claimed.com"}}, "organization_settings_claimed_domain_already_claimed"},
		{"restricted without methods", map[string]any{"auth_methods": "RESTRICTED"}, "allowed_auth_methods_required_for_restricted"},
		{"restricted MFA without methods", map[string]any{"mfa_methods": "RESTRICTED"}, "allowed_mfa_methods_required_for_restricted"},
		{"restricted invites without domains", map[string]any{"email_invites": "RESTRICTED"}, "invalid_restricted_email_setting"},
		{"restricted JIT without domains", map[string]any{"email_jit_provisioning": "RESTRICTED"}, "invalid_restricted_email_setting"},
		{"every provisioning path closed", map[string]any{"sso_jit_provisioning": "NOT_ALLOWED", "email_invites": "NOT_ALLOWED"}, "invalid_organization_auth_factor_setting"},
		{"email JIT ALL_ALLOWED is frontend-only", map[string]any{"email_jit_provisioning": "ALL_ALLOWED"}, "invalid_organization_auth_factor_setting_for_email_jit_provisioning"},
		{"unknown auth method", map[string]any{"auth_methods": "RESTRICTED", "allowed_auth_methods": []string{"carrier_pigeon"}}, "invalid_organization_allowed_auth_methods"},
		{"implicit role of a common domain", map[string]any{"rbac_email_implicit_role_assignments": []map[string]string{{"domain": "gmail.com", "role_id": "stytch_admin"}}}, "rbac_domain_too_common"},
		{"implicit role that does not exist", map[string]any{"rbac_email_implicit_role_assignments": []map[string]string{{"domain": "acme.com", "role_id": "ghost"}}}, "invalid_rbac_role_assignment"},
		{"more than 20 metadata keys", map[string]any{"trusted_metadata": many}, "metadata_too_many_keys"},
		{"metadata over 4 KB", map[string]any{"trusted_metadata": map[string]any{"blob": strings.Repeat("x", 4096)}}, "metadata_too_large"},
		{"metadata not an object", map[string]any{"trusted_metadata": []int{1}}, "metadata_invalid_format"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := e.with(t)
			body := map[string]any{"organization_name": "Acme"}
			for k, v := range tc.body {
				body[k] = v
			}
			status, resp := e.raw(http.MethodPost, "/v1/b2b/organizations", body)
			e.expectError(status, resp, nil, 400, tc.wantType)
		})
	}
	if after := e.orgCount(); after != before {
		t.Errorf("rejected creates left %d organizations behind", after-before)
	}
}

func TestUpdateOrganizationIsPartial(t *testing.T) {
	t.Parallel()
	later := testClock.Add(time.Hour)
	now := testClock
	e := setup(t, mockserver.WithClock(func() time.Time { return now }))
	o := e.createOrg(api.OrganizationCreateRequest{OrganizationName: "Acme", OrganizationSlug: ptr("acme"),
		EmailAllowedDomains: &[]string{"acme.com"}, EmailJITProvisioning: ptr(api.EmailJITProvisioningRESTRICTED),
		TrustedMetadata: &api.Metadata{"tier": "growth", "flags": map[string]any{"a": true, "b": true}, "billing_id": "cus_1"}})
	now = later

	// Only the name and the metadata change; the domain list is cleared with [].
	status, body := e.raw(http.MethodPut, "/v1/b2b/organizations/acme", map[string]any{
		"organization_name":      "Acme Corporation",
		"email_jit_provisioning": "NOT_ALLOWED",
		"email_allowed_domains":  []string{},
		"trusted_metadata":       map[string]any{"tier": "enterprise", "flags": map[string]any{"c": true}, "billing_id": nil, "new": 1},
	})
	e.expectOK(status, body, nil)
	var got api.OrganizationResponse
	_ = json.Unmarshal(body, &got)
	u := got.Organization
	if u.OrganizationName != "Acme Corporation" || u.OrganizationSlug != "acme" || u.OrganizationID != o.OrganizationID {
		t.Errorf("name/slug/id after update: %q %q %q", u.OrganizationName, u.OrganizationSlug, u.OrganizationID)
	}
	if len(u.EmailAllowedDomains) != 0 || u.EmailJITProvisioning != "NOT_ALLOWED" {
		t.Errorf("domains %v jit %s: [] must clear the list", u.EmailAllowedDomains, u.EmailJITProvisioning)
	}
	wantMeta := map[string]any{"tier": "enterprise", "flags": map[string]any{"c": true}, "new": 1.0}
	if !reflect.DeepEqual(*u.TrustedMetadata, wantMeta) {
		t.Errorf("metadata after merge = %v, want %v (top-level merge, nested replaced, null deletes)", *u.TrustedMetadata, wantMeta)
	}
	if !u.UpdatedAt.Equal(later) || !u.CreatedAt.Equal(testClock) {
		t.Errorf("created_at %v updated_at %v", u.CreatedAt, u.UpdatedAt)
	}
	if u.MFAPolicy != o.MFAPolicy || u.EmailInvites != o.EmailInvites || u.AuthMethods != o.AuthMethods {
		t.Errorf("untouched fields changed: %+v", u)
	}

	// {} changes no metadata.
	resp, err := e.c.UpdateOrganizationWithResponse(e.ctx, "acme", nil, api.OrganizationUpdateRequest{TrustedMetadata: &api.MetadataPatch{}})
	e.expectOK(resp.StatusCode(), resp.Body, err)
	if !reflect.DeepEqual(*resp.JSON200.Organization.TrustedMetadata, wantMeta) {
		t.Errorf("{} changed metadata: %v", *resp.JSON200.Organization.TrustedMetadata)
	}
}

func TestUpdateOrganizationRejectedChangesNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.org("Other", "other")
	o := e.createOrg(api.OrganizationCreateRequest{OrganizationName: "Acme", OrganizationSlug: ptr("acme"), TrustedMetadata: &api.Metadata{"k0": 0}})
	many := map[string]any{}
	for i := 1; i <= 20; i++ {
		many["k"+strings.Repeat("x", i)] = i
	}
	for _, tc := range []struct {
		body     map[string]any
		wantType string
	}{
		{map[string]any{"organization_name": "Renamed", "organization_slug": "other"}, "organization_slug_already_used"},
		{map[string]any{"organization_name": "Renamed", "auth_methods": "RESTRICTED"}, "allowed_auth_methods_required_for_restricted"},
		{map[string]any{"organization_name": "Renamed", "trusted_metadata": many}, "metadata_too_many_keys"},
		{map[string]any{"organization_name": "Renamed", "trusted_metadata": map[string]any{"big": strings.Repeat("x", 4090)}}, "metadata_too_large"},
		{map[string]any{"organization_name": "Renamed", "organization_external_id": o.OrganizationID}, "external_organization_id_same_as_organization_id"},
	} {
		status, body := e.raw(http.MethodPut, "/v1/b2b/organizations/acme", tc.body)
		e.expectError(status, body, nil, 400, tc.wantType)
	}
	resp, err := e.c.GetOrganizationWithResponse(e.ctx, "acme")
	e.expectOK(resp.StatusCode(), resp.Body, err)
	if diff := cmp.Diff(o, resp.JSON200.Organization); diff != "" {
		t.Errorf("rejected updates changed the organization (-before +after):\n%s", diff)
	}
}

func TestDeleteOrganizationTakesItsMembers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	o := e.createOrg(api.OrganizationCreateRequest{OrganizationName: "Acme", OrganizationSlug: ptr("acme"), OrganizationExternalID: ptr("ext")})
	m := e.member(o.OrganizationID, "ada@acme.com")

	resp, err := e.c.DeleteOrganizationWithResponse(e.ctx, "ext", nil)
	e.expectOK(resp.StatusCode(), resp.Body, err)
	if resp.JSON200.OrganizationID != o.OrganizationID {
		t.Errorf("deleted %s, want %s", resp.JSON200.OrganizationID, o.OrganizationID)
	}
	get, err := e.c.GetOrganizationWithResponse(e.ctx, o.OrganizationID)
	e.expectError(get.StatusCode(), get.Body, err, 404, "organization_not_found")
	dg, err := e.c.DangerouslyGetMemberWithResponse(e.ctx, m.MemberID, &api.DangerouslyGetMemberParams{IncludeDeleted: ptr(true)})
	e.expectError(dg.StatusCode(), dg.Body, err, 404, "member_not_found")
	again, err := e.c.DeleteOrganizationWithResponse(e.ctx, o.OrganizationID, nil)
	e.expectError(again.StatusCode(), again.Body, err, 404, "organization_not_found")
	// The slug and external id are free again.
	e.createOrg(api.OrganizationCreateRequest{OrganizationName: "Acme again", OrganizationSlug: ptr("acme"), OrganizationExternalID: ptr("ext")})
}

func TestOrganizationMetricsCountMembersNotDeleted(t *testing.T) {
	t.Parallel()
	e := setup(t)
	o := e.org("Acme", "acme")
	for _, email := range []string{"a@acme.com", "b@acme.com", "c@acme.com"} {
		e.member(o.OrganizationID, email)
	}
	gone := e.member(o.OrganizationID, "d@acme.com")
	del, err := e.c.DeleteMemberWithResponse(e.ctx, "acme", gone.MemberID, nil)
	e.expectOK(del.StatusCode(), del.Body, err)
	resp, err := e.c.GetOrganizationMetricsWithResponse(e.ctx, "acme")
	e.expectOK(resp.StatusCode(), resp.Body, err)
	if resp.JSON200.MemberCount != 3 {
		t.Errorf("member_count = %d, want 3", resp.JSON200.MemberCount)
	}
	missing, err := e.c.GetOrganizationMetricsWithResponse(e.ctx, "nope")
	e.expectError(missing.StatusCode(), missing.Body, err, 404, "organization_not_found")
}

func TestDeleteOrganizationExternalID(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.createOrg(api.OrganizationCreateRequest{OrganizationName: "Acme", OrganizationSlug: ptr("acme"), OrganizationExternalID: ptr("crm-1")})
	resp, err := e.c.DeleteOrganizationExternalIDWithResponse(e.ctx, "crm-1", nil)
	e.expectOK(resp.StatusCode(), resp.Body, err)
	if resp.JSON200.Organization.OrganizationExternalID != nil {
		t.Errorf("external id still set: %v", *resp.JSON200.Organization.OrganizationExternalID)
	}
	if strings.Contains(string(resp.Body), "organization_external_id") {
		t.Errorf("a removed external id must be absent from the body: %s", resp.Body)
	}
	// Removing it again succeeds and changes nothing; the id is free for another organization.
	again, err := e.c.DeleteOrganizationExternalIDWithResponse(e.ctx, "acme", nil)
	e.expectOK(again.StatusCode(), again.Body, err)
	e.createOrg(api.OrganizationCreateRequest{OrganizationName: "Other", OrganizationSlug: ptr("other"), OrganizationExternalID: ptr("crm-1")})
	gone, err := e.c.GetOrganizationWithResponse(e.ctx, "crm-1")
	e.expectOK(gone.StatusCode(), gone.Body, err)
	if gone.JSON200.Organization.OrganizationSlug != "other" {
		t.Errorf("crm-1 resolves to %s", gone.JSON200.Organization.OrganizationSlug)
	}
}

func TestOrganizationConnectedApps(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(mockserver.Fixture{
		ConnectedApps: []mockserver.FixtureConnectedApp{
			{ConnectedAppID: "connected-app-test-1", Name: "Analytics", Description: "Dashboards", ClientType: "third_party", LogoURL: "https://a.example/logo.png"},
			{ConnectedAppID: "connected-app-test-2", Name: "Unused"},
		},
		Organizations: []mockserver.FixtureOrganization{{
			OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
			Members: []mockserver.FixtureMember{
				{MemberCreateParams: client.MemberCreateParams{EmailAddress: "ada@acme.com"}, MemberID: "member-test-00000000-0000-4000-8000-000000000001",
					ConnectedApps: []mockserver.FixtureGrant{{ConnectedAppID: "connected-app-test-1", Scopes: []string{"openid", "read:reports"}}}},
			},
		}},
	})
	e.org("Empty", "empty")
	empty, err := e.c.ListOrganizationConnectedAppsWithResponse(e.ctx, "empty", nil)
	e.expectOK(empty.StatusCode(), empty.Body, err)
	if len(empty.JSON200.ConnectedApps) != 0 {
		t.Errorf("an organization nobody authorized apps in lists %v", empty.JSON200.ConnectedApps)
	}
	list, err := e.c.ListOrganizationConnectedAppsWithResponse(e.ctx, "acme", nil)
	e.expectOK(list.StatusCode(), list.Body, err)
	if len(list.JSON200.ConnectedApps) != 1 || list.JSON200.ConnectedApps[0].Name != "Analytics" {
		t.Errorf("connected apps = %+v", list.JSON200.ConnectedApps)
	}
	one, err := e.c.GetOrganizationConnectedAppWithResponse(e.ctx, "acme", "connected-app-test-1", nil)
	e.expectOK(one.StatusCode(), one.Body, err)
	if got := one.JSON200.ActiveMembers; len(got) != 1 || got[0].MemberID != "member-test-00000000-0000-4000-8000-000000000001" ||
		!reflect.DeepEqual(got[0].GrantedScopes, []string{"openid", "read:reports"}) {
		t.Errorf("active members = %+v", got)
	}
	for _, app := range []string{"connected-app-test-2", "connected-app-test-404"} {
		resp, err := e.c.GetOrganizationConnectedAppWithResponse(e.ctx, "acme", app, nil)
		e.expectError(resp.StatusCode(), resp.Body, err, 404, "connected_app_not_found")
	}
}

// Reads encode the organization outside the store's lock while updates run; an update must not
// write into anything a read was handed (run with -race).
func TestConcurrentReadsAndUpdatesOfAnOrganization(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.createOrg(api.OrganizationCreateRequest{OrganizationName: "Acme", OrganizationSlug: ptr("acme"),
		RBACEmailImplicitRoleAssignments: &[]api.EmailImplicitRoleAssignment{{Domain: "ACME.com", RoleID: "stytch_admin"}}})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 50 {
			resp, err := e.c.GetOrganizationWithResponse(e.ctx, "acme")
			if err != nil || resp.StatusCode() != 200 {
				t.Errorf("get: %v %d", err, resp.StatusCode())
				return
			}
		}
	}()
	for i := range 50 {
		resp, err := e.c.UpdateOrganizationWithResponse(e.ctx, "acme", nil, api.OrganizationUpdateRequest{OrganizationName: ptr(fmt.Sprintf("Acme %d", i))})
		e.expectOK(resp.StatusCode(), resp.Body, err)
		if got := resp.JSON200.Organization.RBACEmailImplicitRoleAssignments; len(got) != 1 || got[0].Domain != "acme.com" {
			t.Errorf("implicit roles = %v", got)
		}
	}
	<-done
}

func TestOrganizationNamesCountCharacters(t *testing.T) {
	t.Parallel()
	e := setup(t)
	name := strings.Repeat("é", 128) // 256 bytes, 128 characters
	o := e.createOrg(api.OrganizationCreateRequest{OrganizationName: name})
	if o.OrganizationName != name {
		t.Errorf("name changed")
	}
	status, body := e.raw(http.MethodPost, "/v1/b2b/organizations", map[string]any{"organization_name": strings.Repeat("é", 129)})
	e.expectError(status, body, nil, 400, "invalid_organization_name")
}

func TestSlugDerivationFollowsTheSpec(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for name, want := range map[string]string{
		"Foo - Bar":   "foo---bar",
		"a- b":        "a--b",
		"  Acme  ":    "acme",
		"Ünïcode Co.": "n-code-co.",
	} {
		if got := e.createOrg(api.OrganizationCreateRequest{OrganizationName: name}).OrganizationSlug; got != want {
			t.Errorf("slug of %q = %q, want %q", name, got, want)
		}
	}
}

func TestCommonEmailDomains(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, d := range []string{"gmail.com", "gmx.de", "yahoo.co.uk", "uol.com.br"} {
		status, body := e.raw(http.MethodPost, "/v1/b2b/organizations", map[string]any{"organization_name": "x", "email_allowed_domains": []string{d}})
		e.expectError(status, body, nil, 400, "organization_settings_domain_too_common")
	}
	// Company domains that start like a provider are not providers.
	o := e.createOrg(api.OrganizationCreateRequest{OrganizationName: "x", EmailAllowedDomains: &[]string{"mail.acme.com", "me.ibm.com", "live.acme.co"}})
	if len(o.EmailAllowedDomains) != 3 {
		t.Errorf("domains = %v", o.EmailAllowedDomains)
	}
}

// Removing a custom role that an implicit role assignment uses must not block unrelated
// updates of the organization.
func TestRemovingACustomRoleKeepsTheOrganizationUpdatable(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.seed(mockserver.Fixture{Organizations: []mockserver.FixtureOrganization{{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Acme", Slug: "acme"},
		CustomRoles:              []client.Role{{RoleID: "viewer", Description: "Views.", Permissions: []client.Permission{}}},
	}}})
	resp, err := e.c.UpdateOrganizationWithResponse(e.ctx, "acme", nil, api.OrganizationUpdateRequest{
		RBACEmailImplicitRoleAssignments: &[]api.EmailImplicitRoleAssignment{{Domain: "acme.com", RoleID: "viewer"}}})
	e.expectOK(resp.StatusCode(), resp.Body, err)
	set, err := e.c.SetOrganizationRBACPolicyWithResponse(e.ctx, "acme", api.OrganizationRBACPolicyRequest{OrgPolicy: policyInput()})
	e.expectOK(set.StatusCode(), set.Body, err)
	rename, err := e.c.UpdateOrganizationWithResponse(e.ctx, "acme", nil, api.OrganizationUpdateRequest{OrganizationName: ptr("Acme 2")})
	e.expectOK(rename.StatusCode(), rename.Body, err)
}
