package mockserver_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/b2bkit/stytchorgs/client"
	"github.com/b2bkit/stytchorgs/internal/api"
	"github.com/b2bkit/stytchorgs/mockserver"
)

// The tests of fixtures: Seed, ParseFixture, LoadFixture, WithFixture and WithFixtureFile.

// What testdata/fixture.json holds.
const (
	fxFile        = "testdata/fixture.json"
	fxProject     = "project-test-2b7d8e9f-0a1b-4c2d-9e3f-6f1c2a9e4b1d"
	fxAcmeID      = "organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931"
	fxAdaID       = "member-test-32fc5024-9c09-4da3-bd2e-c9ce4da9375f"
	fxGraceID     = "member-test-8d9e0f1a-2b3c-4d5e-9f6a-7b8c9d0e1f2a"
	fxAnalyticsID = "connected-app-test-0c3f7a52-91d4-4e6b-b8a0-3d2f1e0c9b8a"
	fxCLIID       = "connected-app-test-4e5d6c7b-8a9f-4b0e-a1d2-c3b4a5968778"
	fxPasswordID  = "member-password-test-51a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b"
	fxTOTPID      = "member-totp-test-6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f"
	fxAdaToken    = "mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q"
	fxAdaJWT      = "eyJhbGciOiJSUzI1NiJ9.ada-session.sig"
)

func fxRoleIDs(m api.Member) []string {
	var ids []string
	for _, r := range m.Roles {
		ids = append(ids, r.RoleID)
	}
	return ids
}

// fxStart starts a server seeded with testdata/fixture.json and an env of its project.
func fxStart(t *testing.T) (*mockserver.Server, *env) {
	t.Helper()
	e := setup(t, mockserver.WithFixtureFile(fxFile)).as(fxProject)
	return e.srv, e
}

func TestFixtureFileOrganizations(t *testing.T) {
	t.Parallel()
	_, c := fxStart(t)
	if n := c.orgCount(); n != 2 {
		t.Fatalf("%d organizations, want 2", n)
	}
	var r api.OrganizationResponse
	c.ok(&r, http.MethodGet, "/v1/b2b/organizations/"+fxAcmeID, "")
	o := r.Organization
	created := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	if o.OrganizationID != fxAcmeID || o.OrganizationName != "Acme Corporation" || o.OrganizationSlug != "acme-corp" ||
		o.OrganizationExternalID == nil || *o.OrganizationExternalID != "crm-00421" ||
		o.EmailJITProvisioning != "RESTRICTED" || !slices.Equal(o.ClaimedEmailDomains, []string{"acme.com"}) ||
		o.CreatedAt == nil || !o.CreatedAt.Equal(created) || o.UpdatedAt == nil || !o.UpdatedAt.Equal(created) {
		t.Errorf("organization = %+v", o)
	}
	if len(o.SSOActiveConnections) != 1 || o.SSOActiveConnections[0].DisplayName != "Okta" ||
		o.SSODefaultConnectionID == nil || *o.SSODefaultConnectionID != o.SSOActiveConnections[0].ConnectionID {
		t.Errorf("SSO connections %+v, default %v", o.SSOActiveConnections, o.SSODefaultConnectionID)
	}
	if len(o.CustomRoles) != 1 || o.CustomRoles[0].RoleID != "acme-support" {
		t.Errorf("custom_roles = %+v", o.CustomRoles)
	}
	if o.TrustedMetadata == nil || (*o.TrustedMetadata)["plan"] != "enterprise" {
		t.Errorf("trusted_metadata = %v", o.TrustedMetadata)
	}
	// The slug and the external id find it too.
	for _, ident := range []string{"acme-corp", "crm-00421"} {
		var byIdent api.OrganizationResponse
		c.ok(&byIdent, http.MethodGet, "/v1/b2b/organizations/"+ident, "")
		if byIdent.Organization.OrganizationID != fxAcmeID {
			t.Errorf("GET %s = %s", ident, byIdent.Organization.OrganizationID)
		}
	}
	// The organization without a fixed id got one of the project's environment.
	var globex api.OrganizationResponse
	c.ok(&globex, http.MethodGet, "/v1/b2b/organizations/globex", "")
	if !strings.HasPrefix(globex.Organization.OrganizationID, "organization-test-") {
		t.Errorf("globex id = %q", globex.Organization.OrganizationID)
	}
	var metrics api.OrganizationMetricsResponse
	c.ok(&metrics, http.MethodGet, "/v1/b2b/organizations/"+fxAcmeID+"/metrics", "")
	if metrics.MemberCount != 2 {
		t.Errorf("member_count = %d, want 2", metrics.MemberCount)
	}
	// The claimed domain is enforced against other organizations.
	c.fail(400, "action_not_allowed_email_domain_is_claimed", http.MethodPost, "/v1/b2b/organizations/globex/members", `{"email_address":"eve@acme.com"}`)
}

func TestFixtureFileMembers(t *testing.T) {
	t.Parallel()
	_, c := fxStart(t)
	ada := c.getMember(fxAcmeID, fxAdaID)
	if !ada.EmailAddressVerified || !ada.MFAPhoneNumberVerified || ada.MFAPhoneNumber != "+14155550100" ||
		ada.MemberPasswordID != fxPasswordID || ada.TOTPRegistrationID != fxTOTPID ||
		ada.DefaultMFAMethod != "totp" || !ada.MFAEnrolled || ada.Name != "Ada Lovelace" ||
		ada.ExternalID == nil || *ada.ExternalID != "emp-0001" || ada.Status != "active" ||
		!ada.IsAdmin || !slices.Contains(fxRoleIDs(ada), "stytch_admin") {
		t.Errorf("ada = %+v", ada)
	}
	if ada.CreatedAt == nil || !ada.CreatedAt.Equal(time.Date(2025, 3, 1, 12, 5, 0, 0, time.UTC)) {
		t.Errorf("ada created_at = %v", ada.CreatedAt)
	}
	if len(ada.RetiredEmailAddresses) != 1 || ada.RetiredEmailAddresses[0].EmailAddress != "ada.byron@acme.com" ||
		!strings.HasPrefix(ada.RetiredEmailAddresses[0].EmailID, "email-test-") {
		t.Errorf("retired_email_addresses = %+v", ada.RetiredEmailAddresses)
	}
	if len(ada.OauthRegistrations) != 1 || ada.OauthRegistrations[0].ProviderType != "Google" {
		t.Errorf("oauth_registrations = %+v", ada.OauthRegistrations)
	}

	grace := c.getMember(fxAcmeID, fxGraceID)
	if grace.Status != "invited" || grace.EmailAddressVerified || grace.IsAdmin ||
		!slices.Contains(fxRoleIDs(grace), "acme-support") {
		t.Errorf("grace = %+v", grace)
	}
	// The external id finds Ada too, and so does her address.
	var byExt api.MemberResponse
	c.ok(&byExt, http.MethodGet, "/v1/b2b/organizations/acme-corp/member?member_id=emp-0001", "")
	var byEmail api.MemberResponse
	c.ok(&byEmail, http.MethodGet, "/v1/b2b/organizations/acme-corp/member?email_address=ADA@acme.com", "")
	if byExt.MemberID != fxAdaID || byEmail.MemberID != fxAdaID {
		t.Errorf("by external id %s, by email %s", byExt.MemberID, byEmail.MemberID)
	}
	// The retired address is taken.
	c.fail(400, "retired_member_email", http.MethodPost, "/v1/b2b/organizations/"+fxAcmeID+"/members", `{"email_address":"ada.byron@acme.com"}`)
	c.fail(400, "duplicate_member_email", http.MethodPost, "/v1/b2b/organizations/"+fxAcmeID+"/members", `{"email_address":"grace@acme.com"}`)
}

// The fixture-only state is real state: the operations that remove it work on it.
func TestFixtureFileStateCanBeRemoved(t *testing.T) {
	t.Parallel()
	_, c := fxStart(t)
	base := "/v1/b2b/organizations/" + fxAcmeID

	var r api.MemberResponse
	c.ok(&r, http.MethodDelete, base+"/members/passwords/"+fxPasswordID, "")
	if r.Member.MemberPasswordID != "" {
		t.Errorf("member_password_id after delete = %q", r.Member.MemberPasswordID)
	}
	c.fail(404, "member_password_not_found", http.MethodDelete, base+"/members/passwords/"+fxPasswordID, "")

	c.ok(&r, http.MethodDelete, base+"/members/"+fxAdaID+"/totp", "")
	if r.Member.TOTPRegistrationID != "" || r.Member.DefaultMFAMethod != "" {
		t.Errorf("after deleting TOTP: totp %q, default %q", r.Member.TOTPRegistrationID, r.Member.DefaultMFAMethod)
	}

	c.ok(&r, http.MethodPost, base+"/members/"+fxAdaID+"/unlink_retired_email", `{"email_address":"ada.byron@acme.com"}`)
	if len(r.Member.RetiredEmailAddresses) != 0 {
		t.Errorf("retired emails after unlink = %+v", r.Member.RetiredEmailAddresses)
	}

	c.ok(nil, http.MethodPost, base+"/members/"+fxAdaID+"/connected_apps/"+fxAnalyticsID+"/revoke", "{}")
	if apps := c.memberApps(fxAcmeID, fxAdaID); len(apps) != 0 {
		t.Errorf("connected apps after revoke = %+v", apps)
	}
	c.fail(404, "connected_app_not_found", http.MethodGet, base+"/connected_apps/"+fxAnalyticsID, "")
}

func TestFixtureFileProviderTokens(t *testing.T) {
	t.Parallel()
	_, c := fxStart(t)
	base := "/v1/b2b/organizations/" + fxAcmeID + "/members/" + fxAdaID + "/oauth_providers/"

	var g api.GoogleOAuthTokensResponse
	c.ok(&g, http.MethodGet, base+"google", "")
	if g.ProviderType != "Google" || g.ProviderSubject != "10769150350006150715113082367" ||
		g.AccessToken == nil || *g.AccessToken != "ya29.google-access-token" || g.IDToken == "" ||
		!slices.Equal(g.Scopes, []string{"openid", "email", "profile"}) || g.StatusCode != 200 ||
		!strings.HasPrefix(g.RequestID, "request-id-test-") {
		t.Errorf("google tokens = %+v", g)
	}
	if g.RefreshToken != nil {
		t.Errorf("refresh_token sent without include_refresh_token: %q", *g.RefreshToken)
	}
	var withRefresh api.GoogleOAuthTokensResponse
	c.ok(&withRefresh, http.MethodGet, base+"google?include_refresh_token=true", "")
	if withRefresh.RefreshToken == nil || *withRefresh.RefreshToken != "1//google-refresh-token" {
		t.Errorf("refresh_token with include_refresh_token = %v", withRefresh.RefreshToken)
	}

	var s api.SlackOAuthTokensResponse
	c.ok(&s, http.MethodGet, base+"slack", "")
	if len(s.Registrations) != 1 || s.Registrations[0].ProviderTenantID != "T01ACME4567" || s.Registrations[0].BotAccessToken != "xoxb-slack-bot-token" {
		t.Errorf("slack tokens = %+v", s)
	}

	c.fail(404, "member_oauth_token_not_found", http.MethodGet, base+"microsoft", "")
	c.fail(404, "member_oauth_token_not_found", http.MethodGet, "/v1/b2b/organizations/"+fxAcmeID+"/members/"+fxGraceID+"/oauth_providers/google", "")
	c.fail(404, "member_oidc_token_not_found", http.MethodGet, "/v1/b2b/organizations/"+fxAcmeID+"/members/"+fxAdaID+"/oidc_providers", "")
}

func TestFixtureFileConnectedApps(t *testing.T) {
	t.Parallel()
	_, c := fxStart(t)
	apps := c.memberApps(fxAcmeID, fxAdaID)
	if len(apps) != 1 || apps[0].ConnectedAppID != fxAnalyticsID || apps[0].Name != "Acme Analytics" ||
		apps[0].ScopesGranted != "openid email" || apps[0].ClientType != "third_party" ||
		apps[0].LogoURL == nil || *apps[0].LogoURL != "https://analytics.example.com/logo.png" {
		t.Errorf("ada's connected apps = %+v", apps)
	}
	if apps := c.memberApps(fxAcmeID, fxGraceID); len(apps) != 0 {
		t.Errorf("grace's connected apps = %+v", apps)
	}

	var list api.OrganizationConnectedAppsResponse
	c.ok(&list, http.MethodGet, "/v1/b2b/organizations/"+fxAcmeID+"/connected_apps", "")
	if len(list.ConnectedApps) != 1 || list.ConnectedApps[0].ConnectedAppID != fxAnalyticsID {
		t.Errorf("organization connected apps = %+v (only granted apps count)", list.ConnectedApps)
	}
	var one api.OrganizationConnectedAppResponse
	c.ok(&one, http.MethodGet, "/v1/b2b/organizations/"+fxAcmeID+"/connected_apps/"+fxAnalyticsID, "")
	if len(one.ActiveMembers) != 1 || one.ActiveMembers[0].MemberID != fxAdaID ||
		!slices.Equal(one.ActiveMembers[0].GrantedScopes, []string{"openid", "email"}) {
		t.Errorf("active members = %+v", one.ActiveMembers)
	}
	// The CLI app exists in the project but no member authorized it.
	c.fail(404, "connected_app_not_found", http.MethodGet, "/v1/b2b/organizations/"+fxAcmeID+"/connected_apps/"+fxCLIID, "")
}

func TestFixtureFileSessions(t *testing.T) {
	t.Parallel()
	_, c := fxStart(t)
	path := "/v1/b2b/organizations/" + fxAcmeID + "/connected_apps"
	c.ok(nil, http.MethodGet, path, "", "X-Stytch-Member-Session", fxAdaToken)
	c.ok(nil, http.MethodGet, path, "", "X-Stytch-Member-SessionJWT", fxAdaJWT)
	c.fail(404, "session_not_found", http.MethodGet, path, "", "X-Stytch-Member-Session", "not-a-session")
	c.fail(400, "too_many_session_arguments", http.MethodGet, path, "", "X-Stytch-Member-Session", fxAdaToken, "X-Stytch-Member-SessionJWT", fxAdaJWT)
	// Ada's session acts as Ada: an admin of Acme and nothing in Globex.
	c.ok(nil, http.MethodPut, "/v1/b2b/organizations/"+fxAcmeID, `{"organization_name":"Acme Corp."}`, "X-Stytch-Member-Session", fxAdaToken)
	c.fail(403, "unauthorized_action", http.MethodPut, "/v1/b2b/organizations/globex", `{"organization_name":"Globex 2"}`,
		"X-Stytch-Member-Session", fxAdaToken)
	// The session belongs to the fixture's project only.
	other := newEnv(t, c.srv, "project-test-fixture-other")
	other.fail(404, "session_not_found", http.MethodGet, path, "", "X-Stytch-Member-Session", fxAdaToken)
}

func TestFixtureFileIsPerProject(t *testing.T) {
	t.Parallel()
	srv, _ := fxStart(t)
	other := newEnv(t, srv, "project-test-fixture-other")
	if n := other.orgCount(); n != 0 {
		t.Fatalf("another project sees %d organizations", n)
	}
	other.fail(404, "organization_not_found", http.MethodGet, "/v1/b2b/organizations/"+fxAcmeID, "")
	// The fixed ids are free in another project.
	if err := srv.Seed(mockserver.Fixture{ProjectID: "project-test-fixture-other", Organizations: []mockserver.FixtureOrganization{{
		OrganizationID:           fxAcmeID,
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Other Acme", Slug: "acme-corp"},
	}}}); err != nil {
		t.Fatalf("seeding the same ids into another project: %v", err)
	}
}

func TestFixtureLoadMatchesParse(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(fxFile)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := mockserver.ParseFixture(b)
	if err != nil {
		t.Fatalf("ParseFixture: %v", err)
	}
	loaded, err := mockserver.LoadFixture(fxFile)
	if err != nil {
		t.Fatalf("LoadFixture: %v", err)
	}
	if diff := cmp.Diff(loaded, parsed); diff != "" {
		t.Errorf("LoadFixture and ParseFixture disagree (-loaded +parsed):\n%s", diff)
	}
	if loaded.ProjectID != fxProject || len(loaded.ConnectedApps) != 2 || len(loaded.Organizations) != 2 {
		t.Fatalf("fixture = %+v", loaded)
	}
	acme := loaded.Organizations[0]
	if acme.OrganizationID != fxAcmeID || acme.Name != "Acme Corporation" || len(acme.Members) != 2 ||
		!acme.CreatedAt.Equal(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("acme = %+v", acme)
	}
	ada := acme.Members[0]
	if ada.MemberID != fxAdaID || ada.EmailAddress != "ada@acme.com" || !ada.EmailAddressVerified ||
		ada.MemberPasswordID != fxPasswordID || ada.ProviderTokens.Google == nil || len(ada.ProviderTokens.Slack) != 1 ||
		len(ada.ConnectedApps) != 1 || !slices.Equal(ada.ConnectedApps[0].Scopes, []string{"openid", "email"}) ||
		len(ada.Sessions) != 1 || ada.Sessions[0].SessionToken != fxAdaToken || !slices.Equal(ada.RetiredEmails, []mockserver.FixtureRetiredEmail{{EmailAddress: "ada.byron@acme.com"}}) {
		t.Errorf("ada = %+v", ada)
	}
}

func TestFixtureParseRejectsUnknownFields(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"top level":       `{"project_id": "project-test-x", "organisations": []}`,
		"connected app":   `{"project_id": "project-test-x", "connected_apps": [{"connected_app_id": "a", "name": "A", "type": "third_party"}]}`,
		"organization":    `{"project_id": "project-test-x", "organizations": [{"organization_name": "A", "org_slug": "a"}]}`,
		"member":          `{"project_id": "project-test-x", "organizations": [{"organization_name": "A", "members": [{"email_address": "a@a.com", "verified": true}]}]}`,
		"session":         `{"project_id": "project-test-x", "organizations": [{"organization_name": "A", "members": [{"email_address": "a@a.com", "sessions": [{"token": "t"}]}]}]}`,
		"provider tokens": `{"project_id": "project-test-x", "organizations": [{"organization_name": "A", "members": [{"email_address": "a@a.com", "provider_tokens": {"gogle": {}}}]}]}`,
		"google token":    `{"project_id": "project-test-x", "organizations": [{"organization_name": "A", "members": [{"email_address": "a@a.com", "provider_tokens": {"google": {"acess_token": "x"}}}]}]}`,
		"grant":           `{"project_id": "project-test-x", "organizations": [{"organization_name": "A", "members": [{"email_address": "a@a.com", "connected_apps": [{"connected_app_id": "a", "scope": ["x"]}]}]}]}`,
		"policy":          `{"project_id": "project-test-x", "rbac_policy": {"roles": [{"role_id": "r", "perms": []}]}}`,
		"custom role":     `{"project_id": "project-test-x", "organizations": [{"organization_name": "A", "custom_roles": [{"role_id": "r", "permission": []}]}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if f, err := mockserver.ParseFixture([]byte(body)); err == nil {
				t.Fatalf("ParseFixture accepted an unknown field: %+v", f)
			} else if !strings.Contains(err.Error(), "unknown field") {
				t.Errorf("error %q does not say which field is unknown", err)
			}
		})
	}
}

func TestFixtureParseRejectsMalformed(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"empty":            ``,
		"not JSON":         `project_id: x`,
		"truncated":        `{"project_id": "project-test-x"`,
		"array":            `[]`,
		"wrong type":       `{"project_id": 7}`,
		"bool as string":   `{"project_id": "p", "organizations": [{"organization_name": "A", "members": [{"email_address": "a@a.com", "is_locked": "yes"}]}]}`,
		"bad created_at":   `{"project_id": "p", "organizations": [{"organization_name": "A", "created_at": "yesterday"}]}`,
		"members not list": `{"project_id": "p", "organizations": [{"organization_name": "A", "members": {}}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if f, err := mockserver.ParseFixture([]byte(body)); err == nil {
				t.Fatalf("ParseFixture(%q) = %+v, want an error", body, f)
			}
		})
	}
	// The smallest fixture parses.
	f, err := mockserver.ParseFixture([]byte(`{"project_id": "project-test-x"}`))
	if err != nil || f.ProjectID != "project-test-x" {
		t.Fatalf("ParseFixture(minimal) = %+v, %v", f, err)
	}
}

func TestFixtureLoadErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.json")
	if _, err := mockserver.LoadFixture(missing); err == nil {
		t.Errorf("LoadFixture of a missing file succeeded")
	}
	if s, err := mockserver.New(mockserver.WithFixtureFile(missing)); err == nil {
		s.Close()
		t.Errorf("WithFixtureFile of a missing file succeeded")
	}

	typo := filepath.Join(dir, "typo.json")
	if err := os.WriteFile(typo, []byte(`{"project_id": "project-test-x", "organizations": [{"organization_nme": "A"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := mockserver.LoadFixture(typo); err == nil || !strings.Contains(err.Error(), "organization_nme") {
		t.Errorf("LoadFixture of a typo: %v", err)
	}
	if s, err := mockserver.New(mockserver.WithFixtureFile(typo)); err == nil {
		s.Close()
		t.Errorf("WithFixtureFile of a typo succeeded")
	}

	// Well-formed but breaking a rule: New fails.
	dup := filepath.Join(dir, "dup.json")
	if err := os.WriteFile(dup, []byte(`{"project_id": "project-test-x", "organizations": [
		{"organization_name": "A", "organization_slug": "same"}, {"organization_name": "B", "organization_slug": "same"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := mockserver.LoadFixture(dup); err != nil {
		t.Fatalf("LoadFixture only parses, but: %v", err)
	}
	if s, err := mockserver.New(mockserver.WithFixtureFile(dup)); err == nil {
		s.Close()
		t.Errorf("WithFixtureFile of a fixture with a duplicate slug succeeded")
	} else if !strings.Contains(err.Error(), "organization_slug_already_used") {
		t.Errorf("error %q does not name the rule", err)
	}
}

// fxSmall is a small fixture for project: one organization with one member.
func fxSmall(project, orgID, slug, memberID, email string) mockserver.Fixture {
	return mockserver.Fixture{ProjectID: project, Organizations: []mockserver.FixtureOrganization{{
		OrganizationID:           orgID,
		OrganizationCreateParams: client.OrganizationCreateParams{Name: slug, Slug: slug},
		Members: []mockserver.FixtureMember{{
			MemberID:             memberID,
			MemberCreateParams:   client.MemberCreateParams{EmailAddress: email},
			EmailAddressVerified: true,
		}},
	}}}
}

func TestFixtureWithFixtureOptions(t *testing.T) {
	t.Parallel()
	const project = "project-test-with-fixture"
	srv := mockserver.Start(t,
		mockserver.WithFixture(fxSmall(project, "organization-test-11111111-1111-4111-8111-111111111111", "one",
			"member-test-11111111-1111-4111-8111-111111111111", "a@one.com")),
		mockserver.WithFixture(fxSmall(project, "organization-test-22222222-2222-4222-8222-222222222222", "two",
			"member-test-22222222-2222-4222-8222-222222222222", "b@two.com")),
		mockserver.WithFixtureFile(fxFile))
	c := newEnv(t, srv, project)
	if n := c.orgCount(); n != 2 {
		t.Fatalf("%d organizations, want 2", n)
	}
	m := c.getMember("organization-test-22222222-2222-4222-8222-222222222222", "member-test-22222222-2222-4222-8222-222222222222")
	if m.EmailAddress != "b@two.com" || !m.EmailAddressVerified {
		t.Errorf("member = %+v", m)
	}
	if n := newEnv(t, srv, fxProject).orgCount(); n != 2 {
		t.Errorf("the fixture file's project has %d organizations, want 2", n)
	}

	// Two fixtures that clash: New fails.
	clash := fxSmall(project, "organization-test-33333333-3333-4333-8333-333333333333", "three", "", "c@three.com")
	if s, err := mockserver.New(mockserver.WithFixture(clash), mockserver.WithFixture(clash)); err == nil {
		s.Close()
		t.Errorf("two fixtures with the same organization id were accepted")
	} else if !strings.Contains(err.Error(), "duplicate_organization_id") {
		t.Errorf("error %q", err)
	}
}

func TestFixtureSeedFixedIDs(t *testing.T) {
	t.Parallel()
	const project = "project-test-fixed-ids"
	srv := mockserver.Start(t)
	c := newEnv(t, srv, project)
	orgID, memberID := "organization-test-44444444-4444-4444-8444-444444444444", "member-test-44444444-4444-4444-8444-444444444444"
	if err := srv.Seed(fxSmall(project, orgID, "four", memberID, "d@four.com")); err != nil {
		t.Fatalf("Seed: %v", err)
	}
	if m := c.getMember(orgID, memberID); m.OrganizationID != orgID {
		t.Errorf("member's organization = %s", m.OrganizationID)
	}
	var d api.MemberResponse
	c.ok(&d, http.MethodGet, "/v1/b2b/organizations/members/dangerously_get/"+memberID, "")
	if d.Organization.OrganizationID != orgID {
		t.Errorf("dangerously_get: %+v", d)
	}

	// The same organization id again, or the same member id in another organization: refused,
	// and nothing of the refused fixture stays.
	if err := srv.Seed(fxSmall(project, orgID, "four-again", "", "e@four.com")); err == nil || !strings.Contains(err.Error(), "duplicate_organization_id") {
		t.Errorf("Seed with a used organization id: %v", err)
	}
	if err := srv.Seed(fxSmall(project, "", "five", memberID, "e@five.com")); err == nil || !strings.Contains(err.Error(), "duplicate_member_id") {
		t.Errorf("Seed with a used member id: %v", err)
	}
	if n := c.orgCount(); n != 1 {
		t.Errorf("%d organizations, want 1", n)
	}
	c.fail(404, "organization_not_found", http.MethodGet, "/v1/b2b/organizations/five", "")
}

func TestFixtureSeedNeedsProjectID(t *testing.T) {
	t.Parallel()
	srv := mockserver.Start(t)
	f := fxSmall("", "", "nameless", "", "a@nameless.com")
	if err := srv.Seed(f); err == nil || !strings.Contains(err.Error(), "project_id") {
		t.Fatalf("Seed without a project id: %v", err)
	}
}

func TestFixtureLiveProject(t *testing.T) {
	t.Parallel()
	const project = "project-live-fixture"
	srv := mockserver.Start(t)
	f := fxSmall(project, "", "live-org", "", "ada@live.com")
	f.Organizations[0].Members[0].RetiredEmails = []mockserver.FixtureRetiredEmail{{EmailAddress: "old@live.com"}}
	if err := srv.Seed(f); err != nil {
		t.Fatalf("Seed: %v", err)
	}
	c := newEnv(t, srv, project)
	var r api.MemberResponse
	c.ok(&r, http.MethodGet, "/v1/b2b/organizations/live-org/member?email_address=ada@live.com", "")
	if !strings.HasPrefix(r.Organization.OrganizationID, "organization-live-") || !strings.HasPrefix(r.MemberID, "member-live-") ||
		len(r.Member.RetiredEmailAddresses) != 1 || !strings.HasPrefix(r.Member.RetiredEmailAddresses[0].EmailID, "email-live-") {
		t.Errorf("ids of a live project's fixture: org %s, member %s, retired %+v",
			r.Organization.OrganizationID, r.MemberID, r.Member.RetiredEmailAddresses)
	}
}

// Organization create requests in a fixture are checked against openapi.yaml like requests.
func TestFixtureSchemaCheck(t *testing.T) {
	t.Parallel()
	for name, mutate := range map[string]func(*mockserver.FixtureOrganization){
		"invalid mfa_policy enum": func(o *mockserver.FixtureOrganization) {
			o.MFAPolicy = client.MFAPolicy("SOMETIMES")
		},
		"invalid email_invites enum": func(o *mockserver.FixtureOrganization) {
			o.EmailInvites = client.AccessSetting("EVERYONE")
		},
		"invalid auth method": func(o *mockserver.FixtureOrganization) {
			o.AuthMethods = client.AccessRestricted
			o.AllowedAuthMethods = []client.AuthMethod{"carrier_pigeon"}
		},
		"empty name": func(o *mockserver.FixtureOrganization) { o.Name = "" },
		"bad slug":   func(o *mockserver.FixtureOrganization) { o.Slug = "has spaces" },
		"bad member email": func(o *mockserver.FixtureOrganization) {
			o.Members[0].EmailAddress = "not-an-email"
		},
		"invalid member status": func(o *mockserver.FixtureOrganization) {
			o.Members[0].Status = client.MemberStatus("archived")
		},
		"invalid default MFA method": func(o *mockserver.FixtureOrganization) {
			o.Members[0].DefaultMFAMethod = client.MFAMethod("email_otp")
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const project = "project-test-schema"
			srv := mockserver.Start(t)
			f := fxSmall(project, "", "valid-first", "", "a@first.com")
			bad := fxSmall(project, "", "second", "", "b@second.com").Organizations[0]
			mutate(&bad)
			f.Organizations = append(f.Organizations, bad)
			if err := srv.Seed(f); err == nil {
				t.Fatalf("Seed accepted an organization with %s", name)
			}
			c := newEnv(t, srv, project)
			if n := c.orgCount(); n != 0 {
				t.Fatalf("%d organizations after a refused fixture, want 0", n)
			}
		})
	}
}

// fxRollbackFixture is a fixture whose last organization breaks a rule after everything else
// was applied: a policy role, a Connected App, an organization with a member who authorized the
// app and has a session, and a second organization.
func fxRollbackFixture(project string, breakIt func(*mockserver.Fixture)) mockserver.Fixture {
	f := mockserver.Fixture{
		ProjectID: project,
		Policy: &client.Policy{Roles: []client.Role{{RoleID: "rollback-role", Description: "Rolled back.",
			Permissions: []client.Permission{{ResourceID: "stytch.member", Actions: []string{"get"}}}}}},
		ConnectedApps: []mockserver.FixtureConnectedApp{{ConnectedAppID: "connected-app-test-rollback", Name: "Rollback"}},
		Organizations: []mockserver.FixtureOrganization{
			{
				OrganizationID: "organization-test-55555555-5555-4555-8555-555555555555",
				OrganizationCreateParams: client.OrganizationCreateParams{Name: "First", Slug: "first",
					ClaimedEmailDomains: []string{"first.com"}},
				Members: []mockserver.FixtureMember{{
					MemberID:             "member-test-55555555-5555-4555-8555-555555555555",
					MemberCreateParams:   client.MemberCreateParams{EmailAddress: "ada@first.com", Roles: []string{"rollback-role"}},
					EmailAddressVerified: true,
					ConnectedApps:        []mockserver.FixtureGrant{{ConnectedAppID: "connected-app-test-rollback", Scopes: []string{"openid"}}},
					Sessions:             []mockserver.FixtureSession{{SessionToken: "session-token-rollback"}},
				}},
			},
			{
				OrganizationCreateParams: client.OrganizationCreateParams{Name: "Second", Slug: "second"},
				Members: []mockserver.FixtureMember{
					{MemberCreateParams: client.MemberCreateParams{EmailAddress: "b@second.com"}},
				},
			},
		},
	}
	breakIt(&f)
	return f
}

func TestFixtureFailureRollsBackCompletely(t *testing.T) {
	t.Parallel()
	for name, breakIt := range map[string]func(*mockserver.Fixture){
		"third organization's slug": func(f *mockserver.Fixture) {
			f.Organizations = append(f.Organizations, mockserver.FixtureOrganization{
				OrganizationCreateParams: client.OrganizationCreateParams{Name: "Third", Slug: "first"}})
		},
		"second organization's second member": func(f *mockserver.Fixture) {
			f.Organizations[1].Members = append(f.Organizations[1].Members, mockserver.FixtureMember{
				MemberCreateParams: client.MemberCreateParams{EmailAddress: "B@second.com"}})
		},
		"a member's session": func(f *mockserver.Fixture) {
			f.Organizations[1].Members[0].Sessions = []mockserver.FixtureSession{{}}
		},
		"a grant of an unknown app": func(f *mockserver.Fixture) {
			f.Organizations[1].Members[0].ConnectedApps = []mockserver.FixtureGrant{{ConnectedAppID: "connected-app-test-unknown"}}
		},
		"a member in a claimed domain": func(f *mockserver.Fixture) {
			f.Organizations[1].Members[0].EmailAddress = "eve@first.com"
		},
		"an invalid enum": func(f *mockserver.Fixture) {
			f.Organizations[1].MFAMethods = client.AccessSetting("SOME")
		},
		"a custom role": func(f *mockserver.Fixture) {
			f.Organizations[1].CustomRoles = []client.Role{{RoleID: "stytch_reserved"}}
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const project = "project-test-rollback"
			srv := mockserver.Start(t)
			c := newEnv(t, srv, project)
			if err := srv.Seed(fxRollbackFixture(project, breakIt)); err == nil {
				t.Fatalf("Seed accepted a broken fixture")
			}

			if n := c.orgCount(); n != 0 {
				t.Errorf("%d organizations after a refused fixture, want 0", n)
			}
			c.fail(404, "organization_not_found", http.MethodGet, "/v1/b2b/organizations/organization-test-55555555-5555-4555-8555-555555555555", "")
			c.fail(404, "member_not_found", http.MethodGet,
				"/v1/b2b/organizations/members/dangerously_get/member-test-55555555-5555-4555-8555-555555555555?include_deleted=true", "")
			status, body := c.do(http.MethodGet, "/v1/b2b/rbac/policy", "")
			if status != 200 || strings.Contains(string(body), "rollback-role") {
				t.Errorf("policy after a refused fixture: %d %s", status, body)
			}
			// The Connected App is gone: granting it fails.
			probe := fxSmall(project, "", "probe", "", "p@probe.com")
			probe.Organizations[0].Members[0].ConnectedApps = []mockserver.FixtureGrant{{ConnectedAppID: "connected-app-test-rollback"}}
			if err := srv.Seed(probe); err == nil || !strings.Contains(err.Error(), "connected_app_not_found") {
				t.Errorf("granting the refused fixture's app: %v", err)
			}
			// The session is gone.
			c.ok(nil, http.MethodPost, "/v1/b2b/organizations", `{"organization_name":"Probe","organization_slug":"probe"}`)
			c.fail(404, "session_not_found", http.MethodGet, "/v1/b2b/organizations/probe/connected_apps", "",
				"X-Stytch-Member-Session", "session-token-rollback")
			// The slugs and the claimed domain are free, and the fixture applies once fixed.
			if err := srv.Seed(fxRollbackFixture(project, func(*mockserver.Fixture) {})); err != nil {
				t.Fatalf("the fixed fixture after a refused one: %v", err)
			}
			if n := c.orgCount(); n != 3 {
				t.Errorf("%d organizations, want 3", n)
			}
		})
	}
}

// fxEarlier seeds the state a later fixture must not disturb: a Connected App, an organization
// whose member authorized it, a session of that member, and a policy role.
func fxEarlier(t *testing.T, srv *mockserver.Server, project string) {
	t.Helper()
	f := fxSmall(project, "organization-test-66666666-6666-4666-8666-666666666666", "earlier",
		"member-test-66666666-6666-4666-8666-666666666666", "ada@earlier.com")
	f.Policy = &client.Policy{Roles: []client.Role{{RoleID: "earlier-role", Description: "From the earlier fixture.",
		Permissions: []client.Permission{{ResourceID: "stytch.member", Actions: []string{"get"}}}}}}
	f.ConnectedApps = []mockserver.FixtureConnectedApp{{ConnectedAppID: "connected-app-test-shared", Name: "Shared App", Description: "Earlier."}}
	f.Organizations[0].Members[0].ConnectedApps = []mockserver.FixtureGrant{{ConnectedAppID: "connected-app-test-shared", Scopes: []string{"openid"}}}
	f.Organizations[0].Members[0].Sessions = []mockserver.FixtureSession{{SessionToken: "session-token-shared"}}
	if err := srv.Seed(f); err != nil {
		t.Fatalf("Seed the earlier fixture: %v", err)
	}
}

// fxBrokenLater is a fixture that fails at its end, after declaring what fxEarlier declared.
func fxBrokenLater(project string) mockserver.Fixture {
	f := fxSmall(project, "", "later", "", "grace@later.com")
	f.Policy = &client.Policy{Roles: []client.Role{{RoleID: "later-role", Description: "From the later fixture.",
		Permissions: []client.Permission{{ResourceID: "stytch.member", Actions: []string{"get"}}}}}}
	f.ConnectedApps = []mockserver.FixtureConnectedApp{{ConnectedAppID: "connected-app-test-shared", Name: "Shared App", Description: "Later."}}
	f.Organizations[0].Members[0].ConnectedApps = []mockserver.FixtureGrant{{ConnectedAppID: "connected-app-test-shared", Scopes: []string{"email"}}}
	f.Organizations[0].Members[0].Sessions = []mockserver.FixtureSession{{SessionToken: "session-token-shared"}}
	f.Organizations = append(f.Organizations, mockserver.FixtureOrganization{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Clash", Slug: "earlier"}})
	return f
}

func TestFixtureFailureRestoresEarlierPolicy(t *testing.T) {
	t.Parallel()
	const project = "project-test-earlier-policy"
	srv := mockserver.Start(t)
	fxEarlier(t, srv, project)
	if err := srv.Seed(fxBrokenLater(project)); err == nil {
		t.Fatal("Seed accepted a broken fixture")
	}
	c := newEnv(t, srv, project)
	status, body := c.do(http.MethodGet, "/v1/b2b/rbac/policy", "")
	if status != 200 || !strings.Contains(string(body), "earlier-role") || strings.Contains(string(body), "later-role") {
		t.Errorf("policy after a refused fixture: %d %s", status, body)
	}
	if n := c.orgCount(); n != 1 {
		t.Errorf("%d organizations, want the earlier 1", n)
	}
	c.fail(404, "organization_not_found", http.MethodGet, "/v1/b2b/organizations/later", "")
}

// A refused fixture that declares a Connected App an earlier fixture declared must leave the
// earlier app, and its grants, as they were.
func TestFixtureFailureKeepsEarlierConnectedApps(t *testing.T) {
	t.Parallel()
	const project = "project-test-earlier-apps"
	srv := mockserver.Start(t)
	fxEarlier(t, srv, project)
	if err := srv.Seed(fxBrokenLater(project)); err == nil {
		t.Fatal("Seed accepted a broken fixture")
	}
	c := newEnv(t, srv, project)
	apps := c.memberApps("earlier", "member-test-66666666-6666-4666-8666-666666666666")
	if len(apps) != 1 || apps[0].ConnectedAppID != "connected-app-test-shared" || apps[0].Description != "Earlier." || apps[0].ScopesGranted != "openid" {
		t.Errorf("the earlier member's connected apps after a refused fixture = %+v, want the earlier grant of connected-app-test-shared", apps)
	}
	status, body := c.do(http.MethodGet, "/v1/b2b/organizations/earlier/connected_apps/connected-app-test-shared", "")
	if status != 200 {
		t.Errorf("the earlier organization's connected app after a refused fixture: %d %s", status, body)
	}
}

// A refused fixture that declares a session token an earlier fixture declared must leave the
// earlier session working.
func TestFixtureFailureKeepsEarlierSessions(t *testing.T) {
	t.Parallel()
	const project = "project-test-earlier-sessions"
	srv := mockserver.Start(t)
	fxEarlier(t, srv, project)
	c := newEnv(t, srv, project)
	path := "/v1/b2b/organizations/earlier/members/member-test-66666666-6666-4666-8666-666666666666/connected_apps"
	c.ok(nil, http.MethodGet, path, "", "X-Stytch-Member-Session", "session-token-shared")

	if err := srv.Seed(fxBrokenLater(project)); err == nil {
		t.Fatal("Seed accepted a broken fixture")
	}
	status, body := c.do(http.MethodGet, path, "", "X-Stytch-Member-Session", "session-token-shared")
	if status != 200 {
		t.Errorf("the earlier member's session after a refused fixture: %d %s, want 200", status, body)
	}
}

// Fixture-only member state that the file does not show: locked, deleted, provisioned roles,
// SCIM.
func TestFixtureMemberOnlyState(t *testing.T) {
	t.Parallel()
	const project = "project-test-member-state"
	clock := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	srv := mockserver.Start(t, mockserver.WithFixedClock(clock))
	orgID := "organization-test-77777777-7777-4777-8777-777777777777"
	locked := "member-test-77777777-7777-4777-8777-777777777771"
	deleted := "member-test-77777777-7777-4777-8777-777777777772"
	scim := "member-test-77777777-7777-4777-8777-777777777773"
	f := mockserver.Fixture{ProjectID: project, Organizations: []mockserver.FixtureOrganization{{
		OrganizationID:           orgID,
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "State", Slug: "state"},
		SCIMActiveConnection:     &client.SCIMActiveConnection{ConnectionID: "scim-connection-test-1", DisplayName: "Entra", BearerTokenLastFour: "abcd"},
		Members: []mockserver.FixtureMember{
			{MemberID: locked, MemberCreateParams: client.MemberCreateParams{EmailAddress: "locked@state.com"}, IsLocked: true},
			{MemberID: deleted, MemberCreateParams: client.MemberCreateParams{EmailAddress: "gone@state.com"}, Status: client.MemberDeleted, EmailAddressVerified: true},
			{
				MemberID:           scim,
				MemberCreateParams: client.MemberCreateParams{EmailAddress: "scim@state.com"},
				SCIMRegistration:   &client.SCIMRegistration{ConnectionID: "scim-connection-test-1", RegistrationID: "scim-registration-test-1"},
				ProvisionedRoles: []client.MemberRole{{RoleID: "stytch_admin", Sources: []client.MemberRoleSource{
					{Type: "scim_connection_group", Details: map[string]any{"connection_id": "scim-connection-test-1", "group": "admins"}}}}},
			},
		},
	}}}
	if err := srv.Seed(f); err != nil {
		t.Fatalf("Seed: %v", err)
	}
	c := newEnv(t, srv, project)

	l := c.getMember(orgID, locked)
	if !l.IsLocked || l.LockCreatedAt == nil || !l.LockCreatedAt.Equal(clock) || l.LockExpiresAt == nil || !l.LockExpiresAt.After(clock) {
		t.Errorf("locked member = %+v", l)
	}

	c.fail(404, "member_not_found", http.MethodGet, "/v1/b2b/organizations/"+orgID+"/member?member_id="+deleted, "")
	c.fail(404, "member_not_found", http.MethodGet, "/v1/b2b/organizations/members/dangerously_get/"+deleted, "")
	var d api.MemberResponse
	c.ok(&d, http.MethodGet, "/v1/b2b/organizations/members/dangerously_get/"+deleted+"?include_deleted=true", "")
	if d.Member.Status != "deleted" {
		t.Errorf("deleted member status = %q", d.Member.Status)
	}
	var metrics api.OrganizationMetricsResponse
	c.ok(&metrics, http.MethodGet, "/v1/b2b/organizations/"+orgID+"/metrics", "")
	if metrics.MemberCount != 2 {
		t.Errorf("member_count = %d, want 2 (the deleted member does not count)", metrics.MemberCount)
	}
	// Its verified email lets it be reactivated.
	c.ok(&d, http.MethodPut, "/v1/b2b/organizations/"+orgID+"/members/"+deleted+"/reactivate", "{}")
	if d.Member.Status != "active" {
		t.Errorf("reactivated member status = %q", d.Member.Status)
	}

	s := c.getMember(orgID, scim)
	if s.SCIMRegistration == nil || s.SCIMRegistration.RegistrationID != "scim-registration-test-1" || !s.IsAdmin {
		t.Errorf("SCIM member = %+v", s)
	}
	var found bool
	for _, r := range s.Roles {
		if r.RoleID == "stytch_admin" && len(r.Sources) == 1 && r.Sources[0].Type == "scim_connection_group" {
			found = true
		}
	}
	if !found {
		t.Errorf("roles = %+v, want stytch_admin from the SCIM group", s.Roles)
	}
	var o api.OrganizationResponse
	c.ok(&o, http.MethodGet, "/v1/b2b/organizations/"+orgID, "")
	if o.Organization.SCIMActiveConnection == nil || o.Organization.SCIMActiveConnection.DisplayName != "Entra" {
		t.Errorf("scim_active_connection = %+v", o.Organization.SCIMActiveConnection)
	}
}

// AddSession is the Go form of the admin API's sessions.
func TestFixtureAddSession(t *testing.T) {
	t.Parallel()
	const project = "project-test-add-session"
	srv := mockserver.Start(t)
	orgID, memberID := "organization-test-88888888-8888-4888-8888-888888888888", "member-test-88888888-8888-4888-8888-888888888888"
	if err := srv.Seed(fxSmall(project, orgID, "sessions", memberID, "s@sessions.com")); err != nil {
		t.Fatal(err)
	}
	c := newEnv(t, srv, project)
	path := fmt.Sprintf("/v1/b2b/organizations/%s/members/%s/connected_apps", orgID, memberID)
	c.fail(404, "session_not_found", http.MethodGet, path, "", "X-Stytch-Member-Session", "token-added")
	if err := srv.AddSession(project, memberID, "token-added", ""); err != nil {
		t.Fatalf("AddSession: %v", err)
	}
	c.ok(nil, http.MethodGet, path, "", "X-Stytch-Member-Session", "token-added")
	if err := srv.AddSession(project, "member-test-unknown", "t", ""); err == nil {
		t.Errorf("AddSession of an unknown member succeeded")
	}
	if err := srv.AddSession(project, memberID, "", ""); err == nil {
		t.Errorf("AddSession without a token or JWT succeeded")
	}
	// Deleting the member ends its sessions.
	c.ok(nil, http.MethodDelete, fmt.Sprintf("/v1/b2b/organizations/%s/members/%s", orgID, memberID), "")
	c.fail(404, "session_not_found", http.MethodGet, "/v1/b2b/organizations/"+orgID+"/connected_apps", "", "X-Stytch-Member-Session", "token-added")
}

// A fixture is one JSON object: anything after it is a mistake (a stray brace, two fixtures
// pasted into one file) that must not be ignored.
func TestFixtureParseRejectsTrailingData(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"stray brace":  `{"project_id": "project-test-x"}}`,
		"two fixtures": `{"project_id": "project-test-x"} {"project_id": "project-test-y", "organizations": [{"organization_name": "Lost"}]}`,
		"garbage":      `{"project_id": "project-test-x"} trailing`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if f, err := mockserver.ParseFixture([]byte(body)); err == nil {
				t.Errorf("ParseFixture(%q) = %+v, nil; want an error for the data after the fixture", body, f)
			}
			file := filepath.Join(t.TempDir(), "fixture.json")
			if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			if f, err := mockserver.LoadFixture(file); err == nil {
				t.Errorf("LoadFixture of %q = %+v, nil; want an error", body, f)
			}
		})
	}
	// Whitespace after the object is fine.
	if _, err := mockserver.ParseFixture([]byte("{\"project_id\": \"project-test-x\"}\n\n")); err != nil {
		t.Errorf("ParseFixture with a trailing newline: %v", err)
	}
}

// Requests served while a fixture is applied never see part of it: while fixtures that fail at
// their last organization are seeded again and again, concurrent searches always find the
// project empty (before, they could see the organizations created ahead of the failure until
// the rollback removed them).
func TestFixtureFailureIsNeverSeenHalfApplied(t *testing.T) {
	t.Parallel()
	const project = "project-test-atomic-seed"
	m, err := mockserver.NewMock()
	if err != nil {
		t.Fatal(err)
	}
	f := mockserver.Fixture{ProjectID: project}
	for i := range 20 {
		slug := fmt.Sprintf("atomic-%02d", i)
		f.Organizations = append(f.Organizations, mockserver.FixtureOrganization{
			OrganizationCreateParams: client.OrganizationCreateParams{Name: slug, Slug: slug}})
	}
	f.Organizations = append(f.Organizations, mockserver.FixtureOrganization{
		OrganizationCreateParams: client.OrganizationCreateParams{Name: "Clash", Slug: "atomic-00"}})

	search := func() (int, error) {
		req := httptest.NewRequest(http.MethodPost, "/v1/b2b/organizations/search", strings.NewReader(`{}`))
		req.SetBasicAuth(project, "secret")
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, req)
		var r api.OrganizationSearchResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || rec.Code != http.StatusOK {
			return 0, fmt.Errorf("search: %d %s", rec.Code, rec.Body.Bytes())
		}
		return int(r.ResultsMetadata.Total), nil
	}
	if _, err := search(); err != nil { // registers the secret before the readers race for it
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var reads, seen atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				n, err := search()
				if err != nil {
					t.Error(err)
					return
				}
				reads.Add(1)
				if n != 0 {
					seen.Add(1)
				}
			}
		})
	}
	for range 50 {
		if err := m.Seed(f); err == nil {
			t.Fatal("Seed accepted a fixture with a slug used twice")
		}
	}
	close(stop)
	wg.Wait()
	if n := seen.Load(); n != 0 {
		t.Errorf("%d of %d searches saw organizations of a fixture that failed", n, reads.Load())
	}
}
